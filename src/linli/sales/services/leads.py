"""Writes of leads (SAL-1): registration from every channel with de-duplication against the
directory's people by phone, client ownership protection (判客) with disputes decided by the
sales manager, assignment rules, and the public pool.

``Lead.status`` and ``Lead.owner`` change only in ``lead_transition``, which locks the row, so
that of two reps claiming the same pooled lead at once only the first wins.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.notifications.services import notify
from linli.core.permissions import require_tenant
from linli.core.personal_data.phones import normalize_phone
from linli.directory.selectors.people import person_with_phone
from linli.directory.services.people import person_create
from linli.sales.models import (
    AssignmentRule,
    Lead,
    LeadPolicy,
    OwnershipDispute,
    SalesProject,
)
from linli.sales.services.shared import add_error, raise_errors, require
from linli.sales.states import (
    LEAD_OWNED,
    LEAD_TRANSITIONS,
    AssignmentMethod,
    DisputeStatus,
    LeadChannel,
    LeadStatus,
)

KEEP = object()
# Channels through which the registering rep meets the customer in person or on the phone:
# the customer is theirs. Leads of the other channels go through the assignment rules.
OWN_CHANNELS = frozenset({LeadChannel.WALK_IN, LeadChannel.PHONE, LeadChannel.REFERRAL})


def lead_policy(tenant_id: int) -> LeadPolicy:
    """The tenant's lead rules (the defaults when the tenant has not tuned them)."""
    return (LeadPolicy.objects.filter(tenant_id=tenant_id).first()
            or LeadPolicy(tenant_id=tenant_id))


def _today() -> dt.date:
    return timezone.localdate()


def _clean_phone(raw: str, errors: dict[str, list[str]]) -> str:
    if not (raw or "").strip():
        add_error(errors, "phone", _("Enter the customer's phone number."))
        return ""
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        for message in exc.messages:
            add_error(errors, "phone", message)
        return ""


def may_work_here(user, obj) -> bool:
    """Whether ``user`` is an active rep of the office ``obj`` belongs to."""
    return bool(user and user.is_active and user.has_perm("sales.work_lead", obj))


def protecting_lead(project: SalesProject, phone: str, *, now=None) -> Lead | None:
    """The lead that holds ``phone`` as a protected customer of ``project``: owned (by a rep
    or an agency) and worked within the tenant's protection period."""
    now = now or timezone.now()
    days = lead_policy(project.tenant_id).protection_days
    return (Lead.objects.filter(  # scoped-query-ok: protection holds across every office
        tenant_id=project.tenant_id, project=project, phone=phone, status__in=LEAD_OWNED,
        last_worked_at__gte=now - dt.timedelta(days=days))
        .filter(Q(owner__isnull=False) | Q(agency__isnull=False))
        .select_related("owner", "agency").order_by("created_at", "pk").first())


def _protected_message(lead: Lead, now) -> str:
    holder = str(lead.owner) if lead.owner_id else str(lead.agency)
    until = lead.last_worked_at + dt.timedelta(days=lead_policy(lead.tenant_id).protection_days)
    return _("This customer is protected: %(holder)s owns them until %(until)s. "
             "If you think the customer is yours, ask the sales manager to decide.") % {
        "holder": holder, "until": timezone.localtime(until).strftime("%Y-%m-%d")}


def _check_claim(project, phone, owner, agency, now) -> None:
    held = protecting_lead(project, phone, now=now)
    if held is None:
        return
    same_owner = owner is not None and held.owner_id == owner.pk
    same_agency = agency is not None and held.agency_id == agency.pk and held.owner_id is None
    if same_owner or same_agency:
        raise ValidationError({"phone": [_("This customer is already your lead.")]})
    raise ValidationError({"phone": [_protected_message(held, now)]})


def _rule_for(project: SalesProject, channel: str, is_vip: bool) -> AssignmentRule | None:
    today = _today()
    rules = (AssignmentRule.objects.select_for_update()
             .filter(project=project, valid_from__lte=today)
             .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
             .filter(Q(channel="") | Q(channel=channel)))
    if not is_vip:
        rules = rules.filter(for_vip=False)
    ranked = sorted(rules, key=lambda r: (not r.for_vip, not r.channel, r.position, r.pk))
    return ranked[0] if ranked else None


