"""Answers shared by the parts of the sales API: invalid payload fields and query filters."""

from ninja import Schema

from linli.core.restapi.errors import invalid


def found(obj, field: str, message: str):
    """``obj`` resolved from an id of the payload; None (missing or out of scope) is an invalid
    field."""
    if obj is None:
        raise invalid(field, message)
    return obj


def filters_dict(filters: Schema) -> dict:
    """Query filters as the selectors take them (choices as their values)."""
    return {k: getattr(v, "value", v) for k, v in filters.dict().items()}
