"""Service-desk reports and dashboards (SVC-15) on a small hand-built month: the figures a
supervisor reads, the drill-down to the orders counted, scope, period rules, exports and the
API.

The orders are registered through the intake service at fixed moments of March 2025; their
handling (clocks, resolution, callbacks) is then set row by row, so every figure is known.
"""

import csv
import datetime as dt
import io
import zoneinfo
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from linli.servicedesk import selectors as desk_selectors
from linli.servicedesk import services
from linli.servicedesk.choices import CallbackStatus, ClockState
from linli.servicedesk.forms import WorkOrderFilterForm
from linli.servicedesk.models import Callback, WorkOrder, WorkOrderClock
from linli.servicedesk.reports import selectors as reports
from tests.builders import make_user
from tests.directory.builders import make_community
from tests.servicedesk.builders import FRONT_DESK, MANAGER, SUPERVISOR

pytestmark = pytest.mark.django_db

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")
REPORT = "servicedesk.report_workorder"
MARCH = reports.Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
MARCH_QUERY = {"start": "2025-03-01", "end": "2025-03-31"}


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=LOCAL)


class Month:
    """The hand-built month of branch A's community 翠湖苑, and orders the viewer must not
    count: one of April, one of a sibling branch's community, one of another tenant."""

    def __init__(self, desk):
        self.desk = desk
        world = desk.world
        eng, service = desk.departments["engineering"], desk.departments["service"]
        self.viewer = make_user(world.tenant, world.branch_a, [*MANAGER, REPORT],
                                username="pm.report", display_name="报表经理")
        owner = desk.owner

        def order(key, order_type, channel, when, *, department=None, handler=None,
                  status="new", resolved=None, person=None, phone="", formal=False,
                  community=None):
            created = services.work_order_create(
                actor=None, community=community or desk.community, order_type=order_type,
                summary=f"{key} 报表测试", channel=channel, person=person, caller_phone=phone,
                caller_name="王建国" if person else "", area="public_area", now=when)
            WorkOrderClock.objects.filter(work_order=created).delete()
            WorkOrder.objects.filter(pk=created.pk).update(
                department=department, handler=handler, status=status, resolved_at=resolved,
                is_formal=formal)
            return WorkOrder.objects.get(pk=created.pk)

        self.r1 = order("r1", "repair", "phone", at(3, 9), department=eng,
                        handler=desk.technician, status="closed", resolved=at(3, 10, 30),
                        person=owner)
        self.r2 = order("r2", "repair", "walk_in", at(3, 14), department=eng,
                        handler=desk.plumber, status="closed", resolved=at(4, 20),
                        phone="+8613900001111")
        self.r3 = order("r3", "repair", "phone", at(15, 8), department=eng,
                        handler=desk.technician, status="in_progress", person=owner)
        self.c1 = order("c1", "complaint", "phone", at(10, 10), department=service,
                        person=owner)
        self.c2 = order("c2", "complaint", "phone", at(20, 10), department=service,
                        person=owner, formal=True)
        self.k1 = order("k1", "consultation", "walk_in", at(20, 11), status="closed",
                        resolved=at(20, 11, 5))
        self.april = order("x1", "repair", "phone", at(2, 9, month=4), department=eng,
                           handler=desk.technician, status="closed", resolved=at(2, 10, 0, 4))
        self.today = order("t0", "repair", "phone", timezone.now())
        sibling_community = make_community(world, "南山花园", org_unit=world.branch_b)
        self.sibling = order("s1", "repair", "phone", at(5, 9), community=sibling_community)
        other_community = make_community(world, "外租户小区", org_unit=world.other_root)
        self.stranger = order("o1", "repair", "phone", at(5, 9), community=other_community)

        def clock(o, kind, state, started, *, stopped=None, due=None, breached=None):
            WorkOrderClock.objects.create(
                tenant=world.tenant if o.tenant_id == world.tenant.pk else world.other_tenant,
                work_order=o, kind=kind, unit="calendar_hours", amount=1, state=state,
                started_at=started, due_at=due or started + dt.timedelta(hours=1),
                warn_at=started, stopped_at=stopped, breached_at=breached)

        far = dt.datetime(2099, 1, 1, tzinfo=LOCAL)
        clock(self.r1, "response", ClockState.MET, at(3, 9), stopped=at(3, 9, 10))
        clock(self.r1, "resolution", ClockState.MET, at(3, 9), stopped=at(3, 10, 30),
              due=at(3, 12))
        clock(self.r2, "response", ClockState.MISSED, at(3, 14), stopped=at(3, 16))
        clock(self.r2, "resolution", ClockState.MISSED, at(3, 14), stopped=at(4, 20))
        clock(self.r3, "response", ClockState.MET, at(15, 8), stopped=at(15, 8, 20))
        clock(self.r3, "resolution", ClockState.RUNNING, at(15, 8), due=at(16, 8))
        clock(self.c1, "response", ClockState.RUNNING, at(10, 10), due=far)
        clock(self.c2, "response", ClockState.RUNNING, at(20, 10), due=far,
              breached=at(20, 12))
        # Outside the viewer's sight or period: breached clocks that must not be counted.
        for o in (self.april, self.sibling, self.stranger):
            clock(o, "response", ClockState.MISSED, o.created_at,
                  stopped=o.created_at + dt.timedelta(hours=5))

        def callback(o, status, satisfaction=None):
            Callback.objects.create(tenant=o.tenant, org_unit=o.org_unit, work_order=o,
                                    status=status, due_at=o.created_at, attempts=1,
                                    satisfaction=satisfaction)

        callback(self.r1, CallbackStatus.DONE, 5)
        callback(self.r2, CallbackStatus.DONE, 2)
        callback(self.k1, CallbackStatus.GAVE_UP)
        callback(self.april, CallbackStatus.DONE, 1)
        # A called-off callback is no callback at all.
        callback(self.r3, CallbackStatus.CANCELLED)


