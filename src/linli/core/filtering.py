"""The one way selectors apply a list's filters: each given value through its lookup."""

from __future__ import annotations

from django.db.models import QuerySet


def filtered(qs: QuerySet, lookups: dict[str, str], values: dict | None) -> QuerySet:
    """``qs`` filtered by each of ``values`` that is given, through its lookup (text is
    stripped; None, "" and [] mean not given)."""
    for key, lookup in lookups.items():
        value = (values or {}).get(key)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            qs = qs.filter(**{lookup: value})
    return qs
