"""Selectors of people: the list filters, the 360° view, unit people and the timeline."""

import datetime

import pytest

from linli.core.timeline import TimelineEntry, register_timeline_provider
from linli.directory.models import Person
from linli.directory.selectors import people as selectors
from linli.directory.services import people as services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person, make_unit

pytestmark = pytest.mark.django_db

VIEW_PERMS = ["directory.view_person", "directory.view_unit", "directory.view_unitrelation",
              "directory.view_personrelation", "directory.view_community"]


@pytest.fixture
def estate(world):
    community = make_community(world, "阳光花园")
    building = make_building(community, "3", floors=20, sections=2)
    section = building.sections.get(number="2")
    unit = make_unit(building, floor=15, number="1502", section=section)
    other_unit = make_unit(building, floor=15, number="1501", section=section)
    return community, unit, other_unit


def _names(qs) -> list[str]:
    return [p.name for p in qs]


def test_person_list_filters(world, estate):
    community, unit, other_unit = estate
    zhang = make_person(world, "张三", phones=["13800138000"], tags=["VIP"])
    li = make_person(world, "李四", phones=["13900139001"], id_number="11010519491231002X")
    make_person(world, "王五", phones=["13700137002"])
    services.unit_relation_add(actor=None, person=zhang, unit=unit, role="owner")
    services.unit_relation_add(actor=None, person=li, unit=other_unit, role="renter")
    actor = make_user(world.tenant, world.branch_a, VIEW_PERMS)

    def names(**filters):
        return _names(selectors.person_list(actor, filters))

    assert names() == ["李四", "王五", "张三"]
    assert names(q="zhangsan") == ["张三"]
    assert names(q="zs") == ["张三"]
    assert names(q="9001") == ["李四"]
    assert names(q="137 0013 7002") == ["王五"]
    assert names(q="11010519491231002x") == ["李四"]
    assert names(q="3-2-1502") == ["张三"]
    assert names(q="李") == ["李四"]
    assert names(community=community.pk) == ["李四", "张三"]
    assert names(role="renter") == ["李四"]
    assert names(community=community.pk, role="owner") == ["张三"]
    assert names(tag="VIP") == ["张三"]
    assert names(tag="VI") == []
    assert names(sort="-name") == ["张三", "王五", "李四"]


def test_person_list_scope(world):
    make_person(world, "华东客户")
    make_person(world, "华南客户", org_unit=world.branch_b)
    merged = make_person(world, "旧记录")
    Person.objects.filter(pk=merged.pk).update(merged_into=make_person(world, "新记录"))
    branch_a = make_user(world.tenant, world.branch_a, VIEW_PERMS)
    assert _names(selectors.person_list(branch_a)) == ["华东客户", "新记录"]
    outsider = make_user(world.other_tenant, world.other_root, VIEW_PERMS, superuser=True)
    assert _names(selectors.person_list(outsider)) == []


def test_person_360(world, estate, django_assert_max_num_queries):
    _, unit, other_unit = estate
    person = make_person(world, "张三", phones=["13800138000", "010-12345678"],
                         id_number="11010519491231002X")
    spouse, child = make_person(world, "王芳"), make_person(world, "小明")
    hidden = make_person(world, "华南亲戚", org_unit=world.branch_b)
    services.family_relation_add(actor=None, person=spouse, relative=person, kind="spouse")
    services.family_relation_add(actor=None, person=person, relative=child, kind="parent")
    services.family_relation_add(actor=None, person=person, relative=hidden, kind="sibling")
    services.unit_relation_add(actor=None, person=person, unit=other_unit, role="renter",
                               start_date=datetime.date(2018, 3, 1))
    services.unit_relation_end(actor=None, relation=person.unit_relations.get(),
                               end_date=datetime.date(2019, 3, 1))
    services.unit_relation_add(actor=None, person=person, unit=unit, role="owner",
                               start_date=datetime.date(2020, 5, 1))
    actor = make_user(world.tenant, world.branch_a, VIEW_PERMS)
    person = selectors.person_get(actor, person.pk)

    with django_assert_max_num_queries(8):
        view = selectors.person_360(actor, person)

    assert view.id_masked == "110***********002X"
    assert view.can_reveal is False
    assert [(p.masked, p.phone.is_preferred) for p in view.phones] == [
        ("138****8000", True), ("010-****5678", False)]
    assert [(r.unit.room_code, r.role) for r in view.current_relations] == [
        ("3-2-1502", "owner")]
    assert [(r.unit.room_code, r.role, r.end_date) for r in view.past_relations] == [
        ("3-2-1501", "renter", datetime.date(2019, 3, 1))]
    assert [(t.other.name, t.kind) for t in view.family] == [("王芳", "spouse"),
                                                             ("小明", "child")]
    assert [e.title for e in view.timeline] == [
        "Became owner of 3-2-1502", "No longer renter of 3-2-1501", "Became renter of 3-2-1501"]
    assert view.open_items == []
    assert view.satisfaction == []


def test_360_open_items_and_satisfaction_come_from_registries(world):
    person = make_person(world)
    at = datetime.datetime(2026, 3, 1, 8, tzinfo=datetime.UTC)

    def provider(user, subject):
        if not isinstance(subject, Person):
            return []
        return [TimelineEntry(at=at, kind="work_order", title="Leak in the kitchen",
                              extra={"open": True}),
                TimelineEntry(at=at, kind="callback", title="Callback done")]

    register_timeline_provider("test.open_items", provider)
    selectors.register_satisfaction_provider(
        "test.scores", lambda user, p: [(datetime.date(2026, 2, 1), 90.0),
                                        (datetime.date(2026, 1, 1), 70.0)])
    try:
        actor = make_user(world.tenant, world.branch_a, VIEW_PERMS)
        view = selectors.person_360(actor, person)
    finally:
        from linli.core import timeline

        timeline._providers.pop("test.open_items")
        selectors._satisfaction_providers.pop("test.scores")
    assert [e.title for e in view.open_items] == ["Leak in the kitchen"]
    assert view.satisfaction == [(datetime.date(2026, 1, 1), 70.0),
                                 (datetime.date(2026, 2, 1), 90.0)]


def test_unit_people_and_unit_timeline(world, estate):
    _, unit, _ = estate
    renter, owner = make_person(world, "租客"), make_person(world, "业主")
    services.unit_relation_add(actor=None, person=renter, unit=unit, role="renter",
                               start_date=datetime.date(2023, 1, 1))
    services.unit_relation_add(actor=None, person=owner, unit=unit, role="owner",
                               start_date=datetime.date(2020, 1, 1))
    actor = make_user(world.tenant, world.branch_a, VIEW_PERMS)
    assert [(r.person.name, r.role) for r in selectors.unit_people(actor, unit)] == [
        ("业主", "owner"), ("租客", "renter")]
    titles = sorted(e.title for e in selectors.relation_timeline(actor, unit))
    assert titles == ["业主 became owner", "租客 became renter"]
    sibling = make_user(world.tenant, world.branch_b, VIEW_PERMS)
    assert selectors.unit_people(sibling, unit) == []
