"""Deals screens: subscribe a unit from its page (buyer search), sign on a mortgage, pay,
file and settle; refusals shown as form errors or messages; other offices get 404."""

from decimal import Decimal as D

import pytest
from django.test import Client

from linli.sales import services
from linli.sales.models import Contract, LostReason, Subscription
from tests.builders import make_user
from tests.directory.builders import make_person
from tests.sales.builders import PRICE_101, make_deal_sales
from tests.sales.test_deals_api import DEALS

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_subscribe_sign_pay_file_and_settle_on_the_screens(world):
    sales = make_deal_sales(world)
    unit = sales.unit(1)
    buyer = make_person(world, "王芳")
    client = _client(make_user(world.tenant, world.branch_a, DEALS))
    page = client.get(f"/sales/units/{unit.pk}/").content.decode()
    assert f'href="/sales/units/{unit.pk}/subscribe/"' in page
    form = client.get(f"/sales/units/{unit.pk}/subscribe/", {"q": "王芳"}).content.decode()
    assert f"王芳 (#{buyer.pk})" in form and "List price: 925,650 yuan." in form
    refused = client.post(f"/sales/units/{unit.pk}/subscribe/?q=王芳", {
        "person": buyer.pk, "deposit": "-1", "subscribed_on": "2026-01-01"})
    assert "An amount must be above 0" in refused.content.decode()
    assert Subscription.objects.count() == 0
    done = client.post(f"/sales/units/{unit.pk}/subscribe/?q=王芳", {
        "person": buyer.pk, "deposit": "50000", "subscribed_on": "2026-01-01"})
    sub = Subscription.objects.get()
    assert done["Location"] == f"/sales/subscriptions/{sub.pk}/"
    assert (sub.total, sub.buyer_name) == (PRICE_101, "王芳")
    short = client.post(f"/sales/subscriptions/{sub.pk}/contract/", {
        "signed_on": "2026-01-05", "plan_kind": "mortgage", "down_payment": "300000",
        "loan_amount": "600000", "bank": "工商银行"})
    assert "add up to 900,000.00 yuan, not the price of 925,650.00 yuan" in \
        short.content.decode()
    signed = client.post(f"/sales/subscriptions/{sub.pk}/contract/", {
        "signed_on": "2026-01-05", "plan_kind": "mortgage", "down_payment": "325650",
        "loan_amount": "600000", "bank": "工商银行"})
    contract = Contract.objects.get()
    assert signed["Location"] == f"/sales/contracts/{contract.pk}/"
    over = client.post(f"/sales/contracts/{contract.pk}/payments/new/", {
        "amount": "275651", "paid_on": "2026-01-06", "method": "transfer"}, follow=True)
    assert "above the balance of line 1 (275,650.00 yuan)" in over.content.decode()
    client.post(f"/sales/contracts/{contract.pk}/payments/new/", {
        "amount": "275650", "paid_on": "2026-01-06", "method": "transfer"})
    client.post(f"/sales/contracts/{contract.pk}/filing/", {"filing_number": "WQ-9",
                                                            "filed_on": "2026-01-10"})
    client.post(f"/sales/contracts/{contract.pk}/settlement/", {"measured_area": "80",
                                                                "settled_on": "2026-06-01"})
    contract.refresh_from_db()
    assert (contract.status, contract.settlement_amount) == ("filed", D(-81131))
    page = client.get(f"/sales/contracts/{contract.pk}/").content.decode()
    assert 'data-testid="contract-receivable">600,000' in page
    chart = client.get("/sales/chart/").content.decode()
    assert f'data-status="filed" data-room="{unit.unit.room_code}"' in chart


def test_a_manager_decides_a_change_on_the_subscription_page(world):
    sales = make_deal_sales(world)
    client = _client(make_user(world.tenant, world.branch_a, DEALS))
    buyer = make_person(world)
    client.post(f"/sales/units/{sales.unit(1).pk}/subscribe/", {
        "person": buyer.pk, "deposit": "50000", "subscribed_on": "2026-01-01"})
    sub = Subscription.objects.get()
    client.post(f"/sales/subscriptions/{sub.pk}/changes/new/", {
        "kind": "unit", "sale_unit": sales.unit(2).pk, "reason": "换高层"})
    change = sub.changes.get()
    page = client.get(f"/sales/subscriptions/{sub.pk}/").content.decode()
    assert f'action="/sales/subscription-changes/{change.pk}/decision/"' in page
    client.post(f"/sales/subscription-changes/{change.pk}/decision/", {"decision": "approve"})
    sub.refresh_from_db()
    assert sub.sale_unit_id == sales.unit(2).pk
    services.lost_reasons_install(tenant=world.tenant)
    reason = LostReason.objects.get(tenant=world.tenant, name="客户改变主意")
    page = client.get(f"/sales/subscriptions/{sub.pk}/").content.decode()
    assert f'<option value="{reason.pk}">客户改变主意</option>' in page
    # Without a reason nothing changes and the form says why.
    refused = client.post(f"/sales/subscriptions/{sub.pk}/cancel/", {"note": "客户放弃"},
                          follow=True)
    assert "Choose why it is lost." in refused.content.decode()
    sub.refresh_from_db()
    assert sub.status == "active"
    client.post(f"/sales/subscriptions/{sub.pk}/cancel/", {"note": "客户放弃",
                                                           "reason": reason.pk})
    sub.refresh_from_db()
    assert (sub.status, sub.lost_reason) == ("cancelled", reason)


def test_other_offices_get_404_on_deals(world):
    sales = make_deal_sales(world)
    mine = _client(make_user(world.tenant, world.branch_a, DEALS))
    mine.post(f"/sales/units/{sales.unit(1).pk}/subscribe/", {
        "person": make_person(world).pk, "deposit": "50000", "subscribed_on": "2026-01-01"})
    sub = Subscription.objects.get()
    for user in (make_user(world.tenant, world.branch_b, DEALS),
                 make_user(world.other_tenant, world.other_root, DEALS)):
        other = _client(user)
        assert other.get(f"/sales/subscriptions/{sub.pk}/").status_code == 404
        assert other.post(f"/sales/subscriptions/{sub.pk}/cancel/",
                          {"note": "x"}).status_code == 404
        assert sub.number not in other.get("/sales/subscriptions/").content.decode()
    sub.refresh_from_db()
    assert sub.status == "active"


def test_a_new_buyer_is_added_to_the_directory_and_found_on_return(world):
    sales = make_deal_sales(world)
    unit = sales.unit(1)
    client = _client(make_user(world.tenant, world.branch_a, [*DEALS, "directory.add_person"]))
    form_url = f"/sales/units/{unit.pk}/subscribe/?q=陈"
    page = client.get(form_url).content.decode()
    assert "Nobody found." in page and 'data-testid="buyer-new"' in page
    new = f"/directory/people/new/?next=/sales/units/{unit.pk}/subscribe/%3Fq%3D%E9%99%88"
    added = client.post(new, {"name": "陈红", "phones": "13900001111",
                              "org_unit": world.branch_a.pk})
    assert added.status_code == 302
    back = added["Location"]
    assert back.startswith(f"/sales/units/{unit.pk}/subscribe/?q=")
    assert "陈红 (#" in client.get(back).content.decode()
    # Another site is never where the form sends the user back to.
    away = client.post("/directory/people/new/?next=https://evil.example/", {
        "name": "陈明", "phones": "13900002222", "org_unit": world.branch_a.pk})
    assert away["Location"].startswith("/directory/people/")
