"""API of sales: /api/v1/sales-projects, /sale-units, /price-lists, /price-rules, /quotes."""

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from django.test import Client

from linli.accounts import services as accounts
from linli.sales.models import PriceList, PriceRule, Quote, SaleUnit
from tests.builders import make_user
from tests.directory.builders import make_building, make_unit
from tests.sales.builders import make_small_sales

pytestmark = pytest.mark.django_db

VIEW = ["sales.view_salesproject", "sales.view_saleunit", "sales.view_pricelist",
        "sales.view_pricerule", "sales.view_quote", "directory.view_community",
        "directory.view_building"]
MANAGE = [*VIEW, "sales.add_salesproject", "sales.add_saleunit", "sales.change_saleunit",
          "sales.add_pricelist", "sales.change_pricelist", "sales.add_quote",
          "sales.approve_quote"]


class Api:
    def __init__(self, user):
        _token, key = accounts.api_token_create(actor=user, user=user, name="test")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {}, **self.headers)

    def post(self, path, data):
        return self.client.post("/api/v1" + path, json.dumps(data),
                                content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch("/api/v1" + path, json.dumps(data),
                                 content_type="application/json", **self.headers)


def test_a_manager_prices_a_unit_and_approves_a_quote_below_the_floor(world):
    sales = make_small_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, MANAGE))
    su = SaleUnit.objects.get(project=sales.project)
    lists = api.get("/price-lists", {"project": sales.project.pk}).json()
    assert [pl["name"] for pl in lists["items"]] == ["机密楼盘-x价目表"]
    detail = api.get(f"/price-lists/{sales.price_list.pk}").json()
    assert len(detail["rules"]) == 7
    rule = api.post(f"/price-lists/{sales.price_list.pk}/rules",
                    {"kind": "agreed", "name": "特批", "factor": "0.5"})
    assert rule.status_code == 201, rule.content
    quote = api.post("/quotes", {"sale_unit_id": su.pk, "on": "2026-02-01",
                                 "agreed_rule_ids": [rule.json()["id"]]})
    assert quote.status_code == 201, quote.content
    body = quote.json()
    # 85 m², floor 1, south: 12,100/m² → 1,028,500 → ×0.9 925,650 → ×0.5 462,825
    assert [(s["code"], s["result"]) for s in body["steps"]][-3:] == [
        ("discount", "925650"), ("agreed", "462825"), ("floor_price", "765000")]
    assert body["total"] == "462825.00" and body["approval"] == "pending"
    assert body["room_code"] == "88-机密101x"
    decided = api.post(f"/quotes/{body['id']}/decision", {"approve": True, "note": "ok"})
    assert decided.status_code == 200 and decided.json()["approval"] == "approved"


def test_bad_input_gets_clear_messages_and_writes_nothing(world):
    sales = make_small_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, MANAGE))
    overlap = api.post(f"/price-lists/{sales.price_list.pk}/rules",
                       {"kind": "area", "lower": "35", "upper": "45", "factor": "1.15"})
    assert overlap.status_code == 422
    assert "overlaps “<40㎡”" in json.dumps(overlap.json(), ensure_ascii=False)
    negative = api.post("/price-lists", {
        "project_id": sales.project.pk, "building_id": sales.building.pk, "name": "x",
        "valid_from": "2027-01-01", "base_price": "-1"})
    assert negative.status_code == 422 and "base_price" in negative.json()["fields"]
    su = SaleUnit.objects.get(project=sales.project)
    absurd = api.patch(f"/sale-units/{su.pk}", {"built_area": "99999.00"})
    assert absurd.status_code == 422 and "built_area" in absurd.json()["fields"]
    out_of_order = api.post(f"/sale-units/{su.pk}/transition", {"to": "filed"})
    assert out_of_order.status_code == 422
    assert "cannot become Filed" in out_of_order.json()["fields"]["status"][0]
    unknown = api.post(f"/sale-units/{su.pk}/transition", {"to": "sold"})
    assert unknown.status_code == 422
    assert PriceRule.objects.filter(price_list=sales.price_list).count() == 7
    assert PriceList.objects.count() == 1 and not Quote.objects.exists()
    su.refresh_from_db()
    assert (su.status, su.built_area) == ("available", D(85))


