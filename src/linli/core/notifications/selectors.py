"""Reads of the outbox: a user's inbox, the administrators' outbox, the delivery sweep."""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from linli.core.notifications.choices import OPEN_STATUSES, MessageChannel, MessageStatus
from linli.core.notifications.models import Message, NotificationTemplate
from linli.core.personal_data.masking import mask_phone
from linli.core.scope import scope_for


def received_messages(user) -> QuerySet[Message]:
    """The user's own delivered in-app messages, unordered (the base of the inbox)."""
    scope = scope_for(user)
    if scope is None:
        return Message.objects.none()
    return Message.objects.filter(
        tenant_id=scope.tenant_id, recipient_id=user.pk, channel=MessageChannel.IN_APP,
        status=MessageStatus.SENT,
    )


def inbox(user) -> QuerySet[Message]:
    """The user's own in-app messages: unread first, then newest first."""
    return received_messages(user).annotate(
        unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ).order_by("-unread", "-created_at", "-id")


def unread_count(user) -> int:
    return received_messages(user).filter(read_at__isnull=True).count()


def outbox(user, *, channel: str = "", status: str = "") -> QuerySet[Message]:
    """Every message of the user's tenant (needs core.view_message), newest first."""
    messages = Message.objects.restrict(user, "view").select_related("recipient")
    if channel:
        messages = messages.filter(channel=channel)
    if status:
        messages = messages.filter(status=status)
    return messages.order_by("-created_at", "-id")


def due_message_ids(*, now: datetime, limit: int) -> list[int]:
    """Messages still to deliver whose next attempt is due, oldest due first (all tenants)."""
    return list(
        Message.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def template_overrides(tenant_id: int, event: str) -> list[NotificationTemplate]:
    """The tenant's and the platform-wide template rows of one event."""
    return list(
        NotificationTemplate.objects.filter(
            Q(tenant_id=tenant_id) | Q(tenant__isnull=True), event=event
        )
    )



def display_address(user, message: Message) -> str:
    """The address as the user may see it: phone numbers masked unless the user may see
    personal data (PLAT-9)."""
    if message.channel == MessageChannel.SMS and not user.has_perm("core.reveal_personal_data"):
        return mask_phone(message.address)
    return message.address


def with_display_addresses(user, messages) -> list[Message]:
    """The messages, each with ``display_address`` set for the user."""
    messages = list(messages)
    for message in messages:
        message.display_address = display_address(user, message)
    return messages
