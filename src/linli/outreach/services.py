"""Writes of partner outreach (OUT-1, OUT-4).

Every function takes keyword arguments including ``actor`` (None for system writers such as the
demo generator), runs in one transaction, checks the actor's right at the org unit concerned
and raises ValidationError({"field": [message]}) for input a user can correct. Companies,
offices and agents are directory organisations, created and changed through the directory's
services (names get their pinyin keys, phones become E.164); outreach adds their profiles.
An agent's status changes only through ``agent_transition``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.personal_data.phones import normalize_phone
from linli.core.tenancy import Tenant
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.models import Organization
from linli.directory.services import organizations as directory
from linli.directory.services.organizations import KEEP
from linli.outreach import selectors
from linli.outreach.choices import (
    QUALITY_UNSIGNED,
    QUALITY_UNSIGNED_PARAMS,
    AgentMode,
    AgentStatus,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    Qualification,
    SigningStatus,
)
from linli.outreach.models import Agent, CallAttempt, CallTask, Campaign, Partner, PartnerFilter

PARTNER_KINDS = (OrganizationKind.PROPERTY_COMPANY, OrganizationKind.MANAGEMENT_OFFICE)

# The agent status machine (OUT-4): from → the statuses it may move to. Litigation can start
# from any status; an exited agent may only come back by signing again (operating).
AGENT_TRANSITIONS: dict[str, set[str]] = {
    AgentStatus.OPERATING: {AgentStatus.PARTLY_OPERATING, AgentStatus.WATCHING,
                            AgentStatus.EXITING, AgentStatus.IN_LITIGATION},
    AgentStatus.PARTLY_OPERATING: {AgentStatus.OPERATING, AgentStatus.WATCHING,
                                   AgentStatus.EXITING, AgentStatus.IN_LITIGATION},
    AgentStatus.WATCHING: {AgentStatus.OPERATING, AgentStatus.PARTLY_OPERATING,
                           AgentStatus.EXITING, AgentStatus.EXITED, AgentStatus.IN_LITIGATION},
    AgentStatus.EXITING: {AgentStatus.EXITED, AgentStatus.WATCHING, AgentStatus.IN_LITIGATION},
    AgentStatus.EXITED: {AgentStatus.OPERATING, AgentStatus.IN_LITIGATION},
    AgentStatus.IN_LITIGATION: {AgentStatus.EXITED, AgentStatus.WATCHING,
                                AgentStatus.OPERATING},
}
# Whose companies may be handed over, and who may take them (OUT-4; seed §3.5.1: operating
# agents take over the companies of watching or exited ones).
HANDOVER_FROM = {AgentStatus.WATCHING, AgentStatus.EXITING, AgentStatus.EXITED}
HANDOVER_TO = {AgentStatus.OPERATING, AgentStatus.PARTLY_OPERATING}

# The criteria a saved filter may hold (the built-in "quality unsigned" is in choices).
FILTER_KEYS = {"signing_status", "qualifications", "households_min", "occupancy_min", "city",
               "agent_status", "exclude_opted_out"}


def _require(actor, permission: str, obj) -> None:
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _same_tenant(actor, tenant_id: int) -> None:
    if actor is not None and actor.tenant_id != tenant_id:
        raise PermissionDenied(_("You do not have permission to do this."))


def _full_clean(instance, exclude: list[str]) -> None:
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# --- agents ---------------------------------------------------------------------------------

def _check_agent_fields(mode: str, credit_limit) -> Decimal:
    errors = {}
    if mode not in AgentMode.values:
        errors["mode"] = [_("Choose full platform or non-mall.")]
    try:
        limit = Decimal(str(credit_limit if credit_limit not in (None, "") else 0))
        if not limit.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["credit_limit"] = [_("Enter the credit limit as an amount, e.g. 50000.")]
        limit = Decimal(0)
    else:
        if limit < 0:
            errors["credit_limit"] = [_("A credit limit cannot be negative.")]
        elif limit >= Decimal("1e10"):
            errors["credit_limit"] = [_("This credit limit is too large.")]
    if errors:
        raise ValidationError(errors)
    return limit.quantize(Decimal("0.01"))


@transaction.atomic
def agent_register(*, actor, organization: Organization, status: str = AgentStatus.OPERATING,
                   mode: str = AgentMode.FULL_PLATFORM, credit_limit=0, notes: str = "") -> Agent:
    """The agent profile of an existing directory organisation of kind agent."""
    _same_tenant(actor, organization.tenant_id)
    _require(actor, "outreach.add_agent", organization)
    if organization.kind != OrganizationKind.AGENT:
        raise ValidationError({"organization": [_("Only an organisation of kind agent can be "
                                                  "registered as an agent.")]})
    if Agent.objects.filter(organization=organization).exists():
        raise ValidationError({"organization": [_("This organisation is already an agent.")]})
    if status not in AgentStatus.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    agent = Agent(tenant_id=organization.tenant_id, org_unit_id=organization.org_unit_id,
                  organization=organization, status=status, mode=mode,
                  credit_limit=_check_agent_fields(mode, credit_limit), notes=notes)
    agent.save()
    return agent


@transaction.atomic
def agent_create(*, actor, tenant: Tenant, org_unit, name: str, city: str = "",
                 province: str = "", landline: str = "", status: str = AgentStatus.OPERATING,
                 mode: str = AgentMode.FULL_PLATFORM, credit_limit=0, notes: str = "",
                 contact_name: str = "", contact_mobile: str = "") -> Agent:
    """A new agent: its directory organisation, an optional contact, and its profile."""
    _require(actor, "outreach.add_agent", org_unit)
    organization = directory.organization_create(
        actor=actor, tenant=tenant, org_unit=org_unit, kind=OrganizationKind.AGENT, name=name,
        city=city, province=province, landline=landline)
    if contact_name or contact_mobile:
        _add_contact(actor, organization, contact_name, contact_mobile, "")
    return agent_register(actor=actor, organization=organization, status=status, mode=mode,
                          credit_limit=credit_limit, notes=notes)


@transaction.atomic
def agent_update(*, actor, agent: Agent, mode=KEEP, credit_limit=KEEP, notes=KEEP) -> Agent:
    """Mode, credit limit and notes; the status changes only through ``agent_transition``."""
    _require(actor, "outreach.change_agent", agent)
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    new_mode = agent.mode if mode is KEEP else mode
    new_limit = agent.credit_limit if credit_limit is KEEP else credit_limit
    agent.credit_limit = _check_agent_fields(new_mode, new_limit)
    agent.mode = new_mode
    if notes is not KEEP:
        agent.notes = notes
    agent.save()
    return agent


@transaction.atomic
def agent_transition(*, actor, agent: Agent, status: str, note: str = "") -> Agent:
    """Move an agent to ``status`` if the status machine allows it (the one place a status
    changes); recorded as an event on the agent."""
    _require(actor, "outreach.change_agent", agent)
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    if status not in AgentStatus.values:
        raise ValidationError({"status": [_("Choose a status from the list.")]})
    if status == agent.status:
        raise ValidationError({"status": [_("The agent already has this status.")]})
    if status not in AGENT_TRANSITIONS[agent.status]:
        raise ValidationError({"status": [
            _("An agent cannot go from “%(old)s” to “%(new)s”.") % {
                "old": AgentStatus(agent.status).label, "new": AgentStatus(status).label}]})
    old = agent.status
    agent.status = status
    agent.save(update_fields=["status", "updated_at"])
    record_event(agent, "outreach.agent_status", actor=actor, old=old, new=status, note=note)
    return agent


@transaction.atomic
def agent_handover(*, actor, from_agent: Agent, to_agent: Agent, note: str = "") -> int:
    """Give every company of ``from_agent`` (watching, exiting or exited) to ``to_agent``
    (operating or partly operating): all of them or none. Each company's history records the
    change of agent; both agents get an event. Returns the number handed over."""
    _require(actor, "outreach.change_agent", from_agent)
    _require(actor, "outreach.change_agent", to_agent)
    agents = {a.pk: a for a in Agent.objects.select_for_update().select_related(
        "organization").filter(pk__in=[from_agent.pk, to_agent.pk])}
    source, target = agents.get(from_agent.pk), agents.get(to_agent.pk)
    if source is None or target is None or source.tenant_id != target.tenant_id:
        raise ValidationError({"to_agent": [_("Choose an agent of your own organisation.")]})
    if source.pk == target.pk:
        raise ValidationError({"to_agent": [_("Choose another agent to take the companies "
                                              "over.")]})
    if target.status == AgentStatus.IN_LITIGATION:
        raise ValidationError({"to_agent": [
            _("%(agent)s is in litigation with the platform and cannot take over companies.")
            % {"agent": target.organization.name}]})
    if target.status not in HANDOVER_TO:
        raise ValidationError({"to_agent": [
            _("Only an operating or partly operating agent can take over companies; "
              "%(agent)s is “%(status)s”.") % {"agent": target.organization.name,
                                               "status": AgentStatus(target.status).label}]})
    if source.status not in HANDOVER_FROM:
        raise ValidationError({"from_agent": [
            _("Only the companies of a watching, exiting or exited agent are handed over; "
              "%(agent)s is “%(status)s”.") % {"agent": source.organization.name,
                                               "status": AgentStatus(source.status).label}]})
    companies = list(Partner.objects.select_for_update().filter(agent=source).order_by("pk"))
    if not companies:
        raise ValidationError({"from_agent": [_("%(agent)s has no companies to hand over.")
                                              % {"agent": source.organization.name}]})
    for company in companies:
        _require(actor, "outreach.change_partner", company)
    for company in companies:  # one save each: every company's history shows the new agent
        company.agent = target
        company.save(update_fields=["agent", "updated_at"])
    data = {"from_agent": source.pk, "to_agent": target.pk, "companies": len(companies)}
    record_event(source, "outreach.agent_handover", actor=actor, old=source.organization.name,
                 new=target.organization.name, note=note, data=data)
    record_event(target, "outreach.agent_takeover", actor=actor, old=source.organization.name,
                 new=target.organization.name, note=note, data=data)
    return len(companies)


# --- partners -------------------------------------------------------------------------------

def _add_contact(actor, organization, name: str, mobile: str, landline: str) -> None:
    try:
        directory.contact_add(actor=actor, organization=organization,
                              name=name or organization.name, role=ContactRole.PERSON_IN_CHARGE,
                              mobile=mobile, landline=landline)
    except ValidationError as exc:
        raise ValidationError({f"contact_{k}": v for k, v in exc.error_dict.items()}) from exc


def _check_partner(partner: Partner, agent: Agent | None) -> None:
    errors: dict[str, list[str]] = {}
    if agent is not None and agent.tenant_id != partner.tenant_id:
        errors["agent"] = [_("Choose an agent of your own organisation.")]
    try:
        _full_clean(partner, exclude=["organization", "agent", "tenant", "org_unit"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def partner_register(*, actor, organization: Organization,
                     signing_status: str = SigningStatus.PROSPECTIVE, agent: Agent | None = None,
                     qualification: str = Qualification.NONE, households: int | None = None,
                     occupancy_rate=None, opted_out: bool = False) -> Partner:
    """The registry entry of an existing property company or management office."""
    _same_tenant(actor, organization.tenant_id)
    _require(actor, "outreach.add_partner", organization)
    if organization.kind not in PARTNER_KINDS:
        raise ValidationError({"organization": [_("Only property companies and management "
                                                  "offices are kept in the registry.")]})
    if Partner.objects.filter(organization=organization).exists():
        raise ValidationError({"organization": [_("This organisation is already in the "
                                                  "registry.")]})
    partner = Partner(tenant_id=organization.tenant_id, org_unit_id=organization.org_unit_id,
                      organization=organization, signing_status=signing_status, agent=agent,
                      qualification=qualification, households=households,
                      occupancy_rate=occupancy_rate, opted_out=opted_out)
    _check_partner(partner, agent)
    partner.save()
    return partner


@transaction.atomic
def partner_create(*, actor, tenant: Tenant, org_unit, kind: str, name: str, city: str = "",
                   province: str = "", address: str = "", landline: str = "", email: str = "",
                   parent: Organization | None = None,
                   signing_status: str = SigningStatus.PROSPECTIVE, agent: Agent | None = None,
                   qualification: str = Qualification.NONE, households: int | None = None,
                   occupancy_rate=None, opted_out: bool = False, contact_name: str = "",
                   contact_mobile: str = "", contact_landline: str = "") -> Partner:
    """A new company or office: its directory organisation, an optional contact (phones as
    E.164) and its registry entry, all or nothing."""
    _require(actor, "outreach.add_partner", org_unit)
    if kind not in PARTNER_KINDS:
        raise ValidationError({"kind": [_("Choose property company or management office.")]})
    organization = directory.organization_create(
        actor=actor, tenant=tenant, org_unit=org_unit, kind=kind, name=name, city=city,
        province=province, address=address, landline=landline, email=email, parent=parent)
    if contact_name or contact_mobile or contact_landline:
        _add_contact(actor, organization, contact_name, contact_mobile, contact_landline)
    return partner_register(actor=actor, organization=organization,
                            signing_status=signing_status, agent=agent,
                            qualification=qualification, households=households,
                            occupancy_rate=occupancy_rate, opted_out=opted_out)


@transaction.atomic
def partner_update(*, actor, partner: Partner, signing_status=KEEP, agent=KEEP,
                   qualification=KEEP, households=KEEP, occupancy_rate=KEEP,
                   opted_out=KEEP) -> Partner:
    _require(actor, "outreach.change_partner", partner)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    changes = {"signing_status": signing_status, "agent": agent, "qualification": qualification,
               "households": households, "occupancy_rate": occupancy_rate,
               "opted_out": opted_out}
    for name, value in changes.items():
        if value is not KEEP:
            setattr(partner, name, value)
    _check_partner(partner, partner.agent)
    partner.save()
    return partner


# --- saved filters --------------------------------------------------------------------------

def filter_params_clean(params: dict) -> dict:
    """The criteria of a saved filter, checked; ValidationError on "params" otherwise."""
    unknown = sorted(set(params) - FILTER_KEYS)
    errors = []
    if unknown:
        errors.append(_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(unknown)})
    clean = {}
    for key in ("households_min", "occupancy_min"):
        if params.get(key) not in (None, ""):
            try:
                clean[key] = int(params[key])
            except (TypeError, ValueError):
                errors.append(_("%(key)s must be a whole number.") % {"key": key})
    if params.get("signing_status"):
        if params["signing_status"] not in SigningStatus.values:
            errors.append(_("Unknown signing status."))
        clean["signing_status"] = params["signing_status"]
    qualifications = params.get("qualifications") or []
    if not isinstance(qualifications, list) or not set(qualifications) <= set(
            Qualification.values):
        errors.append(_("Unknown qualification."))
    elif qualifications:
        clean["qualifications"] = qualifications
    for key in ("city", "agent_status"):
        if params.get(key):
            clean[key] = str(params[key])[:50]
    if params.get("exclude_opted_out"):
        clean["exclude_opted_out"] = True
    if errors:
        raise ValidationError({"params": errors})
    return clean


@transaction.atomic
def partner_filter_save(*, actor, tenant: Tenant, code: str, name: str,
                        params: dict) -> PartnerFilter:
    """Save (or replace) the named selection ``code`` of the registry."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_partnerfilter", None)
    clean = filter_params_clean(params)
    saved = PartnerFilter.objects.filter(tenant=tenant, code=code).first()
    if saved is None:
        saved = PartnerFilter(tenant=tenant, code=code)
    saved.name, saved.params = name, clean
    _full_clean(saved, exclude=["tenant"])
    saved.save()
    return saved


def partner_filters_install(*, tenant: Tenant) -> None:
    """The built-in saved filters of a tenant ("quality unsigned"), if missing."""
    PartnerFilter.objects.get_or_create(
        tenant=tenant, code=QUALITY_UNSIGNED,
        defaults={"name": _("Quality unsigned"), "params": QUALITY_UNSIGNED_PARAMS})


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
SOURCE_KINDS = ("signed", "saved", "campaign", "empty")


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
    companies whose last outcome in a previous campaign is one of those; {"kind": "empty"}.
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
