"""The moves of a work order (SVC-5 … SVC-12): one POST /work-orders/{id}/{action} each, with
its own small input, answering the updated order.

A move that the order's status does not allow answers 422 with code "invalid_transition" and
the service's message; a caller without the right answers 403; an order the caller cannot see
answers 404. Two moves on one order at once are serialised by the services' row lock.
"""

from decimal import Decimal

from ninja import Field, Router, Schema

from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.api.work_orders import WorkOrderDetailOut, answer
from linli.servicedesk.choices import CallbackOutcome, WaitingOn

router = Router(tags=["service desk"])

NOTE = 1000
REASON = 500


class NoteIn(Schema):
    note: str = Field("", max_length=NOTE)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=REASON)


class VerifyIn(Schema):
    person_id: Id = Field(description="The person who asked")
    unit_id: Id | None = Field(None, description="Required when the order is about a private "
                                                 "unit that it does not name yet")


class DispatchIn(NoteIn):
    department_id: Id
    handler_id: Id | None = Field(None, description="Default: the department's supervisor")


class AssignIn(NoteIn):
    handler_id: Id


class TransferIn(ReasonIn):
    department_id: Id
    handler_id: Id | None = Field(None, description="Default: the department's supervisor")


class ScheduleIn(NoteIn):
    appointment_at: lookups.Moment = Field(
        description="ISO 8601; without an offset it is read as Beijing time")


class WaitIn(ReasonIn):
    waiting_on: WaitingOn


class ResolveIn(Schema):
    resolution: str = Field(..., max_length=5000)
    interim_measure: str = Field("", max_length=5000,
                                 description="When the fix is not final (SVC-3)")
    committed_at: lookups.Moment | None = Field(None, description="The committed fix time")


class CallbackIn(Schema):
    outcome: CallbackOutcome
    satisfaction: int | None = Field(None, ge=1, le=5,
                                     description="1–5; only when the outcome is done")
    comment: str = Field("", max_length=2000)


class EscalateIn(Schema):
    reason: str = Field("", max_length=REASON)
    level: int | None = Field(None, ge=2, le=3, description="Default: the next line")


class ReplyIn(Schema):
    reply: str = Field(..., max_length=5000)


class ReplyReviewIn(NoteIn):
    approve: bool


class QuoteIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2, description="CNY")
    note: str = Field("", max_length=200)


class QuoteAnswerIn(Schema):
    accepted: bool


class ChargeIn(Schema):
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2,
                                   description="CNY; default: the accepted quote")


def _order(request, order_id: int):
    return selectors.work_order_get(request.auth, order_id)


def _move(request, order, service, **kwargs):
    return answer(request.auth, lookups.call(service, order, actor=request.auth, **kwargs))


def _post(action: str, summary: str):
    return router.post(f"/work-orders/{{order_id}}/{action}", response=WorkOrderDetailOut,
                       summary=summary)


@_post("verify", "Verify a quarantined order's contact")
def work_order_verify(request, order_id: PathId, payload: VerifyIn):
    order = _order(request, order_id)
    actor = request.auth
    return _move(request, order, services.work_order_verify,
                 person=lookups.person(actor, payload.person_id),
                 unit=lookups.unit(actor, payload.unit_id))


@_post("dispatch", "Dispatch to a department")
def work_order_dispatch(request, order_id: PathId, payload: DispatchIn):
    order = _order(request, order_id)
    actor = request.auth
    return _move(request, order, services.work_order_dispatch,
                 department=lookups.department(actor, payload.department_id),
                 handler=lookups.staff(actor, payload.handler_id), note=payload.note)


@_post("assign", "Assign a worker of the department")
def work_order_assign(request, order_id: PathId, payload: AssignIn):
    order = _order(request, order_id)
    return _move(request, order, services.work_order_assign,
                 handler=lookups.staff(request.auth, payload.handler_id), note=payload.note)


@_post("transfer", "Transfer to another department or handler")
def work_order_transfer(request, order_id: PathId, payload: TransferIn):
    order = _order(request, order_id)
    actor = request.auth
    return _move(request, order, services.work_order_transfer,
                 department=lookups.department(actor, payload.department_id),
                 handler=lookups.staff(actor, payload.handler_id), reason=payload.reason)


