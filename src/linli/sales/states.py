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
# An opportunity is credited with a subscription from negotiating on; a won one may buy more.
DEAL_STAGES = ("negotiating", "won")
# Units that can be subscribed: free, or reserved (for the reserving buyer).
SUBSCRIBABLE = (S.AVAILABLE, S.RESERVED)
# A subscription in these statuses holds its unit; one per unit at most.
LIVE_SUBSCRIPTION = (SubscriptionStatus.ACTIVE, SubscriptionStatus.CONTRACTED)
# Unit statuses that a deal may be holding: moved only by the deal's services.
DEAL_HELD = frozenset({S.SUBSCRIBED, S.CONTRACTED, S.FILED})
# --- leads and opportunities (SAL-1, SAL-2, SAL-4) ------------------------------------------

class LeadChannel(models.TextChoices):
    WEB = "web", _("Web")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EVENT = "event", _("Event")
    REFERRAL = "referral", _("Referral")
    ADVERTISING = "advertising", _("Advertising")
    AGENCY = "agency", _("Agency")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Being worked")
    POOLED = "pooled", _("In the public pool")
    CONVERTED = "converted", _("Turned into an opportunity")
    CLOSED = "closed", _("Closed")

    @property
    def badge(self) -> str:
        return LEAD_STATUS_BADGES[self.value]


LEAD_STATUS_BADGES = {"new": "blue", "working": "green", "pooled": "yellow",
                      "converted": "purple", "closed": "secondary"}

L = LeadStatus
# Only ``services.leads.lead_transition`` sets ``Lead.status``, along this table. A pooled lead
# is claimed back into work; a closed one can be reopened into the pool.
LEAD_TRANSITIONS: dict[str, frozenset[str]] = {
    L.NEW: frozenset({L.WORKING, L.POOLED, L.CONVERTED, L.CLOSED}),
    L.WORKING: frozenset({L.POOLED, L.CONVERTED, L.CLOSED}),
    L.POOLED: frozenset({L.WORKING, L.CLOSED}),
    L.CONVERTED: frozenset(),
    L.CLOSED: frozenset({L.POOLED}),
}
# Leads in these statuses are someone's customer: the protection period applies to them.
LEAD_OWNED = frozenset({L.NEW, L.WORKING, L.CONVERTED})


class AssignmentMethod(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round-robin")
    CAPACITY = "capacity", _("Weighted by free capacity")
    MANAGER = "manager", _("To the business manager")


class DisputeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the manager")
    KEPT = "kept", _("Kept by the owner")
    TRANSFERRED = "transferred", _("Given to the claimant")


class Intention(models.TextChoices):
    CERTAIN = "certain", _("100 per cent certain")
    EFFECTIVE = "effective", _("Effective intention")
    GENERAL = "general", _("General intention")


class Stage(models.TextChoices):
    NEW = "new", _("New")
    VISITED = "visited", _("Visited")
    VIEWING = "viewing", _("Viewing units")
    NEGOTIATING = "negotiating", _("Negotiating")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")

    @property
    def badge(self) -> str:
        return STAGE_BADGES[self.value]


STAGE_BADGES = {"new": "blue", "visited": "cyan", "viewing": "yellow", "negotiating": "orange",
                "won": "green", "lost": "secondary"}
G = Stage
# The open stages of the pipeline board, in order.
OPEN_STAGES = (G.NEW, G.VISITED, G.VIEWING, G.NEGOTIATING)
# Only ``services.opportunities.opportunity_transition`` sets ``Opportunity.stage``. A step
# forward is one stage at a time; one step back is allowed; any open stage may be lost; a lost
# opportunity comes back (to visited) only through the manager's review.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    G.NEW: frozenset({G.VISITED, G.LOST}),
    G.VISITED: frozenset({G.VIEWING, G.LOST}),
    G.VIEWING: frozenset({G.NEGOTIATING, G.VISITED, G.LOST}),
    G.NEGOTIATING: frozenset({G.WON, G.VIEWING, G.LOST}),
    G.WON: frozenset(),
    G.LOST: frozenset({G.VISITED}),
}


class LostReview(models.TextChoices):
    NONE = "", _("Not reviewed")
    PENDING = "pending", _("Waiting for review")
    REASSIGNED = "reassigned", _("Reassigned")
    CONFIRMED = "confirmed", _("Loss confirmed")


class LostAppliesTo(models.TextChoices):
    OPPORTUNITY = "opportunity", _("Opportunity")
    SUBSCRIPTION = "subscription", _("Subscription")
    CONTRACT = "contract", _("Contract")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
