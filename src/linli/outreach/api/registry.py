"""API of partner outreach (OUT-1, OUT-4) under /api/v1/outreach/.

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (ValidationError → 422 with fields named as in the payload, PermissionDenied →
403). Contacts and their phones are the directory's (/api/v1/organizations/{id}/contacts).
"""


from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.selectors import units_where, visible_users
from linli.core.personal_data.masking import mask_phone
from linli.core.restapi.errors import invalid as _invalid
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.patch import sent_fields
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.outreach import selectors, services
from linli.outreach.choices import (
    AgentMode,
    AgentStatus,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    Qualification,
    SigningStatus,
)
from linli.outreach.models import Agent, CallTask, Campaign, Partner, PartnerFilter

router = Router(tags=["outreach"])

_PAYLOAD_NAMES = {"agent": "agent_id", "org_unit": "org_unit_id", "to_agent": "to_agent_id"}


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({_PAYLOAD_NAMES.get(k, k): v
                               for k, v in exc.error_dict.items()}) from exc


def _org_unit(actor, pk: int, permission: str):
    unit = units_where(actor, permission).filter(pk=pk).first()
    if unit is None:
        raise _invalid("org_unit_id", _("Choose a unit of your own organisation."))
    return unit


def _agent(actor, pk: int | None, field: str = "agent_id") -> Agent | None:
    if pk is None:
        return None
    agent = selectors.agent_find(actor, pk)
    if agent is None:
        raise _invalid(field, _("Choose an agent you can see."))
    return agent


# --- schemas --------------------------------------------------------------------------------

class OutreachAgentRef(Schema):
    id: int
    name: str = Field(alias="organization.name")
    status: str


class OutreachPartnerOut(Schema):
    id: int
    organization_id: int
    name: str = Field(alias="organization.name")
    kind: str = Field(alias="organization.kind")
    city: str = Field(alias="organization.city")
    signing_status: SigningStatus
    agent: OutreachAgentRef | None
    qualification: Qualification
    households: int | None
    occupancy_rate: Decimal | None
    opted_out: bool
    org_unit_id: int
    created_at: datetime
    updated_at: datetime


class OutreachPartnerIn(Schema):
    org_unit_id: Id = Field(description="The unit that keeps the record")
    kind: str = Field("property_company", pattern="^(property_company|management_office)$")
    name: str = Field(..., min_length=1, max_length=200)
    city: str = Field("", max_length=50)
    province: str = Field("", max_length=50)
    address: str = Field("", max_length=300)
    landline: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    signing_status: SigningStatus = SigningStatus.PROSPECTIVE
    agent_id: Id | None = None
    qualification: Qualification = Qualification.NONE
    households: int | None = Field(None, ge=0, le=10_000_000)
    occupancy_rate: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    contact_name: str = Field("", max_length=100)
    contact_mobile: str = Field("", max_length=30, description="Stored as E.164")
    contact_landline: str = Field("", max_length=30, description="Stored as E.164")


class OutreachPartnerPatch(Schema):
    signing_status: SigningStatus | None = None
    agent_id: Id | None = Field(None, description="null removes the agent")
    qualification: Qualification | None = None
    households: int | None = Field(None, ge=0, le=10_000_000)
    occupancy_rate: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    opted_out: bool | None = None


class OutreachPartnerFilters(Schema):
    q: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=50)
    agent_id: Id | None = None
    signing_status: SigningStatus | None = None
    qualification: Qualification | None = None
    saved: str | None = Field(None, max_length=50, description="A saved filter's code, e.g. "
                                                               "quality-unsigned")
    sort: str | None = Field(None, description="name, city, households, occupancy, created; "
                                               "prefix - for descending")


class OutreachAgentOut(Schema):
    id: int
    organization_id: int
    name: str = Field(alias="organization.name")
    city: str = Field(alias="organization.city")
    status: AgentStatus
    mode: AgentMode
    credit_limit: Decimal
    notes: str
    company_count: int
    signed_count: int
    org_unit_id: int
    created_at: datetime
    updated_at: datetime


class OutreachAgentIn(Schema):
    org_unit_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    city: str = Field("", max_length=50)
    province: str = Field("", max_length=50)
    landline: str = Field("", max_length=30)
    status: AgentStatus = AgentStatus.OPERATING
    mode: AgentMode = AgentMode.FULL_PLATFORM
    credit_limit: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    notes: str = Field("", max_length=5000)
    contact_name: str = Field("", max_length=100)
    contact_mobile: str = Field("", max_length=30)


class OutreachAgentPatch(Schema):
    mode: AgentMode | None = None
    credit_limit: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    notes: str | None = Field(None, max_length=5000)


