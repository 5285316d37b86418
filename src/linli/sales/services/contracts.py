"""Writes of contracts (签约), their payment plans and payments, online filing (网上备案) and
the area settlement (面积补差) (SAL-3).

A contract is converted from an active subscription at its price, with a payment plan whose
lines add up to that price exactly: one full payment, instalments, or a mortgage (down payment
lines and one loan line from a bank). The subscription deposit is carried over as the first
payment. A payment goes against one line and never above what that line still has to receive.
Filing and cancelling move the unit through ``sale_unit_transition``; the contract's own moves
go through ``contract_transition`` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.sales import settlement
from linli.sales.choices import LineKind, PaymentMethod, PlanKind
from linli.sales.models import MAX_AREA, MIN_AREA, Contract, Payment, PlanLine, Subscription
from linli.sales.services.projects import sale_unit_transition
from linli.sales.services.shared import (
    add_error,
    lost_reason_check,
    move_along,
    next_number,
    raise_errors,
    require,
)
from linli.sales.services.subscriptions import MAX_PRICE, subscription_transition
from linli.sales.states import (
    CONTRACT_TRANSITIONS,
    ContractStatus,
    LostAppliesTo,
    SaleStatus,
    SubscriptionStatus,
)

MAX_LINES = 60
# A measured area more than this far off the contract's is a typing error, not a settlement.
MAX_AREA_ERROR = Decimal("0.5")
# The kinds of line each payment plan is made of.
PLAN_KINDS = {
    PlanKind.FULL: (LineKind.FULL,),
    PlanKind.INSTALMENTS: (LineKind.INSTALMENT,),
    PlanKind.MORTGAGE: (LineKind.DOWN_PAYMENT, LineKind.LOAN),
}


@dataclass(frozen=True)
class LineIn:
    kind: str
    due_on: dt.date
    amount: Decimal


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _plan_checks(errors, *, plan_kind: str, total: Decimal, signed_on: dt.date,
                 lines: list[LineIn], loan_amount, bank: str, down_payment) -> None:
    if plan_kind not in PlanKind.values:
        add_error(errors, "plan_kind", _("Choose a valid payment plan."))
        return
    if not lines:
        add_error(errors, "lines", _("Enter the lines of the payment plan."))
        return
    if len(lines) > MAX_LINES:
        add_error(errors, "lines", _("A plan has at most %(max)s lines.") % {"max": MAX_LINES})
        return
    allowed = PLAN_KINDS[plan_kind]
    for n, line in enumerate(lines, 1):
        if line.kind not in allowed:
            add_error(errors, "lines", _("Line %(n)s: a %(plan)s plan has no %(kind)s line.")
                      % {"n": n, "plan": PlanKind(plan_kind).label.lower(),
                         "kind": LineKind(line.kind).label.lower()
                         if line.kind in LineKind.values else line.kind})
        if line.amount is None or not (Decimal(0) < line.amount <= MAX_PRICE):
            add_error(errors, "lines", _("Line %(n)s: an amount must be above 0.")
                      % {"n": n})
        if line.due_on is None or line.due_on < signed_on:
            add_error(errors, "lines", _("Line %(n)s: the due day cannot come before the "
                                         "signing day.") % {"n": n})
    if errors:
        return
    planned = sum((line.amount for line in lines), Decimal(0))
    if planned != total:
        add_error(errors, "lines", _(
            "The plan's lines add up to %(planned)s yuan, not the price of %(total)s yuan.")
            % {"planned": _yuan(planned), "total": _yuan(total)})
    if plan_kind == PlanKind.FULL and len(lines) != 1:
        add_error(errors, "lines", _("A full payment is one line."))
    if plan_kind == PlanKind.INSTALMENTS and len(lines) < 2:
        add_error(errors, "lines", _("Instalments are at least two lines."))
    if plan_kind == PlanKind.MORTGAGE:
        loans = [line for line in lines if line.kind == LineKind.LOAN]
        down = sum((line.amount for line in lines if line.kind == LineKind.DOWN_PAYMENT),
                   Decimal(0))
        if not (bank or "").strip():
            add_error(errors, "bank", _("Enter the lending bank."))
        if len(loans) != 1:
            add_error(errors, "lines", _("A mortgage plan has one loan line."))
        elif loan_amount is None or loans[0].amount != loan_amount:
            add_error(errors, "loan_amount", _("The loan amount must be the loan line's "
                                               "amount."))
        if down_payment is None or down != down_payment or down_payment <= 0:
            add_error(errors, "down_payment", _(
                "The down payment must be above 0 and the sum of the down-payment lines "
                "(%(amount)s yuan).") % {"amount": _yuan(down)})


@transaction.atomic
def contract_transition(*, actor, contract: Contract, to: str, note: str = "",
                        fields: dict | None = None) -> Contract:
    """Move a contract along ``states.CONTRACT_TRANSITIONS`` (the row locked), writing
    ``fields`` (filing number and day, the reason for cancelling) with it."""
    require(actor, "sales.change_contract", contract)
    return move_along(
        contract, to, table=CONTRACT_TRANSITIONS, statuses=ContractStatus, actor=actor,
        refusal=_("Contract %(number)s is %(old)s; it cannot become %(new)s."),
        verb="contract.status_changed", note=note, fields=fields)


@transaction.atomic
def contract_create(*, actor, subscription: Subscription, plan_kind: str, lines: list[LineIn],
                    signed_on: dt.date | None = None, loan_amount=None, bank: str = "",
                    down_payment=None) -> Contract:
    """Sign the contract of an active subscription with its payment plan; the deposit is
    carried over as the first payment (spread over the lines in order)."""
    require(actor, "sales.add_contract", subscription)
    signed_on = signed_on or timezone.localdate()
    subscription = Subscription.objects.select_for_update().select_related(
        "sale_unit__unit").get(pk=subscription.pk)
    errors: dict[str, list[str]] = {}
    if subscription.status != SubscriptionStatus.ACTIVE:
        add_error(errors, "subscription_id", _(
            "Subscription %(number)s is %(status)s; only an active subscription becomes a "
            "contract.") % {"number": subscription.number,
                            "status": subscription.get_status_display().lower()})
    if signed_on < subscription.subscribed_on:
        add_error(errors, "signed_on", _("A contract cannot be signed before its "
                                         "subscription."))
    raise_errors(errors)
    lines = list(lines)
    _plan_checks(errors, plan_kind=plan_kind, total=subscription.total, signed_on=signed_on,
                 lines=lines, loan_amount=loan_amount, bank=bank, down_payment=down_payment)
    raise_errors(errors)
    mortgage = plan_kind == PlanKind.MORTGAGE
    subscription_transition(actor=actor, subscription=subscription,
                            to=SubscriptionStatus.CONTRACTED, permission="sales.add_contract")
    sale_unit_transition(actor=actor, sale_unit=subscription.sale_unit,
                         to=SaleStatus.CONTRACTED, note=subscription.number, by_deal=True)
    contract = Contract.objects.create(
        tenant_id=subscription.tenant_id, org_unit_id=subscription.org_unit_id,
        number=next_number(Contract, subscription.tenant_id, f"HT{signed_on:%Y%m%d}-"),
        subscription=subscription, sale_unit=subscription.sale_unit,
        person_id=subscription.person_id, buyer_name=subscription.buyer_name,
        signed_on=signed_on, area=subscription.area, total=subscription.total,
        unit_price=settlement.unit_price(subscription.total, subscription.area),
        plan_kind=plan_kind, loan_amount=loan_amount if mortgage else None,
        bank=(bank or "").strip()[:100] if mortgage else "",
        down_payment=down_payment if mortgage else None, created_by=actor)
    rows = PlanLine.objects.bulk_create([
        PlanLine(tenant_id=contract.tenant_id, org_unit_id=contract.org_unit_id,
                 contract=contract, seq=n, kind=line.kind, due_on=line.due_on,
                 amount=line.amount) for n, line in enumerate(lines, 1)])
    record_event(contract, "contract.signed", actor=actor, new=str(contract.total),
                 note=PlanKind(plan_kind).label)
    left = subscription.deposit
    for row in rows:
        if left <= 0:
            break
        part = min(left, row.amount)
        _pay(actor=actor, contract=contract, line=row, amount=part, paid_on=signed_on,
             method=PaymentMethod.DEPOSIT, reference=subscription.number)
        left -= part
    return contract


def _pay(*, actor, contract, line, amount, paid_on, method, reference) -> Payment:
    payment = Payment.objects.create(
        tenant_id=contract.tenant_id, org_unit_id=contract.org_unit_id, contract=contract,
        line=line, paid_on=paid_on, amount=amount, method=method, reference=reference[:100],
        created_by=actor)
    PlanLine.objects.filter(pk=line.pk).update(paid=F("paid") + amount)
    record_event(contract, "contract.payment_recorded", actor=actor, new=str(amount),
                 note=f"{line.seq} · {PaymentMethod(method).label}")
    return payment


@transaction.atomic
def payment_record(*, actor, contract: Contract, line: PlanLine | None, amount,
                   paid_on: dt.date | None = None, method: str = PaymentMethod.TRANSFER,
                   reference: str = "") -> Payment:
    """Record ``amount`` received against ``line`` of the contract's plan (default: the first
    line with something left to receive); never above what the line has left."""
    require(actor, "sales.add_payment", contract)
    paid_on = paid_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if contract.status == ContractStatus.CANCELLED:
        add_error(errors, "__all__", _("Contract %(number)s is cancelled; no payment can be "
                                       "recorded.") % {"number": contract.number})
    if method not in PaymentMethod.values or method == PaymentMethod.DEPOSIT:
        add_error(errors, "method", _("Choose a valid payment method."))
    if amount is None or amount <= 0:
        add_error(errors, "amount", _("A payment must be above 0."))
    raise_errors(errors)
    lines = PlanLine.objects.select_for_update().filter(contract=contract).order_by("seq")
    if line is None:
        line = next((row for row in lines if row.paid < row.amount), None)
        if line is None:
            raise ValidationError({"amount": [_("Contract %(number)s is paid in full.")
                                              % {"number": contract.number}]})
    else:
        line = next((row for row in lines if row.pk == line.pk), None)
        if line is None:
            raise ValidationError({"line_id": [_("Choose a line of this contract's plan.")]})
    if amount > line.receivable:
        raise ValidationError({"amount": [_(
            "The payment of %(amount)s yuan is above the balance of line %(seq)s "
            "(%(balance)s yuan).") % {"amount": _yuan(amount), "seq": line.seq,
                                       "balance": _yuan(line.receivable)}]})
    return _pay(actor=actor, contract=contract, line=line, amount=amount, paid_on=paid_on,
                method=method, reference=(reference or "").strip())


@transaction.atomic
def contract_file(*, actor, contract: Contract, filing_number: str,
                  filed_on: dt.date | None = None) -> Contract:
    """Record the online filing (网上备案) of a signed contract; the unit becomes filed."""
    filing_number = (filing_number or "").strip()
    filed_on = filed_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not filing_number:
        add_error(errors, "filing_number", _("Enter the filing number."))
    if filed_on < contract.signed_on:
        add_error(errors, "filed_on", _("A contract cannot be filed before it is signed."))
    raise_errors(errors)
    contract_transition(actor=actor, contract=contract, to=ContractStatus.FILED,
                        note=filing_number, fields={"filing_number": filing_number[:50],
                                                    "filed_on": filed_on})
    sale_unit_transition(actor=actor, sale_unit=contract.sale_unit, to=SaleStatus.FILED,
                         note=contract.number, by_deal=True)
    return contract


@transaction.atomic
def contract_cancel(*, actor, contract: Contract, reason, note: str) -> Contract:
    """Cancel a contract for ``reason`` (the lost-reason catalogue's, SAL-4) told in ``note``:
    a signed one at any time, a filed one only when the buyer withdraws over an area error
    beyond 3%. The unit goes back on sale and the subscription ends with it; refunds are paid
    outside."""
    require(actor, "sales.change_contract", contract)
    note = (note or "").strip()[:500]
    errors: dict[str, list[str]] = {}
    if not note:
        add_error(errors, "note", _("Say why the contract is cancelled."))
    lost_reason_check(reason, record=contract, applies_to=LostAppliesTo.CONTRACT, stage="",
                      errors=errors, missing=_("Choose why the contract is lost."))
    raise_errors(errors)
    # The 3% rule is read on the locked row (the transition below locks it again, a no-op).
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    if current.status == ContractStatus.FILED and not settlement.may_withdraw(current):
        raise ValidationError({"status": [_(
            "Contract %(number)s is filed: it can be cancelled only when the measured area is "
            "more than 3%% off the contract's.") % {"number": current.number}]})
    contract_transition(actor=actor, contract=contract, to=ContractStatus.CANCELLED, note=note,
                        fields={"cancel_note": note, "lost_reason": reason})
    subscription_transition(actor=actor, subscription=contract.subscription,
                            to=SubscriptionStatus.CANCELLED, note=note,
                            permission="sales.change_contract")
    sale_unit_transition(actor=actor, sale_unit=contract.sale_unit, to=SaleStatus.AVAILABLE,
                         note=note, by_deal=True)
    return contract


@transaction.atomic
def contract_settle(*, actor, contract: Contract, measured_area,
                    on: dt.date | None = None) -> settlement.Settlement:
    """Settle the price for the measured area (面积补差) by the statutory rule of
    ``linli.sales.settlement``; an amount the buyer pays becomes a plan line due ``on``."""
    require(actor, "sales.change_contract", contract)
    on = on or timezone.localdate()
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    errors: dict[str, list[str]] = {}
    if contract.status == ContractStatus.CANCELLED:
        add_error(errors, "__all__", _("Contract %(number)s is cancelled.")
                  % {"number": contract.number})
    elif contract.settled_on is not None:
        add_error(errors, "__all__", _("Contract %(number)s was settled on %(day)s already.")
                  % {"number": contract.number, "day": contract.settled_on})
    if measured_area is None or not (MIN_AREA <= measured_area <= MAX_AREA):
        add_error(errors, "measured_area", _("An area must be between %(low)s and %(high)s m².")
                  % {"low": MIN_AREA, "high": MAX_AREA})
    elif abs(measured_area - contract.area) > contract.area * MAX_AREA_ERROR:
        add_error(errors, "measured_area", _(
            "A measured area of %(measured)s m² is more than half off the contract's "
            "%(area)s m²; check the figure.") % {"measured": measured_area,
                                                 "area": contract.area})
    raise_errors(errors)
    result = settlement.settle(contract_area=contract.area, measured_area=measured_area,
                               price=contract.unit_price)
    contract.measured_area, contract.settled_on = measured_area, on
    contract.settlement_amount, contract.developer_borne = result.amount, result.developer_borne
    contract.save(update_fields=["measured_area", "settled_on", "settlement_amount",
                                 "developer_borne", "updated_at"])
    if result.amount > 0:
        seq = (contract.lines.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        PlanLine.objects.create(tenant_id=contract.tenant_id, org_unit_id=contract.org_unit_id,
                                contract=contract, seq=seq, kind=LineKind.SETTLEMENT,
                                due_on=on, amount=result.amount)
    record_event(contract, "contract.area_settled", actor=actor, old=str(contract.area),
                 new=str(measured_area), note=f"{result.error_percent}% · {result.amount}")
    return result
