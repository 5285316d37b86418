"""Sales screens: the sales-control chart (colours, price on hover, filters, Excel export),
units, price lists, re-pricing preview, quotes and their approval; other offices see nothing."""

import io
from decimal import Decimal as D

import pytest
from django.test import Client
from openpyxl import load_workbook

from linli.sales import services
from linli.sales.models import Quote, SaleUnit
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
