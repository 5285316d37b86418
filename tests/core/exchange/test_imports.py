"""The import engine with a small definition of its own: reading, limits, parsing, writing."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from linli.accounts import services as accounts
from linli.accounts.models import OrgUnit
from linli.core.exchange import parsers
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.imports import (
    ImportColumn,
    ImportDefinition,
    get_importer,
    importers_for,
    template_response,
)
from linli.core.exchange.models import ImportRun
from linli.core.exchange.services import import_confirm, import_upload
from tests.builders import make_user
from tests.core.exchange.conftest import csv_bytes, csv_upload, xlsx_bytes, xlsx_upload


class UnitImport(ImportDefinition):
    """Departments under the tenant's root; writing goes through the accounts service."""

    name = gettext_lazy("Departments")
    permission = "accounts.add_orgunit"
    columns = [
        ImportColumn("name", gettext_lazy("Name"), required=True, parser=parsers.text(20),
                     aliases=("名称",), example="工程部"),
        ImportColumn("code", gettext_lazy("Code"), parser=parsers.text(10), aliases=("编码",)),
        ImportColumn("staff", gettext_lazy("Staff"), parser=parsers.integer(0, 500),
                     aliases=("人数",), default=None),
    ]

    def prepare(self, context):
        context.cache["root"] = OrgUnit.objects.get(tenant=context.tenant, parent=None)

    def validate_row(self, values, context):
        if values["name"] == "总部":
            raise ValidationError({"name": "This name is reserved."})
        if values["staff"] == 13:
            raise ValidationError("Thirteen is not allowed on a row.")
        return values

    def write(self, rows, context):
        for row in rows:
            accounts.org_unit_create(
                actor=context.actor, tenant=context.tenant, parent=context.cache["root"],
                name=row.values["name"], kind="department", code=row.values["code"],
            )


@pytest.fixture
def admin(world, register):
    register("units", UnitImport())
    return make_user(world.tenant, world.root, ["accounts.add_orgunit"])


def file_error(admin, upload) -> str:
    with pytest.raises(ValidationError) as refused:
        import_upload(actor=admin, key="units", upload=upload)
    return refused.value.message_dict["file"][0]


@pytest.mark.django_db
def test_headers_in_english_chinese_or_by_key_and_unknown_ones_reported(admin):
    run = import_upload(actor=admin, key="units", upload=csv_upload([
        ["名称", "CODE", " staff* ", "备注"], ["工程部", "ENG", "12", "ignored"],
    ]))
    assert run.status == ImportStatus.VALIDATED
    assert run.preview == [{"name": "工程部", "code": "ENG", "staff": "12"}]
    assert run.ignored_headers == ["备注"]


@pytest.mark.django_db
def test_row_errors_from_parsers_and_validate_row(admin):
    run = import_upload(actor=admin, key="units", upload=xlsx_upload([
        [None, None],  # rows before the header are skipped; numbering stays Excel's
        ["Name", "Staff", "Code"],
        ["总部", 5, "HQ"],
        ["一个非常非常非常非常非常非常长的部门名字啊", "many", ""],
        ["安保部", 13, "SEC"],
        ["保洁部", 501, None],
    ]))
    assert (run.row_count, run.invalid_row_count, run.error_count) == (4, 4, 5)
    assert run.errors == [
        {"row": 3, "column": "Name", "value": "总部", "message": "This name is reserved."},
        {"row": 4, "column": "Name", "value": "一个非常非常非常非常非常非常长的部门名字啊",
         "message": "At most 20 characters (this has 21)."},
        {"row": 4, "column": "Staff", "value": "many", "message": "Enter a whole number."},
        {"row": 5, "column": "", "value": "", "message": "Thirteen is not allowed on a row."},
        {"row": 6, "column": "Staff", "value": "501", "message": "Enter 500 or less."},
    ]
    assert run.preview == []


@pytest.mark.django_db
def test_an_error_while_writing_undoes_every_row_and_names_the_row(admin, world):
    # Both rows pass the checks; the service refuses the second (the code is already used).
    run = import_upload(actor=admin, key="units", upload=xlsx_upload([
        ["Name", "Code"], ["工程部二", "DUP"], ["安保部", "DUP"],
    ]))
    assert run.can_confirm
    run = import_confirm(actor=admin, run=run)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [{"row": 3, "column": "Code", "value": "DUP",
                           "message": "Another unit already uses this code."}]
    assert not OrgUnit.objects.filter(tenant=world.tenant, code="DUP").exists()
    assert not OrgUnit.objects.filter(name="工程部二").exists()


