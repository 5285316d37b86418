"""Clusters (SVC-11): one incident reported by several callers — a building's water outage —
is one parent order with the callers' orders linked under it.

A cluster has one level: a linked order (a child) cannot be a parent, and a parent cannot be
linked under another. Parent and child belong to one community, and neither may be closed or
cancelled. Linking needs the right to dispatch both orders.

Resolving the parent resolves each of its open children through the state machine (each gets
its own event, its clocks stop and its callback is scheduled as in any resolve), and closing
the parent by hand closes the children that are resolved. A child that its status does not let
follow (waiting, quarantined, a sensitive complaint whose reply is not approved) stays as it is
and is named in an event on the parent. The children's handlers and callers are told at once,
in one batch. A cluster is not a rework: ``rework_of`` is left alone.

When the parent closes on its callback's outcome (reached, or given up, or after its rework
closed), the children are not closed with it: each caller is called back on his own order
(SVC-8, every completed order is called back). When the parent is cancelled, its children are
not cancelled with it — one caller's report withdrawn or registered in error says nothing of
the others' — they leave the incident and go on as orders of their own, and whoever holds each
of them (its handler, else the community's dispatchers) is told.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.notifications.services import Address, Notice, notify_all
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.states import FINAL, Action, Status, allowed

LINK_PERMISSION = ("dispatch_workorder",)


def _lock_pair(first: WorkOrder, second: WorkOrder) -> tuple[WorkOrder, WorkOrder]:
    """Both rows locked in primary-key order (two links made at once cannot cross)."""
    ordered = sorted([first, second], key=lambda o: o.pk)
    locked = {o.pk: shared.lock(o) for o in ordered}
    return locked[first.pk], locked[second.pk]


def _check_link(child: WorkOrder, parent: WorkOrder) -> None:
    """The rules of a link, each with its own message (nothing is written on a refusal)."""
    if parent.pk == child.pk:
        raise shared.invalid("parent", _("An order cannot be linked under itself."))
    if parent.tenant_id != child.tenant_id or parent.community_id != child.community_id:
        raise shared.invalid("parent", _(
            "Only orders of the same community can be linked to one incident."))
    if child.status in FINAL:
        raise shared.invalid("status", _(
            "A closed or cancelled order cannot be linked to an incident."))
    if parent.status in FINAL:
        raise shared.invalid("parent", _(
            "The incident %(number)s is closed or cancelled: link to an open order.")
            % {"number": parent.number})
    if parent.cluster_parent_id is not None:
        raise shared.invalid("parent", _(
            "%(number)s is itself linked to an incident: link to that incident instead.")
            % {"number": parent.number})
    if child.cluster_parent_id is not None:
        raise shared.invalid("parent", _(
            "This order is linked to an incident already: unlink it first."))
    if child.cluster_children.exists():
        raise shared.invalid("parent", _(
            "Other orders are linked under this one: it is an incident itself."))


def link(child: WorkOrder, parent: WorkOrder, *, actor) -> WorkOrder:
    """Link ``child`` under ``parent`` inside the caller's transaction (intake uses it for the
    order it has just registered); both timelines get an event."""
    if not isinstance(parent, WorkOrder):
        raise shared.invalid("parent", _("Choose the order of the incident."))
    locked, parent = _lock_pair(child, parent)
    try:
        shared.require_any(actor, LINK_PERMISSION, locked)
        shared.require_any(actor, LINK_PERMISSION, parent)
    except PermissionDenied:
        if parent.tenant_id != locked.tenant_id:
            # Another company's order: the same answer as a missing one.
            raise shared.invalid("parent", _(
                "Only orders of the same community can be linked to one incident.")) from None
        raise
    _check_link(locked, parent)
    locked.cluster_parent = parent
    locked.save(update_fields=["cluster_parent", "updated_at"])
    record_event(locked, "work_order.cluster_linked", actor=actor, new=parent.number,
                 note=parent.summary)
    record_event(parent, "work_order.cluster_child_added", actor=actor, new=locked.number,
                 note=locked.summary)
    child.cluster_parent = parent
    return locked


def work_order_cluster_link(order: WorkOrder, *, actor, parent: WorkOrder) -> WorkOrder:
    """Link ``order`` to the incident ``parent`` (SVC-11)."""
    with transaction.atomic():
        return link(order, parent, actor=actor)


def work_order_cluster_unlink(order: WorkOrder, *, actor) -> WorkOrder:
    """Take ``order`` out of its incident; it goes on as an order of its own."""
    with transaction.atomic():
        locked = shared.lock(order)
        shared.require_any(actor, LINK_PERMISSION, locked)
        if locked.cluster_parent_id is None:
            raise shared.invalid("parent", _("This order is not linked to an incident."))
        if locked.status in FINAL:
            raise shared.invalid("status", _(
                "A closed or cancelled order stays in its incident."))
        parent = WorkOrder.objects.get(pk=locked.cluster_parent_id)  # scoped-query-ok: own link
        locked.cluster_parent = None
        locked.save(update_fields=["cluster_parent", "updated_at"])
        record_event(locked, "work_order.cluster_unlinked", actor=actor, old=parent.number)
        record_event(parent, "work_order.cluster_child_removed", actor=actor,
                     old=locked.number)
    order.cluster_parent = None
    return locked


# --- the parent's resolution and closing reach its children ---------------------------------

@dataclass(frozen=True)
class Skipped:
    number: str
    reason: str


def _follow(parent: WorkOrder, action: str, candidates, move, *, actor,
            verb: str) -> list[WorkOrder]:
    """Make ``move(child)`` — one call of the state machine's ``transition`` — on each child
    among ``candidates``; the children that could not follow are recorded on the parent.
    Returns the children moved.

    ``transition`` runs in its own savepoint, so a refused child leaves the others and the
    parent's move as they are."""
    moved, skipped = [], []
    for child in candidates:
        if not allowed(action, child.status):
            skipped.append(Skipped(child.number, str(Status(child.status).label)))
            continue
        try:
            move(child)
        except ValidationError as exc:
            skipped.append(Skipped(child.number, " ".join(exc.messages)))
        else:
            # The candidate itself: ``transition`` copied the row's new values onto it, and
            # it keeps the handler and community read with it.
            moved.append(child)
    if skipped:
        record_event(parent, verb, actor=actor,
                     new=", ".join(s.number for s in skipped),
                     note="; ".join(f"{s.number}: {s.reason}" for s in skipped),
                     data={"skipped": [{"number": s.number, "reason": s.reason}
                                       for s in skipped]})
    return moved


