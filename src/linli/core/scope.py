"""The data scope of a user: which tenant, and which org units per permission.

The accounts app computes scopes from memberships and registers its resolver at start-up, so
the core layer enforces scope without importing the layer above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Scope:
    tenant_id: int
    # permission "app.action_model" -> org unit ids (subtrees expanded) where it is granted;
    # None as a value means the whole tenant.
    grants: dict[str, frozenset[int] | None] = field(default_factory=dict)
    is_tenant_admin: bool = False
    # Permissions held anywhere, for menus and object-free checks.
    permissions: frozenset[str] = frozenset()

    def org_units_for(self, permission: str) -> frozenset[int] | None:
        if self.is_tenant_admin:
            return None
        if permission not in self.grants:
            return frozenset()
        return self.grants[permission]

    def has_perm(self, permission: str, org_unit_id: int | None = None) -> bool:
        if self.is_tenant_admin:
            return True
        if permission not in self.grants:
            return False
        units = self.grants[permission]
        return units is None or org_unit_id is None or org_unit_id in units


_resolver: Callable[[object], Scope | None] | None = None


def register_scope_resolver(resolver: Callable[[object], Scope | None]) -> None:
    global _resolver
    _resolver = resolver


def scope_for(user) -> Scope | None:
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_linli_scope", None)
    if cached is not None:
        return cached
    if _resolver is None:
        return None
    scope = _resolver(user)
    if scope is not None:
        user._linli_scope = scope
    return scope


def forget_scope(user) -> None:
    if hasattr(user, "_linli_scope"):
        del user._linli_scope
