"""API endpoints of the platform core."""

from ninja import Router

router = Router(tags=["platform"])
