"""Scope markers for API handlers, read by the scope sweep test.

Every GET operation of the API is marked either ``@scoped(Model, kind)`` (the sweep proves
another tenant's or subtree's user sees nothing through it) or ``@unscoped(reason)`` (it
serves the caller's own data or no tenant data at all).
"""

from __future__ import annotations

from collections.abc import Callable

KINDS = {"list", "detail", "search", "export"}


def scoped(model, kind: str) -> Callable:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}")

    def mark(func):
        func._linli_scope = (model, kind)
        return func

    return mark


def unscoped(reason: str) -> Callable:
    def mark(func):
        func._linli_unscoped = reason
        return func

    return mark
