"""Reads of the service-desk reports and dashboards (SVC-15).

Every figure counts work orders the viewer may see (``WorkOrder.objects.restrict``) that were
registered in the report's period (local days, start and end included) and, when chosen, in
one community. Each figure carries the filters of the order list that show exactly the rows
counted (``Cell.drill``): the same conditions (``narrow``) serve the count and the list, so a
drill-down cannot disagree with the number it came from.

The period is read over ``created_at`` as a range of aware datetimes (no per-row date
function), so the tenant + created_at index serves every report of a year. A report reads its
rows in as few passes as it can: one grouped query with conditional counts (``FILTER``) per
table, the orders' clocks and callbacks narrowed to the viewer's tenant (their tenant index)
before they are matched to the orders counted, no per-row subquery. On PostgreSQL a report
runs without JIT compilation and with room to count in memory (``core.planner``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import OrgUnit, User
from linli.core import reports
from linli.core.personal_data.masking import mask_phone
from linli.core.reports import (
    Cell,
    Report,
    Row,
    Section,
    midnight,
    percent,
)
from linli.core.scope import scope_for
from linli.directory.models import Community
from linli.servicedesk.choices import (
    CallbackStatus,
    ClockKind,
    ClockState,
    IntakeChannel,
    OrderType,
    ReviewStatus,
    Severity,
)
from linli.servicedesk.models import Callback, Category, WorkOrder, WorkOrderClock
from linli.servicedesk.states import AFTER_WORK, OPEN, WORKING, Status

DUE_SOON = dt.timedelta(hours=2)
REPEAT_ROWS = 50
# The complaint register is a list: a year of a tenant's complaints is read a page at a time.
REGISTER_PAGE_SIZE = 200

# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period(reports.Period):
    """Local days ``start`` … ``end`` (both included), optionally one community."""

    community: int | None = None

    def drill(self) -> dict[str, str]:
        found = {"created_from": self.start.isoformat(), "created_to": self.end.isoformat()}
        if self.community:
            found["community"] = str(self.community)
        return found


def period_check(start: dt.date | None, end: dt.date | None,
                 community: int | None = None) -> Period:
    """The period asked for, or a ValidationError naming the field at fault (``start`` or
    ``end``); a missing day takes the default period's (this month so far)."""
    return Period(*reports.days_check(start, end), community)


# --- conditions shared by the counts and the drill-down ---------------------------------------

def clock_condition(state: str, now: dt.datetime) -> Q:
    """A clock's outcome as the SLA report counts it: ``met``, ``breached`` (missed, marked
    breached, or running past its due time) or ``running`` (not yet due)."""
    live = Q(state__in=[ClockState.RUNNING, ClockState.PAUSED])
    breached = (Q(state=ClockState.MISSED) | (live & Q(breached_at__isnull=False))
                | Q(state=ClockState.RUNNING, due_at__lte=now))
    if state == "met":
        return Q(state=ClockState.MET)
    if state == "breached":
        return breached
    return live & ~breached


CLOCK_STATES = {"met": _("Met"), "breached": _("Breached"),
                "running": _("Still running")}


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str | Promise
    low: dt.timedelta | None
    high: dt.timedelta | None

    def condition(self, end: str, start: str) -> Q:
        q = Q(**{f"{end}__isnull": False})
        if self.low is not None:
            q &= Q(**{f"{end}__gte": F(start) + self.low})
        if self.high is not None:
            q &= Q(**{f"{end}__lt": F(start) + self.high})
        return q


