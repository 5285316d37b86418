"""The registry of product modules shown in the sidebar and of global-search providers.

Apps register in their AppConfig.ready(); the shell lists only what the user may use, and the
global search box asks every provider the user may use. Core never imports the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None  # "app.view_model"; None: every signed-in user
    icon: str = "circle"


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    icon: str
    order: int
    items: tuple[MenuItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class SearchHit:
    kind: str  # translated label of the kind ("Person", "Unit", …)
    title: str
    subtitle: str
    url: str
    score: float = 0.0


@dataclass(frozen=True)
class SearchProvider:
    key: str
    permission: str
    search: Callable[..., list[SearchHit]]  # search(user, query, limit) -> hits


_modules: dict[str, Module] = {}
_search_providers: dict[str, SearchProvider] = {}


def register_module(module: Module) -> None:
    _modules[module.key] = module


def register_search_provider(provider: SearchProvider) -> None:
    _search_providers[provider.key] = provider


def modules_for(user) -> list[tuple[Module, list[MenuItem]]]:
    visible = []
    for module in sorted(_modules.values(), key=lambda m: m.order):
        items = [i for i in module.items if i.permission is None or user.has_perm(i.permission)]
        if items:
            visible.append((module, items))
    return visible


def search_providers_for(user) -> list[SearchProvider]:
    return [p for p in _search_providers.values() if user.has_perm(p.permission)]


@dataclass(frozen=True)
class ShellWarning:
    """A message the shell shows above every page to the users it concerns."""

    message: str
    url: str = ""  # where to fix it
    level: str = "warning"  # Bootstrap alert colour: warning, danger, info

    def __str__(self) -> str:
        return str(self.message)


_warning_providers: list[Callable[..., list[ShellWarning]]] = []


def register_warning_provider(provider: Callable[..., list[ShellWarning]]) -> None:
    """``provider(user) -> list[ShellWarning]``; registering the same provider twice is a no-op."""
    if provider not in _warning_providers:
        _warning_providers.append(provider)


def warnings_for(user) -> list[ShellWarning]:
    if user is None or not user.is_authenticated:
        return []
    found: list[ShellWarning] = []
    for provider in _warning_providers:
        found.extend(provider(user))
    return found
