"""Services of the property part: communities, buildings, units, generation, zones."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import DomainEvent
from linli.directory.models import Building, Community, Section, Unit, Zone
from linli.directory.selectors.property import zone_for_unit
from linli.directory.services import property as services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_unit, make_units

MANAGE = ["directory.add_community", "directory.change_community", "directory.view_community",
          "directory.add_building", "directory.change_building", "directory.add_section",
          "directory.add_unit", "directory.change_unit", "directory.add_zone",
          "directory.change_zone", "directory.add_layout"]


def messages(exc: ValidationError, field: str) -> list[str]:
    return exc.value.message_dict[field]


# --- communities ----------------------------------------------------------------------------

def test_community_create_fills_pinyin_and_copies_nothing_else(world):
    manager = make_user(world.tenant, world.branch_a, MANAGE)
    community = services.community_create(actor=manager, org_unit=world.team_a1,
                                          name=" 阳光花园 ", city="杭州",
                                          property_phone="0571-8888 8888")
    assert community.name == "阳光花园"
    assert (community.name_pinyin, community.name_initials) == ("yangguanghuayuan", "yghy")
    assert community.tenant_id == world.tenant.pk
    assert community.org_unit_id == world.team_a1.pk
    assert community.property_phone == "+8657188888888"


def test_community_name_is_unique_per_tenant(world):
    make_community(world, name="阳光花园")
    with pytest.raises(ValidationError) as exc:
        make_community(world, name="阳光花园", org_unit=world.branch_b)
    assert messages(exc, "name") == ["A community named “阳光花园” already exists."]
    # Another tenant may use the same name.
    other = services.community_create(actor=None, org_unit=world.other_root, name="阳光花园")
    assert other.tenant_id == world.other_tenant.pk


def test_community_org_unit_must_be_in_the_actors_scope(world):
    manager = make_user(world.tenant, world.branch_a, MANAGE)
    with pytest.raises(ValidationError) as exc:
        services.community_create(actor=manager, org_unit=world.branch_b, name="外区小区")
    assert messages(exc, "org_unit") == ["You cannot manage communities of this unit."]
    with pytest.raises(PermissionDenied):
        services.community_create(actor=manager, org_unit=world.other_root, name="别家小区")
    reader = make_user(world.tenant, world.branch_a, ["directory.view_community"])
    with pytest.raises(PermissionDenied):
        services.community_create(actor=reader, org_unit=world.branch_a, name="只读")
    assert Community.objects.count() == 0


def test_community_refuses_bad_values(world):
    with pytest.raises(ValidationError) as exc:
        make_community(world, name="  ", latitude=Decimal("91"), property_phone="abc")
    errors = exc.value.message_dict
    assert errors["name"] == ["Enter a name."]
    assert errors["latitude"] == ["Ensure this value is less than or equal to 90."]
    assert errors["property_phone"] == [
        "A phone number may contain only digits, spaces, dashes and a leading +."]


def test_community_update_moves_descendants_and_records_the_rename(world):
    community = make_community(world, name="旧名")
    building = make_building(community, "1", floors=2, sections=1)
    make_units(building, units_per_floor=1)
    services.zone_save(actor=None, community=community, name="一区", buildings=[building])
    manager = make_user(world.tenant, world.root, MANAGE)
    services.community_update(actor=manager, community=community, name="新名",
                              org_unit=world.team_a1)
    community.refresh_from_db()
    assert (community.name, community.name_pinyin) == ("新名", "xinming")
    for model in (Building, Section, Unit, Zone):
        assert set(model.objects.values_list("org_unit_id", flat=True)) == {world.team_a1.pk}
    event = DomainEvent.objects.get(verb="renamed")
    assert (event.old_value, event.new_value) == ("旧名", "新名")


def test_community_update_needs_the_right_at_the_community(world):
    community = make_community(world)
    outsider = make_user(world.tenant, world.branch_b, MANAGE)
    with pytest.raises(PermissionDenied):
        services.community_update(actor=outsider, community=community, city="上海")


# --- buildings and units --------------------------------------------------------------------

def test_building_number_unique_per_community_and_sort_key(world):
    community = make_community(world)
    building = make_building(community, "A10")
    assert building.sort_key == 10
    with pytest.raises(ValidationError) as exc:
        make_building(community, "A10")
    assert messages(exc, "number") == ["This community already has a building A10."]
    assert make_building(make_community(world), "A10").number == "A10"


def test_unit_room_code_and_uniqueness(world):
    building = make_building(make_community(world), "3", floors=18, sections=2)
    section = Section.objects.get(building=building, number="2")
    unit = make_unit(building, floor=15, number="1502", section=section)
    assert unit.room_code == "3-2-1502"
    with pytest.raises(ValidationError) as exc:
        make_unit(building, floor=15, number="1502", section=section)
    assert messages(exc, "number") == ["Room 3-2-1502 already exists in this community."]
    assert Unit.objects.count() == 1


def test_unit_refuses_floor_out_of_range_and_negative_area(world):
    building = make_building(make_community(world), "1", floors=6, floors_below=2)
    with pytest.raises(ValidationError) as exc:
        make_unit(building, floor=7, number="701", built_area=Decimal("-1"))
    errors = exc.value.message_dict
    assert errors["floor"] == ["Floor 7 is outside building 1 (-2 to 6)."]
    assert errors["built_area"] == ["An area cannot be negative."]
    with pytest.raises(ValidationError) as exc:
        make_unit(building, floor=0, number="001")
    assert messages(exc, "floor") == ["There is no floor 0; basements are -1, -2, …"]
    assert make_unit(building, floor=-2, number="B201").room_code == "1-B201"


def test_unit_section_and_layout_must_belong_to_the_building(world):
    community = make_community(world)
    one = make_building(community, "1", sections=1)
    two = make_building(community, "2", sections=1)
    foreign_layout = services.layout_save(actor=None, community=make_community(world),
                                          name="A户型")
    with pytest.raises(ValidationError) as exc:
        make_unit(one, section=Section.objects.get(building=two), layout=foreign_layout)
    assert messages(exc, "section") == ["Choose a section of building 1."]
    assert messages(exc, "layout") == ["Choose a layout of this community."]


def test_unit_update_recodes_and_records_status(world):
    building = make_building(make_community(world), "5", floors=10, sections=1)
    unit = make_unit(building, floor=2, number="201")
    section = Section.objects.get(building=building)
    services.unit_update(actor=None, unit=unit, section=section, number="202",
                         status="occupied")
    unit.refresh_from_db()
    assert (unit.room_code, unit.status) == ("5-1-202", "occupied")
    event = DomainEvent.objects.get(verb="status_changed")
    assert (event.old_value, event.new_value) == ("Unsold", "Occupied")


def test_unit_set_status_is_a_plain_attribute(world):
    unit = make_unit(make_building(make_community(world)))
    for status in ("rented", "unsold", "vacant"):
        services.unit_set_status(actor=None, unit=unit, status=status)
    unit.refresh_from_db()
    assert unit.status == "vacant"
    with pytest.raises(ValidationError) as exc:
        services.unit_set_status(actor=None, unit=unit, status="haunted")
    assert messages(exc, "status") == ["Choose a valid status."]
    assert DomainEvent.objects.filter(verb="status_changed").count() == 3


def test_building_number_change_renames_room_codes(world):
    building = make_building(make_community(world), "7", floors=2, sections=1)
    make_units(building, units_per_floor=1)
    services.building_update(actor=None, building=building, number="8")
    assert sorted(Unit.objects.values_list("room_code", flat=True)) == ["8-1-101", "8-1-201"]
    with pytest.raises(ValidationError) as exc:
        services.building_update(actor=None, building=building, floors_above=1)
    assert messages(exc, "floors_above") == ["Units lie outside these floors: 8-1-201."]


# --- generating units -----------------------------------------------------------------------

def test_generate_units_counts_skips_and_shops(world):
    building = make_building(make_community(world), "3", floors=15)
    created = services.units_generate(
        actor=None, building=building, floors=(1, 15), units_per_floor=4, sections=["1", "2"],
        skip_floors=[4, 13, 14], shop_floors=[1], built_area=Decimal("89.50"),
    )
    assert created == 12 * 4 * 2
    assert Unit.objects.filter(building=building).count() == 96
    assert not Unit.objects.filter(floor__in=[4, 13, 14]).exists()
    assert Unit.objects.filter(use="shop").count() == 8
    assert set(Unit.objects.filter(use="shop").values_list("floor", flat=True)) == {1}
    assert Unit.objects.filter(room_code="3-2-1504").exists()
    assert set(Section.objects.filter(building=building).values_list("number", flat=True)) \
        == {"1", "2"}
    assert set(Unit.objects.values_list("built_area", flat=True)) == {Decimal("89.50")}
    unit = Unit.objects.get(room_code="3-1-1501")
    assert unit.history.count() == 1
    assert unit.org_unit_id == world.branch_a.pk


def test_generate_units_without_sections_and_custom_pattern(world):
    building = make_building(make_community(world), "9", floors=3)
    created = services.units_generate(actor=None, building=building, floors=(2, 3),
                                      units_per_floor=2, number_pattern="{floor}-{index}")
    assert created == 4
    assert sorted(Unit.objects.values_list("room_code", flat=True)) == [
        "9-2-1", "9-2-2", "9-3-1", "9-3-2"]


def test_generate_units_refuses_clashes_and_writes_nothing(world):
    building = make_building(make_community(world), "1", floors=6, sections=1)
    make_unit(building, floor=3, number="302", section=Section.objects.get(building=building))
    with pytest.raises(ValidationError) as exc:
        services.units_generate(actor=None, building=building, floors=(1, 6),
                                units_per_floor=2, sections=["1", "2"])
    assert messages(exc, "floors") == ["Room 1-1-302 already exists in this community."]
    assert Unit.objects.count() == 1
    assert Section.objects.filter(building=building).count() == 1


def test_generate_units_refuses_more_than_5000(world):
    building = make_building(make_community(world), "1", floors=200)
    with pytest.raises(ValidationError) as exc:
        services.units_generate(actor=None, building=building, floors=(1, 200),
                                units_per_floor=26)
    assert messages(exc, "units_per_floor") == [
        "This would create 5200 units; at most 5000 can be generated at once."]
    assert Unit.objects.count() == 0


def test_generate_units_refuses_bad_input(world):
    building = make_building(make_community(world), "1", floors=6)
    with pytest.raises(ValidationError) as exc:
        services.units_generate(actor=None, building=building, floors=(5, 9), units_per_floor=0,
                                built_area=Decimal("-3"))
    errors = exc.value.message_dict
    assert errors["floors"] == ["Floor 9 is outside building 1 (1 to 6)."]
    assert errors["units_per_floor"] == ["Enter at least one unit per floor."]
    assert errors["built_area"] == ["An area cannot be negative."]
    with pytest.raises(ValidationError) as exc:
        services.units_generate(actor=None, building=building, floors=(1, 2),
                                units_per_floor=2, number_pattern="{room}")
    assert messages(exc, "number_pattern") == [
        "Use {floor} and {index} in the pattern, e.g. {floor}{index:02d}."]
    with pytest.raises(ValidationError) as exc:
        services.units_generate(actor=None, building=building, floors=(1, 2),
                                units_per_floor=2, number_pattern="{floor}")
    assert messages(exc, "number_pattern") == [
        "The pattern gives the same room number twice: 1-1, 1-2."]
    assert Unit.objects.count() == 0


def test_generate_units_needs_the_right(world):
    building = make_building(make_community(world), "1", floors=2)
    outsider = make_user(world.tenant, world.branch_b, MANAGE)
    with pytest.raises(PermissionDenied):
        services.units_generate(actor=outsider, building=building, floors=(1, 2),
                                units_per_floor=1)
    insider = make_user(world.tenant, world.branch_a, MANAGE)
    assert services.units_generate(actor=insider, building=building, floors=(1, 2),
                                   units_per_floor=1) == 2


# --- zones ----------------------------------------------------------------------------------

def test_zone_resolution_section_beats_building(world):
    community = make_community(world)
    building = make_building(community, "1", floors=2, sections=2)
    units = make_units(building, units_per_floor=1)
    keeper = make_user(world.tenant, world.branch_a, [])
    s2 = Section.objects.get(building=building, number="2")
    whole = services.zone_save(actor=None, community=community, name="一区",
                               housekeeper=keeper, public_phone="13812345678",
                               buildings=[building])
    part = services.zone_save(actor=None, community=community, name="二区", sections=[s2])
    assert whole.public_phone == "+8613812345678"
    assert {u.room_code: zone_for_unit(u).name for u in units} == {
        "1-1-101": "一区", "1-1-201": "一区", "1-2-101": "二区", "1-2-201": "二区"}
    services.zone_save(actor=None, community=community, zone=part, name="二区", sections=[])
    assert zone_for_unit(Unit.objects.get(room_code="1-2-101")) == whole
    other = make_building(community, "2")
    assert zone_for_unit(make_unit(other)) is None


def test_a_building_or_section_belongs_to_one_zone(world):
    community = make_community(world)
    building = make_building(community, "1", sections=1)
    section = Section.objects.get(building=building)
    services.zone_save(actor=None, community=community, name="一区", buildings=[building],
                       sections=[section])
    with pytest.raises(ValidationError) as exc:
        services.zone_save(actor=None, community=community, name="二区", buildings=[building],
                           sections=[section])
    errors = exc.value.message_dict
    assert errors["buildings"] == ["Building 1 already belongs to zone “一区”."]
    assert errors["sections"] == ["Building 1 Section 1 already belongs to zone “一区”."]
    with pytest.raises(ValidationError) as exc:
        services.zone_save(actor=None, community=community, name="一区")
    assert messages(exc, "name") == ["This community already has a zone “一区”."]
    foreign = make_building(make_community(world), "1")
    with pytest.raises(ValidationError) as exc:
        services.zone_save(actor=None, community=community, name="三区", buildings=[foreign])
    assert messages(exc, "buildings") == ["Choose buildings of this community."]
    assert Zone.objects.count() == 1


def test_zone_housekeeper_of_the_same_tenant(world):
    community = make_community(world)
    stranger = make_user(world.other_tenant, world.other_root, [])
    with pytest.raises(ValidationError) as exc:
        services.zone_save(actor=None, community=community, name="一区", housekeeper=stranger)
    assert messages(exc, "housekeeper") == ["Choose an active user of your organisation."]


def test_layout_save(world):
    community = make_community(world)
    layout = services.layout_save(actor=None, community=community, name="A户型", bedrooms=3,
                                  living_rooms=2, bathrooms=2, built_area=Decimal("120.5"))
    assert (layout.org_unit_id, layout.bedrooms) == (world.branch_a.pk, 3)
    with pytest.raises(ValidationError) as exc:
        services.layout_save(actor=None, community=community, name="A户型",
                             built_area=Decimal("-1"))
    assert messages(exc, "name") == ["This community already has a layout “A户型”."]
    assert messages(exc, "built_area") == ["An area cannot be negative."]
