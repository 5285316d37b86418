"""PLAT-8 for the directory: people, units, organisations and communities in the global search."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from linli.accounts import services as accounts
from linli.core.personal_data.search_query import parse_search_query
from linli.core.personal_data.selectors import search, search_hits
from linli.directory.models import Section
from linli.directory.selectors import search as providers
from linli.directory.services import people as people_services
from tests.builders import make_user
from tests.directory.builders import (
    add_organization,
    add_person,
    make_building,
    make_community,
    make_unit,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101199003071233"
VIEW = ["directory.view_person", "directory.view_unit", "directory.view_organization",
        "directory.view_community", "directory.view_unitrelation"]


@pytest.fixture
def data(world):
    community = make_community(world, "阳光花园", city="武汉")
    tower = make_building(community, "3", floors=20, sections=2)
    section_2 = Section.objects.get(building=tower, number="2")
    unit = make_unit(tower, floor=15, number="1502", section=section_2)
    villa = make_building(community, "5", floors=20)
    villa_unit = make_unit(villa, floor=15, number="1502")
    zhang = add_person(world, "张三", phones=["138 1234 1234"], id_number=ID_NUMBER)
    people_services.unit_relation_add(actor=None, person=zhang, unit=unit, role="owner")
    return {
        "community": community, "unit": unit, "villa_unit": villa_unit, "zhang": zhang,
        "zhangsanfeng": add_person(world, "张三丰", phones=["13700005555"]),
        "lizhangsan": add_person(world, "李张三"),
        "wang": add_person(world, "王五", phones=["13900001234"]),
        "org": add_organization(world, "中建三局", city="武汉"),
        "other_zhang": add_person(world, "张三", phones=["13812341234"],
                                  org_unit=world.other_root, id_number=ID_NUMBER),
    }


@pytest.fixture
def viewer(world):
    return make_user(world.tenant, world.root, VIEW)


def _people(user, q, limit=20):
    return [(h.title, h.score) for h in providers.search_people(user, parse_search_query(q),
                                                                 limit)]


def _units(user, q, limit=20):
    return [(h.title, h.score) for h in providers.search_units(user, parse_search_query(q),
                                                                limit)]


# --- people ---------------------------------------------------------------------------------

def test_a_full_phone_number_finds_its_person_only(data, viewer):
    hits = providers.search_people(viewer, parse_search_query("138 1234 1234"), 20)
    assert [(h.title, h.subtitle, h.score) for h in hits] == [
        ("张三", "138****1234 · 阳光花园 3-2-1502", 1.0)]
    assert hits[0].url == reverse("directory:person_detail", args=[data["zhang"].pk])


def test_the_last_four_digits_find_every_matching_phone(data, viewer):
    assert _people(viewer, "1234") == [("王五", 0.8), ("张三", 0.8)]


def test_names_rank_exact_then_prefix_then_contains(data, viewer):
    assert _people(viewer, "张三") == [("张三", 0.7), ("张三丰", 0.6), ("李张三", 0.3)]


@pytest.mark.parametrize(("q", "expected"), [
    ("zhangsan", [("张三", 0.5), ("张三丰", 0.4)]),
    ("zs", [("张三", 0.5), ("张三丰", 0.4)]),
    ("zhang san", [("张三", 0.5), ("张三丰", 0.4)]),
    ("lzs", [("李张三", 0.5)]),
])
def test_pinyin_and_initials_find_people(data, viewer, q, expected):
    assert _people(viewer, q) == expected


def test_an_id_number_finds_its_person_with_the_reveal_right(data, world):
    revealer = make_user(world.tenant, world.root, [*VIEW, "core.reveal_personal_data"])
    assert _people(revealer, ID_NUMBER) == [("张三", 1.0)]


def test_an_id_number_finds_nothing_without_the_reveal_right(data, viewer):
    assert _people(viewer, ID_NUMBER) == []


def test_the_reveal_right_counts_only_where_it_is_held(data, world):
    user = make_user(world.tenant, world.root, VIEW)
    role = accounts.role_save(actor=None, tenant=world.tenant, name="reveal-b", code="reveal-b",
                              permissions=["core.reveal_personal_data"])
    accounts.membership_add(actor=None, user=user, org_unit=world.branch_b, role=role)
    assert _people(user, ID_NUMBER) == []


def test_the_limit_caps_the_hits_keeping_the_best(data, viewer):
    assert _people(viewer, "张三", limit=2) == [("张三", 0.7), ("张三丰", 0.6)]


def test_merged_people_are_not_found(data, world, viewer):
    from linli.directory.services.merge import person_merge

    person_merge(actor=None, survivor=data["zhang"], duplicate=data["zhangsanfeng"])
    assert _people(viewer, "张三") == [("张三", 0.7), ("李张三", 0.3)]


def test_another_tenants_person_never_appears(data, world, viewer):
    outsider = make_user(world.other_tenant, world.other_root, superuser=True)
    assert _people(outsider, "张三") == [("张三", 0.7)]
    assert _people(outsider, "13812341234")[0] == ("张三", 1.0)
    hits = providers.search_people(outsider, parse_search_query("张三"), 20)
    assert hits[0].url == reverse("directory:person_detail", args=[data["other_zhang"].pk])
    assert _people(viewer, "13812341234") == [("张三", 1.0)]
    assert providers.search_people(viewer, parse_search_query("13812341234"), 20)[0].url == (
        reverse("directory:person_detail", args=[data["zhang"].pk]))


def test_a_sibling_branch_sees_nothing_of_branch_a(data, world):
    sibling = make_user(world.tenant, world.branch_b, VIEW)
    _query, hits = search_hits(sibling, "张三")
    assert hits == []
    assert _units(sibling, "3-2-1502") == []


# --- units ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["3-2-1502", "3栋2单元1502", "3#2-1502", "3幢2单元1502室",
                               "3号楼2单元1502"])
def test_room_codes_in_every_spelling_find_the_unit(data, viewer, q):
    hits = providers.search_units(viewer, parse_search_query(q), 20)
    assert [(h.title, h.subtitle, h.score) for h in hits] == [
        ("阳光花园 3-2-1502", "Home · Unsold", 1.0)]
    assert hits[0].url == reverse("directory:unit_detail", args=[data["unit"].pk])


def test_a_room_code_without_section_finds_both_kinds_of_building(data, viewer):
    assert _units(viewer, "5-1502") == [("阳光花园 5-1502", 1.0)]
    assert _units(viewer, "3-1502") == [("阳光花园 3-2-1502", 0.7)]


@pytest.mark.parametrize("q", ["1502", "1502室"])
def test_a_bare_room_number_finds_the_rooms_of_the_viewers_communities(data, viewer, q):
    assert _units(viewer, q) == [("阳光花园 3-2-1502", 0.75), ("阳光花园 5-1502", 0.75)]


def test_units_of_another_tenant_stay_hidden(data, world):
    outsider = make_user(world.other_tenant, world.other_root, superuser=True)
    assert _units(outsider, "1502") == []


# --- organisations and communities ----------------------------------------------------------

@pytest.mark.parametrize("q", ["阳光", "yangguang", "ygh"])
def test_communities_by_name_pinyin_and_initials(data, viewer, q):
    hits = providers.search_communities(viewer, parse_search_query(q), 20)
    assert [(h.title, h.subtitle) for h in hits] == [("阳光花园", "武汉")]
    assert hits[0].url == reverse("directory:community_detail", args=[data["community"].pk])


@pytest.mark.parametrize(("q", "score"), [("中建三局", 0.7), ("中建", 0.6), ("zjsj", 0.5),
                                          ("zhongjian", 0.4), ("三局", 0.3)])
def test_organisations_by_name_pinyin_and_initials(data, viewer, q, score):
    hits = providers.search_organizations(viewer, parse_search_query(q), 20)
    assert [(h.title, h.subtitle, h.score) for h in hits] == [
        ("中建三局", "Developer · 武汉", score)]
    assert hits[0].url == reverse("directory:organization_detail", args=[data["org"].pk])


# --- the whole search -----------------------------------------------------------------------

def test_the_global_search_groups_directory_hits_best_first(data, viewer):
    results = search(viewer, "1234")
    assert [(g.kind, [h.title for h in g.hits]) for g in results.groups] == [
        ("Person", ["张三", "王五"])]


def test_providers_need_their_view_permission(data, world):
    unit_only = make_user(world.tenant, world.root, ["directory.view_unit"])
    _query, hits = search_hits(unit_only, "1502")
    assert [(h.kind, h.title) for h in hits] == [("Unit", "阳光花园 3-2-1502"),
                                                 ("Unit", "阳光花园 5-1502")]


def test_a_search_costs_a_bounded_number_of_queries(data, world, viewer,
                                                    django_assert_max_num_queries):
    for n in range(30):
        add_person(world, f"张三{n}", phones=[f"1380000{n:04d}"])
    viewer = make_user(world.tenant, world.root, VIEW)
    with django_assert_max_num_queries(12):
        _query, hits = search_hits(viewer, "张三", limit=8)
    assert len(hits) == 8
    viewer = make_user(world.tenant, world.root, VIEW)
    with django_assert_max_num_queries(12):
        search_hits(viewer, "1234", limit=8)


def test_the_search_api_returns_directory_hits(data, viewer):
    client = Client()
    client.force_login(viewer)
    response = client.get("/api/v1/search", {"q": "3栋2单元1502"})
    assert response.status_code == 200
    body = response.json()
    assert (body["query_kind"], body["hits"]) == ("room", [{
        "kind": "Unit", "title": "阳光花园 3-2-1502", "subtitle": "Home · Unsold",
        "url": reverse("directory:unit_detail", args=[data["unit"].pk]), "score": 1.0,
    }])
    assert "张三" not in json.dumps(client.get("/api/v1/search", {"q": "zzz"}).json(),
                                   ensure_ascii=False)