H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
D = dt.timedelta(days=1)
RESPONSE_BUCKETS = [
    Bucket("15m", _("Within 15 minutes"), None, 15 * M),
    Bucket("30m", _("15–30 minutes"), 15 * M, 30 * M),
    Bucket("1h", _("30–60 minutes"), 30 * M, H),
    Bucket("4h", _("1–4 hours"), H, 4 * H),
    Bucket("24h", _("4–24 hours"), 4 * H, D),
    Bucket("more", _("More than a day"), D, None),
]
RESOLUTION_BUCKETS = [
    Bucket("2h", _("Within 2 hours"), None, 2 * H),
    Bucket("8h", _("2–8 hours"), 2 * H, 8 * H),
    Bucket("24h", _("8–24 hours"), 8 * H, D),
    Bucket("3d", _("1–3 days"), D, 3 * D),
    Bucket("7d", _("3–7 days"), 3 * D, 7 * D),
    Bucket("more", _("More than 7 days"), 7 * D, None),
]
# Backlog ageing by local days since registration: (key, label, fewest days, most days).
AGE_BUCKETS = [
    ("0", _("Registered today"), 0, 0),
    ("1", _("1–2 days"), 1, 2),
    ("3", _("3–6 days"), 3, 6),
    ("7", _("7–29 days"), 7, 29),
    ("30", _("30 days or more"), 30, None),
]
CALLBACK_STATES = {
    "done": (_("Called back"), Q(status=CallbackStatus.DONE)),
    "gave_up": (_("Not reached, given up"), Q(status=CallbackStatus.GAVE_UP)),
    "pending": (_("Waiting for the callback"),
                Q(status__in=[CallbackStatus.DUE, CallbackStatus.RETRY])),
}


def _bucket(buckets: list[Bucket], key: str) -> Bucket | None:
    return next((b for b in buckets if b.key == key), None)


def _has_clock(kind: str, condition: Q) -> Exists:
    return Exists(WorkOrderClock.objects.filter(work_order=OuterRef("pk"), kind=kind)
                  .filter(condition))


def _has_callback(condition: Q) -> Exists:
    return Exists(Callback.objects.filter(work_order=OuterRef("pk")).filter(condition))


def _clock_breached_now(now: dt.datetime) -> Q:
    """A clock that makes its order breached now: missed, or running and marked breached
    or past its due time."""
    return (Q(state=ClockState.MISSED) | Q(state=ClockState.RUNNING, breached_at__isnull=False)
            | Q(state=ClockState.RUNNING, due_at__lte=now))


def _breached_now(now: dt.datetime) -> Exists:
    return Exists(WorkOrderClock.objects.filter(work_order=OuterRef("pk"))
                  .filter(_clock_breached_now(now)))


def _due_soon(now: dt.datetime) -> Q:
    # The orders among the few clocks due in the next hours (read once by the running-due
    # index), not a search per order: correlated to each order, PostgreSQL scanned that
    # index for every order of the page.
    return Q(pk__in=WorkOrderClock.objects.filter(
        state=ClockState.RUNNING, breached_at__isnull=True, due_at__gt=now,
        due_at__lte=now + DUE_SOON).values("work_order_id"))


def narrow(qs: QuerySet[WorkOrder], filters: dict) -> QuerySet[WorkOrder]:
    """The order list's drill-down filters (a report figure or a dashboard tile): the same
    conditions the figures count with."""
    now = timezone.now()
    if filters.get("category"):
        category = str(filters["category"])
        qs = (qs.filter(category__isnull=True) if category == "none"
              else qs.filter(category_id=int(category)))
    kind, state = filters.get("clock"), filters.get("clock_state")
    if kind in ClockKind.values and state in CLOCK_STATES:
        qs = qs.filter(_has_clock(kind, clock_condition(state, now)))
    bucket = _bucket(RESPONSE_BUCKETS, str(filters.get("response") or ""))
    if bucket is not None:
        qs = qs.filter(_has_clock(ClockKind.RESPONSE, bucket.condition("stopped_at",
                                                                        "started_at")))
    if filters.get("resolution") == "unresolved":
        qs = qs.filter(resolved_at__isnull=True)
    if filters.get("resolution") == "resolved":
        qs = qs.filter(resolved_at__isnull=False)
    bucket = _bucket(RESOLUTION_BUCKETS, str(filters.get("resolution") or ""))
    if bucket is not None:
        qs = qs.filter(bucket.condition("resolved_at", "created_at"))
    if filters.get("callback") in CALLBACK_STATES:
        qs = qs.filter(_has_callback(CALLBACK_STATES[filters["callback"]][1]))
    if filters.get("satisfaction"):
        qs = qs.filter(_has_callback(Q(status=CallbackStatus.DONE,
                                       satisfaction=int(filters["satisfaction"]))))
    if filters.get("phone"):
        qs = qs.filter(person__isnull=True, caller_phone=filters["phone"])
    if filters.get("breached"):
        qs = qs.filter(status__in=OPEN).filter(_breached_now(now))
    if filters.get("due_soon"):
        qs = qs.filter(status__in=OPEN).filter(_due_soon(now))
    if filters.get("no_handler"):
        qs = qs.filter(status__in=WORKING, department__isnull=False, handler__isnull=True)
    if filters.get("review"):
        qs = qs.filter(review_status=filters["review"])
    if filters.get("after_work"):
        qs = qs.filter(status__in=AFTER_WORK)
    if filters.get("formal"):
        qs = qs.filter(is_formal=True)
    return qs


