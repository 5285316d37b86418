"""API of sales deals: /api/v1/queue-numbers, /subscriptions, /subscription-changes,
/contracts, /payments — the happy path, refusals as 422 with fields, rights and scope."""

from decimal import Decimal as D

import pytest

from linli.sales import services
from linli.sales.models import Contract, LostReason, Payment, Subscription
from tests.builders import make_user
from tests.directory.builders import make_person
from tests.sales.builders import PRICE_101, make_deal_sales
from tests.sales.test_api import VIEW, Api

pytestmark = pytest.mark.django_db

DEALS = [*VIEW, "directory.view_person", "sales.view_queuenumber", "sales.view_subscription",
         "sales.view_subscriptionchange", "sales.view_contract", "sales.view_planline",
         "sales.view_payment", "sales.add_queuenumber", "sales.change_queuenumber",
         "sales.add_subscription", "sales.change_subscription", "sales.approve_subscription",
         "sales.add_contract", "sales.change_contract", "sales.add_payment",
         "sales.view_lostreason"]


def test_subscribe_sign_pay_file_and_settle_through_the_api(world):
    sales = make_deal_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, DEALS))
    buyer = make_person(world, "李四")
    unit = sales.unit(1)
    sub = api.post("/subscriptions", {"sale_unit_id": unit.pk, "person_id": buyer.pk,
                                      "deposit": "50000", "on": "2026-01-01"})
    assert sub.status_code == 201, sub.content
    body = sub.json()
    assert (body["number"], body["total"], body["status"], body["room_code"]) == (
        "RG20260101-0001", "925650.00", "active", unit.unit.room_code)
    twice = api.post("/subscriptions", {"sale_unit_id": unit.pk, "person_id": buyer.pk,
                                        "deposit": "50000"})
    assert twice.status_code == 422
    assert twice.json()["fields"]["sale_unit_id"] == [
        f"Unit {unit.unit.room_code} is Subscribed and cannot be subscribed."]
    contract = api.post("/contracts", {
        "subscription_id": body["id"], "plan_kind": "mortgage", "signed_on": "2026-01-05",
        "loan_amount": "600000", "down_payment": "325650", "bank": "工商银行",
        "lines": [{"kind": "down_payment", "due_on": "2026-01-05", "amount": "325650"},
                  {"kind": "loan", "due_on": "2026-02-05", "amount": "600000"}]})
    assert contract.status_code == 201, contract.content
    detail = contract.json()
    assert [(ln["seq"], ln["paid"], ln["receivable"]) for ln in detail["lines"]] == [
        (1, "50000.00", "275650.00"), (2, "0.00", "600000.00")]
    too_much = api.post("/payments", {"contract_id": detail["id"], "amount": "275651",
                                      "line_id": detail["lines"][0]["id"]})
    assert too_much.status_code == 422
    assert "above the balance of line 1" in too_much.json()["fields"]["amount"][0]
    paid = api.post("/payments", {"contract_id": detail["id"], "amount": "275650"})
    assert paid.status_code == 201, paid.content
    assert (paid.json()["line_seq"], paid.json()["method"]) == (1, "transfer")
    filed = api.post(f"/contracts/{detail['id']}/filing", {"filing_number": "WQ-1",
                                                           "filed_on": "2026-01-10"})
    assert filed.json()["status"] == "filed"
    settled = api.post(f"/contracts/{detail['id']}/settlement", {"measured_area": "87.55"})
    # +2.55 m² is exactly +3% of 85 m²: all at 10,890/m² = 27,769.50 → 27,770.
    assert (settled.json()["settlement_amount"], settled.json()["developer_borne"]) == (
        "27770.00", "0.00")
    listed = api.get("/contracts", {"status": "filed"}).json()
    assert [c["number"] for c in listed["items"]] == [detail["number"]]
    assert listed["items"][0]["received"] == "325650.00"
    assert api.get("/payments", {"contract": detail["id"]}).json()["count"] == 2


