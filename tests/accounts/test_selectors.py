"""PLAT-2: which users, units and memberships a manager sees."""

import pytest

from linli.accounts import selectors, services
from linli.accounts.models import Membership
from tests.builders import make_role, make_user

pytestmark = pytest.mark.django_db


def usernames(qs) -> list[str]:
    return list(qs.values_list("username", flat=True))


@pytest.fixture
def people(world):
    return {
        "a1": make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"], username="a1",
                        display_name="张三"),
        "b1": make_user(world.tenant, world.branch_b, ["accounts.view_orgunit"], username="b1",
                        display_name="李四"),
        "loose": make_user(world.tenant, username="loose"),
        "other": make_user(world.other_tenant, world.other_root, ["accounts.view_orgunit"],
                           username="other"),
    }


def test_branch_manager_sees_users_of_own_branch_only(world, people):
    manager = make_user(world.tenant, world.branch_a, ["accounts.view_user"], username="mgr")
    assert usernames(selectors.user_list(manager)) == ["a1", "mgr"]


def test_tenant_wide_holder_also_sees_users_without_membership(world, people):
    admin = make_user(world.tenant, world.root, ["accounts.view_user"], username="boss")
    assert usernames(selectors.user_list(admin)) == ["a1", "b1", "boss", "loose"]


def test_without_the_permission_nobody_is_visible(world, people):
    member = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    assert usernames(selectors.user_list(member)) == []


def test_user_filters_and_sorting(world, people):
    admin = make_user(world.tenant, superuser=True, username="admin")
    services.user_set_active(actor=admin, user=people["b1"], active=False)
    desk = make_role(world.tenant, ["accounts.view_orgunit"], code="desk")
    services.membership_add(actor=None, user=people["b1"], org_unit=world.team_a1, role=desk)

    def listed(**filters):
        return usernames(selectors.user_list(admin, filters))

    assert listed(q="张") == ["a1"]
    assert listed(q="B1") == ["b1"]
    assert listed(org_unit=world.branch_a.pk) == ["a1", "b1"]
    assert listed(org_unit=world.branch_b.pk) == ["b1"]
    assert listed(org_unit=world.other_root.pk) == []
    assert listed(role=desk.pk) == ["b1"]
    assert listed(org_unit=world.branch_b.pk, role=desk.pk) == []
    assert listed(active="0") == ["b1"]
    assert listed(active="1") == ["a1", "admin", "loose"]
    assert listed(sort="-username") == ["loose", "b1", "admin", "a1"]
    assert listed(sort="password") == ["a1", "admin", "b1", "loose"]


def test_org_unit_list_is_the_subtree_of_the_grant(world):
    manager = make_user(world.tenant, world.branch_a, ["accounts.view_orgunit"])
    names = list(selectors.org_unit_tree(manager).values_list("name", "member_count"))
    assert names == [("华东分公司", 1), ("工程部", 0)]


def test_user_manageable_needs_every_membership_in_scope(world, people):
    manager = make_user(world.tenant, world.branch_a, ["accounts.change_user"])
    assert selectors.user_manageable(manager, people["a1"]) is True
    assert selectors.user_manageable(manager, people["b1"]) is False
    assert selectors.user_manageable(manager, people["loose"]) is False
    assert selectors.user_manageable(manager, people["other"]) is False


def test_memberships_of_shows_only_those_in_scope(world, people):
    services.membership_add(actor=None, user=people["a1"], org_unit=world.branch_b,
                            role=make_role(world.tenant, ["accounts.view_orgunit"]))
    manager = make_user(world.tenant, world.branch_a, ["accounts.view_membership"])
    seen = selectors.memberships_of(manager, people["a1"])
    assert [m.org_unit.name for m in seen] == ["工程部"]
    assert Membership.objects.filter(user=people["a1"]).count() == 2


def test_permission_matrix_groups_models_with_their_actions(db):
    groups = {g.label: g for g in selectors.permission_matrix()}
    accounts = groups["Accounts and organisation"]
    rows = {r.label: r for r in accounts.rows}
    assert sorted(rows) == ["Memberships", "Organisation units", "Roles", "Users"]
    cells = rows["Users"].cells
    assert {k: v.codename for k, v in cells.items()} == {
        "view": "view_user", "add": "add_user", "change": "change_user",
        "delete": "delete_user"}
    names = {selectors.permission_name(p) for p in selectors.grantable_permissions()}
    assert "core.add_tenant" not in names
    assert "accounts.view_apitoken" not in names
    assert "accounts.view_historicaluser" not in names
    assert "auth.add_group" not in names
