"""What the service-desk writers share: permission checks, the row lock, order numbers, the
clocks of an order, and the notices sent to handlers, supervisors and complainants."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import PATH_STEP, Membership, User
from linli.core.calendar.selectors import calendar_for
from linli.core.notifications.services import Address, Notice, notify, notify_all
from linli.servicedesk import selectors, sla
from linli.servicedesk.choices import ClockKind, ClockState
from linli.servicedesk.models import OrderSequence, WorkOrder, WorkOrderClock

SMS = "sms"
IN_APP = "in_app"


def require_any(actor, permissions: tuple[str, ...], obj) -> None:
    """System calls (actor None) may do anything; a user needs one of the permissions at
    ``obj``'s org unit."""
    if actor is None:
        return
    if not any(actor.has_perm(f"servicedesk.{p}", obj) for p in permissions):
        raise PermissionDenied(_("You do not have permission to do this."))


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def lock(order: WorkOrder) -> WorkOrder:
    """The order's row, locked for this transaction (a no-op on SQLite, whose writers are
    serialised by ``BEGIN IMMEDIATE``). The related rows the caller read with ``order``
    (its community, handler, service level …) stay on the locked row while it still points
    at them, so a move does not read them again."""
    locked = WorkOrder.objects.select_for_update().get(pk=order.pk)  # scoped-query-ok: caller
    for relation in WorkOrder._meta.concrete_fields:
        if (relation.is_relation and relation.is_cached(order)
                and getattr(order, relation.attname) == getattr(locked, relation.attname)):
            relation.set_cached_value(locked, relation.get_cached_value(order))
    return locked


def next_number(tenant_id: int, now: dt.datetime) -> str:
    day = timezone.localtime(now).date()
    counter = OrderSequence.objects.filter(tenant_id=tenant_id, day=day)
    # The day's counter is raised where it stands (locking it until the order is written);
    # only the first order of a day creates it.
    if not counter.update(last=F("last") + 1):
        OrderSequence.objects.get_or_create(tenant_id=tenant_id, day=day)
        counter.update(last=F("last") + 1)
    last = counter.get().last
    return order_number(day, last)


def order_number(day: dt.date, sequence: int) -> str:
    """The ``sequence``-th order number of ``day``: GD20261204-0007."""
    return f"GD{day:%Y%m%d}-{sequence:04d}"


# --- clocks ---------------------------------------------------------------------------------

def start_clocks(order: WorkOrder, now: dt.datetime, *,
                 met: tuple[str, ...] = ()) -> list[WorkOrderClock]:
    """Start every clock of the order's service level (none when it has no level). Clocks of
    the kinds in ``met`` are written as met at once: the order reached its handler as it was
    registered, so there was nothing to wait for."""
    level = order.service_level
    if level is None:
        return []
    calendar = calendar_for(order.tenant_id)
    clocks = []
    for rule in selectors.clock_rules(level):
        times = sla.clock_times(calendar, rule.unit, rule.amount, now, level.warning_share)
        clock = WorkOrderClock(
            tenant_id=order.tenant_id, work_order=order, kind=rule.kind, unit=rule.unit,
            amount=rule.amount, started_at=now, due_at=times.due_at, warn_at=times.warn_at)
        if rule.kind in met:
            clock.state, clock.stopped_at = ClockState.MET, now
        clocks.append(clock)
    WorkOrderClock.objects.bulk_create(clocks)
    return clocks


def stop_clocks(order: WorkOrder, kinds: tuple[str, ...],
                now: dt.datetime) -> list[WorkOrderClock]:
    """Stop the running (or paused) clocks of ``kinds``: met when on time, else missed.
    Returns the clocks stopped."""
    open_clocks = list(WorkOrderClock.objects.filter(
        work_order=order, kind__in=kinds, state__in=[ClockState.RUNNING, ClockState.PAUSED]))
    for clock in open_clocks:
        if clock.state == ClockState.PAUSED and clock.paused_since:
            clock.paused_seconds += int((now - clock.paused_since).total_seconds())
            clock.paused_since = None
        clock.state = ClockState.MET if now <= clock.due_at else ClockState.MISSED
        clock.stopped_at = now
    if open_clocks:  # one statement for all of them
        WorkOrderClock.objects.bulk_update(
            open_clocks, ["state", "stopped_at", "paused_since", "paused_seconds"])
    return open_clocks


def cancel_clocks(order: WorkOrder, now: dt.datetime) -> None:
    WorkOrderClock.objects.filter(
        work_order=order, state__in=[ClockState.RUNNING, ClockState.PAUSED],
    ).update(state=ClockState.CANCELLED, stopped_at=now, paused_since=None)


def pause_clocks(order: WorkOrder, now: dt.datetime) -> None:
    WorkOrderClock.objects.filter(work_order=order, state=ClockState.RUNNING).update(
        state=ClockState.PAUSED, paused_since=now)


