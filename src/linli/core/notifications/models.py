"""The notification outbox (PLAT-5).

Every notification is a ``Message`` row written in the same transaction as the change that
caused it; a Celery task delivers it afterwards and a periodic sweep delivers whatever an
outage left behind. A delivered in-app message is the user's inbox item (``read_at``).
Messages are infrastructure written on every delivery attempt, so they keep no simple-history
table: attempts, errors and times are on the row itself.

``NotificationTemplate`` rows override the defaults modules register in code
(``linli.core.notifications.catalogue.register_event``), per tenant (or for every tenant when
``tenant`` is empty), event, channel (empty: any channel) and language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.notifications.choices import MessageChannel, MessageStatus
from linli.core.tenancy import Tenant, TenantOwned

__all__ = ["Message", "NotificationTemplate"]


class Message(TenantOwned):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recipient"),
    )
    # E-mail address, E.164 phone number or webhook URL; empty for in-app messages.
    address = models.CharField(_("address"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=MessageChannel.choices)
    event = models.CharField(_("event"), max_length=100)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("caused by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next delivery attempt is due. While a worker sends, it is pushed ahead as a
    # lease so that no second worker sends the same message.
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dedup_key = models.CharField(_("de-duplication key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "dedup_key"], condition=~models.Q(dedup_key=""),
                name="message_unique_dedup_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["tenant", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.subject or self.event

    @property
    def url(self) -> str:
        """The page the message is about; only a path on this site is ever linked."""
        url = self.payload.get("url") if isinstance(self.payload, dict) else None
        if isinstance(url, str) and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
            return url
        return ""


class NotificationTemplate(models.Model):
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("tenant"), help_text=_("Empty: the default for every tenant."),
    )
    event = models.CharField(_("event"), max_length=100)
    channel = models.CharField(
        _("channel"), max_length=16, choices=MessageChannel.choices, blank=True,
        help_text=_("Empty: every channel."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = history()

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "language", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "event", "channel", "language"],
                name="notificationtemplate_unique",
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "language"], condition=models.Q(tenant__isnull=True),
                name="notificationtemplate_unique_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.channel or '*'} · {self.language}"