@pytest.fixture
def month(desk):
    return Month(desk)


def figures(report) -> dict:
    return {str(label): value for label, value in report.figures}


def table(report, section_key: str) -> dict:
    section = next(s for s in report.sections if s.key == section_key)
    return {row.label: [cell.value for cell in row.cells] for row in section.rows}


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the figures ----------------------------------------------------------------------------

def test_volume_by_type_category_community_channel_and_day(month):
    report = reports.volume(month.viewer, MARCH)
    assert figures(report) == {"Orders registered": 6}
    assert table(report, "type") == {"Repair": [3], "Complaint": [2], "Consultation": [1]}
    assert table(report, "community") == {"翠湖苑": [6]}
    assert table(report, "channel") == {"Phone": [4], "Walk-in": [2]}
    assert table(report, "category") == {"No category": [6]}
    days = {day: n for day, (n,) in table(report, "day").items() if n}
    assert days == {"2025-03-03": 2, "2025-03-10": 1, "2025-03-15": 1, "2025-03-20": 2}
    assert len(table(report, "day")) == 31


def test_sla_compliance_per_clock(month):
    report = reports.sla(month.viewer, MARCH)
    assert table(report, "clocks") == {"First response": [2, 2, 1],
                                       "Resolution": [1, 2, 0]}
    assert figures(report) == {"First response": "50.0%", "Resolution": "33.3%"}


def test_response_and_resolution_time_buckets(month):
    report = reports.times(month.viewer, MARCH)
    assert table(report, "response") == {
        "Within 15 minutes": [1], "15–30 minutes": [1], "30–60 minutes": [0],
        "1–4 hours": [1], "4–24 hours": [0], "More than a day": [0]}
    assert table(report, "resolution") == {
        "Within 2 hours": [2], "2–8 hours": [0], "8–24 hours": [0], "1–3 days": [1],
        "3–7 days": [0], "More than 7 days": [0], "Not resolved yet": [3]}


