"""Demo data of sales: the developer's project 华庭·翠湖苑 on sale — 4 buildings of 18 floors
with 4 homes per floor (118 m² south, 89 m² north–south through, 72 m² south, 36 m² east), one
price list per building with the seed's rules (SAL-5), a few quotes, one of them below the floor
price waiting for the sales manager, units reserved and held back by hand, and the deals of
``linli.demo.sales_deals`` (subscribed, contracted and filed units, SAL-3)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from linli.demo.generator import DemoContext, register_stage
from linli.demo.sales_deals import deals_build
from linli.directory.models import Community
from linli.directory.services import property as property_services
from linli.sales import services
from linli.sales.models import PriceList, SalesProject, SaleUnit
from linli.sales.states import SaleStatus

NAME = "华庭·翠湖苑"
FLOORS = 18
# The position of a home on its floor (room number suffix) → (sale area, orientation).
PLAN = {"01": (Decimal(118), "south"), "02": (Decimal(89), "north_south"),
        "03": (Decimal(72), "south"), "04": (Decimal(36), "east")}
# How many units are moved by hand (the deals take subscribed, contracted and filed ones).
COUNTS = {SaleStatus.RESERVED: 12, SaleStatus.HELD: 8}


def tower_on_sale(project: SalesProject, number: int, *, name: str, valid_from: dt.date,
                  base_price: Decimal, floor_price: Decimal) -> PriceList:
    """Tower ``number`` of the project's community, ``FLOORS`` floors of the four homes of
    ``PLAN``, put on sale in ``project`` and priced by a new price list with the seed's rules
    (not applied yet)."""
    building = property_services.building_create(actor=None, community=project.community,
                                                  number=str(number), floors_above=FLOORS)
    property_services.units_generate(actor=None, building=building, floors=(1, FLOORS),
                                     units_per_floor=len(PLAN))
    services.units_enlist(actor=None, project=project, building=building,
                          built_area=Decimal(89))
    units = list(SaleUnit.objects.filter(building=building)  # scoped-query-ok: setup
                 .select_related("unit"))
    for su in units:
        su.built_area, su.orientation = PLAN[su.unit.number[-2:]]
    SaleUnit.objects.bulk_update(units, ["built_area", "orientation"])  # scoped-query-ok: setup
    price_list = services.price_list_create(
        actor=None, project=project, building=building, name=name, valid_from=valid_from,
        base_price=base_price, floor_price=floor_price)
    services.seed_rules_install(actor=None, price_list=price_list)
    return price_list


def sales_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["huating"]
    if Community.objects.filter(tenant=tenant, name=NAME).exists():  # scoped-query-ok: demo
        return
    ctx.report.reused = False
    rng = random.Random(ctx.faker.random.random())  # noqa: S311 (demo data, not secrets)
    community = property_services.community_create(
        actor=None, org_unit=ctx.units["huating.cuihu"], name=NAME, city="杭州市",
        province="浙江省", district="西湖区", price_level=Decimal(18500))
    project = services.project_create(actor=None, community=community, name=f"{NAME}一期",
                                      status="on_sale", launch_date=dt.date(2026, 5, 1),
                                      presale_permit="杭售许字(2026)第0168号")
    valid_from = dt.date(2026, 5, 1)
    for number in range(1, 5):
        price_list = tower_on_sale(project, number, name=f"{number}号楼一批次价目表",
                                   valid_from=valid_from, base_price=Decimal(16000 + 500 * number),
                                   floor_price=Decimal(15000))
        services.rule_add(actor=None, price_list=price_list, kind="agreed",
                          name="一次性付款98折", factor=Decimal("0.98"))
        services.reprice_apply(actor=None, price_list=price_list, on=valid_from)
    units = list(SaleUnit.objects.filter(project=project)  # scoped-query-ok: demo setup
                 .order_by("pk"))
    rng.shuffle(units)
    taken = 0
    for status, count in COUNTS.items():
        for su in units[taken:taken + count]:
            services.sale_unit_transition(actor=None, sale_unit=su, to=status)
        taken += count
    free = units[taken:]
    manager = ctx.users.get("salesmanager")
    for su in free[:5]:
        services.quote_create(actor=manager, sale_unit=su, on=dt.date(2026, 6, 1))
    # The cheapest free home at 70%: below the floor price, it waits for the manager.
    cheapest = min(free[5:], key=lambda su: su.list_unit_price)
    deep = services.rule_add(actor=None, price_list=cheapest.price_list, kind="agreed",
                             name="特批七折", factor=Decimal("0.7"))
    services.quote_create(actor=manager, sale_unit=cheapest, on=dt.date(2026, 6, 1),
                          agreed=[deep])
    made = deals_build(ctx, project, free, rng)
    ctx.log(f"  sales project {project.name}: {len(units)} units; {made}")


register_stage("sales", sales_stage)

# The leads and opportunities of the project run after it (the stages run in import order).
from linli.demo import sales_leads  # noqa: E402, F401
