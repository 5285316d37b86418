"""Writes of callback campaigns (OUT-2): call lists, callers, the call state machine and
the import of the platform's call sheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.personal_data.phones import normalize_phone
from linli.core.tenancy import Tenant
from linli.outreach import selectors
from linli.outreach.choices import (
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    SigningStatus,
)
from linli.outreach.models import CallAttempt, CallTask, Campaign, Partner
from linli.outreach.services.shared import _full_clean, _require, _same_tenant

# --- callback campaigns (OUT-2) -------------------------------------------------------------

# Retry rules by outcome, as data (a campaign keeps its own copy): how many calls in all a
# company with this last outcome gets, and how long to wait before the next one. A connected
# call ends the task; an outcome without a rule too.
DEFAULT_RETRY_RULES = {
    CallOutcome.REFUSED.value: {"max_attempts": 2, "wait_hours": 72},
    CallOutcome.NO_ANSWER.value: {"max_attempts": 3, "wait_hours": 24},
    CallOutcome.UNREACHABLE.value: {"max_attempts": 1, "wait_hours": 0},
}
MAX_ATTEMPTS = 20
MAX_WAIT_HOURS = 24 * 90
SOURCE_KINDS = ("signed", "saved", "campaign", "companies", "empty")


def retry_rules_clean(rules: dict | None) -> dict:
    """Retry rules checked: outcome → {"max_attempts": 1–20, "wait_hours": 0–2160}."""
    if rules is None:
        return {k: dict(v) for k, v in DEFAULT_RETRY_RULES.items()}
    errors, clean = [], {}
    for outcome, rule in rules.items():
        if outcome not in CallOutcome.values or outcome == CallOutcome.CONNECTED:
            errors.append(_("“%(outcome)s” cannot have a retry rule; use refused, no_answer or "
                            "unreachable.") % {"outcome": outcome})
            continue
        try:
            attempts = int(rule.get("max_attempts", 1))
            wait = int(rule.get("wait_hours", 0))
        except (AttributeError, TypeError, ValueError):
            errors.append(_("The rule of “%(outcome)s” needs whole numbers.") % {
                "outcome": outcome})
            continue
        if not (1 <= attempts <= MAX_ATTEMPTS and 0 <= wait <= MAX_WAIT_HOURS):
            errors.append(_("The rule of “%(outcome)s” allows 1 to %(max)d calls and a wait of "
                            "0 to %(hours)d hours.") % {"outcome": outcome, "max": MAX_ATTEMPTS,
                                                       "hours": MAX_WAIT_HOURS})
            continue
        clean[outcome] = {"max_attempts": attempts, "wait_hours": wait}
    if errors:
        raise ValidationError({"retry_rules": errors})
    return clean


def call_transition(task: CallTask, *, outcome: str, rules: dict, at, caller=None,
                    phone: str = "", note: str = "") -> CallAttempt:
    """The call state machine, the one place a task's state changes: apply one call's
    ``outcome`` to ``task`` (in memory) and return the attempt to store.

    pending/retry --connected--> done; --other outcome--> retry while the outcome's rule
    allows another call (next call after its wait), else done. A done task takes no call.
    """
    if outcome not in CallOutcome.values:
        raise ValidationError({"outcome": [_("Choose connected, refused, no answer or "
                                             "unreachable.")]})
    if task.status == CallTaskStatus.DONE:
        raise ValidationError({"outcome": [_("This company's calls are finished.")]})
    task.attempts += 1
    task.outcome = outcome
    rule = rules.get(outcome) if outcome != CallOutcome.CONNECTED else None
    if rule and task.attempts < rule["max_attempts"]:
        task.status = CallTaskStatus.RETRY
        task.next_call_at = at + timedelta(hours=rule["wait_hours"])
    else:
        task.status = CallTaskStatus.DONE
        task.next_call_at = None
    return CallAttempt(tenant_id=task.tenant_id, org_unit_id=task.org_unit_id, task=task,
                       caller=caller if getattr(caller, "pk", None) else None,
                       outcome=outcome, phone=phone, note=note, called_at=at)


def _source_partners(actor, tenant: Tenant, source: dict):
    """The partners a call list is built from (inside the actor's scope)."""
    kind = source.get("kind")
    if kind not in SOURCE_KINDS:
        raise ValidationError({"source": [_("Choose where the call list comes from: all "
                                            "signed companies, a saved filter or a previous "
                                            "campaign.")]})
    partners = (selectors.partner_list(actor) if actor is not None
                else Partner.objects.filter(tenant=tenant))
    if kind == "empty":
        return partners.none()
    if kind == "companies":
        ids = source.get("ids")
        if not isinstance(ids, list) or not all(isinstance(pk, int) for pk in ids):
            raise ValidationError({"source": [_("Give the companies as a list of ids.")]})
        found = partners.filter(pk__in=ids)
        if found.count() != len(set(ids)):
            raise ValidationError({"source": [_("Choose companies you can see.")]})
        return found
    if kind == "signed":
        return partners.filter(signing_status=SigningStatus.SIGNED)
    if kind == "saved":
        params = selectors.saved_filter_params(actor, source.get("code", "")) if actor else None
        if params is None:
            raise ValidationError({"source": [_("There is no saved filter with this code.")]})
        return selectors.partner_criteria(partners, params)
    try:
        previous_pk = int(source.get("campaign"))
    except (TypeError, ValueError):
        raise ValidationError({"source": [_("Choose a campaign you can see.")]}) from None
    previous = (selectors.campaign_find(actor, previous_pk) if actor is not None
                else Campaign.objects.filter(tenant=tenant, pk=previous_pk).first())
    if previous is None:
        raise ValidationError({"source": [_("Choose a campaign you can see.")]})
    outcomes = source.get("outcomes") or []
    if not outcomes or not set(outcomes) <= set(CallOutcome.values):
        raise ValidationError({"source": [_("Choose the outcomes of the previous campaign "
                                            "to call again.")]})
    return partners.filter(call_tasks__campaign=previous, call_tasks__outcome__in=outcomes)


@transaction.atomic
def campaign_create(*, actor, tenant: Tenant, org_unit, name: str, phase: str = "",
                    script: str = "", retry_rules: dict | None = None,
                    source: dict | None = None) -> Campaign:
    """A campaign and its call list (one task per company of ``source``, in one insert).

    ``source``: {"kind": "signed"} — every signed company; {"kind": "saved", "code": …};
    {"kind": "campaign", "campaign": id, "outcomes": ["refused", "no_answer"]} — the
    companies whose last outcome in a previous campaign is one of those; {"kind":
    "companies", "ids": [partner ids]} — chosen companies (a spot check's sample);
    {"kind": "empty"}.
    """
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_campaign", org_unit)
    if org_unit.tenant_id != tenant.pk:
        raise ValidationError({"org_unit": [_("Choose a unit of your own organisation.")]})
    source = dict(source or {"kind": "signed"})
    campaign = Campaign(tenant=tenant, org_unit=org_unit, name=name, phase=phase, script=script,
                        retry_rules=retry_rules_clean(retry_rules), source=source,
                        created_by=actor)
    _full_clean(campaign, exclude=["tenant", "org_unit", "created_by", "retry_rules",
                                   "source"])
    partners = _source_partners(actor, tenant, source)
    campaign.save()
    tasks = CallTask.objects.bulk_create([
        CallTask(tenant_id=tenant.pk, org_unit_id=unit_id, campaign=campaign, partner_id=pk)
        for pk, unit_id in partners.order_by("pk").values_list("pk", "org_unit_id").distinct()
    ], batch_size=1000)
    record_event(campaign, "outreach.campaign_created", actor=actor, new=str(len(tasks)))
    return campaign


@transaction.atomic
def campaign_assign(*, actor, campaign: Campaign, callers: list) -> int:
    """Share the campaign's open tasks without a caller among ``callers`` in turn; returns
    how many were assigned."""
    _require(actor, "outreach.change_campaign", campaign)
    if not callers:
        raise ValidationError({"callers": [_("Choose at least one caller.")]})
    for caller in callers:
        if caller.tenant_id != campaign.tenant_id or not caller.is_active:
            raise ValidationError({"callers": [_("Choose callers of your own organisation.")]})
        if not caller.has_perm("outreach.call_calltask", campaign):
            raise ValidationError({"callers": [
                _("%(name)s may not make calls for this campaign.") % {"name": str(caller)}]})
    tasks = list(CallTask.objects.select_for_update().filter(
        campaign=campaign, caller__isnull=True).exclude(status=CallTaskStatus.DONE)
        .order_by("pk"))
    for index, task in enumerate(tasks):
        task.caller = callers[index % len(callers)]
    CallTask.objects.bulk_update(tasks, ["caller"], batch_size=1000)
    return len(tasks)


@transaction.atomic
def call_record(*, actor, task: CallTask, outcome: str, phone: str = "",
                note: str = "") -> CallAttempt:
    """Log one call of ``task`` by ``actor`` (its caller, or someone who runs the campaign)."""
    _require(actor, "outreach.call_calltask", task)
    task = CallTask.objects.select_for_update().select_related("campaign").get(pk=task.pk)
    if (actor is not None and task.caller_id not in (None, actor.pk)
            and not actor.has_perm("outreach.change_campaign", task.campaign)):
        raise PermissionDenied(_("This company is on another caller's list."))
    if task.campaign.status != CampaignStatus.RUNNING:
        raise ValidationError({"outcome": [_("This campaign is completed.")]})
    number = ""
    if phone:
        try:
            number = normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.messages}) from exc
    attempt = call_transition(task, outcome=outcome, rules=task.campaign.retry_rules,
                              at=timezone.now(), caller=actor, phone=number, note=note)
    if task.caller_id is None and actor is not None:
        task.caller = actor
    task.save()
    attempt.save()
    return attempt


