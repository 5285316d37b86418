"""API of people: CRUD, phones, 360°, unit relations, ownership transfer, family, masking."""

import pytest
from django.test import Client

from linli.core.personal_data.models import AccessLog
from linli.directory.models import Person, PersonRelation, UnitRelation
from linli.directory.services import people as services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person, make_unit

pytestmark = pytest.mark.django_db

PERMS = [
    "directory.view_person", "directory.add_person", "directory.change_person",
    "directory.view_unit", "directory.view_community", "directory.view_unitrelation",
    "directory.add_unitrelation", "directory.change_unitrelation",
    "directory.view_personrelation", "directory.add_personrelation",
]
API = "/api/v1"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def unit(world):
    community = make_community(world, "阳光花园")
    return make_unit(make_building(community, "3", floors=20), floor=15, number="1502")


@pytest.fixture
def client(world):
    return _client(make_user(world.tenant, world.branch_a, PERMS))


def test_create_and_read_a_person_masked(world, client):
    response = client.post(f"{API}/people", {
        "org_unit_id": world.branch_a.pk, "name": "张三", "id_number": "11010519491231002X",
        "phones": [{"number": "138 0013 8000"}, {"number": "010-12345678", "kind": "home",
                                                  "is_preferred": True}],
        "tags": ["VIP"],
    }, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["name_pinyin"], body["gender"], body["birthday"]) == (
        "张三", "zhangsan", "female", "1949-12-31")
    assert body["id_number"] == "110***********002X"
    assert [(p["number"], p["last4"], p["kind"], p["is_preferred"]) for p in body["phones"]] == [
        ("010-****5678", "5678", "home", True), ("138****8000", "8000", "mobile", False)]
    detail = client.get(f"{API}/people/{body['id']}").json()
    assert detail["id_number"] == "110***********002X"


def test_revealer_still_gets_masked_values(world):
    person = make_person(world, "张三", phones=["13800138000"], id_number="11010519491231002X")
    revealer = _client(make_user(world.tenant, world.branch_a,
                                 [*PERMS, "core.reveal_personal_data"]))
    body = revealer.get(f"{API}/people/{person.pk}").json()
    assert (body["id_number"], body["phones"][0]["number"]) == (
        "110***********002X", "138****8000")
    phone_id = body["phones"][0]["id"]
    response = revealer.post(f"{API}/reveal", {"model": "directory.PersonPhone",
                                               "id": phone_id, "field": "number"},
                             content_type="application/json")
    assert response.json() == {"value": "+8613800138000"}
    assert AccessLog.objects.get().field == "number"


def test_create_refusals(world, client):
    response = client.post(f"{API}/people", {
        "org_unit_id": world.branch_a.pk, "name": "张三", "id_number": "110105194912310021",
        "phones": [{"number": "12345"}],
    }, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "id_number": ["This ID number is not valid: its last character does not match the "
                      "others. Please check it for typing errors."],
        "phones": ["“12345” is not a valid phone number. Enter an 11-digit mobile number or a "
                   "landline with its area code, e.g. 010-12345678."],
    }
    response = client.post(f"{API}/people", {"org_unit_id": world.other_root.pk, "name": "x"},
                           content_type="application/json")
    assert response.json()["fields"] == {
        "org_unit_id": ["Choose a unit where you may manage people."]}
    assert Person.objects.count() == 0


def test_list_filters_and_scope(world, client):
    make_person(world, "张三", phones=["13800138000"])
    make_person(world, "李四", phones=["13900139000"])
    make_person(world, "华南", org_unit=world.branch_b)
    body = client.get(f"{API}/people").json()
    assert [p["name"] for p in body["items"]] == ["李四", "张三"]
    assert [p["name"] for p in client.get(f"{API}/people?q=8000").json()["items"]] == ["张三"]
    other = _client(make_user(world.other_tenant, world.other_root, PERMS, superuser=True))
    assert other.get(f"{API}/people").json()["items"] == []


def test_patch_person(world, client):
    person = make_person(world, "张三", phones=["13800138000"])
    response = client.patch(f"{API}/people/{person.pk}", {
        "occupation": "教师", "phones": [{"number": "13900139000"}], "address": None,
    }, content_type="application/json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["occupation"], [p["number"] for p in body["phones"]]) == (
        "教师", ["139****9000"])
    response = client.patch(f"{API}/people/{person.pk}", {"name": None},
                            content_type="application/json")
    assert response.json()["fields"] == {"name": ["Enter the person's name."]}


