"""Sales deals (SAL-3): queue numbers, subscriptions and their approved changes, contracts with
payment plans and payments, online filing and the area settlement (面积补差)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import events_for
from linli.directory.services import people as people_services
from linli.sales import selectors, services, settlement
from linli.sales.models import (
    Contract,
    LostReason,
    Payment,
    PlanLine,
    QueueNumber,
    Subscription,
    SubscriptionChange,
)
from linli.sales.states import SaleStatus
from tests.builders import make_user
from tests.directory.builders import make_person
from tests.sales.builders import PRICE_101, START, make_deal_sales, mortgage_lines

pytestmark = pytest.mark.django_db

REP = ["sales.view_saleunit", "sales.view_subscription", "sales.add_subscription",
       "sales.change_subscription", "sales.view_contract", "sales.view_payment"]
MANAGER = [*REP, "sales.approve_subscription", "sales.add_contract", "sales.change_contract",
           "sales.add_payment", "sales.change_saleunit"]


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def _status(sale_unit) -> str:
    sale_unit.refresh_from_db()
    return sale_unit.status


def _subscribe(sales, world, floor=1, number=1, deposit=D(50000), **kw):
    person = kw.pop("person", None) or make_person(world, "李四")
    return services.subscription_create(actor=None, sale_unit=sales.unit(floor, number),
                                        person=person, deposit=deposit, on=START, **kw)


# --- the area settlement: worked examples -----------------------------------------------

# Contract: 100 m² at 1,000,000 yuan, so 10,000.00 yuan per m²; the 3% band is 3 m².
@pytest.mark.parametrize("measured, amount, borne, may_cancel", [
    (D("102"), D(20000), D(0), False),  # +2%: the buyer pays 2 m²
    (D("103"), D(30000), D(0), False),  # exactly +3%: still at the actual area
    (D("103.01"), D(30000), D(100), True),  # just beyond: the 0.01 m² beyond is the developer's
    (D("105"), D(30000), D(20000), True),  # +5%: pays 3 m², the developer bears 2 m²
    (D("100"), D(0), D(0), False),
    (D("98"), D(-20000), D(0), False),  # −2%: refunded 2 m²
    (D("97"), D(-30000), D(0), False),  # exactly −3%: refunded at the price
    (D("96.99"), D(-30200), D(100), True),  # the 0.01 m² beyond −3% is refunded twice
    (D("95"), D(-70000), D(20000), True),  # −5%: 3 m² once + 2 m² twice = 7 m² of price
])
def test_area_settlement_follows_the_statutory_rule(measured, amount, borne, may_cancel):
    result = settlement.settle(contract_area=D(100), measured_area=measured,
                               price=settlement.unit_price(D(1000000), D(100)))
    assert (result.amount, result.developer_borne, result.may_cancel) == (amount, borne,
                                                                           may_cancel)


def test_area_settlement_rounds_once_to_the_yuan_half_up():
    price = settlement.unit_price(D(1001000), D(100))
    assert price == D("10010.00")
    # 0.05 m² × 10,010 = 500.50 → 501 yuan.
    result = settlement.settle(contract_area=D(100), measured_area=D("100.05"), price=price)
    assert result.amount == D(501) and result.error_percent == D("0.05")
    # 1,000,000 ÷ 89.37 = 11,189.437… → 11,189.44 per m²; 0.75 m² × that = 8,392.08 → 8,392.
    price = settlement.unit_price(D(1000000), D("89.37"))
    assert price == D("11189.44")
    assert settlement.settle(contract_area=D("89.37"), measured_area=D("90.12"),
                             price=price).amount == D(8392)


# --- subscriptions --------------------------------------------------------------------------

def test_a_subscription_reserves_the_unit_at_its_quote(world):
    sales = make_deal_sales(world)
    unit = sales.unit(1)
    quote = services.quote_create(actor=None, sale_unit=unit, on=START)
    buyer = make_person(world, "王五")
    sub = services.subscription_create(actor=None, sale_unit=unit, person=buyer,
                                       deposit=D(50000), quote=quote, on=START)
    assert (sub.number, sub.total, sub.deposit, sub.area, sub.buyer_name, sub.status) == (
        "RG20260101-0001", PRICE_101, D(50000), D(85), "王五", "active")
    assert _status(unit) == SaleStatus.SUBSCRIBED
    assert [e.verb for e in events_for(sub)] == ["subscription.created"]
    # Without a quote the unit's list price is the price.
    other = services.subscription_create(actor=None, sale_unit=sales.unit(1, 2), person=buyer,
                                         deposit=D(20000), on=START)
    assert (other.number, other.total) == ("RG20260101-0002", D(547200))


@pytest.mark.parametrize("status, words", [
    ("contracted", "is Contracted and cannot be subscribed"),
    ("held", "is Held back and cannot be subscribed"),
])
def test_a_deposit_on_a_unit_somebody_holds_is_refused(world, status, words):
    sales = make_deal_sales(world)
    unit = sales.unit(1)
    moves = {"contracted": ["subscribed", "contracted"], "held": ["held"]}[status]
    for to in moves:
        services.sale_unit_transition(actor=None, sale_unit=unit, to=to, by_deal=True)
    with pytest.raises(ValidationError) as exc:
        _subscribe(sales, world)
    assert words in _messages(exc)
    assert Subscription.objects.count() == 0 and _status(unit) == status


def test_a_unit_is_never_subscribed_twice(world):
    sales = make_deal_sales(world)
    _subscribe(sales, world)
    with pytest.raises(ValidationError) as exc:
        _subscribe(sales, world)
    assert "101 is Subscribed and cannot be subscribed" in _messages(exc)
    assert Subscription.objects.count() == 1


@pytest.mark.parametrize("deposit, words", [
    (D(-100), "above 0"),
    (D(0), "above 0"),
    (PRICE_101 + 1, "at most 925,650.00"),
    (None, "Enter an amount"),
])
def test_absurd_deposits_are_refused_and_nothing_is_written(world, deposit, words):
    sales = make_deal_sales(world)
    with pytest.raises(ValidationError) as exc:
        _subscribe(sales, world, deposit=deposit)
    assert words in " ".join(exc.value.message_dict["deposit"])
    assert Subscription.objects.count() == 0 and _status(sales.unit(1)) == "available"


def test_a_buyer_of_another_tenant_is_refused(world):
    sales = make_deal_sales(world)
    stranger = people_services.person_create(actor=None, tenant=world.other_tenant,
                                             org_unit=world.other_root, name="外人", phones=[])
    with pytest.raises(ValidationError) as exc:
        _subscribe(sales, world, person=stranger)
    assert exc.value.message_dict["person_id"] == ["Choose a buyer of this company."]
    assert _status(sales.unit(1)) == "available"


def test_a_quote_waiting_for_approval_cannot_be_subscribed(world):
    sales = make_deal_sales(world)
    unit = sales.unit(1)
    cut = services.rule_add(actor=None, price_list=sales.price_list, kind="agreed",
                            name="特惠", factor=D("0.5"))
    quote = services.quote_create(actor=None, sale_unit=unit, on=START, agreed=[cut])
    with pytest.raises(ValidationError) as exc:
        _subscribe(sales, world, quote=quote)
    assert "below the floor price and waiting for approval" in _messages(exc)
    other = services.quote_create(actor=None, sale_unit=sales.unit(2), on=START)
    with pytest.raises(ValidationError) as exc:
        _subscribe(sales, world, quote=other)
    assert exc.value.message_dict["quote_id"] == ["Choose a quote of this unit."]


def _lost_reason(world, applies_to: str, name: str | None = None):
    """A reason of the tenant's default lost-reason catalogue (SAL-4)."""
    services.lost_reasons_install(tenant=world.tenant)
    reasons = LostReason.objects.filter(tenant=world.tenant, applies_to=applies_to)
    return reasons.get(name=name) if name else reasons.order_by("position").first()


