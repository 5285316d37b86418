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
deadlock).

A batch costs the same few statements whatever its size: the marks, the orders' lines (raised
with a condition, so a line never goes down and two scans cannot both raise it), the events,
the recipients and the notices are each written or read once per batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from linli.core.events import event_for, record_events
from linli.core.request_context import Channel, acting
from linli.servicedesk.choices import ClockKind, ClockState
from linli.servicedesk.models import WorkOrder, WorkOrderClock
from linli.servicedesk.services import shared

BATCH = 500
CLOCK_FIELDS = tuple(f.name for f in WorkOrderClock._meta.concrete_fields)
# What the marks, events and notices read of a clock's order, and the order's relations they
# follow (whole rows): building each claimed order with all its columns cost more than the
# rest of a batch's Python. A field read and not listed here costs a query per order, which
# the scan's statement-count tests catch.
ORDER_FIELDS = ("tenant", "number", "summary", "escalation_level", "handler", "department",
                "org_unit", "community__name", "community__tenant", "community__org_unit")


@dataclass
class ScanResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0


def _claim(queryset, field: str, now: dt.datetime, after: dt.datetime | None,
           related: tuple[str, ...]) -> list[WorkOrderClock]:
    """The next batch of clocks due by ``field`` (from ``after`` on, the time of the last
    clock claimed) with their orders, locked for the caller's transaction; a clock or order
    locked by another transaction is skipped.

    Ordered by ``field`` alone, the order of its partial index, so the database reads no
    further than the batch; ties are put in ``pk`` order here. (Ordered by ``field, pk``,
    the database sorted every due clock for each batch whenever it expected few of them.)"""
    claimable = queryset.filter(**{f"{field}__lte": now})
    if after is not None:
        claimable = claimable.filter(**{f"{field}__gte": after})
    batch = list(claimable.select_for_update(skip_locked=True, of=("self", "work_order"))
                 .select_related("work_order", *(f"work_order__{r}" for r in related))
                 .only(*CLOCK_FIELDS, *(f"work_order__{f}" for f in ORDER_FIELDS))
                 .order_by(field)[:BATCH])
    return sorted(batch, key=lambda clock: (getattr(clock, field), clock.pk))


def _in_batches(queryset, field: str, now: dt.datetime, mark, result: ScanResult,
                related: tuple[str, ...]) -> None:
    """Claim and ``mark`` batch after batch, each in its own transaction. A marked clock no
    longer matches, but its entry stays in the partial index until vacuum: each claim starts
    at the last time claimed, so it does not read past every clock marked before. A clock
    passed over because it was locked is the next scan's."""
    after = None
    while True:
        with transaction.atomic():
            batch = _claim(queryset, field, now, after, related)
            if not batch:
                return
            after = getattr(batch[-1], field)
            mark(batch, now, result)


def sla_scan(*, now: dt.datetime | None = None) -> ScanResult:
    now = now or timezone.now()
    result = ScanResult()
    running = WorkOrderClock.objects.filter(state=ClockState.RUNNING)  # scoped-query-ok: job
    with acting(None, Channel.JOB):
        _in_batches(running.filter(warned_at__isnull=True), "warn_at", now, _warn, result,
                    ("community", "handler"))
        _in_batches(running.filter(breached_at__isnull=True), "due_at", now, _breach, result,
                    ("community", "department", "org_unit"))
        _in_batches(running.filter(escalate_at__isnull=False), "escalate_at", now,
                    _escalate_to_managers, result, ("community__org_unit",))
    return result


def _warn(batch: list[WorkOrderClock], now: dt.datetime, result: ScanResult) -> None:
    WorkOrderClock.objects.filter(pk__in=[c.pk for c in batch]).update(warned_at=now)
    result.warned += len(batch)
    shared.tell_users_all("servicedesk.clock_warning", [
        (clock.work_order, [clock.work_order.handler], f"warn:{clock.pk}",
         {"clock": ClockKind(clock.kind).label,
          "due": timezone.localtime(clock.due_at).strftime("%m-%d %H:%M")})
        for clock in batch])


