from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PARTS = ["property", "people", "organizations", "search", "exchange", "roles"]


class DirectoryConfig(AppConfig):
    name = "linli.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        for part in PARTS:
            import_module(f"linli.directory.registrations.{part}").register()
