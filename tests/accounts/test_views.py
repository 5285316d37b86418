"""PLAT-1/2: the accounts screens — lists, forms, refusals and scope (404 outside it)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from linli.accounts import services
from linli.accounts.models import ApiToken, Membership, OrgUnit, Role, User
from linli.core.tenancy import Tenant
from tests.builders import PASSWORD, make_role, make_unit, make_user

pytestmark = pytest.mark.django_db

MANAGER_PERMS = [
    "accounts.view_orgunit", "accounts.add_orgunit", "accounts.change_orgunit",
    "accounts.view_user", "accounts.add_user", "accounts.change_user",
    "accounts.view_membership", "accounts.add_membership", "accounts.delete_membership",
    "accounts.view_role",
]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def admin(world):
    return make_user(world.tenant, superuser=True, username="admin", display_name="管理员")


@pytest.fixture
def manager(world):
    return make_user(world.tenant, world.branch_a, MANAGER_PERMS, username="mgr")


# --- org units ------------------------------------------------------------------------------

def test_tree_lists_units_in_order_with_kinds_and_member_counts(world, admin):
    make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    response = client_for(admin).get(reverse("accounts:org_units"))
    assert response.status_code == 200
    page = text(response)
    names = re.findall(r'<a href="/org/users/\?org_unit=\d+">([^<]+)</a>', page)
    assert names == ["物业甲", "华东分公司", "工程部", "华南分公司"]
    assert "Department" in page and "Branch / region" in page
    counts = re.findall(r'<td class="text-end">(\d+)</td>', page)
    assert counts == ["0", "0", "1", "0"]


def test_branch_manager_sees_only_their_subtree(world, manager):
    page = text(client_for(manager).get(reverse("accounts:org_units")))
    names = re.findall(r'<a href="/org/users/\?org_unit=\d+">([^<]+)</a>', page)
    assert names == ["华东分公司", "工程部"]
    assert "华南分公司" not in page


def test_tree_needs_the_view_permission(world):
    member = make_user(world.tenant, world.root, ["accounts.view_user"])
    assert client_for(member).get(reverse("accounts:org_units")).status_code == 403


def test_create_a_unit_from_the_screen(world, manager):
    client = client_for(manager)
    url = reverse("accounts:org_unit_create")
    assert client.get(url + f"?parent={world.branch_a.pk}").status_code == 200
    response = client.post(url, {"parent": world.team_a1.pk, "name": "水电班", "code": "",
                                 "kind": "team"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name="水电班")
    assert (unit.parent_id, unit.kind) == (world.team_a1.pk, "team")


def test_create_under_a_unit_out_of_scope_is_a_form_error(world, manager):
    response = client_for(manager).post(reverse("accounts:org_unit_create"), {
        "parent": world.branch_b.pk, "name": "越权", "kind": "team"})
    assert response.status_code == 200
    assert ("Select a valid choice. That choice is not one of the available choices."
            in text(response))
    assert not OrgUnit.objects.filter(name="越权").exists()


def test_edit_shows_service_errors_on_the_form(world, admin):
    make_unit(world.root, "已占用").__class__.objects.filter(name="已占用").update(code="TAKEN")
    response = client_for(admin).post(
        reverse("accounts:org_unit_edit", args=[world.branch_a.pk]),
        {"name": "华东", "code": "TAKEN", "kind": "branch"},
    )
    assert response.status_code == 200
    assert "Another unit already uses this code." in text(response)
    assert OrgUnit.objects.get(pk=world.branch_a.pk).name == "华东分公司"


def test_move_offers_only_units_outside_the_subtree(world, admin):
    client = client_for(admin)
    url = reverse("accounts:org_unit_move", args=[world.branch_a.pk])
    page = text(client.get(url))
    options = re.findall(r'<option value="(\d+)"', page)
    assert sorted(map(int, options)) == [world.branch_b.pk]
    response = client.post(url, {"new_parent": world.branch_b.pk})
    assert response.status_code == 302
    assert OrgUnit.objects.get(pk=world.branch_a.pk).parent_id == world.branch_b.pk


def test_deactivating_the_root_shows_the_reason(world, admin):
    client = client_for(admin)
    response = client.post(reverse("accounts:org_unit_deactivate", args=[world.root.pk]),
                           follow=True)
    assert "The root unit cannot be deactivated." in text(response)
    client.post(reverse("accounts:org_unit_deactivate", args=[world.team_a1.pk]))
    assert OrgUnit.objects.get(pk=world.team_a1.pk).is_active is False
    client.post(reverse("accounts:org_unit_reactivate", args=[world.team_a1.pk]))
    assert OrgUnit.objects.get(pk=world.team_a1.pk).is_active is True


@pytest.mark.parametrize("name", ["org_unit_edit", "org_unit_move", "org_unit_deactivate"])
def test_another_tenants_unit_is_not_found(world, name):
    outsider = make_user(world.other_tenant, superuser=True)
    client = client_for(outsider)
    url = reverse(f"accounts:{name}", args=[world.branch_a.pk])
    response = client.post(url) if name == "org_unit_deactivate" else client.get(url)
    assert response.status_code == 404


def test_a_sibling_branch_is_not_found_for_a_branch_manager(world, manager):
    response = client_for(manager).get(
        reverse("accounts:org_unit_edit", args=[world.branch_b.pk]))
    assert response.status_code == 404


# --- users ----------------------------------------------------------------------------------

def listed_usernames(response) -> list[str]:
    return re.findall(r'<a href="/org/users/\d+/">([^<]+)</a>', text(response))


def test_user_list_filters_and_sorts(world, admin):
    make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"], username="zhang",
              display_name="张三", mobile="13812345678")
    make_user(world.tenant, world.branch_b, ["accounts.view_orgunit"], username="li",
              display_name="李四")
    client = client_for(admin)
    url = reverse("accounts:users")
    assert listed_usernames(client.get(url)) == ["admin", "li", "zhang"]
    assert listed_usernames(client.get(url, {"q": "张"})) == ["zhang"]
    assert listed_usernames(client.get(url, {"org_unit": world.branch_a.pk})) == ["zhang"]
    assert listed_usernames(client.get(url, {"sort": "-username"})) == ["zhang", "li", "admin"]
    page = text(client.get(url, {"q": "zhang"}))
    assert "138****5678" in page and "13812345678" not in page
    assert "工程部 · " in page


def test_user_list_of_a_branch_manager_hides_the_sibling_branch(world, manager):
    make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"], username="east")
    make_user(world.tenant, world.branch_b, ["accounts.view_orgunit"], username="south")
    response = client_for(manager).get(reverse("accounts:users"))
    assert listed_usernames(response) == ["east", "mgr"]


def test_user_list_paginates(world, admin):
    for n in range(26):
        make_user(world.tenant, world.root, [], username=f"u{n:02d}")
    client = client_for(admin)
    first = client.get(reverse("accounts:users"))
    assert len(listed_usernames(first)) == 25
    assert "Page 1 of 2, 27 rows" in text(first)
    assert listed_usernames(client.get(reverse("accounts:users"), {"page": 2})) == [
        "u24", "u25"]


def test_create_user_with_a_weak_password_shows_the_policy(world, manager):
    role = make_role(world.tenant, ["accounts.view_orgunit"])
    response = client_for(manager).post(reverse("accounts:user_create"), {
        "username": "weak", "display_name": "", "email": "", "mobile": "",
        "language": "zh-hans", "password1": "password123", "password2": "password123",
        "org_unit": world.team_a1.pk, "role": role.pk,
    })
    assert response.status_code == 200
    assert "This password is too common." in text(response)
    assert not User.objects.filter(username="weak").exists()


def test_create_user_from_the_screen(world, manager):
    role = make_role(world.tenant, ["accounts.view_orgunit"])
    response = client_for(manager).post(reverse("accounts:user_create"), {
        "username": "wang", "display_name": "王五", "email": "wang@example.com",
        "mobile": "13900001111", "language": "en", "password1": PASSWORD,
        "password2": PASSWORD, "org_unit": world.team_a1.pk, "role": role.pk,
    })
    user = User.objects.get(username="wang")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert (user.mobile, user.tenant_id) == ("+8613900001111", world.tenant.pk)
    assert list(user.memberships.values_list("org_unit_id", flat=True)) == [world.team_a1.pk]


def test_create_user_needs_matching_passwords(world, admin):
    response = client_for(admin).post(reverse("accounts:user_create"), {
        "username": "typo", "language": "en", "password1": PASSWORD, "password2": "other",
    })
    assert "The two passwords differ." in text(response)
    assert not User.objects.filter(username="typo").exists()


def test_user_detail_shows_profile_memberships_and_history(world, admin):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"],
                       username="detail", display_name="赵六")
    client = client_for(admin)
    client.post(reverse("accounts:user_edit", args=[member.pk]), {
        "display_name": "赵六六", "email": "", "mobile": "", "language": "en"})
    page = text(client.get(reverse("accounts:user_detail", args=[member.pk])))
    assert "赵六六" in page and "工程部" in page and "Add membership" in page
    history = text(client.get(reverse("accounts:user_detail", args=[member.pk]),
                              {"tab": "history"}))
    assert "赵六" in history and "赵六六" in history and "管理员" in history


def test_user_detail_of_another_tenant_is_not_found(world):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    outsider = make_user(world.other_tenant, superuser=True)
    response = client_for(outsider).get(reverse("accounts:user_detail", args=[member.pk]))
    assert response.status_code == 404


def test_deactivate_and_reactivate_from_the_screen(world, admin):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    client = client_for(admin)
    client.post(reverse("accounts:user_deactivate", args=[member.pk]))
    assert User.objects.get(pk=member.pk).is_active is False
    client.post(reverse("accounts:user_reactivate", args=[member.pk]))
    assert User.objects.get(pk=member.pk).is_active is True
    response = client.post(reverse("accounts:user_deactivate", args=[admin.pk]), follow=True)
    assert "You cannot deactivate yourself." in text(response)


def test_admin_password_reset_validates(world, admin):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    client = client_for(admin)
    url = reverse("accounts:user_password", args=[member.pk])
    response = client.post(url, {"password1": "abc", "password2": "abc"})
    assert "This password is too short. It must contain at least 8 characters." in text(response)
    client.post(url, {"password1": "New-Secret-2026", "password2": "New-Secret-2026"})
    assert User.objects.get(pk=member.pk).check_password("New-Secret-2026")


def test_a_manager_gets_403_for_a_user_who_also_works_elsewhere(world, manager):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    services.membership_add(actor=None, user=member, org_unit=world.branch_b,
                            role=make_role(world.tenant, ["accounts.view_orgunit"]))
    response = client_for(manager).get(reverse("accounts:user_password", args=[member.pk]))
    assert response.status_code == 403


# --- memberships ----------------------------------------------------------------------------

def test_membership_add_with_htmx_returns_the_card(world, manager):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    role = make_role(world.tenant, ["accounts.view_user"], code="viewer")
    response = client_for(manager).post(
        reverse("accounts:membership_add", args=[member.pk]),
        {"org_unit": world.branch_a.pk, "role": role.pk, "valid_from": "", "valid_until": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="memberships"' in text(response)
    assert list(member.memberships.order_by("org_unit__path").values_list(
        "org_unit__name", flat=True)) == ["华东分公司", "工程部"]


def test_membership_add_error_is_shown(world, manager):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    role = make_role(world.tenant, ["accounts.view_user"])
    response = client_for(manager).post(
        reverse("accounts:membership_add", args=[member.pk]),
        {"org_unit": world.team_a1.pk, "role": role.pk, "valid_from": "2026-05-01",
         "valid_until": "2026-04-01"},
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in text(response)


def test_membership_remove(world, manager):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    membership = member.memberships.get()
    response = client_for(manager).post(
        reverse("accounts:membership_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_membership_remove_of_another_tenant_is_not_found(world):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    outsider = make_user(world.other_tenant, superuser=True)
    membership = member.memberships.get()
    response = client_for(outsider).post(
        reverse("accounts:membership_remove", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


# --- roles ----------------------------------------------------------------------------------

def test_role_create_with_the_permission_matrix(world, admin):
    client = client_for(admin)
    page = text(client.get(reverse("accounts:role_create")))
    assert 'value="accounts.change_orgunit"' in page and "Organisation units" in page
    response = client.post(reverse("accounts:role_create"), {
        "name": "调度员", "code": "dispatch", "description": "",
        "permissions": ["accounts.view_user", "accounts.view_orgunit"],
    })
    assert response.status_code == 302
    role = Role.objects.get(tenant=world.tenant, code="dispatch")
    assert sorted(role.permissions.values_list("codename", flat=True)) == [
        "view_orgunit", "view_user"]


def test_role_form_refuses_a_permission_outside_the_matrix(world, admin):
    response = client_for(admin).post(reverse("accounts:role_create"), {
        "name": "坏", "code": "bad", "permissions": ["core.add_tenant"]})
    assert response.status_code == 200
    assert "Select a valid choice. core.add_tenant is not one of the available choices." in (
        text(response))


def test_role_list_edit_and_delete(world, admin):
    role = make_role(world.tenant, ["accounts.view_user"], code="old")
    client = client_for(admin)
    assert "old" in text(client.get(reverse("accounts:roles")))
    client.post(reverse("accounts:role_edit", args=[role.pk]), {
        "name": "新名字", "code": "old", "permissions": ["accounts.view_orgunit"]})
    role.refresh_from_db()
    assert role.name == "新名字"
    client.post(reverse("accounts:role_delete", args=[role.pk]))
    assert not Role.objects.filter(pk=role.pk).exists()


def test_roles_of_another_tenant_are_not_found(world):
    role = make_role(world.tenant, ["accounts.view_user"], code="ours")
    outsider = make_user(world.other_tenant, superuser=True)
    client = client_for(outsider)
    assert "ours" not in text(client.get(reverse("accounts:roles")))
    assert client.get(reverse("accounts:role_edit", args=[role.pk])).status_code == 404


def test_install_standard_roles_button(world, admin):
    client_for(admin).post(reverse("accounts:role_presets_install"))
    assert Role.objects.filter(tenant=world.tenant).count() == 10


# --- profile and tokens ---------------------------------------------------------------------

def test_profile_saves_details_and_language(world):
    member = make_user(world.tenant, username="me")
    client = client_for(member)
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = client.post(reverse("accounts:profile"), {
        "display_name": "自己", "email": "", "mobile": "13812345678", "language": "zh-hans"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.mobile, member.language) == (
        "自己", "+8613812345678", "zh-hans")
    assert client.session["linli_language"] == "zh-hans"
    assert response.cookies["linli_language"].value == "zh-hans"


def test_token_key_is_shown_once(world):
    member = make_user(world.tenant)
    client = client_for(member)
    response = client.post(reverse("accounts:token_create"), {"name": "报表", "days": 30},
                           HTTP_HX_REQUEST="true")
    key = re.search(r'value="(ll_[^"]+)"', text(response)).group(1)
    token = ApiToken.objects.get(user=member)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in text(client.get(reverse("accounts:profile")))
    assert f"{token.prefix}…" in text(client.get(reverse("accounts:profile")))


def test_token_form_errors(world):
    member = make_user(world.tenant)
    response = client_for(member).post(reverse("accounts:token_create"),
                                       {"name": "x", "days": 0})
    assert "Ensure this value is greater than or equal to 1." in text(response)
    assert not ApiToken.objects.filter(user=member).exists()


def test_token_revoke_and_other_users_token_is_not_found(world):
    member = make_user(world.tenant)
    other = make_user(world.tenant)
    token, _key = services.api_token_create(actor=member, user=member, name="t")
    assert client_for(other).post(
        reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    outsider = make_user(world.other_tenant, superuser=True)
    assert client_for(outsider).post(
        reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    client_for(member).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_sign_in_urls_keep_their_names(db):
    assert (reverse("login"), reverse("logout"), reverse("password_change"),
            reverse("password_change_done")) == (
        "/accounts/login/", "/accounts/logout/", "/accounts/password/",
        "/accounts/password/done/")


def test_user_export_honours_the_filters_and_masks_mobiles(world, admin):
    make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"], username="zhang",
              display_name="张三", mobile="13812345678")
    make_user(world.tenant, world.branch_b, ["accounts.view_orgunit"], username="li")
    response = client_for(admin).get(reverse("accounts:users"), {"q": "zhang", "export": "csv"})
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ("Username,Display name,E-mail,Mobile,Memberships,Active,Joined,"
                        "Last sign-in")
    assert len(lines) == 2
    assert lines[1].startswith("zhang,张三,,138****5678,工程部 · role")


def test_platform_admin_creates_a_tenant_with_root_and_roles(world):
    platform = make_user(world.tenant, superuser=True, username="platform")
    response = client_for(platform).post("/admin/core/tenant/add/", {
        "name": "新开发商", "code": "new-dev", "kind": "developer", "is_active": "on"})
    assert response.status_code == 302
    tenant = Tenant.objects.get(code="new-dev")
    assert list(OrgUnit.objects.filter(tenant=tenant).values_list("name", "kind")) == [
        ("新开发商", "company")]
    assert Role.objects.filter(tenant=tenant).count() == 10


def test_tenants_in_the_admin_are_for_superusers_only(world):
    staff = make_user(world.tenant, world.root, ["accounts.view_user"], username="staff")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    response = client_for(staff).get("/admin/core/tenant/")
    assert response.status_code == 403


def test_user_detail_masks_the_mobile(world, admin):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"],
                       mobile="13812345678")
    page = text(client_for(admin).get(reverse("accounts:user_detail", args=[member.pk])))
    assert "138****5678" in page
    assert "13812345678" not in page and "+8613812345678" not in page


def test_a_session_ends_when_its_tenant_is_deactivated(world, manager):
    client = client_for(manager)
    assert client.get(reverse("accounts:users")).status_code == 200
    Tenant.objects.filter(pk=world.tenant.pk).update(is_active=False)
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