# --- reading ------------------------------------------------------------------------------

def _orders(user, period: Period) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.restrict(user, "view").filter(created_at__gte=period.since,
                                                         created_at__lt=period.until)
    if period.community:
        qs = qs.filter(community_id=period.community)
    return qs.order_by()


def _of_orders(model, user, orders: QuerySet[WorkOrder]) -> QuerySet:
    """The clocks or callbacks (``model``) of ``orders``. They are of the viewer's tenant, as
    the orders are: saying so lets the database read them by their tenant's index instead of
    the whole table."""
    scope = scope_for(user)
    if scope is None:
        return model.objects.none()
    return model.objects.filter(tenant_id=scope.tenant_id,  # scoped-query-ok: of ``orders``
                                work_order__in=orders.values("pk"))


def _drill(period: Period, **more) -> dict[str, str]:
    return {**period.drill(), **{k: str(v) for k, v in more.items()}}


def _counted(qs: QuerySet, key: str, label_of, drill_of, section: Section) -> Section:
    for row in qs:
        value = row[key]
        section.rows.append(Row(str(value), label_of(row), [Cell(row["n"], drill_of(value))]))
    return section


VOLUME_DIMENSIONS = ("order_type", "category_id", "community_id", "channel", "day")


def _volume_counts(orders: QuerySet[WorkOrder]) -> dict[str, dict]:
    """The orders per type, category, community, channel and local day (per dimension, value
    → count), and the names of the communities counted (``community_names``). On PostgreSQL
    in one pass over the rows (GROUPING SETS: each row counted in every dimension at once);
    elsewhere one grouped query per dimension."""
    dims = VOLUME_DIMENSIONS
    rows = orders.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
    if connection.vendor != "postgresql":
        counts = {d: dict(rows.values_list(d).annotate(n=Count("pk")).order_by())
                  for d in dims if d != "community_id"}
        per_community = list(rows.values_list("community_id", "community__name").annotate(
            n=Count("pk")).order_by())
        counts["community_id"] = {key: n for key, _name, n in per_community}
        counts["community_names"] = {key: name for key, name, _n in per_community}
        return counts
    sql, params = rows.values(*dims).query.sql_with_params()
    columns = ", ".join(connection.ops.quote_name(d) for d in dims)
    sets = ", ".join(f"({connection.ops.quote_name(d)})" for d in dims)
    counts: dict[str, dict] = {d: {} for d in dims}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, GROUPING({columns}), COUNT(*) FROM ({sql}) AS o "  # noqa: S608 (names are ours)
                       f"GROUP BY GROUPING SETS ({sets})", params)
        for *values, grouping, n in cursor.fetchall():
            # GROUPING() sets the bit of each column the row is not grouped on (the first
            # column the highest bit): the one bit left clear names the row's dimension.
            i = next(i for i in range(len(dims)) if not grouping >> (len(dims) - 1 - i) & 1)
            counts[dims[i]][values[i]] = n
    counts["community_names"] = dict(Community.objects.filter(  # scoped-query-ok: counted
        pk__in=list(counts["community_id"])).order_by().values_list("pk", "name"))
    return counts


