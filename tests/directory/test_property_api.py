"""API of the property part: /api/v1/communities, buildings, sections, units, zones."""

import json

import pytest
from django.test import Client

from linli.accounts import services as accounts
from linli.directory.models import Building, Community, Section, Unit, Zone
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_units

pytestmark = pytest.mark.django_db

VIEW = ["directory.view_community", "directory.view_building", "directory.view_section",
        "directory.view_unit", "directory.view_zone", "directory.view_layout"]
MANAGE = [*VIEW, "directory.add_community", "directory.change_community",
          "directory.add_building", "directory.add_section", "directory.add_unit",
          "directory.change_unit", "directory.add_zone", "directory.change_zone"]


class Api:
    """A client that sends a bearer token and JSON."""

    def __init__(self, user):
        _token, self.key = accounts.api_token_create(actor=user, user=user, name="test")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {}, **self.headers)

    def post(self, path, data):
        return self.client.post("/api/v1" + path, json.dumps(data),
                                content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch("/api/v1" + path, json.dumps(data),
                                 content_type="application/json", **self.headers)


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园", city="杭州")
    building = make_building(community, "3", floors=3, sections=1)
    make_units(building, units_per_floor=2)
    return community


@pytest.fixture
def api(world):
    return Api(make_user(world.tenant, world.branch_a, MANAGE))


def test_community_list_with_rates(world, estate, api):
    Unit.objects.filter(room_code="3-1-101").update(status="occupied",
                                                    decoration_status="furnished")
    Unit.objects.filter(room_code__in=["3-1-102", "3-1-201", "3-1-202"]).update(
        status="delivered")
    body = api.get("/communities").json()
    assert (body["count"], body["page"]) == (1, 1)
    item = body["items"][0]
    assert (item["name"], item["name_pinyin"], item["city"]) == ("阳光花园",
                                                                 "yangguanghuayuan", "杭州")
    assert (item["building_count"], item["unit_count"], item["delivered_count"]) == (1, 6, 4)
    assert (item["occupancy_rate"], item["renovation_rate"]) == (0.25, 0.25)
    assert api.get("/communities", {"q": "xyz"}).json()["count"] == 0


def test_community_create_patch_and_refusals(world, estate, api):
    response = api.post("/communities", {"org_unit_id": world.team_a1.pk, "name": "碧水湾",
                                         "kind": "villa", "property_phone": "0571 8888 8888"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["kind"], body["property_phone"], body["unit_count"]) == (
        "碧水湾", "villa", "+8657188888888", 0)
    response = api.post("/communities", {"org_unit_id": world.branch_a.pk, "name": "阳光花园"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"name": ["A community named “阳光花园” already exists."]}
    response = api.post("/communities", {"org_unit_id": world.branch_b.pk, "name": "别处"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"org_unit_id": [
        "Choose a unit of your own organisation."]}
    response = api.post("/communities", {"org_unit_id": world.branch_a.pk, "name": "负价",
                                         "price_level": "-1"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["price_level"]
    response = api.patch(f"/communities/{body['id']}", {"city": "宁波", "kind": None})
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["kind"]) == ("宁波", "villa")
    assert Community.objects.count() == 2


def test_community_scope(world, estate):
    stranger = Api(make_user(world.other_tenant, world.other_root, MANAGE, superuser=True))
    assert stranger.get(f"/communities/{estate.pk}").status_code == 404
    assert stranger.get("/communities").json()["count"] == 0
    assert stranger.patch(f"/communities/{estate.pk}", {"city": "x"}).status_code == 404
    sibling = Api(make_user(world.tenant, world.branch_b, MANAGE))
    assert sibling.get(f"/communities/{estate.pk}").status_code == 404
    assert sibling.get(f"/units/{Unit.objects.first().pk}").status_code == 404
    response = sibling.post("/buildings", {"community_id": estate.pk, "number": "9"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"community_id": ["Choose a community you can see."]}


def test_buildings_sections_and_grid(world, estate, api):
    response = api.post("/buildings", {"community_id": estate.pk, "number": "5",
                                       "floors_above": 4})
    assert response.status_code == 201
    building_id = response.json()["id"]
    assert api.post("/buildings", {"community_id": estate.pk, "number": "5"}).json()[
        "fields"] == {"number": ["This community already has a building 5."]}
    response = api.post("/sections", {"building_id": building_id, "number": "1"})
    assert (response.status_code, response.json()["number"]) == (201, "1")
    assert [s["number"] for s in api.get("/sections", {"building": building_id}).json()[
        "items"]] == ["1"]
    assert [b["number"] for b in api.get("/buildings", {"community": estate.pk}).json()[
        "items"]] == ["3", "5"]
    response = api.post(f"/buildings/{building_id}/generate-units", {
        "floor_from": 1, "floor_to": 4, "units_per_floor": 2, "sections": ["1", "2"],
        "skip_floors": [4], "shop_floors": [1]})
    assert response.status_code == 201
    assert response.json() == {"created": 12}
    grid = api.get(f"/buildings/{building_id}/grid").json()
    assert grid["sections"] == ["1", "2"]
    assert [r["floor"] for r in grid["floors"]] == [3, 2, 1]
    assert [u["room_code"] for u in grid["floors"][0]["groups"][1]["units"]] == [
        "5-2-301", "5-2-302"]
    assert grid["floors"][2]["groups"][0]["units"][0]["use"] == "shop"
    assert grid["status_counts"] == {"unsold": 12}
    assert api.get(f"/buildings/{building_id}").json()["unit_count"] == 12


def test_generate_units_refusals_write_nothing(world, estate, api):
    building = Building.objects.get()
    response = api.post(f"/buildings/{building.pk}/generate-units", {
        "floor_from": 1, "floor_to": 3, "units_per_floor": 3, "sections": ["1"]})
    assert response.status_code == 422
    assert response.json()["fields"] == {"floors": [
        "These room codes already exist: 3-1-101, 3-1-102, 3-1-201, 3-1-202, 3-1-301 and "
        "1 more."]}
    big = make_building(estate, "7", floors=200)
    response = api.post(f"/buildings/{big.pk}/generate-units", {
        "floor_from": 1, "floor_to": 200, "units_per_floor": 26})
    assert response.status_code == 422
    assert response.json()["fields"] == {"units_per_floor": [
        "This would create 5200 units; at most 5000 can be generated at once."]}
    assert Unit.objects.count() == 6


def test_units_filter_detail_and_patch(world, estate, api):
    Unit.objects.filter(room_code="3-1-301").update(status="rented")
    body = api.get("/units", {"community": estate.pk, "status": "rented"}).json()
    assert [u["room_code"] for u in body["items"]] == ["3-1-301"]
    assert api.get("/units", {"room_code": "3-1-2"}).json()["count"] == 2
    unit = Unit.objects.get(room_code="3-1-201")
    response = api.patch(f"/units/{unit.pk}", {"number": "202"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"number": [
        "Room 3-1-202 already exists in this community."]}
    response = api.patch(f"/units/{unit.pk}", {"built_area": "-2", "floor": 8})
    assert response.status_code == 422
    assert response.json()["fields"] == {"floor": ["Floor 8 is outside building 3 (1 to 3)."],
                                         "built_area": ["An area cannot be negative."]}
    response = api.patch(f"/units/{unit.pk}", {"section_id": None, "number": "2A",
                                               "status": "occupied", "built_area": "90.5"})
    assert response.status_code == 200
    body = response.json()
    assert (body["room_code"], body["status"], body["built_area"], body["section_id"]) == (
        "3-2A", "occupied", "90.50", None)


def test_zones(world, estate, api):
    building = Building.objects.get()
    section = Section.objects.get()
    keeper = make_user(world.tenant, world.branch_a, [])
    response = api.post("/zones", {"community_id": estate.pk, "name": "一区",
                                   "housekeeper_id": keeper.pk, "building_ids": [building.pk]})
    assert response.status_code == 201
    zone = response.json()
    assert (zone["building_ids"], zone["housekeeper_id"]) == ([building.pk], keeper.pk)
    response = api.post("/zones", {"community_id": estate.pk, "name": "二区",
                                   "building_ids": [building.pk]})
    assert response.json()["fields"] == {"buildings": [
        "Building 3 already belongs to zone “一区”."]}
    other = make_building(make_community(world), "1")
    response = api.post("/zones", {"community_id": estate.pk, "name": "三区",
                                   "building_ids": [other.pk]})
    assert response.json()["fields"] == {"building_ids": ["Choose buildings of this community."]}
    response = api.patch(f"/zones/{zone['id']}", {"name": "东区", "section_ids": [section.pk],
                                                  "building_ids": []})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["section_ids"],
            response.json()["building_ids"], response.json()["housekeeper_id"]) == (
        "东区", [section.pk], [], keeper.pk)
    assert [z["name"] for z in api.get("/zones", {"community": estate.pk}).json()["items"]
            ] == ["东区"]
    assert Zone.objects.count() == 1
    stranger = Api(make_user(world.other_tenant, world.other_root, MANAGE, superuser=True))
    assert stranger.get(f"/zones/{zone['id']}").status_code == 404
