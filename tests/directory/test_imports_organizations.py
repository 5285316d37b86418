"""The organisations import: one row per contact, organisation columns repeated, existing
organisations get contacts only, row errors, scope."""

import pytest

from linli.accounts.models import User
from linli.accounts.services import membership_add
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.directory.models import Contact, Organization
from tests.builders import make_role, make_user
from tests.core.exchange.conftest import xlsx_upload
from tests.directory.builders import add_organization

pytestmark = pytest.mark.django_db

HEADER = ["单位名称", "类型", "统一社会信用代码", "上级单位", "组织", "城市", "总机", "联系人",
          "联系人角色", "职务", "联系人手机", "QQ", "微信"]
PERMS = ["directory.view_organization", "directory.add_organization",
         "directory.view_contact", "directory.add_contact"]
CREDIT_CODE = "91350100M000100Y43"


@pytest.fixture
def importer(world):
    return make_user(world.tenant, world.branch_a, PERMS)


def run_import(actor, rows):
    run = import_upload(actor=actor, key="directory-organizations", upload=xlsx_upload(rows))
    if run.can_confirm:
        run = import_confirm(actor=actor, run=run)
    return run


def test_organisations_with_contacts_branches_and_existing_ones(world, importer):
    developer = add_organization(world, "万科地产", kind="developer")
    rows = [
        HEADER,
        ["阳光物业", "物业公司", CREDIT_CODE, "", "", "福州市", "0591-87654321", "李四",
         "法定代表人", "董事长", "13812341234", "123456", "lisi_2024"],
        ["阳光物业", "物业公司", "", "", "", "", "", "王五", "", "经理", "", "", ""],
        ["阳光物业鼓楼管理处", "管理处", "", "阳光物业", "", "福州市", "", "", "", "", "", "",
         ""],
        ["万科地产", "developer", "", "", "", "", "", "赵六", "负责人", "", "", "", ""],
    ]
    run = run_import(importer, rows)
    assert run.errors == []
    assert (run.status, run.written_count) == (ImportStatus.IMPORTED, 4)
    company = Organization.objects.get(name="阳光物业")
    assert (company.kind, company.credit_code, company.city, company.landline,
            company.org_unit_id, company.name_initials) == (
        "property_company", CREDIT_CODE, "福州市", "+8659187654321", world.branch_a.pk, "ygwy")
    assert list(company.contacts.order_by("name").values_list(
        "name", "role", "title", "mobile", "qq", "wechat")) == [
        ("李四", "legal_representative", "董事长", "+8613812341234", "123456", "lisi_2024"),
        ("王五", "staff", "经理", "", "", ""),
    ]
    office = Organization.objects.get(name="阳光物业鼓楼管理处")
    assert (office.kind, office.parent_id, office.contacts.count()) == (
        "management_office", company.pk, 0)
    assert list(developer.contacts.values_list("name", "role")) == [
        ("赵六", "person_in_charge")]
    assert Organization.objects.filter(name="万科地产").count() == 1


def test_each_row_error_names_row_column_and_reason(world, importer):
    rows = [
        HEADER,
        ["甲公司", "银行", "91350100M000100Y44", "", "", "", "12", "", "", "", "", "0123",
         "ab"],
        ["乙公司", "开发商", "", "不存在集团", "", "", "", "", "", "经理", "", "", ""],
        ["丙公司", "开发商", "", "", "", "", "", "甲", "法人", "", "", "", ""],
        ["丙公司", "开发商", "", "", "", "厦门市", "", "乙", "法人", "", "", "", ""],
        ["丁公司", "开发商", "", "", "外部单位", "", "", "", "", "", "", "", ""],
    ]
    run = run_import(importer, rows)
    assert run.status == ImportStatus.VALIDATED
    assert run.errors == [
        {"row": 2, "column": "类型", "value": "银行",
         "message": "Choose one of: Property company, Management office, Developer, Agent, "
                    "Merchant, Decoration company."},
        {"row": 2, "column": "统一社会信用代码", "value": "91350100M000100Y44",
         "message": "This unified social credit code is not valid: its check character does "
                    "not match. Please check it for typing errors."},
        {"row": 2, "column": "总机", "value": "12",
         "message": "“12” is not a valid phone number. Enter an 11-digit mobile number or a "
                    "landline with its area code, e.g. 010-12345678."},
        {"row": 2, "column": "QQ", "value": "0123",
         "message": "A QQ number has 5 to 12 digits and does not start with 0."},
        {"row": 2, "column": "微信", "value": "ab",
         "message": "A WeChat ID has 6 to 20 characters: letters, digits, “_” and “-”."},
        {"row": 3, "column": "上级单位", "value": "不存在集团",
         "message": "There is no organisation “不存在集团” in the directory or in an earlier "
                    "row."},
        {"row": 3, "column": "联系人", "value": "",
         "message": "Enter the contact's name, or leave the contact columns empty."},
        {"row": 5, "column": "城市", "value": "厦门市",
         "message": "Differs from row 4 of the same organisation: leave it empty or repeat "
                    "it."},
        {"row": 5, "column": "联系人角色", "value": "法人",
         "message": "This organisation already has a legal representative; it has only one."},
        {"row": 6, "column": "组织", "value": "外部单位",
         "message": "No unit with this code or name where you may add organisations."},
    ]
    assert not Organization.objects.exists()


def test_a_parent_of_the_wrong_kind_is_refused_when_written(world, importer):
    add_organization(world, "某开发商", kind="developer")
    rows = [HEADER, ["某管理处", "管理处", "", "某开发商", "", "", "", "", "", "", "", "", ""]]
    run = run_import(importer, rows)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {"row": 2, "column": "上级单位", "value": "某开发商",
         "message": "A management office belongs to a property company; choose a property "
                    "company as its parent."},
    ]
    assert not Organization.objects.filter(name="某管理处").exists()


def test_scope_decides_the_unit_and_what_is_found(world):
    add_organization(world, "乙方集团", org_unit=world.other_root, kind="developer")
    add_organization(world, "南方集团", org_unit=world.branch_b, kind="developer")
    admin = make_user(world.tenant, world.root, PERMS)
    rows = [
        HEADER,
        ["子公司一", "开发商", "", "乙方集团", "", "", "", "", "", "", "", "", ""],
        ["子公司二", "开发商", "", "南方集团", "华南分公司", "", "", "", "", "", "", "", ""],
    ]
    branch_user = make_user(world.tenant, world.branch_a, PERMS)
    run = run_import(branch_user, rows)
    assert [(e["row"], e["column"]) for e in run.errors] == [(2, "上级单位"), (3, "组织"),
                                                             (3, "上级单位")]
    run = run_import(admin, rows[:1] + rows[2:])
    assert run.errors == []
    second = Organization.objects.get(name="子公司二")
    assert (second.org_unit_id, second.parent.name) == (world.branch_b.pk, "南方集团")
    two_units = make_user(world.tenant, world.branch_a, PERMS)
    membership_add(actor=None, user=two_units, org_unit=world.branch_b,
                   role=make_role(world.tenant, PERMS))
    run = run_import(User.objects.get(pk=two_units.pk),
                     [HEADER, ["子公司三", "开发商", "", "", "", "", "", "", "", "", "", "", ""]])
    assert run.errors == [
        {"row": 2, "column": "组织", "value": "",
         "message": "You may add organisations at several units: name the unit that keeps "
                    "this one."},
    ]
    assert not Contact.objects.exists()