@_post("return", "Return to the dispatcher queue")
def work_order_return(request, order_id: PathId, payload: ReasonIn):
    return _move(request, _order(request, order_id), services.work_order_return,
                 reason=payload.reason)


@_post("accept", "Accept (the handler)")
def work_order_accept(request, order_id: PathId):
    return _move(request, _order(request, order_id), services.work_order_accept)


@_post("schedule", "Agree an appointment")
def work_order_schedule(request, order_id: PathId, payload: ScheduleIn):
    return _move(request, _order(request, order_id), services.work_order_schedule,
                 appointment_at=payload.appointment_at, note=payload.note)


@_post("arrive", "Arrived on site")
def work_order_arrive(request, order_id: PathId):
    return _move(request, _order(request, order_id), services.work_order_arrive)


@_post("start", "Start work")
def work_order_start(request, order_id: PathId):
    return _move(request, _order(request, order_id), services.work_order_start)


@_post("wait", "Wait for the customer or a third party (clocks pause)")
def work_order_wait(request, order_id: PathId, payload: WaitIn):
    return _move(request, _order(request, order_id), services.work_order_wait,
                 waiting_on=payload.waiting_on.value, reason=payload.reason)


@_post("resume", "Resume after waiting (clocks run again)")
def work_order_resume(request, order_id: PathId, payload: NoteIn):
    return _move(request, _order(request, order_id), services.work_order_resume,
                 note=payload.note)


@_post("resolve", "Resolve (a callback is scheduled)")
def work_order_resolve(request, order_id: PathId, payload: ResolveIn):
    return _move(request, _order(request, order_id), services.work_order_resolve,
                 resolution=payload.resolution, interim_measure=payload.interim_measure,
                 committed_at=payload.committed_at)


@_post("callback", "Record a callback attempt")
def work_order_callback(request, order_id: PathId, payload: CallbackIn):
    """Reached and satisfied (or refused) closes the order; not reached retries; a low
    satisfaction reopens it with a linked rework order (SVC-8)."""
    return _move(request, _order(request, order_id), services.work_order_callback,
                 outcome=payload.outcome.value, satisfaction=payload.satisfaction,
                 comment=payload.comment)


@_post("rework", "Reopen for rework")
def work_order_rework(request, order_id: PathId, payload: ReasonIn):
    return _move(request, _order(request, order_id), services.work_order_rework,
                 reason=payload.reason)


@_post("close", "Close")
def work_order_close(request, order_id: PathId, payload: NoteIn):
    return _move(request, _order(request, order_id), services.work_order_close,
                 note=payload.note)


@_post("cancel", "Cancel")
def work_order_cancel(request, order_id: PathId, payload: ReasonIn):
    return _move(request, _order(request, order_id), services.work_order_cancel,
                 reason=payload.reason)


@_post("escalate", "Escalate to the next line")
def work_order_escalate(request, order_id: PathId, payload: EscalateIn):
    return _move(request, _order(request, order_id), services.work_order_escalate,
                 reason=payload.reason, level=payload.level)


@_post("reply", "Reply to the complainant (sensitive replies wait for approval)")
def work_order_reply(request, order_id: PathId, payload: ReplyIn):
    return _move(request, _order(request, order_id), services.work_order_reply_submit,
                 reply=payload.reply)


@_post("reply-review", "Approve or send back a complaint reply")
def work_order_reply_review(request, order_id: PathId, payload: ReplyReviewIn):
    return _move(request, _order(request, order_id), services.work_order_reply_review,
                 approve=payload.approve, note=payload.note)


@_post("quote", "Quote a price (paid services)")
def work_order_quote(request, order_id: PathId, payload: QuoteIn):
    return _move(request, _order(request, order_id), services.work_order_quote,
                 amount=payload.amount, note=payload.note)


@_post("quote-answer", "Record the customer's answer to the quote")
def work_order_quote_answer(request, order_id: PathId, payload: QuoteAnswerIn):
    return _move(request, _order(request, order_id), services.work_order_quote_answer,
                 accepted=payload.accepted)


@_post("charge", "Charge an accepted quote for billing")
def work_order_charge(request, order_id: PathId, payload: ChargeIn):
    return _move(request, _order(request, order_id), services.work_order_charge,
                 amount=payload.amount)
