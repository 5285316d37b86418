"""The embedded default runs real background work with no server (PLAT-6, NFR-5).

Starts the same Celery worker with embedded beat that ``make demo`` starts, on kombu's
filesystem transport and an SQLite file, in a scratch folder. Two e-mails are written through
the outbox: one is queued normally and delivered by the worker; the other's queueing is lost
(its broker is unreachable when the request commits) and the periodic sweep delivers it.
"""

import email
import os
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest

LINLI = [sys.executable, "-m", "linli.manage"]

SETUP = """
from linli.accounts.services import tenant_create, user_create
from tests.builders import PASSWORD
tenant = tenant_create(name="物业", code="w1", kind="property_company")
user_create(actor=None, tenant=tenant, username="u1", password=PASSWORD, email="u1@example.com")
"""

NOTIFY = """
from django.db import transaction
from linli.accounts.models import User
from linli.core.notifications.services import notify
user = User.objects.get(username="u1")
with transaction.atomic():
    notify(tenant=user.tenant_id, event="jobs.succeeded", recipients=[user],
           context={{"label": "{label}", "message": ""}}, channels=["email"])
"""


def _run(args, env, timeout=120):
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True,
                          timeout=timeout, cwd=Path(__file__).resolve().parents[3])


@pytest.mark.timeout_sensitive
def test_worker_delivers_queued_and_swept_messages(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "LINLI_TESTING", "CELERY_BROKER_URL", "REDIS_URL",
                        "DJANGO_SETTINGS_MODULE"}}
    env.update(LINLI_VAR_DIR=str(tmp_path), CELERY_TASK_ALWAYS_EAGER="0",
               EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
               NOTIFICATIONS_SWEEP_SECONDS="2", PYTHONPATH=str(Path(__file__).resolve().parents[3]))
    _run([*LINLI, "migrate", "--noinput", "-v0"], env)
    _run([*LINLI, "shell", "-c", SETUP], env)
    worker = subprocess.Popen(
        [*LINLI[:2], "celery", "-A", "linli", "worker", "--beat", "--pool", "solo",
         "--loglevel", "WARNING", "--schedule", str(tmp_path / "beat-schedule")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        _run([*LINLI, "shell", "-c", NOTIFY.format(label="queued")], env)
        lost_broker = {**env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
        _run([*LINLI, "shell", "-c", NOTIFY.format(label="swept")], lost_broker)
        deadline = time.monotonic() + 60
        subjects: set[str] = set()
        while time.monotonic() < deadline and len(subjects) < 2:
            time.sleep(0.5)
            subjects = _subjects(tmp_path / "mail")
    finally:
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")
    assert subjects == {"已完成：queued", "已完成：swept"}, output[-3000:]


def _subjects(mail_dir: Path) -> set[str]:
    """Subjects of the e-mails the file-based backend wrote (one file per connection)."""
    found = set()
    for log in mail_dir.glob("*.log") if mail_dir.exists() else []:
        for chunk in log.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                found.add(str(make_header(decode_header(message["Subject"]))))
    return found
