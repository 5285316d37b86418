"""Writes of the outbox: notify, deliver, send again, mark read, template overrides (PLAT-5).

``notify`` is called by other services inside their transaction: the messages are rows of that
transaction (rolled back with it), and delivery is queued only once it commits. Delivery runs
in a Celery task; the periodic sweep re-queues every message whose next attempt is due, so a
message whose queueing was lost (broker down) or whose worker died is still delivered.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.core.audit import COPY_FROM, copy_insert
from linli.core.events import record_event
from linli.core.notifications import channels as senders
from linli.core.notifications import selectors
from linli.core.notifications.catalogue import EventDefinition, event_definition
from linli.core.notifications.choices import (
    OPEN_STATUSES,
    RETRYABLE_STATUSES,
    MessageChannel,
    MessageStatus,
)
from linli.core.notifications.models import Message, NotificationTemplate
from linli.core.notifications.transport import DeliveryError
from linli.core.personal_data.phones import normalize_phone

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after the ``attempts``-th failure: base, 2×base, 4×base … capped."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
    cap = getattr(settings, "NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
    return timedelta(seconds=min(cap, base * 2 ** (attempts - 1)))


def _claim_seconds() -> int:
    # Longer than any send can take (the webhook and SMTP time-outs), so a lease only expires
    # when the worker holding it died.
    return getattr(settings, "NOTIFICATIONS_CLAIM_SECONDS", 300)


@dataclass(frozen=True)
class Address:
    """A recipient who is not a user: an e-mail address, a phone number or a webhook URL."""

    channel: str
    address: str
    language: str = ""


@dataclass(frozen=True)
class _Target:
    channel: str
    user: object | None
    address: str
    language: str


class _PayloadEncoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


@transaction.atomic
def notify(*, tenant, event: str, recipients: Iterable, context: dict | None = None,
           channels: Iterable[str] = (MessageChannel.IN_APP,), dedup_key: str | None = None,
           actor=None) -> list[Message]:
    """Write one message per recipient and channel, rendered in the recipient's language.

    ``recipients`` are users of ``tenant`` (each reached on every channel of ``channels`` for
    which they have an address: in-app always, e-mail if they have one, SMS if their mobile is
    a valid number) and ``Address`` objects (reached on their own channel). ``context`` feeds
    the templates and is stored as the payload; its ``url`` (a path on this site) becomes the
    message's link. With ``dedup_key``, a second call with the same key writes nothing for the
    recipients and channels already written. ``actor`` is recorded as who caused the messages.
    """
    definition = event_definition(event)
    tenant_id = getattr(tenant, "pk", tenant)
    overrides = selectors.template_overrides(tenant_id, event)
    context = dict(context or {})
    payload = json.loads(json.dumps(context, cls=_PayloadEncoder))
    now = timezone.now()
    written: list[Message] = []
    for target in _targets(tenant_id, recipients, channels):
        subject, body = _render(definition, overrides, target, context)
        key = _dedup_hash(dedup_key, target) if dedup_key else ""
        if key and Message.objects.filter(tenant_id=tenant_id, dedup_key=key).exists():
            continue
        message = _message(tenant_id, event, target, subject, body, payload, actor, key, now)
        if not key:
            message.save()
        else:
            try:
                with transaction.atomic():  # so that a key taken meanwhile can be passed over
                    message.save()
            except IntegrityError:
                continue  # a concurrent notify with the same key wrote it first
        written.append(message)
    _deliver_after_commit(written)
    return written


@dataclass(frozen=True)
class Notice:
    """One notice of ``notify_all``: what ``notify`` takes besides the event and channels."""

    tenant: object
    recipients: Iterable
    context: dict
    dedup_key: str | None = None


@transaction.atomic
def notify_all(*, event: str, notices: Iterable[Notice],
               channels: Iterable[str] = (MessageChannel.IN_APP,), actor=None) -> list[Message]:
    """``notify`` for many notices of one event at once (a batch job's), with the same
    messages, de-duplication and delivery, in a constant number of statements: one read of
    the template overrides, one of the keys already written, one insert.

    The insert runs in a savepoint; when a concurrent ``notify`` wrote one of the keys first,
    the messages are written one by one instead, skipping the keys that are taken.
    """
    definition = event_definition(event)
    notices = [(getattr(n.tenant, "pk", n.tenant), n) for n in notices]
    channels = list(channels)
    overrides = _overrides_by_tenant({tenant_id for tenant_id, _n in notices}, event)
    now = timezone.now()
    messages: list[Message] = []
    for tenant_id, notice in notices:
        context = dict(notice.context)
        payload = json.loads(json.dumps(context, cls=_PayloadEncoder))
        for target in _targets(tenant_id, notice.recipients, channels):
            subject, body = _render(definition, overrides[tenant_id], target, context)
            key = _dedup_hash(notice.dedup_key, target) if notice.dedup_key else ""
            messages.append(_message(tenant_id, event, target, subject, body, payload, actor,
                                     key, now))
    written = _insert_new(_not_written_yet(messages))
    _deliver_after_commit(written)
    return written


def _overrides_by_tenant(tenant_ids: set[int], event: str) -> dict[int, list]:
    """``selectors.template_overrides`` of several tenants, read at once."""
    rows = list(NotificationTemplate.objects.filter(
        Q(tenant_id__in=tenant_ids) | Q(tenant__isnull=True), event=event))
    return {tenant_id: [t for t in rows if t.tenant_id in (tenant_id, None)]
            for tenant_id in tenant_ids}


def _not_written_yet(messages: list[Message]) -> list[Message]:
    """The messages whose de-duplication key is neither written already nor repeated."""
    keys = {m.dedup_key for m in messages if m.dedup_key}
    # The empty key excluded in so many words, so that the unique index on keys (partial:
    # non-empty keys) serves the look-up however many keys there are.
    taken = set(Message.objects.filter(  # scoped-query-ok: the outbox writer
        tenant_id__in={m.tenant_id for m in messages}, dedup_key__in=keys,
    ).exclude(dedup_key="").values_list("tenant_id", "dedup_key")) if keys else set()
    fresh = []
    for message in messages:
        if message.dedup_key:
            if (message.tenant_id, message.dedup_key) in taken:
                continue
            taken.add((message.tenant_id, message.dedup_key))
        fresh.append(message)
    return fresh


def _insert_new(messages: list[Message]) -> list[Message]:
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql" and len(messages) >= COPY_FROM:
                copy_insert(Message, messages)
                return messages
            return Message.objects.bulk_create(messages)  # scoped-query-ok: the outbox writer
    except IntegrityError:
        pass  # a concurrent notify wrote one of the keys first
    written = []
    for message in messages:
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            if not message.dedup_key:
                raise
            continue
        written.append(message)
    return written


def _message(tenant_id: int, event: str, target: _Target, subject: str, body: str,
             payload: dict, actor, key: str, now) -> Message:
    in_app = target.channel == MessageChannel.IN_APP
    return Message(
        tenant_id=tenant_id, recipient=target.user, address=target.address,
        channel=target.channel, event=event, language=target.language,
        subject=subject[:255], body=body, payload=payload,
        actor=actor if getattr(actor, "pk", None) else None,
        status=MessageStatus.SENT if in_app else MessageStatus.PENDING,
        sent_at=now if in_app else None, next_attempt_at=None if in_app else now,
        dedup_key=key,
    )


def _deliver_after_commit(messages: list[Message]) -> None:
    for message in messages:
        if message.status == MessageStatus.PENDING:
            # robust: a broker outage must not fail the committed request; the sweep sends it.
            transaction.on_commit(lambda pk=message.pk: _enqueue_delivery(pk), robust=True)


def _targets(tenant_id: int, recipients: Iterable, channel_list: Iterable[str]):
    channel_list = list(channel_list)
    user_model = get_user_model()
    for recipient in recipients:
        if isinstance(recipient, Address):
            yield _address_target(recipient)
            continue
        if not isinstance(recipient, user_model):
            raise TypeError(f"notify() recipients are users or Address, not {recipient!r}")
        if recipient.tenant_id != tenant_id:
            raise ValidationError(
                {"recipients": [_("A recipient belongs to another organisation.")]}
            )
        if not recipient.is_active:
            continue
        for channel in channel_list:
            address = _user_address(recipient, channel)
            if address is not None:
                yield _Target(channel, recipient, address, recipient.language)


def _user_address(user, channel: str) -> str | None:
    if channel == MessageChannel.IN_APP:
        return ""
    if channel == MessageChannel.EMAIL:
        return user.email or None
    if channel == MessageChannel.SMS and user.mobile:
        try:
            return normalize_phone(user.mobile)
        except ValidationError:
            return None
    return None


def _address_target(recipient: Address) -> _Target:
    address = recipient.address.strip()
    try:
        if recipient.channel == MessageChannel.EMAIL:
            validate_email(address)
        elif recipient.channel == MessageChannel.SMS:
            address = normalize_phone(address)
        elif recipient.channel == MessageChannel.WEBHOOK:
            URLValidator(schemes=["http", "https"])(address)
        else:
            raise ValidationError(_("In-app messages go to users, not to addresses."))
    except ValidationError as exc:
        raise ValidationError({"recipients": exc.messages}) from exc
    return _Target(recipient.channel, None, address,
                   recipient.language or settings.LANGUAGE_CODE)


def _dedup_hash(dedup_key: str, target: _Target) -> str:
    user_id = getattr(target.user, "pk", "")
    raw = f"{dedup_key}\0{target.channel}\0{user_id}\0{target.address}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _template_source(definition: EventDefinition, overrides: list[NotificationTemplate],
                     channel: str, language: str) -> tuple[str, str]:
    """The tenant's row before the platform's, a channel's row before the any-channel row,
    and the code default when no row matches the language."""
    rows = [t for t in overrides if t.language == language and t.channel in (channel, "")]
    if rows:
        best = min(rows, key=lambda t: (t.tenant_id is None, t.channel == ""))
        return best.subject, best.body
    return definition.source(language)


@lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    return Template(source)


def _render(definition: EventDefinition, overrides: list[NotificationTemplate],
            target: _Target, context: dict) -> tuple[str, str]:
    subject_source, body_source = _template_source(
        definition, overrides, target.channel, target.language
    )
    values = dict(context)
    if target.user is not None:
        values["recipient"] = target.user
    # Plain text for e-mail, SMS and robots; the inbox page escapes when it shows the text.
    rendering = Context(values, autoescape=False)
    with translation.override(target.language):
        subject = _compiled(subject_source).render(rendering)
        body = _compiled(body_source).render(rendering)
    return " ".join(subject.split()), body.strip()


def _enqueue_delivery(message_id: int) -> None:
    from linli.core.notifications.tasks import deliver_message

    deliver_message.delay(message_id)


def message_deliver(message_id: int) -> str | None:
    """Send one message if it is still open and due; returns its status afterwards.

    The row is claimed in a short transaction (attempt counted, next attempt pushed ahead as a
    lease) and sent outside it, so no lock is held during network I/O and a second worker that
    gets the same id skips it: a sent message is never sent twice.
    """
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        if message.status not in OPEN_STATUSES or (
            message.next_attempt_at is not None and message.next_attempt_at > now
        ):
            return message.status
        message.attempts += 1
        message.next_attempt_at = now + timedelta(seconds=_claim_seconds())
        message.save(update_fields=["attempts", "next_attempt_at"])

    error, permanent = _send(message)
    finished = timezone.now()
    if error is None:
        message.status, message.sent_at, message.next_attempt_at = (
            MessageStatus.SENT, finished, None
        )
        message.last_error = ""
    elif permanent or message.attempts >= max_attempts():
        message.status, message.next_attempt_at, message.last_error = (
            MessageStatus.DEAD, None, error
        )
    else:
        message.status, message.last_error = MessageStatus.FAILED, error
        message.next_attempt_at = finished + retry_delay(message.attempts)
    message.save(update_fields=["status", "sent_at", "next_attempt_at", "last_error"])
    return message.status


def _send(message: Message) -> tuple[str | None, bool]:
    """(error, permanent) of one delivery attempt; error None when it was delivered."""
    try:
        senders.send(message)
    except DeliveryError as exc:
        return str(exc), exc.permanent
    except Exception as exc:  # any failure of a backend or provider is retried, never lost
        logger.exception("Delivery of message %s failed", message.pk)
        return f"{type(exc).__name__}: {exc}", False
    return None, False


@transaction.atomic
def message_retry(*, actor, message_id: int) -> Message:
    """Send a failed or dead message again, with a fresh budget of attempts."""
    message = get_object_or_404(
        Message.objects.restrict(actor, "view").select_for_update(), pk=message_id
    )
    if not actor.has_perm("core.change_message", message):
        raise PermissionDenied(_("You do not have permission to do this."))
    if message.status not in RETRYABLE_STATUSES:
        raise ValidationError(_("Only messages that failed can be sent again."))
    old_status = message.status
    message.status = MessageStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    record_event(message, "retried", actor=actor, old=old_status, new=message.status)
    transaction.on_commit(lambda: _enqueue_delivery(message.pk), robust=True)
    return message


@transaction.atomic
def message_mark_read(*, actor, message_id: int) -> Message:
    """Mark one of the actor's own inbox messages read (another's is a 404)."""
    message = get_object_or_404(selectors.received_messages(actor), pk=message_id)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


@transaction.atomic
def message_mark_all_read(*, actor) -> int:
    """Mark every unread inbox message of the actor read; returns how many were unread."""
    return selectors.received_messages(actor).filter(read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_template_save(*, actor, tenant, event: str, language: str, body: str,
                               subject: str = "", channel: str = "") -> NotificationTemplate:
    """Create or replace the tenant's text of one event, language and channel ("" = any).

    ``tenant`` None writes the platform-wide default (system or platform administrators only).
    """
    if tenant is None:
        if actor is not None and not actor.is_superuser:
            raise PermissionDenied(_("Only platform administrators change the defaults."))
    elif actor is not None and (
        actor.tenant_id != tenant.pk or not actor.has_perm("core.change_notificationtemplate")
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, list[str]] = {}
    try:
        event_definition(event)
    except LookupError:
        errors["event"] = [_("There is no such event.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the site's languages.")]
    if channel and channel not in MessageChannel.values:
        errors["channel"] = [_("Choose a channel.")]
    if not body.strip():
        errors["body"] = [_("Enter the text of the message.")]
    for field, source in (("subject", subject), ("body", body)):
        try:
            Template(source)
        except TemplateSyntaxError as exc:
            errors.setdefault(field, []).append(
                _("The template is not valid: %(error)s") % {"error": exc}
            )
    if errors:
        raise ValidationError(errors)
    template, _created = NotificationTemplate.objects.update_or_create(
        tenant=tenant, event=event, channel=channel, language=language,
        defaults={"subject": subject, "body": body},
    )
    return template
