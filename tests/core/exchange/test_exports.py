"""Exports: formula cells made inert, BOM, translated headers, the filtered list, permissions."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from linli.core.exchange.exports import ExportColumn, export_response
from tests.builders import make_user

ROWS = [
    {"text": "=1+1", "number": Decimal("-5.50"), "flag": True,
     "at": dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC)},
    {"text": "+86 138", "number": 7, "flag": False, "at": None},
    {"text": "-2", "number": None, "flag": None, "at": None},
    {"text": "@SUM(A1)", "number": None, "flag": None, "at": None},
    {"text": "\tcmd", "number": None, "flag": None, "at": None},
    {"text": "\rcmd", "number": None, "flag": None, "at": None},
    {"text": "张三 = ok", "number": None, "flag": None, "at": None},
]
COLUMNS = [
    ExportColumn(gettext_lazy("Name"), "text"),
    ExportColumn(gettext_lazy("Amount"), "number"),
    ExportColumn(gettext_lazy("Active"), "flag"),
    ExportColumn(gettext_lazy("Created at"), "at"),
]


def today() -> str:
    return f"{timezone.localdate():%Y%m%d}"


def read_csv(response) -> tuple[str, list[list[str]]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_starts_with_a_bom_and_makes_formula_cells_inert():
    response = export_response(iter(ROWS), COLUMNS, "用户", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''%E7%94%A8%E6%88%B7-{today()}.csv"
    )
    text, rows = read_csv(response)
    assert text.startswith("\ufeffName,Amount,Active,Created at\r\n")
    assert rows[1:] == [
        ["'=1+1", "-5.50", "Yes", "2026-03-01 09:30:00"],
        ["'+86 138", "7", "No", ""],
        ["'-2", "", "", ""],
        ["'@SUM(A1)", "", "", ""],
        ["'\tcmd", "", "", ""],
        ["'\rcmd", "", "", ""],
        ["张三 = ok", "", "", ""],
    ]


def test_headers_follow_the_language():
    with translation.override("zh-hans"):
        response = export_response([], [ExportColumn(gettext_lazy("Name"), "text")], "x", "csv")
        header = b"".join(response.streaming_content).decode("utf-8")
    with translation.override("zh-hans"):
        expected = str(gettext_lazy("Name"))
    assert header == f"\ufeff{expected}\r\n"


def test_xlsx_keeps_numbers_and_dates_typed_and_formulas_inert():
    response = export_response(ROWS, COLUMNS, "units", "xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="units-{today()}.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "units"
    assert [c.value for c in sheet[1]] == ["Name", "Amount", "Active", "Created at"]
    assert sheet["A1"].font.b
    # (XML reads a stored CR back as LF; the quote in front is what matters.)
    assert [sheet.cell(row=r, column=1).value for r in range(2, 9)] == [
        "'=1+1", "'+86 138", "'-2", "'@SUM(A1)", "'\tcmd", "'\ncmd", "张三 = ok",
    ]
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 9))
    assert sheet["B2"].value == -5.5
    assert sheet["B3"].value == 7
    assert (sheet["C2"].value, sheet["C3"].value) == ("Yes", "No")
    # Aware times are written in the site's time zone (Asia/Shanghai).
    assert sheet["D2"].value == dt.datetime(2026, 3, 1, 9, 30)
    assert sheet.freeze_panes == "A2"


def test_xlsx_drops_control_characters_excel_cannot_store():
    response = export_response([{"text": "bell\x07end"}], COLUMNS[:1], "x", "xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].value == "bellend"


def test_a_long_generator_streams_as_csv():
    rows = ({"text": f"row {i}"} for i in range(100_000))
    response = export_response(rows, COLUMNS[:1], "big", "csv")
    chunks = iter(response.streaming_content)
    assert next(chunks) == "\ufeffName\r\n".encode()
    assert sum(1 for _chunk in chunks) == 100_000


@pytest.mark.django_db
@pytest.mark.urls("tests.core.exchange.urls")
def test_export_mixin_exports_the_current_filtered_list_unpaginated(client, world):
    user = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    client.force_login(user)
    listing = client.get("/test/units/?q=分公司")
    assert [u.name for u in listing.context["object_list"]] == ["华南分公司"]  # one per page
    response = client.get("/test/units/?q=分公司&page=2&export=csv")
    assert response.status_code == 200
    _text, rows = read_csv(response)
    assert rows == [
        ["Name", "Parent", "Kind", "Depth"],
        ["华南分公司", "物业甲", "Branch / region", "1"],
        ["华东分公司", "物业甲", "Branch / region", "1"],
    ]
    response = client.get("/test/units/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    # The view's ordering (name descending, by code point) is kept.
    assert [c.value for c in sheet["A"]] == ["Name", "物业甲", "工程部", "华南分公司",
                                             "华东分公司"]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.exchange.urls")
def test_choice_labels_are_written_in_each_exporters_language(client, world):
    """A choice's label is looked up once per field and language, not once per row; each
    export still speaks its own user's language, whichever language exported first."""
    user = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    client.force_login(user)
    kinds = {}
    for language in ("zh-hans", "en", "zh-hans"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        _text, rows = read_csv(client.get("/test/units/?q=华南&export=csv"))
        kinds.setdefault(language, set()).add(rows[1][2])
    assert kinds == {"zh-hans": {"分公司 / 区域"}, "en": {"Branch / region"}}


@pytest.mark.django_db
@pytest.mark.urls("tests.core.exchange.urls")
def test_another_tenants_user_exports_only_their_own_rows(client, world):
    outsider = make_user(world.other_tenant, world.other_root, ["accounts.view_orgunit"])
    client.force_login(outsider)
    _text, rows = read_csv(client.get("/test/units/?export=csv"))
    assert rows == [["Name", "Parent", "Kind", "Depth"], ["开发商乙", "", "Company", "0"]]


@pytest.mark.django_db
@pytest.mark.urls("tests.core.exchange.urls")
def test_export_refusals(client, world):
    user = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    assert client.get("/test/units/?export=csv").status_code == 302  # signed out: to login
    client.force_login(user)
    bad = client.get("/test/units/?export=pdf")
    assert (bad.status_code, bad.content.decode()) == (
        400, "Unknown export format. Use xlsx or csv."
    )
    assert client.get("/test/personal/?export=csv").status_code == 403
    revealer = make_user(world.tenant, world.root,
                         ["accounts.view_orgunit", "core.reveal_personal_data"])
    client.force_login(revealer)
    assert client.get("/test/personal/?export=csv").status_code == 200


@pytest.mark.django_db
def test_export_buttons_keep_the_filters_and_drop_the_page():
    request = RequestFactory().get("/org/users/", {"q": "张", "page": "3", "sort": "-name"})
    html = render_to_string("exchange/partials/export_buttons.html", request=request)
    assert 'href="?q=%E5%BC%A0&amp;sort=-name&amp;export=xlsx"' in html
    assert 'href="?q=%E5%BC%A0&amp;sort=-name&amp;export=csv"' in html
    assert "Export Excel" in html and "Export CSV" in html