def resume_clocks(order: WorkOrder, now: dt.datetime) -> None:
    calendar = calendar_for(order.tenant_id)
    for clock in WorkOrderClock.objects.filter(work_order=order, state=ClockState.PAUSED):
        since = clock.paused_since or now
        times = sla.resumed(calendar, clock.unit, paused_since=since, now=now,
                            due_at=clock.due_at, warn_at=clock.warn_at)
        if clock.escalate_at is not None:
            clock.escalate_at += now - since
        clock.due_at, clock.warn_at = times.due_at, times.warn_at
        clock.paused_seconds += int((now - since).total_seconds())
        clock.paused_since = None
        clock.state = ClockState.RUNNING
        clock.save(update_fields=["due_at", "warn_at", "escalate_at", "paused_seconds",
                                  "paused_since", "state"])


WORK_CLOCKS = (ClockKind.RESPONSE, ClockKind.DISPATCH, ClockKind.ON_SITE, ClockKind.RESOLUTION)


# --- notices --------------------------------------------------------------------------------

def order_context(order: WorkOrder, **extra) -> dict:
    return {
        "number": order.number, "summary": order.summary,
        "community": str(order.community) if order.community_id else "",
        "url": reverse("servicedesk:work_order_detail", args=[order.pk]),
        **extra,
    }


def tell_users(order: WorkOrder, event: str, users, *, actor=None, dedup: str | None = None,
               **extra) -> None:
    users = [u for u in users if u is not None and u != actor]
    if users:
        notify(tenant=order.tenant_id, event=event, recipients=users,
               context=order_context(order, **extra), channels=(IN_APP, SMS),
               dedup_key=dedup, actor=actor)


def tell_users_all(event: str, tells) -> None:
    """``tell_users`` for many orders at once, from a system job: ``tells`` holds one
    (order, users, dedup, extra) per order, and the messages are written together."""
    notices = []
    for order, users, dedup, extra in tells:
        users = [u for u in users if u is not None]
        if users:
            notices.append(Notice(tenant=order.tenant_id, recipients=users,
                                  context=order_context(order, **extra), dedup_key=dedup))
    if notices:
        notify_all(event=event, notices=notices, channels=(IN_APP, SMS))


def tell_complainant(order: WorkOrder, step: str, *, actor=None, **extra) -> None:
    """Keep a complainant informed (SVC-9): an SMS to the number the complaint came from."""
    if order.order_type != "complaint" or not order.caller_phone:
        return
    notify(tenant=order.tenant_id, event="servicedesk.complaint_progress",
           recipients=[Address(channel=SMS, address=order.caller_phone)],
           context=order_context(order, step=step, **extra), channels=(SMS,), actor=actor)


def supervisors_of(order: WorkOrder):
    unit = order.department or order.org_unit
    return selectors.holders_above(unit, "assign_workorder")


def managers_of(order: WorkOrder):
    return selectors.holders_above(order.community.org_unit, "approve_workorder")


def dispatchers_of(order: WorkOrder):
    return selectors.holders_above(order.community.org_unit, "dispatch_workorder")


def supervisors_of_each(orders) -> dict[int, list[User]]:
    """``supervisors_of`` of many orders (by order id), read at once."""
    return _holders_above_each({o.pk: o.department or o.org_unit for o in orders},
                               "assign_workorder")


def managers_of_each(orders) -> dict[int, list[User]]:
    """``managers_of`` of many orders (by order id), read at once."""
    return _holders_above_each({o.pk: o.community.org_unit for o in orders},
                               "approve_workorder")


def _holders_above_each(units: dict, codename: str) -> dict:
    """``selectors.holders_above`` of many org units (under any keys) in two queries: the
    current memberships granting ``codename`` at any of the units or their ancestors (the
    prefixes of their materialised paths), then their users."""
    chains = {key: [unit.path[:end] for end in range(len(unit.path), 0, -(PATH_STEP + 1))]
              for key, unit in units.items()}
    today = timezone.localdate()
    held = Membership.objects.filter(
        tenant_id__in={unit.tenant_id for unit in units.values()},
        org_unit__path__in={path for chain in chains.values() for path in chain},
        role__permissions__codename=codename, user__is_active=True,
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today)
             ).values_list("tenant_id", "org_unit__path", "user_id")
    holders: dict[tuple[int, str], set[int]] = {}
    for tenant_id, path, user_id in held:
        holders.setdefault((tenant_id, path), set()).add(user_id)
    found = {key: sorted(next((holders[unit.tenant_id, path] for path in chains[key]
                               if (unit.tenant_id, path) in holders), ()))
             for key, unit in units.items()}
    users = User.objects.in_bulk({user_id for ids in found.values() for user_id in ids})
    return {key: [users[user_id] for user_id in ids] for key, ids in found.items()}
