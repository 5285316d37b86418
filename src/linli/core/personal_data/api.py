"""API of personal data handling: reveal a masked value, the access log, global search."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from linli.core.middleware import client_ip
from linli.core.personal_data import selectors, services
from linli.core.personal_data.models import AccessAction, AccessLog
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped, unscoped
from linli.core.restapi.types import Id

router = Router(tags=["personal_data"])


class RevealIn(Schema):
    model: str = Field(..., max_length=100, description='Model label, e.g. "accounts.User"')
    id: int
    field: str = Field(..., max_length=64, description='Field name, e.g. "mobile"')


class RevealOut(Schema):
    value: str


@router.post("/reveal", response=RevealOut, summary="Reveal one masked personal-data value")
def reveal(request, payload: RevealIn):
    """Needs the permission "See unmasked personal data" at the record; every reveal is logged
    in the access log with the caller's IP address."""
    value = services.reveal(
        actor=request.auth, model_label=payload.model, pk=payload.id, field=payload.field,
        ip=client_ip(request),
    )
    return RevealOut(value=value)


class AccessLogFilters(Schema):
    user: Id | None = Field(None, description="Only accesses by this user id")
    action: AccessAction | None = None
    date_from: datetime.date | None = Field(None, description="First local day, inclusive")
    date_to: datetime.date | None = Field(None, description="Last local day, inclusive")


class AccessLogOut(Schema):
    id: int
    occurred_at: datetime.datetime
    user_id: int
    user: str
    action: str
    subject_type: str  # "app_label.model", empty for exports of many records
    subject_id: str
    subject_label: str
    field: str
    ip: str | None
    channel: str
    note: str

    @staticmethod
    def resolve_user(obj: AccessLog) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_subject_type(obj: AccessLog) -> str:
        if obj.subject_type is None:
            return ""
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"


@router.get("/access-log", response=list[AccessLogOut], summary="The personal-data access log")
@scoped(AccessLog, "list")
@paginate(PagePagination)
def access_log(request, filters: Query[AccessLogFilters]):
    if not request.auth.has_perm("core.view_accesslog"):
        raise PermissionDenied
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationError({"date_to": [_("The end date is before the start date.")]})
    return selectors.access_log_list(
        request.auth, user_id=filters.user, action=filters.action or "",
        date_from=filters.date_from, date_to=filters.date_to,
    )


class HitOut(Schema):
    kind: str
    title: str
    subtitle: str
    url: str
    score: float


class SearchOut(Schema):
    query: str
    query_kind: str
    hits: list[HitOut]


@router.get("/search", response=SearchOut, summary="Search people, units, users and more")
@unscoped("delegates to each provider, which applies the scope")
def search(request, q: str = Query("", max_length=200), limit: int = Query(20, ge=1, le=50)):
    query, hits = selectors.search_hits(request.auth, q, limit)
    return SearchOut(
        query=query.text, query_kind=str(query.kind),
        hits=[HitOut(kind=str(h.kind), title=h.title, subtitle=h.subtitle, url=h.url,
                     score=h.score) for h in hits],
    )
