"""Callbacks and rework (SVC-8), the repeat-complaint rule, sensitive replies and major
complaints (SVC-9), paid services (SVC-12)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import DomainEvent
from linli.core.notifications.models import Message
from linli.servicedesk import selectors, services
from linli.servicedesk.models import Callback, WorkOrder
from linli.servicedesk.states import Status
from tests.core.calendar.builders import local


def _resolved(desk, **fields):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="卫生间漏水", **fields)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    services.work_order_resolve(order, actor=desk.technician, resolution="已修复")
    return order


def test_the_callback_is_due_a_day_after_the_resolution_deadline(desk):
    order = _resolved(desk)
    resolution = order.clocks.get(kind="resolution")
    assert order.callbacks.get().due_at == resolution.due_at + dt.timedelta(hours=24)


def test_satisfied_callback_closes_the_order(desk):
    order = _resolved(desk)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="done", satisfaction=5)
    order.refresh_from_db()
    callback = order.callbacks.get()
    assert (order.status, callback.status, callback.satisfaction, callback.called_by) == (
        Status.CLOSED, "done", 5, desk.frontdesk)


def test_unsatisfied_callback_opens_rework_and_closing_the_rework_closes_both(desk):
    order = _resolved(desk)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="done", satisfaction=2,
                                 comment="还在滴水")
    order.refresh_from_db()
    rework = WorkOrder.objects.get(rework_of=order)
    assert (order.status, rework.status, rework.handler, rework.department) == (
        Status.REOPENED, Status.NEW, desk.technician, desk.departments["engineering"])
    assert Message.objects.filter(recipient=desk.supervisor,
                                  event="servicedesk.rework_opened").count() == 1
    # Back with the same handler at once: nothing left to dispatch, so no dispatch breach.
    assert rework.clocks.get(kind="dispatch").state == "met"
    with pytest.raises(ValidationError):
        services.work_order_close(order, actor=desk.manager)
    services.work_order_accept(rework, actor=desk.technician)
    services.work_order_resolve(rework, actor=desk.technician, resolution="更换密封圈")
    services.work_order_callback(rework, actor=desk.frontdesk, outcome="done", satisfaction=4)
    order.refresh_from_db()
    rework.refresh_from_db()
    assert (order.status, rework.status) == (Status.CLOSED, Status.CLOSED)


def test_not_reached_retries_then_gives_up(desk):
    order = _resolved(desk)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="no_answer")
    order.refresh_from_db()
    callback = order.callbacks.get()
    assert (order.status, callback.status, callback.attempts) == (Status.CALLBACK, "retry", 1)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="unreachable")
    services.work_order_callback(order, actor=desk.frontdesk, outcome="no_answer")
    order.refresh_from_db()
    callback.refresh_from_db()
    assert (order.status, callback.status, callback.attempts) == (Status.CLOSED, "gave_up", 3)


def test_closing_by_hand_calls_off_the_callback(desk):
    order = _resolved(desk)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="no_answer")
    services.work_order_close(order, actor=desk.manager, note="业主已当面确认")
    order.refresh_from_db()
    callback = order.callbacks.get()
    assert (order.status, callback.status, callback.attempts) == (Status.CLOSED, "cancelled", 1)
    assert list(selectors.callback_list(desk.frontdesk)) == []


def test_reworking_a_resolved_order_calls_off_its_callback(desk):
    order = _resolved(desk)
    services.work_order_rework(order, actor=desk.manager, reason="业主来电：又漏了")
    order.refresh_from_db()
    rework = WorkOrder.objects.get(rework_of=order)
    assert (order.status, order.callbacks.get().status) == (Status.REOPENED, "cancelled")
    assert list(selectors.callback_list(desk.frontdesk)) == []
    # The rework is called back once it is resolved; a satisfied customer closes both.
    services.work_order_accept(rework, actor=desk.technician)
    services.work_order_resolve(rework, actor=desk.technician, resolution="更换密封圈")
    assert [c.work_order for c in selectors.callback_list(desk.frontdesk)] == [rework]
    services.work_order_callback(rework, actor=desk.frontdesk, outcome="done", satisfaction=5)
    order.refresh_from_db()
    assert order.status == Status.CLOSED


def test_a_cancelled_rework_sends_the_original_back_to_resolved_with_a_new_callback(desk):
    order = _resolved(desk)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="done", satisfaction=1,
                                 comment="还在滴水")
    rework = WorkOrder.objects.get(rework_of=order)
    services.work_order_cancel(rework, actor=desk.manager, reason="业主已自行找人修好")
    order.refresh_from_db()
    first, second = order.callbacks.order_by("pk")
    assert (order.status, order.closed_at, first.status, second.status) == (
        Status.RESOLVED, None, "done", "due")
    assert DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.restore",
                                      note=f"Rework {rework.number} cancelled.").count() == 1
    # The customer is asked again: satisfied now, the order closes.
    services.work_order_callback(order, actor=desk.frontdesk, outcome="done", satisfaction=4)
    order.refresh_from_db()
    second.refresh_from_db()
    assert (order.status, second.status) == (Status.CLOSED, "done")


def test_a_cancelled_rework_of_a_closed_order_also_sends_it_back_to_resolved(desk):
    order = _resolved(desk)
    services.work_order_callback(order, actor=desk.frontdesk, outcome="done", satisfaction=5)
    services.work_order_rework(order, actor=desk.manager, reason="业主再次来电")
    services.work_order_cancel(WorkOrder.objects.get(rework_of=order), actor=desk.manager,
                               reason="误报")
    order.refresh_from_db()
    assert (order.status, order.closed_at) == (Status.RESOLVED, None)
    assert list(order.callbacks.order_by("pk").values_list("status", flat=True)) == [
        "done", "due"]


def test_only_the_system_restores_an_order(desk):
    order = _resolved(desk)
    services.work_order_rework(order, actor=desk.manager, reason="又坏了")
    with pytest.raises(PermissionDenied):
        services.work_order_restore(order, actor=desk.manager)
    with pytest.raises(ValidationError) as refusal:
        services.work_order_restore(order, actor=None)
    assert refusal.value.message_dict == {"status": ["Its rework is still open."]}
    assert "restore" not in selectors.work_order_actions(desk.manager, order)


@pytest.mark.parametrize(("outcome", "satisfaction", "field"), [
    ("done", None, "satisfaction"), ("done", 6, "satisfaction"), ("no_answer", 3, "satisfaction"),
    ("maybe", None, "outcome"),
])
def test_bad_callbacks_are_refused_and_nothing_is_written(desk, outcome, satisfaction, field):
    order = _resolved(desk)
    with pytest.raises(ValidationError) as refusal:
        services.work_order_callback(order, actor=desk.frontdesk, outcome=outcome,
                                     satisfaction=satisfaction)
    assert field in refusal.value.message_dict
    order.refresh_from_db()
    assert (order.status, Callback.objects.get(work_order=order).attempts) == (Status.RESOLVED, 0)


def test_a_technician_may_not_record_callbacks(desk):
    order = _resolved(desk)
    with pytest.raises(PermissionDenied):
        services.work_order_callback(order, actor=desk.technician, outcome="done",
                                     satisfaction=5)


def _complaint(desk, now, **fields):
    fields = {"category": desk.category("环境卫生"), "summary": "垃圾未清运", **fields}
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        area="public_area", person=desk.owner, caller_phone="13812341502", now=now, **fields)


def test_a_second_complaint_within_four_hours_becomes_formal(desk):
    first = _complaint(desk, local(2026, 12, 3, 9, 0))
    second = _complaint(desk, local(2026, 12, 3, 12, 59))
    later = _complaint(desk, local(2026, 12, 3, 17, 30))
    assert (first.is_formal, second.is_formal, later.is_formal) == (False, True, False)
    assert (second.service_level.code, second.priority) == ("formal-complaint", "P2")
    assert Message.objects.filter(recipient=desk.manager,
                                  event="servicedesk.major_complaint").count() == 1


def test_a_major_complaint_alerts_the_managers_at_once(desk):
    _complaint(desk, local(2026, 12, 3, 9), severity="major")
    assert Message.objects.filter(recipient=desk.manager, event="servicedesk.major_complaint",
                                  channel="in_app").count() == 1


def test_the_complainant_hears_of_each_step_by_sms(desk):
    # Nobody works in the environment department yet: the order waits in the queue.
    order = _complaint(desk, local(2026, 12, 3, 9))
    assert (order.status, order.handler) == (Status.NEW, None)
    services.work_order_dispatch(order, actor=desk.frontdesk,
                                 department=desk.departments["security"])
    services.work_order_accept(order, actor=desk.security_chief)
    services.work_order_resolve(order, actor=desk.security_chief, resolution="已清运")
    services.work_order_callback(order, actor=desk.frontdesk, outcome="done", satisfaction=4)
    steps = list(Message.objects.filter(event="servicedesk.complaint_progress", channel="sms",
                                        address="+8613812341502").order_by("id")
                 .values_list("payload__step", flat=True))
    assert steps == ["registered", "dispatched", "resolved", "closed"]


def test_a_complaint_routed_at_intake_is_announced_like_a_dispatch(desk):
    def notices(order):
        return sorted(Message.objects.filter(payload__number=order.number).values_list(
            "event", "channel", "recipient__username", "payload__step"))

    security = desk.departments["security"]
    # 秩序安全 is routed to 秩序部 at intake; 环境卫生 waits for the dispatcher (nobody works in
    # 环境部) who dispatches it to 秩序部 by hand. Five hours apart: neither is formal.
    routed = _complaint(desk, local(2026, 12, 3, 9), category=desk.category("秩序安全"),
                        summary="外来车辆占用消防通道")
    dispatched = _complaint(desk, local(2026, 12, 3, 14))
    services.work_order_dispatch(dispatched, actor=desk.frontdesk, department=security)
    assert (routed.department, routed.handler) == (security, desk.security_chief)
    assert notices(routed) == notices(dispatched) == [
        ("servicedesk.complaint_progress", "sms", None, "dispatched"),
        ("servicedesk.complaint_progress", "sms", None, "registered"),
        ("servicedesk.work_order_assigned", "in_app", "sec.zhou", None)]
    steps = list(Message.objects.filter(payload__number=routed.number, channel="sms",
                                        event="servicedesk.complaint_progress")
                 .order_by("id").values_list("payload__step", flat=True))
    assert steps == ["registered", "dispatched"]


def test_housing_quality_complaints_go_to_the_developer(desk):
    from tests.directory.builders import add_organization

    developer = add_organization(desk.world, "华庭地产", kind="developer")
    desk.community.developer = developer
    desk.community.save(update_fields=["developer"])
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        category=desk.category("房屋质量"), unit=desk.unit, person=desk.owner,
        complaint_subject="housing_quality", summary="墙体开裂")
    assert order.responsible_party == developer


def test_a_sensitive_complaint_is_resolved_only_after_its_reply_is_approved(desk):
    order = _complaint(desk, local(2026, 12, 3, 9), is_sensitive=True)
    services.work_order_dispatch(order, actor=desk.frontdesk,
                                 department=desk.departments["security"])
    services.work_order_accept(order, actor=desk.security_chief)
    with pytest.raises(ValidationError):
        services.work_order_resolve(order, actor=None, resolution="已清运")
    services.work_order_reply_submit(order, actor=desk.frontdesk, reply="已安排清运，致歉")
    with pytest.raises(PermissionDenied):
        services.work_order_reply_review(order, actor=desk.frontdesk, approve=True)
    services.work_order_reply_review(order, actor=desk.manager, approve=True)
    services.work_order_resolve(order, actor=None, resolution="已清运")
    order.refresh_from_db()
    assert (order.status, order.review_status) == (Status.RESOLVED, "approved")
    assert Message.objects.filter(event="servicedesk.complaint_progress",
                                  payload__step="reply").count() == 1


def test_paid_service_quote_accept_and_charge(desk):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="paid_service",
        category=desk.category("管道疏通"), unit=desk.unit, person=desk.owner,
        summary="厨房下水道堵塞")
    with pytest.raises(ValidationError):
        services.work_order_quote(order, actor=desk.supervisor, amount="-5")
    services.work_order_quote(order, actor=desk.supervisor, amount="120", note="外包疏通")
    services.work_order_quote_answer(order, actor=desk.frontdesk, accepted=True)
    with pytest.raises(ValidationError):
        services.work_order_charge(order, actor=desk.supervisor)
    services.work_order_accept(order, actor=desk.supervisor)
    services.work_order_resolve(order, actor=desk.supervisor, resolution="已疏通")
    services.work_order_charge(order, actor=desk.supervisor)
    order.refresh_from_db()
    assert (order.quote_status, order.charge_amount) == ("charged", Decimal("120.00"))
