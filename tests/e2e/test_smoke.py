"""Browser smoke test of the shell: sign in, home, language switch, phone layout, sign out.

Drives Debian's chromium through Playwright against pytest-django's live server. Set
LINLI_SCREENSHOT_DIR=docs/img to refresh the screenshots used by the user guide.
"""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (creating users) are still plain synchronous code.
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
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def staff(transactional_db):
    """An office manager: the organisation screens and the working calendar."""
    world = make_world()
    return make_user(world.tenant, perms=["accounts.view_orgunit", "accounts.view_user",
                                          "accounts.view_role", "core.view_calendarday"],
                     username="zhang.wei", display_name="张伟")


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")


def _switch_language(page, language: str) -> None:
    page.click("header .nav-link[aria-label] .ti-language")
    page.click(f"header button[data-language='{language}']")
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_sign_in_home_and_language_switch(browser, live_server, staff, screenshot_dir):
    page = browser.new_page(viewport=DESKTOP)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}{reverse('login')}")
    page.screenshot(path=str(screenshot_dir / "shell-login.png"))
    _sign_in(page, live_server, "zhang.wei")
    # The user's saved language (zh-hans, the default) applies from sign-in on.
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1.page-title")).to_contain_text("张伟")
    expect(page.locator("aside.navbar-vertical")).to_be_visible()
    expect(page.locator("aside [data-module='accounts']")).to_be_visible()

    _switch_language(page, "en")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")
    expect(page.locator("h1.page-title")).to_contain_text("张伟")
    expect(page.locator("aside .nav-link-title").first).to_have_text("Home")
    staff.refresh_from_db()
    assert staff.language == "en"
    page.screenshot(path=str(screenshot_dir / "shell-home-desktop.png"))

    _switch_language(page, "zh-hans")
    staff.refresh_from_db()
    assert staff.language == "zh-hans"

    # The module's menu opens in the sidebar.
    page.click("aside [data-module='accounts'] .dropdown-toggle")
    expect(page.locator("#module-accounts")).to_be_visible()

    page.click("header [data-bs-toggle='dropdown'] .avatar")
    page.click("header form[action='/accounts/logout/'] button")
    expect(page).to_have_url(f"{live_server.url}{reverse('login')}")
    assert console_errors == []


def test_phone_layout_collapses_the_sidebar(browser, live_server, staff, screenshot_dir):
    user_language_set(actor=staff, user=staff, language="en")
    page = browser.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    _sign_in(page, live_server, "zhang.wei")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    toggler = page.locator("aside .navbar-toggler")
    expect(toggler).to_be_visible()
    expect(page.locator("#sidebar-menu")).to_be_hidden()
    expect(page.locator("header.linli-topbar")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "shell-home-phone.png"), full_page=True)
    toggler.click()
    page.wait_for_selector("#sidebar-menu.collapse.show")  # the opening animation is over
    expect(page.locator("#sidebar-menu [data-module='accounts']")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "shell-menu-phone.png"))
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_wrong_password_then_lockout_page(browser, live_server, staff, screenshot_dir):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{live_server.url}{reverse('login')}")
    for _attempt in range(4):
        page.fill("input[name=username]", "zhang.wei")
        page.fill("input[name=password]", "not-the-password")
        page.click("button[type=submit]")
        expect(page.locator("[data-testid=login-error]")).to_be_visible()
    page.fill("input[name=username]", "zhang.wei")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("[data-testid=locked-out]")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "shell-locked-out.png"))


def test_inbox_from_the_bell(browser, live_server, staff):
    from linli.core.notifications.services import notify

    notify(tenant=staff.tenant_id, event="jobs.succeeded", recipients=[staff],
           context={"label": "导入用户", "message": "12 行"})
    page = browser.new_page(viewport=DESKTOP)
    _sign_in(page, live_server, "zhang.wei")
    bell = page.locator("header #notifications-badge")
    expect(bell.locator("[data-testid=unread-count]")).to_have_text("1")
    bell.click()
    expect(page).to_have_url(f"{live_server.url}{reverse('notifications:inbox')}")
    expect(page.locator("main")).to_contain_text("已完成：导入用户")


def test_export_the_users_list(browser, live_server, staff, tmp_path):
    page = browser.new_page(viewport=DESKTOP, accept_downloads=True)
    _sign_in(page, live_server, "zhang.wei")
    page.goto(f"{live_server.url}{reverse('accounts:users')}?q=zhang")
    expect(page.locator("main")).to_contain_text("zhang.wei")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-csv]")
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.suffix == ".csv"
    text = target.read_text(encoding="utf-8-sig")
    rows = [line for line in text.splitlines() if line]
    assert len(rows) == 2  # header + the one user the filter keeps
    assert "zhang.wei" in rows[1]
    assert "张伟" in rows[1]
