"""Start-up hooks of the outbox; ``connect()`` is called once from ``CoreConfig.ready``."""

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    # The tasks module registers the Celery tasks with the worker and beat.
    from linli.core.modules import MenuItem, Module, register_module
    from linli.core.notifications import tasks  # noqa: F401
    from linli.core.selectors import _inbox_counter, register_home_counter

    register_home_counter(_inbox_counter)
    register_module(Module(
        key="notifications", label=_("Notifications"), icon="bell", order=900,
        items=(
            MenuItem(_("Inbox"), "notifications:inbox", None, "inbox"),
            MenuItem(_("Background jobs"), "jobs:list", None, "loader"),
            MenuItem(_("Outbox"), "notifications:outbox", "core.view_message", "send"),
        ),
    ))
