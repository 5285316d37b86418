"""Reads of sales, all inside the actor's scope (out of scope and missing: the same 404).

The sales-control chart (SAL-3) takes a constant number of queries however many buildings and
units it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Membership, OrgUnit, User
from linli.core.filtering import filtered
from linli.directory.models import Building
from linli.directory.selectors.property import natural_key
from linli.sales import settlement
from linli.sales.models import (
    Appointment,
    CalendarFeed,
    Contract,
    Lead,
    LostReason,
    Opportunity,
    OwnershipDispute,
    Payment,
    PlanLine,
    PriceList,
    PriceRule,
    QueueNumber,
    Quote,
    SalesProject,
    SaleUnit,
    StageMove,
    Subscription,
    SubscriptionChange,
    Visit,
)
from linli.sales.services.leads import may_work_here
from linli.sales.services.prices import in_force, price_list_in_force
from linli.sales.states import (
    DEAL_HELD,
    DEAL_STAGES,
    LIVE_SUBSCRIPTION,
    OPEN_STAGES,
    SALE_STATUS_BADGES,
    STAGE_TRANSITIONS,
    SUBSCRIBABLE,
    TRANSITIONS,
    ApprovalStatus,
    ContractStatus,
    LeadStatus,
    RuleKind,
    SaleStatus,
    Stage,
)

STEP_LABELS = {
    "base": _("Base price per m²"),
    "area": _("Area coefficient"),
    "floor": _("Floor step"),
    "orientation": _("Orientation coefficient"),
    "unit_price": _("Price per m² (to the fen)"),
    "total": _("Total: price × area (to the yuan)"),
    "discount": _("Contract-level discount"),
    "agreed": _("Agreed discount"),
    "floor_price": _("Floor price: floor price per m² × area"),
}


# --- projects -------------------------------------------------------------------------------

def project_list(actor, filters: dict | None = None) -> QuerySet[SalesProject]:
    """Visible projects with their unit counts; ``filters``: q (name), status."""
    filters = filters or {}
    qs = (SalesProject.objects.restrict(actor, "view").select_related("community")
          .annotate(unit_count=Count("units", distinct=True),
                    available_count=Count("units", filter=Q(units__status=SaleStatus.AVAILABLE),
                                          distinct=True)))
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("name", "pk")


def project_get(actor, pk, action: str = "view") -> SalesProject:
    qs = project_list(actor) if action == "view" else SalesProject.objects.restrict(actor, action)
    return get_object_or_404(qs, pk=pk)


def project_find(actor, pk, action: str = "view") -> SalesProject | None:
    return SalesProject.objects.restrict(actor, action).filter(pk=pk).first()


def sale_buildings(actor, project_id: int | None = None) -> QuerySet[Building]:
    """Buildings with units on sale the actor sees (of one project, if given), in natural
    order: the choices of the chart's filter, whatever the actor's rights in the directory."""
    ids = SaleUnit.objects.restrict(actor, "view")
    if project_id:
        ids = ids.filter(project_id=project_id)
    return (Building.objects.filter(pk__in=ids.values("building_id"))
            .select_related("community").order_by("community__name", "sort_key", "number"))


# --- units on sale --------------------------------------------------------------------------

def sale_unit_list(actor, filters: dict | None = None) -> QuerySet[SaleUnit]:
    """Visible units on sale; ``filters``: project, building, status, floor_from, floor_to,
    orientation, area_from, area_to, q (room code prefix)."""
    filters = filters or {}
    qs = SaleUnit.objects.restrict(actor, "view").select_related(
        "unit", "building", "project", "unit__section")
    for key, lookup in (("project", "project_id"), ("building", "building_id"),
                        ("status", "status"), ("orientation", "orientation"),
                        ("floor_from", "floor__gte"), ("floor_to", "floor__lte"),
                        ("area_from", "built_area__gte"), ("area_to", "built_area__lte"),
                        ("q", "unit__room_code__startswith")):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{lookup: value})
    return qs.order_by("project__name", "building__sort_key", "building__number", "-floor",
                       "unit__number", "pk")


def sale_unit_get(actor, pk, action: str = "view") -> SaleUnit:
    qs = sale_unit_list(actor) if action == "view" else SaleUnit.objects.restrict(actor, action)
    return get_object_or_404(qs, pk=pk)


def sale_unit_find(actor, pk, action: str = "view") -> SaleUnit | None:
    return sale_unit_list(actor).filter(pk=pk).first() if action == "view" else (
        SaleUnit.objects.restrict(actor, action).filter(pk=pk).first())


def sale_unit_moves(actor, sale_unit: SaleUnit) -> list[SaleStatus]:
    """The statuses the actor may move ``sale_unit`` to by hand now, in the statuses' order:
    none for a unit a deal holds (or filed), never into a deal's statuses."""
    if sale_unit.status in DEAL_HELD or not actor.has_perm("sales.change_saleunit", sale_unit):
        return []
    return [s for s in SaleStatus if s in TRANSITIONS[sale_unit.status] and s not in DEAL_HELD]


