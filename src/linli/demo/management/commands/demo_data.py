"""Load the deterministic demo data (idempotent: a second run reuses what is there)."""

from django.core.management.base import BaseCommand

from linli.demo.generator import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Create the demo tenants, organisation trees, users and module data."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet, **options):
        report = build_demo(log=None if quiet else self.stdout.write)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(
            "Demo data ready" + (" (reused)" if report.reused else "") + "."
        ))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, description in report.logins:
            self.stdout.write(f"  {username:<14} {description}")
