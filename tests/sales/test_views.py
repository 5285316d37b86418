"""Sales screens: the sales-control chart (colours, price on hover, filters, Excel export),
units, price lists, re-pricing preview, quotes and their approval; other offices see nothing."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from linli.core.events import DomainEvent
from linli.sales import services
from linli.sales.models import PriceRule, Quote, SaleUnit
from tests.builders import make_user
from tests.sales.builders import START, make_sales
from tests.sales.test_api import MANAGE

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sales(world):
    sales = make_sales(world, floors=3)
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    services.sale_unit_transition(actor=None, sale_unit=sales.unit(3), to="reserved")
    return sales


def test_the_chart_colours_units_by_status_with_the_price_on_hover_and_filters(world, sales):
    client = _client(make_user(world.tenant, world.branch_a, MANAGE))
    page = client.get("/sales/chart/").content.decode()
    assert 'class="btn btn-sm bg-yellow-lt text-reset" data-status="reserved" data-room="1-301"' \
        in page
    # 1-102: 38 m², floor 1, north–south: 12,000 × 1.2 = 14,400/m², 547,200 in all.
    assert "1-102 · Available · 38.00 m² · North–south through · List price 547,200" in page
    assert 'data-legend="reserved">Reserved · 1' in page
    only = client.get("/sales/chart/", {"status": "reserved"}).content.decode()
    assert "1-301" in only and "1-102" not in only
    upper = client.get("/sales/chart/", {"floor_from": 2}).content.decode()
    assert 'data-floor="1"' not in upper and 'data-floor="2"' in upper


def test_the_chart_exports_to_excel(world, sales):
    client = _client(make_user(world.tenant, world.branch_a, MANAGE))
    response = client.get("/sales/chart/", {"export": "xlsx", "status": "available"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                     if response.streaming else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Room code" and len(rows) == 1 + 5
    by_code = {r[3]: r for r in rows[1:]}
    assert by_code["1-102"][7] == "Available" and D(str(by_code["1-102"][9])) == D(547200)


def test_a_rep_quotes_from_the_unit_page_and_the_manager_approves(world, sales):
    deep = services.rule_add(actor=None, price_list=sales.price_list, kind="agreed",
                             name="特批五折", factor=D("0.5"))
    rep = make_user(world.tenant, world.branch_a, ["sales.view_saleunit", "sales.add_quote",
                                                   "sales.view_quote", "sales.view_pricelist",
                                                   "sales.view_pricerule"])
    su = sales.unit(1, 2)
    page = _client(rep).get(f"/sales/units/{su.pk}/quotes/new/")
    assert "特批五折" in page.content.decode()
    done = _client(rep).post(f"/sales/units/{su.pk}/quotes/new/", {"agreed": [deep.pk]})
    quote = Quote.objects.get(sale_unit=su)
    assert done.status_code == 302 and done.url == f"/sales/quotes/{quote.pk}/"
    shown = _client(rep).get(done.url).content.decode()
    assert "Waiting for approval" in shown and "Approve below the floor price" not in shown
    assert 'data-step="agreed"' in shown
    assert _client(rep).post(f"/sales/quotes/{quote.pk}/decision/",
                             {"decision": "approve"}).status_code == 403
    quote.refresh_from_db()
    assert quote.approval == "pending"  # a rep may not approve
    manager = _client(make_user(world.tenant, world.branch_a, MANAGE))
    assert "Approve below the floor price" in manager.get(done.url).content.decode()
    manager.post(f"/sales/quotes/{quote.pk}/decision/", {"decision": "approve", "note": "老客户"})
    quote.refresh_from_db()
    assert quote.approval == "approved" and quote.approval_note == "老客户"


def test_moving_a_unit_and_repricing_from_the_screens(world, sales):
    manager = _client(make_user(world.tenant, world.branch_a, MANAGE))
    su = sales.unit(2)
    manager.post(f"/sales/units/{su.pk}/move/", {"to": "filed"})
    su.refresh_from_db()
    assert su.status == "available"  # out of order: refused with a message
    manager.post(f"/sales/units/{su.pk}/move/", {"to": "held"})
    su.refresh_from_db()
    assert su.status == "held"
    from linli.sales.services import price_list_update
    price_list_update(actor=None, price_list=sales.price_list, base_price=D(11000))
    preview = manager.get(f"/sales/price-lists/{sales.price_list.pk}/reprice/")
    assert "5 prices change." in preview.content.decode()
    assert sales.unit(1, 2).list_total == D(547200)
    manager.post(f"/sales/price-lists/{sales.price_list.pk}/reprice/")
    assert sales.unit(1, 2).list_total == D(601920)  # 13,200 × 1.2 × 38


def test_a_price_list_is_edited_and_ended_on_its_page(world, sales):
    manager = _client(make_user(world.tenant, world.branch_a, MANAGE))
    url = f"/sales/price-lists/{sales.price_list.pk}/edit/"
    form = manager.get(url).content.decode()
    assert 'name="base_price" value="10000.00"' in form
    terms = {"name": "一号楼价目表", "batch": "", "valid_from": "2026-01-01",
             "valid_to": "2025-12-01", "base_price": "10500", "floor_price": "9000",
             "reference_floor": "1"}
    refused = manager.post(url, terms)
    assert "The last day cannot come before the first." in refused.content.decode()
    sales.price_list.refresh_from_db()
    assert (sales.price_list.valid_to, sales.price_list.base_price) == (None, D(10000))
    done = manager.post(url, {**terms, "valid_to": "2026-12-31"})
    assert done.status_code == 302
    sales.price_list.refresh_from_db()
    assert (sales.price_list.valid_to, sales.price_list.base_price) == (
        dt.date(2026, 12, 31), D(10500))
    # The list's history says what changed, and the end it was given.
    change = DomainEvent.objects.get(subject_id=sales.price_list.pk, verb="price_list.changed")
    assert (change.note, change.old_value, change.new_value) == (
        "base price per m², name, valid until", "…", "2026-12-31")
    page = manager.get(f"/sales/price-lists/{sales.price_list.pk}/").content.decode()
    assert "2026年12月31日" in page or "Dec. 31, 2026" in page
    rep = _client(make_user(world.tenant, world.branch_a, ["sales.view_pricelist"]))
    assert rep.get(url).status_code == 403
    assert "/edit/" not in rep.get(f"/sales/price-lists/{sales.price_list.pk}/").content.decode()


def test_a_rule_is_revised_and_ended_on_its_page(world, sales):
    manager = _client(make_user(world.tenant, world.branch_a, MANAGE))
    south = PriceRule.objects.get(price_list=sales.price_list, orientation="south")
    listing = manager.get(f"/sales/price-lists/{sales.price_list.pk}/").content.decode()
    assert f'data-revise="{south.pk}"' in listing
    url = f"/sales/price-rules/{south.pk}/revise/"
    page = manager.get(url).content.decode()
    assert 'name="factor" value="1.1000"' in page
    values = {"name": south.name, "orientation": "south", "factor": "1.15",
              "lower": "", "upper": "", "amount": "", "valid_to": ""}
    refused = manager.post(url, {**values, "effective": "2026-01-01"})
    assert "A new version must take effect after 2026-01-01" in refused.content.decode()
    assert PriceRule.objects.filter(previous=south).count() == 0
    done = manager.post(url, {**values, "effective": "2026-04-01"})
    assert done.status_code == 302
    newer = PriceRule.objects.get(previous=south)
    assert (newer.version, newer.factor, newer.valid_from) == (2, D("1.15"), dt.date(2026, 4, 1))
    listing = manager.get(f"/sales/price-lists/{sales.price_list.pk}/").content.decode()
    assert f'data-revise="{south.pk}"' not in listing and f'data-revise="{newer.pk}"' in listing
    # Ending: the older version is refused, the latest ends.
    old_end = manager.post(f"/sales/price-rules/{south.pk}/end/", {"last_day": "2026-02-01"})
    assert old_end.status_code == 400
    assert "already revised" in old_end.content.decode()
    manager.post(f"/sales/price-rules/{newer.pk}/end/", {"last_day": "2026-09-30"})
    newer.refresh_from_db()
    assert newer.valid_to == dt.date(2026, 9, 30)
    # Without the right to change price lists, or from another office: nothing.
    reader = _client(make_user(world.tenant, world.branch_a, ["sales.view_pricelist",
                                                              "sales.view_pricerule"]))
    assert reader.get(f"/sales/price-rules/{newer.pk}/revise/").status_code == 403
    assert reader.post(f"/sales/price-rules/{newer.pk}/end/",
                       {"last_day": "2026-10-31"}).status_code == 403
    lonely = _client(make_user(world.tenant, world.branch_b, MANAGE))
    assert lonely.get(f"/sales/price-rules/{newer.pk}/revise/").status_code == 404
    assert lonely.post(f"/sales/price-rules/{newer.pk}/end/",
                       {"last_day": "2026-10-31"}).status_code == 404
    newer.refresh_from_db()
    assert newer.valid_to == dt.date(2026, 9, 30)


def test_empty_pages_and_other_offices(world, sales):
    lonely = _client(make_user(world.tenant, world.branch_b, MANAGE))
    assert "No units on sale match these filters." in lonely.get("/sales/chart/").content.decode()
    assert "No sales projects yet." in lonely.get("/sales/").content.decode()
    su = SaleUnit.objects.filter(project=sales.project).first()
    assert lonely.get(f"/sales/units/{su.pk}/").status_code == 404
    assert lonely.get(f"/sales/price-lists/{sales.price_list.pk}/reprice/").status_code == 404
    assert lonely.post(f"/sales/units/{su.pk}/move/", {"to": "held"}).status_code == 404


def test_pages_read_in_chinese(world, sales):
    client = _client(make_user(world.tenant, world.branch_a, MANAGE))
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/sales/chart/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "销控表" in page and "已预留" in page
