import pytest

from linli.accounts.models import OrgUnit
from tests.builders import make_user


@pytest.mark.django_db
def test_subtree_scope_sees_own_branch_only(world):
    user = make_user(world.tenant, world.branch_a, ["accounts.view_orgunit"])
    names = set(OrgUnit.objects.restrict(user, "view").values_list("name", flat=True))
    # OrgUnit is tenant-owned (not org-scoped): any holder of the permission sees the tree.
    assert names == {"物业甲", "华东分公司", "华南分公司", "工程部"}


@pytest.mark.django_db
def test_no_membership_sees_nothing(world):
    user = make_user(world.tenant)
    assert OrgUnit.objects.restrict(user, "view").count() == 0


@pytest.mark.django_db
def test_other_tenant_sees_nothing_of_ours(world):
    outsider = make_user(world.other_tenant, world.other_root, ["accounts.view_orgunit"])
    names = set(OrgUnit.objects.restrict(outsider, "view").values_list("name", flat=True))
    assert names == {"开发商乙"}
