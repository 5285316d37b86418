"""API of the desk's log of calls and visits (SVC-1) and of the callbacks due (SVC-8).

Phones are always masked here. A callback is recorded on its order:
POST /work-orders/{id}/callback.
"""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.selectors import units_where
from linli.core.personal_data.masking import mask_phone
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.choices import CallbackStatus, ContactChannel, ContactDirection
from linli.servicedesk.models import Callback, ContactLog

router = Router(tags=["service desk"])


# --- contact log ----------------------------------------------------------------------------

class ContactLogOut(Schema):
    id: int
    direction: str
    channel: str
    occurred_at: datetime
    community_id: int | None
    community_name: str | None = None
    unit_id: int | None
    room_code: str | None = None
    person_id: int | None
    caller_name: str
    caller_phone: str = Field(description="Masked")
    content: str
    follow_up: str
    handled_by_id: int | None
    handled_by_name: str | None = None
    work_order_id: int | None
    work_order_number: str | None = None
    org_unit_id: int
    created_at: datetime

    @staticmethod
    def resolve_caller_phone(obj) -> str:
        return mask_phone(obj.caller_phone)

    @staticmethod
    def resolve_community_name(obj) -> str | None:
        return obj.community.name if obj.community_id else None

    @staticmethod
    def resolve_room_code(obj) -> str | None:
        return obj.unit.room_code if obj.unit_id else None

    @staticmethod
    def resolve_handled_by_name(obj) -> str | None:
        return str(obj.handled_by) if obj.handled_by_id else None

    @staticmethod
    def resolve_work_order_number(obj) -> str | None:
        return obj.work_order.number if obj.work_order_id else None


class ContactLogIn(Schema):
    content: str = Field(..., max_length=5000)
    direction: ContactDirection = ContactDirection.INBOUND
    channel: ContactChannel = ContactChannel.PHONE
    community_id: Id | None = None
    unit_id: Id | None = Field(None, description="Its community is taken when none is given")
    person_id: Id | None = None
    caller_name: str = Field("", max_length=100)
    caller_phone: str = Field("", max_length=30, description="Normalised to E.164")
    follow_up: str = Field("", max_length=200)
    occurred_at: lookups.Moment | None = Field(None, description="Default: now")
    org_unit_id: Id | None = Field(
        None, description="Who keeps the entry when it concerns no community; default: the "
                          "caller's first unit")


class ContactLogFilters(Schema):
    day: date | None = Field(None, description="A local day")
    direction: ContactDirection | None = None
    q: str | None = Field(None, max_length=100,
                          description="Name, content or the phone's last digits")


@router.get("/contact-logs", response=list[ContactLogOut], summary="The contact log")
@scoped(ContactLog, "list")
@paginate(PagePagination)
def contact_log_list(request, filters: Query[ContactLogFilters]):
    """Newest first."""
    return selectors.contact_log_list(request.auth, {
        "day": filters.day, "direction": lookups.value(filters.direction), "q": filters.q,
    })


@router.post("/contact-logs", response={201: ContactLogOut}, summary="Log a call or visit")
def contact_log_create(request, payload: ContactLogIn):
    actor = request.auth
    org_unit = None
    if payload.org_unit_id is not None:
        org_unit = units_where(actor, "servicedesk.add_contactlog").filter(
            pk=payload.org_unit_id).first()
        if org_unit is None:
            raise lookups.invalid("org_unit_id",
                                  _("Choose a unit where you may log calls and visits."))
    entry = lookups.call(
        services.contact_log_create, actor=actor, content=payload.content,
        direction=payload.direction.value, channel=payload.channel.value,
        community=lookups.community(actor, payload.community_id),
        unit=lookups.unit(actor, payload.unit_id),
        person=lookups.person(actor, payload.person_id), caller_name=payload.caller_name,
        caller_phone=payload.caller_phone, follow_up=payload.follow_up,
        occurred_at=payload.occurred_at, org_unit=org_unit,
    )
    found = selectors.contact_log_find(actor, entry.pk)
    return Status(201, found or entry)


@router.get("/contact-logs/{entry_id}", response=ContactLogOut, summary="One contact log entry")
@scoped(ContactLog, "detail")
def contact_log_detail(request, entry_id: PathId):
    return selectors.contact_log_get(request.auth, entry_id)


# --- callbacks ------------------------------------------------------------------------------

class CallbackOut(Schema):
    id: int
    work_order_id: int
    work_order_number: str
    work_order_summary: str
    community_name: str
    room_code: str | None = None
    caller_name: str
    caller_phone: str = Field(description="Masked")
    status: str
    due_at: datetime
    attempts: int
    outcome: str
    satisfaction: int | None
    comment: str
    called_by_id: int | None
    called_at: datetime | None

    @staticmethod
    def resolve_work_order_number(obj) -> str:
        return obj.work_order.number

    @staticmethod
    def resolve_work_order_summary(obj) -> str:
        return obj.work_order.summary

    @staticmethod
    def resolve_community_name(obj) -> str:
        return obj.work_order.community.name

    @staticmethod
    def resolve_room_code(obj) -> str | None:
        return obj.work_order.unit.room_code if obj.work_order.unit_id else None

    @staticmethod
    def resolve_caller_name(obj) -> str:
        return obj.work_order.caller_name

    @staticmethod
    def resolve_caller_phone(obj) -> str:
        return mask_phone(obj.work_order.caller_phone)


class CallbackFilters(Schema):
    status: str | None = Field(None, max_length=100,
                               description="Comma separated; default: due,retry")
    due_before: lookups.Moment | None = None


@router.get("/callbacks", response=list[CallbackOut], summary="Callbacks, soonest due first")
@scoped(Callback, "list")
@paginate(PagePagination)
def callback_list(request, filters: Query[CallbackFilters]):
    chosen = [part.strip() for part in (filters.status or "").split(",") if part.strip()]
    if any(s not in CallbackStatus.values for s in chosen):
        raise lookups.invalid("status", _("Choose statuses among: %(choices)s.")
                              % {"choices": ", ".join(CallbackStatus.values)})
    return selectors.callback_list(request.auth, {"status": chosen,
                                                  "due_before": filters.due_before})


@router.get("/callbacks/{callback_id}", response=CallbackOut, summary="One callback")
@scoped(Callback, "detail")
def callback_detail(request, callback_id: PathId):
    return selectors.callback_get(request.auth, callback_id)
