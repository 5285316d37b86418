"""Start-up registrations of the working calendar; ``connect()`` runs from CoreConfig.ready."""

from django.utils.translation import gettext_lazy as _

from linli.core.modules import MenuItem, Module, register_module, register_warning_provider


def connect() -> None:
    from linli.core.calendar.selectors import VIEW_PERMISSION, calendar_warnings

    register_warning_provider(calendar_warnings)
    register_module(Module(
        key="calendar", label=_("Working calendar"), icon="calendar", order=900,
        items=(MenuItem(_("Working calendar"), "calendar:overview", VIEW_PERMISSION,
                        icon="calendar"),),
    ))
