"""Callbacks and rework (SVC-8): every resolved order gets a callback due a set time after its
resolution deadline; not reached is retried; unsatisfied opens a linked rework order and keeps
the original open until the rework is closed.

An order has at most one open callback (due or to retry), and only while it is resolved or in
callback: closing the order by hand or reopening it for rework calls the callback off (the
rework is called back when it is resolved). A cancelled rework sends the original back to
resolved with a new callback due, so the customer is still asked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.servicedesk import selectors
from linli.servicedesk.choices import CallbackOutcome, CallbackStatus, ClockKind
from linli.servicedesk.models import Callback, WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.services.lifecycle import Change, has_open_rework, transition
from linli.servicedesk.states import Action, Status


def callback_schedule(order: WorkOrder, *, resolution_due: dt.datetime | None,
                      now: dt.datetime) -> Callback:
    hours = order.service_level.callback_hours if order.service_level_id else 24
    base = resolution_due or now
    callback = Callback.objects.create(
        tenant_id=order.tenant_id, org_unit_id=order.community.org_unit_id, work_order=order,
        due_at=base + dt.timedelta(hours=hours))
    return callback


OPEN_CALLBACKS = (CallbackStatus.DUE, CallbackStatus.RETRY)


def _open_callback(order: WorkOrder) -> Callback | None:
    return (Callback.objects.select_for_update()
            .filter(work_order=order, status__in=OPEN_CALLBACKS).order_by("-pk").first())


def call_off_callbacks(order: WorkOrder) -> None:
    """The order's callbacks still due or to retry are called off (saved one by one, so each
    change is in the callback's history)."""
    for callback in Callback.objects.select_for_update().filter(
            work_order=order, status__in=OPEN_CALLBACKS).order_by("pk"):
        callback.status = CallbackStatus.CANCELLED
        callback.save(update_fields=["status", "updated_at"])


def work_order_callback(order: WorkOrder, *, actor, outcome: str,
                        satisfaction: int | None = None, comment: str = "") -> WorkOrder:
    """Record one callback attempt: reached and satisfied (or refused) closes the order, not
    reached retries (and gives up after the policy's attempts), unsatisfied opens rework."""
    def apply(locked, now):
        if outcome not in CallbackOutcome.values:
            raise shared.invalid("outcome", _("Choose the outcome of the call."))
        result = CallbackOutcome(outcome)
        score = satisfaction
        if result == CallbackOutcome.DONE:
            if score is None:
                raise shared.invalid("satisfaction", _("Enter the satisfaction from 1 to 5."))
            if not isinstance(score, int) or not 1 <= score <= 5:
                raise shared.invalid("satisfaction", _("Satisfaction is a score from 1 to 5."))
        elif score is not None:
            raise shared.invalid("satisfaction", _(
                "Only a customer who was reached and answered gives a satisfaction score."))
        callback = _open_callback(locked)
        if callback is None:
            raise shared.invalid("status", _("This order has no callback to record."))
        policy = selectors.desk_policy(locked.tenant_id)
        callback.attempts += 1
        callback.outcome = result
        callback.satisfaction = score
        callback.comment = (comment or "").strip()
        callback.called_by = actor if getattr(actor, "pk", None) else None
        callback.called_at = now
        after = []
        if not result.reached:
            if callback.attempts >= policy.callback_max_attempts:
                callback.status = CallbackStatus.GAVE_UP
                target = Status.CLOSED
                locked.closed_at = now
                after.append(close_parent)
            else:
                callback.status = CallbackStatus.RETRY
                callback.due_at = now + dt.timedelta(hours=policy.callback_retry_hours)
                target = Status.CALLBACK
        else:
            callback.status = CallbackStatus.DONE
            unsatisfied = score is not None and score <= policy.unsatisfied_at_most
            if unsatisfied:
                target = Status.REOPENED
                after.append(lambda o: open_rework(o, actor=actor, reason=callback.comment
                                                   or _("Customer not satisfied")))
            else:
                target = Status.CLOSED
                locked.closed_at = now
                after.append(close_parent)
        if target == Status.CLOSED:
            after.append(lambda o: shared.tell_complainant(o, "closed", actor=actor))
        callback.save()
        return Change(fields={"closed_at"}, target=target, new=result.label,
                      note=callback.comment,
                      data={"outcome": result.value, "satisfaction": score,
                            "attempt": callback.attempts}, after=after)
    return transition(order, Action.CALLBACK, actor=actor, apply=apply)


