"""The sale status of a unit (SAL-3) and the moves allowed between its values.

Only ``services.units.sale_unit_transition`` sets ``SaleUnit.status``, and only along
``TRANSITIONS``. Subscriptions and contracts (built later) move units through the same function.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SaleStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    SUBSCRIBED = "subscribed", _("Subscribed")
    CONTRACTED = "contracted", _("Contracted")
    FILED = "filed", _("Filed")
    HELD = "held", _("Held back")

    @property
    def badge(self) -> str:
        return SALE_STATUS_BADGES[self.value]


SALE_STATUS_BADGES = {
    "available": "green", "reserved": "yellow", "subscribed": "orange",
    "contracted": "red", "filed": "purple", "held": "secondary",
}

S = SaleStatus
# from → the statuses it may move to. Reserved and subscribed units go back on sale when the
# reservation or subscription lapses; a contract that is cancelled before filing does too.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.AVAILABLE: frozenset({S.RESERVED, S.SUBSCRIBED, S.HELD}),
    S.RESERVED: frozenset({S.AVAILABLE, S.SUBSCRIBED}),
    S.SUBSCRIBED: frozenset({S.AVAILABLE, S.CONTRACTED}),
    S.CONTRACTED: frozenset({S.AVAILABLE, S.FILED}),
    S.FILED: frozenset(),
    S.HELD: frozenset({S.AVAILABLE}),
}
# A unit in these statuses is taken: it cannot be reserved or sold to anybody else.
TAKEN = frozenset({S.RESERVED, S.SUBSCRIBED, S.CONTRACTED, S.FILED})


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    ON_SALE = "on_sale", _("On sale")
    SOLD_OUT = "sold_out", _("Sold out")
    CLOSED = "closed", _("Closed")


class RuleKind(models.TextChoices):
    """The steps of the pricing pipeline, in the order they are applied (SAL-5)."""

    AREA = "area", _("Area coefficient")
    FLOOR = "floor", _("Floor step")
    ORIENTATION = "orientation", _("Orientation coefficient")
    TOTAL = "total", _("Contract-level discount")
    AGREED = "agreed", _("Agreed discount")


class ApprovalStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
