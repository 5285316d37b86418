"""The work-order state machine's one transition function and the use cases built on it
(SVC-5, SVC-6, SVC-7): dispatch, assign, transfer, return, accept, schedule, arrive, start,
wait, resume, resolve, close, cancel, escalate.

``transition`` locks the row, checks that the move is allowed from the current status and that
the actor may make it, applies the change, saves with ``update_fields``, records the domain
event and sends the notices — in one transaction. Two people acting on one order at once are
serialised by the lock: the second sees the first one's status and is refused if its move no
longer applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import OrgUnit, User
from linli.core.events import record_event
from linli.servicedesk import selectors
from linli.servicedesk.choices import ClockKind, ReviewStatus, WaitingOn
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.states import Action, Status, allowed, target_of

A = Action
HANDLER_ACTIONS = frozenset({A.ACCEPT, A.SCHEDULE, A.ARRIVE, A.START, A.WAIT, A.RESUME, A.ANSWER,
                             A.RESOLVE})
# Who may make a move besides the order's own handler (permissions at the order's org unit).
PERMISSIONS: dict[str, tuple[str, ...]] = {
    A.VERIFY: ("verify_workorder", "dispatch_workorder"),
    A.DISPATCH: ("dispatch_workorder",),
    A.ASSIGN: ("assign_workorder", "dispatch_workorder"),
    A.TRANSFER: ("dispatch_workorder", "assign_workorder"),
    A.RETURN: ("assign_workorder", "dispatch_workorder"),
    A.CALLBACK: ("callback_workorder",),
    A.REWORK: ("callback_workorder", "approve_workorder"),
    A.CLOSE: ("callback_workorder", "approve_workorder"),
    A.CANCEL: ("dispatch_workorder", "approve_workorder"),
    A.ESCALATE: ("dispatch_workorder", "assign_workorder", "approve_workorder"),
    # Only the system makes it, when a rework is cancelled (services.callbacks).
    A.RESTORE: (),
    **{a: ("assign_workorder", "dispatch_workorder") for a in HANDLER_ACTIONS},
    # Whoever takes the call answers it (services.knowledge.work_order_answer).
    A.ANSWER: ("add_workorder", "dispatch_workorder", "assign_workorder"),
}


@dataclass
class Change:
    """What a move's ``apply`` changed: fields to save, an explicit target, the event text."""

    fields: set[str] = field(default_factory=set)
    target: str | None = None
    old: str = ""
    new: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)
    after: list[Callable[[WorkOrder], None]] = field(default_factory=list)


def authorise(actor, action: str, order: WorkOrder) -> None:
    if actor is None:
        return
    if action in HANDLER_ACTIONS and order.handler_id == actor.pk and actor.has_perm(
            "servicedesk.work_workorder", order):
        return
    shared.require_any(actor, PERMISSIONS[action], order)


def transition(order: WorkOrder, action: str, *, actor,
               apply: Callable[[WorkOrder, dt.datetime], Change] | None = None) -> WorkOrder:
    """Make ``action`` on ``order`` (the state machine's only writer of ``status``)."""
    with transaction.atomic():
        locked = shared.lock(order)
        authorise(actor, action, locked)
        if not allowed(action, locked.status):
            raise ValidationError({"status": [
                _("A work order that is “%(status)s” cannot be given “%(action)s”.")
                % {"status": Status(locked.status).label, "action": Action(action).label}]})
        now = timezone.now()
        old_status = locked.status
        change = apply(locked, now) if apply is not None else Change()
        locked.status = change.target or target_of(action, old_status)
        locked.save(update_fields=sorted({*change.fields, "status", "updated_at"}))
        record_event(locked, f"work_order.{action}", actor=actor,
                     old=change.old or Status(old_status).label,
                     new=change.new or Status(locked.status).label,
                     note=change.note, data=change.data)
        for step in change.after:
            step(locked)
    # The caller's object follows the row (setattr clears stale cached relations).
    for model_field in WorkOrder._meta.concrete_fields:
        setattr(order, model_field.attname, getattr(locked, model_field.attname))
    return locked


