"""The one permission check of the services: a user needs the permission at the object (its
org unit, through the object-permission backend); system writers (actor None) may do anything."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(actor, permission: str, obj=None) -> None:
    """Refuse with PermissionDenied unless ``actor`` holds ``permission`` at ``obj`` (anywhere
    in the tenant when ``obj`` is None); ``actor`` None is the system and may do anything."""
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_tenant(actor, tenant_id: int) -> None:
    """Refuse a user of another tenant (system writers pass)."""
    if actor is not None and actor.tenant_id != tenant_id:
        raise PermissionDenied(_("You do not have permission to do this."))
