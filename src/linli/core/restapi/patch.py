"""Reading a PATCH: the fields the client sent, as opposed to the schema's defaults."""

from __future__ import annotations


def sent_fields(payload, nullable=frozenset()) -> dict:
    """The fields a PATCH sent; null is a value only for the ``nullable`` fields (the others
    cannot be emptied)."""
    return {name: value for name, value in payload.dict(exclude_unset=True).items()
            if value is not None or name in nullable}