def test_other_tenant_gets_404(world):
    person = make_person(world, "张三")
    other = _client(make_user(world.other_tenant, world.other_root, PERMS, superuser=True))
    for url in (f"{API}/people/{person.pk}", f"{API}/people/{person.pk}/360"):
        assert other.get(url).status_code == 404
    response = other.patch(f"{API}/people/{person.pk}", {"name": "x"},
                           content_type="application/json")
    assert response.status_code == 404
    sibling = _client(make_user(world.tenant, world.branch_b, PERMS))
    assert sibling.get(f"{API}/people/{person.pk}/360").status_code == 404


def test_phones(world, client):
    person = make_person(world, "张三", phones=["13800138000"])
    response = client.post(f"{API}/people/{person.pk}/phones",
                           {"number": "13900139000", "is_preferred": True},
                           content_type="application/json")
    assert response.status_code == 201
    new_id = response.json()["id"]
    assert response.json()["number"] == "139****9000"
    old = person.phones.get(number="+8613800138000")
    response = client.post(f"{API}/people/{person.pk}/phones/{old.pk}/preferred")
    assert response.json()["is_preferred"] is True
    assert client.delete(f"{API}/people/{person.pk}/phones/{new_id}").status_code == 204
    assert list(person.phones.values_list("number", flat=True)) == ["+8613800138000"]
    response = client.post(f"{API}/people/{person.pk}/phones", {"number": "abc"},
                           content_type="application/json")
    assert response.status_code == 422


def test_unit_relations_and_transfer(world, client, unit):
    owner, buyer = make_person(world, "张三"), make_person(world, "王五")
    response = client.post(f"{API}/unit-relations", {
        "person_id": owner.pk, "unit_id": unit.pk, "role": "owner", "start_date": "2015-01-01",
    }, content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["room_code"], response.json()["community_name"]) == (
        "3-1502", "阳光花园")
    response = client.post(f"{API}/units/{unit.pk}/ownership-transfer", {
        "new_owner_ids": [buyer.pk], "date": "2024-06-01"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert [(r["person_name"], r["role"], r["start_date"]) for r in response.json()] == [
        ("王五", "owner", "2024-06-01")]
    rows = client.get(f"{API}/unit-relations?unit={unit.pk}").json()["items"]
    assert sorted((r["person_name"], r["end_date"]) for r in rows) == [
        ("张三", "2024-06-01"), ("王五", None)]
    current = client.get(f"{API}/unit-relations?unit={unit.pk}&current=true").json()["items"]
    response = client.post(f"{API}/unit-relations/{current[0]['id']}/end",
                           {"end_date": "2025-01-01"}, content_type="application/json")
    assert response.json()["end_date"] == "2025-01-01"
    person_360 = client.get(f"{API}/people/{buyer.pk}/360").json()
    assert [r["room_code"] for r in person_360["past_relations"]] == ["3-1502"]
    assert person_360["satisfaction"] == []


def test_relation_to_another_tenants_unit_is_refused(world, client):
    foreign = make_community(world, "别人的小区", org_unit=world.other_root)
    foreign_unit = make_unit(make_building(foreign, "1"), floor=1, number="101")
    person = make_person(world, "张三")
    response = client.post(f"{API}/unit-relations", {
        "person_id": person.pk, "unit_id": foreign_unit.pk, "role": "owner",
    }, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "unit_id": ["Choose a unit in a community you manage."]}
    assert UnitRelation.objects.count() == 0


def test_transfer_refuses_unknown_people(world, client, unit):
    stranger = services.person_create(actor=None, tenant=world.other_tenant,
                                      org_unit=world.other_root, name="外人")
    response = client.post(f"{API}/units/{unit.pk}/ownership-transfer", {
        "new_owner_ids": [stranger.pk], "date": "2024-06-01"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["fields"] == {"new_owner_ids": ["Choose people of your own company."]}


def test_family(world, client):
    person, spouse = make_person(world, "张三"), make_person(world, "王芳")
    response = client.post(f"{API}/people/{person.pk}/family",
                           {"relative_id": spouse.pk, "kind": "spouse"},
                           content_type="application/json")
    assert response.status_code == 201
    assert (response.json()["relative_id"], response.json()["kind"]) == (spouse.pk, "spouse")
    response = client.post(f"{API}/people/{person.pk}/family",
                           {"relative_id": person.pk, "kind": "spouse"},
                           content_type="application/json")
    assert response.json()["fields"] == {"relative": ["A person cannot be their own relative."]}
    family = client.get(f"{API}/people/{spouse.pk}/360").json()["family"]
    assert [(f["name"], f["kind"]) for f in family] == [("张三", "spouse")]
    assert PersonRelation.objects.count() == 1
