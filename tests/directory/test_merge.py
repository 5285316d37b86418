"""DIR-5: duplicate candidates, the merge services, the merge screens and the API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from linli.accounts import services as accounts
from linli.core.events import DomainEvent, events_for, record_event
from linli.core.request_context import Channel, acting
from linli.directory.models import (
    Community,
    Contact,
    Organization,
    Person,
    PersonPhone,
    PersonRelation,
    UnitRelation,
)
from linli.directory.selectors import duplicates
from linli.directory.services import organizations as organization_services
from linli.directory.services import people as people_services
from linli.directory.services.merge import organization_merge, person_merge
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
PEOPLE_RIGHTS = ["directory.view_person", "directory.change_person", "directory.delete_person",
                 "directory.view_unit"]
ORG_RIGHTS = ["directory.view_organization", "directory.change_organization",
              "directory.delete_organization"]


class Api:
    """A client that sends a bearer token and JSON."""

    def __init__(self, user):
        _token, self.key = accounts.api_token_create(actor=user, user=user, name="test")
        self.client = Client()

    def get(self, path):
        return self.client.get("/api/v1" + path, HTTP_AUTHORIZATION=f"Bearer {self.key}")

    def post(self, path, data):
        return self.client.post("/api/v1" + path, json.dumps(data),
                                content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {self.key}")


@pytest.fixture
def home(world):
    community = make_community(world, "阳光花园")
    building = make_building(community, "3", floors=20)
    return {"community": community, "unit": make_unit(building, 15, "1502"),
            "other_unit": make_unit(building, 16, "1602")}


@pytest.fixture
def pair(world, home):
    """张三 (kept) and a second 张三 sharing a phone, owning the same unit."""
    survivor = add_person(world, "张三", phones=["13812341234"], gender="male", tags=["vip"])
    duplicate = add_person(world, "张三", phones=["13812341234", "13900002222"],
                           gender="female", id_number=ID_NUMBER, occupation="教师",
                           tags=["vip", "pet owner"])
    for person in (survivor, duplicate):
        people_services.unit_relation_add(actor=None, person=person, unit=home["unit"],
                                          role="owner")
    people_services.unit_relation_add(actor=None, person=duplicate, unit=home["other_unit"],
                                      role="renter")
    spouse = add_person(world, "李四")
    people_services.family_relation_add(actor=None, person=spouse, relative=duplicate,
                                        kind="spouse")
    company = add_organization(world, "中建三局")
    contact = organization_services.contact_add(actor=None, organization=company, name="张三",
                                                person=duplicate)
    record_event(duplicate, "called", note="asked about parking")
    return {"survivor": survivor, "duplicate": duplicate, "spouse": spouse, "contact": contact}


@pytest.fixture
def merger(world):
    return make_user(world.tenant, world.root, PEOPLE_RIGHTS)


def _numbers(person):
    return sorted(PersonPhone.objects.filter(person=person).values_list("number", flat=True))


def _snapshot():
    return (
        sorted(Person.objects.values_list("pk", "name", "gender", "merged_into_id")),
        sorted(PersonPhone.objects.values_list("pk", "person_id")),
        sorted(UnitRelation.objects.values_list("pk", "person_id")),
        sorted(PersonRelation.objects.values_list("pk", "person_id", "relative_id")),
        sorted(Contact.objects.values_list("pk", "person_id", "organization_id")),
        DomainEvent.objects.count(),
    )


# --- duplicate candidates -------------------------------------------------------------------

def _groups(groups):
    return [([r.code for r in g.reasons], [r.value for r in g.reasons],
             [m.pk for m in g.members]) for g in groups]


def test_people_sharing_a_phone_an_id_or_a_name_in_a_community_are_candidates(world, home,
                                                                              merger):
    a = add_person(world, "王五", phones=["13812341234"])
    b = add_person(world, "王伍", phones=["13812341234"], id_number=ID_NUMBER)
    c = add_person(world, "赵六", id_number=ID_NUMBER)
    d = add_person(world, "张三")
    e = add_person(world, "张三")
    add_person(world, "张三")  # same name but no unit in the community: not a candidate
    for person in (d, e):
        people_services.unit_relation_add(actor=None, person=person, unit=home["unit"],
                                          role="owner")
    add_person(world, "外人", phones=["13812341234"], org_unit=world.other_root)
    assert _groups(duplicates.person_duplicate_groups(merger)) == [
        (["phone"], ["138****1234"], [a.pk, b.pk]),
        (["id_number"], ["110***********1233"], [b.pk, c.pk]),
        (["name_community"], ["张三 · 阳光花园"], [d.pk, e.pk]),
    ]


def test_a_pair_linked_twice_is_one_group_with_both_reasons(pair, merger):
    assert _groups(duplicates.person_duplicate_groups(merger)) == [
        (["phone", "name_community"], ["138****1234", "张三 · 阳光花园"],
         [pair["survivor"].pk, pair["duplicate"].pk]),
    ]


def test_candidates_outside_the_scope_or_merged_are_left_out(world, pair):
    sibling = make_user(world.tenant, world.branch_b, PEOPLE_RIGHTS)
    assert duplicates.person_duplicate_groups(sibling) == []
    person_merge(actor=None, survivor=pair["survivor"], duplicate=pair["duplicate"])
    admin = make_user(world.tenant, superuser=True)
    assert duplicates.person_duplicate_groups(admin) == []


def test_organisations_sharing_a_credit_code_or_a_name_in_a_city(world):
    admin = make_user(world.tenant, superuser=True)
    a = add_organization(world, "中建三局", city="武汉", credit_code="91420100177684414F")
    b = add_organization(world, "中建 三局", city="武汉")
    add_organization(world, "中建三局", city="北京")
    c = add_organization(world, "Vanke Property", credit_code="91420100177684414F")
    d = add_organization(world, "vanke property")
    add_organization(world, "中建三局", city="武汉", org_unit=world.other_root)
    # Members sort by pinyin ("vankeproperty" before "zhongjiansanju"), then by age.
    assert _groups(duplicates.organization_duplicate_groups(admin)) == [
        (["credit_code"], ["91420100177684414F"], [c.pk, a.pk]),
        (["name_city"], ["Vanke Property"], [c.pk, d.pk]),
        (["name_city"], ["中建三局 · 武汉"], [a.pk, b.pk]),
    ]


# --- merging people -------------------------------------------------------------------------

def test_a_merge_moves_everything_and_is_audited(world, home, pair, merger):
    survivor, duplicate = pair["survivor"], pair["duplicate"]
    with acting(merger, Channel.WEB):
        merged = person_merge(actor=merger, survivor=survivor, duplicate=duplicate,
                              choices={"gender": "duplicate"})
    merged.refresh_from_db()
    duplicate.refresh_from_db()
    assert (merged.gender, merged.id_number, merged.occupation, merged.tags) == (
        "female", ID_NUMBER, "教师", ["vip", "pet owner"])
    assert duplicate.merged_into_id == merged.pk
    assert _numbers(merged) == ["+8613812341234", "+8613900002222"]
    assert _numbers(duplicate) == []
    assert sorted(UnitRelation.objects.filter(person=merged).values_list(
        "unit__room_code", "role", "org_unit_id")) == [
        ("3-1502", "owner", world.branch_a.pk), ("3-1602", "renter", world.branch_a.pk)]
    assert not UnitRelation.objects.filter(person=duplicate).exists()
    assert list(PersonRelation.objects.values_list("person_id", "relative_id", "kind")) == [
        (pair["spouse"].pk, merged.pk, "spouse")]
    assert Contact.objects.get(pk=pair["contact"].pk).person_id == merged.pk
    events = list(events_for(merged).order_by("id"))
    assert [(e.verb, e.actor_id) for e in events] == [("called", None), ("merged", merger.pk)]
    assert events[1].data == {"duplicate_id": duplicate.pk, "duplicate_name": "张三",
                              "moved": {"phones": 1, "unit_relations": 1, "family": 1,
                                        "contacts": 1, "events": 1}}
    assert list(events_for(duplicate)) == []
    latest = merged.history.first()
    assert (latest.history_type, latest.gender, latest.history_user_id) == ("~", "female",
                                                                             merger.pk)


def test_without_a_choice_blank_fields_are_filled_from_the_duplicate(pair):
    merged = person_merge(actor=None, survivor=pair["survivor"], duplicate=pair["duplicate"])
    merged.refresh_from_db()
    assert (merged.gender, merged.id_number, merged.occupation) == ("male", ID_NUMBER, "教师")


def test_a_chosen_name_updates_the_search_keys(world, pair):
    renamed = add_person(world, "章三")
    merged = person_merge(actor=None, survivor=renamed, duplicate=pair["duplicate"],
                          choices={"name": "duplicate"})
    merged.refresh_from_db()
    assert (merged.name, merged.name_pinyin, merged.name_initials) == ("张三", "zhangsan", "zs")


def test_a_preferred_phone_stays_single(world):
    survivor = add_person(world, "甲", phones=["13812341234"])
    duplicate = add_person(world, "乙", phones=["13900002222"])
    person_merge(actor=None, survivor=survivor, duplicate=duplicate)
    assert list(PersonPhone.objects.filter(person=survivor).order_by("number").values_list(
        "number", "is_preferred")) == [("+8613812341234", True), ("+8613900002222", False)]


def test_a_family_tie_between_the_two_is_dropped(world):
    survivor = add_person(world, "甲")
    duplicate = add_person(world, "乙")
    people_services.family_relation_add(actor=None, person=duplicate, relative=survivor,
                                        kind="sibling")
    person_merge(actor=None, survivor=survivor, duplicate=duplicate)
    assert PersonRelation.objects.count() == 0


def test_merging_into_itself_is_refused(pair, merger):
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        person_merge(actor=merger, survivor=pair["survivor"], duplicate=pair["survivor"])
    assert exc.value.message_dict == {"duplicate": ["A record cannot be merged into itself."]}
    assert _snapshot() == before


def test_merging_a_merged_record_is_refused(world, pair, merger):
    third = add_person(world, "张三")
    person_merge(actor=merger, survivor=pair["survivor"], duplicate=pair["duplicate"])
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        person_merge(actor=merger, survivor=third, duplicate=pair["duplicate"])
    assert exc.value.message_dict == {"duplicate": [
        "This record has already been merged into another."]}
    with pytest.raises(ValidationError) as exc:
        person_merge(actor=merger, survivor=pair["duplicate"], duplicate=third)
    assert list(exc.value.message_dict) == ["survivor"]
    assert _snapshot() == before


def test_merging_across_tenants_is_refused_and_writes_nothing(world, pair, merger):
    stranger = add_person(world, "张三", phones=["13812341234"], org_unit=world.other_root)
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        person_merge(actor=merger, survivor=pair["survivor"], duplicate=stranger)
    with pytest.raises(PermissionDenied):
        person_merge(actor=None, survivor=stranger, duplicate=pair["duplicate"])
    other_admin = make_user(world.other_tenant, superuser=True)
    with pytest.raises(PermissionDenied):
        person_merge(actor=other_admin, survivor=pair["survivor"], duplicate=pair["duplicate"])
    assert _snapshot() == before


@pytest.mark.parametrize("missing", ["directory.change_person", "directory.delete_person"])
def test_merging_needs_change_and_delete_rights(world, pair, missing):
    actor = make_user(world.tenant, world.root, [p for p in PEOPLE_RIGHTS if p != missing])
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        person_merge(actor=actor, survivor=pair["survivor"], duplicate=pair["duplicate"])
    assert _snapshot() == before


def test_rights_are_needed_at_both_records(world, pair):
    elsewhere = add_person(world, "张三", org_unit=world.branch_b)
    actor = make_user(world.tenant, world.branch_a, PEOPLE_RIGHTS)
    with pytest.raises(PermissionDenied):
        person_merge(actor=actor, survivor=pair["survivor"], duplicate=elsewhere)


def test_bad_choices_are_refused(pair, merger):
    with pytest.raises(ValidationError) as exc:
        person_merge(actor=merger, survivor=pair["survivor"], duplicate=pair["duplicate"],
                     choices={"tenant": "duplicate", "gender": "left"})
    assert exc.value.message_dict == {"choices": [
        "“tenant” cannot be chosen when merging.",
        "Choose “survivor” or “duplicate” for “gender”.",
    ]}


# --- merging organisations ------------------------------------------------------------------

@pytest.fixture
def companies(world):
    survivor = add_organization(world, "中建三局", city="武汉")
    duplicate = add_organization(world, "中建 三局", city="武汉", email="info@cscec3b.com")
    branch = add_organization(world, "中建三局一公司", parent=duplicate)
    contact = organization_services.contact_add
    contact(actor=None, organization=survivor, name="王总", role="legal_representative")
    contact(actor=None, organization=duplicate, name="王总", role="legal_representative")
    contact(actor=None, organization=duplicate, name="李总", role="person_in_charge",
            mobile="13812341234")
    community = make_community(world, "阳光花园", developer=duplicate)
    return {"survivor": survivor, "duplicate": duplicate, "branch": branch,
            "community": community}


def test_an_organisation_merge_moves_contacts_branches_and_communities(world, companies):
    admin = make_user(world.tenant, world.root, ORG_RIGHTS)
    survivor, duplicate = companies["survivor"], companies["duplicate"]
    organization_merge(actor=admin, survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    assert (survivor.name, survivor.email) == ("中建三局", "info@cscec3b.com")
    assert sorted(Contact.objects.filter(organization=survivor).values_list("name", "role")) == [
        ("李总", "person_in_charge"), ("王总", "legal_representative")]
    assert not Contact.objects.filter(organization=duplicate).exists()
    assert Organization.objects.get(pk=companies["branch"].pk).parent_id == survivor.pk
    assert Community.objects.get(pk=companies["community"].pk).developer_id == survivor.pk
    assert Organization.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    event = events_for(survivor).get(verb="merged")
    # Both "contact_added" events of the duplicate now tell the survivor's story.
    assert event.data["moved"] == {"contacts": 1, "branches": 1, "communities": 1,
                                   "events": 2}


def test_a_second_legal_representative_becomes_staff(world, companies):
    survivor, duplicate = companies["survivor"], companies["duplicate"]
    organization_services.contact_add(actor=None, organization=duplicate, name="赵总",
                                      role="staff")
    Contact.objects.filter(organization=duplicate, name="王总").update(name="钱总")
    plan = duplicates.organization_merge_plan(survivor, duplicate)
    assert [c.name for c in plan.demoted_contacts] == ["钱总"]
    organization_merge(actor=None, survivor=survivor, duplicate=duplicate)
    assert Contact.objects.get(name="钱总").role == "staff"


def test_organisations_of_different_kinds_are_not_merged(world, companies):
    agent = add_organization(world, "中建三局", kind="agent", city="武汉")
    with pytest.raises(ValidationError) as exc:
        organization_merge(actor=None, survivor=companies["survivor"], duplicate=agent)
    assert list(exc.value.message_dict) == ["duplicate"]


def test_a_branch_merged_with_its_parent_loses_the_parent(world, companies):
    branch = companies["branch"]
    organization_merge(actor=None, survivor=branch, duplicate=companies["duplicate"])
    branch.refresh_from_db()
    assert branch.parent_id is None


def test_an_organisation_merge_across_tenants_is_refused(world, companies):
    stranger = add_organization(world, "中建三局", city="武汉", org_unit=world.other_root)
    with pytest.raises(PermissionDenied):
        organization_merge(actor=None, survivor=companies["survivor"], duplicate=stranger)
    assert Organization.objects.get(pk=stranger.pk).merged_into_id is None


# --- screens --------------------------------------------------------------------------------

def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_duplicates_page_lists_groups_with_their_reason(pair, merger):
    response = _client(merger).get(reverse("directory:duplicates"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="duplicate-group"') == 1
    assert "Same phone number" in page and "138****1234" in page
    assert reverse("directory:person_merge", args=[pair["survivor"].pk,
                                                   pair["duplicate"].pk]) in page


def test_the_organisation_tab_needs_its_permission(world, companies, merger):
    response = _client(merger).get(reverse("directory:duplicates") + "?kind=organizations")
    assert response.status_code == 403
    admin = make_user(world.tenant, superuser=True)
    page = _client(admin).get(reverse("directory:duplicates") + "?kind=organizations")
    assert "Same name in the same city" in page.content.decode()


def test_the_preview_shows_fields_and_moves_and_the_post_merges(pair, merger):
    url = reverse("directory:person_merge", args=[pair["survivor"].pk, pair["duplicate"].pk])
    client = _client(merger)
    page = client.get(url).content.decode()
    assert 'name="gender" value="duplicate"' in page
    assert 'name="name"' not in page
    assert "139****2222" in page and "3-1602" in page and "中建三局" in page
    response = client.post(url, {"gender": "duplicate", "occupation": "survivor"})
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:person_detail",
                                           args=[pair["survivor"].pk])
    survivor = Person.objects.get(pk=pair["survivor"].pk)
    assert (survivor.gender, survivor.occupation) == ("female", "")


def test_the_merge_screen_of_another_tenants_record_is_404(world, pair, merger):
    stranger = add_person(world, "张三", org_unit=world.other_root)
    url = reverse("directory:person_merge", args=[pair["survivor"].pk, stranger.pk])
    before = _snapshot()
    assert _client(merger).get(url).status_code == 404
    assert _client(merger).post(url, {}).status_code == 404
    assert _snapshot() == before


def test_merging_without_the_rights_is_403(world, pair):
    viewer = make_user(world.tenant, world.root, ["directory.view_person"])
    url = reverse("directory:person_merge", args=[pair["survivor"].pk, pair["duplicate"].pk])
    assert 'data-testid="merge-not-allowed"' in _client(viewer).get(url).content.decode()
    assert _client(viewer).post(url, {}).status_code == 403


def test_the_organisation_merge_screen(world, companies):
    admin = make_user(world.tenant, world.root, ORG_RIGHTS)
    url = reverse("directory:organization_merge", args=[companies["survivor"].pk,
                                                        companies["duplicate"].pk])
    page = _client(admin).get(url).content.decode()
    assert "中建三局一公司" in page and "阳光花园" in page and "李总" in page
    response = _client(admin).post(url, {"name": "survivor", "email": "duplicate"})
    assert response["Location"] == reverse("directory:organization_detail",
                                           args=[companies["survivor"].pk])


# --- API ------------------------------------------------------------------------------------

def test_the_api_lists_duplicate_people(pair, merger):
    response = Api(merger).get("/duplicates/people")
    assert response.status_code == 200
    assert response.json() == {"count": 1, "page": 1, "size": 20, "pages": 1, "items": [{
        "reasons": [
            {"code": "phone", "label": "Same phone number", "value": "138****1234"},
            {"code": "name_community", "label": "Same name in the same community",
             "value": "张三 · 阳光花园"},
        ],
        "members": [{"id": pair["survivor"].pk, "name": "张三"},
                    {"id": pair["duplicate"].pk, "name": "张三"}],
    }]}


def test_the_api_lists_duplicate_organisations(world, companies):
    admin = make_user(world.tenant, superuser=True)
    items = Api(admin).get("/duplicates/organizations").json()["items"]
    assert [[m["id"] for m in item["members"]] for item in items] == [
        [companies["survivor"].pk, companies["duplicate"].pk]]


def test_the_api_merges_people(pair, merger):
    response = Api(merger).post(f"/people/{pair['survivor'].pk}/merge", {
        "duplicate_id": pair["duplicate"].pk, "choices": {"gender": "duplicate"}})
    assert response.status_code == 200
    assert response.json() == {"id": pair["survivor"].pk, "name": "张三",
                                "merged_id": pair["duplicate"].pk}
    assert Person.objects.get(pk=pair["survivor"].pk).gender == "female"


def test_the_api_refuses_a_merge_into_itself(pair, merger):
    response = Api(merger).post(f"/people/{pair['survivor'].pk}/merge",
                                {"duplicate_id": pair["survivor"].pk})
    assert response.status_code == 422
    assert response.json()["fields"] == {"duplicate": ["A record cannot be merged into itself."]}


def test_the_api_answers_404_for_another_tenants_record(world, pair, merger):
    stranger = add_person(world, "张三", org_unit=world.other_root)
    before = _snapshot()
    response = Api(merger).post(f"/people/{pair['survivor'].pk}/merge",
                                {"duplicate_id": stranger.pk})
    assert response.status_code == 404
    response = Api(merger).post(f"/people/{stranger.pk}/merge",
                                {"duplicate_id": pair["duplicate"].pk})
    assert response.status_code == 404
    assert _snapshot() == before


def test_the_api_refuses_a_bad_choice_with_fields(pair, merger):
    response = Api(merger).post(f"/people/{pair['survivor'].pk}/merge", {
        "duplicate_id": pair["duplicate"].pk, "choices": {"gender": "left"}})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["choices.gender"]


def test_the_api_merges_organisations(world, companies):
    admin = make_user(world.tenant, world.root, ORG_RIGHTS)
    response = Api(admin).post(f"/organizations/{companies['survivor'].pk}/merge",
                               {"duplicate_id": companies["duplicate"].pk})
    assert (response.status_code, response.json()["merged_id"]) == (
        200, companies["duplicate"].pk)
    viewer = make_user(world.tenant, world.root, ["directory.view_organization"])
    response = Api(viewer).post(f"/organizations/{companies['survivor'].pk}/merge",
                                {"duplicate_id": companies["branch"].pk})
    assert response.status_code == 403
