"""Browser test of a callback campaign: the campaign runner shares the calls, then a caller
walks through the list on the caller's screen — script, company, outcome, next — until nothing
is left, and the campaign's outcome table shows the counts and shares.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_directory.py. LINLI_SCREENSHOT_DIR=docs/img refreshes outreach-*.png.
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
from linli.outreach import services  # noqa: E402
from linli.outreach.models import CallAttempt  # noqa: E402
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402
from tests.outreach.builders import make_agent, make_partner  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}
CALLER = ["outreach.view_campaign", "outreach.view_calltask", "outreach.call_calltask",
          "outreach.view_partner", "directory.view_contact", "outreach.view_callattempt"]
SCRIPT = "您好，这里是邻里云平台客服部，我们正在回访已签约的物业公司。"
COMPANIES = ["阳光物业", "明珠物业", "金桥物业"]


@pytest.fixture
def campaign(transactional_db):
    world = make_world()
    agent = make_agent(world, "闽运代理", city="福州市")
    for n, name in enumerate(COMPANIES):
        make_partner(world, name, agent=agent, contact_name=f"经理{n}",
                     contact_mobile=f"1381234000{n}")
    caller = make_user(world.tenant, world.root, CALLER, username="caller",
                       display_name="吴芳")
    user_language_set(actor=caller, user=caller, language="en")
    campaign = services.campaign_create(actor=None, tenant=world.tenant, org_unit=world.root,
                                        name="第一轮回访", phase="第一轮", script=SCRIPT)
    services.campaign_assign(actor=None, campaign=campaign, callers=[caller])
    return campaign


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")


def test_a_caller_walks_through_a_campaign(browser, live_server, campaign, screenshot_dir):
    page = browser.new_page(viewport=DESKTOP)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server, "caller")

    sidebar = page.locator("aside.navbar-vertical")
    sidebar.locator("[data-module='outreach'] .dropdown-toggle").click()
    sidebar.get_by_role("link", name="Callback campaigns").click()
    main = page.locator("main")
    main.get_by_role("link", name="第一轮回访").click()
    expect(page.locator("h1.page-title")).to_contain_text("第一轮回访")
    page.get_by_role("link", name="Start calling").click()

    for name, outcome, label in ((COMPANIES[0], "connected", "Connected"),
                                 (COMPANIES[1], "refused", "Refused"),
                                 (COMPANIES[2], "unreachable", "Unreachable or wrong number")):
        expect(main.locator("[data-company]")).to_have_text(name)
        expect(main.locator("[data-script]")).to_contain_text(SCRIPT)
        if name == COMPANIES[0]:
            expect(main).to_contain_text("138 1234 0000")
            page.screenshot(path=str(screenshot_dir / "outreach-call-screen.png"))
        main.locator(f"input[name=outcome][value={outcome}]").check()
        main.get_by_role("button", name="Log the call and go to the next").click()
        expect(page.locator("#linli-toasts")).to_contain_text(f"Call to {name} logged: {label}.")

    # Refused gets a second call only after 72 hours: nothing is due now.
    expect(main).to_contain_text("Nothing to call now")
    page.get_by_role("link", name="Back to the campaign").click()
    table = main.locator("[data-outcome-table]")
    expect(table.locator("[data-total]")).to_have_text("3")
    expect(table.locator("[data-count=connected]")).to_have_text("1")
    expect(table.locator("[data-share=refused]")).to_have_text("33%")
    expect(table.locator("[data-share=unreachable]")).to_have_text("33%")
    expect(table.locator("[data-share=no_answer]")).to_have_text("0%")
    page.screenshot(path=str(screenshot_dir / "outreach-campaign.png"))
    assert CallAttempt.objects.count() == 3
    assert errors == []
