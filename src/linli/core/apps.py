from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the core registers its menu items, warnings, counters and tasks here.
WIRED_PARTS = ["calendar", "notifications", "jobs", "exchange", "personal_data"]


class CoreConfig(AppConfig):
    name = "linli.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from importlib import import_module

        from linli.celery import ensure_broker_folders
        from linli.core import audit  # noqa: F401  (connects the history channel recorder)

        ensure_broker_folders()

        for part in WIRED_PARTS:
            import_module(f"linli.core.{part}.wiring").connect()
