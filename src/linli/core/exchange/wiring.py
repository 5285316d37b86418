"""Start-up hooks of the import/export framework; ``connect()`` is called once from
``CoreConfig.ready``."""

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    # The tasks module registers the background import task with the worker.
    from linli.core.exchange import tasks  # noqa: F401
    from linli.core.modules import MenuItem, Module, register_module

    register_module(Module(
        key="data_exchange", label=_("Data"), icon="file-spreadsheet", order=950,
        items=(MenuItem(_("Imports"), "exchange:runs", "core.view_importrun", "file-import"),),
    ))
