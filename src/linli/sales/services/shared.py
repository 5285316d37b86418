"""Checks shared by the sales services (the permission check is the platform's:
``linli.core.permissions.require``, re-exported here for them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from linli.core.permissions import require  # noqa: F401


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def add_error(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def reject_unknown(fields, allowed: tuple[str, ...]) -> None:
    """A programming error, not bad input: a service was called with a field it does not
    write."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
