"""The SLA scan (SVC-7): a warning before the due time, the breach mark and escalation to the
department supervisor at the breach, then to the manager; nothing twice; paused clocks wait."""

import datetime as dt

from linli.core.events import DomainEvent
from linli.core.notifications.models import Message
from linli.servicedesk import services
from tests.core.calendar.builders import local

START = local(2026, 12, 3, 22, 0)


def _urgent_leak(desk):
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="主管道爆裂", urgency="high", impact="high", now=START)


def _messages(user, event):
    return Message.objects.filter(recipient=user, event=event, channel="in_app").count()


def test_warning_breach_and_escalation_timing(desk):
    order = _urgent_leak(desk)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    # On site within 20 minutes: warned at 15, breached at 20, the manager at 40.
    assert services.sla_scan(now=START + dt.timedelta(minutes=14)).warned == 0
    warned = services.sla_scan(now=START + dt.timedelta(minutes=15))
    assert (warned.warned, warned.breached) == (1, 0)
    assert _messages(desk.technician, "servicedesk.clock_warning") == 1
    breached = services.sla_scan(now=START + dt.timedelta(minutes=21))
    order.refresh_from_db()
    assert (breached.breached, breached.escalated, order.escalation_level) == (1, 1, 2)
    assert _messages(desk.supervisor, "servicedesk.work_order_escalated") == 1
    assert services.sla_scan(now=START + dt.timedelta(minutes=22)).breached == 0
    to_manager = services.sla_scan(now=START + dt.timedelta(minutes=41))
    order.refresh_from_db()
    assert (to_manager.escalated, order.escalation_level) == (1, 3)
    assert _messages(desk.manager, "servicedesk.work_order_escalated") == 1
    assert DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.breached"
                                      ).count() == 1


def test_met_clocks_never_breach(desk, monkeypatch):
    from django.utils import timezone

    order = _urgent_leak(desk)
    monkeypatch.setattr(timezone, "now", lambda: START + dt.timedelta(minutes=5))
    services.work_order_accept(order, actor=desk.supervisor)
    services.work_order_arrive(order, actor=desk.supervisor)
    result = services.sla_scan(now=START + dt.timedelta(hours=1))
    states = dict(order.clocks.values_list("kind", "state"))
    assert (result.warned, result.breached) == (0, 0)
    assert states == {"response": "met", "dispatch": "met", "on_site": "met",
                      "resolution": "running"}


def test_a_paused_clock_is_not_scanned(desk, monkeypatch):
    from django.utils import timezone

    order = _urgent_leak(desk)
    monkeypatch.setattr(timezone, "now", lambda: START + dt.timedelta(minutes=5))
    services.work_order_accept(order, actor=desk.supervisor)
    services.work_order_wait(order, actor=desk.supervisor, waiting_on="third_party",
                             reason="等待燃气公司")
    result = services.sla_scan(now=START + dt.timedelta(hours=10))
    assert (result.warned, result.breached) == (0, 0)


def test_a_batch_of_breaches_is_marked_in_one_statement_and_recorded_once(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.servicedesk.models import WorkOrderClock

    orders = [_urgent_leak(desk) for _n in range(3)]
    with CaptureQueriesContext(connection) as queries:
        result = services.sla_scan(now=START + dt.timedelta(minutes=21))
    # Each order's first-response (10 min) and on-site (20 min) clocks are overdue, so the
    # order goes to line 2; the first-response clock is over by its length again: line 3.
    assert (result.breached, result.escalated) == (6, 6)
    clock_updates = [q["sql"] for q in queries.captured_queries
                     if q["sql"].startswith('UPDATE "servicedesk_workorderclock"')]
    assert len(clock_updates) == 3  # the warnings, the breaches, the managers' escalations
    assert WorkOrderClock.objects.filter(breached_at__isnull=False).count() == 6
    for order in orders:
        assert DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.breached"
                                          ).count() == 2
    assert services.sla_scan(now=START + dt.timedelta(minutes=22)).breached == 0


def _breached_batch(desk, count):
    """``count`` urgent leaks registered at START: at START + 21 min each has two clocks over
    (first response and on site), and the first response is over by its length again."""
    return [_urgent_leak(desk) for _n in range(count)]


def _notices(event):
    """(recipient, order number, line) of every in-app message of ``event``, sorted."""
    return sorted((m.recipient_id, m.payload["number"], m.payload.get("line"))
                  for m in Message.objects.filter(event=event, channel="in_app"))


