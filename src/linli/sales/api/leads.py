"""API of leads (SAL-1): registration from every channel, claims from the public pool,
assignment by the manager, follow-ups, and ownership disputes (判客) with their decision.

A claim of a customer protected for somebody else is refused with 422 and the holder named in
``fields.phone``; the claimant may then open a dispute with the same phone.
"""

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.selectors import organizations as organization_selectors
from linli.sales import selectors, services
from linli.sales.api.shared import filters_dict, found
from linli.sales.models import Lead, OwnershipDispute
from linli.sales.states import DisputeStatus, LeadChannel, LeadStatus

router = Router(tags=["sales"])



class LeadOut(Schema):
    id: int
    org_unit_id: int
    project_id: int
    person_id: int
    customer: str = Field(..., alias="person.name")
    channel: str
    source: str
    agency_id: int | None
    is_vip: bool
    status: str
    owner_id: int | None
    last_worked_at: dt.datetime
    needs: str
    created_at: dt.datetime


class LeadIn(Schema):
    project_id: Id
    name: str = Field("", max_length=100, description="Needed when nobody has this phone yet")
    phone: str = Field(..., max_length=40)
    channel: LeadChannel
    source: str = Field("", max_length=200)
    agency_id: Id | None = None
    is_vip: bool = False
    needs: str = Field("", max_length=2000)
    owner_id: Id | None = Field(None, description="Default: the registering rep for walk-in, "
                                                  "phone and referral leads, else the rules")


class LeadFilters(Schema):
    q: str | None = Field(None, max_length=100)
    status: LeadStatus | None = None
    channel: LeadChannel | None = None
    project: Id | None = None
    mine: bool = False
    pool: bool = False


class LeadNoteIn(Schema):
    note: str = Field(..., max_length=300)


class LeadAssignIn(Schema):
    rep_id: Id


class LeadDisputeIn(Schema):
    project_id: Id
    phone: str = Field(..., max_length=40)
    reason: str = Field(..., max_length=500)


class LeadDisputeOut(Schema):
    id: int
    lead_id: int
    claimant_id: int
    owner_id: int | None
    reason: str
    status: str
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_note: str
    created_at: dt.datetime


class LeadDisputeDecisionIn(Schema):
    transfer: bool = Field(..., description="True: the claimant gets the customer")
    note: str = Field("", max_length=500)


class LeadDisputeFilters(Schema):
    status: DisputeStatus | None = None



def _user(actor, pk, field: str):
    return found(selectors.colleague_find(actor, pk), field,
                  _("Choose a user of your organisation."))


@router.get("/leads", response=list[LeadOut], summary="Leads")
@scoped(Lead, "list")
@paginate(PagePagination)
def lead_list(request, filters: Query[LeadFilters]):
    return selectors.lead_list(request.auth, filters_dict(filters))


@router.get("/leads/{lead_id}", response=LeadOut, summary="One lead")
@scoped(Lead, "detail")
def lead_detail(request, lead_id: PathId):
    return selectors.lead_get(request.auth, lead_id)


@router.post("/leads", response={201: LeadOut}, summary="Register a lead")
def lead_create(request, payload: LeadIn):
    actor = request.auth
    project = found(selectors.project_find(actor, payload.project_id), "project_id",
                     _("Choose a sales project you can see."))
    agency = None
    if payload.agency_id is not None:
        agency = found(organization_selectors.organization_find(actor, payload.agency_id),
                        "agency_id", _("Choose an agency you can see."))
    owner = _user(actor, payload.owner_id, "owner_id") if payload.owner_id else None
    lead = services.lead_create(
        actor=actor, project=project, name=payload.name, phone=payload.phone,
        channel=payload.channel.value, source=payload.source, agency=agency,
        is_vip=payload.is_vip, needs=payload.needs, owner=owner)
    return Status(201, selectors.lead_get(actor, lead.pk))


@router.post("/leads/{lead_id}/work", response=LeadOut, summary="Record a follow-up")
def lead_work(request, lead_id: PathId, payload: LeadNoteIn):
    actor = request.auth
    services.lead_work(actor=actor, lead=selectors.lead_get(actor, lead_id), note=payload.note)
    return selectors.lead_get(actor, lead_id)


@router.post("/leads/{lead_id}/claim", response=LeadOut,
             summary="Claim a lead of the public pool")
def lead_claim(request, lead_id: PathId):
    actor = request.auth
    services.lead_claim(actor=actor, lead=selectors.lead_get(actor, lead_id))
    return selectors.lead_get(actor, lead_id)


@router.post("/leads/{lead_id}/assign", response=LeadOut, summary="Give a lead to a rep")
def lead_assign(request, lead_id: PathId, payload: LeadAssignIn):
    actor = request.auth
    services.lead_assign(actor=actor, lead=selectors.lead_get(actor, lead_id),
                         rep=_user(actor, payload.rep_id, "rep_id"))
    return selectors.lead_get(actor, lead_id)


@router.post("/leads/{lead_id}/close", response=LeadOut, summary="Close a lead")
def lead_close(request, lead_id: PathId, payload: LeadNoteIn):
    actor = request.auth
    services.lead_close(actor=actor, lead=selectors.lead_get(actor, lead_id), note=payload.note)
    return selectors.lead_get(actor, lead_id)


@router.get("/lead-disputes", response=list[LeadDisputeOut], summary="Ownership disputes")
@scoped(OwnershipDispute, "list")
@paginate(PagePagination)
def dispute_list(request, filters: Query[LeadDisputeFilters]):
    return selectors.dispute_list(request.auth, filters_dict(filters))


@router.get("/lead-disputes/{dispute_id}", response=LeadDisputeOut,
            summary="One ownership dispute")
@scoped(OwnershipDispute, "detail")
def dispute_detail(request, dispute_id: PathId):
    return selectors.dispute_get(request.auth, dispute_id)


@router.post("/lead-disputes", response={201: LeadDisputeOut},
             summary="Take a refused claim to the sales manager")
def dispute_open(request, payload: LeadDisputeIn):
    actor = request.auth
    project = found(selectors.project_find(actor, payload.project_id), "project_id",
                     _("Choose a sales project you can see."))
    dispute = services.dispute_open(actor=actor, project=project, phone=payload.phone,
                                    reason=payload.reason)
    return Status(201, dispute)


@router.post("/lead-disputes/{dispute_id}/decide", response=LeadDisputeOut,
             summary="Decide an ownership dispute")
def dispute_decide(request, dispute_id: PathId, payload: LeadDisputeDecisionIn):
    actor = request.auth
    dispute = selectors.dispute_get(actor, dispute_id)
    return services.dispute_decide(actor=actor, dispute=dispute, transfer=payload.transfer,
                                   note=payload.note)
