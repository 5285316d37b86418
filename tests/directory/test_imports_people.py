"""The people import: persons with their unit relations, room codes in any spelling, row
errors, existing people by ID number, scope."""

import datetime

import pytest

from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.directory.models import Person, PersonPhone, UnitRelation
from tests.builders import make_user
from tests.core.exchange.conftest import xlsx_upload
from tests.directory.builders import make_building, make_community, make_person, make_units

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "身份证号", "手机", "小区", "房号", "身份", "开始日期"]
PERMS = ["directory.view_community", "directory.view_unit", "directory.view_person",
         "directory.add_person", "directory.change_person", "directory.add_unitrelation",
         "directory.view_unitrelation"]
ZHANG_ID = "11010519491231002X"
LI_ID = "110101198001010010"


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园")
    make_units(make_building(community, "3", floors=16, sections=2), floors=(15, 16))
    make_units(make_building(community, "5", floors=2), floors=(1, 1))
    return community


@pytest.fixture
def importer(world):
    return make_user(world.tenant, world.branch_a, PERMS)


def run_import(actor, rows):
    run = import_upload(actor=actor, key="directory-people", upload=xlsx_upload(rows))
    if run.can_confirm:
        run = import_confirm(actor=actor, run=run)
    return run


def relations(person):
    return sorted((r.unit.room_code, r.role, r.start_date) for r in
                  UnitRelation.objects.filter(person=person).select_related("unit"))


def test_people_and_relations_in_every_room_spelling(world, estate, importer):
    rows = [
        HEADER,
        ["张三", "", ZHANG_ID, "138 1234 1234；13912345678", "阳光花园", "3-2-1502", "业主",
         "2024-05-01"],
        ["张三", "", ZHANG_ID, "", "阳光花园", "3栋1单元1601", "owner", ""],
        ["李四", "女", "", "13700001111", "阳光花园", "3#2-1501", "租户", ""],
        ["李四", "", "", "13700001111", "阳光花园", "5-101", "co-owner", ""],
        ["王五", "男", "", "", "阳光花园", "5号楼102", "住户", datetime.date(2023, 1, 2)],
    ]
    run = run_import(importer, rows)
    assert run.errors == []
    assert (run.status, run.written_count) == (ImportStatus.IMPORTED, 5)
    zhang = Person.objects.get(name="张三")
    assert (zhang.id_number, zhang.gender, zhang.birthday, zhang.org_unit_id) == (
        ZHANG_ID, "female", datetime.date(1949, 12, 31), world.branch_a.pk)
    assert list(zhang.phones.values_list("number", "is_preferred")) == [
        ("+8613812341234", True), ("+8613912345678", False)]
    assert relations(zhang) == [("3-1-1601", "owner", None),
                                ("3-2-1502", "owner", datetime.date(2024, 5, 1))]
    li = Person.objects.get(name="李四")
    assert (li.gender, li.id_number) == ("female", "")
    assert relations(li) == [("3-2-1501", "renter", None), ("5-101", "co_owner", None)]
    assert relations(Person.objects.get(name="王五")) == [
        ("5-102", "resident", datetime.date(2023, 1, 2))]
    assert Person.objects.count() == 3
    assert zhang.history.first().history_channel == "import"


def test_each_row_error_names_row_column_and_reason(world, estate, importer):
    make_community(world, name="乙方小区", org_unit=world.other_root)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    rows = [
        HEADER,
        ["赵六", "", "110105194912310021", "", "阳光花园", "3-2-1502", "业主", ""],
        ["钱七", "", "", "12345", "阳光花园", "3-2-1502", "业主", ""],
        ["孙八", "", "", "", "阳光花园", "3-2-9999", "业主", ""],
        ["周九", "", "", "", "阳光花园", "花园洋房", "业主", ""],
        ["吴十", "", "", "", "乙方小区", "1-101", "业主", ""],
        ["郑一", "不详", "", "", "阳光花园", "3-2-1502", "房东", future],
        ["", "", "", "", "阳光花园", "", "", ""],
    ]
    run = run_import(importer, rows)
    assert run.status == ImportStatus.VALIDATED
    assert run.errors == [
        {"row": 2, "column": "身份证号", "value": "110105194912310021",
         "message": "This ID number is not valid: its last character does not match the "
                    "others. Please check it for typing errors."},
        {"row": 3, "column": "手机", "value": "12345",
         "message": "“12345” is not a valid phone number. Enter an 11-digit mobile number or a "
                    "landline with its area code, e.g. 010-12345678."},
        {"row": 4, "column": "房号", "value": "3-2-9999",
         "message": "There is no unit 3-2-9999 in 阳光花园."},
        {"row": 5, "column": "房号", "value": "花园洋房",
         "message": "“花园洋房” is not a room code; write it like 3-2-1502 or 3栋2单元1502."},
        {"row": 6, "column": "小区", "value": "乙方小区",
         "message": "There is no community “乙方小区” that you manage. Communities are not "
                    "created by an import: add it first, or correct the name."},
        {"row": 7, "column": "性别", "value": "不详",
         "message": "Choose one of: Male, Female, Unknown."},
        {"row": 7, "column": "身份", "value": "房东",
         "message": "Choose one of: Owner, Co-owner, Resident, Renter."},
        {"row": 7, "column": "开始日期", "value": future,
         "message": "The date cannot be in the future."},
        {"row": 8, "column": "姓名", "value": "", "message": "This column is required."},
        {"row": 8, "column": "房号", "value": "", "message": "This column is required."},
        {"row": 8, "column": "身份", "value": "", "message": "This column is required."},
    ]
    assert (run.row_count, run.invalid_row_count) == (7, 7)
    assert not Person.objects.exists()


