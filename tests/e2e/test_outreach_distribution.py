"""Browser test of handbook distribution and subsidies: an operator creates an edition with
its document, schedules its e-mail distribution (the 13th of June 2026 is a Saturday, so it
goes on Monday the 15th), sends it and sees each company's status — sent, or failed with the
reason — then approves an agent's subsidy statement; a company without an account downloads
the handbook from its e-mail's link, and the operator sees that it did.

LINLI_SCREENSHOT_DIR=docs/img refreshes outreach-distribution-*.png.
"""

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.e2e.conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from django.core import mail  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from linli.core.services import user_language_set  # noqa: E402
from linli.outreach import services  # noqa: E402
from linli.outreach.models import DistributionChannel, SubsidyStatement  # noqa: E402
from tests.builders import make_user, make_world  # noqa: E402
from tests.e2e.test_outreach import DESKTOP, _sign_in  # noqa: E402
from tests.outreach.builders import make_agent, make_partner  # noqa: E402
from tests.outreach.distribution_builders import DISTRIBUTOR, make_edition  # noqa: E402


@pytest.fixture
def estate(transactional_db, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}
    world = make_world()
    agent = make_agent(world, "闽运代理", city="福州市")
    make_partner(world, "阳光物业", agent=agent, email="pm@yangguang.example.cn")
    make_partner(world, "明珠物业", agent=agent, email="office@mingzhu.example.cn")
    make_partner(world, "金桥物业", agent=agent)  # no e-mail address
    operator = make_user(world.tenant, world.root, DISTRIBUTOR, username="operator",
                         display_name="吴芳")
    user_language_set(actor=operator, user=operator, language="en")
    services.channels_install(tenant=world.tenant)
    services.subsidy_rule_create(actor=None, tenant=world.tenant, name="推广补贴",
                                 min_companies=2, min_offices=0, amount=Decimal("80.00"),
                                 valid_from=dt.date(2026, 1, 1))
    # Last month's paper round by the agent, two receipts confirmed by callback.
    paper = services.distribution_create(
        actor=None, tenant=world.tenant, org_unit=world.root,
        edition=make_edition(world, "产品手册 V2", month=dt.date(2026, 5, 1), version="2"),
        channel=DistributionChannel.objects.get(tenant=world.tenant, code="paper"),
        agent=agent)
    for to in ("scheduled", "sent"):
        services.distribution_transition(actor=None, distribution=paper, to=to)
    for recipient in paper.recipients.order_by("pk")[:2]:
        services.distribution_callback(actor=None, recipient=recipient, outcome="connected",
                                       received=True)
    services.statement_build(actor=None, agent=agent, month=dt.date(2026, 5, 1))
    return world


