"""Screens of the property part: lists, pages, forms, scope."""

import pytest
from django.test import Client
from django.urls import reverse

from linli.directory.models import Building, Community, Section, Unit, Zone
from linli.directory.services import property as services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_unit, make_units

VIEW = ["directory.view_community", "directory.view_building", "directory.view_section",
        "directory.view_unit", "directory.view_zone", "directory.view_layout"]
MANAGE = [*VIEW, "directory.add_community", "directory.change_community",
          "directory.add_building", "directory.change_building", "directory.add_section",
          "directory.add_unit", "directory.change_unit", "directory.add_zone",
          "directory.change_zone", "directory.add_layout", "directory.change_layout"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园", city="杭州")
    building = make_building(community, "3", floors=3, sections=1)
    make_units(building, units_per_floor=2)
    return community


def test_community_list_shows_rates_and_filters(world, estate):
    Unit.objects.filter(room_code__in=["3-1-101", "3-1-102"]).update(status="occupied")
    Unit.objects.filter(room_code__in=["3-1-201", "3-1-202"]).update(status="delivered")
    make_community(world, name="碧水湾", city="上海")
    page = text(client_for(make_user(world.tenant, world.root, VIEW)).get(
        reverse("directory:communities")))
    assert "阳光花园" in page and "碧水湾" in page
    assert '<td class="text-end" data-rate="occupancy">50%</td>' in page
    assert '<td class="text-end" data-rate="occupancy">—</td>' in page
    filtered = text(client_for(make_user(world.tenant, world.root, VIEW)).get(
        reverse("directory:communities"), {"city": "上海"}))
    assert "碧水湾" in filtered and "阳光花园" not in filtered


def test_community_list_exports(world, estate):
    response = client_for(make_user(world.tenant, world.root, VIEW)).get(
        reverse("directory:communities"), {"export": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = body.splitlines()[:2]
    assert header.startswith("Name,Type,Province,City")
    assert row.startswith("阳光花园,Commodity housing,,杭州")


def test_community_list_needs_the_permission(world, estate):
    response = client_for(make_user(world.tenant, world.root, [])).get(
        reverse("directory:communities"))
    assert response.status_code == 403


def test_community_detail_and_scope(world, estate):
    url = reverse("directory:community_detail", args=[estate.pk])
    page = text(client_for(make_user(world.tenant, world.branch_a, VIEW)).get(url))
    assert "阳光花园" in page and 'data-stat="units">6<' in page
    assert reverse("directory:building_detail", args=[Building.objects.get().pk]) in page
    assert client_for(make_user(world.tenant, world.branch_b, VIEW)).get(url).status_code == 404
    stranger = make_user(world.other_tenant, world.other_root, VIEW, superuser=True)
    assert client_for(stranger).get(url).status_code == 404
    for tab in ("history", "timeline"):
        assert client_for(make_user(world.tenant, world.root, VIEW)).get(
            url, {"tab": tab}).status_code == 200


def test_community_create_and_duplicate_name(world, estate):
    client = client_for(make_user(world.tenant, world.branch_a, MANAGE))
    url = reverse("directory:community_create")
    response = client.post(url, {"org_unit": world.team_a1.pk, "name": "碧水湾",
                                 "kind": "commodity"})
    created = Community.objects.get(name="碧水湾")
    assert response.status_code == 302
    assert response.url == reverse("directory:community_detail", args=[created.pk])
    assert created.org_unit_id == world.team_a1.pk
    response = client.post(url, {"org_unit": world.branch_a.pk, "name": "阳光花园",
                                 "kind": "commodity"})
    assert response.status_code == 200
    assert "A community named “阳光花园” already exists." in text(response)
    # Branch B is not offered, so choosing it is a form error.
    response = client.post(url, {"org_unit": world.branch_b.pk, "name": "别处",
                                 "kind": "commodity"})
    assert "Select a valid choice." in text(response)
    assert Community.objects.count() == 2


def test_community_edit_refused_without_the_right(world, estate):
    reader = client_for(make_user(world.tenant, world.root, VIEW))
    assert reader.get(reverse("directory:community_edit", args=[estate.pk])).status_code == 403
    editor = client_for(make_user(world.tenant, world.root, MANAGE))
    response = editor.post(reverse("directory:community_edit", args=[estate.pk]), {
        "org_unit": world.branch_a.pk, "name": "阳光花园", "kind": "villa", "city": "宁波"})
    assert response.status_code == 302
    estate.refresh_from_db()
    assert (estate.kind, estate.city) == ("villa", "宁波")


def test_building_grid_page(world, estate):
    building = Building.objects.get()
    Unit.objects.filter(room_code="3-1-302").update(status="rented")
    page = text(client_for(make_user(world.tenant, world.root, VIEW)).get(
        reverse("directory:building_detail", args=[building.pk])))
    assert page.index('data-floor="3"') < page.index('data-floor="2"') < page.index(
        'data-floor="1"')
    unit = Unit.objects.get(room_code="3-1-302")
    assert f'href="{reverse("directory:unit_detail", args=[unit.pk])}"' in page
    assert 'data-unit="3-1-302" data-status="rented"' in page
    assert 'data-legend="rented">Rented · 1<' in page
    assert 'data-legend="unsold">Unsold · 5<' in page


def test_building_create_and_generate_units_form(world, estate):
    client = client_for(make_user(world.tenant, world.branch_a, MANAGE))
    response = client.post(reverse("directory:building_create", args=[estate.pk]),
                           {"number": "5", "floors_above": 20, "floors_below": 1})
    building = Building.objects.get(number="5")
    assert response.url == reverse("directory:building_detail", args=[building.pk])
    url = reverse("directory:building_generate_units", args=[building.pk])
    response = client.post(url, {"floor_from": 1, "floor_to": 20, "units_per_floor": 2,
                                 "sections": "1，2", "skip_floors": "4, 13、14",
                                 "shop_floors": "1", "number_pattern": "{floor}{index:02d}"})
    assert response.status_code == 302
    assert Unit.objects.filter(building=building).count() == 17 * 2 * 2
    response = client.post(url, {"floor_from": 1, "floor_to": 2, "units_per_floor": 2,
                                 "sections": "1", "number_pattern": "{floor}{index:02d}"})
    assert response.status_code == 200
    assert "These room codes already exist: 5-1-101, 5-1-102, 5-1-201, 5-1-202." in text(
        response)
    response = client.post(url, {"floor_from": 1, "floor_to": 2, "units_per_floor": 2,
                                 "skip_floors": "four", "number_pattern": "{floor}"})
    assert "Enter whole numbers separated by commas, e.g. 4, 13, 14." in text(response)


def test_generate_units_refused_for_another_branch(world, estate):
    client = client_for(make_user(world.tenant, world.branch_b, MANAGE))
    building = Building.objects.get()
    assert client.get(reverse("directory:building_generate_units",
                              args=[building.pk])).status_code == 404


def test_unit_page_and_edit(world, estate):
    unit = Unit.objects.get(room_code="3-1-201")
    client = client_for(make_user(world.tenant, world.root, MANAGE))
    page = text(client.get(reverse("directory:unit_detail", args=[unit.pk])))
    assert "3-1-201" in page and "Not in a zone." in page
    response = client.post(reverse("directory:unit_edit", args=[unit.pk]), {
        "section": unit.section_id, "floor": 2, "number": "202", "use": "residential",
        "status": "occupied", "built_area": "-5"})
    assert "Ensure this value is greater than or equal to 0." in text(response)
    response = client.post(reverse("directory:unit_edit", args=[unit.pk]), {
        "section": unit.section_id, "floor": 2, "number": "202", "use": "residential",
        "status": "occupied"})
    assert "Room 3-1-202 already exists in this community." in text(response)
    response = client.post(reverse("directory:unit_edit", args=[unit.pk]), {
        "section": unit.section_id, "floor": 9, "number": "901", "use": "residential",
        "status": "occupied"})
    assert "Floor 9 is outside building 3 (1 to 3)." in text(response)
    response = client.post(reverse("directory:unit_edit", args=[unit.pk]), {
        "section": unit.section_id, "floor": 2, "number": "203", "use": "residential",
        "status": "occupied", "built_area": "88.5"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.room_code, unit.status, str(unit.built_area)) == ("3-1-203", "occupied",
                                                                    "88.50")
    for tab in ("history", "timeline"):
        assert client.get(reverse("directory:unit_detail", args=[unit.pk]),
                          {"tab": tab}).status_code == 200


def test_unit_pages_of_another_tenant_are_404(world, estate):
    unit = Unit.objects.get(room_code="3-1-201")
    stranger = client_for(make_user(world.other_tenant, world.other_root, MANAGE,
                                    superuser=True))
    for name in ("unit_detail", "unit_edit"):
        assert stranger.get(reverse(f"directory:{name}", args=[unit.pk])).status_code == 404


def test_unit_create_form(world, estate):
    building = Building.objects.get()
    client = client_for(make_user(world.tenant, world.root, MANAGE))
    response = client.post(reverse("directory:unit_create", args=[building.pk]), {
        "floor": 1, "number": "103", "use": "shop", "status": "sold"})
    unit = Unit.objects.get(room_code="3-103")
    assert response.url == reverse("directory:unit_detail", args=[unit.pk])


def test_zone_pages(world, estate):
    building = Building.objects.get()
    section = Section.objects.get()
    keeper = make_user(world.tenant, world.branch_a, [], username="keeper")
    client = client_for(make_user(world.tenant, world.root, MANAGE))
    response = client.post(reverse("directory:zone_create", args=[estate.pk]), {
        "name": "一区", "housekeeper": keeper.pk, "public_phone": "138 1234 5678",
        "buildings": [building.pk]})
    assert response.url == reverse("directory:zone_list", args=[estate.pk])
    zone = Zone.objects.get()
    response = client.post(reverse("directory:zone_create", args=[estate.pk]), {
        "name": "二区", "buildings": [building.pk], "sections": [section.pk]})
    assert "Building 3 already belongs to zone “一区”." in text(response)
    page = text(client.get(reverse("directory:zone_list", args=[estate.pk])))
    assert "一区" in page and "keeper" in page and "+8613812345678" in page
    response = client.post(reverse("directory:zone_edit", args=[zone.pk]), {
        "name": "东区", "sections": [section.pk]})
    assert response.status_code == 302
    unit = Unit.objects.get(room_code="3-1-101")
    assert "东区" in text(client.get(reverse("directory:unit_detail", args=[unit.pk])))


def test_layout_pages(world, estate):
    client = client_for(make_user(world.tenant, world.root, MANAGE))
    response = client.post(reverse("directory:layout_create", args=[estate.pk]), {
        "name": "A户型", "bedrooms": 3, "living_rooms": 2, "bathrooms": 1,
        "built_area": "98.00"})
    assert response.url == reverse("directory:community_detail", args=[estate.pk])
    layout = services.layout_save(actor=None, community=estate, name="B户型")
    response = client.post(reverse("directory:layout_edit", args=[layout.pk]), {
        "name": "A户型", "bedrooms": 1, "living_rooms": 1, "bathrooms": 1})
    assert "This community already has a layout “A户型”." in text(response)


def test_section_create_form(world, estate):
    building = Building.objects.get()
    client = client_for(make_user(world.tenant, world.root, MANAGE))
    response = client.post(reverse("directory:section_create", args=[building.pk]),
                           {"number": "1"})
    assert "Building 3 already has a section 1." in text(response)
    client.post(reverse("directory:section_create", args=[building.pk]), {"number": "2"})
    assert sorted(Section.objects.values_list("number", flat=True)) == ["1", "2"]


def test_unit_without_owner_link_until_people_exist(world):
    unit = make_unit(make_building(make_community(world), "1"))
    page = text(client_for(make_user(world.tenant, world.root, VIEW)).get(
        reverse("directory:unit_detail", args=[unit.pk])))
    assert "Nobody is linked to this unit." in page


def test_every_form_page_renders(world, estate):
    building = Building.objects.get()
    unit = Unit.objects.first()
    zone = services.zone_save(actor=None, community=estate, name="一区")
    layout = services.layout_save(actor=None, community=estate, name="A户型")
    client = client_for(make_user(world.tenant, world.root, MANAGE))
    pages = [
        ("community_create", []), ("community_edit", [estate.pk]),
        ("building_create", [estate.pk]), ("building_edit", [building.pk]),
        ("section_create", [building.pk]), ("building_generate_units", [building.pk]),
        ("unit_create", [building.pk]), ("unit_edit", [unit.pk]),
        ("layout_create", [estate.pk]), ("layout_edit", [layout.pk]),
        ("zone_create", [estate.pk]), ("zone_edit", [zone.pk]), ("zone_list", [estate.pk]),
    ]
    for name, args in pages:
        response = client.get(reverse(f"directory:{name}", args=args))
        assert response.status_code == 200, name
        assert 'class="linli-form"' in text(response) or name == "zone_list", name
