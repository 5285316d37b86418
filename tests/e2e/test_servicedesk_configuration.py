"""Browser test of the service desk's configuration screens: an administrator opens them from
the sidebar, shortens a service level's on-site clock and moves a routing rule to another
department and position.

Drives Debian's chromium through Playwright against pytest-django's live server (see
tests/e2e/conftest.py). Set LINLI_SCREENSHOT_DIR=docs/img to refresh the user guide's
screenshots.
"""

import os
from decimal import Decimal

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
from linli.servicedesk.models import RoutingRule, ServiceLevel  # noqa: E402
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402
from tests.servicedesk.builders import make_desk  # noqa: E402
from tests.servicedesk.test_configuration import CONFIG  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}


@pytest.fixture
def desk(transactional_db):
    desk = make_desk(make_world())
    admin = make_user(desk.world.tenant, desk.world.root, CONFIG, username="cfg.admin",
                      display_name="配置管理员")
    user_language_set(actor=admin, user=admin, language="en")
    return desk


def test_admin_tunes_a_clock_and_a_routing_rule(browser, live_server, desk, screenshot_dir):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", "cfg.admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")

    # The configuration is in the service desk's part of the sidebar.
    page.click("aside [data-module='servicedesk'] .dropdown-toggle")
    page.locator(f"aside a[href='{reverse('servicedesk:config_index')}']").click()
    expect(page.locator("h1")).to_have_text("Service desk configuration")
    page.screenshot(path=str(screenshot_dir / "servicedesk-configuration.png"), full_page=True)

    # 1. Urgent repair: on site within 15 minutes instead of 20.
    level = ServiceLevel.objects.get(tenant=desk.world.tenant, code="urgent-repair")
    page.locator(".card-title", has_text="Service levels").click()
    row = page.locator(f"tr[data-level='{level.pk}']")
    expect(row).to_contain_text("On-site arrival 20 Calendar minutes")
    row.locator("a", has_text="Edit").click()
    on_site = page.locator("[data-testid=clocks] tr", has=page.locator(
        "select[name$='-kind'] option[selected][value='on_site']"))
    on_site.locator("input[name$='-amount']").fill("0")
    page.click("form.linli-form button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text(
        "Ensure this value is greater than or equal to 0.01.")
    assert level.clocks.get(kind="on_site").amount == Decimal("20")
    on_site.locator("input[name$='-amount']").fill("15")
    page.screenshot(path=str(screenshot_dir / "servicedesk-configuration-level.png"),
                    full_page=True)
    page.click("form.linli-form button[type=submit]")
    expect(page.locator(f"tr[data-level='{level.pk}']")).to_contain_text(
        "On-site arrival 15 Calendar minutes")
    assert level.clocks.get(kind="on_site").amount == Decimal("15")

    # 2. Lift repairs go to security first, before any other rule of their rank.
    rule = RoutingRule.objects.get(tenant=desk.world.tenant,
                                   category=desk.category("电梯"))
    page.goto(f"{live_server.url}{reverse('servicedesk:config_rules')}")
    page.locator(f"tr[data-rule='{rule.pk}'] a", has_text="Edit").click()
    page.select_option("select[name='department']", str(desk.departments["security"].pk))
    page.fill("input[name='position']", "3")
    page.fill("input[name='note']", "电梯 → 秩序部")
    page.click("form.linli-form button[type=submit]")
    row = page.locator(f"tr[data-rule='{rule.pk}']")
    expect(row).to_contain_text("秩序部")
    expect(row).to_contain_text("电梯 → 秩序部")
    page.screenshot(path=str(screenshot_dir / "servicedesk-configuration-routing.png"),
                    full_page=True)
    rule.refresh_from_db()
    assert (rule.department, rule.position, rule.note) == (
        desk.departments["security"], 3, "电梯 → 秩序部")

    # 3. And it is switched off again through the confirmation dialog.
    row.locator(f"[data-bs-target='#deactivate-rule-{rule.pk}']").click()
    page.locator(f"#deactivate-rule-{rule.pk} button[type=submit]").click()
    expect(page.locator(f"tr[data-rule='{rule.pk}']")).to_contain_text("Inactive")
    rule.refresh_from_db()
    assert rule.is_active is False
    context.close()