def open_rework(original: WorkOrder, *, actor, reason: str) -> WorkOrder:
    """A second dispatch linked to ``original``, to the same department and handler; the
    supervisor is told."""
    from linli.servicedesk.services.intake import new_order_number

    now = timezone.now()
    # The rework's own callback asks the customer; the original's is no longer recordable.
    call_off_callbacks(original)
    rework = WorkOrder(
        tenant_id=original.tenant_id, org_unit=original.org_unit, order_type=original.order_type,
        category=original.category, area=original.area, channel=original.channel,
        community=original.community, building=original.building, unit=original.unit,
        person=original.person, caller_name=original.caller_name,
        caller_phone=original.caller_phone, location=original.location,
        summary=(_("Rework: %(summary)s") % {"summary": original.summary})[:200],
        description=reason, urgency=original.urgency, impact=original.impact,
        priority=original.priority, service_level=original.service_level,
        department=original.department, handler=original.handler,
        severity=original.severity, complaint_subject=original.complaint_subject,
        is_formal=original.is_formal, rework_of=original, status=Status.NEW,
        registered_by=actor if getattr(actor, "pk", None) else None,
        number=new_order_number(original.tenant_id, now), verified_at=now,
    )
    rework.save()
    # It goes straight back to the same handler: there is nothing left to dispatch.
    shared.start_clocks(rework, now, met=(ClockKind.DISPATCH,))
    record_event(rework, "work_order.rework_opened", actor=actor, old=original.number,
                 new=rework.number, note=reason)
    record_event(original, "work_order.rework_linked", actor=actor, new=rework.number,
                 note=reason)
    shared.tell_users(rework, "servicedesk.work_order_assigned", [rework.handler], actor=actor)
    shared.tell_users(rework, "servicedesk.rework_opened", shared.supervisors_of(rework),
                      actor=actor, reason=reason, original=original.number)
    return rework


def work_order_rework(order: WorkOrder, *, actor, reason: str) -> WorkOrder:
    """Reopen a resolved or closed order for rework (e.g. the customer calls again)."""
    def apply(locked, now):
        why = (reason or "").strip()
        if not why:
            raise shared.invalid("reason", _("Give a reason."))
        locked.closed_at = None
        return Change(fields={"closed_at"}, note=why,
                      after=[lambda o: open_rework(o, actor=actor, reason=why)])
    return transition(order, Action.REWORK, actor=actor, apply=apply)


def _waiting_parent(order: WorkOrder) -> WorkOrder | None:
    """The order ``order`` reworks, when it is reopened and waits for no other rework."""
    parent = order.rework_of
    if (parent is None or parent.status != Status.REOPENED
            or has_open_rework(parent, besides=order)):
        return None
    return parent


def close_parent(order: WorkOrder) -> None:
    """When a rework order closes, the order it reworks closes too."""
    parent = _waiting_parent(order)
    if parent is None:
        return
    from linli.servicedesk.services.lifecycle import work_order_close

    with transaction.atomic():
        # The customer's callback closed the rework: the original's linked orders (if it is
        # an incident) keep their own callbacks.
        work_order_close(parent, actor=None, note=_("Rework %(number)s closed.")
                         % {"number": order.number}, by_hand=False)


def restore_parent(order: WorkOrder) -> None:
    """When a rework order is cancelled, the order it reworks goes back to resolved (unless
    another rework of it is still open)."""
    parent = _waiting_parent(order)
    if parent is None:
        return
    work_order_restore(parent, actor=None, note=_("Rework %(number)s cancelled.")
                       % {"number": order.number})


def work_order_restore(order: WorkOrder, *, actor, note: str = "") -> WorkOrder:
    """Back from a cancelled rework: the order stands resolved as it was, and a new callback
    is due (every completed order is called back, SVC-8). Only the system makes this move."""
    def apply(locked, now):
        if has_open_rework(locked):
            raise shared.invalid("status", _("Its rework is still open."))
        return Change(note=note, after=[lambda o: callback_schedule(o, resolution_due=None,
                                                                    now=now)])
    return transition(order, Action.RESTORE, actor=actor, apply=apply)
