"""API of editions, distribution, promotion and subsidies (OUT-5, OUT-6, OUT-7) under
/api/v1/outreach/. Objects are resolved through the selectors (out of scope or missing: 404)
and written through the services (ValidationError → 422, PermissionDenied → 403)."""

import datetime as dt
from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.patch import sent_fields
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.outreach import services
from linli.outreach.api.registry import _agent, _call, _invalid, _org_unit
from linli.outreach.choices import ChannelMedium, DeclineReason, EditionKind, Rollout
from linli.outreach.distribution import selectors
from linli.outreach.models import (
    Distribution,
    DistributionChannel,
    Edition,
    Promotion,
    SubsidyRule,
    SubsidyStatement,
)
from linli.outreach.states import DistributionStatus, PromotionStage, StatementStatus

router = Router(tags=["outreach"])


# --- editions and channels ------------------------------------------------------------------

class EditionOut(Schema):
    id: int
    kind: EditionKind
    title: str
    version: str
    month: dt.date
    has_new_content: bool
    file_name: str
    file_url: str = Field(description="The private download page; empty without a file")
    org_unit_id: int
    created_at: datetime

    @staticmethod
    def resolve_file_url(obj) -> str:
        return reverse("outreach:edition_file", args=[obj.pk]) if obj.file else ""


class ChannelOut(Schema):
    id: int
    code: str
    name: str
    medium: str
    department: str
    day_of_month: int | None = Field(description="Empty: irregular")
    active: bool


@router.get("/editions", response=list[EditionOut], summary="Handbook and newsletter editions")
@scoped(Edition, "list")
@paginate(PagePagination)
def edition_list(request):
    return selectors.edition_list(request.auth)


@router.get("/editions/{edition_id}", response=EditionOut, summary="One edition")
@scoped(Edition, "detail")
def edition_detail(request, edition_id: PathId):
    return selectors.edition_get(request.auth, edition_id)


@router.post("/editions", response={201: EditionOut},
             summary="Create an edition (multipart, with its document)")
def edition_create(request, org_unit_id: Form[Id], kind: Form[EditionKind],
                   title: Form[str], month: Form[dt.date], version: Form[str] = "",
                   has_new_content: Form[bool] = True,
                   file: File[UploadedFile | None] = None):
    actor = request.auth
    edition = _call(services.edition_create, actor=actor, tenant=actor.tenant,
                    org_unit=_org_unit(actor, org_unit_id, "outreach.add_edition"), kind=kind,
                    title=title, month=month, version=version,
                    has_new_content=has_new_content, file=file)
    return Status(201, edition)


class DistributionChannelIn(Schema):
    code: str = Field(..., min_length=1, max_length=30, pattern=r"^[-a-zA-Z0-9_]+$",
                      description="Unique in your organisation; letters, digits, - and _")
    name: str = Field(..., min_length=1, max_length=100)
    medium: ChannelMedium
    department: str = Field(..., min_length=1, max_length=100,
                            description="The owner department")
    day_of_month: int | None = Field(None, description="1 to 31 (a day past the month's end "
                                                       "is its last day); null: irregular")
    active: bool = True


class DistributionChannelPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    department: str | None = Field(None, min_length=1, max_length=100)
    day_of_month: int | None = Field(None, description="1 to 31; null: irregular")
    active: bool | None = None


@router.get("/distribution-channels", response=list[ChannelOut],
            summary="Channels with their owner department and day of month")
@scoped(DistributionChannel, "list")
def channel_list(request):
    return selectors.channel_list(request.auth)


@router.post("/distribution-channels", response={201: ChannelOut},
             summary="Add a channel with its owner department and day of month")
def channel_create(request, payload: DistributionChannelIn):
    actor = request.auth
    return Status(201, _call(services.channel_create, actor=actor, tenant=actor.tenant,
                             **payload.dict()))


@router.patch("/distribution-channels/{channel_id}", response=ChannelOut,
              summary="Change a channel's name, owner department, day of month or activity")
def channel_patch(request, channel_id: PathId, payload: DistributionChannelPatch):
    actor = request.auth
    channel = selectors.channel_get(actor, channel_id)
    return _call(services.channel_update, actor=actor, channel=channel,
                 **sent_fields(payload, frozenset({"day_of_month"})))


# --- distributions --------------------------------------------------------------------------

class RecipientOut(Schema):
    id: int
    partner_id: int
    company: str = Field(alias="partner.organization.name")
    address: str
    status: str = Field(alias="delivery_status", description="queued, sent or failed")
    reason: str = Field(alias="delivery_reason")
    call_task_id: int | None
    confirmed_at: datetime | None
    opinion: str
    downloaded_at: datetime | None = Field(
        description="When the company first opened its e-mail's download link")


class DistributionOut(Schema):
    id: int
    edition_id: int
    edition: str = Field(alias="edition.title")
    channel_id: int
    channel: str = Field(alias="channel.name")
    status: DistributionStatus
    scheduled_for: dt.date | None
    agent_id: int | None
    rollout: Rollout
    cities: list[str]
    callback_campaign_id: int | None
    sent_at: datetime | None
    recipient_count: int
    confirmed_count: int
    org_unit_id: int


