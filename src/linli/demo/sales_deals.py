"""Demo deals of 华庭·翠湖苑 (SAL-3), made through the real services: about 300 subscriptions
and contracts in every stage — active subscriptions (a few with a change waiting for the
manager), cancelled ones, contracts signed on full payment, instalments or mortgage with their
payments, filed contracts, area settlements on both sides of ±3% and one withdrawal — and the
queue numbers of the second phase, which has not launched yet.

Called by the sales stage once its units are priced; deterministic from the demo seed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal

from linli.demo.generator import DemoContext
from linli.directory.services import people as people_services
from linli.sales import selectors, services
from linli.sales.choices import LineKind, PlanKind
from linli.sales.models import SalesProject, SaleUnit

START = dt.date(2026, 5, 1)
BANKS = ("中国工商银行", "中国建设银行", "招商银行", "杭州银行", "中国农业银行")
# How many units end in each stage (of the units the sales stage left on sale).
ACTIVE, CANCELLED, SIGNED, FILED = 30, 20, 60, 80
CHANGES = 3
SETTLED = 24  # filed contracts whose measured area is known
QUEUE = 40
CANCEL_NOTES = ("贷款审批未通过", "客户资金不足", "客户选择了竞品楼盘", "家庭意见不统一")


def _day(rng: random.Random, start: dt.date = START, days: int = 150) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def payment_plan(rng: random.Random, total: Decimal, signed_on: dt.date):
    """A payment plan: 20% full payments, 25% instalments, the rest mortgages (30% down)."""
    roll = rng.random()
    if roll < 0.2:
        return PlanKind.FULL, [services.LineIn(LineKind.FULL, signed_on, total)], {}
    if roll < 0.45:
        first = (total * Decimal("0.5")).quantize(Decimal(1))
        second = (total * Decimal("0.3")).quantize(Decimal(1))
        return PlanKind.INSTALMENTS, [
            services.LineIn(LineKind.INSTALMENT, signed_on, first),
            services.LineIn(LineKind.INSTALMENT, signed_on + dt.timedelta(days=90), second),
            services.LineIn(LineKind.INSTALMENT, signed_on + dt.timedelta(days=180),
                            total - first - second)], {}
    down = (total * Decimal("0.3")).quantize(Decimal(1000))
    return PlanKind.MORTGAGE, [
        services.LineIn(LineKind.DOWN_PAYMENT, signed_on, down),
        services.LineIn(LineKind.LOAN, signed_on + dt.timedelta(days=45), total - down),
    ], {"loan_amount": total - down, "down_payment": down, "bank": rng.choice(BANKS)}


def pay_due_lines(rng: random.Random, contract, until: dt.date) -> None:
    """Pay each line due by ``until`` in full, the last one partly at times."""
    for line in contract.lines.order_by("seq"):
        if line.due_on > until or line.paid >= line.amount:
            continue
        amount = line.amount - line.paid
        if rng.random() < 0.2:
            amount = (amount / 2).quantize(Decimal(1))
        method = "loan" if line.kind == LineKind.LOAN else rng.choice(("transfer", "card"))
        services.payment_record(actor=None, contract=contract, line=line, amount=amount,
                                paid_on=line.due_on, method=method,
                                reference=f"YH{line.pk:08d}")


def deals_build(ctx: DemoContext, project: SalesProject, free: list[SaleUnit],
                rng: random.Random) -> str:
    """Deals over ``free`` (available, priced units of ``project``, shuffled)."""
    tenant, org_unit = project.tenant, ctx.units["huating.cuihu"]
    manager = ctx.users.get("salesmanager")
    rep = ctx.users.get("sales")

    def buyer():
        return people_services.person_create(actor=None, tenant=tenant, org_unit=org_unit,
                                             name=ctx.faker.name(), phones=[])

    # The rep makes two deals in three, the manager the third: the rep report has both.
    sellers = itertools.cycle((rep, rep, manager))

    def subscribe(su: SaleUnit, on: dt.date):
        deposit = Decimal(rng.choice((20000, 30000, 50000, 100000)))
        return services.subscription_create(actor=next(sellers), sale_unit=su,
                                            person=buyer(), deposit=deposit, on=on)

    units = iter(free)
    # Active subscriptions, a few with a change waiting for the manager.
    for n in range(ACTIVE):
        sub = subscribe(next(units), _day(rng, START + dt.timedelta(days=120), 60))
        if n < CHANGES:
            services.subscription_change_request(
                actor=rep, subscription=sub, kind="price",
                total=sub.total - Decimal(20000), reason="老业主推荐,申请优惠两万元")
    # Cancelled subscriptions: their units went back on sale (some were subscribed again).
    services.lost_reasons_install(tenant=project.tenant)
    reasons = {kind: list(selectors.lost_reason_list(manager, {"applies_to": kind}))
               for kind in ("subscription", "contract")}
    for _ in range(CANCELLED):
        su = next(units)
        sub = subscribe(su, _day(rng))
        services.subscription_cancel(actor=manager, subscription=sub,
                                     reason=rng.choice(reasons["subscription"]),
                                     note=rng.choice(CANCEL_NOTES))
    # Contracts: signed (paid so far), then filed; some filed ones settled by measured area.
    contracts = []
    for n in range(SIGNED + FILED):
        su = next(units)
        sub = subscribe(su, _day(rng, START, 90))
        signed_on = sub.subscribed_on + dt.timedelta(days=rng.randrange(3, 15))
        kind, lines, extra = payment_plan(rng, sub.total, signed_on)
        contract = services.contract_create(actor=sub.created_by, subscription=sub,
                                            plan_kind=kind, lines=lines, signed_on=signed_on,
                                            **extra)
        pay_due_lines(rng, contract, signed_on + dt.timedelta(days=rng.choice((0, 60, 200))))
        if n >= SIGNED:
            services.contract_file(actor=None, contract=contract,
                                   filing_number=f"杭网备{signed_on:%Y}{contract.pk:06d}",
                                   filed_on=signed_on + dt.timedelta(days=7))
            contracts.append(contract)
    # Measured areas: mostly within ±1.5%, a few beyond ±3% on either side.
    for n, contract in enumerate(contracts[:SETTLED]):
        error = (Decimal("0.045"), Decimal("-0.04"))[n % 2] if n < 4 else Decimal(
            rng.randrange(-150, 151)) / 10000
        measured = (contract.area * (1 + error)).quantize(Decimal("0.01"))
        services.contract_settle(actor=manager, contract=contract, measured_area=measured,
                                 on=START + dt.timedelta(days=200))
    # The buyer of the 4% smaller home withdraws.
    services.contract_cancel(actor=manager, contract=contracts[1], reason=reasons["contract"][-1],
                             note="实测面积误差超过3%,买受人要求退房")
    # The second phase takes queue numbers before its launch.
    phase2 = services.project_create(actor=None, community=project.community,
                                     name=project.name.replace("一期", "二期"),
                                     status="preparing", launch_date=dt.date(2026, 12, 20))
    for n in range(QUEUE):
        queue_number = services.queue_number_take(actor=None, project=phase2, person=buyer(),
                                                  deposit=Decimal(rng.choice((10000, 20000))))
        if n % 10 == 9:
            services.queue_number_refund(actor=None, queue_number=queue_number,
                                         note="客户改变主意")
    return (f"{ACTIVE + CANCELLED + SIGNED + FILED} subscriptions, {SIGNED + FILED} contracts, "
            f"{QUEUE} queue numbers")
