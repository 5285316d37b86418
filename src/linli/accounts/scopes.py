"""Compute a user's data scope from their current memberships (PLAT-2)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from linli.accounts.models import Membership, OrgUnit
from linli.core.scope import Scope


def resolve_scope(user) -> Scope | None:
    if user.tenant_id is None:
        return None
    today = timezone.localdate()
    memberships = [
        m for m in Membership.objects.filter(  # scoped-query-ok: builds the scope itself
            user=user, tenant_id=user.tenant_id
        )
        .select_related("org_unit")
        .prefetch_related("role__permissions__content_type")
        if m.is_current(today) and m.org_unit.is_active
    ]
    if user.is_superuser:
        return Scope(tenant_id=user.tenant_id, is_tenant_admin=True)
    if not memberships:
        return Scope(tenant_id=user.tenant_id)

    paths_by_perm: dict[str, set[str]] = defaultdict(set)
    root_perms: set[str] = set()
    for membership in memberships:
        for perm in membership.role.permissions.all():
            name = f"{perm.content_type.app_label}.{perm.codename}"
            if membership.org_unit.parent_id is None:
                root_perms.add(name)
            paths_by_perm[name].add(membership.org_unit.path)

    all_paths = {p for paths in paths_by_perm.values() for p in paths}
    units_by_path = _subtree_ids(user.tenant_id, all_paths)
    grants: dict[str, frozenset[int] | None] = {}
    for name, paths in paths_by_perm.items():
        if name in root_perms:
            grants[name] = None
        else:
            grants[name] = frozenset().union(*(units_by_path[p] for p in paths))
    return Scope(tenant_id=user.tenant_id, grants=grants, permissions=frozenset(grants))


def _subtree_ids(tenant_id: int, paths: set[str]) -> dict[str, frozenset[int]]:
    result: dict[str, set[int]] = {p: set() for p in paths}
    if not paths:
        return {}
    rows = OrgUnit.objects.filter(  # scoped-query-ok: builds the scope itself
        tenant_id=tenant_id, is_active=True
    ).values_list("id", "path")
    for unit_id, unit_path in rows:
        for p in paths:
            if unit_path.startswith(p):
                result[p].add(unit_id)
    return {p: frozenset(ids) for p, ids in result.items()}
