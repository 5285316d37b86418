"""Writes of opportunities (SAL-2) and of lost deals (SAL-4, the opportunity side).

A lead's owner turns it into an opportunity; the opportunity moves through the stages only in
``opportunity_transition`` (row locked, move checked against ``states.STAGE_TRANSITIONS``, a
``StageMove`` with the time spent in the stage left, the event, one transaction). Losing needs a
reason of the tenant's catalogue; the sales manager reviews lost opportunities and gives the
valuable ones a new owner: a VIP to the manager personally, others to another rep.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.core.events import record_event
from linli.core.notifications.services import notify
from linli.core.permissions import require_tenant
from linli.sales.models import (
    Appointment,
    CalendarFeed,
    Lead,
    LostReason,
    Opportunity,
    StageMove,
    Visit,
)
from linli.sales.services.leads import lead_transition, may_work_here
from linli.sales.services.shared import (
    add_error,
    lost_reason_check,
    raise_errors,
    reject_unknown,
    require,
)
from linli.sales.states import (
    STAGE_TRANSITIONS,
    AppointmentStatus,
    Intention,
    LeadStatus,
    LostAppliesTo,
    LostReview,
    Stage,
)

OPPORTUNITY_FIELDS = ("intention", "needs", "budget", "next_step", "follow_up_at")
MAX_UNITS = 20

# The reasons every tenant starts with (SAL-4); names are stored in the tenant's language.
DEFAULT_LOST_REASONS = (
    (LostAppliesTo.OPPORTUNITY, "", gettext_noop("Price too high")),
    (LostAppliesTo.OPPORTUNITY, "", gettext_noop("Bought from a competitor")),
    (LostAppliesTo.OPPORTUNITY, "", gettext_noop("Location does not suit")),
    (LostAppliesTo.OPPORTUNITY, "", gettext_noop("Layout or area does not suit")),
    (LostAppliesTo.OPPORTUNITY, "", gettext_noop("Could not get a mortgage")),
    (LostAppliesTo.OPPORTUNITY, Stage.NEW, gettext_noop("Could not be reached")),
    (LostAppliesTo.OPPORTUNITY, Stage.NEGOTIATING, gettext_noop("Discount not agreed")),
    (LostAppliesTo.SUBSCRIPTION, "", gettext_noop("Deposit not paid in time")),
    (LostAppliesTo.SUBSCRIPTION, "", gettext_noop("Changed their mind")),
    (LostAppliesTo.CONTRACT, "", gettext_noop("Mortgage refused")),
    (LostAppliesTo.CONTRACT, "", gettext_noop("Family disagreement")),
    (LostAppliesTo.CONTRACT, "", gettext_noop("Measured area off by more than 3 per cent")),
)


def _may_move(actor, opportunity: Opportunity) -> None:
    """The owner moves their opportunity; a sales manager moves any of the office."""
    require(actor, "sales.change_opportunity", opportunity)
    if actor is not None and opportunity.owner_id != actor.pk and not actor.has_perm(
            "sales.decide_lead", opportunity):
        raise PermissionDenied(_("Only the owner of the opportunity or the sales manager may "
                                 "do this."))


def _check_future(when, field: str, errors: dict[str, list[str]], what: str) -> None:
    if when is None:
        add_error(errors, field, _("Enter the date and time of the %(what)s.") % {"what": what})
    elif when <= timezone.now():
        add_error(errors, field, _("The %(what)s must be in the future.") % {"what": what})


def _units_of(opportunity: Opportunity, sale_units, errors, field: str = "sale_units") -> list:
    units = list(sale_units or [])
    if len(units) > MAX_UNITS:
        add_error(errors, field, _("Choose at most %(n)d units.") % {"n": MAX_UNITS})
    if any(u.project_id != opportunity.project_id for u in units):
        add_error(errors, field, _("Choose units of the opportunity's project."))
    return units


@transaction.atomic
def opportunity_create(*, actor, lead: Lead, intention: str = Intention.GENERAL,
                       needs: str = "", budget=None, next_step: str = "",
                       follow_up_at=None) -> Opportunity:
    """Turn ``lead`` into an opportunity of its owner (the owner or the manager does it)."""
    require(actor, "sales.add_opportunity", lead)
    if actor is not None and lead.owner_id != actor.pk and not actor.has_perm(
            "sales.decide_lead", lead):
        raise ValidationError({"lead": [_("Only the owner of the lead turns it into an "
                                          "opportunity.")]})
    errors: dict[str, list[str]] = {}
    if lead.owner_id is None:
        add_error(errors, "lead", _("Give the lead to a rep first."))
    if intention not in Intention.values:
        add_error(errors, "intention", _("Choose a valid intention level."))
    if budget is not None and budget < 0:
        add_error(errors, "budget", _("A budget cannot be negative."))
    if follow_up_at is not None:
        _check_future(follow_up_at, "follow_up_at", errors, _("follow-up"))
    raise_errors(errors)
    lead_transition(actor=actor, lead=lead, to=LeadStatus.CONVERTED, verb="lead.converted")
    # Checked once the lead's row is locked: a second conversion at once waits, then sees it.
    if Opportunity.objects.filter(lead=lead).exists():
        raise ValidationError({"lead": [_("This lead is already an opportunity.")]})
    now = timezone.now()
    opportunity = Opportunity.objects.create(
        tenant_id=lead.tenant_id, org_unit_id=lead.org_unit_id, lead=lead,
        project_id=lead.project_id, person_id=lead.person_id, owner_id=lead.owner_id,
        is_vip=lead.is_vip, stage=Stage.NEW, stage_entered_at=now, intention=intention,
        needs=needs or lead.needs, budget=budget, next_step=(next_step or "")[:300],
        follow_up_at=follow_up_at)
    StageMove.objects.create(tenant_id=lead.tenant_id, org_unit_id=lead.org_unit_id,
                             opportunity=opportunity, from_stage="", to_stage=Stage.NEW,
                             moved_at=now, actor=actor if _is_user(actor) else None)
    record_event(opportunity, "opportunity.created", actor=actor,
                 new=Intention(intention).label)
    return opportunity


def _is_user(actor) -> bool:
    return actor is not None and actor.is_authenticated


@transaction.atomic
def opportunity_update(*, actor, opportunity: Opportunity, **changes) -> Opportunity:
    """Edit the intention level, needs, budget, next step and follow-up time."""
    reject_unknown(changes, OPPORTUNITY_FIELDS)
    _may_move(actor, opportunity)
    errors: dict[str, list[str]] = {}
    if opportunity.stage in (Stage.WON, Stage.LOST):
        add_error(errors, "stage", _("The opportunity is closed."))
    if "intention" in changes and changes["intention"] not in Intention.values:
        add_error(errors, "intention", _("Choose a valid intention level."))
    if changes.get("budget") is not None and changes["budget"] < 0:
        add_error(errors, "budget", _("A budget cannot be negative."))
    if changes.get("follow_up_at") is not None:
        _check_future(changes["follow_up_at"], "follow_up_at", errors, _("follow-up"))
    raise_errors(errors)
    old_intention = opportunity.intention
    for field, value in changes.items():
        setattr(opportunity, field, value)
    fields = [*changes, "updated_at"]
    if "follow_up_at" in changes:
        opportunity.follow_up_reminded_at = None
        fields.append("follow_up_reminded_at")
    opportunity.save(update_fields=fields)
    if opportunity.intention != old_intention:
        record_event(opportunity, "opportunity.intention_changed", actor=actor,
                     old=Intention(old_intention).label,
                     new=Intention(opportunity.intention).label)
    return opportunity


@transaction.atomic
def opportunity_follow_up(*, actor, opportunity: Opportunity, note: str, next_step: str = "",
                          follow_up_at=None) -> Opportunity:
    """Record a follow-up with the customer and plan the next one."""
    _may_move(actor, opportunity)
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        add_error(errors, "note", _("Say what was done."))
    if opportunity.stage in (Stage.WON, Stage.LOST):
        add_error(errors, "note", _("The opportunity is closed."))
    if follow_up_at is not None:
        _check_future(follow_up_at, "follow_up_at", errors, _("follow-up"))
    raise_errors(errors)
    opportunity.next_step = (next_step or "")[:300]
    opportunity.follow_up_at = follow_up_at
    opportunity.follow_up_reminded_at = None
    opportunity.save(update_fields=["next_step", "follow_up_at", "follow_up_reminded_at",
                                    "updated_at"])
    record_event(opportunity, "opportunity.followed_up", actor=actor, note=note.strip()[:300])
    return opportunity


@transaction.atomic
def opportunity_transition(*, actor, opportunity: Opportunity, to: str, reason=None,
                           competitor: str = "", note: str = "", owner=None,
                           review: str | None = None, by_deal: bool = False) -> Opportunity:
    """Move ``opportunity`` to stage ``to`` along ``states.STAGE_TRANSITIONS`` — the only
    writer of ``Opportunity.stage``. Losing needs ``reason`` (a catalogue entry for the current
    stage) and puts the opportunity up for the manager's review; ``owner``/``review`` are set by
    the review when it reopens a lost opportunity. An opportunity is won only by a subscription
    made for it (``by_deal``, whose service has checked the actor's rights)."""
    if actor is not None and review is None and not by_deal:
        _may_move(actor, opportunity)
    if to not in Stage.values:
        raise ValidationError({"stage": [_("Choose a valid stage.")]})
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    old = locked.stage
    if to not in STAGE_TRANSITIONS[old]:
        raise ValidationError({"stage": [
            _("The opportunity is at %(old)s; it cannot move to %(new)s.") % {
                "old": Stage(old).label, "new": Stage(to).label}]})
    if to == Stage.WON and not by_deal:
        raise ValidationError({"stage": [_("An opportunity is won by subscribing a unit for "
                                           "it: use “Subscribe a unit” on the opportunity.")]})
    if old == Stage.LOST and review is None:
        raise ValidationError({"stage": [_("A lost opportunity comes back only through the "
                                           "sales manager's review.")]})
    errors: dict[str, list[str]] = {}
    if to == Stage.LOST:
        lost_reason_check(reason, record=locked, applies_to=LostAppliesTo.OPPORTUNITY,
                          stage=locked.stage, errors=errors,
                          missing=_("Choose why the opportunity was lost."))
    raise_errors(errors)
    now = timezone.now()
    fields = ["stage", "stage_entered_at", "updated_at"]
    if to == Stage.LOST:
        locked.lost_reason, locked.lost_stage, locked.lost_at = reason, old, now
        locked.competitor, locked.lost_note = (competitor or "")[:200], (note or "")[:500]
        locked.review = LostReview.PENDING
        fields += ["lost_reason", "lost_stage", "lost_at", "competitor", "lost_note", "review"]
    if review is not None:
        locked.review, locked.reviewed_by, locked.reviewed_at = review, actor, now
        fields += ["review", "reviewed_by", "reviewed_at"]
    if owner is not None:
        locked.owner = owner
        fields.append("owner")
    seconds = max(0, int((now - locked.stage_entered_at).total_seconds()))
    locked.stage, locked.stage_entered_at = to, now
    locked.save(update_fields=fields)
    StageMove.objects.create(tenant_id=locked.tenant_id, org_unit_id=locked.org_unit_id,
                             opportunity=locked, from_stage=old, to_stage=to, moved_at=now,
                             seconds_in_stage=seconds, actor=actor if _is_user(actor) else None)
    detail = note if to != Stage.LOST else " · ".join(
        p for p in (str(reason), competitor, note) if p)
    record_event(locked, "opportunity.stage_changed", actor=actor, old=Stage(old).label,
                 new=Stage(to).label, note=(detail or "")[:300], data={"from": old, "to": to})
    for field in set(fields) | {"owner_id"}:
        setattr(opportunity, field, getattr(locked, field))
    return opportunity


@transaction.atomic
def lost_review(*, actor, opportunity: Opportunity, reassign: bool, rep=None,
                note: str = "") -> Opportunity:
    """The sales manager's review of a lost opportunity: confirm the loss, or reassign a
    valuable one — a VIP to the manager personally, any other to another rep of the office."""
    require(actor, "sales.decide_lead", opportunity)
    # Checked on the locked row: two managers reviewing at once cannot both act.
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if locked.stage != Stage.LOST or locked.review != LostReview.PENDING:
        raise ValidationError({"review": [_("Only a lost opportunity waiting for review can "
                                            "be reviewed.")]})
    if not reassign:
        locked.review, locked.reviewed_by, locked.reviewed_at = (
            LostReview.CONFIRMED, actor, timezone.now())
        locked.save(update_fields=["review", "reviewed_by", "reviewed_at", "updated_at"])
        opportunity.review = locked.review
        record_event(locked, "opportunity.loss_confirmed", actor=actor, note=note[:300])
        return opportunity
    if opportunity.is_vip:
        if rep is not None and rep != actor:
            raise ValidationError({"rep": [_("A VIP customer is followed by the manager "
                                             "personally.")]})
        rep = actor
    elif rep is None:
        raise ValidationError({"rep": [_("Choose the rep who takes the customer over.")]})
    elif rep.pk == opportunity.owner_id:
        raise ValidationError({"rep": [_("Choose another rep than the one who lost it.")]})
    if not may_work_here(rep, opportunity):
        raise ValidationError({"rep": [_("%(user)s is not a sales rep of this opportunity's "
                                         "office.") % {"user": rep}]})
    opportunity_transition(actor=actor, opportunity=opportunity, to=Stage.VISITED, owner=rep,
                           review=LostReview.REASSIGNED,
                           note=(_("Reassigned to %(user)s") % {"user": rep}
                                 + (f" · {note}" if note else ""))[:300])
    notify(tenant=opportunity.tenant_id, event="sales.opportunity_reassigned",
           recipients=[rep] if rep != actor else [],
           context={"customer": opportunity.person.name,
                    "url": f"/sales/opportunities/{opportunity.pk}/"}, actor=actor)
    return opportunity


@transaction.atomic
def visit_register(*, actor, opportunity: Opportunity, visited_at=None, companions: int = 0,
                   note: str = "", sale_units=()) -> Visit:
    """Register a visit to the sales office (the units shown are added to the opportunity's);
    a new opportunity moves to visited."""
    _may_move(actor, opportunity)
    now = timezone.now()
    visited_at = visited_at or now
    errors: dict[str, list[str]] = {}
    if visited_at > now:
        add_error(errors, "visited_at", _("A visit cannot be in the future."))
    if opportunity.stage in (Stage.WON, Stage.LOST):
        add_error(errors, "visited_at", _("The opportunity is closed."))
    if companions is None or not 0 <= companions <= 50:
        add_error(errors, "companions", _("Enter between 0 and 50 people."))
    units = _units_of(opportunity, sale_units, errors)
    raise_errors(errors)
    visit = Visit.objects.create(
        tenant_id=opportunity.tenant_id, org_unit_id=opportunity.org_unit_id,
        opportunity=opportunity, visited_at=visited_at, companions=companions,
        note=(note or "")[:500], received_by=actor if _is_user(actor) else None)
    if units:
        opportunity.units_shown.add(*units)
    record_event(opportunity, "opportunity.visited", actor=actor,
                 note=" · ".join(p for p in (", ".join(u.unit.room_code for u in units), note)
                                 if p)[:300])
    if opportunity.stage == Stage.NEW:
        opportunity_transition(actor=actor, opportunity=opportunity, to=Stage.VISITED)
    return visit


@transaction.atomic
def appointment_book(*, actor, opportunity: Opportunity, starts_at, minutes: int = 60,
                     place: str = "", sale_units=(), note: str = "") -> Appointment:
    """Book a viewing with the customer; it shows on the owner's calendar feed."""
    _may_move(actor, opportunity)
    errors: dict[str, list[str]] = {}
    _check_future(starts_at, "starts_at", errors, _("appointment"))
    if minutes is None or not 10 <= minutes <= 480:
        add_error(errors, "minutes", _("A viewing lasts between 10 and 480 minutes."))
    if opportunity.stage in (Stage.WON, Stage.LOST):
        add_error(errors, "starts_at", _("The opportunity is closed."))
    units = _units_of(opportunity, sale_units, errors)
    raise_errors(errors)
    appointment = Appointment.objects.create(
        tenant_id=opportunity.tenant_id, org_unit_id=opportunity.org_unit_id,
        opportunity=opportunity, rep_id=opportunity.owner_id, starts_at=starts_at,
        minutes=minutes, place=(place or "")[:200], note=(note or "")[:500])
    if units:
        appointment.sale_units.add(*units)
    record_event(opportunity, "opportunity.appointment_booked", actor=actor,
                 new=timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M"))
    return appointment


@transaction.atomic
def appointment_close(*, actor, appointment: Appointment, done: bool) -> Appointment:
    """Mark a booked viewing done (its units count as shown) or cancelled."""
    opportunity = appointment.opportunity
    _may_move(actor, opportunity)
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.status != AppointmentStatus.BOOKED:
        raise ValidationError({"status": [_("This appointment is already %(status)s.")
                                          % {"status": locked.get_status_display()}]})
    locked.status = AppointmentStatus.DONE if done else AppointmentStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    if done:
        opportunity.units_shown.add(*locked.sale_units.all())
    appointment.status = locked.status
    return appointment


def calendar_feed_token(*, actor) -> str:
    """The secret token of the actor's calendar feed, made on first use."""
    feed = CalendarFeed.objects.filter(user=actor).first()
    if feed is None:
        feed = CalendarFeed.objects.create(tenant_id=actor.tenant_id, user=actor,
                                           token=secrets.token_urlsafe(32))
    return feed.token


def calendar_feed_renew(*, actor) -> str:
    """A new secret address: the old one stops working."""
    CalendarFeed.objects.filter(user=actor).delete()
    return calendar_feed_token(actor=actor)


def follow_up_reminders(*, now=None) -> int:
    """Remind owners of follow-ups that are due (the Celery beat task calls this)."""
    now = now or timezone.now()
    due = list(Opportunity.objects  # scoped-query-ok: the system job walks every tenant
               .filter(follow_up_at__lte=now, follow_up_reminded_at__isnull=True,
                       stage__in=(Stage.NEW, Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING))
               .select_related("person", "owner").order_by("pk")[:1000])
    for opportunity in due:
        notify(tenant=opportunity.tenant_id, event="sales.follow_up_due",
               recipients=[opportunity.owner],
               context={"customer": opportunity.person.name, "next_step": opportunity.next_step,
                        "url": f"/sales/opportunities/{opportunity.pk}/"},
               dedup_key=f"follow-up:{opportunity.pk}:{opportunity.follow_up_at.isoformat()}")
    Opportunity.objects.filter(  # scoped-query-ok: the same rows as above
        pk__in=[o.pk for o in due]).update(follow_up_reminded_at=now)
    return len(due)


# --- the lost-reason catalogue --------------------------------------------------------------

def _reason_checks(applies_to: str, stage: str, name: str, errors) -> None:
    if applies_to not in LostAppliesTo.values:
        add_error(errors, "applies_to", _("Choose what the reason applies to."))
    if stage and (applies_to != LostAppliesTo.OPPORTUNITY or stage not in Stage.values
                  or stage in (Stage.WON, Stage.LOST)):
        add_error(errors, "stage", _("Choose an open stage of the opportunity, or none."))
    if not name:
        add_error(errors, "name", _("Enter a name."))


@transaction.atomic
def lost_reason_create(*, actor, tenant, applies_to: str, name: str, stage: str = "",
                       position: int = 0) -> LostReason:
    require_tenant(actor, tenant.pk)
    require(actor, "sales.add_lostreason")
    name = (name or "").strip()[:100]
    errors: dict[str, list[str]] = {}
    _reason_checks(applies_to, stage or "", name, errors)
    if name and LostReason.objects.filter(tenant=tenant, applies_to=applies_to,
                                          stage=stage or "", name=name).exists():
        add_error(errors, "name", _("This reason is already in the catalogue."))
    raise_errors(errors)
    return LostReason.objects.create(tenant=tenant, applies_to=applies_to, stage=stage or "",
                                     name=name, position=position)


@transaction.atomic
def lost_reason_set_active(*, actor, reason: LostReason, active: bool) -> LostReason:
    require_tenant(actor, reason.tenant_id)
    require(actor, "sales.change_lostreason")
    reason.is_active = active
    reason.save(update_fields=["is_active", "updated_at"])
    return reason


def lost_reasons_install(*, tenant) -> int:
    """Give ``tenant`` the default catalogue (in its language); existing names stay."""
    from django.utils import translation

    made = 0
    with translation.override("zh-hans"):
        for position, (applies_to, stage, name) in enumerate(DEFAULT_LOST_REASONS):
            _reason, created = LostReason.objects.get_or_create(
                tenant=tenant, applies_to=applies_to, stage=stage, name=_(name),
                defaults={"position": position})
            made += created
    return made
