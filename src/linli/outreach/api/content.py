"""API of the content calendar (OUT-8) under /api/v1/outreach/content."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.selectors import visible_users
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.patch import sent_fields
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.outreach import selectors, services
from linli.outreach.api.registry import _call, _invalid, _org_unit
from linli.outreach.choices import ContentChannel, ContentKind, ContentStatus
from linli.outreach.models import ContentItem

router = Router(tags=["outreach"])


class ContentItemOut(Schema):
    id: int
    title: str
    kind: ContentKind
    topic: str
    channel: ContentChannel
    status: ContentStatus
    planned_on: date
    published_on: date | None
    owner_id: int | None
    notes: str
    org_unit_id: int
    created_at: datetime


class ContentItemIn(Schema):
    org_unit_id: Id
    title: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., max_length=20, description="article, handbook_issue, newspaper, "
                                                     "video")
    topic: str = Field("", max_length=100)
    channel: str = Field(..., max_length=20, description="paper, email, website, wechat, "
                                                        "weibo, qq_group")
    planned_on: date
    owner_id: Id | None = None
    notes: str = Field("", max_length=5000)


class ContentItemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: str | None = Field(None, max_length=20)
    topic: str | None = Field(None, max_length=100)
    channel: str | None = Field(None, max_length=20)
    planned_on: date | None = None
    owner_id: Id | None = Field(None, description="null removes the owner")
    notes: str | None = Field(None, max_length=5000)


class ContentItemMoveIn(Schema):
    status: str = Field(..., max_length=20, description="planned, drafted, reviewed, "
                                                       "published")
    note: str = Field("", max_length=500)


class ContentItemFilters(Schema):
    month: date | None = Field(None, description="Any day of the month to show")
    kind: ContentKind | None = None
    channel: ContentChannel | None = None
    status: ContentStatus | None = None
    owner_id: Id | None = None
    topic: str | None = Field(None, max_length=100)


def _owner(actor, pk: int | None):
    if pk is None:
        return None
    owner = visible_users(actor).filter(pk=pk, is_active=True).first()
    if owner is None:
        raise _invalid("owner_id", _("Choose an owner you can see."))
    return owner


@router.get("/content", response=list[ContentItemOut], summary="Content calendar")
@scoped(ContentItem, "list")
@paginate(PagePagination)
def content_list(request, filters: Query[ContentItemFilters]):
    return selectors.content_list(request.auth, {
        "month": filters.month, "kind": filters.kind, "channel": filters.channel,
        "status": filters.status, "owner": filters.owner_id, "topic": filters.topic})


@router.get("/content/{item_id}", response=ContentItemOut, summary="One calendar entry")
@scoped(ContentItem, "detail")
def content_detail(request, item_id: PathId):
    return selectors.content_get(request.auth, item_id)


@router.post("/content", response={201: ContentItemOut}, summary="Plan content")
def content_create(request, payload: ContentItemIn):
    actor = request.auth
    item = _call(services.content_create, actor=actor, tenant=actor.tenant,
                 org_unit=_org_unit(actor, payload.org_unit_id, "outreach.add_contentitem"),
                 owner=_owner(actor, payload.owner_id),
                 **payload.dict(exclude={"org_unit_id", "owner_id"}))
    return Status(201, item)


@router.patch("/content/{item_id}", response=ContentItemOut, summary="Edit a calendar entry")
def content_patch(request, item_id: PathId, payload: ContentItemPatch):
    actor = request.auth
    item = selectors.content_get(actor, item_id)
    changes = sent_fields(payload, frozenset({"owner_id"}))
    if "owner_id" in changes:
        changes["owner"] = _owner(actor, changes.pop("owner_id"))
    return _call(services.content_update, actor=actor, item=item, **changes)


@router.post("/content/{item_id}/status", response=ContentItemOut,
             summary="Move a calendar entry to another status")
def content_status(request, item_id: PathId, payload: ContentItemMoveIn):
    actor = request.auth
    return services.content_transition(actor=actor, item=selectors.content_get(actor, item_id),
                                       status=payload.status, note=payload.note)