def test_a_batch_records_each_breach_and_escalation_once_and_tells_each_departments_supervisor(
        desk, django_capture_on_commit_callbacks):
    from linli.accounts.models import User
    from linli.servicedesk.models import WorkOrder

    User.objects.filter(pk=desk.supervisor.pk).update(mobile="13800138000")
    orders = _breached_batch(desk, 3)
    # The third order's department has no supervisor: the office's holder of the right (the
    # manager) is told, as ``supervisors_of`` finds them.
    for order, department in zip(orders, ("engineering", "security", "finance"), strict=True):
        WorkOrder.objects.filter(pk=order.pk).update(department=desk.departments[department])
    with django_capture_on_commit_callbacks() as deliveries:
        result = services.sla_scan(now=START + dt.timedelta(minutes=21))
    assert (result.breached, result.escalated) == (6, 6)
    for order in orders:
        events = DomainEvent.objects.filter(subject_id=order.pk).order_by("id")
        assert [(e.verb, e.old_value, e.new_value, e.data) for e in events
                if e.verb in ("work_order.breached", "work_order.escalate")] == [
            ("work_order.breached", "", "First response", {"clock": "response"}),
            ("work_order.escalate", "1", "2", {}),
            ("work_order.breached", "", "On-site arrival", {"clock": "on_site"}),
            ("work_order.escalate", "2", "3", {}),
        ]
        assert {e.channel for e in events if e.verb.startswith("work_order.e")} == {"job"}
        order.refresh_from_db()
        assert order.escalation_level == 3
    numbers = [o.number for o in orders]
    assert _notices("servicedesk.work_order_escalated") == sorted([
        (desk.supervisor.pk, numbers[0], 2), (desk.security_chief.pk, numbers[1], 2),
        (desk.manager.pk, numbers[2], 2),
        *[(desk.manager.pk, number, 3) for number in numbers]])
    # The supervisor has a mobile: an SMS too, each queued for delivery once its batch has
    # committed (the supervisor is also the orders' handler, warned of the dispatch clock).
    [sms] = Message.objects.filter(event="servicedesk.work_order_escalated", channel="sms")
    assert (sms.recipient_id, sms.address, sms.status, sms.payload["number"]) == (
        desk.supervisor.pk, "+8613800138000", "pending", numbers[0])
    assert len(deliveries) == Message.objects.filter(
        channel="sms", event__in=["servicedesk.work_order_escalated", "servicedesk.clock_warning"]
    ).count() == 7
    again = services.sla_scan(now=START + dt.timedelta(minutes=50))
    assert (again.breached, again.escalated) == (0, 0)
    assert Message.objects.filter(event="servicedesk.work_order_escalated").count() == 7


def test_the_batch_recipients_are_those_of_each_order(desk):
    from linli.servicedesk.models import WorkOrder
    from linli.servicedesk.services import shared

    orders = _breached_batch(desk, 3)
    for order, department in zip(orders, ("engineering", "security", "finance"), strict=True):
        WorkOrder.objects.filter(pk=order.pk).update(department=desk.departments[department])
    orders = list(WorkOrder.objects.select_related("department", "org_unit",
                                                   "community__org_unit"))
    assert shared.supervisors_of_each(orders) == {o.pk: shared.supervisors_of(o)
                                                  for o in orders}
    assert shared.managers_of_each(orders) == {o.pk: shared.managers_of(o) for o in orders}
    assert [len(shared.supervisors_of(o)) for o in orders] == [1, 1, 1]


def test_an_order_already_on_the_line_is_not_escalated_again(desk):
    from linli.servicedesk.models import WorkOrder

    raised, plain = _breached_batch(desk, 2)
    WorkOrder.objects.filter(pk=raised.pk).update(escalation_level=3)
    result = services.sla_scan(now=START + dt.timedelta(minutes=21))
    assert (result.breached, result.escalated) == (4, 2)
    assert not DomainEvent.objects.filter(subject_id=raised.pk,
                                          verb="work_order.escalate").exists()
    assert DomainEvent.objects.filter(subject_id=raised.pk,
                                      verb="work_order.breached").count() == 2
    raised.refresh_from_db()
    assert raised.escalation_level == 3
    assert [n[1] for n in _notices("servicedesk.work_order_escalated")] == [plain.number] * 2


def test_the_warnings_of_a_batch_go_to_each_handler_once(desk):
    orders = _breached_batch(desk, 2)
    for order, handler in zip(orders, (desk.technician, desk.plumber), strict=True):
        services.work_order_assign(order, actor=desk.supervisor, handler=handler)
    assert services.sla_scan(now=START + dt.timedelta(minutes=8)).warned == 2
    assert services.sla_scan(now=START + dt.timedelta(minutes=9)).warned == 0
    assert [(user, number) for user, number, _line in _notices("servicedesk.clock_warning")
            ] == sorted([(desk.technician.pk, orders[0].number),
                         (desk.plumber.pk, orders[1].number)])


def test_a_batch_costs_the_same_statements_whatever_its_size(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.servicedesk.models import WorkOrderClock

    counts = []
    for size in (1, 2, 5):
        # Each round registers its orders a day later and the clocks of the earlier rounds
        # are stopped, so only its own orders are due at its scan.
        WorkOrderClock.objects.update(state="cancelled")
        shift = dt.timedelta(days=len(counts))
        orders = [services.work_order_create(
            actor=desk.frontdesk, community=desk.community, order_type="repair",
            category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
            summary="主管道爆裂", urgency="high", impact="high", now=START + shift)
            for _n in range(size)]
        for order in orders:  # so that the warnings go to someone too
            services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
        with CaptureQueriesContext(connection) as queries:
            result = services.sla_scan(now=START + shift + dt.timedelta(minutes=21))
        assert (result.breached, result.escalated) == (2 * size, 2 * size)
        numbers = [o.number for o in orders]
        assert Message.objects.filter(event="servicedesk.work_order_escalated",
                                      payload__number__in=numbers).count() == 2 * size
        assert result.warned > 0
        assert Message.objects.filter(event="servicedesk.clock_warning", recipient=desk.technician,
                                      payload__number__in=numbers).count() == result.warned
        counts.append(len(queries))
    # The first round also reads what is cached afterwards (content types); the others cost
    # exactly the same whatever their size.
    assert counts[1] == counts[2], counts
    assert counts[0] >= counts[1], counts
