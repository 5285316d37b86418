"""What every page of the shell needs: the sidebar, the current view, warnings, languages."""

import functools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from linli.core import modules

logger = logging.getLogger(__name__)


def shell(request):
    context = {"shell_languages": settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    match = getattr(request, "resolver_match", None)
    # Lazy: htmx fragments are rendered with this context too and never show the sidebar.
    context["shell_modules"] = SimpleLazyObject(lambda: linked_modules(user))
    context["shell_current"] = match.view_name if match else ""
    context["shell_warnings"] = SimpleLazyObject(lambda: modules.warnings_for(user))
    return context


@dataclass(frozen=True)
class MenuLink:
    """A menu item as the shell shows it: with its URL, reversed once per URLconf."""

    label: str
    url_name: str
    icon: str
    url: str


def linked_modules(user) -> list[tuple[modules.Module, list[MenuLink]]]:
    """The user's modules with the menu items that lead somewhere; a module left without
    any item is not shown."""
    visible = []
    for module, items in modules.modules_for(user):
        linked = [link for link in (_link(module, item) for item in items) if link is not None]
        if linked:
            visible.append((module, linked))
    return visible


def _link(module, item) -> MenuLink | None:
    try:
        url = _menu_url(item.url_name, get_urlconf(), get_script_prefix())
    except NoReverseMatch:
        logger.warning("Menu item %r of module %r: no URL is named %r",
                       str(item.label), module.key, item.url_name)
        return None
    return MenuLink(item.label, item.url_name, item.icon, url)


@functools.lru_cache(maxsize=512)
def _menu_url(url_name: str, urlconf, prefix: str) -> str:
    """A menu item's URL: the same for every request of a URLconf (and script prefix), and
    every full page lists the whole menu."""
    return reverse(url_name, urlconf=urlconf)


@receiver(setting_changed)
def _forget_menu_urls(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _menu_url.cache_clear()
