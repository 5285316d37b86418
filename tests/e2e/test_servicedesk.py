"""Browser test of the service desk's main flow (journeys 1–4): the front desk registers a
leak → it is routed to engineering → the supervisor assigns a technician → the technician, on
a phone, accepts, arrives and resolves → the front desk records an unsatisfied callback → the
rework order appears → it is resolved and its callback satisfied → both orders close.

Drives Debian's chromium through Playwright against pytest-django's live server (the launch
setup of tests/e2e/test_smoke.py). Set LINLI_SCREENSHOT_DIR=docs/img to refresh the
screenshots of the user guide.
"""

import io
import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.e2e.conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from django.urls import reverse  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from linli.core.services import user_language_set  # noqa: E402
from linli.servicedesk.models import WorkOrder  # noqa: E402
from linli.servicedesk.states import Status  # noqa: E402
from tests.builders import PASSWORD, make_world  # noqa: E402
from tests.servicedesk.builders import make_desk  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def desk(transactional_db):
    desk = make_desk(make_world())
    for user in (desk.frontdesk, desk.supervisor, desk.technician):
        user_language_set(actor=user, user=user, language="en")
    return desk


def _signed_in(browser, live_server, username: str, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    return page


def _go(page, live_server, name: str, *args) -> None:
    page.goto(f"{live_server.url}{reverse(f'servicedesk:{name}', args=args)}")


def _record_callback(page, live_server, order, satisfaction: str, comment: str,
                     screenshot=None) -> None:
    _go(page, live_server, "callback_list")
    row = page.locator(f"tr[data-order='{order.pk}']")
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    row.locator("input[name='callback-outcome'][value='done']").check()
    row.locator(f"input[name='callback-satisfaction'][value='{satisfaction}']").check()
    row.locator("textarea[name='callback-comment']").fill(comment)
    row.locator("[data-testid=move-callback]").click()
    expect(page.locator(f"tr[data-order='{order.pk}'] [data-testid=callback-outcome]")
           ).to_contain_text(f"satisfaction {satisfaction}")


def _work_on_phone(page, live_server, order, resolution: str, screenshot=None) -> None:
    """Accept, arrive and resolve from the technician's cards (one tap each, via htmx)."""
    _go(page, live_server, "my_orders")
    card = page.locator(f"#order-card-{order.pk}")
    expect(card).to_contain_text(order.summary)
    if screenshot:
        page.screenshot(path=str(screenshot), full_page=True)
    card.locator("[data-testid=move-accept]").click()
    expect(card.locator("[data-testid=move-arrive]")).to_be_visible()
    card.locator("[data-testid=move-arrive]").click()
    expect(card.locator("[data-testid=move-arrive]")).to_have_count(0)
    card.locator("summary", has_text="Resolve").click()
    card.locator("textarea[name='resolve-resolution']").fill(resolution)
    card.locator("[data-testid=move-resolve]").click()
    expect(card.locator("[data-testid=card-done]")).to_be_visible()


def _print_slips(front, supervisor, live_server, order, screenshot_dir) -> None:
    """The order's dispatch slip opens from its page: three copies with the QR code and the
    phone masked, and its PDF; the supervisor prints his department's day from the queue."""
    with front.context.expect_page() as opened:
        front.locator("[data-testid=order-slip]").click()
    slip = opened.value
    expect(slip.locator("[data-testid=slip]")).to_have_count(3)
    expect(slip.locator("[data-testid=slip-qr] svg")).to_have_count(3)
    expect(slip.locator("[data-testid=slip-phone]").first).to_have_text("138****1502")
    slip.screenshot(path=str(screenshot_dir / "servicedesk-slip.png"), full_page=True)
    href = slip.locator("[data-testid=slip-pdf]").get_attribute("href")
    pdf = slip.request.get(f"{live_server.url}{href}")
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    reader = PdfReader(io.BytesIO(pdf.body()))
    assert len(reader.pages) == 1 and order.number in reader.pages[0].extract_text()
    slip.close()

    _go(supervisor, live_server, "queue")
    supervisor.locator("[data-testid=queue-slips]").click()
    supervisor.select_option("select[name=department]", str(order.department_id))
    supervisor.locator("[data-testid=slip-day-form] button[type=submit]").click()
    expect(supervisor.locator("[data-testid=slip-count]")).to_have_text(
        "2 work orders, three copies each.")
    expect(supervisor.locator("[data-testid=slip-order]")).to_have_count(2)


def test_intake_to_rework_to_both_closed(browser, live_server, desk, screenshot_dir):
    # 1. The front desk finds the caller by the last 4 digits and registers the leak.
    front = _signed_in(browser, live_server, "desk.li")
    _go(front, live_server, "intake")
    front.fill("#caller-q", "1502")
    front.press("#caller-q", "Enter")
    front.locator("[data-testid=choose-caller]").first.click()
    expect(front.locator("[data-testid=caller]")).to_contain_text("王建国")
    expect(front.locator("[data-testid=caller-units]")).to_contain_text("3-2-1502")
    expect(front.locator("input[name='order-room_code']")).to_have_value("3-2-1502")
    front.screenshot(path=str(screenshot_dir / "servicedesk-intake.png"), full_page=True)
    front.select_option("select[name='order-order_type']", "repair")
    front.select_option("select[name='order-category']", str(desk.category("漏水").pk))
    front.select_option("select[name='order-urgency']", "high")
    front.select_option("select[name='order-impact']", "medium")
    front.fill("input[name='order-summary']", "厨房天花板漏水")
    front.fill("input[name='order-since']", "今天早上")
    front.click("[data-testid=register-order]")
    expect(front.locator("[data-testid=routed-to]")).to_have_text("Routed to 工程部 · 赵主管.")
    expect(front.locator("[data-testid=promised-times]")).to_contain_text("On-site arrival by")
    front.screenshot(path=str(screenshot_dir / "servicedesk-registered.png"))
    order = WorkOrder.objects.get()
    assert (order.department_id, order.handler_id) == (desk.departments["engineering"].pk,
                                                       desk.supervisor.pk)

    # 2. The supervisor assigns the technician from his queue.
    supervisor = _signed_in(browser, live_server, "eng.zhao")
    _go(supervisor, live_server, "queue")
    row = supervisor.locator(f"#queue-row-{order.pk}")
    supervisor.screenshot(path=str(screenshot_dir / "servicedesk-queue.png"))
    row.locator("select[name='assign-handler']").select_option(str(desk.technician.pk))
    row.locator("[data-testid=quick-assign]").click()
    expect(supervisor.locator(f"#queue-row-{order.pk}")).to_contain_text("孙师傅")
    expect(supervisor.locator(".linli-toast").last).to_contain_text("Assign a worker: done")

    # 3. The technician works on his phone.
    technician = _signed_in(browser, live_server, "tech.sun", viewport=PHONE,
                            is_mobile=True, has_touch=True)
    _work_on_phone(technician, live_server, order, "更换水管接头",
                   screenshot_dir / "servicedesk-my-orders-phone.png")
    order.refresh_from_db()
    assert order.status == Status.RESOLVED
    assert technician.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # 4. The customer is not satisfied: rework opens and reaches the technician.
    _record_callback(front, live_server, order, "2", "还在滴水",
                     screenshot_dir / "servicedesk-callbacks.png")
    order.refresh_from_db()
    rework = WorkOrder.objects.get(rework_of=order)
    assert (order.status, rework.status, rework.handler_id) == (
        Status.REOPENED, Status.NEW, desk.technician.pk)
    _go(front, live_server, "work_order_detail", order.pk)
    expect(front.locator("[data-testid=order-status]")).to_have_text("Reopened · rework")
    expect(front.locator("[data-testid=reworks]")).to_contain_text(rework.number)
    front.screenshot(path=str(screenshot_dir / "servicedesk-order.png"), full_page=True)
    _print_slips(front, supervisor, live_server, order, screenshot_dir)

    # 5. The rework is resolved and its callback satisfied: both orders close.
    _work_on_phone(technician, live_server, rework, "更换密封圈")
    _record_callback(front, live_server, rework, "5", "满意")
    order.refresh_from_db()
    rework.refresh_from_db()
    assert (order.status, rework.status) == (Status.CLOSED, Status.CLOSED)
    _go(front, live_server, "work_order_detail", order.pk)
    expect(front.locator("[data-testid=order-status]")).to_have_text("Closed")
    _go(front, live_server, "work_order_detail", rework.pk)
    expect(front.locator("[data-testid=order-status]")).to_have_text("Closed")
    # A closed order can only be reopened, should the customer call again.
    expect(front.locator("[data-testid=moves] [data-testid^=open-]")).to_have_count(1)
    expect(front.locator("[data-testid=open-rework]")).to_be_visible()


def test_a_second_report_is_linked_to_the_incident_from_the_intake_suggestion(
        browser, live_server, desk, screenshot_dir):
    """SVC-11: while the front desk registers a second report of the same leak, the first one
    is suggested; one click links the new order to it as it is registered."""
    from linli.servicedesk import services

    incident = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="楼上漏水，整个单元都在滴", urgency="high", impact="medium")
    front = _signed_in(browser, live_server, "desk.li")
    _go(front, live_server, "intake")
    front.fill("#caller-q", "1502")
    front.press("#caller-q", "Enter")
    front.locator("[data-testid=choose-caller]").first.click()
    front.select_option("select[name='order-order_type']", "repair")
    suggestions = front.locator("[data-testid=intake-suggestions]")
    expect(suggestions.locator("[data-testid=suggestion]")).to_have_count(0)
    front.select_option("select[name='order-category']", str(desk.category("漏水").pk))
    suggestion = suggestions.locator(f"[data-testid=suggestion][data-order='{incident.pk}']")
    expect(suggestion).to_contain_text(incident.number)
    suggestion.locator("[data-testid=link-incident]").click()
    expect(suggestions.locator("[data-testid=chosen-incident]")).to_be_visible()
    expect(front.locator("#intake-cluster-parent")).to_have_value(str(incident.pk))
    front.screenshot(path=str(screenshot_dir / "servicedesk-intake-incident.png"), full_page=True)
    front.select_option("select[name='order-urgency']", "high")
    front.fill("input[name='order-summary']", "卫生间顶上滴水")
    front.click("[data-testid=register-order]")
    expect(front.locator("[data-testid=registered]")).to_be_visible()
    report = WorkOrder.objects.exclude(pk=incident.pk).get()
    assert report.cluster_parent_id == incident.pk
    _go(front, live_server, "work_order_detail", incident.pk)
    expect(front.locator("[data-testid=cluster-child]")).to_contain_text(report.number)
