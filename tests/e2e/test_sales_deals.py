"""Browser test of sales deals (SAL-3): from the sales-control chart the sales manager
subscribes a unit with a deposit, signs its contract on a mortgage plan, records a payment
against the plan and sees the unit's new colour on the chart.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_sales.py.
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
from tests.directory.builders import make_person  # noqa: E402
from tests.sales.builders import START, make_sales  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}
PERMS = [*[f"sales.{a}_{m}" for m in MODELS for a in ("view", "add", "change")],
         "sales.approve_subscription", "directory.view_person"]


@pytest.fixture
def sales(transactional_db):
    world = make_world()
    sales = make_sales(world, floors=12)
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    make_person(world, "王芳")
    manager = make_user(world.tenant, world.branch_a, PERMS, username="sun.wei",
                        display_name="孙伟")
    user_language_set(actor=manager, user=manager, language="en")
    return sales


def test_subscribe_sign_and_pay_from_the_chart(browser, live_server, sales, screenshot_dir):
    page = browser.new_page(viewport=DESKTOP)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", "sun.wei")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")

    page.goto(f"{live_server.url}{reverse('sales:chart')}")
    tile = page.locator("main [data-room='1-1201']")
    expect(tile).to_have_attribute("data-status", "available")
    green = tile.evaluate("el => getComputedStyle(el).backgroundColor")
    tile.click()
    page.locator(".linli-page-actions").get_by_role("link", name="Subscribe").click()

    # Subscribe: find the buyer, choose her, a 50,000 deposit at the list price.
    page.get_by_test_id("buyer-search").fill("王芳")
    page.get_by_role("button", name="Find the buyer").click()
    page.get_by_label("王芳", exact=False).check()
    page.fill("input[name=deposit]", "50000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("subscription-status")).to_have_text("Active")
    expect(page.get_by_test_id("subscription-total")).to_have_text("1,472,625")
    page.screenshot(path=str(screenshot_dir / "sales-subscription.png"), full_page=True)

    # The contract on a mortgage: 442,625 down, 1,030,000 from the bank.
    page.get_by_role("link", name="Sign the contract").click()
    page.select_option("select[name=plan_kind]", "mortgage")
    page.fill("input[name=down_payment]", "442625")
    page.fill("input[name=loan_amount]", "1030000")
    page.fill("input[name=bank]", "工商银行")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("Signed")
    lines = page.locator("[data-testid=plan-lines] tbody tr")
    expect(lines).to_have_count(2)
    # The deposit is carried over to the down payment.
    expect(page.locator("[data-line='1'] [data-receivable]")).to_have_text("392,625")
    expect(page.get_by_test_id("contract-receivable")).to_have_text("1,422,625")

    # A payment of the rest of the down payment; one more yuan would be refused.
    form = page.locator("#payment-form")
    form.locator("input[name=amount]").fill("392626")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("alert")).to_contain_text("above the balance of line 1")
    expect(page.get_by_test_id("contract-receivable")).to_have_text("1,422,625")
    form = page.locator("#payment-form")
    form.locator("input[name=amount]").fill("392625")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.locator("[data-line='1'] [data-receivable]")).to_have_text("0")
    expect(page.get_by_test_id("contract-receivable")).to_have_text("1,030,000")
    page.screenshot(path=str(screenshot_dir / "sales-contract.png"), full_page=True)

    # The chart shows the unit contracted, in another colour.
    page.goto(f"{live_server.url}{reverse('sales:chart')}")
    tile = page.locator("main [data-room='1-1201']")
    expect(tile).to_have_attribute("data-status", "contracted")
    assert tile.evaluate("el => getComputedStyle(el).backgroundColor") != green
    expect(page.locator("main [data-legend=contracted]")).to_have_text("Contracted · 1")
    assert console_errors == []