def volume(user, period: Period) -> Report:
    orders = _orders(user, period)
    counted = _volume_counts(orders)
    by_type = counted["order_type"]
    types = Section("type", _("By type"), [("orders", _("Orders"))], chart="pie")
    types.rows = [Row(t.value, str(t.label), [Cell(by_type[t.value],
                                                    _drill(period, order_type=t.value))])
                  for t in OrderType if by_type.get(t.value)]
    categories = Section("category", _("By category"), [("orders", _("Orders"))])
    # Most orders first, then by id (no category last).
    counts = [{"category_id": key, "n": n} for key, n in sorted(
        counted["category_id"].items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or 0))]
    names = {c.pk: str(c) for c in Category.objects.filter(
        pk__in=[r["category_id"] for r in counts if r["category_id"]]).select_related("parent")}
    _counted(counts, "category_id",
             lambda r: names.get(r["category_id"], "") if r["category_id"]
             else str(_("No category")),
             lambda v: _drill(period, category=v or "none"), categories)
    community_names = counted["community_names"]
    # Most orders first, then by name (the names' code points, as on PostgreSQL's C
    # collation).
    communities = _counted(
        sorted(({"community_id": key, "community__name": community_names.get(key, ""), "n": n}
                for key, n in counted["community_id"].items()),
               key=lambda r: (-r["n"], r["community__name"])),
        "community_id", lambda r: r["community__name"],
        lambda v: {**period.drill(), "community": str(v)},
        Section("community", _("By community"), [("orders", _("Orders"))]))
    by_channel = counted["channel"]
    channels = Section("channel", _("By channel"), [("orders", _("Orders"))],
                       chart="pie")
    channels.rows = [Row(c.value, str(c.label), [Cell(by_channel[c.value],
                                                       _drill(period, channel=c.value))])
                     for c in IntakeChannel if by_channel.get(c.value)]
    per_day = counted["day"]
    days = Section("day", _("By day"), [("orders", _("Orders"))], chart="line")
    day = period.start
    while day <= period.end:
        n = per_day.get(day, 0)
        drill = {**_drill(period), "created_from": day.isoformat(),
                 "created_to": day.isoformat()}
        days.rows.append(Row(day.isoformat(), day.isoformat(), [Cell(n, drill if n else None)]))
        day += dt.timedelta(days=1)
    total = sum(by_type.values())
    return Report("volume", _("Volume"), period,
                  [types, categories, communities, channels, days],
                  [(_("Orders registered"), total)])


def sla(user, period: Period) -> Report:
    now = timezone.now()
    clocks = _of_orders(WorkOrderClock, user, _orders(user, period))
    counts = clocks.values("kind").annotate(**{
        state: Count("pk", filter=clock_condition(state, now)) for state in CLOCK_STATES
    }).order_by()
    by_kind = {row["kind"]: row for row in counts}
    section = Section("clocks", _("Service levels per clock"),
                      [(key, label) for key, label in CLOCK_STATES.items()], chart="stack")
    figures = []
    for kind in ClockKind:
        row = by_kind.get(kind.value)
        if row is None:
            continue
        section.rows.append(Row(kind.value, str(kind.label), [
            Cell(row[state], _drill(period, clock=kind.value, clock_state=state)
                 if row[state] else None) for state in CLOCK_STATES]))
        decided = row["met"] + row["breached"]
        figures.append((kind.label, percent(row["met"], decided)))
    section.note = _("Compliance: met among the clocks that are met or breached.")
    return Report("sla", _("Service-level compliance"), period, [section], figures)


def times(user, period: Period) -> Report:
    orders = _orders(user, period)
    responses = _of_orders(WorkOrderClock, user, orders).filter(kind=ClockKind.RESPONSE)
    counted = responses.aggregate(**{
        b.key: Count("pk", filter=b.condition("stopped_at", "started_at"))
        for b in RESPONSE_BUCKETS})
    response = Section("response", _("First response"), [("orders", _("Orders"))])
    response.rows = [Row(b.key, str(b.label), [Cell(counted[b.key], _drill(
        period, response=b.key) if counted[b.key] else None)]) for b in RESPONSE_BUCKETS]
    counted = orders.aggregate(
        unresolved=Count("pk", filter=Q(resolved_at__isnull=True)),
        **{b.key: Count("pk", filter=b.condition("resolved_at", "created_at"))
           for b in RESOLUTION_BUCKETS})
    resolution = Section("resolution", _("Resolution"), [("orders", _("Orders"))])
    resolution.rows = [Row(b.key, str(b.label), [Cell(counted[b.key], _drill(
        period, resolution=b.key) if counted[b.key] else None)]) for b in RESOLUTION_BUCKETS]
    resolution.rows.append(Row("unresolved", str(_("Not resolved yet")), [Cell(
        counted["unresolved"], _drill(period, resolution="unresolved")
        if counted["unresolved"] else None)]))
    response.note = _("From the start of the first-response clock to the response.")
    resolution.note = _("From registration to resolution.")
    return Report("times", _("Response and resolution times"), period,
                  [response, resolution])