@dataclass
class ChartCell:
    sale_unit: SaleUnit
    badge: str


@dataclass
class ChartRow:
    floor: int
    cells: list[ChartCell]


@dataclass
class ChartBuilding:
    building: Building
    project: SalesProject
    rows: list[ChartRow]
    counts: dict[str, int]
    width: int  # the most units on one floor


@dataclass
class Chart:
    buildings: list[ChartBuilding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def legend(self) -> list[tuple[str, str, str, int]]:
        return [(s.value, s.label, SALE_STATUS_BADGES[s.value], self.counts.get(s.value, 0))
                for s in SaleStatus]

    @property
    def unit_count(self) -> int:
        return sum(self.counts.values())


def chart(units: QuerySet[SaleUnit] | list[SaleUnit]) -> Chart:
    """The sales-control chart of ``units`` (from ``sale_unit_list``): one grid per building,
    floors top first, units by number, with status counts."""
    result = Chart()
    grids: dict[int, tuple[ChartBuilding, dict[int, list[ChartCell]]]] = {}
    for su in units:
        if su.building_id not in grids:
            grids[su.building_id] = (ChartBuilding(su.building, su.project, [], {}, 0), {})
        grid, floors = grids[su.building_id]
        floors.setdefault(su.floor, []).append(
            ChartCell(su, SALE_STATUS_BADGES.get(su.status, "secondary")))
        grid.counts[su.status] = grid.counts.get(su.status, 0) + 1
        result.counts[su.status] = result.counts.get(su.status, 0) + 1
    for grid, floors in grids.values():
        for floor in sorted(floors, reverse=True):
            cells = sorted(floors[floor], key=lambda c: natural_key(c.sale_unit.unit.number))
            grid.rows.append(ChartRow(floor, cells))
            grid.width = max(grid.width, len(cells))
        result.buildings.append(grid)
    return result


# --- price lists ----------------------------------------------------------------------------

def price_list_list(actor, filters: dict | None = None) -> QuerySet[PriceList]:
    """Visible price lists; ``filters``: project, building, on (a day: lists valid then)."""
    filters = filters or {}
    qs = (PriceList.objects.restrict(actor, "view").select_related("project", "building")
          .annotate(rule_count=Count("rules")))
    if filters.get("project"):
        qs = qs.filter(project_id=filters["project"])
    if filters.get("building"):
        qs = qs.filter(building_id=filters["building"])
    if filters.get("on"):
        qs = in_force(qs, filters["on"])
    return qs.order_by("project__name", "building__sort_key", "-valid_from", "pk")


def price_list_get(actor, pk, action: str = "view") -> PriceList:
    qs = (price_list_list(actor).prefetch_related(
        Prefetch("rules", queryset=PriceRule.objects.order_by("kind", "lower", "orientation",
                                                              "name", "valid_from")))
          if action == "view" else PriceList.objects.restrict(actor, action))
    return get_object_or_404(qs, pk=pk)


def price_list_find(actor, pk, action: str = "view") -> PriceList | None:
    return PriceList.objects.restrict(actor, action).filter(pk=pk).first()


def price_list_for(actor, sale_unit: SaleUnit, on: dt.date) -> PriceList | None:
    """The visible price list that prices ``sale_unit`` on day ``on``, if any."""
    return price_list_in_force(PriceList.objects.restrict(actor, "view"), sale_unit, on)


def rule_list(actor, filters: dict | None = None) -> QuerySet[PriceRule]:
    """Visible rules, each marked ``latest`` unless a newer version follows it; ``filters``:
    price_list, kind, on (in force that day)."""
    filters = filters or {}
    qs = (PriceRule.objects.restrict(actor, "view").select_related("price_list")
          .annotate(latest=~Exists(PriceRule.objects.restrict(actor, "view").filter(
              previous=OuterRef("pk")))))
    if filters.get("price_list"):
        qs = qs.filter(price_list_id=filters["price_list"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("on"):
        qs = in_force(qs, filters["on"])
    return qs.order_by("price_list_id", "kind", "lower", "orientation", "name", "valid_from")


def rule_get(actor, pk) -> PriceRule:
    """A visible rule, or Http404."""
    return get_object_or_404(PriceRule.objects.restrict(actor, "view"), pk=pk)


def rules_chosen(actor, pks: list[int]) -> list[PriceRule] | None:
    """The visible rules with ids ``pks``, in the order given; None if one is not visible."""
    rules = list(rule_list(actor).filter(pk__in=pks))
    if len(rules) != len(set(pks)):
        return None
    order = {pk: i for i, pk in enumerate(pks)}
    return sorted(rules, key=lambda r: order[r.pk])


def agreed_choices(actor, price_list: PriceList, on: dt.date) -> QuerySet[PriceRule]:
    return rule_list(actor, {"price_list": price_list.pk, "kind": RuleKind.AGREED, "on": on})


# --- quotes ---------------------------------------------------------------------------------

def quote_list(actor, filters: dict | None = None) -> QuerySet[Quote]:
    """Visible quotes, newest first; ``filters``: project, sale_unit, approval."""
    filters = filters or {}
    qs = Quote.objects.restrict(actor, "view").select_related(
        "sale_unit__unit", "sale_unit__project", "price_list", "person", "created_by",
        "approved_by")
    if filters.get("project"):
        qs = qs.filter(sale_unit__project_id=filters["project"])
    if filters.get("sale_unit"):
        qs = qs.filter(sale_unit_id=filters["sale_unit"])
    if filters.get("approval"):
        qs = qs.filter(approval=filters["approval"])
    return qs.order_by("-created_at", "-pk")


def quote_get(actor, pk, action: str = "view") -> Quote:
    qs = (quote_list(actor).prefetch_related("agreed_rules") if action == "view"
          else Quote.objects.restrict(actor, action))
    return get_object_or_404(qs, pk=pk)


@dataclass
class StepLine:
    code: str
    label: str
    name: str
    operand: str
    result: Decimal


def quote_steps(quote: Quote) -> list[StepLine]:
    """The quote's steps with their (translated) titles."""
    return [StepLine(s["code"], str(STEP_LABELS.get(s["code"], s["code"])), s.get("label", ""),
                     s.get("operand", ""), Decimal(s["result"])) for s in quote.steps]


# --- deals: queue numbers, subscriptions, contracts, payments (SAL-3) -----------------------

def queue_number_list(actor, filters: dict | None = None) -> QuerySet[QueueNumber]:
    """Visible queue numbers in number order; ``filters``: project, status."""
    qs = QueueNumber.objects.restrict(actor, "view").select_related("project", "person")
    return filtered(qs, {"project": "project_id", "status": "status"}, filters).order_by(
        "project__name", "number", "pk")


def queue_number_get(actor, pk) -> QueueNumber:
    return get_object_or_404(queue_number_list(actor), pk=pk)


def subscription_list(actor, filters: dict | None = None) -> QuerySet[Subscription]:
    """Visible subscriptions, newest first; ``filters``: project, sale_unit, status, q (number
    or buyer name)."""
    qs = Subscription.objects.restrict(actor, "view").select_related(
        "sale_unit__unit", "sale_unit__project", "person", "quote", "created_by")
    qs = filtered(qs, {"project": "sale_unit__project_id", "sale_unit": "sale_unit_id",
                       "status": "status", "opportunity": "opportunity_id"}, filters)
    if (filters or {}).get("q"):
        qs = qs.filter(Q(number__startswith=filters["q"])
                       | Q(buyer_name__icontains=filters["q"]))
    return qs.order_by("-subscribed_on", "-pk")


def subscription_get(actor, pk) -> Subscription:
    return get_object_or_404(subscription_list(actor), pk=pk)


def subscription_find(actor, pk) -> Subscription | None:
    return subscription_list(actor).filter(pk=pk).first()


def subscription_live(actor, sale_unit: SaleUnit) -> Subscription | None:
    """The visible active or contracted subscription of ``sale_unit``, if any."""
    return subscription_list(actor, {"sale_unit": sale_unit.pk}).filter(
        status__in=LIVE_SUBSCRIPTION).select_related("contract").first()


def subscription_changes(actor, subscription: Subscription) -> QuerySet[SubscriptionChange]:
    return (SubscriptionChange.objects.restrict(actor, "view")
            .filter(subscription=subscription)
            .select_related("new_sale_unit__unit", "requested_by", "decided_by")
            .order_by("-created_at", "-pk"))


def subscription_change_get(actor, pk) -> SubscriptionChange:
    return get_object_or_404(SubscriptionChange.objects.restrict(actor, "view").select_related(
        "subscription"), pk=pk)


def contract_list(actor, filters: dict | None = None) -> QuerySet[Contract]:
    """Visible contracts, newest first, with what they received; ``filters``: project,
    sale_unit, status, plan_kind, q (number or buyer name)."""
    qs = (Contract.objects.restrict(actor, "view")
          .select_related("sale_unit__unit", "sale_unit__project", "subscription", "person")
          .annotate(received=Sum("lines__paid")))
    qs = filtered(qs, {"project": "sale_unit__project_id", "sale_unit": "sale_unit_id",
                       "status": "status", "plan_kind": "plan_kind"}, filters)
    if (filters or {}).get("q"):
        qs = qs.filter(Q(number__startswith=filters["q"])
                       | Q(buyer_name__icontains=filters["q"]))
    return qs.order_by("-signed_on", "-pk")


def contract_get(actor, pk) -> Contract:
    return get_object_or_404(contract_list(actor).prefetch_related(
        Prefetch("lines", queryset=PlanLine.objects.order_by("seq"))), pk=pk)


def contract_find(actor, pk) -> Contract | None:
    return contract_list(actor).filter(pk=pk).first()


def plan_line_find(actor, contract: Contract, pk) -> PlanLine | None:
    return PlanLine.objects.restrict(actor, "view").filter(contract=contract, pk=pk).first()


def payment_list(actor, filters: dict | None = None) -> QuerySet[Payment]:
    """Visible payments, newest first; ``filters``: contract, method."""
    qs = Payment.objects.restrict(actor, "view").select_related("contract", "line",
                                                                 "created_by")
    return filtered(qs, {"contract": "contract_id", "method": "method"}, filters).order_by(
        "-paid_on", "-pk")


def payment_get(actor, pk) -> Payment:
    return get_object_or_404(payment_list(actor), pk=pk)


# --- leads and opportunities (SAL-1, SAL-2, SAL-4) ------------------------------------------

def lead_list(actor, filters: dict | None = None) -> QuerySet[Lead]:
    """Visible leads; ``filters``: q (name or phone digits), status, channel, project, mine,
    pool (the public pool)."""
    filters = filters or {}
    qs = Lead.objects.restrict(actor, "view").select_related("person", "project", "owner")
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(person__name__icontains=q) | Q(phone__contains=q))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    if filters.get("project"):
        qs = qs.filter(project_id=filters["project"])
    if filters.get("mine"):
        qs = qs.filter(owner_id=actor.pk)
    if filters.get("pool"):
        qs = qs.filter(status=LeadStatus.POOLED)
    return qs.order_by("-created_at", "-pk")


def lead_get(actor, pk, action: str = "view") -> Lead:
    return get_object_or_404(lead_list(actor) if action == "view"
                             else Lead.objects.restrict(actor, action), pk=pk)


def _holders(obj, codename: str) -> list:
    """Active users whose current membership at ``obj``'s office or above grants the sales
    permission ``codename`` (a grant covers the subtree of its unit)."""
    today = timezone.localdate()
    office = OrgUnit.objects.get(pk=obj.org_unit_id)
    paths = [office.path[:i] for i in range(7, len(office.path) + 1, 7)]
    memberships = Membership.objects.filter(
        tenant_id=obj.tenant_id, org_unit__path__in=paths,
        role__permissions__codename=codename,
        role__permissions__content_type__app_label="sales",
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return list(User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
                .order_by("pk"))


def lead_managers(lead) -> list:
    """The users who decide ownership disputes of the lead's office."""
    return _holders(lead, "decide_lead")


def dispute_list(actor, filters: dict | None = None) -> QuerySet[OwnershipDispute]:
    filters = filters or {}
    qs = (OwnershipDispute.objects.restrict(actor, "view")
          .select_related("lead__person", "lead__project", "claimant", "owner", "decided_by"))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-created_at", "-pk")


def dispute_get(actor, pk) -> OwnershipDispute:
    return get_object_or_404(dispute_list(actor), pk=pk)


def opportunity_list(actor, filters: dict | None = None) -> QuerySet[Opportunity]:
    """Visible opportunities; ``filters``: q, stage, intention, project, mine, review."""
    filters = filters or {}
    qs = (Opportunity.objects.restrict(actor, "view")
          .select_related("person", "project", "owner", "lost_reason"))
    if filters.get("q"):
        q = str(filters["q"]).strip()
        qs = qs.filter(Q(person__name__icontains=q) | Q(lead__phone__contains=q))
    for key in ("stage", "intention", "review"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("project"):
        qs = qs.filter(project_id=filters["project"])
    if filters.get("mine"):
        qs = qs.filter(owner_id=actor.pk)
    return qs.order_by("-updated_at", "-pk")


def opportunity_get(actor, pk) -> Opportunity:
    return get_object_or_404(opportunity_list(actor), pk=pk)


@dataclass(frozen=True)
class OpportunityRights:
    may_move: bool  # open, and the actor is its owner or the sales manager
    moves: list  # the stages a button moves it to; losing and winning have forms of their own
    may_subscribe: bool  # negotiating or won, and the actor subscribes units


def opportunity_rights(actor, opportunity: Opportunity) -> OpportunityRights:
    is_open = opportunity.stage in OPEN_STAGES
    may_move = is_open and actor.has_perm("sales.change_opportunity", opportunity) and (
        opportunity.owner_id == actor.pk or actor.has_perm("sales.decide_lead", opportunity))
    moves = [Stage(s) for s in Stage.values if s in STAGE_TRANSITIONS[opportunity.stage]
             and s not in (Stage.LOST, Stage.WON)] if may_move else []
    return OpportunityRights(
        may_move=may_move, moves=moves,
        may_subscribe=opportunity.stage in DEAL_STAGES
        and actor.has_perm("sales.add_subscription", opportunity))


def opportunity_subscriptions(actor, opportunity: Opportunity):
    """The subscriptions credited to ``opportunity``; only a won one has any (subscribing wins
    it), so no query for the others."""
    if opportunity.stage != Stage.WON:
        return []
    return subscription_list(actor, {"opportunity": opportunity.pk})


def appointment_of(actor, opportunity: Opportunity, pk) -> Appointment | None:
    """The visible viewing ``pk`` of ``opportunity``, or None (also for a malformed id)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return appointment_list(actor, {"opportunity": opportunity.pk}).filter(pk=pk).first()


def deal_choices(actor, opportunity: Opportunity) -> tuple[QuerySet[SaleUnit], QuerySet[Quote]]:
    """What a subscription for ``opportunity`` can take: the project's units that can be
    subscribed, and the quotes of its units made for the customer (or for nobody) that need no
    or have a manager's approval."""
    units = sale_unit_list(actor, {"project": opportunity.project_id}).filter(
        status__in=SUBSCRIBABLE)
    quotes = (quote_list(actor, {"project": opportunity.project_id})
              .filter(Q(person_id=opportunity.person_id) | Q(person__isnull=True))
              .exclude(approval__in=[ApprovalStatus.PENDING, ApprovalStatus.REJECTED]))
    return units, quotes


@dataclass(frozen=True)
class LeadRights:
    can_work: bool  # its owner, while it is new or worked
    can_claim: bool  # nobody's, new or pooled, and the actor sells in its office
    can_convert: bool  # open, owned, and the actor is the owner or the manager
    can_close: bool
    can_assign: bool  # the sales manager, until the lead is an opportunity


def lead_rights(actor, lead: Lead) -> LeadRights:
    open_ = lead.status in (LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.POOLED)
    is_owner = lead.owner_id == actor.pk
    can_decide = actor.has_perm("sales.decide_lead", lead)
    return LeadRights(
        can_work=is_owner and lead.status in (LeadStatus.NEW, LeadStatus.WORKING),
        can_claim=(lead.owner_id is None and lead.status in (LeadStatus.NEW, LeadStatus.POOLED)
                   and may_work_here(actor, lead)),
        can_convert=bool(open_ and lead.status != LeadStatus.POOLED and lead.owner_id
                         and (is_owner or can_decide)
                         and actor.has_perm("sales.add_opportunity", lead)),
        can_close=open_ and (is_owner or can_decide),
        can_assign=can_decide and lead.status != LeadStatus.CONVERTED)


@dataclass(frozen=True)
class ContractRights:
    can_pay: bool
    can_file: bool
    can_settle: bool
    can_cancel: bool  # a filed contract only when the buyer may withdraw (area beyond 3%)


def contract_rights(actor, contract: Contract) -> ContractRights:
    open_ = contract.status != ContractStatus.CANCELLED
    change = open_ and actor.has_perm("sales.change_contract", contract)
    return ContractRights(
        can_pay=open_ and actor.has_perm("sales.add_payment", contract),
        can_file=change and contract.status == ContractStatus.SIGNED,
        can_settle=change and contract.settled_on is None,
        can_cancel=change and (contract.status != ContractStatus.FILED
                               or settlement.may_withdraw(contract)))


@dataclass
class BoardColumn:
    stage: Stage
    cards: list = field(default_factory=list)
    total: int = 0


BOARD_CARDS = 50


def pipeline_board(actor, filters: dict | None = None) -> list[BoardColumn]:
    """The open stages and won as columns with their newest cards (at most ``BOARD_CARDS`` each) and
    counts, in a constant number of queries."""
    qs = opportunity_list(actor, filters)
    stages = (*OPEN_STAGES, Stage.WON)
    totals = dict(qs.filter(stage__in=stages).order_by().values_list("stage")
                  .annotate(n=Count("pk")).values_list("stage", "n"))
    columns = []
    for stage in stages:
        cards = list(qs.filter(stage=stage)[:BOARD_CARDS]) if totals.get(stage) else []
        columns.append(BoardColumn(Stage(stage), cards, totals.get(stage, 0)))
    return columns


@dataclass
class StageTime:
    move: StageMove
    seconds: int  # in the stage entered by the move: until the next move, or until now


def stage_history(opportunity: Opportunity) -> list[StageTime]:
    moves = list(opportunity.stage_moves.select_related("actor").order_by("moved_at", "pk"))
    now = timezone.now()
    return [StageTime(m, moves[i + 1].seconds_in_stage if i + 1 < len(moves)
                      else int((now - m.moved_at).total_seconds()))
            for i, m in enumerate(moves)]


def visit_list(actor, opportunity: Opportunity) -> QuerySet[Visit]:
    return (Visit.objects.restrict(actor, "view").filter(opportunity=opportunity)
            .select_related("received_by"))


def appointment_list(actor, filters: dict | None = None) -> QuerySet[Appointment]:
    filters = filters or {}
    qs = (Appointment.objects.restrict(actor, "view")
          .select_related("opportunity__person", "rep").prefetch_related("sale_units__unit"))
    if filters.get("opportunity"):
        qs = qs.filter(opportunity_id=filters["opportunity"])
    if filters.get("mine"):
        qs = qs.filter(rep_id=actor.pk)
    return qs.order_by("starts_at", "pk")


def appointment_get(actor, pk) -> Appointment:
    return get_object_or_404(appointment_list(actor), pk=pk)


def feed_appointments(token: str) -> tuple[object, list[Appointment]] | None:
    """The rep of a calendar-feed token and their appointments from 30 days ago on; None for
    an unknown token."""
    feed = (CalendarFeed.objects.filter(token=token)  # scoped-query-ok: the secret is the key
            .select_related("user").first())
    if feed is None or not feed.user.is_active:
        return None
    since = timezone.now() - dt.timedelta(days=30)
    rows = list(Appointment.objects  # scoped-query-ok: the feed owner's own appointments
                .filter(tenant_id=feed.tenant_id, rep=feed.user, starts_at__gte=since)
                .select_related("opportunity__person", "opportunity__project")
                .prefetch_related("sale_units__unit").order_by("starts_at", "pk")[:500])
    return feed.user, rows


def lost_reason_list(actor, filters: dict | None = None) -> QuerySet[LostReason]:
    """The tenant's catalogue; ``filters``: applies_to, stage (its reasons plus the ones for
    every stage), active."""
    filters = filters or {}
    qs = LostReason.objects.restrict(actor, "view")
    if filters.get("applies_to"):
        qs = qs.filter(applies_to=filters["applies_to"])
    if filters.get("stage"):
        qs = qs.filter(Q(stage="") | Q(stage=filters["stage"]))
    if filters.get("active"):
        qs = qs.filter(is_active=True)
    return qs.order_by("applies_to", "position", "pk")


def lost_reason_find(actor, pk) -> LostReason | None:
    return lost_reason_list(actor).filter(pk=pk).first() if str(pk).isdigit() else None


def lost_reason_get(actor, pk) -> LostReason:
    return get_object_or_404(lost_reason_list(actor), pk=pk)


def reps_of(actor, obj) -> list:
    """The reps of ``obj``'s office (for choices); ``actor`` is the one choosing."""
    return _holders(obj, "work_lead") if actor.tenant_id == obj.tenant_id else []


def leads_about(actor, person_id: int, limit: int) -> QuerySet[Lead]:
    return lead_list(actor).filter(person_id=person_id)[:limit]


def opportunities_about(actor, person_id: int, limit: int) -> QuerySet[Opportunity]:
    return opportunity_list(actor).filter(person_id=person_id)[:limit]


def visits_about(actor, person_id: int, limit: int) -> QuerySet[Visit]:
    return (Visit.objects.restrict(actor, "view").filter(opportunity__person_id=person_id)
            .select_related("opportunity__project").order_by("-visited_at")[:limit])


def stage_moves_about(actor, person_id: int, limit: int) -> QuerySet[StageMove]:
    return (StageMove.objects.restrict(actor, "view")
            .filter(opportunity__person_id=person_id).exclude(from_stage="")
            .select_related("opportunity__project").order_by("-moved_at")[:limit])


def colleague_find(actor, pk) -> User | None:
    """An active user of the actor's tenant (a rep to give work to; the services check that
    they are a rep of the right office)."""
    if not str(pk).isdigit():
        return None
    return User.objects.filter(tenant_id=actor.tenant_id, is_active=True, pk=pk).first()


def colleague_names(actor, ids) -> dict[int, str]:
    """The names of the actor's tenant's users among ``ids`` (as a user shows: display name,
    else full name, else username)."""
    return {u.pk: str(u) for u in User.objects.filter(tenant_id=actor.tenant_id,
                                                      pk__in=[pk for pk in ids if pk])}


def sales_staff(actor) -> list:
    """Active users of the actor's tenant whose role lets them work leads somewhere."""
    return list(User.objects.filter(
        tenant_id=actor.tenant_id, is_active=True,
        memberships__role__permissions__codename="work_lead",
        memberships__role__permissions__content_type__app_label="sales",
    ).distinct().order_by("pk")[:300])


def assignment_rule_list(actor) -> QuerySet:
    from linli.sales.models import AssignmentRule

    return (AssignmentRule.objects.restrict(actor, "view")
            .select_related("project", "manager").prefetch_related("reps")
            .order_by("project__name", "position", "pk"))


def assignment_rule_get(actor, pk):
    return get_object_or_404(assignment_rule_list(actor), pk=pk)
