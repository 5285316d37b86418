"""Writes of queue numbers (预约排号) and subscriptions (认购) with their changes (SAL-3).

A queue number is taken before a project's launch with a small refundable deposit; after launch
the numbers become subscriptions in number order. A subscription reserves one unit with a
deposit at the price of its quote (or the unit's list price): the unit moves to subscribed
through ``sale_unit_transition``, whose row lock makes sure that of simultaneous requests for
one unit only one wins. A change of unit, price or buyer name is a request that a manager
approves or rejects; cancelling needs a reason and puts the unit back on sale.

Each machine has one transition function (``queue_number_transition``,
``subscription_transition``): lock the row, check the move against ``states``, save with
``update_fields``, record the event.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.directory.models import Person
from linli.sales.choices import ChangeKind
from linli.sales.models import (
    Opportunity,
    QueueNumber,
    Quote,
    SalesProject,
    SaleUnit,
    Subscription,
    SubscriptionChange,
)
from linli.sales.services.opportunities import opportunity_transition
from linli.sales.services.projects import sale_unit_transition
from linli.sales.services.shared import (
    add_error,
    lost_reason_check,
    move_along,
    next_number,
    raise_errors,
    require,
)
from linli.sales.states import (
    DEAL_STAGES,
    QUEUE_TRANSITIONS,
    SUBSCRIBABLE,
    SUBSCRIPTION_TRANSITIONS,
    ApprovalStatus,
    LostAppliesTo,
    ProjectStatus,
    QueueStatus,
    SaleStatus,
    Stage,
    SubscriptionStatus,
)

# A queue deposit is small (诚意金); anything above is a typing error.
MAX_QUEUE_DEPOSIT = Decimal(200_000)
MAX_PRICE = Decimal(1_000_000_000)


def _money_checks(errors, field: str, value, *, high: Decimal, label_high=None) -> None:
    if value is None:
        add_error(errors, field, _("Enter an amount."))
    elif not (Decimal(0) < value <= high):
        add_error(errors, field, _("An amount must be above 0 and at most %(max)s yuan.")
                  % {"max": f"{(label_high or high):,.2f}"})


def _buyer_checks(errors, person: Person | None, tenant_id: int, field: str = "person_id"):
    if person is None:
        add_error(errors, field, _("Choose the buyer."))
    elif person.tenant_id != tenant_id:
        add_error(errors, field, _("Choose a buyer of this company."))


def _note(note: str, errors, field: str = "note", message: str | None = None) -> str:
    note = (note or "").strip()
    if not note:
        add_error(errors, field, message or _("Give a reason."))
    return note[:500]


# --- queue numbers --------------------------------------------------------------------------

@transaction.atomic
def queue_number_transition(*, actor, queue_number: QueueNumber, to: str,
                            note: str = "") -> QueueNumber:
    """Move a queue number along ``states.QUEUE_TRANSITIONS`` (the row locked)."""
    require(actor, "sales.change_queuenumber", queue_number)
    return move_along(
        queue_number, to, table=QUEUE_TRANSITIONS, statuses=QueueStatus, actor=actor,
        refusal=_("Queue number %(number)s is %(old)s; it cannot become %(new)s."),
        verb="queue_number.status_changed", note=note,
        fields={"note": note[:300]} if note else None)


@transaction.atomic
def queue_number_take(*, actor, project: SalesProject, person: Person | None, deposit,
                      note: str = "") -> QueueNumber:
    """Give ``person`` the project's next queue number, before the launch."""
    require(actor, "sales.add_queuenumber", project)
    errors: dict[str, list[str]] = {}
    # Lock the project so that two simultaneous requests get two numbers.
    project = SalesProject.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.PREPARING:
        add_error(errors, "project_id", _(
            "Project “%(name)s” has launched: sell by subscription instead of queue numbers.")
            % {"name": project.name})
    _buyer_checks(errors, person, project.tenant_id)
    _money_checks(errors, "deposit", deposit, high=MAX_QUEUE_DEPOSIT)
    raise_errors(errors)
    last = (QueueNumber.objects.filter(project=project).order_by("-number")
            .values_list("number", flat=True).first())
    queue_number = QueueNumber.objects.create(
        tenant_id=project.tenant_id, org_unit_id=project.org_unit_id, project=project,
        number=(last or 0) + 1, person=person, deposit=deposit, note=(note or "")[:300],
        created_by=actor)
    record_event(queue_number, "queue_number.taken", actor=actor, new=str(queue_number.number),
                 note=str(deposit))
    return queue_number


