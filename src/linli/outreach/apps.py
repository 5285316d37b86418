from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "linli.outreach"
    label = "outreach"
    verbose_name = _("Partner outreach")

    def ready(self) -> None:
        from linli.outreach import registrations

        registrations.register()
