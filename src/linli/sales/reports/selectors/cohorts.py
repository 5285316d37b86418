"""What the funnel, lost and rep reports count, defined once so that their numbers agree: each
kind of record is counted when it began in the period — leads registered, opportunities
opened, subscriptions made, contracts signed — in the viewer's scope, of the chosen project and
rep. A lead and an opportunity belong to their owner; a subscription and a contract to the user
who made them (a deal made for an opportunity is linked to it, but many deals have none).

The funnel follows its opportunities on through that link (``dealt``); the deals of the period,
walk-in buyers included, are counted apart.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from linli.sales.models import Contract, Lead, Opportunity, StageMove, Subscription
from linli.sales.reports.selectors.filters import Filters
from linli.sales.states import ContractStatus, Stage, SubscriptionStatus

# The stages an opportunity walks through, in order (one step forward at a time).
WALK = (Stage.NEW, Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING, Stage.WON)
# A subscription lost as such: cancelled without a contract (one cancelled with its contract
# is the contract's loss).
LOST_SUBSCRIPTION = Q(status=SubscriptionStatus.CANCELLED, contract__isnull=True)
LOST_CONTRACT = Q(status=ContractStatus.CANCELLED)


def leads(actor, f: Filters) -> QuerySet[Lead]:
    qs = f.moments(Lead.objects.restrict(actor, "view"), "created_at")
    return f.of_rep(f.of_project(qs), "owner_id").order_by()


def opportunities(actor, f: Filters) -> QuerySet[Opportunity]:
    qs = f.moments(Opportunity.objects.restrict(actor, "view"), "created_at")
    return f.of_rep(f.of_project(qs), "owner_id").order_by()


def subscriptions(actor, f: Filters) -> QuerySet[Subscription]:
    qs = f.days(Subscription.objects.restrict(actor, "view"), "subscribed_on")
    return f.of_rep(f.of_project(qs, "sale_unit__project_id"), "created_by_id").order_by()


def contracts(actor, f: Filters) -> QuerySet[Contract]:
    qs = f.days(Contract.objects.restrict(actor, "view"), "signed_on")
    return f.of_rep(f.of_project(qs, "sale_unit__project_id"), "created_by_id").order_by()


def reached(actor, stage: str) -> Q:
    """Opportunities that reached ``stage``: at it or beyond now, lost at it or beyond, or
    moved to it or beyond at some time (an opportunity reopened after a loss keeps the stages
    it had reached)."""
    later = WALK[WALK.index(stage):]
    # Correlated to each counted opportunity: its own moves only, not every move of the tenant.
    moved = Exists(StageMove.objects.restrict(actor, "view").filter(
        opportunity=OuterRef("pk"), to_stage__in=later))
    return Q(stage__in=later) | Q(stage=Stage.LOST, lost_stage__in=later) | Q(moved)


def dealt(actor, step: str) -> Q:
    """Opportunities whose customer went on to ``step`` through a deal made for them:
    "subscribed" (a subscription credited to the opportunity), "contracted" (a contract signed
    on such a subscription) or "filed" (that contract filed online) — whatever became of the
    deal since, as a stage reached stays reached."""
    if step == "subscribed":
        deals = Subscription.objects.restrict(actor, "view").filter(opportunity=OuterRef("pk"))
    else:
        deals = Contract.objects.restrict(actor, "view").filter(
            subscription__opportunity=OuterRef("pk"))
        if step == "filed":
            deals = deals.filter(filed_on__isnull=False)
    return Q(Exists(deals))
