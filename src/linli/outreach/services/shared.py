"""Steps every outreach writer shares: the permission and tenant checks and model validation."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from linli.core.permissions import require as _require  # noqa: F401
from linli.core.permissions import require_tenant as _same_tenant  # noqa: F401


def _full_clean(instance, exclude: list[str]) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _check_move(field: str, choices, table: dict[str, set[str]], old: str, new: str, *,
                unknown: str, same: str, refused: str) -> None:
    """A state machine's move ``old`` → ``new`` checked against ``table`` (from → allowed),
    or ValidationError on ``field``: ``unknown`` for a state not among ``choices``, ``same``
    for no move, ``refused`` (with %(old)s and %(new)s, the states' labels) otherwise."""
    if new not in choices.values:
        raise ValidationError({field: [unknown]})
    if new == old:
        raise ValidationError({field: [same]})
    if new not in table[old]:
        raise ValidationError({field: [refused % {"old": choices(old).label,
                                                  "new": choices(new).label}]})