def test_an_operator_distributes_an_edition_and_approves_a_subsidy(
        browser, live_server, estate, screenshot_dir, tmp_path):
    page = browser.new_page(viewport=DESKTOP)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server, "operator")
    main = page.locator("main")

    sidebar = page.locator("aside.navbar-vertical")
    sidebar.locator("[data-module='outreach'] .dropdown-toggle").click()
    sidebar.get_by_role("link", name="Editions").click()
    page.locator("[data-action=new-edition]").click()
    main.locator("select[name=org_unit]").select_option(str(estate.root.pk))
    main.locator("select[name=kind]").select_option("handbook")
    main.locator("input[name=title]").fill("物业管理软件产品手册 V3")
    main.locator("input[name=version]").fill("3")
    main.locator("input[name=month]").fill("2026-06-01")
    handbook = tmp_path / "handbook-v3.pdf"
    handbook.write_bytes(b"%PDF-1.4\n% product handbook\n")
    main.locator("input[name=file]").set_input_files(str(handbook))
    main.get_by_role("button", name="Save").click()
    expect(page.locator("h1.page-title")).to_contain_text("物业管理软件产品手册 V3")

    page.locator("[data-action=new-distribution]").click()
    email = DistributionChannel.objects.get(tenant=estate.tenant, code="email")
    main.locator("select[name=org_unit]").select_option(str(estate.root.pk))
    main.locator("select[name=channel]").select_option(str(email.pk))
    main.get_by_role("button", name="Save").click()
    expect(main.locator("[data-field=scheduled_for]")).to_have_text("2026-06-15")
    page.locator("[data-move=schedule]").click()
    expect(page.locator("[data-status]")).to_contain_text("Scheduled")
    expect(main.locator("[data-delivery=queued]")).to_have_count(3)
    page.locator("[data-move=send]").click()
    expect(page.locator("[data-status]")).to_contain_text("Sent")
    expect(main.locator("[data-delivery=sent]")).to_have_count(2)
    failed = main.locator("tr", has=page.locator("[data-delivery=failed]"))
    expect(failed).to_contain_text("金桥物业")
    expect(failed).to_contain_text("The company has no valid e-mail address.")
    page.screenshot(path=str(screenshot_dir / "outreach-distribution.png"), full_page=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["office@mingzhu.example.cn",
                                                    "pm@yangguang.example.cn"]

    sidebar.locator("[data-module='outreach'] .dropdown-toggle").click()
    sidebar.get_by_role("link", name="Subsidy statements").click()
    main.get_by_role("link", name="闽运代理").click()
    expect(main.locator("[data-field=total]")).to_have_text("80.00")
    page.locator("[data-move=approve]").click()
    expect(page.locator("[data-status]")).to_contain_text("Approved")
    expect(main.locator("[data-field=approved_by]")).to_contain_text("吴芳")
    page.screenshot(path=str(screenshot_dir / "outreach-distribution-statement.png"))
    assert SubsidyStatement.objects.get().status == "approved"
    assert errors == []


def test_a_company_opens_its_handbook_link_without_an_account(
        browser, live_server, estate, settings, screenshot_dir):
    settings.LINLI_SITE_URL = live_server.url
    handbook = services.edition_create(
        actor=None, tenant=estate.tenant, org_unit=estate.root, kind="handbook",
        title="物业管理软件产品手册 V3", version="3", month=dt.date(2026, 6, 1),
        file=SimpleUploadedFile("handbook-v3.pdf", b"%PDF-1.4\n% product handbook\n"))
    distribution = services.distribution_create(
        actor=None, tenant=estate.tenant, org_unit=estate.root, edition=handbook,
        channel=DistributionChannel.objects.get(tenant=estate.tenant, code="email"))
    for to in ("scheduled", "sent"):
        services.distribution_transition(actor=None, distribution=distribution, to=to)
    message = next(m for m in mail.outbox if m.to == ["pm@yangguang.example.cn"])
    link = re.search(re.escape(live_server.url) + r"/outreach/download/[\w.:-]+/",
                     message.body).group(0)

    # The company, not signed in anywhere, clicks the link in its mailbox.
    company = browser.new_context(locale="en-US", accept_downloads=True, viewport=DESKTOP)
    page = company.new_page()
    page.set_content(f'<a href="{link}">物业管理软件产品手册 V3</a>')
    with page.expect_download() as download:
        page.get_by_role("link").click()
    assert download.value.suggested_filename.endswith("handbook-v3.pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    # A link cut short gets a page that says so.
    page.goto(link[:-8] + "/")
    expect(page.get_by_test_id("download-link")).to_be_visible()
    expect(page.locator("h1")).to_have_text("This download link is not valid")
    page.screenshot(path=str(screenshot_dir / "outreach-download-link.png"))
    company.close()

    # The operator sees who downloaded.
    page = browser.new_page(viewport=DESKTOP)
    _sign_in(page, live_server, "operator")
    page.goto(f"{live_server.url}/outreach/distributions/{distribution.pk}/")
    downloaded = page.locator("main tr", has=page.locator("[data-downloaded=yes]"))
    expect(downloaded).to_have_count(1)
    expect(downloaded).to_contain_text("阳光物业")
