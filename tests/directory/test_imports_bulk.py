"""The people import at 10,000 rows: every error listed, nothing written (PLAT-7)."""

import datetime

import pytest

from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.directory.models import Person, PersonPhone, Unit, UnitRelation
from tests.builders import make_user
from tests.core.exchange.conftest import xlsx_upload
from tests.directory.builders import make_building, make_community, make_units

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "身份证号", "手机", "小区", "房号", "身份", "开始日期"]
PERMS = ["directory.view_community", "directory.view_unit", "directory.view_person",
         "directory.add_person", "directory.add_unitrelation"]
ROWS = 10_000
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(n: int) -> str:
    """A valid ID number (GB 11643 check character), born ``n`` days after 1 January 1980."""
    born = datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
    body = f"330106{born:%Y%m%d}123"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园")
    for number in ("1", "2"):
        make_units(make_building(community, number, floors=25, sections=4),
                   units_per_floor=50)
    return community


def room_codes(community) -> list[str]:
    return sorted(Unit.objects.filter(community=community).values_list("room_code", flat=True))


def people_rows(codes: list[str]) -> list[list]:
    return [HEADER] + [
        [f"业主{n}", "", id_number(n), f"138{n:08d}", "阳光花园", code, "业主", "2020-01-01"]
        for n, code in enumerate(codes)
    ]


def test_ten_thousand_rows_with_three_broken_list_exactly_those_and_write_nothing(world,
                                                                                  estate):
    importer = make_user(world.tenant, world.branch_a, PERMS)
    codes = room_codes(estate)
    assert len(codes) == ROWS
    rows = people_rows(codes)
    rows[2500][2] = rows[2500][2][:-1] + ("0" if rows[2500][2][-1] != "0" else "1")
    rows[6000][3] = "138000"
    rows[9999][5] = "2-4-2599"
    run = import_upload(actor=importer, key="directory-people", upload=xlsx_upload(rows))
    assert (run.row_count, run.invalid_row_count, run.error_count) == (ROWS, 3, 3)
    assert run.errors == [
        {"row": 2501, "column": "身份证号", "value": rows[2500][2],
         "message": "This ID number is not valid: its last character does not match the "
                    "others. Please check it for typing errors."},
        {"row": 6001, "column": "手机", "value": "138000",
         "message": "“138000” is not a valid phone number. Enter an 11-digit mobile number or "
                    "a landline with its area code, e.g. 010-12345678."},
        {"row": 10000, "column": "房号", "value": "2-4-2599",
         "message": "There is no unit 2-4-2599 in 阳光花园."},
    ]
    assert not run.can_confirm
    assert (Person.objects.count(), UnitRelation.objects.count()) == (0, 0)


def test_rows_gone_bad_after_the_check_undo_every_row_already_written(world, estate, settings):
    # Written in the request, not a background job, so the rollback of the one transaction
    # that already holds thousands of rows is what keeps the directory unchanged.
    settings.IMPORT_BACKGROUND_ROWS = ROWS
    importer = make_user(world.tenant, world.branch_a, PERMS)
    codes = room_codes(estate)
    run = import_upload(actor=importer, key="directory-people",
                        upload=xlsx_upload(people_rows(codes)))
    assert (run.row_count, run.error_count, run.can_confirm) == (ROWS, 0, True)
    gone = [codes[5000], codes[7000], codes[9998]]
    Unit.objects.filter(community=estate, room_code__in=gone).delete()
    run = import_confirm(actor=importer, run=run)
    assert (run.status, run.written_count) == (ImportStatus.FAILED, 0)
    assert run.message == "Nothing was imported: 3 rows have errors."
    assert run.errors == [
        {"row": row, "column": "房号", "value": code,
         "message": f"There is no unit {code} in 阳光花园."}
        for row, code in zip((5002, 7002, 10000), gone, strict=True)
    ]
    assert (Person.objects.count(), PersonPhone.objects.count(),
            UnitRelation.objects.count()) == (0, 0, 0)
