"""The dispatch slip (派工单, SVC-14): one order's three copies and a department's day, as a
print view and as a PDF read back with pypdf — what it says, the phone masked unless the
printing user may see it, the QR code, bad input and scope."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from linli.core.events import DomainEvent
from linli.core.personal_data.models import AccessLog
from linli.servicedesk import services, slips
from linli.servicedesk.models import WorkOrder, WorkOrderClock
from tests.builders import make_unit, make_user
from tests.servicedesk.builders import SEE

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PHONE = "13812341502"
MASKED = "138****1502"
SHOWN = "138 1234 1502"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pdf(response) -> tuple[int, list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def _order(desk, summary="厨房天花板漏水", **extra) -> WorkOrder:
    """A leak: the seed routing hands it to the engineering department at once."""
    fields = {"unit": desk.unit, "person": desk.owner, "caller_phone": PHONE,
              "category": desk.category("漏水"), "urgency": "high", "impact": "medium", **extra}
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        summary=summary, **fields)


def _noise(desk) -> WorkOrder:
    """A noise complaint: handed to the security department."""
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        category=desk.category("秩序安全"), area="public_area", person=desk.owner,
        summary="夜间有人在楼下喧哗", severity="minor")


def _revealer(desk):
    return make_user(desk.world.tenant, desk.world.branch_a,
                     [*SEE, "core.reveal_personal_data"], username="reveal.qian")


def _slip_pdf(order) -> str:
    return reverse("servicedesk:work_order_slip_pdf", args=[order.pk])


def _day_pdf(department, day) -> str:
    return (reverse("servicedesk:department_slips_pdf")
            + f"?department={department.pk}&day={day}")


def _move_events_to(order, day: dt.date) -> None:
    """As if the order had been registered and handed over on ``day`` (noon, local time)."""
    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    DomainEvent.objects.filter(subject_id=order.pk).update(occurred_at=noon)
    WorkOrderClock.objects.filter(work_order=order).update(due_at=noon + dt.timedelta(days=30))


# --- one order ------------------------------------------------------------------------------

def test_the_pdf_of_one_order_holds_its_three_copies_in_chinese(desk):
    order = _order(desk, description="水从灯孔滴下")
    assert order.department == desk.departments["engineering"]
    pages, texts = _pdf(_client(desk.supervisor).get(_slip_pdf(order), **ZH))
    assert pages == 1
    text = texts[0]
    assert text.count(order.number) >= 3
    for label in ("派工单", "调度联", "作业联", "客户联", "来电人", "使用材料", "客户签字",
                  "作业人员签字", "翠湖苑 3-2-1502", "厨房天花板漏水 — 水从灯孔滴下", "工程部",
                  "赵主管"):
        assert label in text, label
    assert text.count(MASKED) == 3
    assert SHOWN not in text and PHONE not in text
    assert not AccessLog.objects.filter(user=desk.supervisor).exists()


def test_the_phone_is_shown_to_a_user_who_may_see_personal_data_and_logged(desk):
    order = _order(desk)
    revealer = _revealer(desk)
    _pages, texts = _pdf(_client(revealer).get(_slip_pdf(order), **ZH))
    assert texts[0].count(SHOWN) == 3 and MASKED not in texts[0]
    log = AccessLog.objects.get(user=revealer)
    assert (log.action, log.subject_id, log.field) == ("export", str(order.pk), "caller_phone")


def test_the_pdf_follows_the_language_and_the_times_of_the_order(desk):
    order = _order(desk)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    services.work_order_arrive(order, actor=desk.technician)
    services.work_order_resolve(order, actor=desk.technician, resolution="更换水管接头")
    order.refresh_from_db()
    _pages, texts = _pdf(_client(desk.supervisor).get(_slip_pdf(order), **EN))
    text = texts[0]
    for label in ("Dispatch slip", "Dispatch copy", "Worker copy", "Customer copy",
                  "Copy 3 of 3", "Materials used", "更换水管接头", "孙师傅",
                  timezone.localtime(order.arrived_at).strftime("%Y-%m-%d %H:%M"),
                  timezone.localtime(order.resolved_at).strftime("%Y-%m-%d %H:%M")):
        assert label in text, label


def test_a_long_description_is_shortened_to_keep_each_copy_on_its_third(desk):
    order = _order(desk, description="漏" * 2000)
    pages, texts = _pdf(_client(desk.supervisor).get(_slip_pdf(order), **ZH))
    assert pages == 1
    assert texts[0].count("…") == 3


def test_the_print_view_shows_the_qr_code_and_masks_the_phone(desk):
    order = _order(desk)
    response = _client(desk.supervisor).get(
        reverse("servicedesk:work_order_slip", args=[order.pk]), **EN)
    html = response.content.decode()
    assert html.count('data-testid="slip"') == 3
    assert html.count('data-testid="slip-qr"') == 3
    assert html.count("<svg") == 3 and 'shape-rendering="crispEdges"' in html
    assert html.count(f'<td data-testid="slip-phone">{MASKED}</td>') == 3
    assert PHONE not in html and SHOWN not in html
    url = f"http://testserver{reverse('servicedesk:work_order_detail', args=[order.pk])}"
    assert response.context["slips"][0].url == url
    assert _slip_pdf(order) in html


def test_the_qr_code_encodes_the_url():
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    svg = slips.qr_svg("http://testserver/service/orders/7/")
    modules = QRCode(None, QRErrorCorrectLevel.M)  # as the slip's code
    modules.addData("http://testserver/service/orders/7/")
    modules.make()
    dark = sum(bool(cell) for row in modules.modules for cell in row)
    drawn = sum(int(run.split("h")[1].split("v")[0]) for run in svg.split('d="')[1]
                .split('"')[0].split("z") if run)
    assert drawn == dark


def test_an_order_out_of_scope_has_no_slip(desk, outsider, sibling):
    order = _order(desk)
    for user in (outsider, sibling):
        client = _client(user)
        assert client.get(_slip_pdf(order)).status_code == 404
        assert client.get(f"/api/v1/work-orders/{order.pk}/slip.pdf").status_code == 404
    assert _client(desk.supervisor).get(_slip_pdf(order) + "x").status_code == 404


# --- a department's day ---------------------------------------------------------------------

def test_the_day_of_a_department_holds_exactly_its_orders_of_that_day(desk):
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    first = _order(desk, summary="卫生间漏水")
    second = _order(desk, summary="阳台漏水")
    _noise(desk)  # the security department's
    old = _order(desk, summary="上周的漏水")
    _move_events_to(old, yesterday)
    due_today = _order(desk, summary="昨天派的漏水今天到期")
    _move_events_to(due_today, yesterday)
    WorkOrderClock.objects.filter(work_order=due_today, kind="resolution").update(
        due_at=timezone.make_aware(dt.datetime.combine(today, dt.time(0, 1))))
    reworked = _order(desk, summary="返工的漏水")
    _move_events_to(reworked, yesterday)
    services.work_order_resolve(reworked, actor=desk.supervisor, resolution="已修复")
    services.work_order_rework(reworked, actor=desk.frontdesk, reason="业主说还在漏")
    rework = WorkOrder.objects.get(rework_of=reworked)
    cancelled = _order(desk, summary="取消的漏水")
    services.work_order_cancel(cancelled, actor=desk.frontdesk, reason="业主自行修好")

    engineering = desk.departments["engineering"]
    pages, texts = _pdf(_client(desk.manager).get(_day_pdf(engineering, today), **ZH))
    assert pages == 4
    numbers = [next(o.number for o in (first, second, due_today, rework) if o.number in text)
               for text in texts]
    # Most urgent first: all leaks are P2 (the category's priority), so by their next due
    # time: the one overdue since a minute past midnight, then in the order they were given.
    assert {o.priority for o in (first, second, due_today, rework)} == {"P2"}
    assert numbers == [due_today.number, first.number, second.number, rework.number]
    joined = "".join(texts)
    assert old.number not in joined and cancelled.number not in joined
    assert reworked.number not in joined.replace(rework.number, "")

    pages, texts = _pdf(_client(desk.manager).get(_day_pdf(engineering, yesterday), **ZH))
    joined = "".join(texts)
    assert pages == 3
    assert all(o.number in joined for o in (old, due_today, reworked))


def test_the_print_view_of_a_day_lists_the_same_orders(desk):
    first = _order(desk)
    _noise(desk)
    today = timezone.localdate()
    url = reverse("servicedesk:department_slips")
    response = _client(desk.manager).get(
        url, {"department": desk.departments["engineering"].pk, "day": today}, **EN)
    html = response.content.decode()
    assert [s.order.number for s in response.context["slips"]] == [first.number]
    assert html.count('data-testid="slip"') == 3
    assert "1 work order, three copies each." in html
    assert _day_pdf(desk.departments["engineering"], today) in html.replace("&amp;", "&")
    # Only a department is chosen: today.
    response = _client(desk.manager).get(url, {"department": desk.departments["engineering"].pk})
    assert [s.order.number for s in response.context["slips"]] == [first.number]


def test_the_department_choice_lists_only_where_the_user_sees_orders(desk):
    form = _client(desk.supervisor).get(reverse("servicedesk:department_slips")).context["form"]
    names = [label for _value, label in form.fields["department"].choices]
    assert names == ["Choose a department", "华东分公司 · 工程部"]


def test_an_empty_day_says_so(desk):
    _order(desk)
    day = timezone.localdate() + dt.timedelta(days=3)
    security = desk.departments["security"]
    response = _client(desk.manager).get(reverse("servicedesk:department_slips"),
                                         {"department": security.pk, "day": day}, **EN)
    html = response.content.decode()
    assert 'data-testid="empty-state"' in html and 'data-testid="slip"' not in html
    assert f"No work orders of 秩序部 were dispatched or are due on {day}." in html
    assert 'data-testid="slip-pdf"' not in html
    pages, texts = _pdf(_client(desk.manager).get(_day_pdf(security, day), **ZH))
    assert pages == 1
    assert f"秩序部在{day}没有派出或到期的工单。" in texts[0]


def test_a_day_of_too_many_orders_prints_nothing(desk, monkeypatch):
    monkeypatch.setattr(slips, "BATCH_LIMIT", 1)
    _order(desk)
    _order(desk, summary="阳台漏水")
    engineering = desk.departments["engineering"]
    today = timezone.localdate()
    client = _client(desk.manager)
    response = client.get(reverse("servicedesk:department_slips"),
                          {"department": engineering.pk, "day": today}, **EN)
    html = response.content.decode()
    assert response.context["slips"] == []
    assert ("More than 1 work orders match: print them in smaller groups, e.g. team by team."
            in html)
    assert client.get(_day_pdf(engineering, today)).status_code == 400
    response = client.get(f"/api/v1/departments/{engineering.pk}/slips.pdf", {"day": today})
    assert response.status_code == 422 and response.json()["code"] == "too_many_orders"


@pytest.mark.parametrize("day", ["2026-13-45", "yesterday", "0001-01-01", "9999-12-31"])
def test_a_malformed_or_absurd_day_is_refused(desk, day):
    _order(desk)
    engineering = desk.departments["engineering"]
    client = _client(desk.manager)
    response = client.get(reverse("servicedesk:department_slips"),
                          {"department": engineering.pk, "day": day}, **EN)
    assert response.status_code == 200
    assert response.context["slips"] == []
    errors = response.context["form"].errors["day"]
    assert errors in (["Enter a valid date."],
                      ["Choose a day between the years 2000 and 2199."])
    assert client.get(_day_pdf(engineering, day)).status_code == 400
    response = client.get(f"/api/v1/departments/{engineering.pk}/slips.pdf", {"day": day})
    assert response.status_code == 422 and "day" in response.json()["fields"]


def test_a_department_out_of_scope_shows_nothing(desk, outsider, sibling):
    order = _order(desk)
    engineering = desk.departments["engineering"]
    today = timezone.localdate()
    foreign = make_unit(desk.world.other_root, "工程部", kind="department")
    client = _client(desk.manager)
    for department in (foreign,):
        response = client.get(reverse("servicedesk:department_slips"),
                              {"department": department.pk, "day": today})
        assert response.context["slips"] == []
        assert "department" in response.context["form"].errors
        assert client.get(_day_pdf(department, today)).status_code == 404
        assert client.get(f"/api/v1/departments/{department.pk}/slips.pdf").status_code == 404
    for user in (outsider, sibling):
        other = _client(user)
        response = other.get(reverse("servicedesk:department_slips"),
                             {"department": engineering.pk, "day": today})
        assert response.status_code in (200, 403)
        assert order.number not in response.content.decode()
        assert other.get(_day_pdf(engineering, today)).status_code in (403, 404)
        response = other.get(f"/api/v1/departments/{engineering.pk}/slips.pdf")
        assert response.status_code in (403, 404)
        assert response["Content-Type"] != "application/pdf"


# --- the API --------------------------------------------------------------------------------

def test_the_api_returns_the_pdfs(desk):
    order = _order(desk)
    client = _client(desk.manager)
    pages, texts = _pdf(client.get(f"/api/v1/work-orders/{order.pk}/slip.pdf", **ZH))
    assert pages == 1 and order.number in texts[0] and "派工单" in texts[0]
    engineering = desk.departments["engineering"]
    pages, texts = _pdf(client.get(f"/api/v1/departments/{engineering.pk}/slips.pdf", **ZH))
    assert pages == 1 and order.number in texts[0]
    assert client.get("/api/v1/work-orders/999999/slip.pdf").status_code == 404
