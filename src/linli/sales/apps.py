from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "linli.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from linli.sales import registrations

        registrations.register()
