"""Intake (SVC-1, SVC-2, SVC-9, SVC-10): the contact log, registering a work order with the
"five clears", its priority, service level, clocks and route, the repeat-complaint rule, and
quarantine of orders from contacts nobody has identified yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import OrgUnit, User
from linli.core.events import DomainEvent, event_for, record_events
from linli.core.personal_data.phones import normalize_phone
from linli.directory.models import Building, Community, Person, Unit
from linli.servicedesk import selectors
from linli.servicedesk.choices import (
    SELF_SERVICE_CHANNELS,
    Area,
    ClockKind,
    ComplaintSubject,
    ContactChannel,
    ContactDirection,
    IntakeChannel,
    Level,
    OrderType,
    Priority,
    ReviewStatus,
    Severity,
)
from linli.servicedesk.models import Category, ContactLog, WorkOrder
from linli.servicedesk.services import clusters, shared
from linli.servicedesk.services.lifecycle import (
    Change,
    announce_dispatch,
    default_handler,
    hand_over,
    hand_over_fields,
    transition,
)
from linli.servicedesk.states import Action, Status


def new_order_number(tenant_id: int, now: dt.datetime) -> str:
    return shared.next_number(tenant_id, now)


def _choice(value, choices, field: str, errors: dict, message: str, *, blank_ok=False) -> str:
    value = getattr(value, "value", value) or ""
    if value == "" and blank_ok:
        return ""
    if value not in choices.values:
        errors.setdefault(field, []).append(message)
    return value


def _phone(value: str, errors: dict, field: str = "caller_phone") -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return value


def _same_tenant(obj, tenant_id: int, field: str, errors: dict, message: str):
    if obj is not None and obj.tenant_id != tenant_id:
        errors.setdefault(field, []).append(message)
        return None
    return obj


def _place(community, building, unit, errors: dict):
    """The building follows from the unit; each must belong to the community."""
    if unit is not None:
        if unit.community_id != community.pk:
            errors.setdefault("unit", []).append(_("This unit is not in the chosen community."))
            return building
        building = building or unit.building
        if building is not None and unit.building_id != building.pk:
            errors.setdefault("unit", []).append(_("This unit is not in the chosen building."))
    if building is not None and building.community_id != community.pk:
        errors.setdefault("building", []).append(
            _("This building is not in the chosen community."))
    return building


def work_order_create(
    *, actor, community: Community, order_type: str, summary: str,
    category: Category | None = None, area: str = Area.PRIVATE_UNIT,
    channel: str = IntakeChannel.PHONE, building: Building | None = None,
    unit: Unit | None = None, person: Person | None = None, caller_name: str = "",
    caller_phone: str = "", location: str = "", description: str = "", since: str = "",
    urgency: str = Level.MEDIUM, impact: str = Level.LOW, severity: str = "",
    complaint_subject: str = "", is_sensitive: bool = False,
    contact_log: ContactLog | None = None, now: dt.datetime | None = None,
    cluster_parent: WorkOrder | None = None,
) -> WorkOrder:
    """Register an order: priority from urgency × impact (or the category), the service level
    and its clocks, the repeat-complaint rule, quarantine, and the route (SVC-4); with
    ``cluster_parent``, linked to that incident (SVC-11) — or not registered at all when the
    link is refused."""
    errors: dict[str, list[str]] = {}
    if not isinstance(community, Community):
        raise shared.invalid("community", _("Choose a community."))
    tenant_id = community.tenant_id
    if actor is not None and actor.tenant_id != tenant_id:
        raise shared.invalid("community", _("Choose a community you manage."))
    shared.require_any(actor, ("add_workorder",), community)
    order_type = _choice(order_type, OrderType, "order_type", errors, _("Choose the type."))
    area = _choice(area, Area, "area", errors, _("Choose the area."))
    channel = _choice(channel, IntakeChannel, "channel", errors, _("Choose the channel."))
    urgency = _choice(urgency, Level, "urgency", errors, _("Choose the urgency."))
    impact = _choice(impact, Level, "impact", errors, _("Choose the impact."))
    severity = _choice(severity, Severity, "severity", errors, _("Choose the severity."),
                       blank_ok=True)
    complaint_subject = _choice(complaint_subject, ComplaintSubject, "complaint_subject",
                                errors, _("Choose what the complaint is about."), blank_ok=True)
    summary = (summary or "").strip()
    if not summary:
        errors.setdefault("summary", []).append(_("Say in a few words what the caller needs."))
    elif len(summary) > 200:
        errors.setdefault("summary", []).append(_("Keep the summary within 200 characters."))
    category = _same_tenant(category, tenant_id, "category", errors, _("Choose a category."))
    if category is not None and category.order_type != order_type:
        errors.setdefault("category", []).append(
            _("This category belongs to another order type."))
    building = _same_tenant(building, tenant_id, "building", errors,
                            _("Choose a building of your communities."))
    unit = _same_tenant(unit, tenant_id, "unit", errors,
                        _("This unit belongs to another company's community; choose a unit of "
                          "your own."))
    person = _same_tenant(person, tenant_id, "person", errors, _("Choose a person you manage."))
    building = _place(community, building, unit, errors)
    caller_phone = _phone(caller_phone, errors)
    if order_type != OrderType.COMPLAINT:
        for field_name, value in (("severity", severity), ("complaint_subject", complaint_subject),
                                  ("is_sensitive", is_sensitive)):
            if value:
                errors.setdefault(field_name, []).append(_("This is only for complaints."))
    if order_type == OrderType.COMPLAINT and not severity:
        severity = Severity.MINOR
    if order_type == OrderType.COMPLAINT and not complaint_subject:
        complaint_subject = ComplaintSubject.PROPERTY_SERVICE
    for field_name, value, limit in (("caller_name", caller_name, 100), ("location", location, 200),
                                     ("since", since, 100)):
        if len((value or "").strip()) > limit:
            errors.setdefault(field_name, []).append(
                _("Keep this within %(limit)d characters.") % {"limit": limit})
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    with transaction.atomic():
        policy = selectors.desk_policy(tenant_id)
        order = WorkOrder(
            tenant_id=tenant_id, org_unit_id=community.org_unit_id, order_type=order_type,
            category=category, area=area, channel=channel, community=community,
            building=building, unit=unit, person=person,
            caller_name=(caller_name or (person.name if person else "")).strip(),
            caller_phone=caller_phone, location=(location or "").strip(), summary=summary,
            description=(description or "").strip(), since=(since or "").strip(),
            urgency=urgency, impact=impact, severity=severity,
            complaint_subject=complaint_subject, is_sensitive=bool(is_sensitive),
            review_status=ReviewStatus.PENDING if is_sensitive else ReviewStatus.NOT_NEEDED,
            registered_by=actor if getattr(actor, "pk", None) else None,
        )
        order.created_at = now
        order.priority = selectors.priority_for(tenant_id, urgency, impact, now.date())
        if category is not None and category.default_priority:
            order.priority = min(order.priority, category.default_priority)
        earlier = None
        if order_type == OrderType.COMPLAINT:
            earlier = selectors.recent_complaint(order, policy.repeat_complaint_hours)
            order.is_formal = earlier is not None
            if order.is_formal:
                order.priority = min(order.priority, Priority.P2)
            if complaint_subject == ComplaintSubject.HOUSING_QUALITY:
                order.responsible_party = community.developer
        order.service_level = selectors.service_level_for(
            tenant_id, order_type=order_type, priority=order.priority, category=category,
            formal=order.is_formal, day=timezone.localtime(now).date())
        quarantine = person is None and (channel in SELF_SERVICE_CHANNELS
                                         or (area == Area.PRIVATE_UNIT and unit is None))
        order.status = Status.QUARANTINED if quarantine else Status.NEW
        order.verified_at = None if quarantine else now
        order.number = new_order_number(tenant_id, now)
        # The route is decided before the order is written, so that the order is written once,
        # already with its handler, and its dispatch clock starts met.
        plan = None if quarantine else _route_plan(order, now)
        handed = plan is not None and plan.handler is not None
        if handed:
            hand_over_fields(order, department=plan.department, handler=plan.handler,
                             team=plan.team)
        order.save()
        if not quarantine or policy.quarantine_clocks_from_intake:
            shared.start_clocks(order, now, met=(ClockKind.DISPATCH,) if handed else ())
        events = [event_for(order, "work_order.registered", actor=actor,
                            new=Status(order.status).label,
                            data={"priority": order.priority, "channel": channel})]
        if contact_log is not None:
            contact_log.work_order = order
            contact_log.save(update_fields=["work_order"])
        if order.is_formal:
            events.append(event_for(
                order, "work_order.formal_complaint", actor=actor, old=earlier.number,
                note=_("Second complaint within %(hours)d hours.")
                % {"hours": policy.repeat_complaint_hours}))
        if plan is not None:
            events.append(plan.event(order, actor))
        record_events(events)
        # The complainant hears of the registration first, then of the department.
        shared.tell_complainant(order, "registered", actor=actor)
        if handed:
            announce_dispatch(order, actor)
        _alert_if_major(order, actor)
        if cluster_parent is not None:
            clusters.link(order, cluster_parent, actor=actor)
    return order


def _alert_if_major(order: WorkOrder, actor) -> None:
    """Major and critical complaints, and formal ones, reach the company's managers at once."""
    if order.order_type != OrderType.COMPLAINT:
        return
    if order.severity in (Severity.MAJOR, Severity.CRITICAL) or order.is_formal:
        shared.tell_users(order, "servicedesk.major_complaint", shared.managers_of(order),
                          actor=actor, severity=Severity(order.severity).label,
                          formal=order.is_formal)