def assignee_for(project: SalesProject, channel: str, is_vip: bool):
    """The rep the assignment rules give a new lead to, or None (the lead waits unowned)."""
    rule = _rule_for(project, channel, is_vip)
    if rule is None:
        return None
    if rule.method == AssignmentMethod.MANAGER:
        return rule.manager if rule.manager and rule.manager.is_active else None
    reps = [r for r in rule.reps.filter(is_active=True).order_by("pk")]
    if not reps:
        return None
    if rule.method == AssignmentMethod.ROUND_ROBIN:
        after = [r for r in reps if rule.last_rep_id is not None and r.pk > rule.last_rep_id]
        chosen = (after or reps)[0]
        rule.last_rep = chosen
        rule.save(update_fields=["last_rep", "updated_at"])
        return chosen
    open_counts = dict(
        Lead.objects.filter(project=project, owner__in=reps,
                            status__in=(LeadStatus.NEW, LeadStatus.WORKING))
        .values_list("owner").annotate(n=Count("pk")).values_list("owner", "n"))
    free = [(rule.capacity - open_counts.get(r.pk, 0), -r.pk, r) for r in reps]
    best = max(free, key=lambda item: item[:2])
    return best[2] if best[0] > 0 else None


@transaction.atomic
def lead_create(*, actor, project: SalesProject, name: str, phone: str, channel: str,
                source: str = "", agency=None, is_vip: bool = False, needs: str = "",
                owner=None) -> Lead:
    """Register a lead of ``project``. The customer is the directory person with this phone
    (a new person when nobody has it). Who owns the lead: ``owner`` when given (a rep of the
    project's office), else the registering rep for walk-in, phone and referral leads, else the
    assignment rules. A customer protected for somebody else is refused, naming the holder.
    """
    require(actor, "sales.add_lead", project)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    number = _clean_phone(phone, errors)
    name = (name or "").strip()
    if channel not in LeadChannel.values:
        add_error(errors, "channel", _("Choose a valid channel."))
    if channel == LeadChannel.AGENCY and agency is None:
        add_error(errors, "agency", _("Choose the agency that brought the customer."))
    if agency is not None and agency.tenant_id != project.tenant_id:
        add_error(errors, "agency", _("Choose an agency of your own organisation."))
    if owner is not None and not may_work_here(owner, project):
        add_error(errors, "owner", _("%(user)s is not a sales rep of this project's office.")
                  % {"user": owner})
    raise_errors(errors)
    person = person_with_phone(project.tenant_id, number)
    if person is None and not name:
        raise ValidationError({"name": [_("Enter the customer's name.")]})
    if owner is None and channel in OWN_CHANNELS and may_work_here(actor, project):
        owner = actor
    if owner is None and channel != LeadChannel.AGENCY:
        owner = assignee_for(project, channel, is_vip)
    _check_claim(project, number, owner, agency if owner is None else None, now)
    if person is None:
        person = person_create(actor=None, tenant=project.tenant, org_unit=project.org_unit,
                               name=name, phones=[number])
    lead = Lead.objects.create(
        tenant_id=project.tenant_id, org_unit_id=project.org_unit_id, project=project,
        person=person, phone=number, channel=channel, source=(source or "").strip()[:200],
        agency=agency, is_vip=is_vip, needs=needs or "", owner=owner, last_worked_at=now,
        status=LeadStatus.WORKING if owner else LeadStatus.NEW,
        created_by=actor if actor is not None and actor.is_authenticated else None)
    record_event(lead, "lead.created", actor=actor, new=LeadChannel(channel).label,
                 note=str(owner) if owner else "")
    if owner is not None and owner != actor:
        _tell(owner, lead, actor)
    return lead


def _tell(user, lead: Lead, actor) -> None:
    notify(tenant=lead.tenant_id, event="sales.lead_assigned", recipients=[user],
           context={"customer": lead.person.name, "project": lead.project.name,
                    "url": f"/sales/leads/{lead.pk}/"}, actor=actor)


