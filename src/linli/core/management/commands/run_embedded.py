"""Serve the product with its background-job runner, needing no database or broker server.

Starts a Celery worker (with the beat scheduler embedded) on the configured broker — kombu's
filesystem transport under var/broker/ by default — then the web server in the foreground.
Stopping the command (Ctrl-C) stops both.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the web server and a Celery worker with beat (the embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Serve the web only.")

    def handle(self, *args, host, port, no_worker, **options):
        worker = None if no_worker else self._start_worker()
        try:
            self.stdout.write(self.style.SUCCESS(f"Linli is at http://{host}:{port}/"))
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _start_worker(self) -> subprocess.Popen:
        log = Path(settings.VAR_DIR) / "worker.log"
        command = [
            sys.executable, "-m", "celery", "-A", "linli", "worker", "--beat",
            "--pool", "solo", "--loglevel", "INFO",
            "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME,
        ]
        self.stdout.write(f"Background-job worker started (log: {log})")
        return subprocess.Popen(  # noqa: S603 (fixed argument list, no shell)
            command, stdout=log.open("ab"), stderr=subprocess.STDOUT, env=os.environ.copy()
        )
