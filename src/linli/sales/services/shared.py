"""Checks shared by the sales services."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def require(actor, permission: str, obj) -> None:
    """System calls (actor None) may do anything; a user needs the permission at ``obj``."""
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def add_error(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)
