"""The sale status of a unit (SAL-3) and the moves allowed between its values.

Only ``services.projects.sale_unit_transition`` sets ``SaleUnit.status``, and only along
``TRANSITIONS``. Subscriptions and contracts move units through the same function; they have
machines of their own below, as do queue numbers.
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
    # A filed contract is undone only when the buyer withdraws over an area error beyond 3%
    # (面积补差, SAL-3); ``services.contracts`` checks that condition.
    S.FILED: frozenset({S.AVAILABLE}),
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


# --- deals (SAL-3): one transitions table per machine, one transition service each ----------

class QueueStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CONVERTED = "converted", _("Converted to a subscription")
    REFUNDED = "refunded", _("Refunded")


QUEUE_TRANSITIONS: dict[str, frozenset[str]] = {
    QueueStatus.WAITING: frozenset({QueueStatus.CONVERTED, QueueStatus.REFUNDED}),
    QueueStatus.CONVERTED: frozenset(),
    QueueStatus.REFUNDED: frozenset(),
}


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CONTRACTED = "contracted", _("Contract signed")
    CANCELLED = "cancelled", _("Cancelled")


SUBSCRIPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    SubscriptionStatus.ACTIVE: frozenset({SubscriptionStatus.CONTRACTED,
                                          SubscriptionStatus.CANCELLED}),
    # A subscription whose contract is cancelled ends with it.
    SubscriptionStatus.CONTRACTED: frozenset({SubscriptionStatus.CANCELLED}),
    SubscriptionStatus.CANCELLED: frozenset(),
}


class ContractStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    FILED = "filed", _("Filed online")
    CANCELLED = "cancelled", _("Cancelled")


CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.SIGNED: frozenset({ContractStatus.FILED, ContractStatus.CANCELLED}),
    # After filing only the buyer's withdrawal over an area error beyond 3% cancels.
    ContractStatus.FILED: frozenset({ContractStatus.CANCELLED}),
    ContractStatus.CANCELLED: frozenset(),
}
# A subscription in these statuses holds its unit; one per unit at most.
LIVE_SUBSCRIPTION = (SubscriptionStatus.ACTIVE, SubscriptionStatus.CONTRACTED)
# Unit statuses that a deal may be holding: moved only by the deal's services.
DEAL_HELD = frozenset({S.SUBSCRIBED, S.CONTRACTED, S.FILED})