def test_a_change_is_requested_and_decided_through_the_api(world):
    sales = make_deal_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, DEALS))
    sub = api.post("/subscriptions", {"sale_unit_id": sales.unit(1).pk, "deposit": "20000",
                                      "person_id": make_person(world).pk}).json()
    change = api.post(f"/subscriptions/{sub['id']}/changes",
                      {"kind": "buyer", "buyer_name": "张三、李四", "reason": "加名"})
    assert change.status_code == 201, change.content
    decided = api.post(f"/subscription-changes/{change.json()['id']}/decision",
                       {"approve": True})
    assert decided.json()["approval"] == "approved"
    assert api.get(f"/subscriptions/{sub['id']}").json()["buyer_name"] == "张三、李四"
    services.lost_reasons_install(tenant=world.tenant)
    reasons = dict(LostReason.objects.filter(tenant=world.tenant).values_list("name", "pk"))
    cancel = api.post(f"/subscriptions/{sub['id']}/cancel",
                      {"note": "", "reason_id": reasons["客户改变主意"]})
    assert cancel.status_code == 422
    assert cancel.json()["fields"]["note"] == ["Say why the subscription is cancelled."]
    # A reason of the catalogue for contracts is refused.
    foreign = api.post(f"/subscriptions/{sub['id']}/cancel",
                       {"note": "客户放弃", "reason_id": reasons["按揭被拒"]})
    assert foreign.json()["fields"] == {
        "reason": ["Choose a lost reason of the catalogue for this stage."]}
    done = api.post(f"/subscriptions/{sub['id']}/cancel",
                    {"note": "客户放弃", "reason_id": reasons["客户改变主意"]}).json()
    assert (done["status"], done["lost_reason_id"]) == ("cancelled", reasons["客户改变主意"])


def test_queue_numbers_through_the_api(world):
    sales = make_deal_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, DEALS))
    services.project_update(actor=None, project=sales.project, status="preparing")
    taken = api.post("/queue-numbers", {"project_id": sales.project.pk, "deposit": "20000",
                                        "person_id": make_person(world).pk})
    assert taken.status_code == 201, taken.content
    assert (taken.json()["number"], taken.json()["status"]) == (1, "waiting")
    absurd = api.post("/queue-numbers", {"project_id": sales.project.pk, "deposit": "-5",
                                         "person_id": make_person(world).pk})
    assert absurd.status_code == 422 and "deposit" in absurd.json()["fields"]
    services.project_update(actor=None, project=sales.project, status="on_sale")
    sub = api.post(f"/queue-numbers/{taken.json()['id']}/convert",
                   {"sale_unit_id": sales.unit(1).pk, "deposit": "50000"})
    assert sub.status_code == 201, sub.content
    assert sub.json()["queue_number_id"] == taken.json()["id"]


def test_bad_input_is_refused_and_nothing_is_written(world):
    sales = make_deal_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, DEALS))
    buyer = make_person(world)
    for payload, field in (
        ({"deposit": "-1"}, "deposit"),
        ({"deposit": "99999999999"}, "deposit"),
        ({"person_id": 999999}, "person_id"),
        ({"sale_unit_id": 999999}, "sale_unit_id"),
    ):
        data = {"sale_unit_id": sales.unit(1).pk, "person_id": buyer.pk, "deposit": "1000",
                **payload}
        response = api.post("/subscriptions", data)
        assert response.status_code == 422, (payload, response.content)
        assert field in response.json()["fields"], response.json()
    assert Subscription.objects.count() == 0
    sub = api.post("/subscriptions", {"sale_unit_id": sales.unit(1).pk, "deposit": "1000",
                                      "person_id": buyer.pk}).json()
    short = api.post("/contracts", {"subscription_id": sub["id"], "plan_kind": "full",
                                    "lines": [{"kind": "full", "due_on": "2030-01-01",
                                               "amount": str(PRICE_101 - 1)}]})
    assert short.status_code == 422
    assert "add up to 925,649.00 yuan" in short.json()["fields"]["lines"][0]
    assert Contract.objects.count() == 0 and Payment.objects.count() == 0


def test_another_tenant_and_a_sibling_office_see_no_deals(world):
    sales = make_deal_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, DEALS))
    sub = api.post("/subscriptions", {"sale_unit_id": sales.unit(1).pk, "deposit": "1000",
                                      "person_id": make_person(world).pk}).json()
    for user in (make_user(world.tenant, world.branch_b, DEALS),
                 make_user(world.other_tenant, world.other_root, DEALS)):
        other = Api(user)
        assert other.get("/subscriptions").json()["count"] == 0
        assert other.get(f"/subscriptions/{sub['id']}").status_code == 404
        assert other.post(f"/subscriptions/{sub['id']}/cancel",
                          {"note": "x", "reason_id": 1}).status_code == 404
        assert other.post("/contracts", {"subscription_id": sub["id"], "plan_kind": "full",
                                         "lines": []}).status_code == 422
    assert D(Subscription.objects.get().deposit) == D(1000)