def _breach(batch: list[WorkOrderClock], now: dt.datetime, result: ScanResult) -> None:
    """Mark the batch breached, record each breach and raise the orders to line 2 (the
    department supervisor)."""
    for clock in batch:
        span = clock.due_at - clock.started_at - dt.timedelta(seconds=clock.paused_seconds)
        clock.breached_at = now
        clock.escalate_at = clock.due_at + max(span, dt.timedelta(minutes=1))
    _mark_breached(batch, now)
    result.breached += len(batch)
    raised = _raise_lines(batch, 2)
    events = []
    for clock in batch:
        events.append(event_for(clock.work_order, "work_order.breached",
                                new=ClockKind(clock.kind).label, data={"clock": clock.kind}))
        if clock.pk in raised:
            events.append(raised[clock.pk])
    record_events(events)
    _tell_escalated(batch, raised, 2, shared.supervisors_of_each, "breach", result)


def _escalate_to_managers(batch: list[WorkOrderClock], now: dt.datetime,
                          result: ScanResult) -> None:
    WorkOrderClock.objects.filter(pk__in=[c.pk for c in batch]).update(escalate_at=None)
    raised = _raise_lines(batch, 3)
    record_events(list(raised.values()))
    _tell_escalated(batch, raised, 3, shared.managers_of_each, "manager", result)


def _mark_breached(batch: list[WorkOrderClock], now: dt.datetime) -> None:
    """Write the batch's breach marks in one UPDATE. It is the statement ``bulk_update``
    builds (a CASE over the clocks), written out: ``bulk_update`` spent a quarter of a second
    per batch resolving an expression per clock."""
    ops, quote = connection.ops, connection.ops.quote_name
    meta = WorkOrderClock._meta
    breached, escalate = meta.get_field("breached_at"), meta.get_field("escalate_at")
    value = (f"CAST(%s AS {escalate.db_type(connection)})"
             if connection.features.requires_casted_case_in_updates else "%s")
    pk = quote(meta.pk.column)
    params: list = [ops.adapt_datetimefield_value(now)]
    for clock in batch:
        params += [clock.pk, ops.adapt_datetimefield_value(clock.escalate_at)]
    params += [clock.pk for clock in batch]
    cases = " ".join([f"WHEN %s THEN {value}"] * len(batch))
    marks = ", ".join(["%s"] * len(batch))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(meta.db_table)} SET {quote(breached.column)} = %s, "  # noqa: S608 - names, not input
                       f"{quote(escalate.column)} = CASE {pk} {cases} END "
                       f"WHERE {pk} IN ({marks})", params)


def _raise_lines(batch: list[WorkOrderClock], line: int) -> dict[int, object]:
    """Raise the batch's orders to ``line`` in one statement, except those on it already (a
    condition of the UPDATE, not a read-modify-write: two scans at once cannot both raise an
    order, and a line never goes down). Returns, per clock that raised its order (the first
    of the order's clocks in the batch), the escalation event to record."""
    first: dict[int, WorkOrderClock] = {}
    for clock in batch:
        first.setdefault(clock.work_order_id, clock)
    quote = connection.ops.quote_name
    table, pk = quote(WorkOrder._meta.db_table), quote(WorkOrder._meta.pk.column)
    level = quote(WorkOrder._meta.get_field("escalation_level").column)
    marks = ", ".join(["%s"] * len(first))
    with connection.cursor() as cursor:
        # RETURNING (PostgreSQL, SQLite ≥ 3.35): exactly the orders this statement raised.
        cursor.execute(f"UPDATE {table} SET {level} = %s "  # noqa: S608 - names, not input
                       f"WHERE {pk} IN ({marks}) AND {level} < %s RETURNING {pk}",
                       [line, *first, line])
        changed = {row[0] for row in cursor.fetchall()}
    raised = {}
    for order_id, clock in first.items():
        if order_id in changed:
            order = clock.work_order
            raised[clock.pk] = event_for(order, "work_order.escalate",
                                         old=str(order.escalation_level), new=str(line))
            order.escalation_level = line
    return raised


def _tell_escalated(batch: list[WorkOrderClock], raised: dict, line: int, recipients_each,
                    dedup: str, result: ScanResult) -> None:
    """Tell ``recipients_each(orders)`` of every order the batch raised to ``line``."""
    clocks = [clock for clock in batch if clock.pk in raised]
    result.escalated += len(clocks)
    if not clocks:
        return
    recipients = recipients_each([clock.work_order for clock in clocks])
    shared.tell_users_all("servicedesk.work_order_escalated", [
        (clock.work_order, recipients[clock.work_order_id], f"{dedup}:{clock.pk}",
         {"line": line, "clock": ClockKind(clock.kind).label})
        for clock in clocks])
