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
