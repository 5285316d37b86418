"""Shared API field types."""

from typing import Annotated

from ninja import Field, Path

# Database keys are 64-bit; larger numbers in a URL or filter are refused with a 422 instead of
# reaching the database (where SQLite overflows and PostgreSQL raises "out of range").
MAX_ID = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