class DistributionDetailOut(DistributionOut):
    recipients: list[RecipientOut] = Field(alias="visible_recipients")


class DistributionIn(Schema):
    org_unit_id: Id
    edition_id: Id
    channel_id: Id
    agent_id: Id | None = Field(None, description="The agent handing out paper copies")
    rollout: Rollout = Rollout.NATIONAL
    cities: list[str] = Field([], max_length=100, description="The pilot cities")
    chosen_date: dt.date | None = Field(None, description="The day of an irregular channel")


class DistributionFilters(Schema):
    status: DistributionStatus | None = None
    edition_id: Id | None = None
    channel_id: Id | None = None
    agent_id: Id | None = None


class DistributionMoveIn(Schema):
    to: DistributionStatus


class RecipientCallbackIn(Schema):
    outcome: str = Field(..., pattern="^(connected|refused|no_answer|unreachable)$")
    received: bool = False
    opinion: str = Field("", max_length=2000)
    decline_reason: DeclineReason | None = None


def _detail(actor, pk: int) -> Distribution:
    distribution = selectors.distribution_get(actor, pk)
    distribution.visible_recipients = list(selectors.recipients_of(actor, distribution))
    return distribution


@router.get("/distributions", response=list[DistributionOut], summary="Distributions")
@scoped(Distribution, "list")
@paginate(PagePagination)
def distribution_list(request, filters: Query[DistributionFilters]):
    return selectors.distribution_list(request.auth, {
        "status": filters.status, "edition": filters.edition_id,
        "channel": filters.channel_id, "agent": filters.agent_id})


@router.get("/distributions/{distribution_id}", response=DistributionDetailOut,
            summary="One distribution with each recipient's status")
@scoped(Distribution, "detail")
def distribution_detail(request, distribution_id: PathId):
    return _detail(request.auth, distribution_id)


@router.post("/distributions", response={201: DistributionDetailOut},
             summary="Create a draft distribution (its day rolled to a working day)")
def distribution_create(request, payload: DistributionIn):
    actor = request.auth
    edition = selectors.edition_choices(actor).filter(pk=payload.edition_id).first()
    if edition is None:
        raise _invalid("edition_id", _("Choose an edition you can see."))
    channel = selectors.channel_list(actor).filter(pk=payload.channel_id).first()
    if channel is None:
        raise _invalid("channel_id", _("Choose an active channel of your own."))
    distribution = _call(
        services.distribution_create, actor=actor, tenant=actor.tenant,
        org_unit=_org_unit(actor, payload.org_unit_id, "outreach.add_distribution"),
        edition=edition, channel=channel, agent=_agent(actor, payload.agent_id),
        rollout=payload.rollout, cities=payload.cities, chosen_date=payload.chosen_date)
    return Status(201, _detail(actor, distribution.pk))


@router.post("/distributions/{distribution_id}/move", response=DistributionDetailOut,
             summary="Schedule, send, put back to draft or cancel a distribution")
def distribution_move(request, distribution_id: PathId, payload: DistributionMoveIn):
    actor = request.auth
    services.distribution_transition(
        actor=actor, distribution=selectors.distribution_get(actor, distribution_id),
        to=payload.to)
    return _detail(actor, distribution_id)


@router.post("/distribution-recipients/{recipient_id}/callback", response=RecipientOut,
             summary="Log the callback of one recipient: receipt, opinion, decline")
def distribution_callback(request, recipient_id: PathId, payload: RecipientCallbackIn):
    actor = request.auth
    recipient = selectors.recipient_get(actor, recipient_id)
    services.distribution_callback(actor=actor, recipient=recipient, outcome=payload.outcome,
                                   received=payload.received, opinion=payload.opinion,
                                   decline_reason=payload.decline_reason or "")
    return selectors.recipient_get(actor, recipient_id)


# --- promotion ------------------------------------------------------------------------------

class PromotionOut(Schema):
    id: int
    partner_id: int
    company: str = Field(alias="partner.organization.name")
    city: str = Field(alias="partner.organization.city")
    agent_id: int | None = Field(alias="partner.agent_id")
    stage: PromotionStage
    rollout: Rollout
    decline_reason: str
    decline_confirmed: bool
    mailed_at: datetime | None
    stage_changed_at: datetime | None


class PromotionFilters(Schema):
    stage: PromotionStage | None = None
    city: str | None = Field(None, max_length=50)
    agent_id: Id | None = None
    rollout: Rollout | None = None


class PromotionMoveIn(Schema):
    to: PromotionStage
    reason: DeclineReason | None = None


class FunnelCell(Schema):
    stage: str
    companies: int = Field(description="Companies that reached this stage or went further")


class FunnelRowOut(Schema):
    label: str
    total: int
    declined: int
    stages: list[FunnelCell]


class FunnelFilters(Schema):
    group_by: str = Field("city", pattern="^(city|agent)$")
    rollout: Rollout | None = None