def backlog(user, period: Period) -> Report:
    """Open orders now, by local days since registration (the period's days do not apply:
    the backlog is what is open today, in the chosen community)."""
    today = timezone.localdate()
    qs = WorkOrder.objects.restrict(user, "view").filter(status__in=OPEN).order_by()
    if period.community:
        qs = qs.filter(community_id=period.community)
    ranges = {}
    for key, _label, fewest, most in AGE_BUCKETS:
        newest = today - dt.timedelta(days=fewest)
        condition = Q(created_at__lt=midnight(newest + dt.timedelta(days=1)))
        oldest = None
        if most is not None:
            oldest = today - dt.timedelta(days=most)
            condition &= Q(created_at__gte=midnight(oldest))
        ranges[key] = (condition, oldest, newest)
    counted = qs.aggregate(**{key: Count("pk", filter=c) for key, (c, _o, _n) in ranges.items()})
    section = Section("age", _("Open orders by age"), [("orders", _("Open orders"))])
    for key, label, _fewest, _most in AGE_BUCKETS:
        _c, oldest, newest = ranges[key]
        drill = {"open": "on", "created_to": newest.isoformat()}
        if oldest is not None:
            drill["created_from"] = oldest.isoformat()
        if period.community:
            drill["community"] = str(period.community)
        section.rows.append(Row(key, str(label), [Cell(counted[key],
                                                       drill if counted[key] else None)]))
    section.note = _("Orders open today, whatever the period.")
    return Report("backlog", _("Backlog ageing"), period, [section],
                  [(_("Open orders"), sum(counted.values()))])


def callbacks(user, period: Period) -> Report:
    orders = _orders(user, period)
    # Orders with a callback in each state, counted over the callbacks' rows in one pass (the
    # drill-down asks the same of each order: is there such a callback).
    called = _of_orders(Callback, user, orders)
    done = Q(status=CallbackStatus.DONE, satisfaction__isnull=False)
    counted = called.aggregate(
        **{key: Count("work_order_id", distinct=True, filter=condition)
           for key, (_label, condition) in CALLBACK_STATES.items()},
        **{f"score_{score}": Count("work_order_id", distinct=True,
                                   filter=done & Q(satisfaction=score))
           for score in range(1, 6)},
        average=Avg("satisfaction", filter=done))
    counted["resolved"] = orders.filter(resolved_at__isnull=False).count()
    states = Section("callbacks", _("Callbacks"), [("orders", _("Orders"))],
                     chart="pie")
    states.rows = [Row(key, str(label), [Cell(counted[key], _drill(period, callback=key)
                                              if counted[key] else None)])
                   for key, (label, _c) in CALLBACK_STATES.items()]
    scores = {score: counted[f"score_{score}"] for score in range(1, 6)}
    average = counted["average"]
    satisfaction = Section("satisfaction", _("Satisfaction"), [("orders", _("Orders"))])
    satisfaction.rows = [Row(str(score), f"{score} ★", [Cell(
        scores.get(score, 0), _drill(period, satisfaction=score) if scores.get(score) else None)])
        for score in range(5, 0, -1)]
    asked = counted["done"] + counted["gave_up"] + counted["pending"]
    return Report("callbacks", _("Callbacks and satisfaction"), period,
                  [states, satisfaction], [
                      (_("Resolved orders"), counted["resolved"]),
                      (_("Callback rate"), percent(counted["done"], asked)),
                      (_("Average satisfaction"),
                       f"{average:.2f}" if average is not None else "—")])


