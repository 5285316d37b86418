"""API of sales deals (SAL-3): queue numbers, subscriptions and their changes, contracts with
their payment plans, online filing and area settlement, and payments.

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (ValidationErrors become 422 with fields, PermissionDenied 403). Ids in a payload
that the caller cannot see are refused as invalid fields.
"""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.selectors import people as people_selectors
from linli.sales import selectors, services
from linli.sales.api.shared import filters_dict, found
from linli.sales.choices import ChangeKind, LineKind, PaymentMethod, PlanKind
from linli.sales.models import Contract, Payment, QueueNumber, Subscription
from linli.sales.states import ContractStatus, QueueStatus, SubscriptionStatus

router = Router(tags=["sales"])
MONEY = {"max_digits": 14, "decimal_places": 2}


def _person(actor, pk):
    return found(people_selectors.person_find(actor, pk), "person_id",
                 _("Choose a person you can see."))


def _sale_unit(actor, pk):
    return found(selectors.sale_unit_find(actor, pk), "sale_unit_id",
                 _("Choose a unit on sale you can see."))


def _quote(actor, pk):
    if pk is None:
        return None
    return found(selectors.quote_list(actor).filter(pk=pk).first(), "quote_id",
                 _("Choose a quote you can see."))


def _opportunity(actor, pk):
    if pk is None:
        return None
    return found(selectors.opportunity_list(actor).filter(pk=pk).first(), "opportunity_id",
                 _("Choose an opportunity you can see."))


def _lost_reason(actor, pk: int):
    return found(selectors.lost_reason_find(actor, pk), "reason_id",
                 _("Choose a lost reason of the catalogue."))


# --- queue numbers --------------------------------------------------------------------------

class QueueNumberOut(Schema):
    id: int
    project_id: int
    number: int
    person_id: int
    deposit: Decimal
    status: str
    note: str
    created_at: dt.datetime


class QueueNumberIn(Schema):
    project_id: Id
    person_id: Id
    deposit: Decimal = Field(..., **MONEY)
    note: str = Field("", max_length=300)


class QueueNumberFilters(Schema):
    project: Id | None = None
    status: QueueStatus | None = None


class QueueRefundIn(Schema):
    note: str = Field(..., max_length=300)


class QueueConvertIn(Schema):
    sale_unit_id: Id
    deposit: Decimal = Field(..., **MONEY)
    quote_id: Id | None = None
    on: dt.date | None = None


@router.get("/queue-numbers", response=list[QueueNumberOut], summary="Queue numbers")
@scoped(QueueNumber, "list")
@paginate(PagePagination)
def queue_number_list(request, filters: Query[QueueNumberFilters]):
    return selectors.queue_number_list(request.auth, filters_dict(filters))


@router.get("/queue-numbers/{queue_number_id}", response=QueueNumberOut,
            summary="One queue number")
@scoped(QueueNumber, "detail")
def queue_number_detail(request, queue_number_id: PathId):
    return selectors.queue_number_get(request.auth, queue_number_id)


@router.post("/queue-numbers", response={201: QueueNumberOut},
             summary="Give a customer the project's next queue number (before the launch)")
def queue_number_take(request, payload: QueueNumberIn):
    actor = request.auth
    project = found(selectors.project_find(actor, payload.project_id), "project_id",
                    _("Choose a sales project you can see."))
    queue_number = services.queue_number_take(
        actor=actor, project=project, person=_person(actor, payload.person_id),
        deposit=payload.deposit, note=payload.note)
    return Status(201, selectors.queue_number_get(actor, queue_number.pk))


@router.post("/queue-numbers/{queue_number_id}/refund", response=QueueNumberOut,
             summary="Refund a queue deposit")
def queue_number_refund(request, queue_number_id: PathId, payload: QueueRefundIn):
    actor = request.auth
    queue_number = selectors.queue_number_get(actor, queue_number_id)
    services.queue_number_refund(actor=actor, queue_number=queue_number, note=payload.note)
    return selectors.queue_number_get(actor, queue_number_id)


# --- subscriptions --------------------------------------------------------------------------

