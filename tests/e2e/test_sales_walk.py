"""Browser test of the whole sale (SAL-1…3, SAL-5): a rep registers a walk-in lead, turns it
into an opportunity and walks it to negotiating, quotes a unit from the sales-control chart,
subscribes it for the opportunity (which is won) while the chart, open in another tab, shows the
unit taken without a reload, signs the contract, records a payment and sees the unit change
colour on the chart.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_sales_deals.py.
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
from linli.sales.models import Opportunity, Quote, Subscription  # noqa: E402
from linli.sales.registrations import MODELS  # noqa: E402
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402
from tests.sales.builders import REP_PERMS, START, make_sales  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}
PERMS = sorted({*REP_PERMS, *[f"sales.{a}_{m}" for m in MODELS for a in ("view", "add", "change")],
                "directory.view_person"})


@pytest.fixture
def sales(transactional_db):
    world = make_world()
    sales = make_sales(world, floors=12, name="翠湖苑")
    services.reprice_apply(actor=None, price_list=sales.price_list, on=START)
    rep = make_user(world.tenant, world.branch_a, PERMS, username="liu.ting",
                    display_name="刘婷")
    user_language_set(actor=rep, user=rep, language="en")
    return sales


def test_lead_to_payment_and_the_chart_changes(browser, live_server, sales, screenshot_dir):
    page = browser.new_context(viewport=DESKTOP).new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", "liu.ting")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")

    # The chart before, left open in a second tab: the unit is on sale.
    watcher = page.context.new_page()
    watcher.goto(f"{live_server.url}{reverse('sales:chart')}")
    watched = watcher.locator("main [data-room='1-1201']")
    expect(watched).to_have_attribute("data-status", "available")
    green = watched.evaluate("el => getComputedStyle(el).backgroundColor")

    # A walk-in lead, turned into an opportunity and walked to negotiating.
    page.goto(f"{live_server.url}/sales/leads/")
    page.get_by_test_id("lead-new").click()
    page.select_option("select[name=project]", str(sales.project.pk))
    page.fill("input[name=phone]", "138 0013 8000")
    page.fill("input[name=name]", "王先生")
    page.select_option("select[name=channel]", "walk_in")
    page.fill("input[name=source]", "自然来访")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("lead-owner")).to_have_text("刘婷")
    page.get_by_test_id("lead-convert").click()
    page.select_option("select[name=intention]", "certain")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("opportunity-stage")).to_have_text("New")
    opportunity_url = page.url
    for stage in ("Visited", "Viewing units", "Negotiating"):
        page.get_by_role("button", name=f"Move to {stage}").click()
        expect(page.get_by_test_id("opportunity-stage")).to_have_text(stage)
    expect(page.get_by_role("button", name="Move to Won")).to_have_count(0)

    # A quote of the unit, from the chart.
    page.goto(f"{live_server.url}{reverse('sales:chart')}")
    page.locator("main [data-room='1-1201']").click()
    page.locator(".linli-page-actions").get_by_role("link", name="Quote").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Total1,472,625")
    quote = Quote.objects.get()
    expect(page).to_have_url(f"{live_server.url}/sales/quotes/{quote.pk}/")

    # Subscribed for the opportunity, at the quote, with a 50,000 deposit: the opportunity is won.
    page.goto(opportunity_url)
    page.get_by_test_id("subscribe-unit").click()
    page.select_option("select[name=sale_unit]", str(sales.unit(12).pk))
    page.select_option("select[name=quote]", str(quote.pk))
    page.fill("input[name=deposit]", "50000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("subscription-status")).to_have_text("Active")
    expect(page.get_by_test_id("subscription-total")).to_have_text(f"{quote.total:,.0f}")
    expect(page.get_by_test_id("subscription-opportunity")).to_have_text("Won")
    page.screenshot(path=str(screenshot_dir / "sales-walk-subscription.png"), full_page=True)
    # The open chart refreshes itself (every 15 seconds) and shows the unit subscribed.
    expect(watched).to_have_attribute("data-status", "subscribed", timeout=40_000)
    expect(watcher.locator("main [data-legend=subscribed]")).to_have_text("Subscribed · 1")

    # The contract paid in full on signing; the deposit counts, a payment of 100,000 follows.
    page.get_by_role("link", name="Sign the contract").click()
    page.select_option("select[name=plan_kind]", "full")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("Signed")
    rest = quote.total - 50000
    expect(page.get_by_test_id("contract-receivable")).to_have_text(f"{rest:,.0f}")
    form = page.locator("#payment-form")
    form.locator("input[name=amount]").fill("100000")
    form.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_test_id("contract-receivable")).to_have_text(f"{rest - 100000:,.0f}")

    # The chart after: contracted, in another colour; the opportunity shows its sale.
    page.goto(f"{live_server.url}{reverse('sales:chart')}")
    tile = page.locator("main [data-room='1-1201']")
    expect(tile).to_have_attribute("data-status", "contracted")
    assert tile.evaluate("el => getComputedStyle(el).backgroundColor") != green
    page.goto(opportunity_url)
    expect(page.get_by_test_id("opportunity-stage")).to_have_text("Won")
    expect(page.get_by_test_id("opportunity-subscriptions")).to_contain_text(
        Subscription.objects.get().number)
    assert Opportunity.objects.get().stage == "won"
    assert errors == []