def repeats(user, period: Period) -> Report:
    """Callers with more than one complaint in the period (by person, else by phone)."""
    complaints = _orders(user, period).filter(order_type=OrderType.COMPLAINT)
    people = Section("people", _("Repeat complainants"), [
        ("complaints", _("Complaints")), ("formal", _("Formal complaints"))], chart="")
    rows = list(complaints.filter(person__isnull=False)
                .values("person_id", "person__name")
                .annotate(n=Count("pk"), formal=Count("pk", filter=Q(is_formal=True)))
                .filter(n__gt=1).order_by("-n", "person__name")[:REPEAT_ROWS])
    for row in rows:
        drill = _drill(period, order_type=OrderType.COMPLAINT, person=row["person_id"])
        people.rows.append(Row(str(row["person_id"]), row["person__name"], [
            Cell(row["n"], drill),
            Cell(row["formal"], {**drill, "formal": "on"} if row["formal"] else None)]))
    phones = (complaints.filter(person__isnull=True).exclude(caller_phone="")
              .values("caller_phone")
              .annotate(n=Count("pk"), formal=Count("pk", filter=Q(is_formal=True)))
              .filter(n__gt=1).order_by("-n", "caller_phone")[:REPEAT_ROWS])
    for row in phones:
        drill = _drill(period, order_type=OrderType.COMPLAINT, phone=row["caller_phone"])
        people.rows.append(Row("", mask_phone(row["caller_phone"]), [
            Cell(row["n"], drill),
            Cell(row["formal"], {**drill, "formal": "on"} if row["formal"] else None)]))
    totals = complaints.aggregate(n=Count("pk"), formal=Count("pk", filter=Q(is_formal=True)))
    return Report("repeats", _("Repeat complaints"), period, [people], [
        (_("Complaints"), totals["n"]),
        (_("From repeat complainants"), sum(r.cells[0].value for r in people.rows)),
        (_("Formal complaints"), totals["formal"])])


WORKLOAD_COLUMNS = [("received", _("Received")), ("resolved", _("Resolved")),
                    ("open", _("Still open")), ("breached", _("Breached now"))]


def _breached_orders(user, orders: QuerySet[WorkOrder], now) -> QuerySet:
    """The ids of the open ones among ``orders`` that have a clock breached now (the
    dashboards' ``_breached_now``), read once for all the rows."""
    return (_of_orders(WorkOrderClock, user, orders.filter(status__in=OPEN))
            .filter(_clock_breached_now(now)).values("work_order_id"))


def _workload_rows(rows: dict, key: int, name: str, counts: dict) -> None:
    row = rows.setdefault(key, {"name": name, **dict.fromkeys(counts, 0)})
    for column, n in counts.items():
        row[column] += n


def _workload_section(rows: dict, period: Period, section: Section,
                      filter_name: str) -> Section:
    # Most received first, then by name (the names' code points, as on PostgreSQL's C
    # collation).
    for key, row in sorted(rows.items(), key=lambda kv: (-kv[1]["received"], kv[1]["name"])):
        base = _drill(period, **{filter_name: key})
        drills = {"received": base, "resolved": {**base, "resolution": "resolved"},
                  "open": {**base, "open": "on"}, "breached": {**base, "breached": "on"}}
        section.rows.append(Row(str(key), row["name"], [
            Cell(row[column], drills[column] if row[column] else None)
            for column, _label in WORKLOAD_COLUMNS]))
    return section


def workload(user, period: Period) -> Report:
    """Received, resolved, open and breached orders per department and per person, in one
    pass: the orders counted per (department, handler) pair, summed up each way here."""
    now = timezone.now()
    orders = _orders(user, period)
    live = Q(status__in=OPEN)
    # Grouped by the ids alone (joining the names to every row cost as much as the counting);
    # the few names are read after.
    pairs = list(orders.values("department_id", "handler_id")
                 .annotate(received=Count("pk"),
                           resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
                           open=Count("pk", filter=live),
                           breached=Count("pk", filter=live & Q(
                               pk__in=_breached_orders(user, orders, now)))))
    department_names = dict(OrgUnit.objects.filter(  # scoped-query-ok: the orders' own
        pk__in={p["department_id"] for p in pairs if p["department_id"]}
    ).values_list("pk", "name"))
    handler_names = dict(User.objects.filter(  # scoped-query-ok: the orders' own
        pk__in={p["handler_id"] for p in pairs if p["handler_id"]}
    ).values_list("pk", "display_name"))
    departments: dict = {}
    people: dict = {}
    undispatched = 0
    for pair in pairs:
        counts = {column: pair[column] for column, _label in WORKLOAD_COLUMNS}
        if pair["department_id"] is None:
            undispatched += pair["received"]
        else:
            _workload_rows(departments, pair["department_id"],
                           department_names.get(pair["department_id"]) or "", counts)
        if pair["handler_id"] is not None:
            _workload_rows(people, pair["handler_id"],
                           handler_names.get(pair["handler_id"]) or "", counts)
    return Report("workload", _("Workload"), period, [
        _workload_section(departments, period,
                          Section("department", _("Per department"), WORKLOAD_COLUMNS),
                          "department"),
        _workload_section(people, period, Section("person", _("Per person"), WORKLOAD_COLUMNS),
                          "handler")], [(_("Not dispatched"), undispatched)])


