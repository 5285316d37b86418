"""API of the knowledge base (SVC-13) under /api/v1/knowledge/: shelves, articles (list with
search and filters, one with its versions, create, update, publish, archive), the suggestions
the desk is offered for a question, answering a consultation from an article, and the count
of answered consultations.

Articles are resolved in the caller's scope (another tenant's: 404); writes go through the
services, whose field errors answer 422 and refusals 403.
"""

from datetime import date, datetime
from enum import StrEnum

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.api.work_orders import WorkOrderDetailOut
from linli.servicedesk.choices import ArticleStatus
from linli.servicedesk.knowledge import selectors as kb
from linli.servicedesk.models import KnowledgeAnswer, KnowledgeArticle, KnowledgeCategory

router = Router(tags=["knowledge base"])


# --- schemas --------------------------------------------------------------------------------

class KnowledgeCategoryOut(Schema):
    id: int
    code: str
    name: str
    position: int
    order_category_id: int | None
    is_active: bool


class KnowledgeCategoryIn(Schema):
    name: str = Field(max_length=100)
    code: str = Field(max_length=50, description="A short code, unique in the tenant")
    position: int = Field(100, ge=0, le=32767, description="Shelves are listed by position")
    order_category_id: Id | None = Field(None, description="The work-order category whose "
                                                           "questions this shelf answers")
    is_active: bool = True


class ArticleOut(Schema):
    id: int
    title: str
    body: str
    keywords: str
    status: str
    category_id: int
    category_name: str = ""
    owner_id: int
    owner_name: str = ""
    all_communities: bool
    version: int
    published_at: datetime | None
    archived_at: datetime | None
    source_order_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_owner_name(obj) -> str:
        return str(obj.owner)


class VersionOut(Schema):
    number: int
    title: str
    body: str
    keywords: str
    category_id: int
    note: str
    edited_by_id: int | None
    created_at: datetime


class ArticleDetailOut(ArticleOut):
    community_ids: list[int]
    versions: list[VersionOut]

    @staticmethod
    def resolve_community_ids(obj) -> list[int]:
        return [c.pk for c in kb.article_communities(obj)]

    @staticmethod
    def resolve_versions(obj) -> list:
        return list(kb.article_versions(obj))


class ArticleSuggestionOut(Schema):
    id: int
    title: str
    body: str
    category_id: int
    category_name: str
    version: int

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name


class ArticleFilters(Schema):
    q: str | None = Field(None, max_length=100,
                          description="A question or words, in Chinese or pinyin; ranks the "
                                      "list by relevance")
    category: Id | None = None
    status: ArticleStatus | None = Field(None, description="Writers only; readers see "
                                                           "published articles")
    owner: Id | None = None
    community: Id | None = Field(None, description="Articles that apply to this community")


class ArticleSuggestionFilters(Schema):
    q: str = Field(..., max_length=200, description="The caller's question as typed")
    community: Id | None = Field(None, description="The caller's community")
    limit: int = Field(5, ge=1, le=20)


class ArticleIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=20000)
    category_id: Id
    keywords: str = Field("", max_length=200)
    owner_id: Id | None = Field(None, description="Default: the author (on update: unchanged)")
    all_communities: bool = True
    community_ids: list[Id] = Field(default_factory=list, max_length=500,
                                    description="When not for all communities")
    note: str = Field("", max_length=200, description="What changed (kept with the version)")


class ArticleNoteIn(Schema):
    note: str = Field("", max_length=200)


class ArticleAnswerIn(Schema):
    work_order_id: Id = Field(description="The consultation answered")
    note: str = Field("", max_length=500)


class CountBy(StrEnum):
    ARTICLE = "article"
    CATEGORY = "category"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class CountFilters(Schema):
    by: CountBy = CountBy.ARTICLE
    date_from: date | None = Field(None, description="First local day, inclusive")
    date_to: date | None = Field(None, description="Last local day, inclusive")
    community: Id | None = None


class CountOut(Schema):
    key: int | date
    label: str
    answered: int


# --- lookups --------------------------------------------------------------------------------

def _shelf(actor, pk: int) -> KnowledgeCategory:
    found = kb.knowledge_category_find(actor, pk)
    if found is None:
        raise lookups.invalid("category_id", _("Choose one of the knowledge base's categories."))
    return found


def _owner(actor, pk: int | None):
    if pk is None:
        return None
    found = kb.owner_choices(actor).filter(pk=pk).first()
    if found is None:
        raise lookups.invalid("owner_id", _("Choose an active user of your organisation as "
                                            "the owner."))
    return found


def _communities(actor, ids: list[int]) -> list:
    return [lookups.community(actor, pk, "community_ids") for pk in dict.fromkeys(ids)]


def _arguments(actor, payload: ArticleIn) -> dict:
    return {"title": payload.title, "body": payload.body, "keywords": payload.keywords,
            "category": _shelf(actor, payload.category_id),
            "owner": _owner(actor, payload.owner_id),
            "all_communities": payload.all_communities,
            "communities": _communities(actor, payload.community_ids), "note": payload.note}


def _status_move(actor, article_id: int, service, note: str):
    """Publish or archive: the service's refusal answers 422 or 403."""
    lookups.call(service, kb.article_get(actor, article_id), actor=actor, note=note)
    return kb.article_get(actor, article_id)


# --- endpoints ------------------------------------------------------------------------------

@router.get("/knowledge/categories", response=list[KnowledgeCategoryOut],
            summary="Knowledge-base categories")