@transaction.atomic
def lead_transition(*, actor, lead: Lead, to: str, owner=KEEP, note: str = "",
                    verb: str = "lead.status_changed") -> Lead:
    """Move ``lead`` to status ``to`` along ``states.LEAD_TRANSITIONS`` (and give it to
    ``owner`` when given) — the only writer of ``Lead.status`` and ``Lead.owner``."""
    if to not in LeadStatus.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    old = locked.status
    if to != old and to not in LEAD_TRANSITIONS[old]:
        raise ValidationError({"status": [
            _("The lead is %(old)s; it cannot become %(new)s.") % {
                "old": LeadStatus(old).label, "new": LeadStatus(to).label}]})
    fields = ["status", "last_worked_at", "updated_at"]
    old_owner = locked.owner
    locked.status = to
    locked.last_worked_at = timezone.now()
    if owner is not KEEP:
        locked.owner = owner
        fields.append("owner")
    locked.save(update_fields=fields)
    for field in ("status", "owner_id", "last_worked_at"):
        setattr(lead, field, getattr(locked, field))
    record_event(locked, verb, actor=actor, old=LeadStatus(old).label,
                 new=LeadStatus(to).label, note=note,
                 data={"from": old, "to": to, "owner_from": getattr(old_owner, "pk", None),
                       "owner_to": locked.owner_id})
    return lead


def _require_office_rep(actor, lead: Lead) -> None:
    if actor is not None and not may_work_here(actor, lead):
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def lead_work(*, actor, lead: Lead, note: str) -> Lead:
    """A follow-up on the lead by its owner: keeps the customer protected."""
    _require_office_rep(actor, lead)
    if actor is not None and lead.owner_id != actor.pk:
        raise ValidationError({"note": [_("Only the owner of the lead records work on it.")]})
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say what was done.")]})
    to = LeadStatus.WORKING if lead.status == LeadStatus.NEW else lead.status
    if to not in (LeadStatus.WORKING,):
        raise ValidationError({"note": [_("The lead is %(status)s; it is not worked any more.")
                                        % {"status": lead.get_status_display()}]})
    return lead_transition(actor=actor, lead=lead, to=to, note=note.strip()[:300],
                           verb="lead.worked")


@transaction.atomic
def lead_claim(*, actor, lead: Lead) -> Lead:
    """A rep of the office takes a lead of the public pool (or an unowned new lead)."""
    _require_office_rep(actor, lead)
    locked = Lead.objects.select_for_update().get(pk=lead.pk)
    if locked.owner_id is not None or locked.status not in (LeadStatus.POOLED, LeadStatus.NEW):
        raise ValidationError({"lead": [_("This lead is not free to claim: %(owner)s has it.")
                                        % {"owner": locked.owner or _("somebody")}]})
    return lead_transition(actor=actor, lead=lead, to=LeadStatus.WORKING, owner=actor,
                           verb="lead.claimed")


@transaction.atomic
def lead_assign(*, actor, lead: Lead, rep) -> Lead:
    """The sales manager gives a lead to a rep of its office."""
    require(actor, "sales.decide_lead", lead)
    if rep is None or not may_work_here(rep, lead):
        raise ValidationError({"rep": [_("%(user)s is not a sales rep of this lead's office.")
                                       % {"user": rep or "—"}]})
    if lead.status in (LeadStatus.CONVERTED, LeadStatus.CLOSED):
        raise ValidationError({"rep": [_("The lead is %(status)s; it cannot be reassigned.")
                                       % {"status": lead.get_status_display()}]})
    lead_transition(actor=actor, lead=lead, to=LeadStatus.WORKING, owner=rep,
                    note=str(rep), verb="lead.assigned")
    _tell(rep, lead, actor)
    return lead


@transaction.atomic
def lead_close(*, actor, lead: Lead, note: str) -> Lead:
    """Close a lead that is not a real customer (wrong number, not interested)."""
    require(actor, "sales.change_lead", lead)
    if actor is not None and lead.owner_id not in (None, actor.pk) and not actor.has_perm(
            "sales.decide_lead", lead):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say why the lead is closed.")]})
    return lead_transition(actor=actor, lead=lead, to=LeadStatus.CLOSED, note=note[:300])


# --- disputes over protected customers (判客) -----------------------------------------------

def _managers(lead: Lead) -> list:
    from linli.sales.selectors import lead_managers

    return lead_managers(lead)


