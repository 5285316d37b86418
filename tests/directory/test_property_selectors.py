"""Selectors of the property part: statistics, tree, grid, unit detail, scope."""

import datetime as dt

from linli.core.scope import scope_for
from linli.directory.keys import name_keys
from linli.directory.models import Person, Section, Unit, UnitRelation
from linli.directory.selectors import property as selectors
from linli.directory.services import property as services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_units

VIEW = ["directory.view_community", "directory.view_building", "directory.view_section",
        "directory.view_unit", "directory.view_zone", "directory.view_layout"]


def set_units(units, status, decoration=""):
    Unit.objects.filter(pk__in=[u.pk for u in units]).update(status=status,
                                                            decoration_status=decoration)


def make_person(unit, name, role="owner", end_date=None, org_unit=None):
    pinyin, initials = name_keys(name)
    person = Person.objects.create(tenant_id=unit.tenant_id,
                                   org_unit_id=org_unit.pk if org_unit else unit.org_unit_id,
                                   name=name, name_pinyin=pinyin, name_initials=initials)
    UnitRelation.objects.create(tenant_id=unit.tenant_id, org_unit_id=person.org_unit_id,
                                person=person, unit=unit, role=role,
                                start_date=dt.date(2020, 1, 1), end_date=end_date)
    return person


def test_community_list_rates_are_exact(world, django_assert_num_queries):
    community = make_community(world, name="阳光花园")
    units = make_units(make_building(community, "1", floors=5), units_per_floor=4)  # 20 units
    # 8 delivered-or-later: 3 occupied (1 renovating), 1 rented (furnished), 2 delivered
    # (1 renovating), 2 vacant; 12 unsold or sold, one of them "renovating" (not counted).
    set_units(units[0:2], "occupied")
    set_units(units[2:3], "occupied", "renovating")
    set_units(units[3:4], "rented", "furnished")
    set_units(units[4:5], "delivered")
    set_units(units[5:6], "delivered", "renovating")
    set_units(units[6:8], "vacant", "basic")
    set_units(units[8:9], "sold", "renovating")
    empty = make_community(world, name="空小区")
    make_building(community, "2")
    user = make_user(world.tenant, world.root, VIEW)
    scope_for(user)  # the scope is read once per request; the list itself is one query
    with django_assert_num_queries(1):
        rows = {c.name: c for c in selectors.community_list(user)}
    row = rows["阳光花园"]
    assert (row.unit_count, row.building_count, row.delivered_count) == (20, 2, 8)
    assert (row.occupied_count, row.renovated_count) == (4, 3)
    assert row.occupancy_rate == 0.5
    assert row.renovation_rate == 0.375
    assert (rows[empty.name].unit_count, rows[empty.name].occupancy_rate) == (0, None)


def test_community_list_filters_and_sort(world):
    make_community(world, name="阳光花园", city="杭州", kind="villa")
    make_community(world, name="碧水湾", city="上海")
    user = make_user(world.tenant, world.root, VIEW)
    assert [c.name for c in selectors.community_list(user)] == ["碧水湾", "阳光花园"]
    assert [c.name for c in selectors.community_list(user, {"sort": "-name"})] == [
        "阳光花园", "碧水湾"]
    assert [c.name for c in selectors.community_list(user, {"q": "yg"})] == ["阳光花园"]
    assert [c.name for c in selectors.community_list(user, {"q": "bishui"})] == ["碧水湾"]
    assert [c.name for c in selectors.community_list(user, {"city": "上海"})] == ["碧水湾"]
    assert [c.name for c in selectors.community_list(user, {"kind": "villa"})] == ["阳光花园"]
    assert selectors.community_cities(user) == ["上海", "杭州"]


def test_scope_of_the_lists(world):
    make_community(world, name="甲区小区")
    make_community(world, name="乙区小区", org_unit=world.branch_b)
    services.community_create(actor=None, org_unit=world.other_root, name="别家小区")
    branch_b = make_user(world.tenant, world.branch_b, VIEW)
    assert [c.name for c in selectors.community_list(branch_b)] == ["乙区小区"]
    stranger = make_user(world.other_tenant, world.other_root, VIEW)
    assert [c.name for c in selectors.community_list(stranger)] == ["别家小区"]
    nobody = make_user(world.tenant, world.root, [])
    assert list(selectors.community_list(nobody)) == []