class OutreachAgentFilters(Schema):
    q: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=50)
    status: AgentStatus | None = None


class AgentTransitionIn(Schema):
    status: AgentStatus
    note: str = Field("", max_length=500)


class AgentHandoverIn(Schema):
    to_agent_id: Id
    note: str = Field("", max_length=500)


class AgentHandoverOut(Schema):
    companies: int


class CityStatusCount(Schema):
    status: str
    agents: int


class OutreachCityOut(Schema):
    city: str
    type: int
    type_label: str
    agents: int
    agent_statuses: list[CityStatusCount]
    companies: int
    signed: int
    plan: list[str]


class OutreachCityFilters(Schema):
    city: str | None = Field(None, max_length=50)
    type: int | None = Field(None, ge=1, le=3)


class PartnerFilterOut(Schema):
    code: str
    name: str
    params: dict


class PartnerFilterIn(Schema):
    code: str = Field(..., pattern=r"^[a-z0-9-]{1,50}$")
    name: str = Field(..., min_length=1, max_length=100)
    params: dict


# --- partners -------------------------------------------------------------------------------

@router.get("/partners", response=list[OutreachPartnerOut], summary="Partner companies")
@scoped(Partner, "list")
@paginate(PagePagination)
def partner_list(request, filters: Query[OutreachPartnerFilters]):
    return selectors.partner_list(request.auth, {
        "q": filters.q, "city": filters.city, "agent": filters.agent_id,
        "signing_status": filters.signing_status, "qualification": filters.qualification,
        "saved": filters.saved, "sort": filters.sort,
    })


@router.get("/partners/{partner_id}", response=OutreachPartnerOut,
            summary="One partner company")
@scoped(Partner, "detail")
def partner_detail(request, partner_id: PathId):
    return selectors.partner_get(request.auth, partner_id)


@router.post("/partners", response={201: OutreachPartnerOut},
             summary="Register a property company or management office")
def partner_create(request, payload: OutreachPartnerIn):
    actor = request.auth
    data = payload.dict(exclude={"org_unit_id", "agent_id"})
    partner = _call(services.partner_create, actor=actor, tenant=actor.tenant,
                    org_unit=_org_unit(actor, payload.org_unit_id, "outreach.add_partner"),
                    agent=_agent(actor, payload.agent_id), **data)
    return Status(201, selectors.partner_get(actor, partner.pk))


@router.patch("/partners/{partner_id}", response=OutreachPartnerOut,
              summary="Edit a partner company's registry entry")
def partner_patch(request, partner_id: PathId, payload: OutreachPartnerPatch):
    actor = request.auth
    partner = selectors.partner_get(actor, partner_id)
    changes = sent_fields(payload, frozenset({"agent_id", "households", "occupancy_rate"}))
    if "agent_id" in changes:
        changes["agent"] = _agent(actor, changes.pop("agent_id"))
    _call(services.partner_update, actor=actor, partner=partner, **changes)
    return selectors.partner_get(actor, partner_id)


@router.get("/filters", response=list[PartnerFilterOut], summary="Saved partner filters")
@scoped(PartnerFilter, "list")
def partner_filter_list(request):
    return selectors.saved_filters(request.auth)


@router.post("/filters", response={201: PartnerFilterOut}, summary="Save a partner filter")
def partner_filter_save(request, payload: PartnerFilterIn):
    actor = request.auth
    saved = services.partner_filter_save(actor=actor, tenant=actor.tenant, code=payload.code,
                                         name=payload.name, params=payload.params)
    return Status(201, saved)


# --- agents ---------------------------------------------------------------------------------

@router.get("/agents", response=list[OutreachAgentOut], summary="Agents")
@scoped(Agent, "list")
@paginate(PagePagination)
def agent_list(request, filters: Query[OutreachAgentFilters]):
    return selectors.agent_list(request.auth, {"q": filters.q, "city": filters.city,
                                               "status": filters.status})


@router.get("/agents/{agent_id}", response=OutreachAgentOut, summary="One agent")
@scoped(Agent, "detail")
def agent_detail(request, agent_id: PathId):
    return selectors.agent_get(request.auth, agent_id)


@router.post("/agents", response={201: OutreachAgentOut}, summary="Create an agent")
def agent_create(request, payload: OutreachAgentIn):
    actor = request.auth
    agent = _call(services.agent_create, actor=actor, tenant=actor.tenant,
                  org_unit=_org_unit(actor, payload.org_unit_id, "outreach.add_agent"),
                  **payload.dict(exclude={"org_unit_id"}))
    return Status(201, selectors.agent_get(actor, agent.pk))


@router.patch("/agents/{agent_id}", response=OutreachAgentOut,
              summary="Edit an agent's mode, credit limit or notes")