@transaction.atomic
def queue_number_refund(*, actor, queue_number: QueueNumber, note: str) -> QueueNumber:
    """Give the queue deposit back; the number will not be converted."""
    errors: dict[str, list[str]] = {}
    note = _note(note, errors)
    raise_errors(errors)
    return queue_number_transition(actor=actor, queue_number=queue_number,
                                   to=QueueStatus.REFUNDED, note=note)


@transaction.atomic
def queue_number_convert(*, actor, queue_number: QueueNumber, sale_unit: SaleUnit, deposit,
                         quote: Quote | None = None, on: dt.date | None = None,
                         buyer_name: str = "") -> Subscription:
    """After the launch, turn the next waiting number into a subscription of ``sale_unit``;
    the queue deposit is part of the subscription deposit."""
    locked = QueueNumber.objects.select_for_update().select_related("project", "person").get(
        pk=queue_number.pk)
    errors: dict[str, list[str]] = {}
    if locked.project.status != ProjectStatus.ON_SALE:
        add_error(errors, "project_id", _(
            "Project “%(name)s” is not on sale yet: queue numbers are converted after the "
            "launch.") % {"name": locked.project.name})
    first = (QueueNumber.objects.filter(project_id=locked.project_id, status=QueueStatus.WAITING,
                                        number__lt=locked.number)
             .order_by("number").values_list("number", flat=True).first())
    if first is not None:
        add_error(errors, "queue_number_id", _(
            "Queue numbers are converted in order: number %(first)s still waits; convert or "
            "refund it first.") % {"first": first})
    if sale_unit.project_id != locked.project_id:
        add_error(errors, "sale_unit_id", _("Choose a unit of the queue number's project."))
    if deposit is not None and deposit < locked.deposit:
        add_error(errors, "deposit", _(
            "The subscription deposit includes the queue deposit of %(amount)s yuan; enter at "
            "least that.") % {"amount": f"{locked.deposit:,.2f}"})
    raise_errors(errors)
    queue_number_transition(actor=actor, queue_number=locked, to=QueueStatus.CONVERTED)
    subscription = subscription_create(
        actor=actor, sale_unit=sale_unit, person=locked.person, deposit=deposit, quote=quote,
        on=on, buyer_name=buyer_name, queue_number=locked)
    queue_number.status = locked.status
    return subscription


# --- subscriptions --------------------------------------------------------------------------

def _lock_subscribable(sale_unit: SaleUnit, errors, field: str = "sale_unit_id") -> SaleUnit:
    """Lock the unit's row and check that nobody holds it (the lock keeps it so until the end
    of the transaction)."""
    locked = SaleUnit.objects.select_for_update().select_related("unit").get(pk=sale_unit.pk)
    if locked.status not in SUBSCRIBABLE:
        add_error(errors, field, _("Unit %(unit)s is %(status)s and cannot be subscribed.")
                  % {"unit": locked.unit.room_code,
                     "status": SaleStatus(locked.status).label})
    return locked