class SubscriptionOut(Schema):
    id: int
    number: str
    sale_unit_id: int
    room_code: str = Field(..., alias="sale_unit.unit.room_code")
    quote_id: int | None
    queue_number_id: int | None
    person_id: int
    opportunity_id: int | None = Field(None, description="The opportunity the sale is "
                                       "credited to; subscribing wins it")
    buyer_name: str
    subscribed_on: dt.date
    area: Decimal
    total: Decimal
    deposit: Decimal
    status: str
    cancel_note: str
    lost_reason_id: int | None = Field(None, description="Why it was lost (SAL-4)")
    created_at: dt.datetime


class SubscriptionIn(Schema):
    sale_unit_id: Id
    person_id: Id
    deposit: Decimal = Field(..., **MONEY)
    quote_id: Id | None = Field(None, description="Default: the unit's list price")
    buyer_name: str = Field("", max_length=200, description="Default: the person's name")
    on: dt.date | None = Field(None, description="Default: today")
    opportunity_id: Id | None = Field(
        None, description="The buyer's opportunity (negotiating or won) the sale is credited "
        "to; default: the buyer's negotiating or won opportunity of the project, if any")


class SubscriptionFilters(Schema):
    project: Id | None = None
    sale_unit: Id | None = None
    opportunity: Id | None = None
    status: SubscriptionStatus | None = None
    q: str | None = Field(None, max_length=100, description="Number prefix or buyer name")


class SubscriptionCancelIn(Schema):
    reason_id: Id = Field(..., description="A lost reason of the catalogue for subscriptions")
    note: str = Field(..., max_length=500, description="Why the subscription is cancelled")


class SubscriptionChangeIn(Schema):
    kind: ChangeKind
    reason: str = Field(..., max_length=500)
    sale_unit_id: Id | None = Field(None, description="The new unit (change of unit)")
    total: Decimal | None = Field(None, **MONEY, description="The new price")
    buyer_name: str = Field("", max_length=200, description="The new buyer name")


class SubscriptionChangeOut(Schema):
    id: int
    subscription_id: int
    kind: str
    old_value: str
    new_value: str
    reason: str
    approval: str
    requested_by_id: int | None
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str


class SubscriptionChangeDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)


@router.get("/subscriptions", response=list[SubscriptionOut], summary="Subscriptions")
@scoped(Subscription, "list")
@paginate(PagePagination)
def subscription_list(request, filters: Query[SubscriptionFilters]):
    return selectors.subscription_list(request.auth, filters_dict(filters))


@router.get("/subscriptions/{subscription_id}", response=SubscriptionOut,
            summary="One subscription")
@scoped(Subscription, "detail")
def subscription_detail(request, subscription_id: PathId):
    return selectors.subscription_get(request.auth, subscription_id)


@router.post("/subscriptions", response={201: SubscriptionOut},
             summary="Reserve a unit for a buyer with a deposit")
def subscription_create(request, payload: SubscriptionIn):
    actor = request.auth
    sale_unit = _sale_unit(actor, payload.sale_unit_id)
    subscription = services.subscription_create(
        actor=actor, sale_unit=sale_unit, person=_person(actor, payload.person_id),
        deposit=payload.deposit, quote=_quote(actor, payload.quote_id), on=payload.on,
        buyer_name=payload.buyer_name, opportunity=_opportunity(actor, payload.opportunity_id))
    return Status(201, selectors.subscription_get(actor, subscription.pk))


@router.post("/queue-numbers/{queue_number_id}/convert", response={201: SubscriptionOut},
             summary="Turn the next waiting queue number into a subscription")
def queue_number_convert(request, queue_number_id: PathId, payload: QueueConvertIn):
    actor = request.auth
    queue_number = selectors.queue_number_get(actor, queue_number_id)
    subscription = services.queue_number_convert(
        actor=actor, queue_number=queue_number, sale_unit=_sale_unit(actor, payload.sale_unit_id),
        deposit=payload.deposit, quote=_quote(actor, payload.quote_id), on=payload.on)
    return Status(201, selectors.subscription_get(actor, subscription.pk))


@router.post("/subscriptions/{subscription_id}/cancel", response=SubscriptionOut,
             summary="Cancel a subscription; the unit goes back on sale")
