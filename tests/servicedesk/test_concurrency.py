"""Two people acting on one order at once (SVC-6, NFR-4): the row lock serialises them, so
exactly one of two concurrent accepts wins and the loser gets the clear refusal; two SLA scans
at once (SVC-7) mark, record and escalate each breach of a batch once, and a scan leaves an
order someone is moving to the next scan. Needs real concurrent connections:
PostgreSQL only (SQLite serialises writers by itself)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from linli.core.events import DomainEvent
from linli.core.notifications.models import Message
from linli.servicedesk import services
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services import scan
from linli.servicedesk.states import Status
from tests.core.calendar.builders import local

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _run_together(target, count: int = 2) -> list:
    """Run ``target`` in ``count`` threads released at once; what each raised, if anything."""
    barrier = threading.Barrier(count)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # the test reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_cannot_both_win(desk):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    outcomes = []

    def accept():
        services.work_order_accept(WorkOrder.objects.get(pk=order.pk), actor=None)
        outcomes.append("accepted")

    for refusal in _run_together(accept):
        assert isinstance(refusal, ValidationError), refusal
        outcomes.append(" ".join(refusal.messages))
    order.refresh_from_db()
    assert sorted(outcomes) == sorted(
        ["accepted", "A work order that is “Accepted” cannot be given “Accept”."])
    assert order.status == Status.ACCEPTED
    assert DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.accept").count() == 1


def _leak(desk, start):
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="主管道爆裂", urgency="high", impact="high", now=start)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_record_each_breach_once(desk, monkeypatch):
    """Run the scans crosswise or one after the other: never a breach, escalation or notice
    twice."""
    start = local(2026, 12, 3, 22, 0)
    orders = [_leak(desk, start) for _n in range(3)]
    # The first scan to record a batch of breaches waits (up to 3 s) until the other scan
    # has finished: a scan that took the same clocks would record them again meanwhile.
    finished = threading.Event()
    record = scan.record_events

    def slow_record(events):
        if any(e.verb == "work_order.breached" for e in events):
            finished.wait(timeout=3)
        return record(events)

    monkeypatch.setattr(scan, "record_events", slow_record)

    def sweep():
        try:
            services.sla_scan(now=start + dt.timedelta(minutes=21))
        finally:
            finished.set()

    assert _run_together(sweep) == []
    # Each scan skips a clock whose order the other holds, so when the two claimed crosswise
    # (one order's response clock in one batch, its on-site clock in the other's) that clock
    # is left to the next scan, by design; the next scan takes it, and nothing is twice.
    services.sla_scan(now=start + dt.timedelta(minutes=22))
    for order in orders:
        breaches = DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.breached")
        assert sorted(breaches.values_list("data__clock", flat=True)) == ["on_site", "response"]
        escalations = DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.escalate")
        assert sorted(escalations.values_list("old_value", "new_value")) == [("1", "2"),
                                                                            ("2", "3")]
        order.refresh_from_db()
        assert order.escalation_level == 3
    told = Message.objects.filter(event="servicedesk.work_order_escalated", channel="in_app")
    assert sorted(told.values_list("recipient_id", "payload__number", "payload__line")) == sorted(
        [(desk.supervisor.pk, o.number, 2) for o in orders]
        + [(desk.manager.pk, o.number, 3) for o in orders])


@pytest.mark.django_db(transaction=True)
def test_a_scan_leaves_the_clocks_of_an_order_being_moved_to_the_next_scan(desk):
    start = local(2026, 12, 3, 22, 0)
    moving, idle = _leak(desk, start), _leak(desk, start)
    locked, release = threading.Event(), threading.Event()

    def move():
        with transaction.atomic():
            WorkOrder.objects.select_for_update().get(pk=moving.pk)
            locked.set()
            release.wait(timeout=10)

    mover = threading.Thread(target=lambda: (move(), connections.close_all()))
    mover.start()
    try:
        assert locked.wait(timeout=10)
        first = services.sla_scan(now=start + dt.timedelta(minutes=21))
    finally:
        release.set()
        mover.join(timeout=30)
    assert (first.breached, first.escalated) == (2, 2)
    assert not DomainEvent.objects.filter(subject_id=moving.pk).filter(
        verb__in=["work_order.breached", "work_order.escalate"]).exists()
    second = services.sla_scan(now=start + dt.timedelta(minutes=22))
    assert (second.breached, second.escalated) == (2, 2)
    for order in (moving, idle):
        order.refresh_from_db()
        assert order.escalation_level == 3
        assert DomainEvent.objects.filter(subject_id=order.pk,
                                          verb="work_order.breached").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_crosswise_links_at_once_cannot_nest_an_incident(desk):
    """SVC-11: A under B and B under A at the same moment — the rows are locked in key order,
    so the second sees the first's link and is refused; a cluster stays one level deep."""
    first, second = (services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary=text)
        for text in ("楼上漏水", "楼下也漏水"))
    pairs = iter([(first, second), (second, first)])
    lock = threading.Lock()

    def link():
        with lock:
            child, parent = next(pairs)
        services.work_order_cluster_link(WorkOrder.objects.get(pk=child.pk), actor=None,
                                         parent=WorkOrder.objects.get(pk=parent.pk))

    refusals = _run_together(link)
    assert len(refusals) == 1 and isinstance(refusals[0], ValidationError), refusals
    assert "is itself linked to an incident" in " ".join(refusals[0].messages)
    linked = list(WorkOrder.objects.filter(cluster_parent__isnull=False)
                  .values_list("pk", "cluster_parent_id"))
    assert linked in ([(first.pk, second.pk)], [(second.pk, first.pk)])