def agent_patch(request, agent_id: PathId, payload: OutreachAgentPatch):
    actor = request.auth
    agent = selectors.agent_get(actor, agent_id)
    changes = sent_fields(payload)
    _call(services.agent_update, actor=actor, agent=agent, **changes)
    return selectors.agent_get(actor, agent_id)


@router.post("/agents/{agent_id}/status", response=OutreachAgentOut,
             summary="Change an agent's status")
def agent_transition(request, agent_id: PathId, payload: AgentTransitionIn):
    actor = request.auth
    agent = selectors.agent_get(actor, agent_id)
    _call(services.agent_transition, actor=actor, agent=agent, status=payload.status,
          note=payload.note)
    return selectors.agent_get(actor, agent_id)


@router.post("/agents/{agent_id}/handover", response=AgentHandoverOut,
             summary="Hand all of an agent's companies over to another agent")
def agent_handover(request, agent_id: PathId, payload: AgentHandoverIn):
    actor = request.auth
    source = selectors.agent_get(actor, agent_id)
    target = _agent(actor, payload.to_agent_id, "to_agent_id")
    count = _call(services.agent_handover, actor=actor, from_agent=source, to_agent=target,
                  note=payload.note)
    return {"companies": count}


# --- cities ---------------------------------------------------------------------------------

def _city_out(row: selectors.CityRow) -> dict:
    return {"city": row.city, "type": int(row.type), "type_label": str(row.type.label),
            "agents": row.agent_count,
            "agent_statuses": [{"status": value, "agents": count}
                               for value, _label, count in row.status_counts()],
            "companies": row.companies, "signed": row.signed,
            "plan": [str(step) for step in row.plan]}


@router.get("/cities", response=list[OutreachCityOut],
            summary="Cities with their type (from their agents' statuses) and promotion plan")
@scoped(Agent, "list")
def city_list(request, filters: Query[OutreachCityFilters]):
    return [_city_out(row) for row in selectors.city_rows(
        request.auth, city=filters.city or "", city_type=filters.type)]


# --- callback campaigns (OUT-2) -------------------------------------------------------------

class CampaignOut(Schema):
    id: int
    name: str
    phase: str
    status: CampaignStatus
    script: str
    retry_rules: dict
    source: dict
    task_count: int
    called_count: int
    org_unit_id: int
    created_at: datetime


class CampaignIn(Schema):
    org_unit_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    phase: str = Field("", max_length=50)
    script: str = Field("", max_length=20000)
    retry_rules: dict | None = Field(None, description="outcome → {max_attempts, wait_hours}; "
                                                       "omitted: the default rules")
    source: dict = Field({"kind": "signed"}, description=(
        '{"kind": "signed"} | {"kind": "saved", "code": "quality-unsigned"} | '
        '{"kind": "campaign", "campaign": 1, "outcomes": ["refused", "no_answer"]} | '
        '{"kind": "empty"}'))


class CampaignAssignIn(Schema):
    caller_ids: list[Id] = Field(..., min_length=1, max_length=100)


class CampaignAssignOut(Schema):
    assigned: int


class CallAttemptOut(Schema):
    id: int
    outcome: CallOutcome
    caller_id: int | None
    phone: str = Field(description="Masked")
    note: str
    called_at: datetime

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask_phone(obj.phone)


class CallTaskOut(Schema):
    id: int
    campaign_id: int
    partner_id: int
    company: str = Field(alias="partner.organization.name")
    city: str = Field(alias="partner.organization.city")
    caller_id: int | None
    status: CallTaskStatus
    outcome: str = Field(description="Of the last call; empty before the first")
    attempts: int
    next_call_at: datetime | None


class CallTaskDetailOut(CallTaskOut):
    attempt_log: list[CallAttemptOut] = Field(alias="visible_attempts")
    script: str = Field(alias="campaign.script")


class CallTaskFilters(Schema):
    campaign_id: Id | None = None
    status: CallTaskStatus | None = None
    outcome: CallOutcome | None = None
    caller_id: Id | None = None
    mine: bool = False


class CallAttemptIn(Schema):
    outcome: CallOutcome
    phone: str = Field("", max_length=30)
    note: str = Field("", max_length=2000)


class OutcomeCell(Schema):
    outcome: str
    count: int
    share: int = Field(description="Whole percent of the row's total")


class CallStatisticsRowOut(Schema):
    label: str
    total: int
    reached: int
    outcomes: list[OutcomeCell]


class CallStatisticsOut(Schema):
    group_by: str
    campaigns: list[str]
    total: CallStatisticsRowOut
    rows: list[CallStatisticsRowOut]


