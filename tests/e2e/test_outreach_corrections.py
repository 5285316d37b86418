"""Browser test of the contact correction (OUT-3): an operator opens a company on the
correction list, records a corrected mobile found online, moves the company to "Verify",
accepts the correction after calling, and sees the company go to "In use" with the new number
in its contact details.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_outreach.py.
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

from linli.core.services import user_language_set  # noqa: E402
from linli.directory.models import Contact  # noqa: E402
from linli.outreach import services  # noqa: E402
from tests.builders import make_user, make_world  # noqa: E402
from tests.e2e.test_outreach import DESKTOP, _sign_in  # noqa: E402
from tests.outreach.builders import make_agent, make_partner  # noqa: E402
from tests.outreach.test_corrections import CORRECTOR  # noqa: E402


@pytest.fixture
def company(transactional_db):
    world = make_world()
    agent = make_agent(world, "闽运代理", city="福州市")
    partner = make_partner(world, "阳光物业", agent=agent, contact_name="李经理",
                           contact_mobile="13812340000")
    operator = make_user(world.tenant, world.root, CORRECTOR, username="operator",
                         display_name="吴芳")
    user_language_set(actor=operator, user=operator, language="en")
    services.reviews_open(actor=None, tenant=world.tenant, partners=[partner])
    return partner


def test_operator_corrects_verifies_and_puts_in_use(browser, live_server, company):
    page = browser.new_page(viewport=DESKTOP)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server, "operator")

    sidebar = page.locator("aside.navbar-vertical")
    sidebar.locator("[data-module='outreach'] .dropdown-toggle").click()
    sidebar.get_by_role("link", name="Contact correction").click()
    main = page.locator("main")
    main.get_by_role("link", name="阳光物业").click()
    expect(page.locator("[data-phase]")).to_have_attribute("data-phase", "sort_correct")

    form = page.locator("form[data-form=correction]")
    form.locator("select[name=field]").select_option("contact_mobile")
    form.locator("input[name=new_value]").fill("139 1234 5678")
    form.locator("select[name=source]").select_option("online_research")
    form.get_by_role("button", name="Record correction").click()
    expect(page.locator("#linli-toasts")).to_contain_text("Correction recorded")
    row = page.locator("tr[data-correction]")
    expect(row).to_contain_text("+8613912345678")
    expect(row).to_contain_text("To verify")

    phase = page.locator("form[data-form=phase]")
    phase.locator("select[name=phase]").select_option("verify")
    phase.get_by_role("button", name="Move").click()
    expect(page.locator("[data-phase]")).to_have_attribute("data-phase", "verify")

    page.locator("form[data-form=verify]").get_by_role("button", name="Accept").click()
    expect(page.locator("#linli-toasts")).to_contain_text("written to the directory")
    expect(page.locator("tr[data-correction]")).to_contain_text("Accepted")

    phase = page.locator("form[data-form=phase]")
    phase.locator("select[name=phase]").select_option("in_use")
    phase.get_by_role("button", name="Move").click()
    expect(page.locator("[data-phase]")).to_have_attribute("data-phase", "in_use")
    expect(page.locator("main")).to_contain_text("139 1234 5678")
    assert Contact.objects.get(organization=company.organization).mobile == "+8613912345678"
    assert errors == []