@dataclass
class RoutePlan:
    """What the routing rules make of an order: its department and handler, or why it waits
    in the dispatcher queue (``handler`` None)."""

    department: OrgUnit | None = None
    team: OrgUnit | None = None
    handler: User | None = None
    rule_id: int | None = None

    def event(self, order: WorkOrder, actor) -> DomainEvent:
        if self.department is None:
            return event_for(order, "work_order.unrouted", actor=actor, note=_(
                "No routing rule matched; the order waits in the dispatcher queue."))
        if self.handler is None:
            return event_for(order, "work_order.unrouted", actor=actor,
                             new=str(self.department),
                             note=_("The department has nobody to hand the order to."))
        return event_for(order, "work_order.routed", actor=actor,
                         new=f"{self.department} · {self.handler}", data={"rule": self.rule_id})


def _route_plan(order: WorkOrder, now: dt.datetime) -> RoutePlan:
    found = selectors.route_for(order, timezone.localtime(now).date())
    if found is None:
        return RoutePlan()
    handler = default_handler(order, found.department, team=found.team,
                              housekeeper=found.rule.to_housekeeper)
    return RoutePlan(department=found.department, team=found.team, handler=handler,
                     rule_id=found.rule.pk)


def route(order: WorkOrder, *, actor, now: dt.datetime) -> bool:
    """Apply the routing rules to a written order (one leaving quarantine): hand it to the
    matched department's handler — with the same notices as a dispatch — or leave it in the
    dispatcher queue (recorded either way)."""
    plan = _route_plan(order, now)
    if plan.handler is not None:
        fields = hand_over(order, now, department=plan.department, handler=plan.handler,
                           team=plan.team)
        order.save(update_fields=sorted(fields))
    plan.event(order, actor).save(force_insert=True)
    if plan.handler is None:
        return False
    announce_dispatch(order, actor)
    return True


