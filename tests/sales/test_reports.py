"""Sales reports (SAL-6) on a small hand-built book of one office: the funnel, lost deals, rep
performance, sell-through and receivables with every number worked out below, the filters and
their refusals, scope (another office's and another company's records are never counted), the
screens, the exports and the API.

The book (project 翠湖苑一期 of branch A: one building of 3 floors × 2 units; 翠湖苑二期: 2
floors × 2 units), everything made today through the services:

- leads: rep 李娜 owns 5 (4 became opportunities), rep 周强 3 (one in the second phase);
- opportunities: O1 won; O2 lost while negotiating (万科·未来城); O3 lost after the visit;
  O4 (周强) viewing units; O5 new;
- deals of 李娜: S1 on 101 (925,650, deposit 50,000) → C1 paid in full on signing day,
  150,000 received, filed; S2 on 102 (547,200, deposit 20,000) → C2 on a mortgage: 147,200 down
  today, 400,000 loan in 30 days; S5 on 301 (1,009,800) → C3, cancelled;
- deals of 周强: S3 on 201 (deposit 30,000) still active; S4 on 202 cancelled;
- 302 is held back; one unit of the second phase is reserved.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from linli.sales import services
from linli.sales.models import SaleUnit
from linli.sales.reports import selectors as reports
from tests.builders import make_user
from tests.sales.builders import (
    DEALER,
    REP_PERMS,
    SEE_ALL,
    ReportBook,
    make_deal_sales,
    make_lead,
    make_small_sales,
    walk,
)
from tests.sales.test_api import Api

pytestmark = pytest.mark.django_db

def _strangers(world):
    """The same kind of records in a sibling office and in another company."""
    for tenant, unit, name in ((world.tenant, world.branch_b, "别处楼盘"),
                               (world.other_tenant, world.other_root, "外司楼盘")):
        rep = make_user(tenant, unit, DEALER)
        sales = make_deal_sales(world, org_unit=unit, floors=1, name=name)
        opportunity = services.opportunity_create(
            actor=rep, lead=make_lead(sales, rep, phone="13700000001", name="外人"))
        walk(rep, opportunity, "visited", "viewing", "negotiating")
        unit_on_sale = SaleUnit.objects.filter(project=sales.project).order_by("pk").first()
        # The subscription wins the opportunity.
        subscription = services.subscription_create(
            actor=rep, sale_unit=unit_on_sale, person=opportunity.person,
            buyer_name="外人买受人", deposit=Decimal(10000), on=timezone.localdate(),
            opportunity=opportunity)
        services.contract_create(actor=rep, subscription=subscription, plan_kind="full",
                                 signed_on=timezone.localdate(),
                                 lines=[services.LineIn("full", timezone.localdate(),
                                                        subscription.total)])


@pytest.fixture
def book(world):
    return ReportBook(world)


def _report(book, key, **filters):
    return reports.report(book.viewer, key, reports.filters_check(book.viewer, **filters))


def _section(report, key) -> dict:
    section = next(s for s in report.sections if s.key == key)
    return {row.label: [cell.value for cell in row.cells] for row in section.rows}


def _figures(report) -> dict:
    return {str(label): value for label, value in report.figures}


# --- the funnel -----------------------------------------------------------------------------

def test_funnel_counts_each_step_and_its_conversion(book):
    report = _report(book, "funnel")
    assert _section(report, "steps") == {
        "Leads": [8, "—", "100.0%"],
        "Opportunities": [5, "62.5%", "62.5%"],
        "Visited": [4, "80.0%", "50.0%"],
        "Viewing units": [3, "75.0%", "37.5%"],
        "Negotiating": [2, "66.7%", "25.0%"],
        "Won": [1, "50.0%", "12.5%"],
        # o1 was won by the subscription of unit 101, whose contract was filed.
        "Subscribed": [1, "100.0%", "12.5%"],
        "Signed a contract": [1, "100.0%", "12.5%"],
        "Filed online": [1, "100.0%", "12.5%"],
    }
    assert _section(report, "projects") == {
        "翠湖苑一期": [7, 5, 4, 3, 2, 1, 1, 1, 1, "14.3%"],
        "翠湖苑二期楼一期": [1, 0, 0, 0, 0, 0, 0, 0, 0, "0.0%"],
    }
    # Every deal of the period, the four sold to buyers without an opportunity too.
    assert _section(report, "deals") == {"翠湖苑一期": [5, 1, 3, 1], "All projects": [5, 1, 3, 1]}
    assert _figures(report) == {"Leads": 8, "Won among opportunities": "20.0%",
                                "Contracts of the period": 3, "Lead → contract": "12.5%"}


def test_funnel_of_one_project_and_one_rep(book):
    report = _report(book, "funnel", project=book.phase2.project.pk)
    assert [row[0] for row in _section(report, "steps").values()] == [1, 0, 0, 0, 0, 0, 0, 0, 0]
    report = _report(book, "funnel", rep=book.zhou.pk)
    assert [row[0] for row in _section(report, "steps").values()] == [3, 1, 1, 1, 0, 0, 0, 0, 0]
    assert _section(report, "deals") == {"翠湖苑一期": [2, 0, 0, 0], "All projects": [2, 0, 0, 0]}


def test_a_reopened_opportunity_keeps_the_stages_it_reached(book):
    services.lost_review(actor=None, opportunity=book.o2, reassign=True, rep=book.zhou,
                         note="再跟进")
    book.o2.refresh_from_db()
    assert book.o2.stage == "visited"
    steps = _section(_report(book, "funnel"), "steps")
    assert steps["Negotiating"][0] == 2
    lost = _section(_report(book, "lost"), "stages")
    assert lost["Opportunity · Negotiating"] == [2, 0, "0.0%"]


def test_a_period_without_records_is_empty(book):
    report = _report(book, "funnel", start=dt.date(2020, 1, 1), end=dt.date(2020, 12, 31))
    assert [row[0] for row in _section(report, "steps").values()] == [0] * 9
    assert _section(report, "projects") == {}
    assert _section(report, "deals") == {}
    assert _figures(report)["Lead → contract"] == "—"


# --- lost deals -----------------------------------------------------------------------------

def test_lost_by_stage_reason_and_competitor(book):
    report = _report(book, "lost")
    assert _section(report, "stages") == {
        "Opportunity · New": [5, 0, "0.0%"],
        "Opportunity · Visited": [4, 1, "25.0%"],
        "Opportunity · Viewing units": [3, 0, "0.0%"],
        "Opportunity · Negotiating": [2, 1, "50.0%"],
        "Subscription": [5, 1, "20.0%"],
        "Contract · before filing": [3, 1, "33.3%"],
        "Contract · after filing": [1, 0, "0.0%"],
    }
    assert _section(report, "reasons") == {
        "Opportunity · 价格超预算": [1, "50.0%"],
        "Opportunity · 选择了竞品": [1, "50.0%"],
        "Subscription · 贷款未获批": [1, "100.0%"],
        "Contract · 买受人退房": [1, "100.0%"],
    }
    assert _section(report, "competitors") == {"万科·未来城": [1]}
    assert _figures(report) == {"Lost opportunities": 2, "Lost ratio of opportunities": "40.0%",
                                "Lost subscriptions": 1, "Lost contracts": 1}


# --- reps -----------------------------------------------------------------------------------

def test_rep_performance(book):
    report = _report(book, "reps")
    assert _section(report, "reps") == {
        "李娜": [5, 4, 1, "25.0%", 3, 3, Decimal(1472850), Decimal(170000)],
        "周强": [3, 1, 0, "0.0%", 2, 0, Decimal(0), Decimal(0)],
    }
    assert _figures(report) == {"Opportunities": 5, "Won among opportunities": "20.0%",
                                "Contracted amount": Decimal(1472850),
                                "Payments received": Decimal(170000)}
    only = _report(book, "reps", rep=book.zhou.pk)
    assert list(_section(only, "reps")) == ["周强"]


# --- sell-through ---------------------------------------------------------------------------

def test_sell_through_per_building_and_project(book):
    report = _report(book, "sell-through")
    # units, available, reserved, subscribed, contracted, filed, held, sell-through, revenue,
    # received
    assert _section(report, "buildings") == {
        "翠湖苑一期 · Building 1": [6, 2, 0, 1, 1, 1, 1, "60.0%", Decimal(1472850),
                                  Decimal(170000)],
        "翠湖苑二期楼一期 · Building 1": [4, 3, 1, 0, 0, 0, 0, "0.0%", Decimal(0), Decimal(0)],
    }
    assert _section(report, "projects")["翠湖苑一期"] == _section(report, "buildings")[
        "翠湖苑一期 · Building 1"]
    assert _figures(report) == {"Units on sale": 9, "Sell-through": "33.3%",
                                "Contracted revenue": Decimal(1472850),
                                "Payments received": Decimal(170000)}


# --- receivables ----------------------------------------------------------------------------

def test_receivables_today(book):
    report = _report(book, "receivables")
    # subscriptions, deposits, plan, due, paid, outstanding, overdue
    assert _section(report, "projects") == {
        "翠湖苑一期": [1, Decimal(30000), Decimal(1472850), Decimal(1072850), Decimal(170000),
                      Decimal(1302850), Decimal(0)]}
    number1, number2 = book.c1.number, book.c2.number
    assert _section(report, "contracts") == {
        f"{number1} · 买受人101": [Decimal(925650), Decimal(925650), Decimal(150000),
                                  Decimal(775650), Decimal(0)],
        f"{number2} · 买受人102": [Decimal(547200), Decimal(147200), Decimal(20000),
                                  Decimal(527200), Decimal(0)]}
    assert _figures(report) == {"Deposits held": Decimal(30000), "Due": Decimal(1072850),
                                "Paid": Decimal(170000), "Outstanding": Decimal(1302850),
                                "Overdue": Decimal(0)}
    assert report.paging.paginator.count == 2


def test_receivables_overdue_after_the_loan_falls_due(book):
    report = _report(book, "receivables", as_of=book.today + dt.timedelta(days=40))
    assert list(_section(report, "contracts").values()) == [
        [Decimal(925650), Decimal(925650), Decimal(150000), Decimal(775650), Decimal(775650)],
        [Decimal(547200), Decimal(547200), Decimal(20000), Decimal(527200), Decimal(527200)]]
    assert _figures(report)["Overdue"] == Decimal(1302850)
    before = _report(book, "receivables", as_of=book.today - dt.timedelta(days=1))
    assert _figures(before) == {"Deposits held": Decimal(30000), "Due": Decimal(0),
                                "Paid": Decimal(0), "Outstanding": Decimal(1472850),
                                "Overdue": Decimal(0)}


# --- filters --------------------------------------------------------------------------------

@pytest.mark.parametrize(("filters", "field"), [
    ({"start": dt.date(2026, 3, 31), "end": dt.date(2026, 3, 1)}, "end"),
    ({"start": dt.date(1999, 12, 31), "end": dt.date(2000, 1, 5)}, "start"),
    ({"start": dt.date(2024, 1, 1), "end": dt.date(2025, 6, 1)}, "end"),
    ({"as_of": dt.date(1990, 1, 1)}, "as_of"),
])
def test_bad_periods_are_refused(world, filters, field):
    viewer = make_user(world.tenant, world.branch_a, SEE_ALL)
    with pytest.raises(ValidationError) as caught:
        reports.filters_check(viewer, **filters)
    assert field in caught.value.message_dict


def test_another_offices_or_companys_project_and_rep_are_refused(world):
    viewer = make_user(world.tenant, world.branch_a, SEE_ALL)
    sibling = make_small_sales(world, org_unit=world.branch_b, name="别处")
    stranger_rep = make_user(world.other_tenant, world.other_root, REP_PERMS)
    with pytest.raises(ValidationError) as caught:
        reports.filters_check(viewer, project=sibling.project.pk, rep=stranger_rep.pk)
    assert caught.value.message_dict == {
        "project": ["Choose a sales project you can see."],
        "rep": ["Choose an active user of your company."]}


# --- scope ----------------------------------------------------------------------------------

def test_another_office_and_another_company_are_never_counted(book):
    _strangers(book.world)
    assert _section(_report(book, "funnel"), "deals")["All projects"][2] == 3
    assert set(_section(_report(book, "funnel"), "projects")) == {"翠湖苑一期", "翠湖苑二期楼一期"}
    assert _figures(_report(book, "lost"))["Lost opportunities"] == 2
    assert set(_section(_report(book, "reps"), "reps")) == {"李娜", "周强"}
    assert _figures(_report(book, "sell-through"))["Units on sale"] == 9
    assert _figures(_report(book, "receivables"))["Outstanding"] == Decimal(1302850)


# --- screens, exports and the API -----------------------------------------------------------

def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_pages_show_each_report(book):
    client = _client(book.viewer)
    response = client.get("/sales/reports/")
    assert response.status_code == 302
    assert response["Location"] == "/sales/reports/funnel/"
    for key in reports.REPORTS:
        page = client.get(f"/sales/reports/{key}/")
        assert page.status_code == 200, key
        assert 'id="report-data"' in page.content.decode()
    page = client.get("/sales/reports/funnel/").content.decode()
    assert '<div class="h2 mb-0" data-figure="4">12.5%</div>' in page
    page = client.get("/sales/reports/receivables/").content.decode()
    assert f"{book.c2.number} · 买受人102" in page


def test_an_empty_report_says_so(book):
    page = _client(book.viewer).get("/sales/reports/lost/?start=2020-01-01&end=2020-12-31")
    assert page.status_code == 200
    assert "Nothing to count for these filters." in page.content.decode()


def test_bad_filters_on_the_page_are_explained(book):
    client = _client(book.viewer)
    page = client.get("/sales/reports/funnel/?start=2026-03-31&end=2026-03-01")
    assert page.status_code == 400
    assert "The end comes before the start." in page.content.decode()
    page = client.get("/sales/reports/funnel/?project=999999")
    assert page.status_code == 400
    download = client.get("/sales/reports/funnel/?start=2026-03-31&end=2026-03-01&export=xlsx")
    assert download.status_code == 400


def test_a_report_needs_its_permission(book, world):
    rep_only = make_user(world.tenant, world.branch_a, ["sales.view_saleunit"])
    client = _client(rep_only)
    assert client.get("/sales/reports/").status_code == 403
    assert client.get("/sales/reports/funnel/").status_code == 403
    assert client.get("/sales/reports/sell-through/").status_code == 200
    assert client.get("/sales/reports/nothing/").status_code == 404
    # The API keeps the same rule.
    api = Api(rep_only)
    assert api.get("/sales-reports/funnel").status_code == 403
    assert api.get("/sales-reports/sell-through").status_code == 200


def test_a_rep_who_signs_but_works_no_leads_is_a_filter_on_the_page_as_in_the_api(book, world):
    """The page's rep filter is judged by the same check as the API's, not by its list."""
    signer = make_user(world.tenant, world.branch_a, ["sales.view_contract"],
                       username="signer.only")
    page = _client(book.viewer).get(f"/sales/reports/reps/?rep={signer.pk}")
    assert page.status_code == 200
    assert Api(book.viewer).get("/sales-reports/reps", {"rep": signer.pk}).status_code == 200


def test_exports_of_the_reports(book):
    client = _client(book.viewer)
    response = client.get("/sales/reports/receivables/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert rows[0] == ("Section", "Label", "Measure", "Value")
    assert ("Receivables", "Outstanding", None, 1302850) in rows
    assert ("Per contract", f"{book.c2.number} · 买受人102", "Overdue", 0) in rows
    response = client.get("/sales/reports/funnel/?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert ["Funnel", "Leads", "Count", "8"] in list(csv.reader(io.StringIO(text)))
    assert client.get("/sales/reports/funnel/?export=pdf").status_code == 400
    # In Chinese the first column is the report's part (栏目), not a building's section (单元).
    response = client.get("/sales/reports/funnel/?export=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                         .decode("utf-8-sig"))))
    assert header == ["栏目", "项目", "指标", "值"]


def test_the_api_answers_each_report(book):
    client = Api(book.viewer)
    answer = client.get("/sales-reports/funnel").json()
    assert answer["start"] == (book.today - dt.timedelta(days=365)).isoformat()
    assert answer["figures"][3] == {"label": "Lead → contract", "value": "12.5%"}
    answer = client.get("/sales-reports/receivables",
                        {"as_of": (book.today + dt.timedelta(days=40)).isoformat()}).json()
    assert answer["figures"][4] == {"label": "Overdue", "value": "1302850"}
    assert answer["paging"] == {"page": 1, "size": 100, "count": 2, "pages": 1}
    answer = client.get("/sales-reports/sell-through",
                        {"project": book.phase2.project.pk}).json()
    assert answer["sections"][0]["rows"][0]["cells"][2] == {"value": 1, "drill": None}


def test_the_api_refuses_bad_filters(book, world):
    client = Api(book.viewer)
    sibling = make_small_sales(world, org_unit=world.branch_b, name="别处")
    response = client.get("/sales-reports/lost",
                          {"start": "2026-03-31", "end": "2026-03-01"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"end": ["The end comes before the start."]}
    response = client.get("/sales-reports/funnel", {"project": sibling.project.pk})
    assert response.status_code == 422
    assert response.json()["fields"] == {"project": ["Choose a sales project you can see."]}
    response = client.get("/sales-reports/reps", {"start": "2026-02-30"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["start"]
    assert client.get("/sales-reports/nothing").status_code == 422