@transaction.atomic
def dispute_open(*, actor, project: SalesProject, phone: str, reason: str) -> OwnershipDispute:
    """A rep whose claim was refused takes it to the sales manager."""
    _require_office_rep(actor, project)
    errors: dict[str, list[str]] = {}
    number = _clean_phone(phone, errors)
    if not (reason or "").strip():
        add_error(errors, "reason", _("Say why the customer is yours."))
    raise_errors(errors)
    held = protecting_lead(project, number)
    if held is None:
        raise ValidationError({"phone": [_("This customer is not protected; register the "
                                           "lead instead.")]})
    if held.owner_id == actor.pk:
        raise ValidationError({"phone": [_("This customer is already your lead.")]})
    if held.disputes.filter(claimant=actor, status=DisputeStatus.PENDING).exists():
        raise ValidationError({"phone": [_("Your dispute over this customer is already "
                                           "waiting for the manager.")]})
    dispute = OwnershipDispute.objects.create(
        tenant_id=held.tenant_id, org_unit_id=held.org_unit_id, lead=held, claimant=actor,
        owner=held.owner, reason=reason.strip()[:500])
    record_event(held, "lead.disputed", actor=actor, note=dispute.reason)
    managers = _managers(held)
    if managers:
        notify(tenant=held.tenant_id, event="sales.lead_disputed", recipients=managers,
               context={"customer": held.person.name, "claimant": str(actor),
                        "url": "/sales/disputes/"}, actor=actor)
    return dispute


@transaction.atomic
def dispute_decide(*, actor, dispute: OwnershipDispute, transfer: bool,
                   note: str = "") -> OwnershipDispute:
    """The sales manager keeps the customer with its owner or gives it to the claimant."""
    require(actor, "sales.decide_lead", dispute)
    locked = OwnershipDispute.objects.select_for_update().get(pk=dispute.pk)
    if locked.status != DisputeStatus.PENDING:
        raise ValidationError({"decision": [_("This dispute has already been decided.")]})
    lead = locked.lead
    if transfer:
        if not may_work_here(locked.claimant, lead):
            raise ValidationError({"decision": [
                _("%(user)s is not a sales rep of this lead's office.")
                % {"user": locked.claimant}]})
        if lead.status == LeadStatus.CONVERTED:
            raise ValidationError({"decision": [
                _("The lead is already an opportunity; reassign the opportunity instead.")]})
        lead_transition(actor=actor, lead=lead, to=LeadStatus.WORKING,
                        owner=locked.claimant, note=note[:300], verb="lead.dispute_transferred")
    else:
        record_event(lead, "lead.dispute_kept", actor=actor, note=note[:300])
    locked.status = DisputeStatus.TRANSFERRED if transfer else DisputeStatus.KEPT
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = (note or "")[:500]
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note",
                               "updated_at"])
    dispute.status = locked.status
    return locked


# --- the public pool ------------------------------------------------------------------------

def pool_unworked(*, now=None) -> int:
    """Move every lead not worked within its tenant's pool period to the public pool, each
    through ``lead_transition`` (the Celery beat task calls this). Returns how many moved."""
    now = now or timezone.now()
    moved = 0
    days = dict(LeadPolicy.objects.values_list("tenant_id", "pool_after_days"))
    default = LeadPolicy._meta.get_field("pool_after_days").default
    stale = (Lead.objects  # scoped-query-ok: the system job walks every tenant
             .filter(status__in=(LeadStatus.NEW, LeadStatus.WORKING),
                     last_worked_at__lt=now - dt.timedelta(days=min([default, *days.values()])))
             .only("pk", "tenant_id", "last_worked_at", "status").order_by("pk"))
    for lead in stale.iterator():
        if lead.last_worked_at >= now - dt.timedelta(days=days.get(lead.tenant_id, default)):
            continue
        try:
            lead_transition(actor=None, lead=lead, to=LeadStatus.POOLED, owner=None,
                            verb="lead.pooled")
        except ValidationError:
            continue  # moved on by somebody in the meantime
        moved += 1
    return moved


# --- the tenant's lead rules ----------------------------------------------------------------

