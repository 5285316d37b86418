"""Writes of the contact correction (OUT-3): each company's review through its three phases,
the corrections with their source, their verification (an accepted one is written to the
directory through the directory's services), the agents' answers, the monthly spot check
(a callback campaign of the drawn companies) and the monthly update reminder.

A review's phase changes only through ``review_transition`` (the table is in ``states.py``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.notifications.services import Notice, notify_all
from linli.core.personal_data.phones import normalize_phone
from linli.core.tenancy import Tenant
from linli.directory.choices import ContactRole
from linli.directory.models import Contact
from linli.directory.services import organizations as directory
from linli.outreach import selectors
from linli.outreach.choices import (
    AnswerReason,
    CorrectionField,
    CorrectionSource,
    CorrectionStatus,
    ReviewPhase,
)
from linli.outreach.models import ContactCorrection, ContactReview, Partner, SpotCheck
from linli.outreach.services.campaigns import campaign_create
from linli.outreach.services.shared import _check_move, _require, _same_tenant
from linli.outreach.states import REVIEW_TRANSITIONS

# Fields of the company itself; the others are its contact person's (directory field names).
ORGANIZATION_FIELDS = {CorrectionField.LANDLINE: "landline", CorrectionField.EMAIL: "email",
                       CorrectionField.ADDRESS: "address",
                       CorrectionField.MAILING_ADDRESS: "mailing_address"}
CONTACT_FIELDS = {CorrectionField.CONTACT_NAME: "name", CorrectionField.CONTACT_MOBILE: "mobile",
                  CorrectionField.CONTACT_LANDLINE: "landline",
                  CorrectionField.CONTACT_EMAIL: "email", CorrectionField.CONTACT_QQ: "qq",
                  CorrectionField.CONTACT_WECHAT: "wechat"}
PHONE_FIELDS = {CorrectionField.LANDLINE, CorrectionField.CONTACT_MOBILE,
                CorrectionField.CONTACT_LANDLINE}
EMAIL_FIELDS = {CorrectionField.EMAIL, CorrectionField.CONTACT_EMAIL}
SPOT_CHECK_SIZES = (3, 4, 5)
UPDATE_REMINDER = "outreach.contact_update_reminder"


def _main_contact(partner: Partner) -> Contact | None:
    """The contact a correction of a contact field changes: the person in charge, else the
    legal representative, else the first contact."""
    contacts = list(Contact.objects.filter(organization_id=partner.organization_id)
                    .order_by("pk"))
    for role in (ContactRole.PERSON_IN_CHARGE, ContactRole.LEGAL_REPRESENTATIVE):
        found = next((c for c in contacts if c.role == role), None)
        if found is not None:
            return found
    return contacts[0] if contacts else None


def _current_value(partner: Partner, field_name: str, contact: Contact | None) -> str:
    if field_name in ORGANIZATION_FIELDS:
        return getattr(partner.organization, ORGANIZATION_FIELDS[field_name]) or ""
    return getattr(contact, CONTACT_FIELDS[field_name]) or "" if contact is not None else ""


def _clean_value(field_name: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({"new_value": [_("Enter the corrected value.")]})
    if field_name in PHONE_FIELDS:
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            raise ValidationError({"new_value": exc.messages}) from exc
    if field_name in EMAIL_FIELDS:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"new_value": [_("Enter a valid e-mail address.")]}) from None
    if len(value) > 300:
        raise ValidationError({"new_value": [_("A value has at most 300 characters.")]})
    return value


# --- reviews --------------------------------------------------------------------------------

def _open(actor, partner: Partner, now) -> ContactReview:
    review = ContactReview(tenant_id=partner.tenant_id, org_unit_id=partner.org_unit_id,
                           partner=partner, agent_id=partner.agent_id, phase_changed_at=now)
    review.save()
    record_event(review, "outreach.review_opened", actor=actor, new=ReviewPhase.SORT_CORRECT)
    return review


@transaction.atomic
def reviews_open(*, actor, tenant: Tenant, partners) -> int:
    """Put ``partners`` (already resolved in the actor's scope) on the correction list: a
    review in "sort and correct" for each company without one; a company in use is reopened.
    Returns how many companies were put on the list."""
    _same_tenant(actor, tenant.pk)
    partners = list(partners)
    for partner in partners:
        if partner.tenant_id != tenant.pk:
            raise ValidationError({"partner": [_("Choose a company of your own "
                                                 "organisation.")]})
        _require(actor, "outreach.add_contactreview", partner)
    existing = {r.partner_id: r for r in ContactReview.objects.select_for_update().filter(
        partner__in=partners)}
    now, count = timezone.now(), 0
    for partner in partners:
        review = existing.get(partner.pk)
        if review is None:
            _open(actor, partner, now)
            count += 1
        elif review.phase == ReviewPhase.IN_USE:
            review_transition(actor=actor, review=review, phase=ReviewPhase.SORT_CORRECT,
                              note=_("Put on the correction list again."))
            count += 1
    return count


@transaction.atomic
def review_transition(*, actor, review: ContactReview, phase: str,
                      note: str = "") -> ContactReview:
    """Move a company's review to ``phase`` if the table allows it (the one place a phase
    changes). To verify, the company needs a correction to verify or its agent's answer; to be
    in use, every correction must be verified."""
    _require(actor, "outreach.change_contactreview", review)
    review = ContactReview.objects.select_for_update().get(pk=review.pk)
    _check_move("phase", ReviewPhase, REVIEW_TRANSITIONS, review.phase, phase,
                unknown=_("Choose a phase from the list."),
                same=_("The company is already in this phase."),
                refused=_("A company cannot go from “%(old)s” to “%(new)s”."))
    open_corrections = review.corrections.filter(status=CorrectionStatus.PROPOSED)
    if phase == ReviewPhase.VERIFY and not (open_corrections.exists() or review.reason):
        raise ValidationError({"phase": [_("Record a correction or the agent's answer before "
                                           "verifying.")]})
    if phase == ReviewPhase.IN_USE and open_corrections.exists():
        raise ValidationError({"phase": [_("Verify every correction of this company first.")]})
    old = review.phase
    review.phase, review.phase_changed_at = phase, timezone.now()
    fields = ["phase", "phase_changed_at", "updated_at"]
    if phase == ReviewPhase.SORT_CORRECT:
        review.reason, review.answer_note, review.answered_by, review.answered_at = (
            "", "", None, None)
        fields += ["reason", "answer_note", "answered_by", "answered_at"]
    review.save(update_fields=fields)
    record_event(review, "outreach.review_phase", actor=actor, old=old, new=phase, note=note)
    return review


def _review_for_correction(actor, partner: Partner) -> ContactReview:
    review = (ContactReview.objects.select_for_update().filter(partner=partner)
              .order_by("pk").first())
    if review is None:
        _require(actor, "outreach.add_contactreview", partner)
        return _open(actor, partner, timezone.now())
    if review.phase == ReviewPhase.IN_USE:
        raise ValidationError({"partner": [_("This company's contacts are in use; put it on "
                                             "the correction list again first.")]})
    return review


@transaction.atomic
def correction_record(*, actor, partner: Partner, field: str, new_value: str, source: str,
                      contact: Contact | None = None, note: str = "") -> ContactCorrection:
    """Record a corrected value of ``partner`` (to verify): the value it replaces is read now.
    A company without a review is put on the correction list."""
    _same_tenant(actor, partner.tenant_id)
    _require(actor, "outreach.add_contactcorrection", partner)
    return _record(actor, partner, field, new_value, source, contact, note)


def _record(actor, partner: Partner, field: str, new_value: str, source: str,
            contact: Contact | None, note: str,
            review: ContactReview | None = None) -> ContactCorrection:
    """Record one corrected value; ``review``: the company's review, already locked by the
    caller (an agent's answer), else it is locked (or opened) here."""
    errors = {}
    if field not in CorrectionField.values:
        errors["field"] = [_("Choose the field to correct from the list.")]
    if source not in CorrectionSource.values:
        errors["source"] = [_("Choose the source: agent, online research, handbook subsidy "
                              "or callback.")]
    if contact is not None and contact.organization_id != partner.organization_id:
        errors["contact"] = [_("Choose a contact of this company.")]
    if errors:
        raise ValidationError(errors)
    value = _clean_value(field, new_value)
    if review is None:
        review = _review_for_correction(actor, partner)
    if field in CONTACT_FIELDS and contact is None:
        contact = _main_contact(partner)
    old = _current_value(partner, field, contact)
    if old == value:
        raise ValidationError({"new_value": [_("This is already the company's value.")]})
    correction = ContactCorrection(
        tenant_id=partner.tenant_id, org_unit_id=partner.org_unit_id, review=review,
        partner=partner, contact=contact if field in CONTACT_FIELDS else None, field=field,
        old_value=old, new_value=value, source=source, note=note,
        recorded_by=actor if getattr(actor, "pk", None) else None)
    correction.save()
    record_event(review, "outreach.correction_recorded", actor=actor, old=old, new=value,
                 note=str(CorrectionField(field).label))
    return correction


def _apply(actor, correction: ContactCorrection) -> None:
    """Write an accepted correction to the directory through its services."""
    partner = correction.partner
    try:
        if correction.field in ORGANIZATION_FIELDS:
            directory.organization_update(
                actor=actor, organization=partner.organization,
                **{ORGANIZATION_FIELDS[correction.field]: correction.new_value})
            return
        name = CONTACT_FIELDS[correction.field]
        contact = correction.contact or _main_contact(partner)
        if contact is None:
            values = {name: correction.new_value}
            values.setdefault("name", partner.organization.name)
            contact = directory.contact_add(actor=actor, organization=partner.organization,
                                            role=ContactRole.PERSON_IN_CHARGE, **values)
            correction.contact = contact
        else:
            directory.contact_update(actor=actor, contact=contact,
                                     **{name: correction.new_value})
    except ValidationError as exc:
        raise ValidationError({"new_value": exc.messages}) from exc


@transaction.atomic
def correction_verify(*, actor, correction: ContactCorrection, accept: bool,
                      note: str = "") -> ContactCorrection:
    """Customer service's verdict after calling to confirm (phase "verify"): accepted, the new
    value is written to the company's directory record; rejected, it is kept for the record."""
    _require(actor, "outreach.change_contactcorrection", correction)
    correction = ContactCorrection.objects.select_for_update(of=("self",)).select_related(
        "review", "partner__organization", "contact").get(pk=correction.pk)
    if correction.status != CorrectionStatus.PROPOSED:
        raise ValidationError({"status": [_("This correction is already verified.")]})
    if correction.review.phase != ReviewPhase.VERIFY:
        raise ValidationError({"status": [_("Move the company to “Verify” before verifying "
                                            "its corrections.")]})
    if accept:
        _apply(actor, correction)
    correction.status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    correction.verified_by, correction.verified_at = actor, timezone.now()
    if note:
        correction.note = f"{correction.note}\n{note}".strip()
    correction.save(update_fields=["status", "verified_by", "verified_at", "note", "contact",
                                   "updated_at"])
    record_event(correction.review, "outreach.correction_verified", actor=actor,
                 old=correction.old_value, new=correction.new_value,
                 note=CorrectionStatus(correction.status).label)
    return correction


# --- agents' answers ------------------------------------------------------------------------

@dataclass
class Answer:
    """An agent's answer about one company: the reason and any corrected values
    (CorrectionField → value)."""

    review: ContactReview
    reason: str
    note: str = ""
    values: dict[str, str] = field(default_factory=dict)


def _lock_reviews(pks) -> dict[int, ContactReview]:
    """The reviews ``pks``, each locked once, in primary-key order, with their company."""
    return {review.pk: review for review in ContactReview.objects.select_for_update(
        of=("self",)).select_related("partner__organization").filter(pk__in=pks)
        .order_by("pk")}


def _answer(actor, answer: Answer, review: ContactReview, now) -> ContactReview:
    """Write an agent's answer on ``review``, locked by the caller for the whole answer."""
    if actor is not None and not actor.has_perm("outreach.change_contactreview", review):
        _require(actor, "outreach.answer_contactreview", review)
    if answer.reason not in AnswerReason.values:
        raise ValidationError({"reason": [_("Choose a reason from the list.")]})
    if review.phase != ReviewPhase.SORT_CORRECT:
        raise ValidationError({"reason": [_("%(name)s is no longer on the list to correct.")
                                          % {"name": review.partner.organization.name}]})
    if answer.reason == AnswerReason.CORRECTED and not any(answer.values.values()):
        raise ValidationError({"reason": [_("Give the corrected contact details.")]})
    for field_name, value in answer.values.items():
        if value:
            _record(actor, review.partner, field_name, value, CorrectionSource.AGENT, None,
                    answer.note, review=review)
    review.reason, review.answer_note = answer.reason, answer.note
    review.answered_by = actor if getattr(actor, "pk", None) else None
    review.answered_at = now
    review.save(update_fields=["reason", "answer_note", "answered_by", "answered_at",
                               "updated_at"])
    record_event(review, "outreach.review_answered", actor=actor, new=answer.reason,
                 note=answer.note)
    return review


@transaction.atomic
def review_answer(*, actor, review: ContactReview, reason: str, note: str = "",
                  values: dict[str, str] | None = None) -> ContactReview:
    """The agent's answer about one company of its list (reason, corrected values)."""
    _same_tenant(actor, review.tenant_id)
    return _answer(actor, Answer(review=review, reason=reason, note=note, values=values or {}),
                   _lock_reviews([review.pk])[review.pk], timezone.now())


@transaction.atomic
def answers_write(*, actor, tenant: Tenant, answers: list[Answer]) -> int:
    """An agent's answered list (the import): every answer or none. Each company's review is
    locked once, all of them up front in primary-key order."""
    _same_tenant(actor, tenant.pk)
    if any(answer.review.tenant_id != tenant.pk for answer in answers):
        raise ValidationError({"company": [_("Choose a company of your own organisation.")]})
    locked = _lock_reviews([answer.review.pk for answer in answers])
    now = timezone.now()
    for answer in answers:
        _answer(actor, answer, locked[answer.review.pk], now)
    return len(answers)


# --- the monthly spot check and update reminder ----------------------------------------------

def spot_check_seed(month: date) -> int:
    """The default seed of a month's draw: its year and month (202603), so a draw is
    reproducible without being told the seed."""
    return month.year * 100 + month.month


def spot_check_sample(partners, *, per_group: int, seed: int) -> list[int]:
    """The companies drawn: ``per_group`` (or all, if fewer) of each city and agent, by a
    generator seeded with ``seed``, groups and companies in a fixed order."""
    groups: dict[tuple, list[int]] = {}
    for pk, city, agent_id in partners.order_by("pk").values_list(
            "pk", "organization__city", "agent_id"):
        groups.setdefault((city or "", agent_id or 0), []).append(pk)
    rng = random.Random(seed)  # noqa: S311  (a reproducible sample, not a secret)
    drawn: list[int] = []
    for key in sorted(groups):
        members = groups[key]
        drawn += sorted(rng.sample(members, min(per_group, len(members))))
    return drawn


@transaction.atomic
def spot_check_draw(*, actor, tenant: Tenant, org_unit, month: date, per_group: int = 3,
                    seed: int | None = None) -> SpotCheck:
    """Draw this month's spot check among the signed companies with an agent whose contacts
    are in use (``selectors.spot_check_candidates``) and make its callback campaign; one spot
    check a month."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_spotcheck", org_unit)
    month = month.replace(day=1)
    if per_group not in SPOT_CHECK_SIZES:
        raise ValidationError({"per_group": [_("Draw 3 to 5 companies per city and agent.")]})
    if seed is not None and not (0 <= seed < 2**62):
        raise ValidationError({"seed": [_("The seed is a whole number from 0.")]})
    if SpotCheck.objects.filter(tenant=tenant, month=month).exists():
        raise ValidationError({"month": [_("The spot check of %(month)s is already drawn.")
                                         % {"month": month.strftime("%Y-%m")}]})
    seed = spot_check_seed(month) if seed is None else seed
    candidates = selectors.spot_check_candidates(actor, tenant)
    sample = spot_check_sample(candidates, per_group=per_group, seed=seed)
    if not sample:
        raise ValidationError({"month": [_("There is no signed company with an agent whose "
                                           "contacts are in use to draw from.")]})
    campaign = campaign_create(
        actor=actor, tenant=tenant, org_unit=org_unit,
        name=_("Spot check %(month)s") % {"month": month.strftime("%Y-%m")},
        phase=_("Spot check"),
        script=_("Confirm the company's contact person, phones, address and e-mail."),
        source={"kind": "companies", "ids": sample})
    check = SpotCheck(tenant=tenant, org_unit=org_unit, month=month, seed=seed,
                      per_group=per_group, sample=sample, campaign=campaign, created_by=actor)
    check.save()
    record_event(campaign, "outreach.spot_check_drawn", actor=actor, new=str(len(sample)),
                 note=f"seed {seed}")
    return check


def update_reminder_send(*, today: date | None = None) -> int:
    """The monthly reminder to business development (everyone keeping the contacts up to
    date) to update them and report to commerce; sent once a month per person. Returns the
    number of messages written."""
    today = today or timezone.localdate()
    month = today.strftime("%Y-%m")
    notices = [Notice(tenant=tenant_id, recipients=users,
                      context={"month": month, "open": open_count,
                               "url": "/outreach/corrections/"},
                      dedup_key=f"outreach-update-{month}")
               for tenant_id, users, open_count in selectors.update_reminder_targets()]
    return len(notify_all(event=UPDATE_REMINDER, notices=notices))
