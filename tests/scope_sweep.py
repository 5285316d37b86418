"""The scope sweep (architecture rule 3, NFR-3): every list/detail/search/export endpoint, run as
a user of another tenant and as a user of a sibling subtree, shows nothing of ours.

Endpoints are found, not listed by hand:
- API: every GET operation must be marked ``@scoped(Model, kind)`` or ``@unscoped(reason)``;
- HTML: every URL served by a ``ScopedMixin`` view (ScopedListView / ScopedDetailView …).
Each scoped model needs a factory here (``scope_factory``) that makes one record in tenant A's
branch A and returns it with a marker text that a list would show if it leaked. A model without
a factory fails the sweep, so a new endpoint cannot skip it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from linli.api import api
from linli.core.scoped_views import ScopedMixin

Factory = Callable[..., tuple[object, str]]
FACTORIES: dict[type, Factory] = {}


def scope_factory(model: type) -> Callable[[Factory], Factory]:
    def register(func: Factory) -> Factory:
        FACTORIES[model] = func
        return func

    return register


PARENT_IDS: dict[type, dict[str, str]] = {}


@dataclass(frozen=True)
class Endpoint:
    source: str  # "api" | "web"
    path: str  # with "{id}"-style or "<int:pk>"-style placeholders
    model: type
    kind: str
    query: str = ""

    def url_for(self, obj) -> str:
        # A record reached through its parent (e.g. an order's photo) names the parent's id
        # in the path too: PARENT_IDS says which attribute fills which placeholder.
        parents = PARENT_IDS.get(type(obj), {})

        def value(match) -> str:
            name = match.group(0).strip("{}<>").removeprefix("int:")
            return str(getattr(obj, parents[name]) if name in parents else obj.pk)
        return re.sub(r"\{[a-z_]*id\}|<int:pk>|<int:[a-z_]*id>|<pk>", value, self.path)


def api_get_operations() -> list[tuple[str, object]]:
    found = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                if "GET" in operation.methods:
                    full = "/api/" + (bound.prefix + path).replace("//", "/").lstrip("/")
                    found.append((full, operation.view_func))
    return found


def api_endpoints() -> tuple[list[Endpoint], list[str]]:
    """Scoped API endpoints, and GET operations that carry no marker at all."""
    endpoints, unmarked = [], []
    for path, func in api_get_operations():
        mark = getattr(func, "_linli_scope", None)
        if mark:
            model, kind = mark
            endpoints.append(Endpoint("api", path, model, kind, "q=" if kind == "search" else ""))
        elif not hasattr(func, "_linli_unscoped"):
            unmarked.append(path)
    return endpoints, unmarked


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def web_endpoints() -> list[Endpoint]:
    endpoints = []
    for route, callback in _walk(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class is None or not issubclass(view_class, ScopedMixin):
            continue
        route = "/" + route.lstrip("^").rstrip("$")
        endpoints.append(Endpoint("web", route, view_class.model, view_class.scope_kind))
    return endpoints
