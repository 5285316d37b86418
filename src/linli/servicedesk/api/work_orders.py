"""API of work orders (SVC-1 … SVC-12): the list with its filters, intake, the detail with its
clocks and the moves the caller may make, and the order's domain events.

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (their ValidationErrors become 422 with the payload's field names, PermissionDenied
403). The caller's phone is always masked here.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.events import events_for
from linli.core.personal_data.masking import mask_phone
from linli.core.planner import in_written_join_order
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.choices import (
    Area,
    ClockKind,
    ComplaintSubject,
    IntakeChannel,
    Level,
    OrderType,
    Priority,
    Severity,
)
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.states import Status as OrderStatus

router = Router(tags=["service desk"])


def _name(obj) -> str | None:
    return str(obj) if obj is not None else None


# --- schemas --------------------------------------------------------------------------------

class WorkOrderOut(Schema):
    id: int
    number: str
    order_type: str
    status: str
    priority: str
    category_id: int | None
    category_name: str | None = None
    area: str
    channel: str
    community_id: int
    community_name: str = ""
    building_id: int | None
    unit_id: int | None
    room_code: str | None = None
    person_id: int | None
    caller_name: str
    caller_phone: str = Field(description="Masked")
    location: str
    summary: str
    description: str
    since: str
    urgency: str
    impact: str
    service_level_id: int | None
    department_id: int | None
    department_name: str | None = None
    handler_id: int | None
    handler_name: str | None = None
    escalation_level: int
    org_unit_id: int
    registered_by_id: int | None
    verified_at: datetime | None
    appointment_at: datetime | None
    arrived_at: datetime | None
    waiting_on: str
    resolved_at: datetime | None
    resolution: str
    closed_at: datetime | None
    interim_measure: str
    committed_at: datetime | None
    rework_of_id: int | None
    cluster_parent_id: int | None = Field(None, description="The incident this order is linked "
                                                            "to (SVC-11)")
    severity: str
    complaint_subject: str
    is_formal: bool
    is_sensitive: bool
    responsible_party_id: int | None
    review_status: str
    reply: str
    quote_amount: Decimal | None
    quote_note: str
    quote_status: str
    charge_amount: Decimal | None
    charged_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_caller_phone(obj) -> str:
        return mask_phone(obj.caller_phone)

    @staticmethod
    def resolve_category_name(obj) -> str | None:
        return _name(obj.category) if obj.category_id else None

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.community.name

    @staticmethod
    def resolve_room_code(obj) -> str | None:
        return obj.unit.room_code if obj.unit_id else None

    @staticmethod
    def resolve_department_name(obj) -> str | None:
        return obj.department.name if obj.department_id else None

    @staticmethod
    def resolve_handler_name(obj) -> str | None:
        return _name(obj.handler) if obj.handler_id else None


class ClockOut(Schema):
    kind: str
    unit: str
    amount: Decimal
    state: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    warned_at: datetime | None
    breached_at: datetime | None
    escalate_at: datetime | None
    paused_since: datetime | None
    paused_seconds: int
    stopped_at: datetime | None


class OrderCallbackOut(Schema):
    id: int
    status: str
    due_at: datetime
    attempts: int
    outcome: str
    satisfaction: int | None
    comment: str
    called_by_id: int | None
    called_at: datetime | None


def _linked(order: WorkOrder, context) -> selectors.LinkedIds:
    """Both lists of linked orders from one read, kept on the order while it is answered."""
    if "_linked_ids" not in order.__dict__:
        order._linked_ids = selectors.linked_order_ids(context["request"].auth, order)
    return order._linked_ids


class WorkOrderDetailOut(WorkOrderOut):
    clocks: list[ClockOut]
    callbacks: list[OrderCallbackOut]
    rework_ids: list[int]
    cluster_child_ids: list[int] = Field(description="The orders linked under this incident")
    allowed_actions: list[str] = Field(
        description="The moves the caller may make now: POST /work-orders/{id}/{action}")

    @staticmethod
    def resolve_clocks(obj) -> list:
        return sorted(selectors.clocks_of(obj),
                      key=lambda c: (c.due_at, ClockKind.values.index(c.kind)))

    @staticmethod
    def resolve_callbacks(obj, context) -> list:
        return list(selectors.callbacks_of(context["request"].auth, obj))

    @staticmethod
    def resolve_rework_ids(obj, context) -> list[int]:
        return _linked(obj, context).reworks

    @staticmethod
    def resolve_cluster_child_ids(obj, context) -> list[int]:
        return _linked(obj, context).cluster_children

    @staticmethod
    def resolve_allowed_actions(obj, context) -> list[str]:
        return [a.replace("_", "-")
                for a in selectors.work_order_actions(context["request"].auth, obj)]


class WorkOrderFilters(Schema):
    status: str | None = Field(None, max_length=300,
                               description="One status or several, comma separated")
    order_type: OrderType | None = None
    priority: Priority | None = None
    area: Area | None = None
    channel: IntakeChannel | None = None
    community: Id | None = None
    department: Id | None = None
    handler: Id | None = None
    person: Id | None = None
    unit: Id | None = None
    mine: bool | None = Field(None, description="true: orders I handle")
    unassigned: bool | None = Field(None, description="true: in the dispatcher queue")
    open: bool | None = Field(None, description="true: not yet resolved, closed or cancelled")
    q: str | None = Field(None, max_length=100, description="Number, summary or caller's name")
    created_from: date | None = Field(None, description="First local day, inclusive")
    created_to: date | None = Field(None, description="Last local day, inclusive")
    # The drill-down of a report figure or a dashboard count (GET /service-reports/{report}).
    category: str | None = Field(None, pattern=r"^(none|[1-9][0-9]{0,8})$",
                                 description="A category id, or none")
    clock: ClockKind | None = None
    clock_state: Literal["met", "breached", "running"] | None = None
    response: str | None = Field(None, max_length=10, description="A first-response bucket")
    resolution: str | None = Field(None, max_length=10,
                                   description="A resolution bucket, resolved or unresolved")
    callback: Literal["done", "gave_up", "pending"] | None = None
    satisfaction: int | None = Field(None, ge=1, le=5)
    phone: str | None = Field(None, max_length=20, description="Callers without a person")
    review: Literal["pending"] | None = None
    breached: bool | None = None
    due_soon: bool | None = None
    no_handler: bool | None = None
    after_work: bool | None = None
    formal: bool | None = None


DRILL_FILTERS = ("category", "clock", "clock_state", "response", "resolution", "callback",
                 "satisfaction", "phone", "review", "breached", "due_soon", "no_handler",
                 "after_work", "formal")


class WorkOrderIn(Schema):
    community_id: Id
    order_type: OrderType
    summary: str = Field(..., min_length=1, max_length=200)
    category_id: Id | None = None
    area: Area = Area.PRIVATE_UNIT
    channel: IntakeChannel = Field(
        IntakeChannel.API, description="Orders from self-service channels (app, e-mail, API) "
                                       "without a person wait in quarantine")
    building_id: Id | None = None
    unit_id: Id | None = None
    person_id: Id | None = None
    caller_name: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=30, description="Normalised to E.164")
    location: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    since: str = Field("", max_length=100)
    urgency: Level = Level.MEDIUM
    impact: Level = Level.LOW
    severity: Severity | None = Field(None, description="Complaints only; default minor")
    complaint_subject: ComplaintSubject | None = Field(
        None, description="Complaints only; default property service")
    is_sensitive: bool = Field(False, description="Complaints only: the reply needs approval")
    contact_log_id: Id | None = Field(None, description="The call this order came from")


class EventOut(Schema):
    id: int
    verb: str
    occurred_at: datetime
    actor_id: int | None
    actor_name: str | None = None
    channel: str
    old_value: str
    new_value: str
    note: str
    data: dict[str, Any]

    @staticmethod
    def resolve_actor_name(obj) -> str | None:
        return _name(obj.actor) if obj.actor_id else None


# --- answers --------------------------------------------------------------------------------
# A write answers with the service's own copy of the order, not a fresh read: the copy holds
# the row as written, with the relations the move read (a read of the order with its dozen
# joins cost about a quarter of a move). It is also what the caller just acted on when the
# move took the order out of their scope (a transfer, a return).


def _statuses(text: str | None) -> list[str]:
    chosen = [part.strip() for part in (text or "").split(",") if part.strip()]
    unknown = [s for s in chosen if s not in OrderStatus.values]
    if unknown:
        raise lookups.invalid("status", _("Choose statuses among: %(choices)s.")
                              % {"choices": ", ".join(OrderStatus.values)})
    return chosen


# --- endpoints ------------------------------------------------------------------------------

@router.get("/work-orders", response=list[WorkOrderOut], summary="Work orders")
@scoped(WorkOrder, "list")
@in_written_join_order  # see core/planner.py: a join per related object shown
@paginate(PagePagination)
def work_order_list(request, filters: Query[WorkOrderFilters]):
    """Newest first; all filters combine."""
    if (filters.created_from and filters.created_to
            and filters.created_to < filters.created_from):
        raise lookups.invalid("created_to", _("The end date is before the start date."))
    return selectors.work_order_list(request.auth, {
        "status": _statuses(filters.status), "order_type": lookups.value(filters.order_type),
        "priority": lookups.value(filters.priority), "area": lookups.value(filters.area),
        "channel": lookups.value(filters.channel), "community": filters.community,
        "department": filters.department, "handler": filters.handler,
        "person": filters.person, "unit": filters.unit, "mine": filters.mine,
        "unassigned": filters.unassigned, "open": filters.open, "q": filters.q,
        "created_from": filters.created_from, "created_to": filters.created_to,
        **{name: lookups.value(getattr(filters, name)) for name in DRILL_FILTERS},
    })


@router.post("/work-orders", response={201: WorkOrderDetailOut},
             summary="Register a work order")
def work_order_create(request, payload: WorkOrderIn):
    """Priority, service level, clocks and route follow from the payload (SVC-3, SVC-4);
    send an Idempotency-Key header to make a retry safe."""
    actor = request.auth
    order = lookups.call(
        services.work_order_create, actor=actor,
        community=lookups.community(actor, payload.community_id),
        order_type=payload.order_type.value, summary=payload.summary,
        category=lookups.category(actor, payload.category_id), area=payload.area.value,
        channel=payload.channel.value, building=lookups.building(actor, payload.building_id),
        unit=lookups.unit(actor, payload.unit_id), person=lookups.person(actor, payload.person_id),
        caller_name=payload.caller_name, caller_phone=payload.caller_phone,
        location=payload.location, description=payload.description, since=payload.since,
        urgency=payload.urgency.value, impact=payload.impact.value,
        severity=lookups.value(payload.severity),
        complaint_subject=lookups.value(payload.complaint_subject),
        is_sensitive=payload.is_sensitive,
        contact_log=lookups.contact_log(actor, payload.contact_log_id),
    )
    return Status(201, selectors.as_just_registered(order))


@router.get("/work-orders/{order_id}", response=WorkOrderDetailOut, summary="One work order")
@scoped(WorkOrder, "detail")
def work_order_detail(request, order_id: PathId):
    return selectors.work_order_read(request.auth, order_id)


@router.get("/work-orders/{order_id}/events", response=list[EventOut],
            summary="The order's events, newest first")
@scoped(WorkOrder, "detail")
@paginate(PagePagination)
def work_order_events(request, order_id: PathId):
    return events_for(selectors.work_order_read(request.auth, order_id, related=()))