def test_a_rule_is_revised_and_ended_through_the_api(world):
    sales = make_small_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, MANAGE))
    south = PriceRule.objects.get(price_list=sales.price_list, orientation="south")
    revised = api.post(f"/price-rules/{south.pk}/revise",
                       {"effective": "2026-04-01", "factor": "1.15"})
    assert revised.status_code == 201, revised.content
    newer = revised.json()
    assert (newer["version"], newer["valid_from"]) == (2, "2026-04-01")
    stale = api.post(f"/price-rules/{south.pk}/end", {"last_day": "2026-02-01"})
    assert stale.status_code == 422
    early = api.post(f"/price-rules/{newer['id']}/end", {"last_day": "2026-03-01"})
    assert early.status_code == 422 and "last_day" in early.json()["fields"]
    ended = api.post(f"/price-rules/{newer['id']}/end", {"last_day": "2026-09-30"})
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2026-09-30"
    stranger = Api(make_user(world.tenant, world.branch_b, MANAGE))
    assert stranger.post(f"/price-rules/{newer['id']}/end",
                         {"last_day": "2026-10-31"}).status_code == 404
    assert PriceRule.objects.get(pk=newer["id"]).valid_to == dt.date(2026, 9, 30)


def test_projects_enlisting_transitions_and_repricing_through_the_api(world):
    sales = make_small_sales(world)
    api = Api(make_user(world.tenant, world.branch_a, MANAGE))
    more = make_building(sales.community, "3", floors=2)
    make_unit(more, floor=2, number="201", built_area=D(120), orientation="north_south")
    enlisted = api.post(f"/sales-projects/{sales.project.pk}/enlist",
                        {"building_id": more.pk})
    assert enlisted.status_code == 201 and enlisted.json() == {"enlisted": 1}
    project = api.get(f"/sales-projects/{sales.project.pk}").json()
    assert (project["unit_count"], project["available_count"]) == (2, 2)
    su = SaleUnit.objects.get(project=sales.project, building=sales.building)
    moved = api.post(f"/sale-units/{su.pk}/transition", {"to": "reserved", "note": "定金"})
    assert moved.status_code == 200 and moved.json()["status"] == "reserved"
    preview = api.post(f"/price-lists/{sales.price_list.pk}/reprice", {"on": "2026-02-01"})
    assert preview.json()["applied"] is False and preview.json()["rows"][0]["skipped"]
    listed = api.get("/sale-units", {"status": "reserved"}).json()["items"]
    assert [u["room_code"] for u in listed] == ["88-机密101x"]
    created = api.post("/sales-projects", {"community_id": sales.community.pk,
                                           "name": "二期"})
    assert created.status_code == 201 and created.json()["unit_count"] == 0
    duplicate = api.post("/sales-projects", {"community_id": sales.community.pk,
                                             "name": "二期"})
    assert duplicate.status_code == 422 and "name" in duplicate.json()["fields"]


def test_other_offices_and_tenants_see_and_touch_nothing(world):
    sales = make_small_sales(world)
    su = SaleUnit.objects.get(project=sales.project)
    sibling = Api(make_user(world.tenant, world.branch_b, MANAGE))
    stranger = Api(make_user(world.other_tenant, world.other_root, MANAGE))
    for api in (sibling, stranger):
        assert api.get("/sale-units").json()["items"] == []
        assert api.get(f"/price-lists/{sales.price_list.pk}").status_code == 404
        assert api.post(f"/sale-units/{su.pk}/transition", {"to": "held"}).status_code == 404
        quote = api.post("/quotes", {"sale_unit_id": su.pk})
        assert quote.status_code == 422 and "sale_unit_id" in quote.json()["fields"]
        assert api.post(f"/price-lists/{sales.price_list.pk}/reprice",
                        {"apply": True}).status_code == 404
    su.refresh_from_db()
    assert su.status == "available" and su.list_total is None
    # A rep of the office may quote but not approve, nor move units.
    rep = Api(make_user(world.tenant, world.branch_a, [*VIEW, "sales.add_quote"]))
    deep = PriceRule.objects.create(  # an agreed discount far below the floor price
        tenant=world.tenant, org_unit=sales.project.org_unit, price_list=sales.price_list,
        kind="agreed", name="五折", factor=D("0.5"), valid_from=sales.price_list.valid_from)
    quote = rep.post("/quotes", {"sale_unit_id": su.pk, "agreed_rule_ids": [deep.pk]}).json()
    assert quote["approval"] == "pending"
    assert rep.post(f"/quotes/{quote['id']}/decision", {"approve": True}).status_code == 403
    assert rep.post(f"/sale-units/{su.pk}/transition", {"to": "held"}).status_code == 403
