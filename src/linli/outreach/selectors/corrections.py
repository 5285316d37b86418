"""Reads of the contact correction (OUT-3): the companies under correction, their
corrections, the agents' worklists, the monthly spot check and the update reminder's targets."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from linli.accounts.models import Membership, User
from linli.core.filtering import filtered
from linli.outreach.choices import CorrectionStatus, ReviewPhase, SigningStatus
from linli.outreach.models import Agent, ContactCorrection, ContactReview, Partner, SpotCheck
from linli.outreach.selectors.campaigns import campaign_find
from linli.outreach.selectors.registry import partner_list, partners_visible

REVIEW_FILTERS = {"q": "partner__organization__name__icontains",
                  "city": "partner__organization__city", "agent": "agent_id",
                  "phase": "phase", "reason": "reason"}


def review_list(actor, filters: dict | None = None, action: str = "view"
                ) -> QuerySet[ContactReview]:
    """The companies under contact correction the actor may ``action``, with
    ``open_count`` (corrections to verify); ``filters``: q, city, agent (id), phase, reason."""
    qs = filtered(ContactReview.objects.restrict(actor, action).select_related(
        "partner__organization", "agent__organization", "answered_by"),
        REVIEW_FILTERS, filters or {})
    return qs.annotate(open_count=Count("corrections", filter=Q(
        corrections__status=CorrectionStatus.PROPOSED))).order_by(
        "partner__organization__name_pinyin", "pk")


def review_get(actor, pk, action: str = "view") -> ContactReview:
    return get_object_or_404(review_list(actor, action=action), pk=pk)


def review_of(actor, partner: Partner) -> ContactReview | None:
    return review_list(actor).filter(partner=partner).first()


def review_phase_counts(actor) -> dict[str, int]:
    counts = dict(ContactReview.objects.restrict(actor, "view").values("phase").annotate(
        n=Count("pk")).values_list("phase", "n").order_by())
    return {phase: counts.get(phase, 0) for phase in ReviewPhase.values}


def agent_worklist(actor, agent: Agent) -> QuerySet[ContactReview]:
    """The agent's companies still to correct (phase "sort and correct")."""
    return review_list(actor, {"agent": agent.pk, "phase": ReviewPhase.SORT_CORRECT})


def corrections_of(actor, review: ContactReview) -> QuerySet[ContactCorrection]:
    return ContactCorrection.objects.restrict(actor, "view").filter(review=review).select_related(
        "recorded_by", "verified_by", "contact").order_by("created_at", "pk")


def correction_get(actor, pk, action: str = "view") -> ContactCorrection:
    return get_object_or_404(ContactCorrection.objects.restrict(actor, action).select_related(
        "review", "partner__organization"), pk=pk)


def correction_list(actor, filters: dict | None = None) -> QuerySet[ContactCorrection]:
    """Corrections the actor may see; ``filters``: status, source, field, partner (id)."""
    return filtered(ContactCorrection.objects.restrict(actor, "view").select_related(
        "partner__organization", "recorded_by", "verified_by"),
        {"status": "status", "source": "source", "field": "field", "partner": "partner_id"},
        filters or {}).order_by("-created_at", "-pk")


def spot_check_candidates(actor, tenant) -> QuerySet[Partner]:
    """The companies a spot check draws from: signed companies with an agent whose contacts
    are in use (OUT-3, phase 3) — their review is in use, or they were never put on the
    correction list. A company still being corrected or verified is left out: its contacts
    are not the ones in use yet."""
    partners = (Partner.objects.restrict(actor, "view") if actor is not None
                else Partner.objects.filter(tenant=tenant))
    return partners.filter(
        Q(contact_review__isnull=True) | Q(contact_review__phase=ReviewPhase.IN_USE),
        signing_status=SigningStatus.SIGNED, agent__isnull=False)


def spot_checks(actor) -> QuerySet[SpotCheck]:
    return SpotCheck.objects.restrict(actor, "view").select_related("campaign", "created_by"
                                                                     ).order_by("-month", "-pk")


def spot_check_get(actor, pk) -> SpotCheck:
    return get_object_or_404(spot_checks(actor), pk=pk)


def spot_check_companies(actor, check: SpotCheck) -> QuerySet[Partner]:
    return partners_visible(actor).filter(pk__in=check.sample).order_by(
        "organization__city", "agent__organization__name_pinyin", "pk")


def update_reminder_targets() -> list[tuple[int, list, int]]:
    """(tenant id, users keeping the contacts up to date, companies still under correction)
    of every tenant with such users: a system read for the monthly reminder."""
    today = timezone.localdate()
    memberships = Membership.objects.filter(
        role__permissions__codename="update_contactreview",
        role__permissions__content_type__app_label="outreach",
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    users: dict[int, list] = {}
    for user in User.objects.filter(pk__in=memberships.values("user_id"), is_active=True,
                                    tenant__isnull=False).order_by("tenant_id", "pk"):
        users.setdefault(user.tenant_id, []).append(user)
    open_counts = dict(ContactReview.objects.filter(tenant_id__in=users).exclude(
        phase=ReviewPhase.IN_USE).values("tenant_id").annotate(n=Count("pk"))
        .values_list("tenant_id", "n").order_by())
    return [(tenant_id, found, open_counts.get(tenant_id, 0))
            for tenant_id, found in users.items()]



def review_candidates(actor, campaign_id, outcomes) -> QuerySet[Partner]:
    """The companies of campaign ``campaign_id`` whose calls ended with one of ``outcomes``:
    those phase one of the contact correction puts on the list (OUT-3)."""
    campaign = campaign_find(actor, campaign_id)
    return partner_list(actor).filter(call_tasks__campaign=campaign,
                                      call_tasks__outcome__in=outcomes).distinct()
