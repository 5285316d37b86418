"""Builders for tenants, org trees, roles and users, used by every test module.

``make_world()`` returns two tenants; tenant A has a root, two branches and a team under the
first branch. Users are made with ``make_user(tenant, unit, perms)``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from linli.accounts import services as accounts
from linli.accounts.models import OrgUnit, Role, User
from linli.core.tenancy import Tenant

PASSWORD = "Linli-Test-2026!"
_seq = itertools.count(1)


def make_tenant(name: str | None = None, kind: str = "property_company") -> Tenant:
    n = next(_seq)
    return accounts.tenant_create(name=name or f"Tenant {n}", code=f"t{n}", kind=kind)


def root_of(tenant: Tenant) -> OrgUnit:
    return OrgUnit.objects.get(tenant=tenant, parent__isnull=True)


def make_unit(parent: OrgUnit, name: str | None = None, kind: str = "branch") -> OrgUnit:
    return accounts.org_unit_create(
        actor=None, tenant=parent_tenant(parent), parent=parent,
        name=name or f"Unit {next(_seq)}", kind=kind,
    )


def parent_tenant(unit: OrgUnit) -> Tenant:
    return Tenant.objects.get(pk=unit.tenant_id)


def make_role(tenant: Tenant, perms: list[str], code: str | None = None) -> Role:
    code = code or f"role{next(_seq)}"
    return accounts.role_save(actor=None, tenant=tenant, name=code, code=code, permissions=perms)


def make_user(tenant: Tenant, unit: OrgUnit | None = None, perms: list[str] | None = None,
              username: str | None = None, superuser: bool = False, **extra) -> User:
    user = accounts.user_create(
        actor=None, tenant=tenant, username=username or f"user{next(_seq)}", password=PASSWORD,
        **extra,
    )
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    if perms is not None:
        accounts.membership_add(actor=None, user=user, org_unit=unit or root_of(tenant),
                                role=make_role(tenant, perms))
    return User.objects.get(pk=user.pk)


@dataclass
class World:
    tenant: Tenant
    root: OrgUnit
    branch_a: OrgUnit
    branch_b: OrgUnit
    team_a1: OrgUnit
    other_tenant: Tenant
    other_root: OrgUnit


def make_world() -> World:
    tenant = make_tenant("物业甲")
    root = root_of(tenant)
    branch_a = make_unit(root, "华东分公司")
    branch_b = make_unit(root, "华南分公司")
    team_a1 = make_unit(branch_a, "工程部", kind="department")
    other = make_tenant("开发商乙", kind="developer")
    return World(tenant, root, branch_a, branch_b, team_a1, other, root_of(other))
