"""The periodic SLA scan (SVC-7): warnings before a breach, breach marks, and escalation —
first to the department supervisor at the breach, then to the manager once the clock has run
over by its own length again. It reads only running clocks that are due (partial indexes), in
batches, so it keeps up with a 20-minute clock on a million orders."""

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


def _batch(queryset, field: str, now: dt.datetime):
    return list(queryset.filter(**{f"{field}__lte": now}).select_related(
        "work_order", "work_order__community", "work_order__department",
        "work_order__handler", "work_order__org_unit").order_by(field)[:BATCH])


def sla_scan(*, now: dt.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    running = WorkOrderClock.objects.filter(state=ClockState.RUNNING)  # scoped-query-ok: job
    with acting(None, Channel.JOB):
        while batch := _batch(running.filter(warned_at__isnull=True), "warn_at", now):
            _warn(batch, now)
            result.warned += len(batch)
        while batch := _batch(running.filter(breached_at__isnull=True), "due_at", now):
            result.escalated += _breach(batch, now)
            result.breached += len(batch)
        while batch := _batch(running.filter(escalate_at__isnull=False), "escalate_at", now):
            result.escalated += _escalate_to_managers(batch, now)
    return result


def _warn(batch: list[WorkOrderClock], now: dt.datetime) -> None:
    with transaction.atomic():
        WorkOrderClock.objects.filter(pk__in=[c.pk for c in batch]).update(warned_at=now)
        for clock in batch:
            order = clock.work_order
            shared.tell_users(order, "servicedesk.clock_warning", [order.handler],
                              dedup=f"warn:{clock.pk}", clock=ClockKind(clock.kind).label,
                              due=timezone.localtime(clock.due_at).strftime("%m-%d %H:%M"))


def _breach(batch: list[WorkOrderClock], now: dt.datetime) -> int:
    raised = 0
    with transaction.atomic():
        for clock in batch:
            span = clock.due_at - clock.started_at - dt.timedelta(seconds=clock.paused_seconds)
            WorkOrderClock.objects.filter(pk=clock.pk).update(
                breached_at=now, escalate_at=clock.due_at + max(span, dt.timedelta(minutes=1)))
            order = clock.work_order
            record_event(order, "work_order.breached", new=ClockKind(clock.kind).label,
                         data={"clock": clock.kind})
            if _raise_line(order, 2):
                raised += 1
                shared.tell_users(order, "servicedesk.work_order_escalated",
                                  shared.supervisors_of(order), dedup=f"breach:{clock.pk}",
                                  line=2, clock=ClockKind(clock.kind).label)
    return raised


def _escalate_to_managers(batch: list[WorkOrderClock], now: dt.datetime) -> int:
    raised = 0
    with transaction.atomic():
        WorkOrderClock.objects.filter(pk__in=[c.pk for c in batch]).update(escalate_at=None)
        for clock in batch:
            order = clock.work_order
            if _raise_line(order, 3):
                raised += 1
                shared.tell_users(order, "servicedesk.work_order_escalated",
                                  shared.managers_of(order), dedup=f"manager:{clock.pk}",
                                  line=3, clock=ClockKind(clock.kind).label)
    return raised


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