def work_order_verify(order: WorkOrder, *, actor, person: Person, unit: Unit | None = None
                      ) -> WorkOrder:
    """Identify a quarantined order's contact: it leaves quarantine, its clocks start (unless
    they ran from intake) and it is routed."""
    def apply(locked, now):
        errors: dict[str, list[str]] = {}
        who = _same_tenant(person, locked.tenant_id, "person", errors,
                           _("Choose a person you manage."))
        if who is None and "person" not in errors:
            errors["person"] = [_("Choose the person who asked.")]
        place = _same_tenant(unit, locked.tenant_id, "unit", errors,
                             _("Choose a unit of your own communities."))
        if place is None and locked.area == Area.PRIVATE_UNIT and locked.unit_id is None:
            errors.setdefault("unit", []).append(_("Choose the unit the order is about."))
        if place is not None and place.community_id != locked.community_id:
            errors.setdefault("unit", []).append(_("This unit is not in the order's community."))
        if errors:
            raise ValidationError(errors)
        locked.person = who
        if place is not None:
            locked.unit, locked.building = place, place.building
        if not locked.caller_name:
            locked.caller_name = who.name
        locked.verified_at = now
        if not locked.clocks.exists():
            shared.start_clocks(locked, now)
        return Change(fields={"person", "unit", "building", "caller_name", "verified_at"},
                      new=str(who),
                      after=[lambda o: route(o, actor=actor, now=now)])
    return transition(order, Action.VERIFY, actor=actor, apply=apply)


