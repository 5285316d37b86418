"""Channels and delivery statuses of outbox messages, with their badge colour in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Gave up")

    @property
    def badge(self) -> str:
        return {"pending": "secondary", "sent": "green", "failed": "orange", "dead": "red"}[
            self.value
        ]


# Statuses the delivery sweep still works on, and those an administrator may send again.
OPEN_STATUSES = (MessageStatus.PENDING, MessageStatus.FAILED)
RETRYABLE_STATUSES = (MessageStatus.FAILED, MessageStatus.DEAD)