def _deal_opportunity(opportunity: Opportunity | None, sale_unit: SaleUnit,
                      person: Person | None, errors) -> Opportunity | None:
    """The opportunity a subscription is credited to, its row locked: the one chosen (checked
    against the unit's project, the buyer and its stage), or else the buyer's opportunity of the
    project if it is negotiating or won."""
    if opportunity is None:
        if person is None:
            return None
        return (Opportunity.objects.select_for_update()
                .filter(project_id=sale_unit.project_id, person_id=person.pk,
                        stage__in=DEAL_STAGES).order_by("-stage_entered_at", "-pk").first())
    locked = Opportunity.objects.select_for_update().select_related("person").get(
        pk=opportunity.pk)
    if locked.project_id != sale_unit.project_id:
        add_error(errors, "opportunity_id", _("Choose an opportunity of the unit's project."))
    if person is not None and locked.person_id != person.pk:
        add_error(errors, "person_id", _("The buyer must be the opportunity's customer, "
                                         "%(name)s.") % {"name": locked.person.name})
    if locked.stage not in DEAL_STAGES:
        add_error(errors, "opportunity_id", _(
            "The opportunity is at %(stage)s: a unit is subscribed for it once it is "
            "negotiating.") % {"stage": Stage(locked.stage).label})
    return locked


@transaction.atomic
def subscription_transition(*, actor, subscription: Subscription, to: str, note: str = "",
                            permission: str = "sales.change_subscription",
                            reason=None) -> Subscription:
    """Move a subscription along ``states.SUBSCRIPTION_TRANSITIONS`` (the row locked); a
    cancellation keeps ``note`` and the catalogue's ``reason`` (SAL-4)."""
    require(actor, permission, subscription)
    return move_along(
        subscription, to, table=SUBSCRIPTION_TRANSITIONS, statuses=SubscriptionStatus,
        actor=actor, refusal=_("Subscription %(number)s is %(old)s; it cannot become %(new)s."),
        verb="subscription.status_changed", note=note,
        fields={"cancel_note": note[:500], "lost_reason": reason}
        if to == SubscriptionStatus.CANCELLED else None)


@transaction.atomic
def subscription_create(*, actor, sale_unit: SaleUnit, person: Person | None, deposit,
                        quote: Quote | None = None, on: dt.date | None = None,
                        buyer_name: str = "",
                        queue_number: QueueNumber | None = None,
                        opportunity: Opportunity | None = None) -> Subscription:
    """Reserve ``sale_unit`` for ``person`` with ``deposit``, at the total of ``quote`` (of this
    unit, not waiting for or refused approval) or else at the unit's list price. The sale is
    credited to ``opportunity`` (or the buyer's negotiating opportunity of the project), which
    is won by it."""
    require(actor, "sales.add_subscription", sale_unit)
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    locked = _lock_subscribable(sale_unit, errors)
    _buyer_checks(errors, person, sale_unit.tenant_id)
    # Another company's opportunity is of another project: refused by the project check.
    deal = _deal_opportunity(opportunity, locked, person, errors)
    total = None
    if quote is not None:
        if quote.sale_unit_id != sale_unit.pk:
            add_error(errors, "quote_id", _("Choose a quote of this unit."))
        elif quote.approval in (ApprovalStatus.PENDING, ApprovalStatus.REJECTED):
            add_error(errors, "quote_id", _(
                "Quote %(number)s is below the floor price and %(approval)s; it cannot be "
                "subscribed.") % {"number": quote.number,
                                  "approval": quote.get_approval_display().lower()})
        else:
            total = quote.total
    elif locked.list_total is None:
        add_error(errors, "quote_id", _("Unit %(unit)s has no list price: make a quote first.")
                  % {"unit": locked.unit.room_code})
    else:
        total = locked.list_total
    _money_checks(errors, "deposit", deposit, high=total or MAX_PRICE)
    raise_errors(errors)
    sale_unit_transition(actor=actor, sale_unit=sale_unit, to=SaleStatus.SUBSCRIBED,
                         by_deal=True)
    subscription = Subscription.objects.create(
        tenant_id=sale_unit.tenant_id, org_unit_id=sale_unit.org_unit_id,
        number=next_number(Subscription, sale_unit.tenant_id, f"RG{on:%Y%m%d}-"),
        sale_unit=sale_unit, quote=quote, queue_number=queue_number, person=person,
        buyer_name=(buyer_name or "").strip()[:200] or person.name, subscribed_on=on,
        area=locked.built_area, total=total, deposit=deposit, opportunity=deal,
        created_by=actor)
    record_event(subscription, "subscription.created", actor=actor, new=str(total),
                 note=locked.unit.room_code)
    if deal is not None and deal.stage != Stage.WON:
        opportunity_transition(actor=actor, opportunity=deal, to=Stage.WON, by_deal=True,
                               note=subscription.number)
    return subscription