@pytest.mark.django_db
def test_errors_are_counted_in_full_but_stored_up_to_the_cap(admin, settings):
    settings.IMPORT_MAX_STORED_ERRORS = 3
    rows = [["Name", "Staff"]] + [[f"部门{i}", "x"] for i in range(5)]
    run = import_upload(actor=admin, key="units", upload=csv_upload(rows))
    assert (run.error_count, run.invalid_row_count, len(run.errors)) == (5, 5, 3)
    assert run.errors_truncated
    assert [e["row"] for e in run.errors] == [2, 3, 4]


@pytest.mark.django_db
def test_oversize_file_is_refused_before_it_is_stored(admin, settings):
    settings.IMPORT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.csv", b"Name\n" + b"x\n" * 600)
    assert file_error(admin, upload) == (
        "The file is 1.2\xa0KB; files up to 1.0\xa0KB can be imported. Split it into smaller "
        "files."
    )
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_too_many_rows_is_refused_and_the_run_kept_without_its_file(admin, settings):
    settings.IMPORT_MAX_ROWS = 2
    upload = xlsx_upload([["Name"], ["甲"], ["乙"], ["丙"]])
    assert file_error(admin, upload) == (
        "The file has more than 2 data rows. Split it into smaller files."
    )
    run = ImportRun.objects.get()
    assert (run.status, run.file.name) == (ImportStatus.FAILED, "")
    assert run.message == "The file has more than 2 data rows. Split it into smaller files."


NOT_XLSX = ("This file is not a valid Excel workbook (.xlsx). Open it in Excel or WPS, save it "
            "as an Excel workbook (.xlsx) and upload it again.")


def _zip_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "message"), [
    ("units.xlsx", b"Name,Code\nx,y\n", NOT_XLSX),
    ("units.xlsx", b"PK\x03\x04 truncated", NOT_XLSX),
    ("units.xlsx", _zip_with("hello.txt", b"not a workbook"), NOT_XLSX),
    ("units.xlsx", xlsx_bytes([["Name"], ["甲"]])[:-200], NOT_XLSX),
    ("units.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ("units.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
     "This is an Excel 97-2003 (.xls) or a password-protected workbook. Open it in Excel or "
     "WPS, remove any password and save it as an Excel workbook (.xlsx)."),
    ("units.pdf", b"%PDF-1.4", "Upload an Excel workbook (.xlsx) or a CSV file (.csv)."),
    ("units.csv", b"", "The file is empty."),
    ("units.csv", b"\n\n,,\n", "The file has no header row and no data."),
    ("units.csv", b"Code\nX\n",
     "Required columns are missing: Name. The header row must name them; the template shows "
     "the expected headers."),
    ("units.csv", "Name,名称\n甲,乙\n".encode(),
     "The columns “Name” and “名称” both mean “Name”. Keep one of them."),
    ("units.csv", b"Name\n\x00\x01\x02\n", "This is not a text CSV file. Upload an .xlsx or a "
     "CSV file."),
    ("units.csv", b"Name\n\"unclosed" + b"x" * 140_000 + b"\n",
     "The CSV file is malformed (field larger than field limit (131072)). Save it again from "
     "Excel and upload it again."),
])
def test_unusable_files_get_a_clear_message(admin, name, content, message):
    assert file_error(admin, SimpleUploadedFile(name, content)) == message


@pytest.mark.django_db
def test_csv_in_gb18030_and_utf8_with_bom_decode(admin):
    rows = [["名称", "编码"], ["工程部", "ENG"], ["客服中心", "KF"]]
    for encoding in ("gb18030", "utf-8-sig", "utf-8"):
        run = import_upload(actor=admin, key="units",
                            upload=SimpleUploadedFile("u.csv", csv_bytes(rows, encoding)))
        assert run.preview == [{"name": "工程部", "code": "ENG", "staff": ""},
                               {"name": "客服中心", "code": "KF", "staff": ""}], encoding


@pytest.mark.django_db
def test_our_own_inert_prefix_is_dropped_when_read_back(admin):
    run = import_upload(actor=admin, key="units", upload=csv_upload([["Name"], ["'=A1"]]))
    assert run.preview == [{"name": "=A1", "code": "", "staff": ""}]


@pytest.mark.django_db
def test_registry_lists_what_the_user_may_import(admin, world):
    assert get_importer("units").key == "units"
    assert [d.key for d in importers_for(admin)] == ["units"]
    nobody = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    assert importers_for(nobody) == []


