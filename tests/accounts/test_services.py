"""PLAT-1/2: the writes of accounts — happy paths, each refusal, scope and other tenants."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.accounts import selectors, services
from linli.accounts.models import ApiToken, Membership, OrgUnit, Role, User
from linli.accounts.presets import ROLE_PRESETS
from linli.core.events import DomainEvent
from tests.builders import PASSWORD, make_role, make_unit, make_user

pytestmark = pytest.mark.django_db

UNIT_ADMIN = ["accounts.view_orgunit", "accounts.add_orgunit", "accounts.change_orgunit"]
STAFF_ADMIN = ["accounts.view_user", "accounts.add_user", "accounts.change_user",
               "accounts.view_membership", "accounts.add_membership",
               "accounts.delete_membership", "accounts.view_orgunit"]


def fields_of(exc: ValidationError) -> dict:
    return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}


# --- org units ------------------------------------------------------------------------------

def test_org_unit_create_adds_a_child_with_the_next_path(world):
    manager = make_user(world.tenant, world.branch_a, UNIT_ADMIN)
    unit = services.org_unit_create(actor=manager, tenant=world.tenant, parent=world.branch_a,
                                    name=" 维修班 ", kind="team", code="A-REP")
    assert (unit.name, unit.kind, unit.code, unit.depth) == ("维修班", "team", "A-REP", 2)
    assert unit.path == world.branch_a.path + "000002."
    assert unit.parent_id == world.branch_a.pk


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"name": "  "}, "name", "Enter a name."),
    ({"kind": "galaxy"}, "kind", "Value 'galaxy' is not a valid choice."),
    ({"code": "x" * 51}, "code",
     "Ensure this value has at most 50 characters (it has 51)."),
])
def test_org_unit_create_refuses_bad_input(world, kwargs, field, message):
    values = {"name": "新部门", "kind": "department", "code": ""} | kwargs
    with pytest.raises(ValidationError) as caught:
        services.org_unit_create(actor=None, tenant=world.tenant, parent=world.branch_a,
                                 **values)
    assert fields_of(caught.value) == {field: [message]}
    assert OrgUnit.objects.filter(tenant=world.tenant).count() == 4


def test_org_unit_create_refuses_a_used_code(world):
    services.org_unit_create(actor=None, tenant=world.tenant, parent=world.root, name="甲",
                             kind="branch", code="HD")
    with pytest.raises(ValidationError) as caught:
        services.org_unit_create(actor=None, tenant=world.tenant, parent=world.root, name="乙",
                                 kind="branch", code="HD")
    assert fields_of(caught.value) == {"code": ["Another unit already uses this code."]}


def test_org_unit_create_outside_the_managers_subtree_is_refused(world):
    manager = make_user(world.tenant, world.branch_a, UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        services.org_unit_create(actor=manager, tenant=world.tenant, parent=world.branch_b,
                                 name="越权部门", kind="department")
    assert not OrgUnit.objects.filter(name="越权部门").exists()


def test_org_unit_create_under_another_tenants_unit_is_refused(world):
    admin = make_user(world.tenant, superuser=True)
    with pytest.raises(ValidationError) as caught:
        services.org_unit_create(actor=admin, tenant=world.tenant, parent=world.other_root,
                                 name="X", kind="branch")
    assert fields_of(caught.value) == {"parent": ["Choose a unit of your own organisation."]}
    outsider = make_user(world.other_tenant, superuser=True)
    with pytest.raises(PermissionDenied):
        services.org_unit_create(actor=outsider, tenant=world.tenant, parent=world.root,
                                 name="X", kind="branch")


def test_org_unit_update_changes_name_kind_and_code(world):
    manager = make_user(world.tenant, world.branch_a, UNIT_ADMIN)
    services.org_unit_update(actor=manager, unit=world.team_a1, name="工程维修部",
                             kind="team", code="ENG")
    world.team_a1.refresh_from_db()
    assert (world.team_a1.name, world.team_a1.kind, world.team_a1.code) == (
        "工程维修部", "team", "ENG")


def test_org_unit_update_of_a_sibling_branch_is_refused(world):
    manager = make_user(world.tenant, world.branch_a, UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        services.org_unit_update(actor=manager, unit=world.branch_b, name="改名", kind="branch")


def test_deactivate_and_reactivate_a_unit_records_events(world):
    admin = make_user(world.tenant, superuser=True)
    services.org_unit_set_active(actor=admin, unit=world.team_a1, active=False)
    assert OrgUnit.objects.get(pk=world.team_a1.pk).is_active is False
    services.org_unit_set_active(actor=admin, unit=world.team_a1, active=True)
    assert OrgUnit.objects.get(pk=world.team_a1.pk).is_active is True
    verbs = list(DomainEvent.objects.filter(subject_id=world.team_a1.pk)
                 .order_by("id").values_list("verb", flat=True))
    assert verbs == ["deactivated", "reactivated"]


@pytest.mark.parametrize(("unit_name", "message"), [
    ("root", "The root unit cannot be deactivated."),
    ("branch_a", "Deactivate its active sub-units first."),
])
def test_deactivation_refusals(world, unit_name, message):
    admin = make_user(world.tenant, superuser=True)
    unit = getattr(world, unit_name)
    with pytest.raises(ValidationError) as caught:
        services.org_unit_set_active(actor=admin, unit=unit, active=False)
    assert fields_of(caught.value) == {"is_active": [message]}
    assert OrgUnit.objects.get(pk=unit.pk).is_active is True


def test_reactivation_under_an_inactive_parent_is_refused(world):
    admin = make_user(world.tenant, superuser=True)
    services.org_unit_set_active(actor=admin, unit=world.team_a1, active=False)
    services.org_unit_set_active(actor=admin, unit=world.branch_a, active=False)
    team = OrgUnit.objects.get(pk=world.team_a1.pk)
    with pytest.raises(ValidationError) as caught:
        services.org_unit_set_active(actor=admin, unit=team, active=True)
    assert fields_of(caught.value) == {"is_active": ["Reactivate its parent unit first."]}


def test_move_rewrites_the_paths_of_the_whole_subtree(world):
    admin = make_user(world.tenant, superuser=True)
    crew = make_unit(world.team_a1, "水电班", kind="team")
    services.org_unit_move(actor=admin, unit=world.team_a1, new_parent=world.branch_b)
    team, crew = OrgUnit.objects.get(pk=world.team_a1.pk), OrgUnit.objects.get(pk=crew.pk)
    assert team.parent_id == world.branch_b.pk
    assert team.path == world.branch_b.path + "000001."
    assert crew.path == team.path + "000001."
    assert (team.depth, crew.depth) == (2, 3)


@pytest.mark.parametrize(("target", "message"), [
    ("team_a1", "A unit cannot move under itself."),
    ("other_root", "Choose a unit of your own organisation."),
])
def test_move_refusals(world, target, message):
    admin = make_user(world.tenant, superuser=True)
    with pytest.raises(ValidationError) as caught:
        services.org_unit_move(actor=admin, unit=world.branch_a,
                               new_parent=getattr(world, target))
    assert fields_of(caught.value) == {"parent": [message]}


def test_move_into_a_subtree_the_manager_does_not_hold_is_refused(world):
    manager = make_user(world.tenant, world.branch_a, UNIT_ADMIN)
    with pytest.raises(PermissionDenied):
        services.org_unit_move(actor=manager, unit=world.team_a1, new_parent=world.branch_b)
    assert OrgUnit.objects.get(pk=world.team_a1.pk).parent_id == world.branch_a.pk


# --- roles ----------------------------------------------------------------------------------

def test_role_save_creates_and_updates(world):
    admin = make_user(world.tenant, superuser=True)
    role = services.role_save(actor=admin, tenant=world.tenant, name="前台", code="desk",
                              permissions=["accounts.view_user"])
    role = services.role_save(actor=admin, tenant=world.tenant, role=role, name="客服前台",
                              code="desk", permissions=["accounts.view_user",
                                                        "accounts.view_orgunit"])
    assert (role.name, selectors.role_permission_names(role)) == (
        "客服前台", ["accounts.view_orgunit", "accounts.view_user"])


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"name": ""}, "name", "Enter a name."),
    ({"code": "有 空格"}, "code", "Enter a valid “slug” consisting of letters, numbers, "
     "underscores or hyphens."),
    ({"permissions": ["accounts.fly_user"]}, "permissions",
     "Unknown permission: accounts.fly_user"),
])
def test_role_save_refuses_bad_input(world, kwargs, field, message):
    values = {"name": "前台", "code": "desk", "permissions": []} | kwargs
    with pytest.raises(ValidationError) as caught:
        services.role_save(actor=None, tenant=world.tenant, **values)
    assert fields_of(caught.value) == {field: [message]}
    assert not Role.objects.filter(tenant=world.tenant).exists()


def test_a_role_cannot_grant_more_than_its_editor_holds(world):
    editor = make_user(world.tenant, world.root, ["accounts.add_role", "accounts.view_role"])
    with pytest.raises(ValidationError) as caught:
        services.role_save(actor=editor, tenant=world.tenant, name="超级", code="super",
                           permissions=["accounts.view_role", "accounts.delete_user"])
    assert fields_of(caught.value) == {"permissions": [
        "You cannot grant permissions you do not hold yourself: accounts.delete_user"]}


def test_role_of_another_tenant_cannot_be_edited(world):
    role = make_role(world.tenant, ["accounts.view_user"])
    outsider = make_user(world.other_tenant, superuser=True)
    with pytest.raises(PermissionDenied):
        services.role_save(actor=outsider, tenant=world.tenant, role=role, name="x", code="x",
                           permissions=[])


def test_role_delete_only_when_unused(world):
    admin = make_user(world.tenant, superuser=True)
    used = make_role(world.tenant, ["accounts.view_user"], code="used")
    make_user(world.tenant).memberships.create(tenant=world.tenant, org_unit=world.root,
                                               role=used)
    with pytest.raises(ValidationError) as caught:
        services.role_delete(actor=admin, role=used)
    assert caught.value.messages == [
        "This role is still held in 1 memberships; remove them first."]
    unused = make_role(world.tenant, ["accounts.view_user"], code="unused")
    services.role_delete(actor=admin, role=unused)
    assert list(Role.objects.filter(tenant=world.tenant).values_list("code", flat=True)) == [
        "used"]


def _platform_permissions(role) -> list[str]:
    """The platform's own permissions of a role; the modules above add theirs (tested there)."""
    return [p for p in selectors.role_permission_names(role)
            if p.split(".")[0] in ("accounts", "core")]