@transaction.atomic
def campaign_complete(*, actor, campaign: Campaign) -> Campaign:
    _require(actor, "outreach.change_campaign", campaign)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == CampaignStatus.COMPLETED:
        raise ValidationError(_("This campaign is already completed."))
    campaign.status = CampaignStatus.COMPLETED
    campaign.save(update_fields=["status", "updated_at"])
    record_event(campaign, "outreach.campaign_completed", actor=actor)
    return campaign


@dataclass
class SheetRow:
    """One checked row of a call sheet: a company's outcome in a campaign."""

    campaign: str
    phase: str
    partner: Partner
    outcome: str
    phone: str = ""
    note: str = ""


@transaction.atomic
def call_sheet_write(*, actor, tenant: Tenant, org_unit, rows: list[SheetRow]) -> int:
    """Write a call sheet's rows: each campaign (by name) is found or created at
    ``org_unit``, each company gets its task and one attempt through ``call_transition``.
    All rows or none; returns the number of attempts written."""
    _same_tenant(actor, tenant.pk)
    names = {row.campaign for row in rows}
    campaigns = {c.name: c for c in Campaign.objects.filter(tenant=tenant, name__in=names)}
    for name in sorted(names - set(campaigns)):
        phase = next(row.phase for row in rows if row.campaign == name)
        campaigns[name] = campaign_create(actor=actor, tenant=tenant, org_unit=org_unit,
                                          name=name, phase=phase, source={"kind": "empty"})
    existing = {(t.campaign_id, t.partner_id): t for t in CallTask.objects.filter(
        campaign__in=campaigns.values(), partner__in=[row.partner for row in rows])}
    now = timezone.now()
    new_tasks, attempts = [], []
    for campaign in campaigns.values():
        _require(actor, "outreach.change_campaign", campaign)
        if campaign.status != CampaignStatus.RUNNING:
            raise ValidationError({"campaign": [
                _("Campaign “%(name)s” is completed; it takes no more calls.")
                % {"name": campaign.name}]})
    for row in rows:
        campaign = campaigns[row.campaign]
        task = existing.get((campaign.pk, row.partner.pk))
        if task is None:
            task = CallTask(tenant_id=tenant.pk, org_unit_id=row.partner.org_unit_id,
                            campaign=campaign, partner=row.partner)
            new_tasks.append(task)
        attempts.append(call_transition(task, outcome=row.outcome, rules=campaign.retry_rules,
                                        at=now, caller=actor, phone=row.phone, note=row.note))
    CallTask.objects.bulk_create(new_tasks, batch_size=1000)
    changed = [t for t in existing.values() if t.attempts]
    CallTask.objects.bulk_update(changed, ["status", "outcome", "attempts", "next_call_at"],
                                 batch_size=1000)
    for attempt in attempts:
        attempt.task_id = attempt.task.pk
    CallAttempt.objects.bulk_create(attempts, batch_size=1000)
    return len(attempts)