def subscription_cancel(request, subscription_id: PathId, payload: SubscriptionCancelIn):
    actor = request.auth
    subscription = selectors.subscription_get(actor, subscription_id)
    services.subscription_cancel(actor=actor, subscription=subscription,
                                 reason=_lost_reason(actor, payload.reason_id),
                                 note=payload.note)
    return selectors.subscription_get(actor, subscription_id)


@router.post("/subscriptions/{subscription_id}/changes", response={201: SubscriptionChangeOut},
             summary="Ask for a change of unit, price or buyer name (a manager approves)")
def subscription_change_request(request, subscription_id: PathId,
                                payload: SubscriptionChangeIn):
    actor = request.auth
    subscription = selectors.subscription_get(actor, subscription_id)
    sale_unit = (_sale_unit(actor, payload.sale_unit_id) if payload.sale_unit_id is not None
                 else None)
    change = services.subscription_change_request(
        actor=actor, subscription=subscription, kind=payload.kind.value, reason=payload.reason,
        sale_unit=sale_unit, total=payload.total, buyer_name=payload.buyer_name)
    return Status(201, change)


@router.post("/subscription-changes/{change_id}/decision", response=SubscriptionChangeOut,
             summary="Approve or reject a change of a subscription")
def subscription_change_decide(request, change_id: PathId,
                               payload: SubscriptionChangeDecisionIn):
    actor = request.auth
    change = selectors.subscription_change_get(actor, change_id)
    return services.subscription_change_decide(actor=actor, change=change,
                                               approve=payload.approve, note=payload.note)


# --- contracts ------------------------------------------------------------------------------

class PlanLineOut(Schema):
    id: int
    seq: int
    kind: str
    due_on: dt.date
    amount: Decimal
    paid: Decimal
    receivable: Decimal


class ContractOut(Schema):
    id: int
    number: str
    subscription_id: int
    sale_unit_id: int
    room_code: str = Field(..., alias="sale_unit.unit.room_code")
    person_id: int
    buyer_name: str
    signed_on: dt.date
    area: Decimal
    total: Decimal
    unit_price: Decimal
    received: Decimal
    plan_kind: str
    loan_amount: Decimal | None
    bank: str
    down_payment: Decimal | None
    status: str
    filing_number: str
    filed_on: dt.date | None
    measured_area: Decimal | None
    settlement_amount: Decimal | None
    developer_borne: Decimal | None
    settled_on: dt.date | None
    cancel_note: str
    lost_reason_id: int | None = Field(None, description="Why it was lost (SAL-4)")

    @staticmethod
    def resolve_received(obj) -> Decimal:
        # A sum reads back unscaled on SQLite; to the fen like every amount.
        return (obj.received or Decimal(0)).quantize(Decimal("0.01"))


