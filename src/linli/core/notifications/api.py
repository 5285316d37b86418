"""API of notifications: the caller's inbox, and the outbox for administrators (PLAT-5)."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema
from ninja.pagination import paginate

from linli.core.notifications import selectors, services
from linli.core.notifications.choices import MessageChannel, MessageStatus
from linli.core.notifications.models import Message
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped, unscoped
from linli.core.restapi.types import PathId

router = Router(tags=["notifications"])


class InboxMessageOut(Schema):
    id: int
    event: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class ReadAllOut(Schema):
    updated: int


class OutboxMessageOut(Schema):
    id: int
    event: str
    channel: MessageChannel
    recipient_id: int | None
    address: str
    language: str
    subject: str
    body: str
    status: MessageStatus
    attempts: int
    last_error: str
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None

    @staticmethod
    def resolve_address(obj: Message, context) -> str:
        return selectors.display_address(context["request"].auth, obj)


@router.get("/", response=list[InboxMessageOut], summary="My notifications")
@unscoped("the caller's own inbox")
@paginate(PagePagination)
def inbox(request):
    """The caller's in-app messages, unread first, then newest first."""
    return selectors.inbox(request.auth)


@router.post("/read-all", response=ReadAllOut, summary="Mark all my notifications read")
def mark_all_read(request):
    return {"updated": services.message_mark_all_read(actor=request.auth)}


@router.post("/{message_id}/read", response=InboxMessageOut, summary="Mark a notification read")
def mark_read(request, message_id: PathId):
    return services.message_mark_read(actor=request.auth, message_id=message_id)


@router.get("/outbox", response=list[OutboxMessageOut], summary="Outbox of the organisation")
@scoped(Message, "list")
@paginate(PagePagination)
def outbox(request, channel: MessageChannel | None = None, status: MessageStatus | None = None):
    """Every message of the caller's organisation, newest first (needs core.view_message).
    Phone numbers are masked unless the caller may see personal data."""
    if not request.auth.has_perm("core.view_message"):
        raise PermissionDenied
    return selectors.outbox(request.auth, channel=channel or "", status=status or "")


@router.post("/outbox/{message_id}/retry", response=OutboxMessageOut,
             summary="Send a failed message again")
def retry(request, message_id: PathId):
    return services.message_retry(actor=request.auth, message_id=message_id)