def test_cancelling_needs_a_reason_and_puts_the_unit_back_on_sale(world):
    sales = make_deal_sales(world)
    sub = _subscribe(sales, world)
    with pytest.raises(ValidationError) as exc:
        services.subscription_cancel(actor=None, subscription=sub, reason=None, note="  ")
    assert exc.value.message_dict == {"note": ["Say why the subscription is cancelled."],
                                      "reason": ["Choose why the subscription is lost."]}
    # A reason of the catalogue for opportunities, or one retired, is not a subscription's.
    retired = _lost_reason(world, "subscription")
    services.lost_reason_set_active(actor=None, reason=retired, active=False)
    for wrong in (_lost_reason(world, "opportunity"), retired):
        with pytest.raises(ValidationError) as exc:
            services.subscription_cancel(actor=None, subscription=sub, reason=wrong,
                                         note="贷款未批")
        assert exc.value.message_dict == {
            "reason": ["Choose a lost reason of the catalogue for this stage."]}
    assert _status(sales.unit(1)) == "subscribed"
    reason = _lost_reason(world, "subscription", "客户改变主意")
    services.subscription_cancel(actor=None, subscription=sub, reason=reason, note="贷款未批")
    sub.refresh_from_db()
    assert (sub.status, sub.cancel_note, sub.lost_reason) == ("cancelled", "贷款未批", reason)
    assert _status(sales.unit(1)) == "available"
    with pytest.raises(ValidationError) as exc:
        services.subscription_cancel(actor=None, subscription=sub, reason=reason, note="again")
    assert "is Cancelled; it cannot become Cancelled" in _messages(exc)
    # The unit can be subscribed again.
    assert _subscribe(sales, world).status == "active"


