"""Browser test of the directory: community list → community → building grid → unit → the
owner's 360° page → reveal of the masked phone (logged) → global search by pinyin initials.

Drives Debian's chromium through Playwright against pytest-django's live server, like
test_smoke.py. Set LINLI_SCREENSHOT_DIR=docs/img to refresh the screenshots used by the user
guide (directory-*.png).
"""

import os
import re

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (building the directory, reading the access log) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.e2e.conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from django.urls import reverse  # noqa: E402

from linli.core.personal_data.models import AccessLog  # noqa: E402
from linli.core.services import user_language_set  # noqa: E402
from linli.directory.models import Unit  # noqa: E402
from linli.directory.services import people as people_services  # noqa: E402
from linli.directory.services import property as property_services  # noqa: E402
from tests.builders import PASSWORD, make_user, make_world  # noqa: E402
from tests.directory.builders import (  # noqa: E402
    make_building,
    make_community,
    make_person,
    make_units,
)

DESKTOP = {"width": 1366, "height": 860}

# An office clerk's view of the directory, plus the right to see unmasked personal data.
VIEW_PERMS = [f"directory.view_{model}" for model in (
    "community", "building", "section", "layout", "unit", "zone",
    "person", "personphone", "unitrelation", "personrelation",
)]
REVEAL = "core.reveal_personal_data"

COMMUNITY = "阳光花园"
ROOM = "3-2-1502"
OWNER = "王建国"  # pinyin initials "wjg"
PHONE = "13812341502"
MASKED = "138****1502"
SHOWN = "138 1234 1502"  # the revealed number, in national format


@pytest.fixture
def directory(transactional_db):
    """阳光花园 with building 3 (sections 1 and 2, floors 14–15, two units a floor); 王建国 owns
    3-2-1502 (occupied), 王建军 owns 3-1-1501 (sold), 3-1-1402 is rented, the rest unsold."""
    world = make_world()
    community = make_community(world, COMMUNITY, city="杭州")
    make_community(world, "翠湖天地")
    building = make_building(community, "3", floors=18, sections=2)
    make_units(building, floors=(14, 15), units_per_floor=2)
    units = {unit.room_code: unit for unit in Unit.objects.filter(building=building)}
    for code, status in (("3-2-1502", "occupied"), ("3-1-1501", "sold"),
                         ("3-1-1402", "rented")):
        property_services.unit_update(actor=None, unit=units[code], status=status)
    owner = make_person(world, OWNER, phones=[PHONE])
    people_services.unit_relation_add(actor=None, person=owner, unit=units[ROOM], role="owner")
    neighbour = make_person(world, "王建军", phones=["13900001501"])
    people_services.unit_relation_add(actor=None, person=neighbour, unit=units["3-1-1501"],
                                      role="owner")
    return world, owner, units


def _office_user(world, perms, username):
    user = make_user(world.tenant, world.branch_a, perms=perms, username=username,
                     display_name="李娜")
    user_language_set(actor=user, user=user, language="en")  # the user guide is in English
    return user


def _sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")


