"""Browser test of the service-desk reports (SVC-15): a project manager opens the menu's
dashboard, goes to the volume report, sees its charts drawn, drills down from the repairs'
figure to the order list and finds exactly the repairs of this month.
"""

import os
import re

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

from linli.core.services import user_language_set  # noqa: E402
from linli.servicedesk import services  # noqa: E402
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402
from tests.servicedesk.builders import MANAGER, make_desk  # noqa: E402


@pytest.fixture
def manager(transactional_db):
    desk = make_desk(make_world())
    manager = make_user(desk.world.tenant, desk.world.branch_a,
                        [*MANAGER, "servicedesk.report_workorder"], username="pm.charts",
                        display_name="图表经理")
    user_language_set(actor=manager, user=manager, language="en")
    repairs = [services.work_order_create(actor=None, community=desk.community,
                                          order_type="repair", area="public_area",
                                          summary=f"路灯不亮 {n}") for n in range(2)]
    question = services.work_order_create(actor=None, community=desk.community,
                                          order_type="consultation", area="public_area",
                                          summary="物业费怎么交")
    return manager, repairs, question


def test_open_a_report_and_drill_down(browser, live_server, manager, screenshot_dir):
    user, repairs, question = manager
    page = browser.new_context(viewport={"width": 1366, "height": 860}).new_page()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    # The menu leads the manager to their dashboard, which leads to the reports.
    page.goto(f"{live_server.url}{reverse('servicedesk:dashboard')}")
    expect(page).to_have_url(f"{live_server.url}/service/dashboard/manager/")
    expect(page.locator('[data-tile="open"] [data-count]')).to_have_text("3")
    page.get_by_role("link", name="Reports").first.click()
    page.locator('[data-report="volume"]').click()

    # The charts are drawn (ECharts puts a canvas in each chart's box).
    expect(page.locator("#chart-type canvas")).to_have_count(1)
    expect(page.locator("#chart-day canvas")).to_have_count(1)
    type_table = page.locator('[data-section="type"]')
    expect(type_table.locator("tr", has_text="Repair")).to_contain_text("2")
    page.screenshot(path=str(screenshot_dir / "servicedesk-report-volume.png"), full_page=True)

    # Drill down: the repairs' figure opens the order list with exactly those orders.
    type_table.locator("tr", has_text="Repair").locator("a[data-drill]").click()
    expect(page).to_have_url(re.compile(r"/service/orders/\?.*order_type=repair"))
    expect(page.get_by_test_id("drill-notice")).to_contain_text("2 orders behind the figure")
    for order in repairs:
        expect(page.locator(f'tr[data-order="{order.pk}"]')).to_have_count(1)
    expect(page.locator(f'tr[data-order="{question.pk}"]')).to_have_count(0)

    # An absurd period is refused with a clear message.
    page.goto(f"{live_server.url}/service/reports/volume/?start=2025-03-31&end=2025-03-01")
    expect(page.get_by_test_id("period-error")).to_have_text("The end comes before the start.")