@transaction.atomic
def subscription_cancel(*, actor, subscription: Subscription, reason, note: str
                        ) -> Subscription:
    """Cancel an active subscription for ``reason`` (the lost-reason catalogue's, SAL-4) told
    in ``note``; the unit goes back on sale."""
    errors: dict[str, list[str]] = {}
    note = _note(note, errors, message=_("Say why the subscription is cancelled."))
    lost_reason_check(reason, record=subscription, applies_to=LostAppliesTo.SUBSCRIPTION,
                      stage="", errors=errors,
                      missing=_("Choose why the subscription is lost."))
    if subscription.status == SubscriptionStatus.CONTRACTED:
        # Its contract holds the unit: only cancelling the contract ends both.
        add_error(errors, "status", _("Subscription %(number)s has a contract: cancel the "
                                      "contract instead.") % {"number": subscription.number})
    raise_errors(errors)
    subscription_transition(actor=actor, subscription=subscription,
                            to=SubscriptionStatus.CANCELLED, note=note, reason=reason)
    sale_unit_transition(actor=actor, sale_unit=subscription.sale_unit,
                         to=SaleStatus.AVAILABLE, note=note, by_deal=True)
    return subscription


# --- changes of a subscription, approved by a manager ---------------------------------------

@transaction.atomic
def subscription_change_request(*, actor, subscription: Subscription, kind: str, reason: str,
                                sale_unit: SaleUnit | None = None, total=None,
                                buyer_name: str = "") -> SubscriptionChange:
    """Ask for a change of unit (``sale_unit``, at ``total`` or its list price), of price
    (``total``) or of buyer name (``buyer_name``); nothing changes until it is approved."""
    require(actor, "sales.change_subscription", subscription)
    subscription = Subscription.objects.select_for_update().select_related(
        "sale_unit__unit").get(pk=subscription.pk)
    errors: dict[str, list[str]] = {}
    reason = _note(reason, errors, "reason", _("Say why the subscription should change."))
    if subscription.status != SubscriptionStatus.ACTIVE:
        add_error(errors, "__all__", _("Only an active subscription can be changed."))
    elif subscription.changes.filter(approval=ApprovalStatus.PENDING).exists():
        add_error(errors, "__all__", _("A change of this subscription already waits for "
                                       "approval."))
    change = SubscriptionChange(tenant_id=subscription.tenant_id,
                                org_unit_id=subscription.org_unit_id,
                                subscription=subscription, kind=kind, reason=reason,
                                requested_by=actor)
    if kind == ChangeKind.UNIT:
        if sale_unit is None or sale_unit.tenant_id != subscription.tenant_id:
            add_error(errors, "sale_unit_id", _("Choose the new unit."))
        else:
            if sale_unit.project_id != subscription.sale_unit.project_id:
                add_error(errors, "sale_unit_id", _("Choose a unit of the same project."))
            elif sale_unit.pk == subscription.sale_unit_id:
                add_error(errors, "sale_unit_id", _("Choose another unit than the current "
                                                    "one."))
            elif sale_unit.status not in SUBSCRIBABLE:
                add_error(errors, "sale_unit_id", _(
                    "Unit %(unit)s is %(status)s and cannot be subscribed.") % {
                    "unit": sale_unit.unit.room_code,
                    "status": SaleStatus(sale_unit.status).label})
            total = total if total is not None else sale_unit.list_total
            if total is None:
                add_error(errors, "total", _("Unit %(unit)s has no list price: enter the "
                                             "price.") % {"unit": sale_unit.unit.room_code})
            change.new_sale_unit = sale_unit
            change.old_value = subscription.sale_unit.unit.room_code
            change.new_value = sale_unit.unit.room_code
    elif kind == ChangeKind.PRICE:
        change.old_value, change.new_value = str(subscription.total), str(total)
    elif kind == ChangeKind.BUYER:
        buyer_name = (buyer_name or "").strip()[:200]
        if not buyer_name:
            add_error(errors, "buyer_name", _("Enter the new buyer name."))
        elif buyer_name == subscription.buyer_name:
            add_error(errors, "buyer_name", _("This is the buyer name already."))
        change.new_buyer_name = buyer_name
        change.old_value, change.new_value = subscription.buyer_name, buyer_name
    else:
        add_error(errors, "kind", _("Choose a valid change."))
    if kind in (ChangeKind.UNIT, ChangeKind.PRICE):
        _money_checks(errors, "total", total, high=MAX_PRICE)
        if total is not None and total > 0 and total < subscription.deposit:
            add_error(errors, "total", _("The price cannot be below the deposit of "
                                         "%(amount)s yuan.") % {
                "amount": f"{subscription.deposit:,.2f}"})
        change.new_total = total
        if kind == ChangeKind.UNIT:
            change.new_value = f"{change.new_value} · {total}"
    raise_errors(errors)
    change.save()
    record_event(subscription, "subscription.change_requested", actor=actor,
                 old=change.old_value, new=change.new_value, note=reason)
    return change