@router.get("/promotions", response=list[PromotionOut], summary="Companies' promotion stages")
@scoped(Promotion, "list")
@paginate(PagePagination)
def promotion_list(request, filters: Query[PromotionFilters]):
    return selectors.promotion_list(request.auth, {
        "stage": filters.stage, "city": filters.city, "agent": filters.agent_id,
        "rollout": filters.rollout})


@router.post("/promotions/{promotion_id}/move", response=PromotionOut,
             summary="Move a company to its next stage, or mark it declined")
def promotion_move(request, promotion_id: PathId, payload: PromotionMoveIn):
    actor = request.auth
    promotion = selectors.promotion_get(actor, promotion_id)
    services.promotion_transition(actor=actor, promotion=promotion, to=payload.to,
                                  reason=payload.reason or "")
    return selectors.promotion_get(actor, promotion_id)


@router.get("/promotion-funnel", response=list[FunnelRowOut],
            summary="The promotion funnel by city or agent (first row: all)")
@scoped(Promotion, "list")
def promotion_funnel(request, filters: Query[FunnelFilters]):
    rows = selectors.promotion_funnel(request.auth, group_by=filters.group_by,
                                      rollout=filters.rollout or "")
    return [{"label": r.label, "total": r.total, "declined": r.declined,
             "stages": [{"stage": s, "companies": n} for s, n in r.cells]} for r in rows]


# --- subsidies ------------------------------------------------------------------------------

class SubsidyRuleOut(Schema):
    id: int
    name: str
    min_companies: int
    min_offices: int
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None


class SubsidyRuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    min_companies: int = Field(..., ge=0, le=100_000)
    min_offices: int = Field(..., ge=0, le=100_000)
    amount: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    valid_from: dt.date
    valid_to: dt.date | None = None


class CountedOut(Schema):
    recipient_id: int = Field(alias="id")
    partner_id: int
    company: str = Field(alias="partner.organization.name")
    kind: str = Field(alias="partner.organization.kind")
    confirmed_at: datetime | None


class SubsidyLineOut(Schema):
    id: int
    distribution_id: int
    edition: str = Field(alias="distribution.edition.title")
    scheduled_for: dt.date | None = Field(alias="distribution.scheduled_for")
    rule_id: int | None
    companies: int
    offices: int
    amount: Decimal
    counted: list[CountedOut]


class StatementOut(Schema):
    id: int
    agent_id: int
    agent: str = Field(alias="agent.organization.name")
    month: dt.date
    status: StatementStatus
    total: Decimal
    approved_by_id: int | None
    approved_at: datetime | None
    paid_at: datetime | None


class StatementDetailOut(StatementOut):
    lines: list[SubsidyLineOut] = Field(alias="visible_lines")


class StatementIn(Schema):
    agent_id: Id
    month: dt.date = Field(description="Any day of the month")


class StatementFilters(Schema):
    status: StatementStatus | None = None
    agent_id: Id | None = None


class StatementMoveIn(Schema):
    to: StatementStatus


@router.get("/subsidy-rules", response=list[SubsidyRuleOut], summary="Subsidy rules")
@scoped(SubsidyRule, "list")
def subsidy_rule_list(request):
    return selectors.subsidy_rule_list(request.auth)


@router.post("/subsidy-rules", response={201: SubsidyRuleOut},
             summary="Add a subsidy rule (its dates may not overlap another rule's)")
def subsidy_rule_create(request, payload: SubsidyRuleIn):
    actor = request.auth
    return Status(201, _call(services.subsidy_rule_create, actor=actor, tenant=actor.tenant,
                             **payload.dict()))


def _statement(actor, pk: int) -> SubsidyStatement:
    statement = selectors.statement_get(actor, pk)
    statement.visible_lines = selectors.statement_lines(actor, statement)
    return statement


@router.get("/subsidy-statements", response=list[StatementOut],
            summary="Monthly subsidy statements of the agents")
@scoped(SubsidyStatement, "list")
@paginate(PagePagination)
def statement_list(request, filters: Query[StatementFilters]):
    return selectors.statement_list(request.auth, {"status": filters.status,
                                                   "agent": filters.agent_id})


@router.get("/subsidy-statements/{statement_id}", response=StatementDetailOut,
            summary="One statement with every counted round and company")
@scoped(SubsidyStatement, "detail")
def statement_detail(request, statement_id: PathId):
    return _statement(request.auth, statement_id)


@router.post("/subsidy-statements", response={201: StatementDetailOut},
             summary="Build an agent's statement of a month")
def statement_create(request, payload: StatementIn):
    actor = request.auth
    statement = _call(services.statement_build, actor=actor,
                      agent=_agent(actor, payload.agent_id), month=payload.month)
    return Status(201, _statement(actor, statement.pk))


@router.post("/subsidy-statements/{statement_id}/move", response=StatementDetailOut,
             summary="Approve or pay a statement")
def statement_move(request, statement_id: PathId, payload: StatementMoveIn):
    actor = request.auth
    services.statement_transition(actor=actor, statement=selectors.statement_get(
        actor, statement_id), to=payload.to)
    return _statement(actor, statement_id)