def test_community_tree_orders_buildings_and_sections(world):
    community = make_community(world)
    make_building(community, "10", sections=["2", "10", "1"])
    make_building(community, "9")
    user = make_user(world.tenant, world.root, VIEW)
    tree = selectors.community_tree(user, community)
    assert [n.building.number for n in tree] == ["9", "10"]
    assert [s.number for s in tree[1].sections] == ["1", "2", "10"]


def test_building_grid_layout_and_owners(world):
    community = make_community(world)
    building = make_building(community, "3", floors=3, sections=2)
    units = make_units(building, units_per_floor=2, shop_floors=[1])
    by_code = {u.room_code: u for u in units}
    make_person(by_code["3-1-301"], "张三")
    make_person(by_code["3-1-301"], "李四")
    make_person(by_code["3-1-301"], "王五", role="renter")
    make_person(by_code["3-2-101"], "赵六", end_date=dt.date(2024, 1, 1))
    make_person(by_code["3-2-102"], "外区人", org_unit=world.branch_b)
    set_units([by_code["3-2-302"]], "occupied")
    user = make_user(world.tenant, world.branch_a, [*VIEW, "directory.view_person"])
    grid = selectors.building_grid(user, building)
    assert [c.number for c in grid.columns] == ["1", "2"]
    assert [r.floor for r in grid.rows] == [3, 2, 1]
    top = grid.rows[0]
    assert [[c.unit.number for c in group] for group in top.groups] == [["301", "302"],
                                                                         ["301", "302"]]
    assert top.groups[0][0].owners == ["李四", "张三"]
    assert top.groups[1][1].badge == "green"
    ground = grid.rows[2]
    assert [c.owners for c in ground.groups[1]] == [[], []]  # ended, and out of scope
    assert {c.unit.use for g in ground.groups for c in g} == {"shop"}
    assert grid.status_counts == {"unsold": 11, "occupied": 1}
    assert grid.unit_count == 12


def test_building_grid_needs_constant_queries(world, django_assert_max_num_queries):
    building = make_building(make_community(world), "1", floors=25, sections=2)
    units = make_units(building, units_per_floor=10)
    assert len(units) == 500
    for unit in units[:50]:
        make_person(unit, "业主")
    user = make_user(world.tenant, world.root, [*VIEW, "directory.view_person"])
    scope_for(user)  # read once per request, not per grid
    with django_assert_max_num_queries(3):
        grid = selectors.building_grid(user, building)
        cells = [c for row in grid.rows for group in row.groups for c in group]
        assert len(cells) == 500
        assert sum(1 for c in cells if c.owners == ["业主"]) == 50


def test_building_grid_of_a_building_without_sections(world):
    building = make_building(make_community(world), "5", floors=2)
    make_units(building, units_per_floor=1)
    user = make_user(world.tenant, world.root, VIEW)
    grid = selectors.building_grid(user, building)
    assert grid.columns == [None]
    assert [[c.unit.room_code for c in r.groups[0]] for r in grid.rows] == [["5-201"],
                                                                             ["5-101"]]


def test_unit_detail_relations_and_zone(world):
    community = make_community(world)
    building = make_building(community, "1", floors=2, sections=1)
    unit = make_units(building, units_per_floor=1)[0]
    keeper = make_user(world.tenant, world.branch_a, [], display_name="管家甲")
    services.zone_save(actor=None, community=community, name="一区", housekeeper=keeper,
                       sections=[Section.objects.get(building=building)])
    make_person(unit, "张三")
    make_person(unit, "李四", role="resident")
    make_person(unit, "赵六", end_date=dt.date(2023, 5, 1))
    user = make_user(world.tenant, world.root, [*VIEW, "directory.view_person"])
    detail = selectors.unit_detail(user, unit.pk)
    assert [(r.person.name, r.role) for r in detail.current] == [("张三", "owner"),
                                                                 ("李四", "resident")]
    assert [r.person.name for r in detail.past] == ["赵六"]
    assert (detail.zone.name, detail.zone.housekeeper) == ("一区", keeper)
    no_people = make_user(world.tenant, world.root, VIEW)
    assert selectors.unit_detail(no_people, unit.pk).current == []
