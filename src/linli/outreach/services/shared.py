"""Steps every outreach writer shares: the permission and tenant checks and model validation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def _require(actor, permission: str, obj) -> None:
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _same_tenant(actor, tenant_id: int) -> None:
    if actor is not None and actor.tenant_id != tenant_id:
        raise PermissionDenied(_("You do not have permission to do this."))


def _full_clean(instance, exclude: list[str]) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