def _children(parent: WorkOrder, statuses) -> list[WorkOrder]:
    # What the children's moves read besides the row (the callback's service level and
    # office, the notices' handler and community) comes with them: ``transition`` keeps it
    # on the row it locks (services.shared.lock).
    return list(WorkOrder.objects.filter(  # scoped-query-ok: the parent's own children
        cluster_parent_id=parent.pk, status__in=statuses).select_related(
        "community", "handler", "service_level").order_by("pk"))


def resolve_children(parent: WorkOrder, *, actor) -> list[WorkOrder]:
    """After ``parent`` is resolved: resolve its open children (the system's move, for the
    resolution of their incident) and tell their handlers and callers."""
    from linli.servicedesk.services.lifecycle import work_order_resolve

    if parent.cluster_parent_id is not None:  # a linked order has no children of its own
        return []
    open_children = _children(parent, [s for s in Status.values
                                       if s not in FINAL and s not in (
                                           Status.RESOLVED, Status.CALLBACK,
                                           Status.REOPENED)])
    text = _("Resolved with incident %(number)s: %(resolution)s") % {
        "number": parent.number, "resolution": parent.resolution}
    moved = _follow(parent, Action.RESOLVE, open_children,
                    lambda child: work_order_resolve(child, actor=None, resolution=text),
                    actor=actor, verb="work_order.cluster_not_resolved")
    _tell(moved, parent, "servicedesk.incident_resolved", actor=actor)
    return moved