def complaint_register(user, period: Period) -> QuerySet[WorkOrder]:
    """The complaints registered in the period, oldest first, for the monthly register."""
    from django.db.models import Subquery

    # The score of the last callback made (a subquery: a join would group every column).
    score = (Callback.objects.filter(work_order=OuterRef("pk"), status=CallbackStatus.DONE)
             .order_by("-called_at", "-pk").values("satisfaction")[:1])
    return (_orders(user, period).filter(order_type=OrderType.COMPLAINT)
            .select_related("community", "unit", "department")
            # The columns the register shows: a year's complaints load quickly.
            .only("pk", "tenant_id", "org_unit_id", "number", "created_at", "caller_name",
                  "summary", "severity", "is_formal", "status", "resolved_at",
                  "community__name", "unit__room_code", "department__name")
            .annotate(satisfaction=Subquery(score))
            .order_by("created_at", "pk"))


def _local_minute(moment: dt.datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def register(user, period: Period, page: int | str | None = 1) -> Report:
    """The complaint register as a report: page ``page`` of its rows (Django's ``get_page``: a
    page past the last gives the last, one that is not a number the first), for the screen and
    the API; every row when ``page`` is None, for the
    export."""
    section = Section("complaints", _("Complaint register"), [
        ("registered", _("Registered")), ("caller", _("Caller")),
        ("community", _("Community · room")), ("summary", _("Summary")),
        ("severity", _("Severity")), ("formal", _("Formal complaint")),
        ("department", _("Department")), ("status", _("Status")),
        ("resolved", _("Resolved")), ("satisfaction", _("Satisfaction"))], chart="")
    # A year's complaints are thousands of rows: read as tuples, each label translated once.
    severities = {value: str(label) for value, label in Severity.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    yes = str(_("Yes"))
    zone = timezone.get_current_timezone()
    complaints, paging = complaint_register(user, period), None
    if page is not None:
        # Counted over the orders alone (the joins of the columns come with the page's rows).
        paging = Paginator(complaints, REGISTER_PAGE_SIZE).get_page(page)
        complaints = paging.object_list
    rows = complaints.values_list(
        "pk", "number", "created_at", "caller_name", "community__name", "unit_id",
        "unit__room_code", "summary", "severity", "is_formal", "department_id",
        "department__name", "status", "resolved_at", "satisfaction")
    for (pk, number, created_at, caller, community, unit_id, room_code, summary, severity,
         formal, department_id, department, status, resolved_at, satisfaction) in rows:
        room = f" {room_code}" if unit_id else ""
        section.rows.append(Row(str(pk), number, [
            Cell(_local_minute(created_at, zone)),
            Cell(caller),
            Cell(community + room),
            Cell(summary),
            Cell(severities[severity] if severity else ""),
            Cell(yes if formal else ""),
            Cell(department if department_id else ""),
            Cell(statuses[status]),
            Cell(_local_minute(resolved_at, zone) if resolved_at else ""),
            Cell(satisfaction)]))
    if paging is None:
        return Report("register", _("Complaint register"), period, [section],
                      [(_("Complaints"), len(section.rows))])
    # The page holds the rows read above, so that showing it reads nothing again.
    paging.object_list = section.rows
    section.paging = paging
    return Report("register", _("Complaint register"), period, [section],
                  [(_("Complaints"), paging.paginator.count)])


REPORTS = {
    "volume": volume, "sla": sla, "times": times, "backlog": backlog,
    "callbacks": callbacks, "repeats": repeats, "workload": workload, "register": register,
}
REPORT_TITLES = {
    "volume": _("Volume"), "sla": _("Service-level compliance"),
    "times": _("Response and resolution times"), "backlog": _("Backlog ageing"),
    "callbacks": _("Callbacks and satisfaction"), "repeats": _("Repeat complaints"),
    "workload": _("Workload"), "register": _("Complaint register"),
}


# The reports that list rows rather than count them, read a page at a time.
PAGED = {"register"}


def report(user, key: str, period: Period, *, page: int | str | None = 1) -> Report:
    """Report ``key``; a listing report (``PAGED``) holds page ``page`` of its rows, or all of
    them when ``page`` is None."""
    return reports.run(REPORTS, PAGED, user, key, period, page)


# --- dashboards ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Tile:
    key: str
    label: str | Promise
    count: int
    url: str
    colour: str


ROLES = ("frontdesk", "dispatcher", "supervisor", "manager")
ROLE_PERMISSIONS = {"manager": "servicedesk.approve_workorder",
                    "supervisor": "servicedesk.assign_workorder",
                    "frontdesk": "servicedesk.callback_workorder",
                    "dispatcher": "servicedesk.dispatch_workorder"}


def dashboard_roles(user) -> list[str]:
    """The dashboards the user may open, the one of their widest role first."""
    # The front desk dispatches too; the dispatcher does not call customers back.
    order = ("manager", "supervisor", "frontdesk", "dispatcher")
    return [role for role in order if user.has_perm(ROLE_PERMISSIONS[role])]


def dashboard_counts(user, community: int | None = None) -> dict[str, int]:
    """Everything a dashboard tile counts, in two queries over the open orders in sight and
    the callbacks due."""
    now = timezone.now()
    today = timezone.localdate()
    orders = WorkOrder.objects.restrict(user, "view").order_by()
    callbacks = Callback.objects.restrict(user, "view").filter(
        status__in=[CallbackStatus.DUE, CallbackStatus.RETRY])
    if community:
        orders = orders.filter(community_id=community)
        callbacks = callbacks.filter(work_order__community_id=community)
    live = Q(status__in=OPEN)
    counts = orders.filter(Q(status__in=OPEN | AFTER_WORK) | Q(created_at__gte=midnight(today))
                           ).aggregate(
        breached=Count("pk", filter=live & Q(_breached_now(now))),
        due_soon=Count("pk", filter=live & _due_soon(now)),
        unassigned=Count("pk", filter=Q(status__in=OPEN - {Status.QUARANTINED},
                                        department__isnull=True)),
        no_handler=Count("pk", filter=Q(status__in=WORKING, department__isnull=False,
                                        handler__isnull=True)),
        quarantined=Count("pk", filter=Q(status=Status.QUARANTINED)),
        waiting=Count("pk", filter=Q(status=Status.WAITING)),
        after_work=Count("pk", filter=Q(status__in=AFTER_WORK)),
        review=Count("pk", filter=Q(review_status=ReviewStatus.PENDING)),
        formal=Count("pk", filter=live & Q(is_formal=True)),
        today=Count("pk", filter=Q(created_at__gte=midnight(today))),
        open=Count("pk", filter=live),
    )
    end_of_today = midnight(today + dt.timedelta(days=1))
    counts["callbacks_due"] = callbacks.filter(due_at__lt=end_of_today).count()
    return counts


def dashboard_orders(user, role: str, community: int | None = None,
                     limit: int = 10) -> list[WorkOrder]:
    """The orders the role acts on first: open ones by their next due time (breaches
    first); a supervisor's those in their departments without a worker first."""
    from linli.servicedesk.selectors import queue_list

    filters: dict = {"community": community} if community else {}
    if role == "dispatcher":
        filters["unassigned"] = True
    qs = queue_list(user, filters)
    if role == "supervisor":
        qs = qs.filter(department__isnull=False)
    return list(qs[:limit])


def dashboard_load(user, community: int | None = None) -> list[dict]:
    """Open orders per worker in sight (a supervisor's team), most loaded first."""
    now = timezone.now()
    qs = WorkOrder.objects.restrict(user, "view").filter(status__in=OPEN,
                                                          handler__isnull=False)
    if community:
        qs = qs.filter(community_id=community)
    return list(qs.values("handler_id", "handler__display_name", "handler__username")
                .annotate(open=Count("pk"), breached=Count("pk", filter=Q(_breached_now(now))))
                .order_by("-open", "handler__display_name")[:20])