@transaction.atomic
def subscription_change_decide(*, actor, change: SubscriptionChange, approve: bool,
                               note: str = "") -> SubscriptionChange:
    """A manager approves (the change is applied at once) or rejects a requested change."""
    require(actor, "sales.approve_subscription", change.subscription)
    change = SubscriptionChange.objects.select_for_update().get(pk=change.pk)
    if change.approval != ApprovalStatus.PENDING:
        raise ValidationError({"approval": [_("This change does not wait for approval.")]})
    note = (note or "").strip()[:300]
    if not approve and not note:
        raise ValidationError({"decision_note": [_("Say why the change is rejected.")]})
    subscription = Subscription.objects.select_for_update().get(pk=change.subscription_id)
    if approve:
        if subscription.status != SubscriptionStatus.ACTIVE:
            raise ValidationError({"approval": [_("Only an active subscription can be "
                                                  "changed.")]})
        fields = ["updated_at"]
        if change.kind == ChangeKind.UNIT:
            errors: dict[str, list[str]] = {}
            new_unit = _lock_subscribable(change.new_sale_unit, errors)
            raise_errors(errors)
            sale_unit_transition(actor=actor, sale_unit=new_unit, to=SaleStatus.SUBSCRIBED,
                                 note=subscription.number, by_deal=True)
            sale_unit_transition(actor=actor, sale_unit=subscription.sale_unit,
                                 to=SaleStatus.AVAILABLE, note=subscription.number,
                                 by_deal=True)
            subscription.sale_unit, subscription.area = new_unit, new_unit.built_area
            subscription.quote = None
            fields += ["sale_unit", "area", "quote"]
        if change.kind in (ChangeKind.UNIT, ChangeKind.PRICE):
            subscription.total = change.new_total
            fields.append("total")
        if change.kind == ChangeKind.BUYER:
            subscription.buyer_name = change.new_buyer_name
            fields.append("buyer_name")
        subscription.save(update_fields=fields)
    change.approval = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), note
    change.save(update_fields=["approval", "decided_by", "decided_at", "decision_note",
                               "updated_at"])
    record_event(subscription, "subscription.change_approved" if approve
                 else "subscription.change_rejected", actor=actor, old=change.old_value,
                 new=change.new_value, note=note)
    return change
