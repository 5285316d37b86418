"""Celery tasks of the outbox: deliver one message, and the periodic sweep (NFR-5)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from linli.celery import app
from linli.core.notifications import selectors, services
from linli.core.request_context import Channel, acting


@app.task(bind=True, ignore_result=True)
def deliver_message(self, message_id: int) -> str | None:
    """Send one message; safe to run twice (a sent or claimed message is skipped)."""
    with acting(None, Channel.JOB):
        return services.message_deliver(message_id)


@app.task(bind=True, ignore_result=True)
def deliver_due_messages(self) -> int:
    """Queue every message whose next attempt is due: retries after back-off, and messages
    whose queueing was lost while the broker was down. Returns how many were queued."""
    limit = getattr(settings, "NOTIFICATIONS_SWEEP_BATCH", 500)
    with acting(None, Channel.JOB):
        ids = selectors.due_message_ids(now=timezone.now(), limit=limit)
        for message_id in ids:
            deliver_message.delay(message_id)
    return len(ids)