class CallStatisticsFilters(Schema):
    campaign_id: Id | None = None
    group_by: str = Field("", pattern="^(|city|agent|phase|campaign)$")
    exclude_litigation: bool = False
    city: str = Field("", max_length=50)
    agent_id: Id | None = None
    phase: str = Field("", max_length=50)


@router.get("/campaigns", response=list[CampaignOut], summary="Callback campaigns")
@scoped(Campaign, "list")
@paginate(PagePagination)
def campaign_list(request):
    return selectors.campaign_list(request.auth)


@router.get("/campaigns/{campaign_id}", response=CampaignOut, summary="One campaign")
@scoped(Campaign, "detail")
def campaign_detail(request, campaign_id: PathId):
    return selectors.campaign_get(request.auth, campaign_id)


@router.post("/campaigns", response={201: CampaignOut},
             summary="Create a campaign and build its call list")
def campaign_create(request, payload: CampaignIn):
    actor = request.auth
    campaign = _call(services.campaign_create, actor=actor, tenant=actor.tenant,
                     org_unit=_org_unit(actor, payload.org_unit_id, "outreach.add_campaign"),
                     **payload.dict(exclude={"org_unit_id"}))
    return Status(201, selectors.campaign_get(actor, campaign.pk))


@router.post("/campaigns/{campaign_id}/assign", response=CampaignAssignOut,
             summary="Share the open calls without a caller among callers")
def campaign_assign(request, campaign_id: PathId, payload: CampaignAssignIn):
    actor = request.auth
    campaign = selectors.campaign_get(actor, campaign_id)
    callers = list(visible_users(actor).filter(pk__in=payload.caller_ids))
    if len(callers) != len(set(payload.caller_ids)):
        raise _invalid("caller_ids", _("Choose callers you can see."))
    return {"assigned": _call(services.campaign_assign, actor=actor, campaign=campaign,
                              callers=callers)}


@router.post("/campaigns/{campaign_id}/complete", response=CampaignOut,
             summary="Complete a campaign")
def campaign_complete(request, campaign_id: PathId):
    actor = request.auth
    services.campaign_complete(actor=actor, campaign=selectors.campaign_get(actor, campaign_id))
    return selectors.campaign_get(actor, campaign_id)


@router.get("/call-tasks", response=list[CallTaskOut], summary="Companies of call lists")
@scoped(CallTask, "list")
@paginate(PagePagination)
def call_task_list(request, filters: Query[CallTaskFilters]):
    actor = request.auth
    campaign = None
    if filters.campaign_id:
        campaign = selectors.campaign_get(actor, filters.campaign_id)
    return selectors.call_tasks(actor, campaign, {
        "status": filters.status, "outcome": filters.outcome, "caller": filters.caller_id,
        "mine": filters.mine})


def _task_detail(actor, pk: int) -> CallTask:
    task = selectors.call_task_get(actor, pk)
    task.visible_attempts = list(selectors.attempts_of(actor, task))
    return task


@router.get("/call-tasks/{task_id}", response=CallTaskDetailOut,
            summary="One company of a call list with its calls and the script")
@scoped(CallTask, "detail")
def call_task_detail(request, task_id: PathId):
    return _task_detail(request.auth, task_id)


@router.post("/call-tasks/{task_id}/attempts", response={201: CallTaskDetailOut},
             summary="Log a call and its outcome")
def call_attempt_add(request, task_id: PathId, payload: CallAttemptIn):
    actor = request.auth
    task = selectors.call_task_get(actor, task_id)
    services.call_record(actor=actor, task=task, outcome=payload.outcome, phone=payload.phone,
                         note=payload.note)
    return Status(201, _task_detail(actor, task_id))


def _statistics_row(row: selectors.StatisticsRow) -> dict:
    return {"label": row.label, "total": row.total, "reached": row.reached,
            "outcomes": [{"outcome": o, "count": c, "share": s} for o, c, s in row.cells]}


@router.get("/call-statistics", response=CallStatisticsOut,
            summary="Companies by the outcome of their last call: counts and shares")
@scoped(Campaign, "list")
def call_statistics(request, filters: Query[CallStatisticsFilters]):
    actor = request.auth
    campaign = None
    if filters.campaign_id:
        campaign = selectors.campaign_get(actor, filters.campaign_id)
    table = selectors.call_statistics(
        actor, campaign=campaign, group_by=filters.group_by,
        exclude_litigation=filters.exclude_litigation, city=filters.city,
        agent=filters.agent_id, phase=filters.phase)
    return {"group_by": table.group_by, "campaigns": table.campaigns,
            "total": _statistics_row(table.total),
            "rows": [_statistics_row(r) for r in table.rows]}
