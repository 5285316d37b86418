"""Domain events: explicit rows written by services for the timeline (who, when, old → new).

Plain edits are covered by django-simple-history; a domain event records a business step
(dispatched, escalated, called back, revealed) with its actor and channel. Modules add their
events through ``record_event`` and render them on timelines through the timeline registry.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from linli.core.audit import COPY_FROM, copy_insert
from linli.core.request_context import Channel, current
from linli.core.tenancy import TenantOwned


class DomainEvent(TenantOwned):
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.BigIntegerField()
    verb = models.CharField(_("event"), max_length=64)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("actor"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.CHOICES)
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True)

    class Meta:
        verbose_name = _("domain event")
        verbose_name_plural = _("domain events")
        indexes = [models.Index(fields=["subject_type", "subject_id", "occurred_at"])]
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.old_value} → {self.new_value}"


def record_event(
    subject: models.Model, verb: str, *, actor=None, old: str = "", new: str = "",
    note: str = "", data: dict | None = None,
) -> DomainEvent:
    """Write one event for ``subject`` with the acting user and channel of this unit of work."""
    event = event_for(subject, verb, actor=actor, old=old, new=new, note=note, data=data)
    event.save(force_insert=True)
    return event


def event_for(
    subject: models.Model, verb: str, *, actor=None, old: str = "", new: str = "",
    note: str = "", data: dict | None = None,
) -> DomainEvent:
    """The event ``record_event`` writes, not saved yet: ``record_events`` writes many at once."""
    context = current()
    if actor is None:
        actor = context.user
    return DomainEvent(
        tenant_id=subject.tenant_id,
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        subject_id=subject.pk,
        verb=verb,
        actor=actor if getattr(actor, "pk", None) else None,
        channel=context.channel,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        note=note,
        data=data or {},
    )


def record_events(events: list[DomainEvent]) -> list[DomainEvent]:
    """Write events made by ``event_for`` in one statement (a batch job's steps): many of them
    by COPY on PostgreSQL (``core.audit.copy_insert``)."""
    if connection.vendor == "postgresql" and len(events) >= COPY_FROM:
        copy_insert(DomainEvent, events)
        return events
    return DomainEvent.objects.bulk_create(events)  # scoped-query-ok: the event writer service


def events_for(subject: models.Model):
    """Events of one record, newest first (the caller has already checked it may see it)."""
    return DomainEvent.objects.filter(  # scoped-query-ok: caller checked the subject
        tenant_id=subject.tenant_id,
        subject_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
        subject_id=subject.pk,
    ).select_related("actor")
