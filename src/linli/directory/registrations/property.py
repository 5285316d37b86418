"""Start-up registrations of the directory's property part: the directory's one sidebar module,
listing the menu items of every directory part (items whose URL is missing stay hidden)."""

from django.utils.translation import gettext_lazy as _

from linli.core.modules import MenuItem, Module, register_module


def register() -> None:
    """Called once from DirectoryConfig.ready()."""
    register_module(Module(
        key="directory", label=_("Directory"), icon="address-book", order=100,
        items=(
            MenuItem(_("Communities"), "directory:communities", "directory.view_community",
                     "building-community"),
            MenuItem(_("People"), "directory:people", "directory.view_person", "users"),
            MenuItem(_("Organisations"), "directory:organizations",
                     "directory.view_organization", "building-skyscraper"),
            MenuItem(_("Duplicates"), "directory:duplicates", "directory.change_person",
                     "copy"),
            MenuItem(_("Imports"), "exchange:runs", "core.view_importrun", "file-import"),
            MenuItem(_("Statistics"), "directory:statistics", "directory.view_community",
                     "chart-bar"),
        ),
    ))
