"""The work-order lifecycle through its services (SVC-5, SVC-6): routing at intake, the one
handler, accept → arrive → resolve, transfer with a reason, return, refusals and scope."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import DomainEvent
from linli.servicedesk import services
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.states import Status
from tests.builders import make_user


def _leak(desk, **extra):
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="厨房天花板漏水", urgency="high", impact="medium", **extra)


def _verbs(order):
    return list(DomainEvent.objects.filter(subject_id=order.pk).order_by("id")
                .values_list("verb", flat=True))


def test_a_leak_is_routed_to_engineering_and_its_supervisor(desk):
    order = _leak(desk)
    assert (order.status, order.department, order.handler, order.priority) == (
        Status.NEW, desk.departments["engineering"], desk.supervisor, "P2")
    assert order.service_level.code == "urgent-repair"
    assert order.org_unit == desk.departments["engineering"]
    assert order.number.startswith("GD") and order.number.endswith("-0001")
    assert _verbs(order) == ["work_order.registered", "work_order.routed"]


def test_assign_accept_arrive_resolve(desk):
    order = _leak(desk)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    services.work_order_arrive(order, actor=desk.technician)
    services.work_order_resolve(order, actor=desk.technician, resolution="更换水管接头")
    order.refresh_from_db()
    assert order.status == Status.RESOLVED
    assert {c.kind: c.state for c in order.clocks.all()} == {
        "response": "met", "dispatch": "met", "on_site": "met", "resolution": "met"}
    assert order.callbacks.get().status == "due"


def test_illegal_move_is_refused_and_nothing_changes(desk):
    order = _leak(desk)
    with pytest.raises(ValidationError) as refusal:
        services.work_order_arrive(order, actor=desk.supervisor)
    assert "cannot be given" in str(refusal.value)
    order.refresh_from_db()
    assert order.status == Status.NEW and order.arrived_at is None


def test_another_worker_may_not_accept_someone_elses_order(desk):
    order = _leak(desk)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    with pytest.raises(PermissionDenied):
        services.work_order_accept(order, actor=desk.plumber)


def test_transfer_needs_a_reason_and_moves_the_scope(desk):
    order = _leak(desk)
    with pytest.raises(ValidationError):
        services.work_order_transfer(order, actor=desk.frontdesk,
                                     department=desk.departments["security"], reason=" ")
    services.work_order_transfer(order, actor=desk.frontdesk,
                                 department=desk.departments["security"], reason="公共区域")
    order.refresh_from_db()
    assert (order.department, order.handler) == (desk.departments["security"],
                                                 desk.security_chief)
    assert not WorkOrder.objects.restrict(desk.supervisor).filter(pk=order.pk).exists()


def test_return_goes_back_to_the_dispatcher_queue(desk):
    order = _leak(desk)
    services.work_order_return(order, actor=desk.supervisor, reason="不是工程部的")
    order.refresh_from_db()
    assert (order.department, order.handler, order.org_unit) == (None, None,
                                                                desk.world.branch_a)


def test_unknown_private_caller_is_quarantined_until_verified(desk):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), summary="楼上漏水", caller_phone="13900001111")
    assert order.status == Status.QUARANTINED and not order.clocks.exists()
    services.work_order_verify(order, actor=desk.frontdesk, person=desk.owner, unit=desk.unit)
    order.refresh_from_db()
    assert order.status == Status.NEW and order.handler == desk.supervisor
    assert order.clocks.count() == 4


def test_outsider_cannot_create_in_another_tenants_community(desk):
    stranger = make_user(desk.world.other_tenant, desk.world.other_root,
                         ["servicedesk.add_workorder"])
    with pytest.raises(ValidationError):
        services.work_order_create(actor=stranger, community=desk.community,
                                   order_type="repair", summary="x")
    assert WorkOrder.objects.count() == 0
