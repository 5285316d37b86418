"""Reads of the knowledge base (SVC-13): shelves, articles and their versions, the search the
desk runs as it types, and the count of consultations answered from it.

Articles are tenant data read through ``restrict``: another tenant's never appear. Who may
write articles sees every status; everybody else sees published articles only.

The search ranks on PostgreSQL with the weighted full-text vector (title over keywords over
the answer; GIN-indexed, see migration 0003) and elsewhere with the same weights summed over
``LIKE`` matches. A question typed in pinyin matches the pinyin keys of titles and keywords,
and so does a Chinese question that finds nothing as written (a homophone typo).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.shortcuts import get_object_or_404
from django.utils import timezone

from linli.servicedesk.choices import ArticleStatus
from linli.servicedesk.knowledge.models import (
    KnowledgeAnswer,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
)
from linli.servicedesk.knowledge.search_keys import Question, ascii_term, parse_question

SUGGESTIONS = 5
WRITERS = ("servicedesk.add_knowledgearticle", "servicedesk.change_knowledgearticle",
           "servicedesk.publish_knowledgearticle")

# SQLite's weights per term, as PostgreSQL's ts_rank weighs A (title), B, C (answer).
TITLE, KEYWORDS, BODY = 1.0, 0.4, 0.2


def can_write(user) -> bool:
    return any(user.has_perm(p) for p in WRITERS)


# --- shelves --------------------------------------------------------------------------------

def knowledge_category_list(user, *, active_only: bool = False) -> QuerySet[KnowledgeCategory]:
    qs = KnowledgeCategory.objects.restrict(user, "view").select_related("order_category")
    return qs.filter(is_active=True) if active_only else qs


def knowledge_category_rows(user) -> QuerySet[KnowledgeCategory]:
    """The shelves with how many articles each holds (any status)."""
    return knowledge_category_list(user).annotate(article_count=Count("articles"))


def knowledge_category_get(user, pk, action: str = "view") -> KnowledgeCategory:
    return get_object_or_404(KnowledgeCategory.objects.restrict(user, action), pk=pk)


def knowledge_category_find(user, pk) -> KnowledgeCategory | None:
    if not str(pk or "").isdigit():
        return None
    return KnowledgeCategory.objects.restrict(user, "view").filter(pk=pk).first()


def knowledge_category_taken(tenant_id: int, *, name: str, code: str,
                             exclude: KnowledgeCategory | None) -> dict[str, bool]:
    others = KnowledgeCategory.objects.filter(tenant_id=tenant_id)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return {"name": others.filter(name=name).exists(), "code": others.filter(code=code).exists()}


def knowledge_category_for_order(order) -> KnowledgeCategory | None:
    """The shelf of ``order``'s category (or of the nearest category above it that has one)."""
    shelves = KnowledgeCategory.objects.filter(tenant_id=order.tenant_id, is_active=True)
    node = order.category
    while node is not None:
        found = shelves.filter(order_category_id=node.pk).first()
        if found is not None:
            return found
        node = node.parent
    return None


def knowledge_category_default(tenant_id: int) -> KnowledgeCategory | None:
    return KnowledgeCategory.objects.filter(tenant_id=tenant_id, is_active=True).first()


# --- articles -------------------------------------------------------------------------------

def _visible(user) -> QuerySet[KnowledgeArticle]:
    qs = KnowledgeArticle.objects.restrict(user, "view")
    return qs if can_write(user) else qs.filter(status=ArticleStatus.PUBLISHED)


def _for_community(qs: QuerySet, community) -> QuerySet:
    """Articles for all communities, or listing ``community`` (an id or a Community)."""
    community_id = getattr(community, "pk", community)
    listed = KnowledgeArticle.communities.through.objects.filter(
        community_id=community_id).values("knowledgearticle_id")
    return qs.filter(Q(all_communities=True) | Q(pk__in=listed))


