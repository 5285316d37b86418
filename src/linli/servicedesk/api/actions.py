"""The moves of a work order (SVC-5 … SVC-12): one POST /work-orders/{id}/{action} each, with
its own small input, answering the updated order.

A move that the order's status does not allow answers 422 with code "invalid_transition" and
the service's message; a caller without the right answers 403; an order the caller cannot see
answers 404. Two moves on one order at once are serialised by the services' row lock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from ninja import Field, Router, Schema

from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.api.work_orders import WorkOrderDetailOut
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


class AnswerIn(NoteIn):
    article_id: Id = Field(description="A published knowledge-base article")


class ChargeIn(Schema):
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2,
                                   description="CNY; default: the accepted quote")


class ClusterLinkIn(Schema):
    parent_id: Id = Field(description="The incident: an open order of the same community "
                                      "that is not linked under another")


# Payload ids → the service argument each names, resolved in the caller's scope.
LOOKUPS = {"parent_id": ("parent", lookups.work_order),
           "person_id": ("person", lookups.person), "unit_id": ("unit", lookups.unit),
           "department_id": ("department", lookups.department),
           "handler_id": ("handler", lookups.staff),
           "article_id": ("article", lookups.article)}


def _arguments(actor, payload: Schema | None) -> dict:
    """The service's keyword arguments from the payload: its fields by name, ids resolved to
    what they name, choices as their values."""
    if payload is None:
        return {}
    arguments = {}
    for name in type(payload).model_fields:
        value = getattr(payload, name)
        if name in LOOKUPS:
            argument, find = LOOKUPS[name]
            arguments[argument] = find(actor, value)
        else:
            arguments[name] = value.value if isinstance(value, Enum) else value
    return arguments


@dataclass(frozen=True)
class Move:
    """One POST /work-orders/{id}/<path>: the service it calls with the payload's fields."""

    path: str
    summary: str
    service: Callable
    payload: type[Schema] | None = None
    description: str | None = None


MOVES = [
    Move("verify", "Verify a quarantined order's contact", services.work_order_verify,
         VerifyIn),
    Move("dispatch", "Dispatch to a department", services.work_order_dispatch, DispatchIn),
    Move("assign", "Assign a worker of the department", services.work_order_assign, AssignIn),
    Move("transfer", "Transfer to another department or handler",
         services.work_order_transfer, TransferIn),
    Move("return", "Return to the dispatcher queue", services.work_order_return, ReasonIn),
    Move("accept", "Accept (the handler)", services.work_order_accept),
    Move("schedule", "Agree an appointment", services.work_order_schedule, ScheduleIn),
    Move("arrive", "Arrived on site", services.work_order_arrive),
    Move("start", "Start work", services.work_order_start),
    Move("wait", "Wait for the customer or a third party (clocks pause)",
         services.work_order_wait, WaitIn),
    Move("resume", "Resume after waiting (clocks run again)", services.work_order_resume,
         NoteIn),
    Move("resolve", "Resolve (a callback is scheduled)", services.work_order_resolve,
         ResolveIn),
    Move("callback", "Record a callback attempt", services.work_order_callback, CallbackIn,
         "Reached and satisfied (or refused) closes the order; not reached retries; a low\n"
         "satisfaction reopens it with a linked rework order (SVC-8)."),
    Move("rework", "Reopen for rework", services.work_order_rework, ReasonIn),
    Move("close", "Close", services.work_order_close, NoteIn),
    Move("cancel", "Cancel", services.work_order_cancel, ReasonIn),
    Move("escalate", "Escalate to the next line", services.work_order_escalate, EscalateIn),
    Move("answer", "Answer a consultation from the knowledge base (closes it)",
         services.work_order_answer, AnswerIn),
    Move("reply", "Reply to the complainant (sensitive replies wait for approval)",
         services.work_order_reply_submit, ReplyIn),
    Move("reply-review", "Approve or send back a complaint reply",
         services.work_order_reply_review, ReplyReviewIn),
    Move("quote", "Quote a price (paid services)", services.work_order_quote, QuoteIn),
    Move("quote-answer", "Record the customer's answer to the quote",
         services.work_order_quote_answer, QuoteAnswerIn),
    Move("charge", "Charge an accepted quote for billing", services.work_order_charge,
         ChargeIn),
    Move("cluster-link", "Link to an incident (SVC-11)", services.work_order_cluster_link,
         ClusterLinkIn,
         "The order follows its incident: resolving or closing the incident resolves or\n"
         "closes it. Same community only, one level, no closed or cancelled orders."),
    Move("cluster-unlink", "Unlink from its incident", services.work_order_cluster_unlink),
]


def _act(request, order_id: int, move: Move, payload: Schema | None):
    actor = request.auth
    order = selectors.work_order_read(actor, order_id)
    # The answer is the service's copy (see "answers" in api/work_orders.py).
    return lookups.call(move.service, order, actor=actor, **_arguments(actor, payload))


def _endpoint(move: Move) -> Callable:
    """The handler of ``move``, named work_order_<path> (its OpenAPI operation id)."""
    if move.payload is None:
        def handler(request, order_id: PathId):
            return _act(request, order_id, move, None)
    else:
        def handler(request, order_id: PathId, payload):
            return _act(request, order_id, move, payload)
        handler.__annotations__["payload"] = move.payload
    handler.__name__ = handler.__qualname__ = "work_order_" + move.path.replace("-", "_")
    return router.post(f"/work-orders/{{order_id}}/{move.path}", response=WorkOrderDetailOut,
                       summary=move.summary, description=move.description)(handler)


for _move in MOVES:
    _endpoint(_move)