class ContractDetailOut(ContractOut):
    lines: list[PlanLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


class PlanLineIn(Schema):
    kind: LineKind
    due_on: dt.date
    amount: Decimal = Field(..., **MONEY)


class ContractIn(Schema):
    subscription_id: Id
    plan_kind: PlanKind
    lines: list[PlanLineIn] = Field(..., max_length=60)
    signed_on: dt.date | None = Field(None, description="Default: today")
    loan_amount: Decimal | None = Field(None, **MONEY)
    bank: str = Field("", max_length=100)
    down_payment: Decimal | None = Field(None, **MONEY)


class ContractFilters(Schema):
    project: Id | None = None
    sale_unit: Id | None = None
    status: ContractStatus | None = None
    plan_kind: PlanKind | None = None
    q: str | None = Field(None, max_length=100, description="Number prefix or buyer name")


class ContractFilingIn(Schema):
    filing_number: str = Field(..., max_length=50)
    filed_on: dt.date | None = None


class ContractSettlementIn(Schema):
    measured_area: Decimal = Field(..., max_digits=9, decimal_places=2)
    on: dt.date | None = None


class ContractCancelIn(Schema):
    reason_id: Id = Field(..., description="A lost reason of the catalogue for contracts")
    note: str = Field(..., max_length=500)


@router.get("/contracts", response=list[ContractOut], summary="Contracts")
@scoped(Contract, "list")
@paginate(PagePagination)
def contract_list(request, filters: Query[ContractFilters]):
    return selectors.contract_list(request.auth, filters_dict(filters))


@router.get("/contracts/{contract_id}", response=ContractDetailOut,
            summary="One contract with its payment plan and what each line still receives")
@scoped(Contract, "detail")
def contract_detail(request, contract_id: PathId):
    return selectors.contract_get(request.auth, contract_id)


@router.post("/contracts", response={201: ContractDetailOut},
             summary="Sign the contract of a subscription with its payment plan")
def contract_create(request, payload: ContractIn):
    actor = request.auth
    subscription = found(selectors.subscription_find(actor, payload.subscription_id),
                         "subscription_id", _("Choose a subscription you can see."))
    contract = services.contract_create(
        actor=actor, subscription=subscription, plan_kind=payload.plan_kind.value,
        lines=[services.LineIn(line.kind.value, line.due_on, line.amount)
               for line in payload.lines],
        signed_on=payload.signed_on, loan_amount=payload.loan_amount, bank=payload.bank,
        down_payment=payload.down_payment)
    return Status(201, selectors.contract_get(actor, contract.pk))


@router.post("/contracts/{contract_id}/filing", response=ContractDetailOut,
             summary="Record the online filing (网上备案) of a contract")
def contract_file(request, contract_id: PathId, payload: ContractFilingIn):
    actor = request.auth
    contract = selectors.contract_get(actor, contract_id)
    services.contract_file(actor=actor, contract=contract, filing_number=payload.filing_number,
                           filed_on=payload.filed_on)
    return selectors.contract_get(actor, contract_id)


@router.post("/contracts/{contract_id}/settlement", response=ContractDetailOut,
             summary="Settle the price for the measured area (面积补差)")
def contract_settle(request, contract_id: PathId, payload: ContractSettlementIn):
    actor = request.auth
    contract = selectors.contract_get(actor, contract_id)
    services.contract_settle(actor=actor, contract=contract,
                             measured_area=payload.measured_area, on=payload.on)
    return selectors.contract_get(actor, contract_id)


@router.post("/contracts/{contract_id}/cancel", response=ContractDetailOut,
             summary="Cancel a contract; the unit goes back on sale")
def contract_cancel(request, contract_id: PathId, payload: ContractCancelIn):
    actor = request.auth
    contract = selectors.contract_get(actor, contract_id)
    services.contract_cancel(actor=actor, contract=contract,
                             reason=_lost_reason(actor, payload.reason_id), note=payload.note)
    return selectors.contract_get(actor, contract_id)


# --- payments -------------------------------------------------------------------------------

class PaymentOut(Schema):
    id: int
    contract_id: int
    line_id: int
    line_seq: int = Field(..., alias="line.seq")
    paid_on: dt.date
    amount: Decimal
    method: str
    reference: str
    created_by_id: int | None
    created_at: dt.datetime


class PaymentIn(Schema):
    contract_id: Id
    line_id: Id | None = Field(None, description="Default: the first line with a balance")
    amount: Decimal = Field(..., **MONEY)
    paid_on: dt.date | None = None
    method: PaymentMethod = PaymentMethod.TRANSFER
    reference: str = Field("", max_length=100)


class PaymentFilters(Schema):
    contract: Id | None = None
    method: PaymentMethod | None = None


@router.get("/payments", response=list[PaymentOut], summary="Payments")
@scoped(Payment, "list")
@paginate(PagePagination)
def payment_list(request, filters: Query[PaymentFilters]):
    return selectors.payment_list(request.auth, filters_dict(filters))


@router.get("/payments/{payment_id}", response=PaymentOut, summary="One payment")
@scoped(Payment, "detail")
def payment_detail(request, payment_id: PathId):
    return selectors.payment_get(request.auth, payment_id)


@router.post("/payments", response={201: PaymentOut},
             summary="Record a payment against a line of a contract's plan")
def payment_record(request, payload: PaymentIn):
    actor = request.auth
    contract = found(selectors.contract_find(actor, payload.contract_id), "contract_id",
                     _("Choose a contract you can see."))
    line = None
    if payload.line_id is not None:
        line = found(selectors.plan_line_find(actor, contract, payload.line_id), "line_id",
                     _("Choose a line of this contract's plan."))
    payment = services.payment_record(
        actor=actor, contract=contract, line=line, amount=payload.amount,
        paid_on=payload.paid_on, method=payload.method.value, reference=payload.reference)
    return Status(201, selectors.payment_get(actor, payment.pk))
