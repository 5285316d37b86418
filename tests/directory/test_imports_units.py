"""The units import: communities must exist, buildings/sections/layouts are created, room codes
clash within the file and with the database, scope."""

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.directory.models import Building, Layout, Section, Unit
from tests.builders import make_user
from tests.core.exchange.conftest import csv_upload, xlsx_upload
from tests.directory.builders import make_building, make_community, make_unit

pytestmark = pytest.mark.django_db

HEADER = ["小区", "楼栋", "单元", "房号", "楼层", "用途", "建筑面积", "实测面积", "户型", "朝向",
          "状态"]
PERMS = ["directory.view_community", "directory.view_building", "directory.view_section",
         "directory.view_layout", "directory.view_unit", "directory.add_unit",
         "directory.add_building", "directory.add_section", "directory.add_layout",
         "directory.change_building"]


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园")
    building = make_building(community, "1", floors=6, sections=["1"])
    make_unit(building, floor=1, number="101", section=Section.objects.get(building=building))
    return community


@pytest.fixture
def importer(world):
    return make_user(world.tenant, world.branch_a, PERMS)


def run_import(actor, rows, upload=xlsx_upload):
    run = import_upload(actor=actor, key="directory-units", upload=upload(rows))
    if run.can_confirm:
        run = import_confirm(actor=actor, run=run)
    return run


def test_units_are_created_with_missing_buildings_sections_and_layouts(world, estate, importer):
    rows = [
        HEADER,
        ["阳光花园", "3栋", "2单元", "1502室", 15, "住宅", "89.5", "72.30", "A户型", "南北通透",
         "已入住"],
        ["阳光花园", "3", "2", "1501", 15, "", "", "", "A户型", "", ""],
        ["阳光花园", "3号楼", "2", "B101", -1, "车位", "", "", "", "", "未售"],
        ["阳光花园", "1", "1", "102", 1, "商铺", "120", "", "", "south", "sold"],
        ["阳光花园", "9#", "", "201", 2, "office", "", "", "", "", ""],
    ]
    run = run_import(importer, rows)
    assert run.errors == []
    assert (run.status, run.written_count) == (ImportStatus.IMPORTED, 5)
    units = {u.room_code: u for u in Unit.objects.filter(community=estate)}
    assert sorted(units) == ["1-1-101", "1-1-102", "3-2-1501", "3-2-1502", "3-2-B101",
                             "9-201"]
    unit = units["3-2-1502"]
    assert (unit.floor, unit.use, unit.built_area, unit.measured_area, unit.orientation,
            unit.status, unit.layout.name) == (15, "residential", Decimal("89.50"),
                                               Decimal("72.30"), "north_south", "occupied",
                                               "A户型")
    assert (units["3-2-1501"].use, units["3-2-1501"].status) == ("residential", "unsold")
    assert units["3-2-1501"].layout_id == unit.layout_id
    assert (units["3-2-B101"].use, units["3-2-B101"].floor) == ("parking", -1)
    assert (units["1-1-102"].use, units["1-1-102"].status, units["1-1-102"].orientation) == (
        "shop", "sold", "south")
    assert (units["9-201"].use, units["9-201"].section) == ("office", None)
    three = Building.objects.get(community=estate, number="3")
    # The file's highest and lowest rows set the new building's floors.
    assert (three.floors_above, three.floors_below, three.org_unit_id) == (15, 1,
                                                                           world.branch_a.pk)
    assert list(Section.objects.filter(building=three).values_list("number", flat=True)) == [
        "2"]
    assert Layout.objects.filter(community=estate).count() == 1
    assert unit.history.first().history_channel == "import"


def test_room_code_clashes_in_the_file_and_with_the_database(estate, importer):
    rows = [
        HEADER,
        ["阳光花园", "1", "1", "101", 1, "", "", "", "", "", ""],
        ["阳光花园", "1", "1", "103", 1, "", "", "", "", "", ""],
        ["阳光花园", "1栋", "1单元", "103", 1, "", "", "", "", "", ""],
    ]
    run = run_import(importer, rows)
    assert run.status == ImportStatus.VALIDATED
    assert run.errors == [
        {"row": 2, "column": "房号", "value": "101",
         "message": "Room 1-1-101 already exists in 阳光花园."},
        {"row": 4, "column": "房号", "value": "103",
         "message": "Room 1-1-103 is also in row 3 of this file."},
    ]
    assert Unit.objects.filter(community=estate).count() == 1