def test_a_unit_of_another_tenant_is_not_found(world, estate, importer):
    other = make_community(world, name="乙方花园", org_unit=world.other_root)
    make_units(make_building(other, "3", floors=15, sections=2), floors=(15, 15))
    run = run_import(importer, [HEADER, ["张三", "", "", "", "乙方花园", "3-2-1502", "业主", ""]])
    assert [e["column"] for e in run.errors] == ["小区"]
    assert not UnitRelation.objects.exists()


def test_repeated_people_must_agree_and_not_repeat_a_relation(estate, importer):
    rows = [
        HEADER,
        ["张三", "", ZHANG_ID, "13812341234", "阳光花园", "3-2-1502", "业主", ""],
        ["张叁", "", ZHANG_ID, "13900000000", "阳光花园", "3-2-1501", "业主", ""],
        ["张三", "", ZHANG_ID, "", "阳光花园", "3栋2单元1502", "业主", ""],
    ]
    run = run_import(importer, rows)
    assert run.errors == [
        {"row": 3, "column": "姓名", "value": "张叁",
         "message": "Differs from row 2 of the same person: leave it empty or repeat it."},
        {"row": 3, "column": "手机", "value": "13900000000",
         "message": "Differs from row 2 of the same person: leave it empty or repeat it."},
        {"row": 4, "column": "身份", "value": "业主",
         "message": "Row 2 already makes this person owner of 3-2-1502."},
    ]


def test_a_person_already_in_the_directory_gets_the_relation_and_new_phones(world, estate,
                                                                           importer):
    li = make_person(world, name="李四", id_number=LI_ID, phones=["13700001111"])
    rows = [
        HEADER,
        ["李四", "", LI_ID, "13700001111；13800002222", "阳光花园", "3-1-1501", "业主", ""],
        ["李四", "", LI_ID, "", "阳光花园", "5-101", "住户", ""],
    ]
    run = run_import(importer, rows)
    assert run.errors == []
    assert Person.objects.count() == 1
    assert relations(li) == [("3-1-1501", "owner", None), ("5-101", "resident", None)]
    assert sorted(PersonPhone.objects.filter(person=li).values_list("number", flat=True)) == [
        "+8613700001111", "+8613800002222"]
    again = run_import(importer, [
        HEADER,
        ["李四", "", LI_ID, "", "阳光花园", "3-1-1501", "业主", ""],
        ["李斯", "", LI_ID, "", "阳光花园", "5-102", "业主", ""],
    ])
    assert again.errors == [
        {"row": 2, "column": "身份", "value": "业主",
         "message": "李四 is already owner of 3-1-1501."},
        {"row": 3, "column": "姓名", "value": "李斯",
         "message": "This ID number belongs to 李四 in the directory."},
    ]


def test_a_user_without_rights_at_the_community_is_refused(world, estate):
    south = make_community(world, name="南方小区", org_unit=world.branch_b)
    make_units(make_building(south, "1", floors=1), floors=(1, 1))
    clerk = make_user(world.tenant, world.root, ["directory.view_community",
                                                 "directory.view_unit", "directory.add_person"])
    run = run_import(clerk, [HEADER, ["张三", "", "", "", "阳光花园", "3-2-1502", "业主", ""]])
    assert run.errors == [{"row": 2, "column": "小区", "value": "阳光花园",
                           "message": "You may not add people to this community."}]
    branch_user = make_user(world.tenant, world.branch_a, PERMS)
    run = run_import(branch_user, [HEADER, ["张三", "", "", "", "南方小区", "1-101", "业主", ""]])
    assert [e["column"] for e in run.errors] == ["小区"]
    assert not Person.objects.exists()
