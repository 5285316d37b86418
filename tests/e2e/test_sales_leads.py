"""Browser test of leads and the pipeline (SAL-1, SAL-2): a rep registers a walk-in lead, a
second rep's registration of the same phone is refused with the protection message, the first
rep turns the lead into an opportunity, books a viewing and drags the card along the pipeline
board; a drop out of order is refused with its message and the card stays.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_sales.py.
"""

import datetime as dt
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
from django.utils import timezone  # noqa: E402

from linli.core.services import user_language_set  # noqa: E402
from linli.sales import services  # noqa: E402
from linli.sales.models import Appointment, Opportunity  # noqa: E402
from tests.builders import PASSWORD, make_world  # noqa: E402
from tests.sales.builders import make_rep, make_small_sales  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}


@pytest.fixture
def sales(transactional_db):
    world = make_world()
    sales = make_small_sales(world, name="翠湖苑", unit_number="101")
    services.lost_reasons_install(tenant=world.tenant)
    for username, name in (("zhang.san", "张三"), ("li.si", "李四")):
        rep = make_rep(world, name=username)
        rep.display_name = name
        rep.save(update_fields=["display_name"])
        user_language_set(actor=rep, user=rep, language="en")
    return sales


def _sign_in(browser, live_server, username):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    return page


def _register(page, live_server, sales):
    page.goto(f"{live_server.url}/sales/leads/")
    page.get_by_test_id("lead-new").click()
    page.select_option("select[name=project]", str(sales.project.pk))
    page.fill("input[name=phone]", "138 0013 8000")
    page.fill("input[name=name]", "王先生")
    page.select_option("select[name=channel]", "walk_in")
    page.fill("input[name=source]", "自然来访")
    page.get_by_role("button", name="Save").click()


def test_lead_protection_opportunity_and_pipeline(browser, live_server, sales, screenshot_dir):
    first = _sign_in(browser, live_server, "zhang.san")
    errors = []
    first.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _register(first, live_server, sales)
    expect(first.get_by_test_id("lead-owner")).to_have_text("张三")
    expect(first.get_by_test_id("lead-status")).to_have_text("Being worked")

    second = _sign_in(browser, live_server, "li.si")
    _register(second, live_server, sales)
    expect(second.locator("form.linli-form")).to_contain_text(
        "This customer is protected: 张三 owns them until")
    expect(second.get_by_test_id("dispute-offer")).to_be_visible()
    second.screenshot(path=str(screenshot_dir / "sales-lead-protected.png"), full_page=True)

    first.get_by_test_id("lead-convert").click()
    first.select_option("select[name=intention]", "effective")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_test_id("opportunity-stage")).to_have_text("New")
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3)).replace(
        hour=10, minute=30, second=0, microsecond=0)
    form = first.get_by_test_id("appointment-form")
    form.locator("input[name=starts_at]").fill(when.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=place]").fill("售楼处")
    form.get_by_role("button", name="Book").click()
    expect(first.get_by_test_id("appointments")).to_contain_text(when.strftime("%Y-%m-%d 10:30"))
    opportunity = Opportunity.objects.get()
    assert Appointment.objects.get().starts_at == when

    first.goto(f"{live_server.url}/sales/pipeline/")
    card = first.get_by_test_id(f"card-{opportunity.pk}")
    expect(first.get_by_test_id("column-new")).to_contain_text("王先生")
    card.drag_to(first.get_by_test_id("column-visited").locator("[data-drop]"))
    expect(first.get_by_test_id("column-visited")).to_contain_text("王先生")
    first.get_by_test_id(f"card-{opportunity.pk}").drag_to(
        first.get_by_test_id("column-viewing").locator("[data-drop]"))
    expect(first.get_by_test_id("column-viewing")).to_contain_text("王先生")
    # Out of order: viewing → won is refused; the message shows and the card stays.
    first.get_by_test_id(f"card-{opportunity.pk}").drag_to(
        first.get_by_test_id("column-won").locator("[data-drop]"))
    expect(first.locator("#linli-toasts").first).to_contain_text(
        "The opportunity is at Viewing units; it cannot move to Won.")
    expect(first.get_by_test_id("column-viewing")).to_contain_text("王先生")
    first.screenshot(path=str(screenshot_dir / "sales-pipeline.png"), full_page=True)
    opportunity.refresh_from_db()
    assert opportunity.stage == "viewing"
    assert [m.to_stage for m in opportunity.stage_moves.order_by("pk")] == [
        "new", "visited", "viewing"]
    assert errors == []