@scoped(KnowledgeCategory, "list")
def knowledge_category_list(request):
    return list(kb.knowledge_category_list(request.auth))


def _shelf_arguments(actor, payload: KnowledgeCategoryIn) -> dict:
    return {"name": payload.name, "code": payload.code, "position": payload.position,
            "order_category": lookups.category(actor, payload.order_category_id,
                                               "order_category_id"),
            "is_active": payload.is_active}


@router.post("/knowledge/categories", response={201: KnowledgeCategoryOut},
             summary="Add a knowledge-base category")
def knowledge_category_create(request, payload: KnowledgeCategoryIn):
    """Needs *Can add knowledge category*; name and code are unique in the tenant."""
    actor = request.auth
    shelf = lookups.call(services.knowledge_category_save, actor=actor, tenant=actor.tenant,
                         **_shelf_arguments(actor, payload))
    return Status(201, shelf)


@router.put("/knowledge/categories/{category_id}", response=KnowledgeCategoryOut,
            summary="Change a knowledge-base category")
def knowledge_category_update(request, category_id: PathId, payload: KnowledgeCategoryIn):
    """Needs *Can change knowledge category*; ``is_active: false`` takes the shelf off the
    lists without touching its articles."""
    actor = request.auth
    shelf = kb.knowledge_category_find(actor, category_id)
    if shelf is None:
        raise Http404
    return lookups.call(services.knowledge_category_save, actor=actor, tenant=actor.tenant,
                        category=shelf, **_shelf_arguments(actor, payload))


@router.get("/knowledge/articles", response=list[ArticleOut], summary="Knowledge-base articles")
@scoped(KnowledgeArticle, "list")
@paginate(PagePagination)
def knowledge_article_list(request, filters: Query[ArticleFilters]):
    """With ``q``, best match first; else the last edited first."""
    return kb.article_list(request.auth, {
        "q": filters.q, "category": filters.category, "status": lookups.value(filters.status),
        "owner": filters.owner, "community": filters.community})


@router.get("/knowledge/suggestions", response=list[ArticleSuggestionOut],
            summary="Published articles that answer a question")
@scoped(KnowledgeArticle, "search")
def knowledge_suggestions(request, filters: Query[ArticleSuggestionFilters]):
    """What the desk is offered as it types: Chinese text, or pinyin (full or initials);
    a Chinese question that finds nothing as written is tried by its pinyin."""
    return kb.article_suggestions(request.auth, filters.q, community=filters.community,
                                  limit=filters.limit)


@router.get("/knowledge/articles/{article_id}", response=ArticleDetailOut,
            summary="One article with its versions")
@scoped(KnowledgeArticle, "detail")
def knowledge_article_detail(request, article_id: PathId):
    return kb.article_get(request.auth, article_id)


@router.post("/knowledge/articles", response={201: ArticleDetailOut},
             summary="Write an article (a draft, version 1)")
def knowledge_article_create(request, payload: ArticleIn):
    actor = request.auth
    article = lookups.call(services.knowledge_article_create, actor=actor, tenant=actor.tenant,
                    **_arguments(actor, payload))
    return Status(201, kb.article_get(actor, article.pk))


@router.put("/knowledge/articles/{article_id}", response=ArticleDetailOut,
            summary="Edit an article (a new version)")
def knowledge_article_update(request, article_id: PathId, payload: ArticleIn):
    """The owner or a knowledge-base editor; a published article stays published."""
    actor = request.auth
    article = kb.article_get(actor, article_id)
    lookups.call(services.knowledge_article_update, article, actor=actor,
                 **_arguments(actor, payload))
    return kb.article_get(actor, article_id)


@router.post("/knowledge/articles/{article_id}/publish", response=ArticleDetailOut,
             summary="Publish: the front desk is offered it")
def knowledge_article_publish(request, article_id: PathId, payload: ArticleNoteIn):
    return _status_move(request.auth, article_id, services.knowledge_article_publish,
                        payload.note)


@router.post("/knowledge/articles/{article_id}/archive", response=ArticleDetailOut,
             summary="Archive: no longer offered")
def knowledge_article_archive(request, article_id: PathId, payload: ArticleNoteIn):
    return _status_move(request.auth, article_id, services.knowledge_article_archive,
                        payload.note)


@router.post("/knowledge/articles/{article_id}/answer", response=WorkOrderDetailOut,
             summary="Answer a consultation with this article (closes it)")
def knowledge_article_answer(request, article_id: PathId, payload: ArticleAnswerIn):
    """The same move as POST /work-orders/{id}/answer: the consultation is closed at once and
    the answer counted for the article."""
    actor = request.auth
    article = kb.article_get(actor, article_id)
    order = selectors.work_order_get(actor, payload.work_order_id)
    return lookups.call(services.work_order_answer, order, actor=actor, article=article,
                        note=payload.note)


@router.get("/knowledge/answer-counts", response=list[CountOut],
            summary="Consultations answered from the knowledge base, counted")
@scoped(KnowledgeAnswer, "list")
def knowledge_answer_counts(request, filters: Query[CountFilters]):
    """Per article, category, day, week or month, among the orders the caller may see."""
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise lookups.invalid("date_to", _("The end date is before the start date."))
    return kb.knowledge_answer_counts(request.auth, by=filters.by.value,
                                      date_from=filters.date_from, date_to=filters.date_to,
                                      community=filters.community)