def test_backlog_ageing_counts_what_is_open_today(month):
    report = reports.backlog(month.viewer, MARCH)
    assert table(report, "age") == {"Registered today": [1], "1–2 days": [0], "3–6 days": [0],
                                    "7–29 days": [0], "30 days or more": [3]}
    assert figures(report) == {"Open orders": 4}


def test_callback_rate_and_satisfaction(month):
    report = reports.callbacks(month.viewer, MARCH)
    assert table(report, "callbacks") == {"Called back": [2], "Not reached, given up": [1],
                                          "Waiting for the callback": [0]}
    assert table(report, "satisfaction") == {"5 ★": [1], "4 ★": [0], "3 ★": [0], "2 ★": [1],
                                             "1 ★": [0]}
    assert figures(report) == {"Resolved orders": 3, "Callback rate": "66.7%",
                               "Average satisfaction": "3.50"}


def test_repeat_complaints(month):
    report = reports.repeats(month.viewer, MARCH)
    assert table(report, "people") == {"王建国": [2, 1]}
    assert figures(report) == {"Complaints": 2, "From repeat complainants": 2,
                               "Formal complaints": 1}


def test_workload_per_department_and_person(month):
    report = reports.workload(month.viewer, MARCH)
    assert table(report, "department") == {"工程部": [3, 2, 1, 1], "客服部": [2, 0, 2, 1]}
    assert table(report, "person") == {"孙师傅": [2, 1, 1, 1], "钱师傅": [1, 1, 0, 0]}
    assert figures(report) == {"Not dispatched": 1}


def test_a_worker_in_two_departments_is_summed_once_per_person(month):
    # c1 went to the technician of engineering while it stayed with the service department.
    WorkOrder.objects.filter(pk=month.c1.pk).update(handler=month.desk.technician)
    report = reports.workload(month.viewer, MARCH)
    assert table(report, "department") == {"工程部": [3, 2, 1, 1], "客服部": [2, 0, 2, 1]}
    assert table(report, "person") == {"孙师傅": [3, 1, 2, 1], "钱师傅": [1, 1, 0, 0]}


