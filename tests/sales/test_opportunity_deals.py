"""An opportunity is won by a subscription made for it (SAL-2 → SAL-3): the link, the refusals
(stage, buyer, project, winning by hand), the buyer's negotiating opportunity credited when a
unit is subscribed from the sales-control chart, and the screen and API that make it."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from linli.sales import selectors, services
from linli.sales.models import Opportunity, StageMove, Subscription
from linli.sales.states import ContractStatus, SaleStatus, Stage
from tests.builders import make_user
from tests.directory.builders import make_person
from tests.sales.builders import (
    PRICE_101,
    REP_PERMS,
    START,
    make_deal_sales,
    make_opportunity,
)
from tests.sales.test_api import Api

pytestmark = pytest.mark.django_db

SELLER = [*REP_PERMS, "sales.add_subscription", "sales.view_subscription", "sales.view_quote",
          "directory.view_person"]


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def _seller(world, unit=None):
    return make_user(world.tenant, unit or world.branch_a, SELLER)


def _negotiating(sales, rep, phone="13800138000", to=Stage.NEGOTIATING):
    opportunity = make_opportunity(sales, rep, phone=phone)
    for stage in (Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING):
        services.opportunity_transition(actor=rep, opportunity=opportunity, to=stage)
        if stage == to:
            break
    return opportunity


def _subscribe(rep, sales, opportunity, floor=1, person=None, **kw):
    return services.subscription_create(
        actor=rep, sale_unit=sales.unit(floor), person=person or opportunity.person,
        deposit=D(50000), on=START, opportunity=opportunity, **kw)


def test_subscribing_for_a_negotiating_opportunity_wins_it(world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    opportunity = _negotiating(sales, rep)
    sub = _subscribe(rep, sales, opportunity)
    opportunity.refresh_from_db()
    assert (sub.opportunity, sub.total, opportunity.stage) == (opportunity, PRICE_101, Stage.WON)
    move = StageMove.objects.filter(opportunity=opportunity).latest("moved_at", "pk")
    assert (move.from_stage, move.to_stage, move.actor) == (Stage.NEGOTIATING, Stage.WON, rep)
    # A won customer may buy a second unit: credited to the same opportunity, no new move.
    second = _subscribe(rep, sales, opportunity, floor=2)
    assert second.opportunity == opportunity
    assert StageMove.objects.filter(opportunity=opportunity, to_stage=Stage.WON).count() == 1
    assert list(selectors.subscription_list(rep, {"opportunity": opportunity.pk})) == [
        second, sub]


def test_an_opportunity_is_not_won_by_hand(world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    opportunity = _negotiating(sales, rep)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_transition(actor=rep, opportunity=opportunity, to=Stage.WON)
    assert "An opportunity is won by subscribing a unit for it" in _messages(exc)
    assert Opportunity.objects.get().stage == Stage.NEGOTIATING
    rights = selectors.opportunity_rights(rep, opportunity)
    assert Stage.WON not in rights.moves and rights.may_subscribe


@pytest.mark.parametrize("case, message", [
    ("early", "The opportunity is at Viewing units: a unit is subscribed for it once it is "
              "negotiating."),
    ("buyer", "The buyer must be the opportunity's customer, 王先生."),
    ("project", "Choose an opportunity of the unit's project."),
])
def test_a_subscription_for_the_wrong_opportunity_is_refused_and_nothing_is_written(
        world, case, message):
    sales = make_deal_sales(world)
    rep = _seller(world)
    kwargs = {}
    if case == "early":
        opportunity = _negotiating(sales, rep, to=Stage.VIEWING)
    elif case == "buyer":
        opportunity = _negotiating(sales, rep)
        kwargs["person"] = make_person(world, "李四")
    else:
        opportunity = _negotiating(make_deal_sales(world, name="别的楼盘"), rep)
    stage = opportunity.stage
    with pytest.raises(ValidationError) as exc:
        _subscribe(rep, sales, opportunity, **kwargs)
    assert message in _messages(exc)
    assert Subscription.objects.count() == 0
    assert sales.unit(1).status == SaleStatus.AVAILABLE
    assert Opportunity.objects.get(pk=opportunity.pk).stage == stage


def test_a_unit_subscribed_from_the_chart_is_credited_to_the_buyers_negotiating_opportunity(
        world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    negotiating = _negotiating(sales, rep)
    viewing = _negotiating(sales, rep, phone="13900139000", to=Stage.VIEWING)
    sub = services.subscription_create(actor=rep, sale_unit=sales.unit(1),
                                       person=negotiating.person, deposit=D(50000), on=START)
    other = services.subscription_create(actor=rep, sale_unit=sales.unit(2),
                                         person=viewing.person, deposit=D(50000), on=START)
    negotiating.refresh_from_db()
    viewing.refresh_from_db()
    assert (sub.opportunity, negotiating.stage) == (negotiating, Stage.WON)
    # Not yet negotiating: the sale stands alone and the opportunity is left where it is.
    assert (other.opportunity, viewing.stage) == (None, Stage.VIEWING)


def test_a_contract_signed_and_paid_keeps_the_won_opportunity(world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    opportunity = _negotiating(sales, rep)
    sub = _subscribe(rep, sales, opportunity)
    contract = services.contract_create(actor=None, subscription=sub, plan_kind="full",
                                        lines=[services.LineIn("full", START, sub.total)],
                                        signed_on=START)
    services.payment_record(actor=None, contract=contract, line=None, amount=D(275650),
                            paid_on=START)
    assert Opportunity.objects.get().stage == Stage.WON
    assert contract.subscription.opportunity_id == opportunity.pk


def test_the_opportunity_page_subscribes_a_unit(world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    opportunity = _negotiating(sales, rep)
    client = Client()
    client.force_login(rep)
    page = client.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert f'href="/sales/opportunities/{opportunity.pk}/subscribe/"' in page
    assert 'name="to" value="won"' not in page
    url = f"/sales/opportunities/{opportunity.pk}/subscribe/"
    form = client.get(url).content.decode()
    assert "Subscribe a unit for 王先生" in form and sales.unit(1).unit.room_code in form
    refused = client.post(url, {"sale_unit": sales.unit(1).pk, "deposit": "0",
                                "subscribed_on": "2026-01-01"}).content.decode()
    assert "An amount must be above 0" in refused
    assert Subscription.objects.count() == 0
    done = client.post(url, {"sale_unit": sales.unit(1).pk, "deposit": "50000",
                             "subscribed_on": "2026-01-01"}, follow=True).content.decode()
    sub = Subscription.objects.get()
    assert f"{sales.unit(1).unit.room_code} is subscribed: {sub.number}; the opportunity is " \
        "won." in done
    assert 'data-testid="subscription-opportunity"' in done
    page = client.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert sub.number in page and 'data-testid="opportunity-subscriptions"' in page


def test_the_subscribe_page_refuses_an_early_opportunity_and_hides_other_offices(world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    early = _negotiating(sales, rep, to=Stage.VISITED)
    client = Client()
    client.force_login(rep)
    answer = client.get(f"/sales/opportunities/{early.pk}/subscribe/", follow=True)
    assert "once it is negotiating" in answer.content.decode()
    outsider = Client()
    outsider.force_login(_seller(world, world.branch_b))
    assert outsider.get(f"/sales/opportunities/{early.pk}/subscribe/").status_code == 404


def test_the_api_credits_a_subscription_to_an_opportunity(world):
    sales = make_deal_sales(world)
    rep = _seller(world)
    opportunity = _negotiating(sales, rep)
    api = Api(rep)
    payload = {"sale_unit_id": sales.unit(1).pk, "person_id": opportunity.person_id,
               "deposit": "50000", "opportunity_id": opportunity.pk}
    hidden = Api(_seller(world, world.branch_b)).post("/subscriptions", payload)
    assert hidden.status_code == 422 and Subscription.objects.count() == 0
    made = api.post("/subscriptions", payload)
    assert made.status_code == 201, made.content
    assert made.json()["opportunity_id"] == opportunity.pk
    assert api.get(f"/opportunities/{opportunity.pk}").json()["stage"] == "won"
    other = _negotiating(sales, rep, phone="13900139000")
    by_hand = api.post(f"/opportunities/{other.pk}/transition", {"to": "won"})
    assert by_hand.status_code == 422
    assert "won by subscribing a unit" in str(by_hand.json())


def test_a_filed_contract_offers_cancelling_only_beyond_three_per_cent(world):
    sales = make_deal_sales(world)
    manager = make_user(world.tenant, world.branch_a, ["sales.change_contract",
                                                       "sales.add_payment"])
    sub = services.subscription_create(actor=None, sale_unit=sales.unit(1),
                                       person=make_person(world, "李四"), deposit=D(50000),
                                       on=START)
    contract = services.contract_create(actor=None, subscription=sub, plan_kind="full",
                                        lines=[services.LineIn("full", START, sub.total)],
                                        signed_on=START)
    assert selectors.contract_rights(manager, contract).can_cancel
    services.contract_file(actor=None, contract=contract, filing_number="WQ-1", filed_on=START)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.FILED
    assert not selectors.contract_rights(manager, contract).can_cancel
    services.contract_settle(actor=None, contract=contract, measured_area=D("89.00"), on=START)
    contract.refresh_from_db()
    assert selectors.contract_rights(manager, contract).can_cancel  # 85 → 89 m²: +4.7%
