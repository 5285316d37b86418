"""Browser test of sales: the sales manager opens the sales-control chart from the sidebar,
reads a unit's price on hover, quotes it (every step shown), reserves it and sees the chart
change colour.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_directory.py.
"""

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

from linli.core.services import user_language_set  # noqa: E402
from linli.sales import services  # noqa: E402
from linli.sales.registrations import MODELS  # noqa: E402
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402
from tests.sales.builders import START, make_sales  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}
PERMS = [*[f"sales.{a}_{m}" for m in MODELS for a in ("view", "add", "change")],
         "sales.approve_quote"]


@pytest.fixture
def sales(transactional_db):
    world = make_world()
    sales = make_sales(world, floors=12)
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    manager = make_user(world.tenant, world.branch_a, PERMS, username="sun.wei",
                        display_name="孙伟")
    user_language_set(actor=manager, user=manager, language="en")
    return sales


def _signed_in_sales_menu(page, live_server):
    """Signs the manager in and opens the sidebar's sales menu."""
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", "sun.wei")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    sidebar = page.locator("aside.navbar-vertical")
    sidebar.locator("[data-module='sales'] .dropdown-toggle").click()
    return sidebar


def test_chart_quote_and_reservation(browser, live_server, sales, screenshot_dir):
    page = browser.new_page(viewport=DESKTOP)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    sidebar = _signed_in_sales_menu(page, live_server)
    sidebar.get_by_role("link", name="Sales-control chart").click()
    expect(page.locator("h1.page-title")).to_have_text("Sales-control chart")
    main = page.locator("main")
    expect(main.locator("[data-legend=available]")).to_have_text("Available · 24")
    tile = main.locator("[data-room='1-1201']")
    expect(tile).to_have_attribute("data-status", "available")
    # The price on hover: 85 m², floor 12, full south → 1,472,625 after the ×0.9 discount.
    expect(tile).to_have_attribute("title", "1-1201 · Available · 85.00 m² · South · "
                                            "List price 1,472,625 (19,250.00/m²)")
    green = tile.evaluate("el => getComputedStyle(el).backgroundColor")
    page.screenshot(path=str(screenshot_dir / "sales-chart.png"), full_page=True)

    tile.click()
    expect(page.locator("[data-testid=sale-status]")).to_have_text("Available")
    page.get_by_role("link", name="Quote", exact=True).click()
    page.get_by_role("button", name="Save").click()
    steps = page.locator("[data-testid=quote-steps] tbody tr")
    expect(steps).to_have_count(8)
    expect(page.locator("[data-step=floor] td").nth(2)).to_have_text("+6500.00")
    expect(page.locator("[data-testid=quote-total]")).to_have_text("1,472,625")
    expect(page.locator("[data-testid=quote-approval]")).to_have_text("Not needed")
    page.screenshot(path=str(screenshot_dir / "sales-quote.png"), full_page=True)

    page.get_by_role("link", name="1-1201").click()
    page.get_by_role("button", name="Make Reserved").click()
    expect(page.locator("[data-testid=sale-status]")).to_have_text("Reserved")
    page.locator(".linli-page-actions").get_by_role("link", name="Sales-control chart").click()
    tile = page.locator("main [data-room='1-1201']")
    expect(tile).to_have_attribute("data-status", "reserved")
    assert tile.evaluate("el => getComputedStyle(el).backgroundColor") != green
    expect(page.locator("main [data-legend=reserved]")).to_have_text("Reserved · 1")
    assert console_errors == []


def test_a_rule_revised_on_screen_reprices_the_building(browser, live_server, sales,
                                                        screenshot_dir):
    """The manager raises the full-south coefficient from today, re-prices the building after
    the preview, and the chart's price on hover follows."""
    from linli.sales.models import PriceRule

    south = PriceRule.objects.get(price_list=sales.price_list, orientation="south")
    page = browser.new_page(viewport=DESKTOP)
    sidebar = _signed_in_sales_menu(page, live_server)
    sidebar.get_by_role("link", name="Price lists").click()
    page.locator("main [data-price-list] a").first.click()
    page.locator(f"[data-revise='{south.pk}']").click()
    expect(page.locator("input[name=factor]")).to_have_value("1.1000")
    page.fill("input[name=factor]", "1.15")
    page.screenshot(path=str(screenshot_dir / "sales-rule-revise.png"), full_page=True)
    page.get_by_role("button", name="Save the new version").click()
    expect(page.locator("#linli-toasts")).to_contain_text("Rule revised")
    expect(page.locator(f"[data-revise='{south.pk}']")).to_have_count(0)
    expect(page.locator("main tr[data-rule]", has_text="v2")).to_have_count(1)

    page.get_by_role("link", name="Re-price the building").click()
    expect(page.locator("[data-testid=reprice-summary]")).to_have_text("12 prices change.")
    page.get_by_role("button", name="Apply these prices").click()
    page.goto(f"{live_server.url}/sales/chart/")
    # 85 m², floor 12, full south: 17,500 × 1.15 = 20,125/m²; × 85 × 0.9 = 1,539,562.5 → yuan.
    expect(page.locator("main [data-room='1-1201']")).to_have_attribute(
        "title", "1-1201 · Available · 85.00 m² · South · List price 1,539,563 (20,125.00/m²)")
