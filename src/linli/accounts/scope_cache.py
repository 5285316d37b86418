"""Resolved scopes kept in the shared cache between requests (PLAT-2).

Resolving a scope reads memberships, roles, permissions and the tenant's organisation tree:
several queries on every request. The resolved ``Scope`` is cached per user under the
tenant's *access revision*, a random token that every change to org units, roles, role
permissions, memberships or users replaces (by signal, and again when the transaction
commits, so a request that read the old rows meanwhile cannot keep them). The local date
is part of the key because memberships start and end on dates.

Only on with a cache all processes share (Redis): ``SCOPE_CACHE_SECONDS`` is 0 otherwise,
since a per-process cache would keep a revoked permission alive in the other processes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from linli.accounts.scopes import resolve_scope
from linli.core.scope import Scope


def _revision_key(tenant_id: int) -> str:
    return f"linli:access-rev:{tenant_id}"


def access_revision(tenant_id: int) -> str:
    key = _revision_key(tenant_id)
    revision = cache.get(key)
    if revision is None:
        cache.add(key, uuid.uuid4().hex, None)
        revision = cache.get(key)
    return revision


def access_changed(tenant_id: int | None) -> None:
    """Every cached scope of the tenant is stale: now, and once more at commit."""
    if tenant_id is None:
        return

    def bump() -> None:
        cache.set(_revision_key(tenant_id), uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def cached_scope(user) -> Scope | None:
    seconds = getattr(settings, "SCOPE_CACHE_SECONDS", 0)
    if not seconds or user.tenant_id is None:
        return resolve_scope(user)
    key = (f"linli:scope:{user.pk}:{int(user.is_superuser)}:{user.tenant_id}:"
           f"{access_revision(user.tenant_id)}:{timezone.localdate():%Y%m%d}")
    scope = cache.get(key)
    if scope is None:
        scope = resolve_scope(user)
        if scope is not None:
            cache.set(key, scope, seconds)
    return scope


# The user fields a scope depends on (the others, such as last_login, leave it as it is).
USER_ACCESS_FIELDS = frozenset({"is_active", "is_superuser", "tenant", "tenant_id"})


def _tenant_of(instance) -> int | None:
    return getattr(instance, "tenant_id", None)


def connect() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from linli.accounts.models import Membership, OrgUnit, Role, User

    def changed(sender, instance, update_fields=None, **kwargs) -> None:
        # A user's sign-in (last_login) or profile edit changes nobody's access.
        if sender is User and update_fields is not None and \
                not set(update_fields) & USER_ACCESS_FIELDS:
            return
        access_changed(_tenant_of(instance))

    # weak=False: the receiver is a closure that nothing else keeps alive.
    for model in (Membership, OrgUnit, Role, User):
        post_save.connect(changed, sender=model, weak=False,
                          dispatch_uid=f"scope-cache-save-{model.__name__}")
        post_delete.connect(changed, sender=model, weak=False,
                            dispatch_uid=f"scope-cache-delete-{model.__name__}")
    m2m_changed.connect(changed, sender=Role.permissions.through, weak=False,
                        dispatch_uid="scope-cache-role-permissions")