def article_list(user, filters: dict | None = None) -> QuerySet[KnowledgeArticle]:
    """The list screen's and the API's articles: ``q`` ranks by relevance (else newest edit
    first); ``category``, ``status``, ``owner`` and ``community`` filter."""
    filters = filters or {}
    qs = _visible(user).select_related("category", "owner")
    if filters.get("category"):
        qs = qs.filter(category_id=filters["category"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("community"):
        qs = _for_community(qs, filters["community"])
    question = parse_question(filters.get("q"))
    if question.is_empty:
        return qs.order_by("-updated_at", "-pk")
    return ranked(qs, question)


def article_get(user, pk, action: str = "view") -> KnowledgeArticle:
    qs = _visible(user) if action == "view" else KnowledgeArticle.objects.restrict(user, action)
    return get_object_or_404(qs.select_related("category", "owner", "source_order"), pk=pk)


def article_find(user, pk, *, published: bool = False) -> KnowledgeArticle | None:
    if not str(pk or "").isdigit():
        return None
    qs = _visible(user)
    if published:
        qs = qs.filter(status=ArticleStatus.PUBLISHED)
    return qs.select_related("category").filter(pk=pk).first()


def article_versions(article: KnowledgeArticle) -> QuerySet[KnowledgeArticleVersion]:
    """Every saved version of an article the caller may see, newest first."""
    return KnowledgeArticleVersion.objects.filter(
        tenant_id=article.tenant_id, article=article).select_related("edited_by", "category")


def article_version_get(article: KnowledgeArticle, number) -> KnowledgeArticleVersion:
    return get_object_or_404(article_versions(article), number=number)


def article_communities(article: KnowledgeArticle) -> list:
    return list(article.communities.order_by("name_pinyin", "pk"))


def article_from_order(user, order) -> KnowledgeArticle | None:
    """A draft or published article already made from ``order`` (not archived)."""
    return (KnowledgeArticle.objects.restrict(user, "view")
            .filter(source_order_id=order.pk)
            .exclude(status=ArticleStatus.ARCHIVED).first())


def article_made_from(order) -> bool:
    """Whether a draft or published article was made from ``order`` already."""
    return KnowledgeArticle.objects.filter(tenant_id=order.tenant_id, source_order=order
                                           ).exclude(status=ArticleStatus.ARCHIVED).exists()


def article_for_update(article: KnowledgeArticle) -> KnowledgeArticle:
    """The article's row locked for this transaction (a no-op on SQLite)."""
    return KnowledgeArticle.objects.select_for_update().get(pk=article.pk)


# --- search ---------------------------------------------------------------------------------

def _tsquery(question: Question) -> SearchQuery:
    return SearchQuery(" | ".join(ascii_term(t) for t in question.terms), search_type="raw",
                       config="simple")


def _text_ranked(qs: QuerySet, question: Question, vector: str = "search_vector"
                 ) -> QuerySet:
    if connection.vendor == "postgresql":
        query = _tsquery(question)
        return qs.filter(**{vector: query}).annotate(score=SearchRank(F(vector), query))
    scores = [Case(When(title__icontains=t, then=Value(TITLE)),
                   When(keywords__icontains=t, then=Value(KEYWORDS)),
                   default=Value(BODY), output_field=FloatField())
              * Case(When(search_text__contains=t, then=Value(1.0)), default=Value(0.0),
                     output_field=FloatField())
              for t in question.terms]
    matches = functools.reduce(operator.or_, (Q(search_text__contains=t)
                                              for t in question.terms))
    return qs.filter(matches).annotate(score=functools.reduce(operator.add, scores))


def _pinyin_ranked(qs: QuerySet, keys: tuple[str, ...]) -> QuerySet:
    """Titles and keywords whose pinyin holds the keys; initials count for a typed query."""
    whens = []
    for key in keys:
        # The keys hold the title's pinyin, then each keyword's, separated by spaces: a key
        # at the start of one of them counts most.
        whens.append(Case(
            When(Q(search_initials__startswith=key) | Q(search_pinyin__startswith=key)
                 | Q(search_pinyin__contains=f" {key}"), then=Value(TITLE)),
            When(search_pinyin__contains=key, then=Value(KEYWORDS)),
            When(search_initials__contains=key, then=Value(BODY)),
            default=Value(0.0), output_field=FloatField()))
    matches = functools.reduce(operator.or_, (
        Q(search_pinyin__contains=k) | Q(search_initials__contains=k) for k in keys))
    return qs.filter(matches).annotate(score=functools.reduce(operator.add, whens))


BEST_FIRST = ("-score", "-updated_at", "-pk")


def ranked(qs: QuerySet, question: Question, *, fallback: bool = True) -> QuerySet:
    """``qs`` narrowed to what matches ``question``, best first. A pinyin question matches
    the pinyin keys; a Chinese one the text, and — with ``fallback`` — the pinyin of its
    terms when the text finds nothing (one query more to find that out)."""
    if question.pinyin:
        found = _pinyin_ranked(qs, (question.pinyin,))
    elif question.terms:
        found = _text_ranked(qs, question)
        if fallback and question.pinyin_terms and not found.exists():
            found = _pinyin_ranked(qs, question.pinyin_terms)
    else:
        return qs.none()
    return found.order_by(*BEST_FIRST)


def article_suggestions(user, text: str | None, *, community=None,
                        limit: int = SUGGESTIONS) -> list[KnowledgeArticle]:
    """What the desk is offered as it types the caller's question: published articles that
    apply to the caller's community, best first."""
    question = parse_question(text)
    if question.is_empty:
        return []
    qs = KnowledgeArticle.objects.restrict(user, "view").filter(
        status=ArticleStatus.PUBLISHED).select_related("category")
    if community:
        qs = _for_community(qs, community)
    qs = qs.defer("search_text", "search_pinyin", "search_initials", "search_vector",
                  "search_head")
    if connection.vendor == "postgresql" and question.terms and not question.pinyin:
        # Titles and keywords first (their vectors are small, so ranking the many articles a
        # common word matches stays fast); the answers' words only when those find too few.
        found = list(_text_ranked(qs, question, "search_head").order_by(*BEST_FIRST)[:limit])
        if len(found) < limit:
            found += _text_ranked(qs.exclude(pk__in=[a.pk for a in found]), question
                                  ).order_by(*BEST_FIRST)[:limit - len(found)]
    else:
        found = list(ranked(qs, question, fallback=False)[:limit])
    if not found and not question.pinyin and question.pinyin_terms:
        found = list(_pinyin_ranked(qs, question.pinyin_terms).order_by(*BEST_FIRST)[:limit])
    return found


# --- answers and the report -----------------------------------------------------------------

def answer_of(order) -> KnowledgeAnswer | None:
    """How ``order`` was answered from the knowledge base, if it was."""
    return (KnowledgeAnswer.objects.filter(tenant_id=order.tenant_id, work_order_id=order.pk)
            .select_related("article", "answered_by").first())


@dataclass(frozen=True)
class AnswerCount:
    key: object  # an article id, a category id or the first day of a period
    label: str
    answered: int


PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def knowledge_answer_counts(user, *, by: str = "article", date_from: dt.date | None = None,
                            date_to: dt.date | None = None, community=None
                            ) -> list[AnswerCount]:
    """Consultations answered from the knowledge base among the orders ``user`` may see,
    counted per ``by``: "article", "category", or a period ("day", "week", "month"), between
    two local days (inclusive). Most answered first; periods in time order."""
    from linli.servicedesk.selectors import work_order_list

    orders = work_order_list(user)
    if community:
        orders = orders.filter(community_id=getattr(community, "pk", community))
    # The orders' scope is the answers' scope: an answer is part of its order.
    qs = KnowledgeAnswer.objects.filter(work_order_id__in=orders.values("pk"))
    zone = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(answered_at__gte=dt.datetime.combine(date_from, dt.time.min, zone))
    if date_to:
        qs = qs.filter(answered_at__lt=dt.datetime.combine(
            date_to + dt.timedelta(days=1), dt.time.min, zone))
    if by == "article":
        rows = qs.values("article_id", "article__title").annotate(n=Count("pk")).order_by(
            "-n", "article__title", "article_id")
        return [AnswerCount(r["article_id"], r["article__title"], r["n"]) for r in rows]
    if by == "category":
        rows = qs.values("category_id", "category__name").annotate(n=Count("pk")).order_by(
            "-n", "category__name", "category_id")
        return [AnswerCount(r["category_id"], r["category__name"], r["n"]) for r in rows]
    if by in PERIODS:
        rows = qs.annotate(period=PERIODS[by]("answered_at", tzinfo=zone)).values(
            "period").annotate(n=Count("pk")).order_by("period")
        return [AnswerCount(r["period"].date(), r["period"].date().isoformat(), r["n"])
                for r in rows]
    raise ValueError(f"count by article, category, day, week or month, not {by!r}")


def owner_choices(user) -> QuerySet:
    """Who may own an article: active users of the user's tenant whose current role lets
    them write articles (tenant administrators included)."""
    from linli.accounts.models import Membership, User

    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return User.objects.none()
    today = timezone.localdate()
    writers = Membership.objects.filter(
        tenant_id=tenant_id, role__permissions__codename__in=[
            "add_knowledgearticle", "change_knowledgearticle", "publish_knowledgearticle"],
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return User.objects.filter(tenant_id=tenant_id, is_active=True).filter(
        Q(pk__in=writers.values("user_id")) | Q(pk=user.pk)
    ).order_by("display_name", "username", "pk")