def test_template_has_headers_an_example_and_notes():
    response = template_response(get_importer("users"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="Users-template.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    data, notes = workbook.worksheets
    assert data.title == "Users"
    assert [c.value for c in data[1]] == ["Username", "Display name", "E-mail", "Mobile",
                                          "Organisation unit", "Role"]
    assert [c.value for c in data[2]] == ["zhangsan", "张三", "zhangsan@example.com",
                                          "13812341234", "华东分公司/工程部", "front-desk"]
    assert data["A1"].font.b and data["A1"].font.color.rgb == "00C00000"
    assert notes.title == "Notes"
    assert [c.value for c in notes[2]] == [
        "Username", "Yes", "username / 用户名 / 账号 / 登录名 / login",
        "Letters, digits and @ . + - _; unique on the platform.", "zhangsan",
    ]
    lines = [row[0].value for row in notes.iter_rows(min_row=9)]
    assert "Columns with a red header are required." in lines
    assert "At most 200,000 data rows and 20 MB per file." in lines


@pytest.mark.parametrize(("parser", "value", "expected"), [
    (parsers.text(), 13812341234, "13812341234"),
    (parsers.email(), "Li@Example.COM", "Li@example.com"),
    (parsers.integer(), "1,234", 1234),
    (parsers.integer(), Decimal("7"), 7),
    (parsers.decimal(2), "1,234.50", Decimal("1234.50")),
    (parsers.decimal(2), 3, Decimal("3")),
    (parsers.date(), "2026/3/1", dt.date(2026, 3, 1)),
    (parsers.date(), "2026年3月1日", dt.date(2026, 3, 1)),
    (parsers.date(), dt.datetime(2026, 3, 1, 8, 30), dt.date(2026, 3, 1)),
    (parsers.boolean(), "是", True),
    (parsers.boolean(), "N", False),
    (parsers.choice([("repair", gettext_lazy("Repair"))]), "REPAIR", "repair"),
    (parsers.choice([("repair", gettext_lazy("Repair"))]), "repair", "repair"),
])
def test_parsers_accept(parser, value, expected):
    assert parser(value) == expected


@pytest.mark.parametrize(("parser", "value", "message"), [
    (parsers.text(2), "abc", "At most 2 characters (this has 3)."),
    (parsers.email(), "li@", "Enter a valid e-mail address."),
    (parsers.integer(), "1.5", "Enter a whole number."),
    (parsers.integer(), True, "Enter a whole number."),
    (parsers.integer(min_value=1), 0, "Enter 1 or more."),
    (parsers.decimal(2), "1.234", "At most 2 decimal places."),
    (parsers.decimal(2), "abc", "Enter a number."),
    (parsers.decimal(2), "NaN", "Enter a number."),
    (parsers.date(), "01/03/2026", "Enter a date such as 2026-03-01."),
    (parsers.boolean(), "maybe", "Enter yes or no (是 / 否)."),
    (parsers.choice([("repair", gettext_lazy("Repair")), ("praise", gettext_lazy("Praise"))]),
     "other", "Choose one of: Repair, Praise."),
])
def test_parsers_refuse_with_a_message(parser, value, message):
    with pytest.raises(ValidationError) as refused:
        parser(value)
    assert refused.value.messages == [message]


def _offset_workbook(rows: list[list], first: str) -> bytes:
    """``rows`` written from cell ``first`` on, the cells before it left empty."""
    from openpyxl import Workbook
    from openpyxl.utils.cell import coordinate_from_string, get_column_letter
    workbook = Workbook()
    sheet = workbook.active
    _letters, row = coordinate_from_string(first)
    start = sheet[first].column
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet[f"{get_column_letter(start + c)}{row + r}"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_table_that_starts_further_in_keeps_excels_row_numbers_and_columns(admin):
    data = _offset_workbook([["Name", "Staff"], ["安保部", 13], ["保洁部", dt.date(2024, 5, 1)]],
                            "C3")
    run = import_upload(actor=admin, key="units", upload=SimpleUploadedFile("u.xlsx", data))
    assert run.errors == [
        {"row": 4, "column": "", "value": "", "message": "Thirteen is not allowed on a row."},
        {"row": 5, "column": "Staff", "value": "2024-05-01",
         "message": "Enter a whole number."},
    ]


@pytest.mark.django_db
def test_a_workbook_that_unpacks_too_large_is_refused(admin, settings):
    data = xlsx_bytes([["Name"], *[[f"部门{n}"] for n in range(2000)]])
    settings.IMPORT_MAX_UNPACKED_BYTES = 20_000
    message = file_error(admin, SimpleUploadedFile("u.xlsx", data))
    assert message.startswith("This workbook unpacks to ")
    assert message.endswith(", more than can be imported. Split it into smaller files.")
    assert not ImportRun.objects.exclude(file="").exists()
