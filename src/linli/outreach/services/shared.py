"""Steps every outreach writer shares: the permission and tenant checks and model validation."""

from __future__ import annotations

from linli.core.permissions import require as _require  # noqa: F401
from linli.core.permissions import require_tenant as _same_tenant  # noqa: F401


def _full_clean(instance, exclude: list[str]) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)

