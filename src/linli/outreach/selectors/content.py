"""Reads of the content calendar (OUT-8)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from linli.core.filtering import filtered
from linli.outreach.models import ContentItem

CONTENT_FILTERS = {"kind": "kind", "channel": "channel", "status": "status",
                   "owner": "owner_id", "topic": "topic__icontains"}


def content_list(actor, filters: dict | None = None, action: str = "view"
                 ) -> QuerySet[ContentItem]:
    """Calendar entries; ``filters``: month (a date in it), kind, channel, status, owner (id),
    topic (part of it)."""
    filters = filters or {}
    qs = filtered(ContentItem.objects.restrict(actor, action).select_related("owner"),
                   CONTENT_FILTERS, filters)
    month = filters.get("month")
    if month:
        qs = qs.filter(planned_on__year=month.year, planned_on__month=month.month)
    return qs.order_by("planned_on", "pk")


def content_get(actor, pk, action: str = "view") -> ContentItem:
    return get_object_or_404(content_list(actor, action=action), pk=pk)


def content_topics(actor) -> list[str]:
    return list(ContentItem.objects.restrict(actor, "view").exclude(topic="")
                .order_by("topic").values_list("topic", flat=True).distinct())
