"""Intake (SVC-1, SVC-2, SVC-4): the contact log, routing rules as data with the unit's
housekeeper, the dispatcher queue for unmatched orders, and refusals of bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.events import events_for
from linli.directory.services.property import zone_save
from linli.servicedesk import selectors, services
from linli.servicedesk.models import ContactLog, RoutingRule, WorkOrder
from tests.builders import make_unit, make_user
from tests.directory.builders import make_building, make_community
from tests.directory.builders import make_unit as make_room
from tests.servicedesk.builders import SUPERVISOR


def test_a_private_unit_consultation_goes_to_the_units_housekeeper(desk):
    keeper = make_user(desk.world.tenant, desk.departments["service"], SUPERVISOR,
                       username="keeper.chen", display_name="陈管家")
    zone_save(actor=None, community=desk.community, name="一区", housekeeper=keeper,
              buildings=[desk.unit.building])
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="consultation",
        category=desk.category("停车与门禁卡"), unit=desk.unit, person=desk.owner,
        summary="如何办理停车卡")
    assert (order.department, order.handler) == (desk.departments["service"], keeper)


def test_an_order_routed_at_intake_is_written_once_with_its_dispatch_clock_met(desk):
    registered = timezone.now() - dt.timedelta(minutes=5)
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="卫生间漏水", now=registered)
    order = WorkOrder.objects.get(pk=order.pk)
    assert (order.department, order.handler) == (desk.departments["engineering"],
                                                 desk.supervisor)
    assert order.created_at == registered
    assert [(h.history_type, h.handler_id) for h in order.history.all()] == [
        ("+", desk.supervisor.pk)]
    clocks = {c.kind: c for c in order.clocks.all()}
    assert (clocks["dispatch"].state, clocks["dispatch"].stopped_at) == ("met", registered)
    assert {c.state for kind, c in clocks.items() if kind != "dispatch"} == {"running"}
    assert [e.verb for e in events_for(order).order_by("pk")] == [
        "work_order.registered", "work_order.routed"]


def test_an_order_no_rule_matches_waits_in_the_dispatcher_queue(desk):
    RoutingRule.objects.filter(tenant=desk.world.tenant).delete()
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="suggestion",
        area="public_area", summary="建议增加健身器材")
    assert (order.department, order.handler) == (None, None)
    assert list(selectors.dispatcher_queue(desk.frontdesk)) == [order]
    assert list(selectors.dispatcher_queue(desk.supervisor)) == []
    # Nobody has it, so its dispatch clock runs.
    assert order.clocks.get(kind="dispatch").state == "running"
    assert [e.verb for e in events_for(order).order_by("pk")] == [
        "work_order.registered", "work_order.unrouted"]


def test_a_building_rule_beats_the_category_rule(desk):
    services.routing_rule_save(actor=None, tenant=desk.world.tenant,
                               department=desk.departments["security"],
                               category=desk.category("漏水"), community=desk.community,
                               building=desk.unit.building, note="3 栋外包给秩序部")
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    assert (order.department, order.handler) == (desk.departments["security"],
                                                 desk.security_chief)


def test_a_rule_applies_only_when_each_of_its_conditions_is_blank_or_the_orders(desk):
    """Each rule below is more specific than the seed rules and would win, but for one
    condition that is not the order's; the one naming a parent category of the order's does."""
    leak = desk.category("漏水")
    assert leak.parent is not None
    security, environment = desk.departments["security"], desk.departments["environment"]
    other_building = make_building(desk.community, "9")
    elsewhere = make_community(desk.world, "枫林湾")
    here = {"tenant": desk.world.tenant, "actor": None, "department": environment,
            "community": desk.community, "building": desk.unit.building}
    for off in ({"order_type": "complaint"}, {"category": desk.category("停水")},
                {"area": "public_area"}, {"community": elsewhere, "building": None},
                {"building": other_building}):
        services.routing_rule_save(**{**here, **off})
    services.routing_rule_save(tenant=desk.world.tenant, actor=None, department=security,
                               category=leak.parent, community=desk.community)
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair", category=leak,
        unit=desk.unit, person=desk.owner, summary="漏水")
    assert order.department == security
    assert selectors.suggested_department(order) == security


def _water_outage_at(desk, office):
    """A water outage in a community of ``office`` (a public facility: no unit, no person)."""
    community = make_community(desk.world, "枫林湾", org_unit=office)
    return services.work_order_create(
        actor=None, community=community, order_type="repair", category=desk.category("停水"),
        area="public_facility", building=make_building(community, "1"), summary="整栋楼停水")


def test_tenant_wide_rules_route_to_the_same_named_department_of_the_orders_office(desk):
    # The seed rules are tenant-wide and name branch A's 工程部; branch B has its own.
    office = desk.world.branch_b
    engineering = make_unit(office, "工程部", kind="department")
    head = make_user(desk.world.tenant, engineering, SUPERVISOR, username="eng.b")
    order = _water_outage_at(desk, office)
    assert (order.department, order.handler, order.org_unit) == (engineering, head, engineering)
    assert selectors.suggested_department(order) == engineering


def test_an_office_without_the_rules_department_gets_the_dispatcher_queue(desk):
    order = _water_outage_at(desk, desk.world.branch_b)
    assert (order.department, order.handler, order.org_unit) == (None, None,
                                                                desk.world.branch_b)
    assert selectors.suggested_department(order) is None


def test_the_categorys_default_department_is_suggested_only_inside_the_office(desk):
    RoutingRule.objects.filter(tenant=desk.world.tenant).delete()
    here = services.work_order_create(
        actor=None, community=desk.community, order_type="repair",
        category=desk.category("停水"), area="public_facility", summary="整栋楼停水")
    assert selectors.suggested_department(here) == desk.departments["engineering"]
    elsewhere = _water_outage_at(desk, desk.world.branch_b)
    assert selectors.suggested_department(elsewhere) is None
    engineering = make_unit(desk.world.branch_b, "工程部", kind="department")
    assert selectors.suggested_department(elsewhere) == engineering


def test_numbers_count_up_per_day(desk):
    orders = [services.work_order_create(actor=desk.frontdesk, community=desk.community,
                                         order_type="praise", area="public_area",
                                         summary=f"表扬 {i}") for i in range(3)]
    assert [o.number[-4:] for o in orders] == ["0001", "0002", "0003"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"order_type": "party"}, "order_type"),
    ({"summary": "  "}, "summary"),
    ({"caller_phone": "not a phone"}, "caller_phone"),
    ({"urgency": "extreme"}, "urgency"),
    ({"severity": "major"}, "severity"),
])
def test_bad_input_is_refused_and_nothing_is_written(desk, fields, field):
    data = {"actor": desk.frontdesk, "community": desk.community, "order_type": "repair",
            "summary": "漏水", "unit": desk.unit, "person": desk.owner, **fields}
    with pytest.raises(ValidationError) as refusal:
        services.work_order_create(**data)
    assert field in refusal.value.message_dict
    assert WorkOrder.objects.count() == 0


def test_a_unit_of_another_community_is_refused(desk):
    other = make_community(desk.world, "枫林湾")
    room = make_room(make_building(other, "1"), floor=2, number="201")
    with pytest.raises(ValidationError) as refusal:
        services.work_order_create(actor=desk.frontdesk, community=desk.community,
                                   order_type="repair", summary="漏水", unit=room)
    assert refusal.value.message_dict == {"unit": ["This unit is not in the chosen community."]}


def test_a_technician_cannot_register_orders(desk):
    with pytest.raises(PermissionDenied):
        services.work_order_create(actor=desk.technician, community=desk.community,
                                   order_type="repair", summary="漏水")


def test_a_call_is_logged_even_without_an_order(desk):
    entry = services.contact_log_create(actor=desk.frontdesk, content="咨询物业费标准",
                                        unit=desk.unit, person=desk.owner,
                                        caller_phone="138 1234 1502")
    assert (entry.community, entry.org_unit, entry.caller_phone, entry.caller_name,
            entry.handled_by) == (desk.community, desk.world.branch_a, "+8613812341502",
                                  "王建国", desk.frontdesk)
    assert list(selectors.contact_log_list(desk.frontdesk)) == [entry]
    with pytest.raises(ValidationError):
        services.contact_log_create(actor=desk.frontdesk, content="", unit=desk.unit)
    assert ContactLog.objects.count() == 1