@transaction.atomic
def lead_policy_save(*, actor, tenant, protection_days: int, pool_after_days: int) -> LeadPolicy:
    """Set the tenant's protection period and pool period (days)."""
    require_tenant(actor, tenant.pk)
    require(actor, "sales.change_leadpolicy")
    errors: dict[str, list[str]] = {}
    for field, value in (("protection_days", protection_days),
                         ("pool_after_days", pool_after_days)):
        if value is None or not 1 <= value <= 365:
            add_error(errors, field, _("Enter a number of days between 1 and 365."))
    raise_errors(errors)
    policy, _created = LeadPolicy.objects.select_for_update().get_or_create(tenant=tenant)
    policy.protection_days, policy.pool_after_days = protection_days, pool_after_days
    policy.save()
    return policy


def _rule_checks(project: SalesProject, *, name: str, method: str, valid_from, valid_to,
                 channel: str, reps: list, manager, capacity: int) -> str:
    """Check an assignment rule's fields; the cleaned name."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()[:100]
    if not name:
        add_error(errors, "name", _("Enter a name."))
    if method not in AssignmentMethod.values:
        add_error(errors, "method", _("Choose a valid method."))
    if channel and channel not in LeadChannel.values:
        add_error(errors, "channel", _("Choose a valid channel."))
    if valid_from is None:
        add_error(errors, "valid_from", _("Enter the first day of the rule."))
    elif valid_to is not None and valid_to < valid_from:
        add_error(errors, "valid_to", _("The last day cannot be before the first."))
    if not 1 <= (capacity or 0) <= 1000:
        add_error(errors, "capacity", _("Enter between 1 and 1000 leads."))
    if method == AssignmentMethod.MANAGER and manager is None:
        add_error(errors, "manager", _("Choose the business manager."))
    if method in (AssignmentMethod.ROUND_ROBIN, AssignmentMethod.CAPACITY) and not reps:
        add_error(errors, "reps", _("Choose the reps who share the leads."))
    strangers = [str(u) for u in [*reps, *([manager] if manager else [])]
                 if not may_work_here(u, project)]
    if strangers:
        add_error(errors, "reps", _("Not sales reps of this project's office: %(users)s")
                  % {"users": ", ".join(strangers)})
    raise_errors(errors)
    return name


@transaction.atomic
def assignment_rule_create(*, actor, project: SalesProject, name: str, method: str,
                           valid_from, valid_to=None, channel: str = "", for_vip: bool = False,
                           reps=(), manager=None, capacity: int = 50,
                           position: int = 0) -> AssignmentRule:
    """A new assignment rule of ``project``; its reps and manager work in the project's
    office."""
    require(actor, "sales.add_assignmentrule", project)
    reps = list(reps or [])
    name = _rule_checks(project, name=name, method=method, valid_from=valid_from,
                        valid_to=valid_to, channel=channel, reps=reps, manager=manager,
                        capacity=capacity)
    rule = AssignmentRule.objects.create(
        tenant_id=project.tenant_id, org_unit_id=project.org_unit_id, project=project,
        name=name, method=method, channel=channel or "", for_vip=for_vip, manager=manager,
        capacity=capacity, position=position, valid_from=valid_from, valid_to=valid_to)
    rule.reps.set(reps)
    return rule


@transaction.atomic
def assignment_rule_update(*, actor, rule: AssignmentRule, name: str, method: str,
                           valid_from, valid_to=None, channel: str = "", for_vip: bool = False,
                           reps=(), manager=None, capacity: int = 50,
                           position: int = 0) -> AssignmentRule:
    """Change an assignment rule of its project (the same checks as a new one); leads already
    assigned keep their owner. To stop a rule, give it a last day."""
    require(actor, "sales.change_assignmentrule", rule)
    locked = AssignmentRule.objects.select_for_update().select_related("project").get(
        pk=rule.pk)
    reps = list(reps or [])
    name = _rule_checks(locked.project, name=name, method=method, valid_from=valid_from,
                        valid_to=valid_to, channel=channel, reps=reps, manager=manager,
                        capacity=capacity)
    changes = {"name": name, "method": method, "channel": channel or "", "for_vip": for_vip,
               "manager": manager, "capacity": capacity, "position": position,
               "valid_from": valid_from, "valid_to": valid_to}
    for field, value in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*changes, "updated_at"])
    locked.reps.set(reps)
    record_event(locked, "assignment_rule.changed", actor=actor, note=name)
    return locked