def test_volume_counts_each_dimension_as_a_query_of_its_own_would(month):
    """The one pass over the rows (GROUPING SETS on PostgreSQL) gives each dimension the
    counts of a grouped query of its own, no category and several communities included."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    world = month.desk.world
    everywhere = make_user(world.tenant, world.root, [*MANAGER, REPORT])
    orders = reports._orders(everywhere, MARCH)
    WorkOrder.objects.filter(pk=month.r1.pk).update(category=month.desk.category("停水"))
    counted = reports._volume_counts(orders)
    rows = orders.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
    for dimension in reports.VOLUME_DIMENSIONS:
        alone = dict(rows.values_list(dimension).annotate(n=Count("pk")).order_by())
        assert counted[dimension] == alone, dimension
    assert counted["category_id"] == {None: 6, month.desk.category("停水").pk: 1}
    assert counted["community_names"] == {month.desk.community.pk: "翠湖苑",
                                          month.sibling.community_id: "南山花园"}


def test_complaint_register_lists_the_months_complaints(month):
    report = reports.register(month.viewer, MARCH)
    assert [row.label for row in report.sections[0].rows] == [month.c1.number,
                                                              month.c2.number]
    assert report.sections[0].rows[1].cells[5].value == "Yes"


def test_complaint_register_is_read_a_page_at_a_time(month, monkeypatch):
    monkeypatch.setattr(reports, "REGISTER_PAGE_SIZE", 1)

    def page(number):
        report = reports.report(month.viewer, "register", MARCH, page=number)
        paging = report.paging
        return ([row.label for row in report.sections[0].rows], figures(report),
                (paging.number, paging.paginator.per_page, paging.paginator.count,
                 paging.paginator.num_pages) if paging else None)

    assert page(1) == ([month.c1.number], {"Complaints": 2}, (1, 1, 2, 2))
    assert page(2) == ([month.c2.number], {"Complaints": 2}, (2, 1, 2, 2))
    # Past the last page: the last; every row for the export.
    assert page(9) == ([month.c2.number], {"Complaints": 2}, (2, 1, 2, 2))
    assert page(None) == ([month.c1.number, month.c2.number], {"Complaints": 2}, None)
    # The other reports are not paged.
    assert reports.report(month.viewer, "volume", MARCH, page=2).paging is None


def test_complaint_register_screen_and_api_pages(month, monkeypatch):
    monkeypatch.setattr(reports, "REGISTER_PAGE_SIZE", 1)
    client = web(month.viewer)
    second = client.get("/service/reports/register/", {**MARCH_QUERY, "page": "2"})
    text = second.content.decode()
    assert second.status_code == 200
    assert month.c2.number in text and month.c1.number not in text
    assert "Page 2 of 2, 2 rows" in text and 'rel="prev"' in text
    # A page that is not a number is the first.
    first = client.get("/service/reports/register/", {**MARCH_QUERY, "page": "x"}).content
    assert month.c1.number in first.decode() and month.c2.number not in first.decode()
    body = client.get("/api/v1/service-reports/register", {**MARCH_QUERY, "page": 2}).json()
    assert [r["label"] for r in body["sections"][0]["rows"]] == [month.c2.number]
    assert body["paging"] == {"page": 2, "size": 1, "count": 2, "pages": 2}
    assert client.get("/api/v1/service-reports/volume", MARCH_QUERY).json()["paging"] is None
    assert client.get("/api/v1/service-reports/register",
                      {**MARCH_QUERY, "page": 0}).status_code == 422
    # The export holds the whole register, whatever page the screen shows.
    exported = client.get("/service/reports/register/",
                          {**MARCH_QUERY, "page": "2", "export": "csv"})
    rows = list(csv.reader(io.StringIO(
        b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert {row[1] for row in rows[1:] if row[2] == "Registered"} == {month.c1.number,
                                                                      month.c2.number}


# --- drill-down -----------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(set(reports.REPORTS) - {"register"}))
def test_every_drill_down_lists_exactly_the_orders_counted(month, key):
    report = reports.report(month.viewer, key, MARCH)
    checked = 0
    for section in report.sections:
        for row in section.rows:
            for cell in row.cells:
                if cell.drill is None:
                    assert not cell.value, (section.key, row.label)
                    continue
                form = WorkOrderFilterForm(QueryDict(urlencode(cell.drill)), actor=month.viewer)
                assert form.is_valid(), form.errors
                listed = desk_selectors.work_order_list(month.viewer, form.filters())
                assert listed.count() == cell.value, (section.key, row.label, cell.drill)
                checked += 1
    assert checked > 0


def test_a_drill_down_link_opens_the_order_list_with_those_orders(month):
    report = reports.sla(month.viewer, MARCH)
    breached = next(r for r in report.sections[0].rows if r.key == "response").cells[1]
    response = web(month.viewer).get("/service/orders/", breached.drill)
    page = response.content.decode()
    assert response.status_code == 200
    assert month.r2.number in page and month.c2.number in page
    assert month.r1.number not in page and month.sibling.number not in page
    assert "2 orders behind the figure you chose." in page


# --- scope, community, period -----------------------------------------------------------------

def test_other_offices_and_tenants_are_never_counted(month):
    world = month.desk.world
    everywhere = make_user(world.tenant, world.root, [*MANAGER, REPORT])
    assert figures(reports.volume(everywhere, MARCH)) == {"Orders registered": 7}
    assert table(reports.volume(everywhere, MARCH), "community") == {"翠湖苑": [6],
                                                                      "南山花园": [1]}
    stranger = make_user(world.other_tenant, world.other_root, [*MANAGER, REPORT],
                         superuser=True)
    assert table(reports.volume(stranger, MARCH), "community") == {"外租户小区": [1]}
    assert table(reports.sla(stranger, MARCH), "clocks") == {"First response": [0, 1, 0]}
    # The branch-A viewer counts neither the sibling's nor the other tenant's breaches.
    assert table(reports.sla(month.viewer, MARCH), "clocks")["First response"][1] == 2


def test_the_community_filter(month):
    world = month.desk.world
    everywhere = make_user(world.tenant, world.root, [*MANAGER, REPORT])
    period = reports.Period(MARCH.start, MARCH.end, month.desk.community.pk)
    assert figures(reports.volume(everywhere, period)) == {"Orders registered": 6}
    assert table(reports.backlog(everywhere, period), "age")["30 days or more"] == [3]


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    (dt.date(2025, 3, 31), dt.date(2025, 3, 1), "end", "The end comes before the start."),
    (dt.date(2024, 1, 1), dt.date(2025, 1, 1), "end", "A report covers at most 366 days"),
    (dt.date(1999, 12, 1), dt.date(1999, 12, 31), "start", "1 January 2000"),
])
def test_absurd_periods_are_refused(start, end, field, message):
    with pytest.raises(ValidationError) as caught:
        reports.period_check(start, end)
    assert message in " ".join(caught.value.message_dict[field])


def test_the_default_period_is_this_month_so_far():
    today = timezone.localdate()
    period = reports.period_check(None, None)
    assert (period.start, period.end) == (today.replace(day=1), today)
    # A leap year's full year is allowed: 366 days.
    assert reports.period_check(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).end.year == 2024


# --- screens, exports, API --------------------------------------------------------------------

def test_report_page_shows_figures_with_links(month):
    response = web(month.viewer).get("/service/reports/workload/", MARCH_QUERY)
    page = response.content.decode()
    assert response.status_code == 200
    assert "工程部" in page and "孙师傅" in page
    assert "/service/orders/?created_from=2025-03-01" in page
    assert 'id="report-data"' in page


def test_report_page_refuses_a_bad_period_clearly(month):
    response = web(month.viewer).get("/service/reports/volume/",
                                     {"start": "2025-03-31", "end": "2025-03-01"})
    assert response.status_code == 400
    assert "The end comes before the start." in response.content.decode()
    export = web(month.viewer).get("/service/reports/volume/",
                                   {"start": "1990-01-01", "end": "1990-02-01",
                                    "export": "xlsx"})
    assert export.status_code == 400
    assert "2000" in export.content.decode()


def test_reports_need_the_report_permission(month):
    clerk = make_user(month.desk.world.tenant, month.desk.world.branch_a, FRONT_DESK)
    assert web(clerk).get("/service/reports/volume/").status_code == 403
    assert web(clerk).get("/api/v1/service-reports/volume").status_code == 403
    assert web(month.viewer).get("/service/reports/nonsense/").status_code == 404


def test_exports_open_with_the_figures(month):
    client = web(month.viewer)
    response = client.get("/service/reports/sla/", {**MARCH_QUERY, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    assert ("Service levels per clock", "First response", "Breached", 2) in rows
    response = client.get("/service/reports/volume/", {**MARCH_QUERY, "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert ["By type", "Repair", "Orders", "3"] in list(csv.reader(io.StringIO(text)))


def test_complaint_register_prints_a_month(month):
    client = web(month.viewer)
    response = client.get("/service/reports/complaints/print/", {"month": "2025-03"})
    page = response.content.decode()
    assert response.status_code == 200
    assert month.c1.number in page and month.c2.number in page
    assert month.r1.number not in page
    refused = client.get("/service/reports/complaints/print/", {"month": "1999-05"})
    assert refused.status_code == 400


def test_api_returns_the_report_with_its_drill_down(month):
    response = web(month.viewer).get("/api/v1/service-reports/workload", MARCH_QUERY)
    assert response.status_code == 200
    body = response.json()
    department = next(s for s in body["sections"] if s["key"] == "department")
    engineering = next(r for r in department["rows"] if r["label"] == "工程部")
    assert [c["value"] for c in engineering["cells"]] == [3, 2, 1, 1]
    listed = web(month.viewer).get("/api/v1/work-orders",
                                   engineering["cells"][3]["drill"]).json()
    assert [o["number"] for o in listed["items"]] == [month.r3.number]


def test_api_refuses_a_bad_period(month):
    response = web(month.viewer).get("/api/v1/service-reports/volume",
                                     {"start": "2024-01-01", "end": "2025-03-01"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "366 days" in body["fields"]["end"][0]


# --- dashboards -----------------------------------------------------------------------------

def test_each_role_is_led_to_its_dashboard(month):
    desk = month.desk
    assert web(desk.manager).get("/service/dashboard/")["Location"] == (
        "/service/dashboard/manager/")
    assert web(desk.supervisor).get("/service/dashboard/")["Location"] == (
        "/service/dashboard/supervisor/")
    assert web(desk.frontdesk).get("/service/dashboard/")["Location"] == (
        "/service/dashboard/frontdesk/")
    assert web(desk.technician).get("/service/dashboard/")["Location"] == "/service/mine/"
    assert web(desk.frontdesk).get("/service/dashboard/manager/").status_code == 403


def test_dashboard_counts_what_the_role_acts_on(month):
    counts = reports.dashboard_counts(month.viewer)
    # Open in branch A: r3 (resolution past due), c1, c2 (breached), t0 (today).
    assert counts["open"] == 4
    assert counts["breached"] == 2
    assert counts["formal"] == 1
    assert counts["today"] == 1
    page = web(month.viewer).get("/service/dashboard/manager/").content.decode()
    assert 'data-tile="breached"' in page and "/service/orders/?breached=on" in page
    listed = desk_selectors.work_order_list(month.viewer, {"breached": True})
    assert sorted(o.number for o in listed) == sorted([month.r3.number, month.c2.number])


def test_due_soon_counts_only_the_viewers_orders_near_their_due_time(month):
    now = timezone.now()
    for order, due in ((month.today, now + dt.timedelta(minutes=30)),
                       (month.c1, now + dt.timedelta(hours=3)),  # later than two hours
                       (month.sibling, now + dt.timedelta(minutes=30)),  # another office's
                       (month.stranger, now + dt.timedelta(minutes=30))):  # another company's
        WorkOrderClock.objects.create(
            tenant_id=order.tenant_id, work_order=order, kind="resolution",
            unit="calendar_hours", amount=4, state=ClockState.RUNNING, started_at=now,
            due_at=due, warn_at=now)
    assert reports.dashboard_counts(month.viewer)["due_soon"] == 1
    listed = desk_selectors.work_order_list(month.viewer, {"due_soon": True})
    assert [o.number for o in listed] == [month.today.number]


def test_supervisor_sees_orders_without_a_worker(month):
    desk = month.desk
    # Dispatched to engineering without a worker: the department now holds it.
    engineering = desk.departments["engineering"]
    WorkOrder.objects.filter(pk=month.c1.pk).update(department=engineering,
                                                    org_unit=engineering)
    supervisor = make_user(desk.world.tenant, desk.departments["engineering"], SUPERVISOR)
    counts = reports.dashboard_counts(supervisor)
    assert counts["no_handler"] == 1
    listed = desk_selectors.work_order_list(supervisor, {"no_handler": True})
    assert [o.number for o in listed] == [month.c1.number]
    page = web(supervisor).get("/service/dashboard/supervisor/")
    assert page.status_code == 200
    assert 'data-tile="no_handler"' in page.content.decode()


def test_dashboard_api(month):
    response = web(month.viewer).get("/api/v1/service-dashboards/manager")
    assert response.status_code == 200
    assert response.json()["counts"]["breached"] == 2
    clerk = make_user(month.desk.world.tenant, month.desk.world.branch_a, FRONT_DESK)
    assert web(clerk).get("/api/v1/service-dashboards/manager").status_code == 404


def test_far_future_days_are_refused_not_crashing(month):
    client = web(month.viewer)
    response = client.get("/api/v1/service-reports/volume", {"start": "9999-12-31"})
    assert response.status_code == 422
    assert "within a year from today" in response.json()["fields"]["start"][0]
    assert client.get("/service/reports/complaints/print/",
                      {"month": "9999-12"}).status_code == 400
    assert client.get("/service/reports/sla/", {"end": "9999-12-31"}).status_code == 400