def test_each_cell_error_names_row_column_and_reason(estate, importer):
    rows = [
        HEADER,
        ["阳光花园", "1", "1", "201", 7, "", "", "", "", "", ""],
        ["阳光花园", "1", "1", "202", 0, "", "-3", "", "", "西南偏南", "卖了"],
        ["阳光花园", "", "1", "203", "二", "仓库", "", "", "", "", ""],
    ]
    run = run_import(importer, rows, upload=csv_upload)
    assert run.errors == [
        {"row": 2, "column": "楼层", "value": "7",
         "message": "Floor 7 is outside building 1 (1 to 6)."},
        {"row": 3, "column": "建筑面积", "value": "-3", "message": "Enter 0 or more."},
        {"row": 3, "column": "朝向", "value": "西南偏南",
         "message": "Choose one of: South, North–south through, East, West, North, South-east, "
                    "South-west, North-east, North-west, East–west through."},
        {"row": 3, "column": "状态", "value": "卖了",
         "message": "Choose one of: Unsold, Sold, Delivered, Occupied, Rented, Vacant."},
        {"row": 4, "column": "楼栋", "value": "", "message": "This column is required."},
        {"row": 4, "column": "楼层", "value": "二", "message": "Enter a whole number."},
        {"row": 4, "column": "用途", "value": "仓库",
         "message": "Choose one of: Home, Shop, Office, Parking space."},
    ]
    rows = [HEADER, ["阳光花园", "1", "1", "202", 0, "", "", "", "", "", ""]]
    assert run_import(importer, rows).errors == [
        {"row": 2, "column": "楼层", "value": "0",
         "message": "There is no floor 0; basements are -1, -2, …"},
    ]


def test_communities_are_never_created_and_another_tenants_is_not_found(world, estate,
                                                                        importer):
    other = make_community(world, name="乙方小区", org_unit=world.other_root)
    rows = [
        HEADER,
        ["新小区", "1", "", "101", 1, "", "", "", "", "", ""],
        ["乙方小区", "1", "", "101", 1, "", "", "", "", "", ""],
    ]
    run = run_import(importer, rows)
    message = ("There is no community “%s” that you manage. Communities are not created by an "
               "import: add it first, or correct the name.")
    assert run.errors == [
        {"row": 2, "column": "小区", "value": "新小区", "message": message % "新小区"},
        {"row": 3, "column": "小区", "value": "乙方小区", "message": message % "乙方小区"},
    ]
    assert not Unit.objects.filter(community=other).exists()


def test_a_sibling_branch_and_missing_rights_are_refused(world, estate):
    south = make_community(world, name="南方小区", org_unit=world.branch_b)
    make_building(south, "1", floors=3)
    clerk = make_user(world.tenant, world.branch_a,
                      ["directory.view_community", "directory.view_building",
                       "directory.view_unit", "directory.add_unit"])
    rows = [
        HEADER,
        ["南方小区", "1", "", "101", 1, "", "", "", "", "", ""],
        ["阳光花园", "2", "", "101", 1, "", "", "", "", "", ""],
        ["阳光花园", "1", "5", "101", 1, "", "", "", "", "", ""],
        ["阳光花园", "1", "1", "102", 1, "", "", "", "B户型", "", ""],
    ]
    run = run_import(clerk, rows)
    assert run.errors == [
        {"row": 2, "column": "小区", "value": "南方小区",
         "message": "There is no community “南方小区” that you manage. Communities are not "
                    "created by an import: add it first, or correct the name."},
        {"row": 3, "column": "楼栋", "value": "2",
         "message": "There is no building 2 in this community, and you may not add buildings."},
        {"row": 4, "column": "单元", "value": "5",
         "message": "There is no section 5 in building 1, and you may not add sections."},
        {"row": 5, "column": "户型", "value": "B户型",
         "message": "There is no layout “B户型” in this community, and you may not add layouts."},
    ]
    viewer = make_user(world.tenant, world.branch_a, ["directory.view_community",
                                                      "directory.add_unit"])
    viewer_b = make_user(world.tenant, world.branch_b, ["directory.view_community",
                                                        "directory.add_unit"])
    assert run_import(viewer_b, [HEADER, ["阳光花园", "1", "1", "102", 1, "", "", "", "", "",
                                          ""]]).errors[0]["column"] == "小区"
    assert run_import(viewer, [HEADER, ["阳光花园", "1", "1", "102", 1, "", "", "", "", "",
                                        ""]]).errors == []


@pytest.mark.parametrize("key, headers", [
    ("directory-units", ["Community", "Building", "Section", "Room number", "Floor", "Use",
                         "Built area (m²)", "Measured area (m²)", "Layout", "Orientation",
                         "Status"]),
    ("directory-people", ["Name", "Gender", "ID number", "Mobile", "Community", "Room", "Role",
                          "Start date"]),
    ("directory-organizations", ["Organisation", "Kind", "Unified social credit code",
                                 "Parent company", "Organisation unit", "Province", "City",
                                 "District", "Company address", "Landline", "E-mail",
                                 "Website", "Contact", "Contact role", "Title",
                                 "Contact mobile", "Contact landline", "Contact e-mail", "QQ",
                                 "WeChat"]),
])
def test_each_import_has_a_template_with_chinese_aliases(world, key, headers):
    admin = make_user(world.tenant, world.root, superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.get(reverse("exchange:template", args=[key]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.worksheets[0][1]] == headers
    notes = [row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)
             if row[1] in ("Yes", "No")]
    # Every column also accepts a Chinese header.
    assert len(notes) == len(headers)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in aliases) for aliases in notes)
