"""DIR-3: writes of organisations and contacts — normalising, every rule's message, rights."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import events_for
from linli.directory.models import Contact, Organization, Person
from linli.directory.services import organizations as services
from tests.builders import make_user

pytestmark = pytest.mark.django_db

VALID_CODES = ["91440300708461136T", "91330100716105852F", "9144030071526726XG",
               "91110000802100433B", "91110108551385082Q"]
EDITOR_PERMS = ["directory.view_organization", "directory.add_organization",
                "directory.change_organization", "directory.view_contact",
                "directory.add_contact", "directory.change_contact", "directory.delete_contact"]


def org(world, name="万科物业", kind="property_company", unit=None, **fields):
    return services.organization_create(actor=None, tenant=world.tenant,
                                        org_unit=unit or world.branch_a, kind=kind, name=name,
                                        **fields)


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- organisations: field rules -------------------------------------------------------------

def test_create_normalises_and_derives_keys(world):
    created = org(world, name=" 中建物业 ", credit_code="91440300708461136t",
                  landline="0755-8888 8888", email=" info@zj.example.com ",
                  website="www.zj.example.com", city=" 深圳 ")
    created.refresh_from_db()
    assert (created.name, created.name_pinyin, created.name_initials) == (
        "中建物业", "zhongjianwuye", "zjwy")
    assert created.credit_code == "91440300708461136T"
    assert created.landline == "+8675588888888"
    assert created.email == "info@zj.example.com"
    assert created.website == "https://www.zj.example.com"
    assert created.city == "深圳"
    assert (created.tenant_id, created.org_unit_id) == (world.tenant.pk, world.branch_a.pk)


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_credit_codes_pass_the_checksum(code):
    assert services.normalize_credit_code(code) == code


@pytest.mark.parametrize(("code", "message"), [
    ("9144030070846113", "A unified social credit code has 18 characters; this one has 16."),
    ("91440300708461136TX",
     "A unified social credit code has 18 characters; this one has 19."),
    ("91440300708I61136T",
     "A unified social credit code uses only digits and the capital letters A–H, J–N, P–R, "
     "T, U and W–Y; “I” cannot appear in it."),
    ("91440300708461136A",
     "This unified social credit code is not valid: its check character does not match. "
     "Please check it for typing errors."),
    ("91440300708461163T",
     "This unified social credit code is not valid: its check character does not match. "
     "Please check it for typing errors."),
])
def test_bad_credit_codes_are_refused_with_the_reason(world, code, message):
    with pytest.raises(ValidationError) as exc:
        org(world, credit_code=code)
    assert errors(exc) == {"credit_code": [message]}
    assert not Organization.objects.exists()


def test_every_field_error_is_reported_at_once(world):
    with pytest.raises(ValidationError) as exc:
        org(world, name="  ", credit_code="123", email="not-an-address", website="http://",
            landline="12ab")
    assert errors(exc) == {
        "name": ["Enter the organisation's name."],
        "credit_code": ["A unified social credit code has 18 characters; this one has 3."],
        "landline": ["A phone number may contain only digits, spaces, dashes and a leading +."],
        "email": ["Enter a valid e-mail address, e.g. name@example.com."],
        "website": ["Enter a valid web address, e.g. https://www.example.com."],
    }


def test_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        org(world, kind="bank")
    assert errors(exc) == {"kind": ["Choose the kind of organisation."]}


# --- organisations: parent company ----------------------------------------------------------

def test_a_management_office_belongs_to_a_property_company(world):
    company = org(world, "万科物业")
    office = org(world, "万科物业金色家园管理处", kind="management_office", parent=company)
    assert office.parent_id == company.pk
    developer = org(world, "万科地产", kind="developer")
    with pytest.raises(ValidationError) as exc:
        org(world, "另一个管理处", kind="management_office", parent=developer)
    assert errors(exc) == {"parent": [
        "A management office belongs to a property company; choose a property company as its "
        "parent."]}


def test_a_branch_has_the_kind_of_its_parent(world):
    developer = org(world, "万科地产", kind="developer")
    branch = org(world, "万科地产华南区域", kind="developer", parent=developer)
    assert branch.parent_id == developer.pk
    with pytest.raises(ValidationError) as exc:
        org(world, "链家", kind="agent", parent=developer)
    assert errors(exc) == {"parent": [
        "A branch has the same kind as its parent company; choose an organisation of the kind "
        "“Agent”."]}


def test_parent_of_another_tenant_is_refused(world):
    foreign = services.organization_create(
        actor=None, tenant=world.other_tenant, org_unit=world.other_root,
        kind="property_company", name="别家物业")
    with pytest.raises(ValidationError) as exc:
        org(world, "管理处", kind="management_office", parent=foreign)
    assert errors(exc) == {"parent": ["Choose an organisation of your own company."]}


def test_an_organisation_cannot_move_under_its_own_branch(world):
    company = org(world, "总公司")
    branch = org(world, "分公司", parent=company)
    grandchild = org(world, "分公司二部", parent=branch)
    with pytest.raises(ValidationError) as exc:
        services.organization_update(actor=None, organization=company, parent=grandchild)
    assert errors(exc) == {"parent": [
        "An organisation cannot be placed under itself or one of its branches."]}
    with pytest.raises(ValidationError):
        services.organization_update(actor=None, organization=company, parent=company)
    company.refresh_from_db()
    assert company.parent_id is None


def test_kind_change_must_keep_its_branches_valid(world):
    company = org(world, "万科物业")
    org(world, "金色家园管理处", kind="management_office", parent=company)
    with pytest.raises(ValidationError) as exc:
        services.organization_update(actor=None, organization=company, kind="developer")
    assert errors(exc) == {"kind": [
        "“金色家园管理处” is a branch of this organisation and needs it to be of the kind "
        "“Property company”."]}
    company.refresh_from_db()
    assert company.kind == "property_company"


def test_update_changes_only_what_is_given_and_keeps_keys_in_step(world):
    company = org(world, "万科物业", city="深圳", landline="0755-88888888")
    updated = services.organization_update(actor=None, organization=company, name="碧桂园服务",
                                           parent=None)
    updated.refresh_from_db()
    assert (updated.name, updated.name_pinyin, updated.name_initials) == (
        "碧桂园服务", "biguiyuanfuwu", "bgyfw")
    assert (updated.city, updated.landline) == ("深圳", "+8675588888888")


# --- organisations: rights and units --------------------------------------------------------

def test_creating_needs_the_add_right_at_the_unit(world):
    branch_b_editor = make_user(world.tenant, world.branch_b, EDITOR_PERMS)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=branch_b_editor, tenant=world.tenant,
                                     org_unit=world.branch_a, kind="developer", name="某地产")
    created = services.organization_create(actor=branch_b_editor, tenant=world.tenant,
                                           org_unit=world.branch_b, kind="developer",
                                           name="某地产")
    assert created.org_unit_id == world.branch_b.pk
    viewer = make_user(world.tenant, world.root, ["directory.view_organization"])
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=viewer, tenant=world.tenant, org_unit=world.root,
                                     kind="developer", name="另一地产")


def test_unit_of_another_tenant_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.organization_create(actor=None, tenant=world.tenant,
                                     org_unit=world.other_root, kind="developer", name="某地产")
    assert errors(exc) == {"org_unit": ["Choose a unit of your own organisation."]}


def test_actor_of_another_tenant_cannot_create(world):
    outsider = make_user(world.other_tenant, world.other_root, EDITOR_PERMS, superuser=True)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=outsider, tenant=world.tenant,
                                     org_unit=world.root, kind="developer", name="某地产")


def test_editing_needs_the_change_right_at_the_organisation(world):
    company = org(world, "万科物业")
    sibling = make_user(world.tenant, world.branch_b, EDITOR_PERMS)
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=sibling, organization=company, name="改名")


def test_moving_to_another_unit_takes_the_contacts_along(world):
    company = org(world, "万科物业")
    contact = services.contact_add(actor=None, organization=company, name="张三")
    editor = make_user(world.tenant, world.root, EDITOR_PERMS)
    services.organization_update(actor=editor, organization=company, org_unit=world.branch_b)
    company.refresh_from_db()
    contact.refresh_from_db()
    assert (company.org_unit_id, contact.org_unit_id) == (world.branch_b.pk, world.branch_b.pk)


def test_moving_needs_the_change_right_at_the_new_unit(world):
    company = org(world, "万科物业")
    branch_a_editor = make_user(world.tenant, world.branch_a, EDITOR_PERMS)
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=branch_a_editor, organization=company,
                                     org_unit=world.branch_b)
    company.refresh_from_db()
    assert company.org_unit_id == world.branch_a.pk


# --- contacts -------------------------------------------------------------------------------

def test_contact_add_normalises_and_copies_the_unit(world):
    company = org(world, "万科物业")
    editor = make_user(world.tenant, world.branch_a, EDITOR_PERMS)
    contact = services.contact_add(
        actor=editor, organization=company, name=" 李四 ", role="person_in_charge",
        title="总经理", mobile="138 1234 5678", landline="(010) 1234-5678",
        email="li@example.com", qq="12345", wechat="li_si-2026",
    )
    contact.refresh_from_db()
    assert (contact.name, contact.mobile, contact.landline) == (
        "李四", "+8613812345678", "+861012345678")
    assert (contact.qq, contact.wechat, contact.role) == ("12345", "li_si-2026",
                                                          "person_in_charge")
    assert (contact.tenant_id, contact.org_unit_id) == (world.tenant.pk, world.branch_a.pk)
    assert [(e.verb, e.new_value, e.actor_id) for e in events_for(company)] == [
        ("contact_added", "李四", editor.pk)]


def test_contact_field_rules_and_their_messages(world):
    company = org(world, "万科物业")
    with pytest.raises(ValidationError) as exc:
        services.contact_add(actor=None, organization=company, name="", mobile="010-12345678",
                             email="li@", qq="0123456", wechat="li")
    assert errors(exc) == {
        "name": ["Enter the contact's name."],
        "mobile": ["Enter a mobile number, e.g. 138 1234 5678; put a landline in the landline "
                   "field."],
        "email": ["Enter a valid e-mail address, e.g. name@example.com."],
        "qq": ["A QQ number has 5 to 12 digits and does not start with 0."],
        "wechat": ["A WeChat ID has 6 to 20 characters: letters, digits, “_” and “-”."],
    }
    assert not Contact.objects.exists()


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("qq", "10001", True), ("qq", "123456789012", True), ("qq", "1234", False),
    ("qq", "1234567890123", False), ("qq", "12a45", False),
    ("wechat", "abc123", True), ("wechat", "a" * 20, True), ("wechat", "abc12", False),
    ("wechat", "a" * 21, False), ("wechat", "微信号码abc", False), ("wechat", "ab c123", False),
])
def test_qq_and_wechat_bounds(world, field, value, ok):
    company = org(world, "万科物业")
    if ok:
        contact = services.contact_add(actor=None, organization=company, name="王五",
                                       **{field: value})
        assert getattr(contact, field) == value
    else:
        with pytest.raises(ValidationError) as exc:
            services.contact_add(actor=None, organization=company, name="王五",
                                 **{field: value})
        assert list(errors(exc)) == [field]


def test_an_organisation_has_one_legal_representative(world):
    company = org(world, "万科物业")
    services.contact_add(actor=None, organization=company, name="张三",
                         role="legal_representative")
    with pytest.raises(ValidationError) as exc:
        services.contact_add(actor=None, organization=company, name="李四",
                             role="legal_representative")
    assert errors(exc) == {"role": [
        "张三 is already the legal representative of this organisation; an organisation has "
        "only one."]}
    staff = services.contact_add(actor=None, organization=company, name="李四")
    with pytest.raises(ValidationError):
        services.contact_update(actor=None, contact=staff, role="legal_representative")
    other = org(world, "碧桂园服务")
    assert services.contact_add(actor=None, organization=other, name="李四",
                                role="legal_representative").role == "legal_representative"


def test_the_legal_representative_may_be_edited_and_replaced(world):
    company = org(world, "万科物业")
    legal = services.contact_add(actor=None, organization=company, name="张三",
                                 role="legal_representative")
    edited = services.contact_update(actor=None, contact=legal, title="董事长")
    assert (edited.role, edited.title) == ("legal_representative", "董事长")
    services.contact_update(actor=None, contact=legal, role="staff")
    newcomer = services.contact_add(actor=None, organization=company, name="李四",
                                    role="legal_representative")
    assert newcomer.role == "legal_representative"


def test_contact_update_keeps_what_is_not_given(world):
    company = org(world, "万科物业")
    contact = services.contact_add(actor=None, organization=company, name="张三",
                                   mobile="13812345678", qq="10001")
    services.contact_update(actor=None, contact=contact, mobile="", wechat="zhangsan")
    contact.refresh_from_db()
    assert (contact.name, contact.mobile, contact.qq, contact.wechat) == (
        "张三", "", "10001", "zhangsan")


def test_contact_person_of_another_tenant_is_refused(world):
    company = org(world, "万科物业")
    stranger = Person.objects.create(tenant=world.other_tenant, org_unit=world.other_root,
                                     name="外人")
    with pytest.raises(ValidationError) as exc:
        services.contact_add(actor=None, organization=company, name="外人", person=stranger)
    assert errors(exc) == {"person": ["Choose a person of your own company."]}
    own = Person.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="张三")
    contact = services.contact_add(actor=None, organization=company, name="张三", person=own)
    assert contact.person_id == own.pk


def test_contact_writes_need_their_rights(world):
    company = org(world, "万科物业")
    contact = services.contact_add(actor=None, organization=company, name="张三")
    viewer = make_user(world.tenant, world.root, ["directory.view_organization",
                                                  "directory.view_contact"])
    sibling = make_user(world.tenant, world.branch_b, EDITOR_PERMS)
    for actor in (viewer, sibling):
        with pytest.raises(PermissionDenied):
            services.contact_add(actor=actor, organization=company, name="李四")
        with pytest.raises(PermissionDenied):
            services.contact_update(actor=actor, contact=contact, name="李四")
        with pytest.raises(PermissionDenied):
            services.contact_remove(actor=actor, contact=contact)
    assert list(Contact.objects.values_list("name", flat=True)) == ["张三"]


def test_contact_remove_deletes_and_records_the_event(world):
    company = org(world, "万科物业")
    contact = services.contact_add(actor=None, organization=company, name="张三")
    editor = make_user(world.tenant, world.branch_a, EDITOR_PERMS)
    services.contact_remove(actor=editor, contact=contact)
    assert not Contact.objects.exists()
    assert [(e.verb, e.old_value) for e in events_for(company)] == [
        ("contact_removed", "张三"), ("contact_added", "")]


def test_a_merged_parent_blocks_choosing_it_but_not_editing_the_branch(world):
    company = org(world, "万科物业")
    office = org(world, "金色家园管理处", kind="management_office", parent=company)
    successor = org(world, "万科物业服务")
    company.merged_into = successor
    company.save(update_fields=["merged_into"])
    edited = services.organization_update(actor=None, organization=office, city="深圳",
                                          parent=company)
    assert (edited.city, edited.parent_id) == ("深圳", company.pk)
    with pytest.raises(ValidationError) as exc:
        org(world, "新管理处", kind="management_office", parent=company)
    assert errors(exc) == {"parent": [
        "This organisation was merged into another one; choose that one instead."]}
