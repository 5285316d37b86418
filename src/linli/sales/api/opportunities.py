"""API of opportunities (SAL-2) and lost deals (SAL-4): turning a lead into an opportunity,
stage moves (losing needs a reason of the catalogue), visits, appointments to view, follow-ups,
the manager's review of lost opportunities, and the lost-reason catalogue.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.sales import selectors, services
from linli.sales.api.shared import filters_dict, found, invalid
from linli.sales.models import LostReason, Opportunity
from linli.sales.states import Intention, LostAppliesTo, LostReview, Stage

router = Router(tags=["sales"])


def _units(actor, ids: list[int], field: str = "sale_unit_ids") -> list:
    units = list(selectors.sale_unit_list(actor).filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise invalid(field, _("Choose units you can see."))
    return units


class OpportunityOut(Schema):
    id: int
    org_unit_id: int
    lead_id: int
    project_id: int
    person_id: int
    customer: str = Field(..., alias="person.name")
    owner_id: int
    is_vip: bool
    stage: str
    stage_entered_at: dt.datetime
    intention: str
    needs: str
    budget: Decimal | None
    next_step: str
    follow_up_at: dt.datetime | None
    lost_reason_id: int | None
    lost_stage: str
    competitor: str
    lost_note: str
    lost_at: dt.datetime | None
    review: str


class OpportunityStageMoveOut(Schema):
    from_stage: str
    to_stage: str
    moved_at: dt.datetime
    seconds_in_stage: int
    actor_id: int | None


class OpportunityDetailOut(OpportunityOut):
    units_shown: list[int]
    stage_moves: list[OpportunityStageMoveOut]

    @staticmethod
    def resolve_units_shown(obj) -> list[int]:
        return sorted(u.pk for u in obj.units_shown.all())

    @staticmethod
    def resolve_stage_moves(obj) -> list:
        return list(obj.stage_moves.all())


class OpportunityIn(Schema):
    lead_id: Id
    intention: Intention = Intention.GENERAL
    needs: str = Field("", max_length=2000)
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    next_step: str = Field("", max_length=300)
    follow_up_at: dt.datetime | None = None


class OpportunityPatch(Schema):
    intention: Intention | None = None
    needs: str | None = Field(None, max_length=2000)
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    next_step: str | None = Field(None, max_length=300)
    follow_up_at: dt.datetime | None = None


class OpportunityFilters(Schema):
    q: str | None = Field(None, max_length=100)
    stage: Stage | None = None
    intention: Intention | None = None
    review: LostReview | None = None
    project: Id | None = None
    mine: bool = False


class OpportunityTransitionIn(Schema):
    to: Stage
    reason_id: Id | None = Field(None, description="Required when the move is to lost")
    competitor: str = Field("", max_length=200)
    note: str = Field("", max_length=500)


class OpportunityFollowUpIn(Schema):
    note: str = Field(..., max_length=300)
    next_step: str = Field("", max_length=300)
    follow_up_at: dt.datetime | None = None


class OpportunityReviewIn(Schema):
    reassign: bool
    rep_id: Id | None = Field(None, description="For a customer who is not a VIP")
    note: str = Field("", max_length=300)


class OpportunityVisitIn(Schema):
    visited_at: dt.datetime | None = Field(None, description="Default: now")
    companions: int = Field(0, ge=0, le=50)
    note: str = Field("", max_length=500)
    sale_unit_ids: list[Id] = Field(default_factory=list, max_length=20)


class OpportunityVisitOut(Schema):
    id: int
    opportunity_id: int
    visited_at: dt.datetime
    companions: int
    note: str
    received_by_id: int | None


class OpportunityAppointmentIn(Schema):
    starts_at: dt.datetime
    minutes: int = Field(60, ge=10, le=480)
    place: str = Field("", max_length=200)
    sale_unit_ids: list[Id] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=500)


class OpportunityAppointmentOut(Schema):
    id: int
    opportunity_id: int
    rep_id: int
    starts_at: dt.datetime
    minutes: int
    place: str
    note: str
    status: str
    sale_unit_ids: list[int]

    @staticmethod
    def resolve_sale_unit_ids(obj) -> list[int]:
        return sorted(u.pk for u in obj.sale_units.all())


class LostReasonOut(Schema):
    id: int
    applies_to: str
    stage: str
    name: str
    position: int
    is_active: bool


class LostReasonIn(Schema):
    applies_to: LostAppliesTo
    stage: Stage | None = None
    name: str = Field(..., min_length=1, max_length=100)
    position: int = Field(0, ge=0, le=1000)


class LostReasonFilters(Schema):
    applies_to: LostAppliesTo | None = None
    stage: Stage | None = None
    active: bool = False



def _detail(actor, pk):
    return selectors.opportunity_get(actor, pk)


@router.get("/opportunities", response=list[OpportunityOut], summary="Opportunities")
@scoped(Opportunity, "list")
@paginate(PagePagination)
def opportunity_list(request, filters: Query[OpportunityFilters]):
    return selectors.opportunity_list(request.auth, filters_dict(filters))


@router.get("/opportunities/{opportunity_id}", response=OpportunityDetailOut,
            summary="One opportunity with its stage history")
@scoped(Opportunity, "detail")
def opportunity_detail(request, opportunity_id: PathId):
    return _detail(request.auth, opportunity_id)


@router.post("/opportunities", response={201: OpportunityDetailOut},
             summary="Turn a lead into an opportunity")
def opportunity_create(request, payload: OpportunityIn):
    actor = request.auth
    lead = found(selectors.lead_list(actor).filter(pk=payload.lead_id).first(), "lead_id",
                  _("Choose a lead you can see."))
    opportunity = services.opportunity_create(
        actor=actor, lead=lead, intention=payload.intention.value, needs=payload.needs,
        budget=payload.budget, next_step=payload.next_step, follow_up_at=payload.follow_up_at)
    return Status(201, _detail(actor, opportunity.pk))


@router.patch("/opportunities/{opportunity_id}", response=OpportunityDetailOut,
              summary="Edit intention, needs, budget, next step and follow-up time")
def opportunity_patch(request, opportunity_id: PathId, payload: OpportunityPatch):
    actor = request.auth
    changes = {k: getattr(v, "value", v) for k, v in payload.dict(exclude_unset=True).items()}
    if changes.get("intention") is None:
        changes.pop("intention", None)
    for key in ("needs", "next_step"):
        if key in changes and changes[key] is None:
            changes[key] = ""
    services.opportunity_update(actor=actor, opportunity=_detail(actor, opportunity_id),
                                **changes)
    return _detail(actor, opportunity_id)


@router.post("/opportunities/{opportunity_id}/transition", response=OpportunityDetailOut,
             summary="Move an opportunity to another stage")
def opportunity_transition(request, opportunity_id: PathId,
                           payload: OpportunityTransitionIn):
    actor = request.auth
    reason = None
    if payload.reason_id is not None:
        reason = found(selectors.lost_reason_find(actor, payload.reason_id), "reason_id",
                        _("Choose a lost reason of the catalogue."))
    services.opportunity_transition(
        actor=actor, opportunity=_detail(actor, opportunity_id), to=payload.to.value,
        reason=reason, competitor=payload.competitor, note=payload.note)
    return _detail(actor, opportunity_id)


@router.post("/opportunities/{opportunity_id}/follow-up", response=OpportunityDetailOut,
             summary="Record a follow-up and plan the next")
def opportunity_follow_up(request, opportunity_id: PathId, payload: OpportunityFollowUpIn):
    actor = request.auth
    services.opportunity_follow_up(
        actor=actor, opportunity=_detail(actor, opportunity_id), note=payload.note,
        next_step=payload.next_step, follow_up_at=payload.follow_up_at)
    return _detail(actor, opportunity_id)


@router.post("/opportunities/{opportunity_id}/review", response=OpportunityDetailOut,
             summary="The manager's review of a lost opportunity")
def opportunity_review(request, opportunity_id: PathId, payload: OpportunityReviewIn):
    actor = request.auth
    rep = None
    if payload.rep_id is not None:
        rep = found(selectors.colleague_find(actor, payload.rep_id), "rep_id",
                     _("Choose a user of your organisation."))
    services.lost_review(actor=actor, opportunity=_detail(actor, opportunity_id),
                         reassign=payload.reassign, rep=rep, note=payload.note)
    return _detail(actor, opportunity_id)


@router.get("/opportunities/{opportunity_id}/visits", response=list[OpportunityVisitOut],
            summary="Visits of an opportunity")
@scoped(Opportunity, "list")
@paginate(PagePagination)
def visit_list(request, opportunity_id: PathId):
    actor = request.auth
    return selectors.visit_list(actor, _detail(actor, opportunity_id))


@router.post("/opportunities/{opportunity_id}/visits", response={201: OpportunityVisitOut},
             summary="Register a visit to the sales office")
def visit_register(request, opportunity_id: PathId, payload: OpportunityVisitIn):
    actor = request.auth
    opportunity = _detail(actor, opportunity_id)
    visit = services.visit_register(
        actor=actor, opportunity=opportunity, visited_at=payload.visited_at,
        companions=payload.companions, note=payload.note,
        sale_units=_units(actor, payload.sale_unit_ids))
    return Status(201, visit)


@router.get("/opportunities/{opportunity_id}/appointments",
            response=list[OpportunityAppointmentOut], summary="Appointments of an opportunity")
@scoped(Opportunity, "list")
@paginate(PagePagination)
def appointment_list(request, opportunity_id: PathId):
    actor = request.auth
    return selectors.appointment_list(actor, {
        "opportunity": _detail(actor, opportunity_id).pk})


@router.post("/opportunities/{opportunity_id}/appointments",
             response={201: OpportunityAppointmentOut}, summary="Book a viewing")
def appointment_book(request, opportunity_id: PathId, payload: OpportunityAppointmentIn):
    actor = request.auth
    opportunity = _detail(actor, opportunity_id)
    appointment = services.appointment_book(
        actor=actor, opportunity=opportunity, starts_at=payload.starts_at,
        minutes=payload.minutes, place=payload.place, note=payload.note,
        sale_units=_units(actor, payload.sale_unit_ids))
    return Status(201, selectors.appointment_get(actor, appointment.pk))


class AppointmentCloseIn(Schema):
    done: bool = Field(..., description="true: the viewing took place (its units count as "
                       "shown); false: it was cancelled")


@router.post("/opportunities/{opportunity_id}/appointments/{appointment_id}/close",
             response=OpportunityAppointmentOut, summary="Mark a booked viewing done or cancelled")
def appointment_close(request, opportunity_id: PathId, appointment_id: PathId,
                      payload: AppointmentCloseIn):
    actor = request.auth
    appointment = selectors.appointment_of(actor, _detail(actor, opportunity_id), appointment_id)
    if appointment is None:
        raise Http404
    services.appointment_close(actor=actor, appointment=appointment, done=payload.done)
    return selectors.appointment_get(actor, appointment.pk)


@router.get("/lost-reasons", response=list[LostReasonOut], summary="The lost-reason catalogue")
@scoped(LostReason, "list")
@paginate(PagePagination)
def lost_reason_list(request, filters: Query[LostReasonFilters]):
    return selectors.lost_reason_list(request.auth, filters_dict(filters))


@router.get("/lost-reasons/{reason_id}", response=LostReasonOut, summary="One lost reason")
@scoped(LostReason, "detail")
def lost_reason_detail(request, reason_id: PathId):
    return selectors.lost_reason_get(request.auth, reason_id)


@router.post("/lost-reasons", response={201: LostReasonOut}, summary="Add a lost reason")
def lost_reason_create(request, payload: LostReasonIn):
    actor = request.auth
    reason = services.lost_reason_create(
        actor=actor, tenant=actor.tenant, applies_to=payload.applies_to.value,
        stage=payload.stage.value if payload.stage else "", name=payload.name,
        position=payload.position)
    return Status(201, reason)