def test_role_presets_install_creates_every_preset_once(world):
    roles = services.role_presets_install(actor=None, tenant=world.tenant)
    assert [r.code for r in roles] == list(ROLE_PRESETS)
    assert len(roles) == 10
    desk = Role.objects.get(tenant=world.tenant, code="front-desk")
    assert (desk.name, _platform_permissions(desk)) == (
        "Front desk", ["accounts.view_orgunit", "accounts.view_user",
                       "core.reveal_personal_data", "core.view_calendarday"])
    admin_role = Role.objects.get(tenant=world.tenant, code="tenant-admin")
    assert len(_platform_permissions(admin_role)) == 28
    # Again: nothing new, and a tenant's renamed role keeps its name and extra permissions.
    services.role_save(actor=None, tenant=world.tenant, role=desk, name="总台", code=desk.code,
                       permissions=["accounts.view_orgunit", "accounts.view_membership"])
    services.role_presets_install(actor=None, tenant=world.tenant)
    desk.refresh_from_db()
    assert Role.objects.filter(tenant=world.tenant).count() == 10
    assert (desk.name, _platform_permissions(desk)) == (
        "总台", ["accounts.view_membership", "accounts.view_orgunit", "accounts.view_user",
                 "core.reveal_personal_data", "core.view_calendarday"])
    assert not Role.objects.filter(tenant=world.other_tenant).exists()


