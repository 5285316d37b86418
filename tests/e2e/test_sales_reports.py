"""Browser test of the sales reports (SAL-6): the sales manager opens "Sales reports" from the
menu, reads the funnel's figures and chart, filters the receivables by a later day to see the
overdue loan, and downloads the rep report as an Excel workbook.

Drives Debian's chromium through Playwright against pytest-django's live server, over the
hand-built book of tests/sales/test_reports.py.
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
from openpyxl import load_workbook  # noqa: E402

from linli.core.services import user_language_set  # noqa: E402
from tests.builders import PASSWORD, make_world  # noqa: E402
from tests.sales.builders import ReportBook  # noqa: E402

DESKTOP = {"width": 1366, "height": 860}


@pytest.fixture
def book(transactional_db):
    book = ReportBook(make_world())
    user_language_set(actor=book.viewer, user=book.viewer, language="en")
    return book


def test_read_the_reports_and_download_one(browser, live_server, book, screenshot_dir,
                                           tmp_path):
    page = browser.new_page(viewport=DESKTOP, accept_downloads=True)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}{reverse('login')}")
    page.fill("input[name=username]", book.viewer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{reverse('home')}")

    # The menu leads to the funnel: its figures, its table and its chart.
    page.get_by_role("link", name="Sales reports").first.click()
    expect(page).to_have_url(f"{live_server.url}/sales/reports/funnel/")
    expect(page.locator("[data-figure='1']")).to_have_text("8")
    expect(page.locator("[data-figure='4']")).to_have_text("12.5%")
    steps = page.locator("[data-section='steps']")
    expect(steps.locator("tr[data-row='Won'] td")).to_have_text(["Won", "1", "50.0%", "12.5%"])
    expect(page.locator("#chart-steps canvas")).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "sales-report-funnel.png"), full_page=True)

    # Receivables 40 days on: the mortgage loan is overdue too.
    page.locator("[data-report='receivables']").click()
    expect(page.locator("[data-figure='5']")).to_have_text("0")
    later = (book.today + dt.timedelta(days=40)).isoformat()
    page.fill("input[name=as_of]", later)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("report-period-text")).to_have_text(f"As of {later}")
    expect(page.locator("[data-figure='5']")).to_have_text("1,302,850")

    # The rep report as a workbook.
    page.locator("[data-report='reps']").click()
    expect(page.locator("[data-section='reps'] tr[data-row='李娜'] td").nth(7)).to_have_text(
        "1,472,850")
    with page.expect_download() as download_info:
        page.get_by_test_id("report-export").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.suffix == ".xlsx"
    rows = [tuple(c.value for c in row) for row in load_workbook(target).active.iter_rows()]
    assert ("Per rep", "李娜", "Contracted amount", 1472850) in rows

    assert console_errors == []

    # A period that ends before it starts is refused with a clear message.
    page.goto(f"{live_server.url}/sales/reports/lost/?start=2026-03-31&end=2026-03-01")
    expect(page.get_by_test_id("period-error")).to_have_text("The end comes before the start.")
