"""Writes of the partner registry and the agents (OUT-1, OUT-4).

Companies, offices and agents are directory organisations, created and changed through the
directory's services (names get their pinyin keys, phones become E.164); outreach adds their
profiles. An agent's status changes only through ``agent_transition``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.tenancy import Tenant
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.models import Organization
from linli.directory.services import organizations as directory
from linli.directory.services.organizations import KEEP
from linli.outreach.choices import (
    QUALITY_UNSIGNED,
    QUALITY_UNSIGNED_PARAMS,
    AgentMode,
    AgentStatus,
    Qualification,
    SigningStatus,
)
from linli.outreach.models import Agent, Partner, PartnerFilter
from linli.outreach.services.shared import _check_move, _full_clean, _require, _same_tenant

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
    _check_move("status", AgentStatus, AGENT_TRANSITIONS, agent.status, status,
                unknown=_("Choose a status from the list."),
                same=_("The agent already has this status."),
                refused=_("An agent cannot go from “%(old)s” to “%(new)s”."))
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


@transaction.atomic
def partner_filter_delete(*, actor, saved: PartnerFilter) -> None:
    """Remove a saved filter; "quality unsigned" then falls back to its built-in criteria."""
    _same_tenant(actor, saved.tenant_id)
    _require(actor, "outreach.delete_partnerfilter", None)
    PartnerFilter.objects.filter(pk=saved.pk).delete()


def partner_filters_install(*, tenant: Tenant) -> None:
    """The built-in saved filters of a tenant ("quality unsigned"), if missing."""
    PartnerFilter.objects.get_or_create(
        tenant=tenant, code=QUALITY_UNSIGNED,
        defaults={"name": _("Quality unsigned"), "params": QUALITY_UNSIGNED_PARAMS})