def test_tenant_create_can_install_the_presets(db):
    tenant = services.tenant_create(name="新物业", code="new-pm", kind="property_company",
                                    role_presets=True)
    assert Role.objects.filter(tenant=tenant).count() == len(ROLE_PRESETS)
    assert OrgUnit.objects.get(tenant=tenant).name == "新物业"


def test_role_presets_install_for_another_tenant_is_refused(world):
    outsider = make_user(world.other_tenant, superuser=True)
    with pytest.raises(PermissionDenied):
        services.role_presets_install(actor=outsider, tenant=world.tenant)


# --- users ----------------------------------------------------------------------------------

def test_user_create_with_a_first_membership(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    desk = make_role(world.tenant, ["accounts.view_user"], code="desk")
    user = services.user_create(
        actor=manager, tenant=world.tenant, username="zhang.san", password=PASSWORD,
        display_name="张三", email="zs@example.com", mobile="138 1234 5678", language="en",
        org_unit=world.team_a1, role=desk,
    )
    assert (user.display_name, user.mobile, user.language, user.tenant_id) == (
        "张三", "+8613812345678", "en", world.tenant.pk)
    assert user.check_password(PASSWORD)
    assert list(user.memberships.values_list("org_unit__name", "role__code")) == [
        ("工程部", "desk")]


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"password": "password123"}, "password", "This password is too common."),
    ({"password": "Xy1!"}, "password",
     "This password is too short. It must contain at least 8 characters."),
    ({"username": "has space"}, "username",
     "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
     "characters."),
    ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ({"mobile": "12345"}, "mobile",
     "“12345” is not a valid phone number. Enter an 11-digit mobile number or a landline "
     "with its area code, e.g. 010-12345678."),
    ({"language": "fr"}, "language", "Value 'fr' is not a valid choice."),
])
def test_user_create_refuses_bad_input(world, kwargs, field, message):
    values = {"username": "new.user", "password": PASSWORD} | kwargs
    with pytest.raises(ValidationError) as caught:
        services.user_create(actor=None, tenant=world.tenant, **values)
    assert fields_of(caught.value) == {field: [message]}
    assert not User.objects.filter(username=values["username"]).exists()


