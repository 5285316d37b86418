"""Builders of sales data for tests, made through the real services.

``make_sales(world)`` gives a project over a new community of branch A with one 20-floor
building of two units per floor (01: 85 m² facing south, 02: 38 m² north–south through), all
on sale, and a price list with the seed's rules: base 10,000 yuan/m², floor price 9,000.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from linli.directory.models import Building, Community
from linli.directory.services import property as property_services
from linli.sales import services
from linli.sales.models import LostReason, PriceList, SalesProject, SaleUnit
from linli.sales.registrations import MODELS, REP_DEALS
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person

_seq = itertools.count(1)
START = dt.date(2026, 1, 1)


@dataclass
class Sales:
    community: Community
    building: Building
    project: SalesProject
    price_list: PriceList

    def unit(self, floor: int, number: int = 1) -> SaleUnit:
        return SaleUnit.objects.get(building=self.building, floor=floor,
                                    unit__number=f"{floor}{number:02d}")


def make_sales(world, org_unit=None, floors: int = 20, name: str | None = None,
               base_price: Decimal = Decimal(10000),
               floor_price: Decimal | None = Decimal(9000)) -> Sales:
    n = next(_seq)
    community = make_community(world, name or f"楼盘{n}", org_unit=org_unit)
    building = make_building(community, "1", floors=floors)
    property_services.units_generate(actor=None, building=building, floors=(1, floors),
                                     units_per_floor=2, sections=None)
    for unit in building.units.all():
        south = unit.number.endswith("01")
        property_services.unit_update(
            actor=None, unit=unit, built_area=Decimal(85) if south else Decimal(38),
            orientation="south" if south else "north_south")
    project = services.project_create(actor=None, community=community,
                                      name=f"{community.name}一期", status="on_sale")
    services.units_enlist(actor=None, project=project, building=building)
    price_list = services.price_list_create(
        actor=None, project=project, building=building, name=f"{community.name}1号楼价目表",
        valid_from=START, base_price=base_price, floor_price=floor_price)
    services.seed_rules_install(actor=None, price_list=price_list)
    return Sales(community, building, project, price_list)


def make_small_sales(world, org_unit=None, name: str = "机密楼盘-x",
                     unit_number: str = "机密101x") -> Sales:
    """A project with one building "88" and one 85 m² unit facing south (room code
    "88-<unit_number>") on sale, and a seed price list: for the scope sweep and quick tests."""
    community = make_community(world, name, org_unit=org_unit)
    building = make_building(community, "88", floors=2)
    property_services.unit_create(actor=None, building=building, floor=1, number=unit_number,
                                  built_area=Decimal(85), orientation="south")
    project = services.project_create(actor=None, community=community, name=f"{name}项目",
                                      status="on_sale")
    services.units_enlist(actor=None, project=project, building=building)
    price_list = services.price_list_create(
        actor=None, project=project, building=building, name=f"{name}价目表", valid_from=START,
        base_price=Decimal(10000), floor_price=Decimal(9000))
    services.seed_rules_install(actor=None, price_list=price_list)
    return Sales(community, building, project, price_list)


# --- the query-budget estate (tests/budgets/estate.py) --------------------------------------

@dataclass
class BudgetSales:
    """The hero records of sales whose pages the budgets measure."""

    sales: Sales
    sale_unit: SaleUnit
    quote: object
    subscription: object = None  # of unit 102, with its contract and payments
    contract: object = None
    payment: object = None
    queue_number: object = None  # of the project's second phase, not launched

    rep: object = None
    other_rep: object = None
    lead: object = None
    opportunity: object = None
    dispute: object = None
    lost_reason: object = None
    feed_token: str = ""


def _budget_deal(world, sales: Sales, number: str):
    """Unit ``number`` of the hero building subscribed and signed on a mortgage, one payment
    more than the carried-over deposit."""
    sale_unit = SaleUnit.objects.get(building=sales.building, unit__number=number)
    subscription = services.subscription_create(
        actor=None, sale_unit=sale_unit, person=make_person(world, f"买受人{number}"),
        deposit=Decimal(10000), on=START)
    down = (subscription.total * Decimal("0.3")).quantize(Decimal(1))
    contract = services.contract_create(
        actor=None, subscription=subscription, plan_kind="mortgage", signed_on=START,
        lines=mortgage_lines(subscription.total, down), loan_amount=subscription.total - down,
        bank="工商银行", down_payment=down)
    payment = services.payment_record(actor=None, contract=contract, line=None,
                                      amount=Decimal(1000), paid_on=START)
    return subscription, contract, payment


def make_budget_sales(world) -> BudgetSales:
    sales = make_small_sales(world, name="预算楼盘", unit_number="101")
    sale_unit = SaleUnit.objects.get(project=sales.project)
    quote = services.quote_create(actor=None, sale_unit=sale_unit, on=START)
    property_services.unit_create(actor=None, building=sales.building, floor=1, number="102",
                                  built_area=Decimal(85), orientation="south")
    services.units_enlist(actor=None, project=sales.project, building=sales.building)
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    subscription, contract, payment = _budget_deal(world, sales, "102")
    phase2 = services.project_create(actor=None, community=sales.community, name="预算楼盘二期")
    queue_number = services.queue_number_take(actor=None, project=phase2,
                                              person=make_person(world, "排号人"),
                                              deposit=Decimal(20000))
    services.lost_reasons_install(tenant=world.tenant)
    rep = make_rep(world, name="budget.rep")
    other_rep = make_rep(world, name="budget.rep2")
    opportunity = _budget_opportunity(sales, rep, "13700000000", "预算客户")
    lead = opportunity.lead
    services.lead_create(actor=other_rep, project=sales.project, name="预算争议",
                         phone="13700009999", channel="phone")
    dispute = services.dispute_open(actor=rep, project=sales.project, phone="13700009999",
                                    reason="预算申诉")
    reason = LostReason.objects.filter(tenant=world.tenant, applies_to="opportunity",
                                       stage="").order_by("pk").first()
    return BudgetSales(sales, sale_unit, quote, subscription=subscription, contract=contract,
                       payment=payment, queue_number=queue_number, rep=rep, other_rep=other_rep,
                       lead=lead, opportunity=opportunity, dispute=dispute, lost_reason=reason,
                       feed_token=services.calendar_feed_token(actor=rep))



def _budget_opportunity(sales: Sales, rep, phone: str, name: str):
    """An opportunity at viewing with a visit, a shown unit and a booked viewing."""
    unit = SaleUnit.objects.filter(project=sales.project).order_by("pk").first()
    lead = services.lead_create(actor=rep, project=sales.project, name=name, phone=phone,
                                channel="walk_in")
    opportunity = services.opportunity_create(actor=rep, lead=lead)
    services.visit_register(actor=rep, opportunity=opportunity, note="首访", sale_units=[unit])
    services.opportunity_transition(actor=rep, opportunity=opportunity, to="viewing")
    services.appointment_book(actor=rep, opportunity=opportunity, sale_units=[unit],
                              starts_at=timezone.now() + dt.timedelta(days=1))
    return opportunity


def grow_budget_sales(world, hero: BudgetSales, k: int) -> None:
    """One batch: a unit more in the hero building (chart, unit lists, re-pricing rows), a new
    building with its price list in the hero project, an agreed discount more on the hero
    price list, a quote more of the hero unit, a new project with its own price list, and a
    deal more (subscription, contract, payments) with a payment and a queue number more on the
    heroes."""
    sales = hero.sales
    property_services.unit_create(actor=None, building=sales.building, floor=2,
                                  number=f"20{k}", built_area=Decimal(38),
                                  orientation="north_south")
    services.units_enlist(actor=None, project=sales.project, building=sales.building)
    building = make_building(sales.community, str(k), floors=1)
    property_services.unit_create(actor=None, building=building, floor=1, number="101",
                                  built_area=Decimal(90))
    services.units_enlist(actor=None, project=sales.project, building=building)
    extra = services.price_list_create(actor=None, project=sales.project, building=building,
                                       name=f"预算{k}号楼价目表", valid_from=START,
                                       base_price=Decimal(12000))
    services.seed_rules_install(actor=None, price_list=extra)
    agreed = services.rule_add(actor=None, price_list=sales.price_list, kind="agreed",
                               name=f"协议{k}", factor=Decimal("0.99"))
    services.quote_create(actor=None, sale_unit=hero.sale_unit, on=START, agreed=[agreed])
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    make_small_sales(world, name=f"预算楼盘{k}", unit_number="101")
    # Deals: the new unit subscribed and signed, a payment more on the hero contract, a queue
    # number more.
    _budget_deal(world, sales, f"20{k}")
    services.payment_record(actor=None, contract=hero.contract, line=None,
                            amount=Decimal(1000), paid_on=START)
    services.queue_number_take(actor=None, project=hero.queue_number.project,
                               person=hero.queue_number.person, deposit=Decimal(20000))

    # Leads and opportunities: a lead more in the pool, an opportunity more (with its visit,
    # viewing and moves) of the hero rep, a lost one waiting for review, a dispute and a lost
    # reason more; and a visit and a viewing more on the hero opportunity.
    pooled = services.lead_create(actor=hero.other_rep, project=sales.project,
                                  name=f"预算公客{k}", phone=f"1370001{k:04d}", channel="web")
    services.lead_transition(actor=None, lead=pooled, to="pooled", owner=None)
    _budget_opportunity(sales, hero.rep, f"1370002{k:04d}", f"预算客户{k}")
    lost = _budget_opportunity(sales, hero.rep, f"1370003{k:04d}", f"预算流失{k}")
    services.opportunity_transition(actor=hero.rep, opportunity=lost, to="lost",
                                    reason=hero.lost_reason, competitor=f"竞品{k}")
    services.lead_create(actor=hero.other_rep, project=sales.project, name=f"预算争议{k}",
                         phone=f"1370004{k:04d}", channel="phone")
    services.dispute_open(actor=hero.rep, project=sales.project, phone=f"1370004{k:04d}",
                          reason=f"申诉{k}")
    services.lost_reason_create(actor=None, tenant=sales.project.tenant,
                                applies_to="contract", name=f"预算原因{k}")
    services.assignment_rule_create(actor=None, project=sales.project, name=f"预算规则{k}",
                                    method="round_robin", valid_from=START,
                                    channel="event", reps=[hero.rep, hero.other_rep])
    unit = SaleUnit.objects.filter(project=sales.project).order_by("-pk").first()
    services.visit_register(actor=hero.rep, opportunity=hero.opportunity, note=f"复访{k}",
                            sale_units=[unit])
    services.appointment_book(actor=hero.rep, opportunity=hero.opportunity,
                              sale_units=[unit], starts_at=timezone.now() + dt.timedelta(days=k))


# --- leads and opportunities ----------------------------------------------------------------

REP_PERMS = ["sales.view_lead", "sales.add_lead", "sales.change_lead", "sales.work_lead",
             "sales.view_opportunity", "sales.add_opportunity", "sales.change_opportunity",
             "sales.view_visit", "sales.view_appointment", "sales.view_stagemove",
             "sales.view_ownershipdispute", "sales.view_lostreason", "sales.view_saleunit",
             "sales.view_salesproject"]
MANAGER_PERMS = [*REP_PERMS, "sales.decide_lead", "sales.add_lostreason",
                 "sales.change_lostreason"]


def make_rep(world, unit=None, name: str | None = None, manager: bool = False):
    from tests.builders import make_user

    return make_user(world.tenant, unit or world.branch_a,
                     MANAGER_PERMS if manager else REP_PERMS, username=name,
                     display_name=name or "")


def make_lead(sales: Sales, rep, phone: str = "13800138000", name: str = "王先生", **fields):
    fields.setdefault("channel", "walk_in")
    return services.lead_create(actor=rep, project=sales.project, name=name, phone=phone,
                                **fields)


def make_opportunity(sales: Sales, rep, phone: str = "13800138000", **fields):
    lead = make_lead(sales, rep, phone=phone, **fields)
    return services.opportunity_create(actor=rep, lead=lead)


# --- deals (subscriptions, contracts) -------------------------------------------------------

# The seed price of the 85 m² unit facing south on floor 1 (floors: see make_sales):
# (10,000 × 1.1 + 0) × 1.1 = 12,100/m² × 85 = 1,028,500, above 1,000,000 so × 0.9.
PRICE_101 = Decimal(925650)


def make_deal_sales(world, org_unit=None, floors: int = 3, name: str | None = None) -> Sales:
    """``make_sales`` with every unit priced by its list (so it can be subscribed)."""
    sales = make_sales(world, org_unit=org_unit, floors=floors, name=name)
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    return sales


def mortgage_lines(total: Decimal, down: Decimal, on: dt.date = START) -> list:
    return [services.LineIn("down_payment", on, down),
            services.LineIn("loan", on + dt.timedelta(days=30), total - down)]


# --- the sales reports (SAL-6) --------------------------------------------------------------

SEE_ALL = [f"sales.view_{model}" for model in (*MODELS, "lead", "opportunity", "stagemove",
                                                "lostreason", "visit", "appointment")]
DEALER = [*REP_PERMS, *REP_DEALS, *SEE_ALL]


def _reason(tenant, applies_to: str, name: str) -> LostReason:
    return services.lost_reason_create(actor=None, tenant=tenant, applies_to=applies_to,
                                       name=name)


def walk(rep, opportunity, *stages):
    """Move ``opportunity`` through ``stages`` as ``rep`` (visited by a visit)."""
    for stage in stages:
        if stage == "visited":
            services.visit_register(actor=rep, opportunity=opportunity, note="来访")
        else:
            services.opportunity_transition(actor=rep, opportunity=opportunity, to=stage)


class ReportBook:
    """The hand-built book of the sales reports' tests (tests/sales/test_reports.py tells
    every number it gives)."""

    def __init__(self, world):
        self.world = world
        tenant = world.tenant
        self.today = timezone.localdate()
        self.viewer = make_user(tenant, world.branch_a, SEE_ALL, username="report.viewer",
                                display_name="报表经理")
        self.li = make_user(tenant, world.branch_a, DEALER, username="li.na",
                            display_name="李娜")
        self.zhou = make_user(tenant, world.branch_a, DEALER, username="zhou.qiang",
                              display_name="周强")
        self.sales = make_deal_sales(world, name="翠湖苑")
        self.phase2 = make_deal_sales(world, floors=2, name="翠湖苑二期楼")
        self.price_too_high = _reason(tenant, "opportunity", "价格超预算")
        self.elsewhere = _reason(tenant, "opportunity", "选择了竞品")
        self.no_loan = _reason(tenant, "subscription", "贷款未获批")
        self.withdrew = _reason(tenant, "contract", "买受人退房")
        self._pipeline()
        self._deals()

    def _pipeline(self):
        li, zhou, sales = self.li, self.zhou, self.sales
        opportunities = []
        for n in range(4):
            lead = make_lead(sales, li, phone=f"1380000000{n}", name=f"客户{n}")
            opportunities.append(services.opportunity_create(actor=li, lead=lead))
        self.o1, self.o2, self.o3, self.o5 = opportunities
        make_lead(sales, li, phone="13800000009", name="只留电话")
        self.o4 = services.opportunity_create(
            actor=zhou, lead=make_lead(sales, zhou, phone="13900000001", name="周的客户"))
        make_lead(sales, zhou, phone="13900000002", name="周的线索")
        make_lead(self.phase2, zhou, phone="13900000003", name="二期线索")
        # o1 is won by the subscription of unit 101 (``_deals``).
        walk(li, self.o1, "visited", "viewing", "negotiating")
        walk(li, self.o2, "visited", "viewing", "negotiating")
        services.opportunity_transition(actor=li, opportunity=self.o2, to="lost",
                                        reason=self.price_too_high, competitor="万科·未来城")
        walk(li, self.o3, "visited")
        services.opportunity_transition(actor=li, opportunity=self.o3, to="lost",
                                        reason=self.elsewhere)
        walk(zhou, self.o4, "visited", "viewing")

    def _deals(self):
        day, li, zhou = self.today, self.li, self.zhou

        def subscribe(rep, number, deposit, opportunity=None):
            unit = SaleUnit.objects.get(building=self.sales.building, unit__number=number)
            person = opportunity.person if opportunity else make_person(
                self.world, f"买受人{number}")
            return services.subscription_create(
                actor=rep, sale_unit=unit, person=person, buyer_name=f"买受人{number}",
                deposit=Decimal(deposit), on=day, opportunity=opportunity)

        s1 = subscribe(li, "101", 50000, opportunity=self.o1)
        self.c1 = services.contract_create(
            actor=li, subscription=s1, plan_kind="full", signed_on=day,
            lines=[services.LineIn("full", day, s1.total)])
        services.payment_record(actor=li, contract=self.c1, line=None, amount=Decimal(100000),
                                paid_on=day)
        services.contract_file(actor=None, contract=self.c1, filing_number="杭网备001",
                               filed_on=day)
        s2 = subscribe(li, "102", 20000)
        self.c2 = services.contract_create(
            actor=li, subscription=s2, plan_kind="mortgage", signed_on=day,
            lines=[services.LineIn("down_payment", day, Decimal(147200)),
                   services.LineIn("loan", day + dt.timedelta(days=30), Decimal(400000))],
            loan_amount=Decimal(400000), bank="工商银行", down_payment=Decimal(147200))
        s5 = subscribe(li, "301", 20000)
        c3 = services.contract_create(actor=li, subscription=s5, plan_kind="full",
                                      signed_on=day,
                                      lines=[services.LineIn("full", day, s5.total)])
        services.contract_cancel(actor=None, contract=c3, reason=self.withdrew, note="退房")
        self.s3 = subscribe(zhou, "201", 30000)
        s4 = subscribe(zhou, "202", 10000)
        services.subscription_cancel(actor=zhou, subscription=s4, reason=self.no_loan,
                                     note="贷款未获批")
        held = SaleUnit.objects.get(building=self.sales.building, unit__number="302")
        services.sale_unit_transition(actor=None, sale_unit=held, to="held")
        reserved = SaleUnit.objects.filter(project=self.phase2.project).order_by("pk").first()
        services.sale_unit_transition(actor=None, sale_unit=reserved, to="reserved")