def test_a_unit_held_by_a_subscription_does_not_move_by_hand(world):
    sales = make_deal_sales(world)
    sub = _subscribe(sales, world)
    with pytest.raises(ValidationError) as exc:
        services.sale_unit_transition(actor=None, sale_unit=sales.unit(1), to="available")
    assert f"held by subscription {sub.number}" in _messages(exc)


def test_a_change_of_unit_waits_for_a_manager_and_then_moves_both_units(world):
    sales = make_deal_sales(world)
    sub = _subscribe(sales, world)
    rep = make_user(world.tenant, world.branch_a, REP)
    manager = make_user(world.tenant, world.branch_a, MANAGER)
    change = services.subscription_change_request(
        actor=rep, subscription=sub, kind="unit", sale_unit=sales.unit(2),
        reason="客户想要高楼层")
    assert (change.approval, change.old_value) == ("pending", sales.unit(1).unit.room_code)
    assert _status(sales.unit(2)) == "available"  # nothing moves before the approval
    with pytest.raises(PermissionDenied):
        services.subscription_change_decide(actor=rep, change=change, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.subscription_change_request(actor=rep, subscription=sub, kind="buyer",
                                             buyer_name="王六", reason="更名")
    assert "already waits for approval" in _messages(exc)
    services.subscription_change_decide(actor=manager, change=change, approve=True)
    sub.refresh_from_db()
    change.refresh_from_db()
    assert (sub.sale_unit_id, sub.total) == (sales.unit(2).pk, sales.unit(2).list_total)
    assert (change.approval, change.decided_by) == ("approved", manager)
    assert (_status(sales.unit(1)), _status(sales.unit(2))) == ("available", "subscribed")
    assert [e.verb for e in events_for(sub)][:2] == ["subscription.change_approved",
                                                      "subscription.change_requested"]


def test_a_rejected_change_needs_a_reason_and_changes_nothing(world):
    sales = make_deal_sales(world)
    sub = _subscribe(sales, world)
    change = services.subscription_change_request(actor=None, subscription=sub, kind="price",
                                                  total=D(900000), reason="老客户")
    with pytest.raises(ValidationError) as exc:
        services.subscription_change_decide(actor=None, change=change, approve=False)
    assert exc.value.message_dict["decision_note"] == ["Say why the change is rejected."]
    services.subscription_change_decide(actor=None, change=change, approve=False,
                                        note="低于底价")
    sub.refresh_from_db()
    assert sub.total == PRICE_101
    buyer = services.subscription_change_request(actor=None, subscription=sub, kind="buyer",
                                                 buyer_name="李四、赵敏", reason="加名")
    services.subscription_change_decide(actor=None, change=buyer, approve=True)
    sub.refresh_from_db()
    assert sub.buyer_name == "李四、赵敏"
    assert SubscriptionChange.objects.filter(subscription=sub).count() == 2


@pytest.mark.parametrize("fields, field, words", [
    ({"kind": "price", "total": D(-5)}, "total", "above 0"),
    ({"kind": "price", "total": D(10000)}, "total", "below the deposit"),
    ({"kind": "buyer", "buyer_name": ""}, "buyer_name", "Enter the new buyer name"),
    ({"kind": "unit", "sale_unit": None}, "sale_unit_id", "Choose the new unit"),
    ({"kind": "price", "total": D(900000), "reason": ""}, "reason", "Say why"),
])
def test_absurd_changes_are_refused(world, fields, field, words):
    sales = make_deal_sales(world)
    sub = _subscribe(sales, world)
    data = {"reason": "理由", **fields}
    with pytest.raises(ValidationError) as exc:
        services.subscription_change_request(actor=None, subscription=sub, **data)
    assert words in " ".join(exc.value.message_dict[field])
    assert SubscriptionChange.objects.count() == 0


# --- queue numbers --------------------------------------------------------------------------

def test_queue_numbers_before_launch_become_subscriptions_in_order(world):
    sales = make_deal_sales(world)
    services.project_update(actor=None, project=sales.project, status="preparing")
    numbers = [services.queue_number_take(actor=None, project=sales.project,
                                          person=make_person(world, f"客户{n}"),
                                          deposit=D(20000)) for n in range(3)]
    assert [q.number for q in numbers] == [1, 2, 3]
    with pytest.raises(ValidationError) as exc:
        services.queue_number_convert(actor=None, queue_number=numbers[0],
                                      sale_unit=sales.unit(1), deposit=D(50000))
    assert "is not on sale yet" in _messages(exc)
    services.project_update(actor=None, project=sales.project, status="on_sale")
    with pytest.raises(ValidationError) as exc:
        services.queue_number_take(actor=None, project=sales.project,
                                   person=make_person(world), deposit=D(20000))
    assert "has launched" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.queue_number_convert(actor=None, queue_number=numbers[1],
                                      sale_unit=sales.unit(1), deposit=D(50000))
    assert "number 1 still waits" in _messages(exc)
    services.queue_number_refund(actor=None, queue_number=numbers[0], note="客户放弃")
    with pytest.raises(ValidationError) as exc:
        services.queue_number_convert(actor=None, queue_number=numbers[1],
                                      sale_unit=sales.unit(1), deposit=D(10000))
    assert "at least that" in _messages(exc)
    sub = services.queue_number_convert(actor=None, queue_number=numbers[1],
                                        sale_unit=sales.unit(1), deposit=D(50000), on=START)
    assert (sub.queue_number_id, sub.person_id, sub.total) == (
        numbers[1].pk, numbers[1].person_id, PRICE_101)
    assert list(QueueNumber.objects.order_by("number").values_list("status", flat=True)) == [
        "refunded", "converted", "waiting"]
    with pytest.raises(ValidationError) as exc:
        services.queue_number_refund(actor=None, queue_number=numbers[1], note="x")
    assert "it cannot become Refunded" in _messages(exc)


@pytest.mark.parametrize("deposit", [D(0), D(-1), D(10**6)])
def test_absurd_queue_deposits_are_refused(world, deposit):
    sales = make_deal_sales(world)
    services.project_update(actor=None, project=sales.project, status="preparing")
    with pytest.raises(ValidationError) as exc:
        services.queue_number_take(actor=None, project=sales.project,
                                   person=make_person(world), deposit=deposit)
    assert "An amount must be above 0 and at most 200,000.00 yuan." in _messages(exc)
    assert QueueNumber.objects.count() == 0


# --- contracts, payments, filing, settlement ------------------------------------------------

def _contract(sales, world, down=D(325650)):
    sub = _subscribe(sales, world)
    return services.contract_create(
        actor=None, subscription=sub, plan_kind="mortgage", signed_on=START,
        lines=mortgage_lines(PRICE_101, down), loan_amount=PRICE_101 - down, bank="工商银行",
        down_payment=down)


def test_a_contract_with_a_mortgage_plan_carries_the_deposit_over(world):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    assert (contract.number, contract.total, contract.unit_price, contract.loan_amount) == (
        "HT20260101-0001", PRICE_101, D("10890.00"), D(600000))
    lines = list(contract.lines.order_by("seq").values_list("kind", "amount", "paid"))
    assert lines == [("down_payment", D(325650), D(50000)), ("loan", D(600000), D(0))]
    assert contract.subscription.status == "contracted"
    assert _status(sales.unit(1)) == "contracted"
    assert sales.unit(1).unit.status == "sold"


@pytest.mark.parametrize("plan, extra, field, words", [
    ("full", {"lines": [services.LineIn("full", START, D(900000))]}, "lines",
     "add up to 900,000.00 yuan, not the price of 925,650.00 yuan"),
    ("instalments", {"lines": [services.LineIn("instalment", START, PRICE_101)]}, "lines",
     "at least two lines"),
    ("instalments", {"lines": [services.LineIn("instalment", START, D(-1)),
                               services.LineIn("instalment", START, PRICE_101 + 1)]}, "lines",
     "Line 1: an amount must be above 0"),
    ("full", {"lines": [services.LineIn("full", START - dt.timedelta(days=1), PRICE_101)]},
     "lines", "before the signing day"),
    ("mortgage", {"lines": mortgage_lines(PRICE_101, D(325650)), "loan_amount": D(600000),
                  "down_payment": D(325650), "bank": ""}, "bank", "Enter the lending bank"),
    ("mortgage", {"lines": mortgage_lines(PRICE_101, D(325650)), "loan_amount": D(500000),
                  "down_payment": D(325650), "bank": "建设银行"}, "loan_amount",
     "the loan line's amount"),
    ("full", {"lines": mortgage_lines(PRICE_101, D(325650))}, "lines",
     "a full payment plan has no down payment line"),
])
def test_a_plan_that_does_not_add_up_is_refused_and_nothing_is_written(world, plan, extra,
                                                                       field, words):
    sales = make_deal_sales(world)
    sub = _subscribe(sales, world)
    with pytest.raises(ValidationError) as exc:
        services.contract_create(actor=None, subscription=sub, plan_kind=plan,
                                 signed_on=START, **extra)
    assert words in " ".join(exc.value.message_dict[field])
    sub.refresh_from_db()
    assert Contract.objects.count() == 0 and PlanLine.objects.count() == 0
    assert sub.status == "active" and _status(sales.unit(1)) == "subscribed"


def test_payments_never_exceed_the_balance_of_a_line(world):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    down = contract.lines.order_by("seq").first()
    with pytest.raises(ValidationError) as exc:
        services.payment_record(actor=None, contract=contract, line=down, amount=D(275651))
    assert exc.value.message_dict["amount"] == [
        "The payment of 275,651.00 yuan is above the balance of line 1 (275,650.00 yuan)."]
    for amount in (D(0), D(-5)):
        with pytest.raises(ValidationError):
            services.payment_record(actor=None, contract=contract, line=down, amount=amount)
    assert Payment.objects.count() == 1  # the deposit only
    services.payment_record(actor=None, contract=contract, line=None, amount=D(275650),
                            paid_on=START)
    services.payment_record(actor=None, contract=contract, line=None, amount=D(600000),
                            method="loan", paid_on=START)
    assert [(ln.paid, ln.receivable) for ln in contract.lines.order_by("seq")] == [
        (D(325650), D(0)), (D(600000), D(0))]
    with pytest.raises(ValidationError) as exc:
        services.payment_record(actor=None, contract=contract, line=None, amount=D(1))
    assert "is paid in full" in _messages(exc)


def test_filing_moves_the_unit_to_filed_and_out_of_order_moves_are_refused(world):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    with pytest.raises(ValidationError) as exc:
        services.contract_file(actor=None, contract=contract, filing_number=" ")
    assert exc.value.message_dict["filing_number"] == ["Enter the filing number."]
    services.contract_file(actor=None, contract=contract, filing_number="WQ2026-0001",
                           filed_on=START)
    contract.refresh_from_db()
    assert (contract.status, contract.filing_number) == ("filed", "WQ2026-0001")
    assert _status(sales.unit(1)) == "filed"
    with pytest.raises(ValidationError) as exc:
        services.contract_file(actor=None, contract=contract, filing_number="again")
    assert "is Filed online; it cannot become Filed online" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.contract_create(actor=None, subscription=contract.subscription,
                                 plan_kind="full", lines=[])
    assert "only an active subscription becomes a contract" in _messages(exc)
    # Within 3% the buyer cannot withdraw from a filed contract.
    services.contract_settle(actor=None, contract=contract, measured_area=D("86.5"), on=START)
    with pytest.raises(ValidationError) as exc:
        services.contract_cancel(actor=None, contract=contract, note="不想要了",
                                 reason=_lost_reason(world, "contract"))
    assert "more than 3% off" in _messages(exc)
    assert _status(sales.unit(1)) == "filed"


def test_a_settlement_beyond_three_percent_lets_the_buyer_withdraw(world):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    services.contract_file(actor=None, contract=contract, filing_number="WQ1", filed_on=START)
    # 85 m² → 80 m²: −5.88%; band 2.55 m², beyond 2.45 m², at 10,890/m²:
    # 2.55 × 10,890 + 2 × 2.45 × 10,890 = 27,769.50 + 53,361 = 81,130.50 → refund 81,131.
    result = services.contract_settle(actor=None, contract=contract, measured_area=D(80),
                                      on=START)
    assert (result.amount, result.developer_borne, result.error_percent) == (
        D(-81131), D(26681), D("-5.88"))
    with pytest.raises(ValidationError) as exc:
        services.contract_settle(actor=None, contract=contract, measured_area=D(81))
    assert "was settled on" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.contract_cancel(actor=None, contract=contract, note="面积误差超过3%,买受人退房",
                                 reason=None)
    assert exc.value.message_dict == {"reason": ["Choose why the contract is lost."]}
    withdrawn = _lost_reason(world, "contract", "实测面积误差超过百分之三")
    services.contract_cancel(actor=None, contract=contract, note="面积误差超过3%,买受人退房",
                             reason=withdrawn)
    contract.refresh_from_db()
    assert (contract.status, contract.subscription.status) == ("cancelled", "cancelled")
    assert contract.lost_reason == withdrawn
    assert _status(sales.unit(1)) == "available"
    assert sales.unit(1).unit.status == "unsold"


def test_an_excess_settlement_becomes_a_line_to_pay(world):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    # 85 → 86 m²: +1.18%, the buyer pays 1 m² × 10,890.
    services.contract_settle(actor=None, contract=contract, measured_area=D(86), on=START)
    line = contract.lines.order_by("-seq").first()
    assert (line.seq, line.kind, line.amount) == (3, "settlement", D(10890))


@pytest.mark.parametrize("area, words", [
    (D(0), "between 1 and 10000"), (D(-85), "between 1 and 10000"),
    (D(200), "more than half off"),
])
def test_absurd_measured_areas_are_refused(world, area, words):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    with pytest.raises(ValidationError) as exc:
        services.contract_settle(actor=None, contract=contract, measured_area=area)
    assert words in _messages(exc)
    contract.refresh_from_db()
    assert contract.measured_area is None and contract.lines.count() == 2


# --- rights and scope -----------------------------------------------------------------------

def test_deals_need_the_right_in_the_unit_office(world):
    sales = make_deal_sales(world)
    elsewhere = make_user(world.tenant, world.branch_b, MANAGER)
    with pytest.raises(PermissionDenied):
        services.subscription_create(actor=elsewhere, sale_unit=sales.unit(1),
                                     person=make_person(world), deposit=D(1000))
    rep = make_user(world.tenant, world.branch_a, REP)
    sub = services.subscription_create(actor=rep, sale_unit=sales.unit(1),
                                       person=make_person(world), deposit=D(1000), on=START)
    with pytest.raises(PermissionDenied):
        services.contract_create(actor=rep, subscription=sub, plan_kind="full",
                                 lines=[services.LineIn("full", START, PRICE_101)])
    assert Contract.objects.count() == 0


def test_other_offices_and_tenants_see_no_deals(world):
    sales = make_deal_sales(world)
    contract = _contract(sales, world)
    mine = make_user(world.tenant, world.branch_a, MANAGER)
    sibling = make_user(world.tenant, world.branch_b, MANAGER)
    stranger = make_user(world.other_tenant, world.other_root, MANAGER)
    assert [s.pk for s in selectors.subscription_list(mine)] == [contract.subscription_id]
    assert [c.pk for c in selectors.contract_list(mine)] == [contract.pk]
    for user in (sibling, stranger):
        assert list(selectors.subscription_list(user)) == []
        assert list(selectors.contract_list(user)) == []
        assert list(selectors.payment_list(user)) == []


def test_a_refused_conversion_leaves_the_queue_number_waiting(world):
    sales = make_deal_sales(world)
    services.project_update(actor=None, project=sales.project, status="preparing")
    number = services.queue_number_take(actor=None, project=sales.project,
                                        person=make_person(world), deposit=D(20000))
    services.project_update(actor=None, project=sales.project, status="on_sale")
    _subscribe(sales, world)  # somebody else took unit 1-101 meanwhile
    with pytest.raises(ValidationError) as exc:
        services.queue_number_convert(actor=None, queue_number=number,
                                      sale_unit=sales.unit(1), deposit=D(50000))
    assert "is Subscribed and cannot be subscribed" in _messages(exc)
    number.refresh_from_db()
    assert number.status == "waiting" and Subscription.objects.count() == 1


def test_a_deal_alone_moves_its_unit_and_a_contract_alone_ends_its_subscription(world):
    sales = make_deal_sales(world)
    # By hand, a unit cannot be put into a deal's status.
    with pytest.raises(ValidationError) as exc:
        services.sale_unit_transition(actor=None, sale_unit=sales.unit(2), to="subscribed")
    assert "becomes Subscribed only through its subscription or contract" in _messages(exc)
    assert _status(sales.unit(2)) == "available"
    contract = _contract(sales, world)
    # Its subscription cannot be cancelled past the contract.
    with pytest.raises(ValidationError) as exc:
        services.subscription_cancel(actor=None, subscription=contract.subscription,
                                     reason=_lost_reason(world, "subscription"), note="放弃")
    assert exc.value.message_dict == {"status": [
        f"Subscription {contract.subscription.number} has a contract: cancel the contract "
        "instead."]}
    assert _status(sales.unit(1)) == "contracted"
    # Filing keeps the directory unit sold.
    services.contract_file(actor=None, contract=contract, filing_number="WQ9", filed_on=START)
    assert _status(sales.unit(1)) == "filed"
    assert sales.unit(1).unit.status == "sold"
