"""DIR-3: reads of organisations — filters, sorting, scope and the detail in few queries."""

import pytest
from django.http import Http404

from linli.directory.models import Community
from linli.directory.selectors import organizations as selectors
from linli.directory.services import organizations as services
from tests.builders import make_user

pytestmark = pytest.mark.django_db

VIEW_PERMS = ["directory.view_organization", "directory.view_contact",
              "directory.view_community"]


def org(world, name, kind="property_company", unit=None, **fields):
    return services.organization_create(actor=None, tenant=world.tenant,
                                        org_unit=unit or world.branch_a, kind=kind, name=name,
                                        **fields)


def names(qs) -> list[str]:
    return [o.name for o in qs]


@pytest.fixture
def viewer(world):
    return make_user(world.tenant, world.root, VIEW_PERMS)


@pytest.fixture
def catalogue(world):
    return {
        "zj": org(world, "中建物业", city="深圳"),
        "bgy": org(world, "碧桂园服务", city="广州"),
        "ak": org(world, "安居地产", kind="developer", city="深圳"),
        "south": org(world, "华南代理", kind="agent", unit=world.branch_b, city="广州"),
    }


def test_list_sorts_by_pinyin_and_filters(world, viewer, catalogue):
    assert names(selectors.organization_list(viewer)) == ["安居地产", "碧桂园服务", "华南代理",
                                                          "中建物业"]
    assert names(selectors.organization_list(viewer, {"sort": "-name"})) == [
        "中建物业", "华南代理", "碧桂园服务", "安居地产"]
    assert names(selectors.organization_list(viewer, {"kind": "developer"})) == ["安居地产"]
    assert names(selectors.organization_list(viewer, {"city": "深圳"})) == ["安居地产",
                                                                            "中建物业"]
    assert names(selectors.organization_list(viewer, {"sort": "city"})) == [
        "碧桂园服务", "华南代理", "安居地产", "中建物业"]
    assert names(selectors.organization_list(viewer, {"sort": "no_such_field"})) == [
        "安居地产", "碧桂园服务", "华南代理", "中建物业"]


@pytest.mark.parametrize(("query", "expected"), [
    ("中建", ["中建物业"]), ("物业", ["中建物业"]), ("zhongjian", ["中建物业"]),
    ("ZJ", ["中建物业"]), ("bgy", ["碧桂园服务"]), ("h", ["华南代理"]), ("xyz", []),
])
def test_search_by_name_pinyin_or_initials(world, viewer, catalogue, query, expected):
    assert names(selectors.organization_list(viewer, {"q": query})) == expected


def test_merged_organisations_leave_the_list_but_keep_their_page(world, viewer, catalogue):
    catalogue["bgy"].merged_into = catalogue["zj"]
    catalogue["bgy"].save(update_fields=["merged_into"])
    assert "碧桂园服务" not in names(selectors.organization_list(viewer))
    assert selectors.organization_get(viewer, catalogue["bgy"].pk).merged_into_id == (
        catalogue["zj"].pk)


def test_scope_hides_sibling_branches_and_other_tenants(world, catalogue):
    branch_a = make_user(world.tenant, world.branch_a, VIEW_PERMS)
    assert names(selectors.organization_list(branch_a)) == ["安居地产", "碧桂园服务",
                                                            "中建物业"]
    with pytest.raises(Http404):
        selectors.organization_get(branch_a, catalogue["south"].pk)
    outsider = make_user(world.other_tenant, world.other_root, VIEW_PERMS, superuser=True)
    assert names(selectors.organization_list(outsider)) == []
    with pytest.raises(Http404):
        selectors.organization_detail(outsider, catalogue["zj"].pk)
    assert selectors.organization_find(outsider, catalogue["zj"].pk) is None
    assert selectors.organization_cities(branch_a) == ["广州", "深圳"]


def test_without_the_view_right_nothing_is_listed(world, catalogue):
    contacts_only = make_user(world.tenant, world.root, ["directory.view_contact"])
    assert names(selectors.organization_list(contacts_only)) == []


def test_detail_has_contacts_branches_and_communities_in_four_queries(
        world, viewer, catalogue, django_assert_num_queries):
    company = catalogue["zj"]
    office = org(world, "中建物业南山管理处", kind="management_office", parent=company)
    org(world, "中建物业罗湖管理处", kind="management_office", parent=company,
        unit=world.branch_b)
    services.contact_add(actor=None, organization=company, name="王五")
    services.contact_add(actor=None, organization=company, name="张三",
                         role="legal_representative")
    services.contact_add(actor=None, organization=company, name="李四",
                         role="person_in_charge")
    Community.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="金色家园",
                             name_pinyin="jinsejiayuan", property_company=company,
                             management_office=office)
    Community.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="阳光花园",
                             name_pinyin="yangguanghuayuan", developer=catalogue["ak"],
                             property_company=company)
    Community.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="无关小区",
                             name_pinyin="wuguanxiaoqu", property_company=catalogue["bgy"])
    branch_a = make_user(world.tenant, world.branch_a, VIEW_PERMS)
    selectors.organization_list(branch_a).exists()  # the scope is computed once per request
    with django_assert_num_queries(4):
        detail = selectors.organization_detail(branch_a, company.pk)
    assert detail.organization == company
    assert [(c.name, c.role) for c in detail.contacts] == [
        ("张三", "legal_representative"), ("李四", "person_in_charge"), ("王五", "staff")]
    assert names(detail.branches) == ["中建物业南山管理处"]
    assert [(link.community.name, link.roles, link.role_labels)
            for link in detail.communities] == [
        ("金色家园", ["property_company"], ["Property company"]),
        ("阳光花园", ["property_company"], ["Property company"]),
    ]
    office_links = selectors.communities_of(branch_a, office)
    assert [(link.community.name, link.roles) for link in office_links] == [
        ("金色家园", ["management_office"])]


def test_detail_shows_only_what_the_viewer_may_see(world, catalogue):
    company = catalogue["zj"]
    services.contact_add(actor=None, organization=company, name="张三")
    Community.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="金色家园",
                             property_company=company)
    organizations_only = make_user(world.tenant, world.root, ["directory.view_organization"])
    detail = selectors.organization_detail(organizations_only, company.pk)
    assert (detail.contacts, detail.communities) == ([], [])


def test_contact_get_is_scoped(world, catalogue):
    contact = services.contact_add(actor=None, organization=catalogue["zj"], name="张三")
    insider = make_user(world.tenant, world.branch_a, VIEW_PERMS)
    assert selectors.contact_get(insider, contact.pk) == contact
    for outsider in (make_user(world.tenant, world.branch_b, VIEW_PERMS),
                     make_user(world.other_tenant, world.other_root, VIEW_PERMS,
                               superuser=True)):
        with pytest.raises(Http404):
            selectors.contact_get(outsider, contact.pk)
