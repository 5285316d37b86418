"""Reads of personal data handling: the access log (PLAT-9) and global search (PLAT-8)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from linli.core.modules import SearchHit, search_providers_for
from linli.core.personal_data.models import AccessLog
from linli.core.personal_data.search_query import SearchQuery, parse_search_query

SUGGEST_LIMIT = 8


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log_list(
    actor, *, user_id: int | None = None, action: str = "",
    date_from: datetime.date | None = None, date_to: datetime.date | None = None,
) -> QuerySet[AccessLog]:
    """Access-log rows of the actor's tenant (needs core.view_accesslog), newest first.

    The date range is inclusive and counted in local days (Asia/Shanghai).
    """
    qs = AccessLog.objects.restrict(actor, "view").select_related("user", "subject_type")
    if user_id:
        qs = qs.filter(user_id=user_id)
    if action:
        qs = qs.filter(action=action)
    if date_from:
        qs = qs.filter(occurred_at__gte=_local_midnight(date_from))
    if date_to:
        qs = qs.filter(occurred_at__lt=_local_midnight(date_to + datetime.timedelta(days=1)))
    return qs.order_by("-occurred_at", "-id")


def access_log_users(actor) -> QuerySet:
    """The users who appear in the access log the actor may view (choices of the user filter)."""
    user_ids = AccessLog.objects.restrict(actor, "view").values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids).order_by("display_name", "username")


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    hits: list[SearchHit]


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    groups: list[SearchGroup]

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def _ranked(hits: list[SearchHit]) -> list[SearchHit]:
    return sorted(hits, key=lambda h: (-h.score, h.title))


def _ask_providers(actor, query: SearchQuery, limit: int) -> list[SearchHit]:
    """Every hit of every provider the actor may use; each provider applies its own scope."""
    if query.is_empty:
        return []
    hits: list[SearchHit] = []
    for provider in search_providers_for(actor):
        hits.extend(provider.search(actor, query, limit)[:limit])
    return hits


def search(actor, q: str | None) -> SearchResults:
    """The results page: hits grouped by kind, the group with the best hit first."""
    query = parse_search_query(q)
    per_kind = getattr(settings, "SEARCH_RESULTS_PER_KIND", 20)
    by_kind: dict[str, list[SearchHit]] = {}
    for hit in _ask_providers(actor, query, per_kind):
        by_kind.setdefault(str(hit.kind), []).append(hit)
    groups = [SearchGroup(kind, _ranked(hits)[:per_kind]) for kind, hits in by_kind.items()]
    groups.sort(key=lambda g: (-g.hits[0].score, g.kind))
    return SearchResults(query=query, groups=groups)


def search_hits(actor, q: str | None, limit: int = SUGGEST_LIMIT) -> tuple[SearchQuery, list]:
    """The best ``limit`` hits across all providers, for the suggestion box and the API."""
    query = parse_search_query(q)
    return query, _ranked(_ask_providers(actor, query, limit))[:limit]