def contact_log_create(
    *, actor, content: str, direction: str = ContactDirection.INBOUND,
    channel: str = ContactChannel.PHONE, community: Community | None = None,
    unit: Unit | None = None, person: Person | None = None, caller_name: str = "",
    caller_phone: str = "", follow_up: str = "", occurred_at: dt.datetime | None = None,
    org_unit=None,
) -> ContactLog:
    """Log one call or visit (SVC-1), whether or not an order comes of it."""
    errors: dict[str, list[str]] = {}
    owner = actor or community or unit or org_unit
    if owner is None:
        raise shared.invalid("community", _("Choose the community the call concerns."))
    tenant_id = owner.tenant_id
    direction = _choice(direction, ContactDirection, "direction", errors,
                        _("Choose inbound or outbound."))
    channel = _choice(channel, ContactChannel, "channel", errors, _("Choose the channel."))
    content = (content or "").strip()
    if not content:
        errors.setdefault("content", []).append(_("Note what the call or visit was about."))
    community = _same_tenant(community, tenant_id, "community", errors,
                             _("Choose a community you manage."))
    unit = _same_tenant(unit, tenant_id, "unit", errors,
                        _("Choose a unit of your own communities."))
    person = _same_tenant(person, tenant_id, "person", errors, _("Choose a person you manage."))
    if unit is not None and community is not None and unit.community_id != community.pk:
        errors.setdefault("unit", []).append(_("This unit is not in the chosen community."))
    community = community or (unit.community if unit is not None else None)
    caller_phone = _phone(caller_phone, errors)
    owner_unit = community.org_unit if community is not None else org_unit
    if owner_unit is None and actor is not None:
        first = actor.memberships.select_related("org_unit").order_by("pk").first()
        owner_unit = first.org_unit if first is not None else None
    if owner_unit is None:
        errors.setdefault("community", []).append(_("Choose the community the call concerns."))
    if occurred_at is not None and timezone.is_naive(occurred_at):
        errors.setdefault("occurred_at", []).append(_("Enter a date and time."))
    if errors:
        raise ValidationError(errors)
    shared.require_any(actor, ("add_contactlog",), owner_unit)
    entry = ContactLog(
        tenant_id=tenant_id, org_unit=owner_unit, direction=direction, channel=channel,
        occurred_at=occurred_at or timezone.now(), community=community, unit=unit,
        person=person, caller_name=(caller_name or (person.name if person else "")).strip()[:100],
        caller_phone=caller_phone, content=content, follow_up=(follow_up or "").strip()[:200],
        handled_by=actor if getattr(actor, "pk", None) else None,
    )
    entry.save()
    return entry