def close_children(parent: WorkOrder, *, actor) -> list[WorkOrder]:
    """After ``parent`` is closed by hand: close its children whose work is done (their
    callbacks still due are called off). Not when the parent closes on its callback: each
    child keeps its own."""
    from linli.servicedesk.services.lifecycle import work_order_close

    if parent.cluster_parent_id is not None:
        return []
    done = _children(parent, [Status.RESOLVED, Status.CALLBACK, Status.REOPENED])
    note = _("Incident %(number)s closed.") % {"number": parent.number}
    return _follow(parent, Action.CLOSE, done,
                   lambda child: work_order_close(child, actor=None, note=note),
                   actor=actor, verb="work_order.cluster_not_closed")


def release_children(parent: WorkOrder, *, actor, reason: str) -> list[WorkOrder]:
    """After ``parent`` is cancelled: its children that are neither closed nor cancelled leave
    the incident and go on as orders of their own (their status, handler and clocks stay as
    they are). Each child's timeline says why, the parent's names them, and each child's
    handler — for a child not dispatched yet, the community's dispatchers — is told."""
    if parent.cluster_parent_id is not None:
        return []
    released = list(
        WorkOrder.objects.select_for_update(of=("self",))  # scoped-query-ok: own children
        .filter(cluster_parent_id=parent.pk).exclude(status__in=FINAL)
        .select_related("community__org_unit", "handler").order_by("pk"))
    if not released:
        return []
    note = _("Incident %(number)s cancelled: %(reason)s") % {"number": parent.number,
                                                              "reason": reason}
    for child in released:
        child.cluster_parent = None
        child.save(update_fields=["cluster_parent", "updated_at"])
        record_event(child, "work_order.cluster_released", actor=actor, old=parent.number,
                     note=note)
    record_event(parent, "work_order.cluster_children_released", actor=actor,
                 new=", ".join(c.number for c in released), note=reason,
                 data={"released": [c.number for c in released]})
    event = "servicedesk.incident_cancelled"
    context = {"incident": parent.number, "reason": reason}
    handled = [c for c in released if c.handler is not None]
    _notify(event, [(c, [c.handler]) for c in handled], parent, context, actor=actor,
            channels=(shared.IN_APP, shared.SMS))
    waiting = [c for c in released if c.handler is None]
    if waiting:
        # One community (the rule of a link), so one set of dispatchers; in the app only.
        dispatchers = list(shared.dispatchers_of(waiting[0]))
        _notify(event, [(c, dispatchers) for c in waiting], parent, context, actor=actor,
                channels=(shared.IN_APP,))
    return released


def _notify(event: str, tells, parent: WorkOrder, context: dict, *, actor,
            channels) -> None:
    """One notice per (child, recipients) of ``tells``, written together."""
    notices = []
    for child, users in tells:
        recipients = [u for u in users if u is not None and u != actor]
        if recipients:
            notices.append(Notice(tenant=child.tenant_id, recipients=recipients,
                                  context=shared.order_context(child, **context),
                                  dedup_key=f"{event}:{child.pk}:{parent.pk}"))
    if notices:
        notify_all(event=event, notices=notices, channels=channels, actor=actor)


def _tell(children: list[WorkOrder], parent: WorkOrder, event: str, *, actor) -> None:
    """One notice per child, written together: its handler in the app and by SMS, its caller
    by SMS (a complainant hears of the resolution through the complaint's own notice)."""
    tells = []
    for child in children:
        recipients: list = [u for u in (child.handler,) if u is not None]
        if child.caller_phone and child.order_type != "complaint":
            recipients.append(Address(channel=shared.SMS, address=child.caller_phone))
        tells.append((child, recipients))
    _notify(event, tells, parent, {"incident": parent.number, "resolution": parent.resolution},
            actor=actor, channels=(shared.IN_APP, shared.SMS))
