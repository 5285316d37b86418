"""Paid services (SVC-12): a price is quoted, the customer accepts or declines, and the charge
is recorded for billing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.servicedesk.choices import OrderType, QuoteStatus
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.states import FINAL, Status

CENT = Decimal("0.01")


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        raise shared.invalid(field, _("Enter an amount in yuan, e.g. 120.00.")) from None
    if amount <= 0 or amount >= Decimal("10000000000"):
        raise shared.invalid(field, _("Enter an amount above zero."))
    return amount


def _paid_order(order: WorkOrder, actor) -> WorkOrder:
    locked = shared.lock(order)
    shared.require_any(actor, ("change_workorder", "assign_workorder", "work_workorder"),
                       locked)
    if locked.order_type != OrderType.PAID_SERVICE:
        raise shared.invalid("order_type", _("Only paid-service orders are quoted."))
    return locked


def work_order_quote(order: WorkOrder, *, actor, amount, note: str = "") -> WorkOrder:
    with transaction.atomic():
        locked = _paid_order(order, actor)
        if locked.status in FINAL or locked.quote_status in (QuoteStatus.ACCEPTED,
                                                            QuoteStatus.CHARGED):
            raise shared.invalid("quote_amount", _("The quote can no longer be changed."))
        locked.quote_amount = _money(amount, "quote_amount")
        locked.quote_note = (note or "").strip()[:200]
        locked.quote_status = QuoteStatus.QUOTED
        locked.save(update_fields=["quote_amount", "quote_note", "quote_status", "updated_at"])
        record_event(locked, "work_order.quoted", actor=actor, new=str(locked.quote_amount),
                     note=locked.quote_note)
    return locked


def work_order_quote_answer(order: WorkOrder, *, actor, accepted: bool) -> WorkOrder:
    with transaction.atomic():
        locked = _paid_order(order, actor)
        if locked.quote_status != QuoteStatus.QUOTED:
            raise shared.invalid("quote_status", _("There is no open quote to answer."))
        locked.quote_status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.DECLINED
        locked.save(update_fields=["quote_status", "updated_at"])
        record_event(locked, "work_order.quote_accepted" if accepted else
                     "work_order.quote_declined", actor=actor, new=str(locked.quote_amount))
    return locked


def work_order_charge(order: WorkOrder, *, actor, amount=None) -> WorkOrder:
    """Record the charge of an accepted quote once the work is resolved (for billing, OPS-4)."""
    with transaction.atomic():
        locked = _paid_order(order, actor)
        if locked.quote_status != QuoteStatus.ACCEPTED:
            raise shared.invalid("quote_status", _("Only an accepted quote is charged."))
        if locked.status not in (Status.RESOLVED, Status.CALLBACK, Status.CLOSED):
            raise shared.invalid("status", _("Charge the service once the work is resolved."))
        locked.charge_amount = (_money(amount, "charge_amount") if amount is not None
                                else locked.quote_amount)
        locked.charged_at = timezone.now()
        locked.quote_status = QuoteStatus.CHARGED
        locked.save(update_fields=["charge_amount", "charged_at", "quote_status", "updated_at"])
        record_event(locked, "work_order.charged", actor=actor, new=str(locked.charge_amount))
    return locked
