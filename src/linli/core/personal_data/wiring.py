"""Start-up registrations of personal data handling; ``connect()`` runs from CoreConfig.ready."""

from django.utils.translation import gettext_lazy as _

from linli.core.modules import MenuItem, Module, register_module


def connect() -> None:
    register_module(Module(
        key="personal_data", label=_("Personal data"), icon="shield-lock", order=960,
        items=(MenuItem(_("Access log"), "access_log", "core.view_accesslog", "eye"),),
    ))