def test_user_create_refuses_a_taken_username_in_any_case(world):
    make_user(world.other_tenant, username="Li.Si")
    with pytest.raises(ValidationError) as caught:
        services.user_create(actor=None, tenant=world.tenant, username="li.si",
                             password=PASSWORD)
    assert fields_of(caught.value) == {"username": ["This username is taken."]}


def test_a_branch_manager_must_place_the_new_user_in_their_branch(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    with pytest.raises(ValidationError) as caught:
        services.user_create(actor=manager, tenant=world.tenant, username="floating",
                             password=PASSWORD)
    assert fields_of(caught.value) == {"org_unit": [
        "Choose the unit and role of the new user inside your part of the organisation."]}
    role = make_role(world.tenant, ["accounts.view_user"])
    with pytest.raises(PermissionDenied):
        services.user_create(actor=manager, tenant=world.tenant, username="elsewhere",
                             password=PASSWORD, org_unit=world.branch_b, role=role)
    assert not User.objects.filter(username__in=["floating", "elsewhere"]).exists()


def test_user_create_for_another_tenant_is_refused(world):
    outsider = make_user(world.other_tenant, superuser=True)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=outsider, tenant=world.tenant, username="spy",
                             password=PASSWORD)


def test_user_update_normalises_the_mobile(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    services.user_update(actor=manager, user=member, display_name="王五", email="",
                         mobile="+86 139-0000-1111", language="en")
    member.refresh_from_db()
    assert (member.display_name, member.mobile, member.language) == (
        "王五", "+8613900001111", "en")


def test_a_manager_cannot_change_a_user_who_also_works_elsewhere(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    services.membership_add(actor=None, user=member, org_unit=world.branch_b,
                            role=make_role(world.tenant, ["accounts.view_orgunit"]))
    with pytest.raises(PermissionDenied) as caught:
        services.user_set_password(actor=manager, user=member, password="Another-Pass-2026")
    assert str(caught.value) == (
        "This user also works outside your part of the organisation; ask an administrator.")


def test_only_a_tenant_admin_changes_a_tenant_admin(world):
    manager = make_user(world.tenant, world.root, STAFF_ADMIN)
    boss = make_user(world.tenant, world.root, ["accounts.view_user"], superuser=True)
    with pytest.raises(PermissionDenied):
        services.user_set_active(actor=manager, user=boss, active=False)
    assert User.objects.get(pk=boss.pk).is_active is True


def test_user_set_active_and_the_self_rule(world):
    admin = make_user(world.tenant, superuser=True)
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    services.user_set_active(actor=admin, user=member, active=False)
    assert User.objects.get(pk=member.pk).is_active is False
    assert list(DomainEvent.objects.filter(subject_id=member.pk).values_list("verb", flat=True)
                ) == ["deactivated"]
    with pytest.raises(ValidationError) as caught:
        services.user_set_active(actor=admin, user=admin, active=False)
    assert caught.value.messages == ["You cannot deactivate yourself."]


def test_user_set_password_applies_the_policy(world):
    admin = make_user(world.tenant, superuser=True)
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    with pytest.raises(ValidationError) as caught:
        services.user_set_password(actor=admin, user=member, password="12345678")
    assert fields_of(caught.value) == {"password": [
        "This password is too common.", "This password is entirely numeric."]}
    services.user_set_password(actor=admin, user=member, password="Fresh-Start-2026")
    assert User.objects.get(pk=member.pk).check_password("Fresh-Start-2026")


def test_profile_update_needs_no_permission(world):
    member = make_user(world.tenant)
    services.profile_update(actor=member, display_name="我", email="me@example.com",
                            mobile="", language="en")
    member.refresh_from_db()
    assert (member.display_name, member.email, member.language) == ("我", "me@example.com",
                                                                     "en")


# --- memberships ----------------------------------------------------------------------------

def test_membership_add_and_remove(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    member = make_user(world.tenant)
    role = make_role(world.tenant, ["accounts.view_orgunit"])
    membership = services.membership_add(actor=manager, user=member, org_unit=world.team_a1,
                                         role=role, valid_from=date(2026, 1, 1),
                                         valid_until=date(2026, 12, 31))
    assert (membership.org_unit_id, membership.role_id, membership.valid_until) == (
        world.team_a1.pk, role.pk, date(2026, 12, 31))
    services.membership_remove(actor=manager, membership=membership)
    assert not Membership.objects.filter(user=member).exists()


def test_membership_add_refusals(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    member = make_user(world.tenant)
    role = make_role(world.tenant, ["accounts.view_orgunit"])
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=manager, user=member, org_unit=world.branch_b, role=role)
    with pytest.raises(ValidationError) as caught:
        services.membership_add(actor=manager, user=member, org_unit=world.team_a1, role=role,
                                valid_from=date(2026, 5, 1), valid_until=date(2026, 4, 1))
    assert fields_of(caught.value) == {"valid_until": ["The end date is before the start date."]}
    strong = make_role(world.tenant, ["accounts.delete_orgunit"])
    with pytest.raises(ValidationError) as caught:
        services.membership_add(actor=manager, user=member, org_unit=world.team_a1, role=strong)
    assert fields_of(caught.value) == {"role": [
        "You cannot grant permissions you do not hold yourself: accounts.delete_orgunit"]}
    other_role = make_role(world.other_tenant, ["accounts.view_orgunit"])
    with pytest.raises(ValidationError) as caught:
        services.membership_add(actor=manager, user=member, org_unit=world.team_a1,
                                role=other_role)
    assert caught.value.messages == ["User, unit and role must belong to the same organisation."]
    services.membership_add(actor=manager, user=member, org_unit=world.team_a1, role=role)
    with pytest.raises(ValidationError) as caught:
        services.membership_add(actor=manager, user=member, org_unit=world.team_a1, role=role)
    assert caught.value.messages == ["This user already holds this role at this unit."]
    assert Membership.objects.filter(user=member).count() == 1


def test_membership_remove_outside_scope_is_refused(world):
    manager = make_user(world.tenant, world.branch_a, STAFF_ADMIN)
    member = make_user(world.tenant, world.branch_b, ["accounts.view_orgunit"])
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=manager, membership=member.memberships.get())
    assert member.memberships.count() == 1


# --- API tokens -----------------------------------------------------------------------------

def test_api_tokens_are_personal(world):
    member = make_user(world.tenant)
    other = make_user(world.tenant)
    token, key = services.api_token_create(actor=member, user=member, name="报表", days=30)
    assert key.startswith("ll_") and token.prefix == key[:10]
    assert ApiToken.objects.get(key_hash=ApiToken.hash_key(key)).pk == token.pk
    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=other, user=member, name="x")
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=other, token=token)
    with pytest.raises(ValidationError) as caught:
        services.api_token_create(actor=member, user=member, name="x", days=0)
    assert fields_of(caught.value) == {"days": ["Choose between 1 and 3650 days."]}
    services.api_token_revoke(actor=member, token=token)
    assert ApiToken.objects.get(pk=token.pk).is_usable() is False
