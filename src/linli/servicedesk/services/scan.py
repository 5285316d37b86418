"""The periodic SLA scan (SVC-7): warnings before a breach, breach marks, and escalation —
first to the department supervisor at the breach, then to the manager once the clock has run
over by its own length again. It reads only running clocks that are due (partial indexes), in
batches, so it keeps up with a 20-minute clock on a million orders.

Several scans may run at once (two workers, a slow run overlapping the next): each batch is
claimed in its own transaction with ``SELECT … FOR UPDATE SKIP LOCKED``, so a clock another
scan is marking is skipped, and one it has marked no longer matches — every warning, breach
and escalation is marked, recorded and told once. The claim locks the clocks' orders too and
never waits: a clock whose order someone is moving right now is left to the next scan, and a
scan never holds a clock while it waits for an order (which is how a move and a scan could
deadlock)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from linli.core.events import record_event
from linli.core.request_context import Channel, acting
from linli.servicedesk.choices import ClockKind, ClockState
from linli.servicedesk.models import WorkOrder, WorkOrderClock
from linli.servicedesk.services import shared

BATCH = 500


@dataclass
class ScanResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0


def _claim(queryset, field: str, now: dt.datetime) -> list[WorkOrderClock]:
    """The next batch of clocks due by ``field`` with their orders, locked for the caller's
    transaction; a clock or order locked by another transaction is skipped."""
    return list(queryset.filter(**{f"{field}__lte": now})
                .select_for_update(skip_locked=True, of=("self", "work_order"))
                .select_related("work_order", "work_order__community",
                                "work_order__department", "work_order__handler",
                                "work_order__org_unit")
                .order_by(field, "pk")[:BATCH])


def _in_batches(queryset, field: str, now: dt.datetime, mark, result: ScanResult) -> None:
    """Claim and ``mark`` batch after batch, each in its own transaction."""
    while True:
        with transaction.atomic():
            batch = _claim(queryset, field, now)
            if not batch:
                return
            mark(batch, now, result)


def sla_scan(*, now: dt.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    running = WorkOrderClock.objects.filter(state=ClockState.RUNNING)  # scoped-query-ok: job
    with acting(None, Channel.JOB):
        _in_batches(running.filter(warned_at__isnull=True), "warn_at", now, _warn, result)
        _in_batches(running.filter(breached_at__isnull=True), "due_at", now, _breach, result)
        _in_batches(running.filter(escalate_at__isnull=False), "escalate_at", now,
                    _escalate_to_managers, result)
    return result


def _warn(batch: list[WorkOrderClock], now: dt.datetime, result: ScanResult) -> None:
    WorkOrderClock.objects.filter(pk__in=[c.pk for c in batch]).update(warned_at=now)
    result.warned += len(batch)
    for clock in batch:
        order = clock.work_order
        shared.tell_users(order, "servicedesk.clock_warning", [order.handler],
                          dedup=f"warn:{clock.pk}", clock=ClockKind(clock.kind).label,
                          due=timezone.localtime(clock.due_at).strftime("%m-%d %H:%M"))


def _breach(batch: list[WorkOrderClock], now: dt.datetime, result: ScanResult) -> None:
    """Mark the whole batch breached in one statement, then record each breach and raise its
    order to line 2 (the department supervisor)."""
    for clock in batch:
        span = clock.due_at - clock.started_at - dt.timedelta(seconds=clock.paused_seconds)
        clock.breached_at = now
        clock.escalate_at = clock.due_at + max(span, dt.timedelta(minutes=1))
    WorkOrderClock.objects.bulk_update(batch, ["breached_at", "escalate_at"])
    result.breached += len(batch)
    for clock in batch:
        order = clock.work_order
        record_event(order, "work_order.breached", new=ClockKind(clock.kind).label,
                     data={"clock": clock.kind})
        _escalate(clock, 2, shared.supervisors_of, f"breach:{clock.pk}", result)


def _escalate_to_managers(batch: list[WorkOrderClock], now: dt.datetime,
                          result: ScanResult) -> None:
    WorkOrderClock.objects.filter(pk__in=[c.pk for c in batch]).update(escalate_at=None)
    for clock in batch:
        _escalate(clock, 3, shared.managers_of, f"manager:{clock.pk}", result)


def _escalate(clock: WorkOrderClock, line: int, recipients, dedup: str,
              result: ScanResult) -> None:
    """Raise the clock's order to ``line`` and tell ``recipients(order)``, unless the order is
    on that line already."""
    order = clock.work_order
    if _raise_line(order, line):
        result.escalated += 1
        shared.tell_users(order, "servicedesk.work_order_escalated", recipients(order),
                          dedup=dedup, line=line, clock=ClockKind(clock.kind).label)


def _raise_line(order: WorkOrder, line: int) -> bool:
    """Raise the order to ``line`` unless it is there already (a counter, not a read-modify-
    write: two scans at once cannot both raise it)."""
    changed = WorkOrder.objects.filter(  # scoped-query-ok: the job's own rows
        Q(pk=order.pk) & Q(escalation_level__lt=line)).update(escalation_level=line)
    if changed:
        record_event(order, "work_order.escalate", old=str(order.escalation_level),
                     new=str(line))
        order.escalation_level = line
    return bool(changed)