def _reason(reason: str, field_name: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise shared.invalid(field_name, _("Give a reason."))
    return reason


# --- routing and responsibility -------------------------------------------------------------

def _department(order: WorkOrder, department) -> OrgUnit:
    if not isinstance(department, OrgUnit) or department.tenant_id != order.tenant_id:
        raise shared.invalid("department", _("Choose a department of your organisation."))
    return department


def _check_handler(order: WorkOrder, user: User | None, department: OrgUnit) -> User:
    if user is None:
        raise shared.invalid("handler", _("Choose who handles the order."))
    if user.tenant_id != order.tenant_id or not user.is_active:
        raise shared.invalid("handler", _("Choose an active user of your organisation."))
    if not selectors.can_handle(user, department):
        raise shared.invalid("handler", _("%(user)s does not work in %(department)s.")
                             % {"user": user, "department": department})
    return user


def hand_over(order: WorkOrder, now: dt.datetime, *, department: OrgUnit, handler: User,
              team: OrgUnit | None = None) -> set[str]:
    """Make ``handler`` of ``department`` the order's one handler; the order moves into the
    department's scope and the dispatch clock stops."""
    fields = hand_over_fields(order, department=department, handler=handler, team=team)
    shared.stop_clocks(order, (ClockKind.DISPATCH,), now)
    return fields


def hand_over_fields(order: WorkOrder, *, department: OrgUnit, handler: User,
                     team: OrgUnit | None = None) -> set[str]:
    """The fields ``hand_over`` sets (on an order not written yet, all there is to do)."""
    order.department = department
    order.handler = handler
    order.org_unit = team or department
    return {"department", "handler", "org_unit"}


def default_handler(order: WorkOrder, department: OrgUnit, *, team: OrgUnit | None = None,
                    housekeeper: bool = False) -> User | None:
    """Who takes an order handed to ``department``: the unit's housekeeper when asked for and
    working there, else the supervisor of ``team`` or of the department."""
    if housekeeper:
        keeper = selectors.housekeeper_of(order.unit)
        if keeper is not None and selectors.can_handle(keeper, department):
            return keeper
    holders = selectors.holders_at(team or department, "assign_workorder")
    return holders.first() or selectors.holders_at(department, "assign_workorder").first()


def _notify_handler(order: WorkOrder, actor) -> None:
    shared.tell_users(order, "servicedesk.work_order_assigned", [order.handler], actor=actor)


def announce_dispatch(order: WorkOrder, actor) -> None:
    """The notices of an order reaching a department, by a dispatch or by the routing rules
    at intake: the new handler is told, and so is a complainant (SVC-5, SVC-9)."""
    _notify_handler(order, actor)
    shared.tell_complainant(order, "dispatched", actor=actor)


def work_order_dispatch(order: WorkOrder, *, actor, department, handler: User | None = None,
                        note: str = "") -> WorkOrder:
    """Hand a new order to a department: its supervisor (or the named worker) handles it."""
    def apply(locked, now):
        dept = _department(locked, department)
        person = handler or default_handler(locked, dept)
        person = _check_handler(locked, person, dept)
        fields = hand_over(locked, now, department=dept, handler=person)
        return Change(fields=fields, old="", new=f"{dept} · {person}", note=note,
                      after=[lambda o: announce_dispatch(o, actor)])
    return transition(order, A.DISPATCH, actor=actor, apply=apply)


def work_order_assign(order: WorkOrder, *, actor, handler: User, note: str = "") -> WorkOrder:
    """A supervisor gives the order to a worker of the department."""
    def apply(locked, now):
        if locked.department is None:
            raise shared.invalid("department", _("Dispatch the order to a department first."))
        person = _check_handler(locked, handler, locked.department)
        old = str(locked.handler or "")
        locked.handler = person
        return Change(fields={"handler"}, old=old, new=str(person), note=note,
                      after=[lambda o: _notify_handler(o, actor)])
    return transition(order, A.ASSIGN, actor=actor, apply=apply)


def work_order_transfer(order: WorkOrder, *, actor, department, handler: User | None = None,
                        reason: str) -> WorkOrder:
    """Move the order to another department or handler; a reason is required."""
    def apply(locked, now):
        why = _reason(reason)
        dept = _department(locked, department)
        person = _check_handler(locked, handler or default_handler(locked, dept), dept)
        if locked.department_id == dept.pk and locked.handler_id == person.pk:
            raise shared.invalid("handler", _("The order is with this handler already."))
        old = f"{locked.department or ''} · {locked.handler or ''}"
        fields = hand_over(locked, now, department=dept, handler=person)
        return Change(fields=fields, old=old, new=f"{dept} · {person}", note=why,
                      after=[lambda o: _notify_handler(o, actor)])
    return transition(order, A.TRANSFER, actor=actor, apply=apply)


def work_order_return(order: WorkOrder, *, actor, reason: str) -> WorkOrder:
    """A department hands back an order that is not theirs: it goes to the dispatcher queue."""
    def apply(locked, now):
        why = _reason(reason)
        if locked.department is None:
            raise shared.invalid("status", _("The order is in the dispatcher queue already."))
        old = f"{locked.department} · {locked.handler or ''}"
        locked.department = None
        locked.handler = None
        locked.org_unit = locked.community.org_unit
        return Change(fields={"department", "handler", "org_unit"}, old=old,
                      new=_("dispatcher queue"), note=why,
                      after=[lambda o: shared.tell_users(
                          o, "servicedesk.work_order_returned", shared.dispatchers_of(o),
                          actor=actor, reason=why)])
    return transition(order, A.RETURN, actor=actor, apply=apply)


def work_order_escalate(order: WorkOrder, *, actor, reason: str = "",
                        level: int | None = None) -> WorkOrder:
    """Raise the order to the next escalation line (1 → 2 supervisor → 3 management)."""
    def apply(locked, now):
        current = locked.escalation_level
        target = level if level is not None else current + 1
        if target > 3:
            raise shared.invalid("level", _("Line 3, management, is the last line."))
        if target <= current:
            raise shared.invalid("level", _("The order is on line %(line)d already.")
                                 % {"line": current})
        locked.escalation_level = target
        recipients = (shared.supervisors_of(locked) if target == 2
                      else shared.managers_of(locked))
        return Change(fields={"escalation_level"}, old=str(current), new=str(target),
                      note=(reason or "").strip(),
                      after=[lambda o: shared.tell_users(
                          o, "servicedesk.work_order_escalated", recipients, actor=actor,
                          line=target)])
    return transition(order, A.ESCALATE, actor=actor, apply=apply)


# --- the handler's moves --------------------------------------------------------------------

def work_order_accept(order: WorkOrder, *, actor) -> WorkOrder:
    def apply(locked, now):
        if locked.handler_id is None:
            raise shared.invalid("handler", _("Dispatch the order before it is accepted."))
        shared.stop_clocks(locked, (ClockKind.RESPONSE,), now)
        return Change()
    return transition(order, A.ACCEPT, actor=actor, apply=apply)


def work_order_schedule(order: WorkOrder, *, actor, appointment_at: dt.datetime,
                        note: str = "") -> WorkOrder:
    def apply(locked, now):
        if appointment_at is None or timezone.is_naive(appointment_at):
            raise shared.invalid("appointment_at", _("Enter the appointment's date and time."))
        if appointment_at < now - dt.timedelta(minutes=5):
            raise shared.invalid("appointment_at", _("The appointment cannot be in the past."))
        locked.appointment_at = appointment_at
        return Change(fields={"appointment_at"}, note=note,
                      new=timezone.localtime(appointment_at).strftime("%Y-%m-%d %H:%M"))
    return transition(order, A.SCHEDULE, actor=actor, apply=apply)


def work_order_arrive(order: WorkOrder, *, actor) -> WorkOrder:
    """The worker is at the door: the on-site clock stops (and the response clock with it)."""
    def apply(locked, now):
        locked.arrived_at = now
        shared.stop_clocks(locked, (ClockKind.RESPONSE, ClockKind.ON_SITE), now)
        return Change(fields={"arrived_at"})
    return transition(order, A.ARRIVE, actor=actor, apply=apply)


def work_order_start(order: WorkOrder, *, actor) -> WorkOrder:
    def apply(locked, now):
        shared.stop_clocks(locked, (ClockKind.RESPONSE,), now)
        return Change()
    return transition(order, A.START, actor=actor, apply=apply)


def work_order_wait(order: WorkOrder, *, actor, waiting_on: str, reason: str) -> WorkOrder:
    """Waiting on the customer or a third party pauses every running clock."""
    def apply(locked, now):
        why = _reason(reason)
        if waiting_on not in WaitingOn.values:
            raise shared.invalid("waiting_on", _("Choose whom the order waits for."))
        locked.waiting_on = waiting_on
        shared.pause_clocks(locked, now)
        return Change(fields={"waiting_on"}, note=why, data={"waiting_on": waiting_on})
    return transition(order, A.WAIT, actor=actor, apply=apply)


def work_order_resume(order: WorkOrder, *, actor, note: str = "") -> WorkOrder:
    def apply(locked, now):
        locked.waiting_on = ""
        shared.resume_clocks(locked, now)
        return Change(fields={"waiting_on"}, note=note)
    return transition(order, A.RESUME, actor=actor, apply=apply)


def work_order_resolve(order: WorkOrder, *, actor, resolution: str, interim_measure: str = "",
                       committed_at: dt.datetime | None = None) -> WorkOrder:
    """Work is done: the clocks stop and the callback is scheduled (SVC-8)."""
    from linli.servicedesk.services.callbacks import callback_schedule
    from linli.servicedesk.services.clusters import resolve_children

    def apply(locked, now):
        text = (resolution or "").strip()
        if not text:
            raise shared.invalid("resolution", _("Describe what was done."))
        if locked.is_sensitive and locked.review_status != ReviewStatus.APPROVED:
            raise shared.invalid("reply", _(
                "A sensitive complaint is resolved only once its reply is approved."))
        locked.resolution = text
        locked.resolved_at = now
        locked.interim_measure = (interim_measure or "").strip()
        locked.committed_at = committed_at
        stopped = shared.stop_clocks(locked, shared.WORK_CLOCKS, now)
        # The callback is due after the resolution's due time (that clock is among those
        # stopped unless it had stopped before).
        resolution_due = next((c.due_at for c in stopped if c.kind == ClockKind.RESOLUTION),
                              None) or selectors.clock_due(locked, ClockKind.RESOLUTION)
        return Change(fields={"resolution", "resolved_at", "interim_measure", "committed_at"},
                      note=text,
                      after=[lambda o: callback_schedule(o, resolution_due=resolution_due,
                                                         now=now),
                             lambda o: shared.tell_complainant(o, "resolved", actor=actor),
                             lambda o: resolve_children(o, actor=actor)])
    return transition(order, A.RESOLVE, actor=actor, apply=apply)


def has_open_rework(order: WorkOrder, *, besides: WorkOrder | None = None) -> bool:
    """Whether a rework order of ``order`` (other than ``besides``) is neither closed nor
    cancelled."""
    reworks = order.reworks.exclude(status__in=[Status.CLOSED, Status.CANCELLED])
    if besides is not None:
        reworks = reworks.exclude(pk=besides.pk)
    return reworks.exists()


def work_order_close(order: WorkOrder, *, actor, note: str = "",
                     by_hand: bool = True) -> WorkOrder:
    """Close an order without (or after) its callback: a callback still due is called off.
    Closed by hand, an incident closes its resolved linked orders too; not when the system
    closes it (``by_hand=False``) because its rework was closed — the callback's outcome,
    which leaves each linked order to its own callback (services.clusters)."""
    from linli.servicedesk.services.callbacks import call_off_callbacks, close_parent
    from linli.servicedesk.services.clusters import close_children

    def apply(locked, now):
        if has_open_rework(locked):
            raise shared.invalid("status", _("Its rework is still open."))
        locked.closed_at = now
        call_off_callbacks(locked)
        after = [close_parent, lambda o: shared.tell_complainant(o, "closed", actor=actor)]
        if by_hand:
            after.append(lambda o: close_children(o, actor=actor))
        return Change(fields={"closed_at"}, note=note, after=after)
    return transition(order, A.CLOSE, actor=actor, apply=apply)


def work_order_cancel(order: WorkOrder, *, actor, reason: str) -> WorkOrder:
    """Cancel an order that is not being worked on; a cancelled rework sends the order it
    reworks back to resolved (services.callbacks.restore_parent), and a cancelled incident
    lets its linked orders go on by themselves (services.clusters.release_children)."""
    from linli.servicedesk.services.callbacks import restore_parent
    from linli.servicedesk.services.clusters import release_children

    def apply(locked, now):
        why = _reason(reason)
        shared.cancel_clocks(locked, now)
        locked.closed_at = now
        return Change(fields={"closed_at"}, note=why,
                      after=[restore_parent,
                             lambda o: release_children(o, actor=actor, reason=why)])
    return transition(order, A.CANCEL, actor=actor, apply=apply)


def ensure_can_view(actor, order: WorkOrder) -> None:
    if actor is not None and not actor.has_perm("servicedesk.view_workorder", order):
        raise PermissionDenied(_("You do not have permission to do this."))