def _background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_directory_walk_reveal_and_search(browser, live_server, directory, screenshot_dir):
    world, owner, units = directory
    clerk = _office_user(world, [*VIEW_PERMS, REVEAL], "li.na")
    phone = owner.phones.get()
    page = browser.new_page(viewport=DESKTOP)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    _sign_in(page, live_server, "li.na")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Community list, reached from the sidebar's Directory module.
    sidebar = page.locator("aside.navbar-vertical")
    sidebar.locator("[data-module='directory'] .dropdown-toggle").click()
    sidebar.get_by_role("link", name="Communities").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('directory:communities')}")
    expect(page.locator("h1.page-title")).to_have_text("Communities")
    main = page.locator("main")
    expect(main.get_by_role("link", name="翠湖天地")).to_be_visible()
    row = main.locator("tr", has=page.get_by_role("link", name=COMMUNITY, exact=True))
    expect(row).to_contain_text("华东分公司")
    expect(row).to_contain_text("杭州")
    expect(row.locator("td.text-end").first).to_have_text("8")  # units
    # Occupied or rented ÷ delivered units (the sold and unsold ones are not delivered yet).
    expect(row.locator("[data-rate=occupancy]")).to_have_text("100%")
    page.screenshot(path=str(screenshot_dir / "directory-communities.png"))

    # Community page: its buildings.
    row.get_by_role("link", name=COMMUNITY, exact=True).click()
    expect(page.locator("h1.page-title")).to_contain_text(COMMUNITY)
    expect(main.locator("[data-stat=buildings]")).to_have_text("1")
    expect(main.locator("[data-stat=units]")).to_have_text("8")
    building_row = main.locator("tr", has=page.get_by_role("link", name="Building 3"))
    expect(building_row.locator("td")).to_have_text(["Building 3", "12", "18", "8"])
    expect(building_row.locator(".badge")).to_have_text(["1", "2"])  # its sections
    page.screenshot(path=str(screenshot_dir / "directory-community.png"), full_page=True)

    # Building grid: floors top down, units coloured by status, owners' names on the tiles.
    building_row.get_by_role("link", name="Building 3").click()
    expect(page.locator("h1.page-title")).to_have_text(f"{COMMUNITY} · Building 3")
    grid = main.locator("table.linli-unit-grid")
    expect(grid.locator("tbody tr")).to_have_count(2)
    expect(grid.locator("tbody tr").first).to_have_attribute("data-floor", "15")
    expect(grid.locator("thead th")).to_have_text(["Floor", "Section 1", "Section 2"])
    legend = main.locator(".linli-grid-legend")
    expect(legend).to_contain_text("8 units")
    expect(legend.locator("[data-legend=unsold]")).to_have_text("Unsold · 5")
    expect(legend.locator("[data-legend=occupied]")).to_have_text("Occupied · 1")
    expect(legend.locator("[data-legend=sold]")).to_have_text("Sold · 1")
    expect(legend.locator("[data-legend=rented]")).to_have_text("Rented · 1")
    tile = grid.get_by_role("link", name=f"1502 {OWNER}")
    expect(tile).to_have_attribute("data-unit", ROOM)
    expect(tile).to_have_attribute("title", f"{ROOM} · Occupied")
    expect(tile).to_have_class(re.compile(r"\bbg-green-lt\b"))
    sold = grid.locator("a[data-unit='3-1-1501']")
    expect(sold).to_contain_text("王建军")
    expect(sold).to_have_class(re.compile(r"\bbg-azure-lt\b"))
    rented = grid.locator("a[data-unit='3-1-1402']")
    expect(rented).to_have_class(re.compile(r"\bbg-purple-lt\b"))
    unsold = grid.locator("a[data-unit='3-2-1402']")
    expect(unsold).to_have_text(re.compile(r"1402\s*—"))
    expect(unsold).to_have_class(re.compile(r"\bbg-secondary-lt\b"))
    # The colours really differ on screen (Tabler's stylesheet is applied).
    colours = {_background(t) for t in (tile, sold, rented, unsold)}
    assert len(colours) == 4, colours
    page.screenshot(path=str(screenshot_dir / "directory-building-grid.png"), full_page=True)

    # Unit page: room code, status and the people living there.
    tile.click()
    expect(page).to_have_url(
        f"{live_server.url}{reverse('directory:unit_detail', args=[units[ROOM].pk])}")
    expect(page.locator("h1.page-title")).to_have_text(re.compile(
        rf"^\s*{COMMUNITY}\s+{ROOM}\s+Occupied\s*$"))
    facts = main.locator("dl")
    expect(facts.locator("dt:has-text('Room code') + dd")).to_have_text(ROOM)
    expect(facts.locator("dt:has-text('Floor') + dd")).to_have_text("15")
    expect(facts.locator("dt:has-text('Section') + dd")).to_have_text("Section 2")
    people_now = main.locator(".card", has=page.get_by_role("heading", name="People now"))
    owner_row = people_now.locator("[data-relation=owner]")
    expect(owner_row).to_contain_text("Owner")
    page.screenshot(path=str(screenshot_dir / "directory-unit.png"), full_page=True)

    # The owner's 360° page: the phone is masked, the raw number is nowhere in the page.
    owner_row.get_by_role("link", name=OWNER).click()
    expect(page).to_have_url(
        f"{live_server.url}{reverse('directory:person_detail', args=[owner.pk])}")
    expect(page.locator("h1.page-title")).to_have_text(OWNER)
    expect(main.locator("[data-testid=units]")).to_contain_text(f"{COMMUNITY} {ROOM}")
    expect(main.locator("[data-testid=units]")).to_contain_text("Owner")
    profile = main.locator("[data-testid=profile]")
    expect(profile.locator("[data-testid=masked-value]")).to_have_text(MASKED)
    html = page.content()
    assert PHONE not in html and SHOWN not in html
    assert not AccessLog.objects.filter(user=clerk).exists()
    page.screenshot(path=str(screenshot_dir / "directory-person.png"), full_page=True)

    # Reveal: the full number replaces the masked one and the access is logged.
    profile.get_by_role("button", name="Show the full value").click()
    expect(profile.locator("[data-testid=revealed-value]")).to_have_text(SHOWN)
    expect(profile.locator("[data-testid=masked-value]")).to_have_count(0)
    expect(profile.get_by_role("button", name="Show the full value")).to_have_count(0)
    log = AccessLog.objects.get(user=clerk)
    assert (log.action, log.field, log.subject_id, log.tenant_id) == (
        "reveal", "number", str(phone.pk), world.tenant.pk)
    assert log.subject_type.model == "personphone"
    page.screenshot(path=str(screenshot_dir / "directory-person-revealed.png"))

    # Global search in the header: pinyin initials find the person, not the other 王.
    search_box = page.locator("header").get_by_role("searchbox", name="Search")
    search_box.press_sequentially("wjg")
    suggest = page.locator("header [data-testid=search-suggest]")
    hit = suggest.locator("a", has_text=OWNER)
    expect(hit).to_have_count(1)
    expect(hit).to_contain_text("Person")
    expect(hit).to_contain_text(f"{MASKED} · {COMMUNITY} {ROOM}")
    expect(suggest).not_to_contain_text("王建军")
    expect(suggest.get_by_role("link", name="See all results")).to_have_attribute(
        "href", f"{reverse('search')}?q=wjg")
    page.screenshot(path=str(screenshot_dir / "directory-search.png"))
    # Opening the hit loads the person page afresh: the number is masked again there, and
    # showing it would be a new, separately logged access.
    with page.expect_navigation(
            url=f"{live_server.url}{reverse('directory:person_detail', args=[owner.pk])}"):
        hit.click()
    expect(page.locator("h1.page-title")).to_have_text(OWNER)
    expect(profile.locator("[data-testid=masked-value]")).to_have_text(MASKED)
    expect(profile.locator("[data-testid=revealed-value]")).to_have_count(0)
    assert AccessLog.objects.filter(user=clerk).count() == 1
    assert console_errors == []


def test_without_the_reveal_right_the_phone_stays_masked(browser, live_server, directory):
    world, owner, _units = directory
    _office_user(world, VIEW_PERMS, "zhao.lei")
    page = browser.new_page(viewport=DESKTOP)
    _sign_in(page, live_server, "zhao.lei")
    page.goto(f"{live_server.url}{reverse('directory:person_detail', args=[owner.pk])}")
    profile = page.locator("main [data-testid=profile]")
    expect(profile.locator("[data-testid=masked-value]")).to_have_text(MASKED)
    expect(profile.get_by_role("button", name="Show the full value")).to_have_count(0)
    assert PHONE not in page.content()
    assert not AccessLog.objects.exists()
