"""API of the contact correction (OUT-3) under /api/v1/outreach/: the companies under
correction and their phase moves, corrections and their verification, the agents' answers
and the monthly spot checks."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.outreach import selectors, services
from linli.outreach.api.registry import _call, _invalid, _org_unit
from linli.outreach.choices import (
    AnswerReason,
    CorrectionField,
    CorrectionSource,
    CorrectionStatus,
    ReviewPhase,
)
from linli.outreach.models import ContactCorrection, ContactReview, SpotCheck

router = Router(tags=["outreach"])


class ContactCorrectionOut(Schema):
    id: int
    review_id: int
    partner_id: int
    contact_id: int | None
    field: CorrectionField
    old_value: str
    new_value: str
    source: CorrectionSource
    status: CorrectionStatus
    note: str
    recorded_by_id: int | None
    verified_by_id: int | None
    verified_at: datetime | None
    created_at: datetime


class ContactReviewOut(Schema):
    id: int
    partner_id: int
    company: str = Field(alias="partner.organization.name")
    city: str = Field(alias="partner.organization.city")
    agent_id: int | None
    phase: ReviewPhase
    phase_changed_at: datetime | None
    reason: str = Field(description="The agent's answer; empty until it answers")
    answer_note: str
    answered_by_id: int | None
    answered_at: datetime | None
    open_count: int = Field(description="Corrections still to verify")


class ContactReviewDetailOut(ContactReviewOut):
    corrections: list[ContactCorrectionOut] = Field(alias="visible_corrections")


class ContactReviewFilters(Schema):
    q: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=50)
    agent_id: Id | None = None
    phase: ReviewPhase | None = None
    reason: AnswerReason | None = None


class ContactReviewOpenIn(Schema):
    partner_ids: list[Id] = Field(..., min_length=1, max_length=5000)


class ContactReviewOpenOut(Schema):
    opened: int


class ContactReviewMoveIn(Schema):
    phase: str = Field(..., max_length=20, description="sort_correct, verify or in_use")
    note: str = Field("", max_length=500)


class ContactAnswerIn(Schema):
    reason: str = Field(..., max_length=20, description="corrected, confirmed, "
                                                       "company_closed, contact_unknown, other")
    note: str = Field("", max_length=1000)
    values: dict[str, str] = Field({}, description="field → corrected value, e.g. "
                                                   '{"contact_mobile": "13812345678"}')


class ContactCorrectionIn(Schema):
    field: str = Field(..., max_length=20)
    new_value: str = Field(..., max_length=300)
    source: str = Field(..., max_length=20, description="agent, online_research, "
                                                       "handbook_subsidy or callback")
    note: str = Field("", max_length=500)


class ContactVerifyIn(Schema):
    accept: bool
    note: str = Field("", max_length=500)


class ContactCorrectionFilters(Schema):
    status: CorrectionStatus | None = None
    source: CorrectionSource | None = None
    field: CorrectionField | None = None
    partner_id: Id | None = None


class SpotCheckOut(Schema):
    id: int
    month: date
    seed: int
    per_group: int
    sample: list[int] = Field(description="The partner ids drawn")
    campaign_id: int
    org_unit_id: int
    created_at: datetime


class SpotCheckIn(Schema):
    org_unit_id: Id
    month: date = Field(description="Any day of the month")
    per_group: int = Field(3, description="3, 4 or 5")
    seed: int | None = Field(None, description="Omitted: the month, e.g. 202603")


def _review_detail(actor, pk: int) -> ContactReview:
    review = selectors.review_get(actor, pk)
    review.visible_corrections = list(selectors.corrections_of(actor, review))
    return review


# --- reviews --------------------------------------------------------------------------------

@router.get("/contact-reviews", response=list[ContactReviewOut],
            summary="Companies under contact correction")
@scoped(ContactReview, "list")
@paginate(PagePagination)
def review_list(request, filters: Query[ContactReviewFilters]):
    return selectors.review_list(request.auth, {
        "q": filters.q, "city": filters.city, "agent": filters.agent_id,
        "phase": filters.phase, "reason": filters.reason})


@router.get("/contact-reviews/{review_id}", response=ContactReviewDetailOut,
            summary="One company's contact correction with its corrections")
@scoped(ContactReview, "detail")
def review_detail(request, review_id: PathId):
    return _review_detail(request.auth, review_id)


@router.post("/contact-reviews", response=ContactReviewOpenOut,
             summary="Put companies on the correction list")
def review_open(request, payload: ContactReviewOpenIn):
    actor = request.auth
    partners = list(selectors.partner_list(actor).filter(pk__in=payload.partner_ids))
    if len(partners) != len(set(payload.partner_ids)):
        raise _invalid("partner_ids", _("Choose companies you can see."))
    return {"opened": _call(services.reviews_open, actor=actor, tenant=actor.tenant,
                            partners=partners)}


@router.post("/contact-reviews/{review_id}/phase", response=ContactReviewDetailOut,
             summary="Move a company to another correction phase")
def review_phase(request, review_id: PathId, payload: ContactReviewMoveIn):
    actor = request.auth
    services.review_transition(actor=actor, review=selectors.review_get(actor, review_id),
                               phase=payload.phase, note=payload.note)
    return _review_detail(actor, review_id)


@router.post("/contact-reviews/{review_id}/answer", response=ContactReviewDetailOut,
             summary="The agent's answer about one company")
def review_answer(request, review_id: PathId, payload: ContactAnswerIn):
    actor = request.auth
    services.review_answer(actor=actor, review=selectors.review_get(actor, review_id),
                           reason=payload.reason, note=payload.note, values=payload.values)
    return _review_detail(actor, review_id)


@router.post("/contact-reviews/{review_id}/corrections", response={201: ContactCorrectionOut},
             summary="Record a correction of the company's contact details")
def correction_add(request, review_id: PathId, payload: ContactCorrectionIn):
    actor = request.auth
    review = selectors.review_get(actor, review_id)
    correction = services.correction_record(actor=actor, partner=review.partner,
                                            **payload.dict())
    return Status(201, correction)


# --- corrections ----------------------------------------------------------------------------

@router.get("/contact-corrections", response=list[ContactCorrectionOut],
            summary="Contact corrections")
@scoped(ContactCorrection, "list")
@paginate(PagePagination)
def correction_list(request, filters: Query[ContactCorrectionFilters]):
    return selectors.correction_list(request.auth, {
        "status": filters.status, "source": filters.source, "field": filters.field,
        "partner": filters.partner_id})


@router.post("/contact-corrections/{correction_id}/verify", response=ContactCorrectionOut,
             summary="Accept (and write to the directory) or reject a correction")
def correction_verify(request, correction_id: PathId, payload: ContactVerifyIn):
    actor = request.auth
    return services.correction_verify(
        actor=actor, correction=selectors.correction_get(actor, correction_id),
        accept=payload.accept, note=payload.note)


# --- spot checks ----------------------------------------------------------------------------

@router.get("/spot-checks", response=list[SpotCheckOut], summary="Monthly spot checks")
@scoped(SpotCheck, "list")
@paginate(PagePagination)
def spot_check_list(request):
    return selectors.spot_checks(request.auth)


@router.get("/spot-checks/{check_id}", response=SpotCheckOut, summary="One spot check")
@scoped(SpotCheck, "detail")
def spot_check_detail(request, check_id: PathId):
    return selectors.spot_check_get(request.auth, check_id)


@router.post("/spot-checks", response={201: SpotCheckOut},
             summary="Draw a month's spot check and make its callback campaign")
def spot_check_draw(request, payload: SpotCheckIn):
    actor = request.auth
    check = _call(services.spot_check_draw, actor=actor, tenant=actor.tenant,
                  org_unit=_org_unit(actor, payload.org_unit_id, "outreach.add_spotcheck"),
                  month=payload.month, per_group=payload.per_group, seed=payload.seed)
    return Status(201, check)
