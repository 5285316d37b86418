"""The desk's configuration as data (SVC-2 … SVC-4): the seed service levels, priority matrix,
category tree and routing of the source procedures, installed per tenant, and the writers an
administrator uses to tune them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.models import OrgUnit
from linli.servicedesk import selectors
from linli.servicedesk.choices import Area, ClockKind, ClockUnit, Level, OrderType, Priority
from linli.servicedesk.models import (
    Category,
    DeskPolicy,
    PriorityRule,
    RoutingRule,
    ServiceClock,
    ServiceLevel,
)
from linli.servicedesk.selectors import DEFAULT_MATRIX
from linli.servicedesk.services import shared

M, C = ClockUnit.CALENDAR_MINUTES, ClockUnit.CALENDAR_HOURS
B, W = ClockUnit.BUSINESS_HOURS, ClockUnit.WORKING_DAYS
R, D, S, F = ClockKind.RESPONSE, ClockKind.DISPATCH, ClockKind.ON_SITE, ClockKind.RESOLUTION

# (code, name, order type, priority, formal, clocks) — the seed levels of the procedures:
# urgent 1 h transfer / 4 h feedback, important 2 h / 14 h, secondary 3 h / 30 h, general
# 60 h / 144 h; urgent repair 20 min on site / 8 h fixed; consultation 3 working days,
# complaint 7 working days.
SEED_LEVELS = [
    ("urgent", "紧急", "", Priority.P1, False, [(R, "30", M), (D, "1", C), (F, "4", C)]),
    ("important", "重要", "", Priority.P2, False, [(R, "1", C), (D, "2", C), (F, "14", C)]),
    ("secondary", "次要", "", Priority.P3, False, [(R, "2", C), (D, "3", C), (F, "30", C)]),
    ("general", "一般", "", Priority.P4, False, [(R, "8", B), (D, "60", C), (F, "144", C)]),
    ("low", "低", "", Priority.P5, False, [(D, "60", C), (F, "144", C)]),
    ("urgent-repair", "紧急维修", OrderType.REPAIR, Priority.P1, False,
     [(R, "10", M), (D, "10", M), (S, "20", M), (F, "8", C)]),
    ("consultation", "咨询", OrderType.CONSULTATION, "", False, [(R, "2", B), (F, "3", W)]),
    ("complaint", "投诉", OrderType.COMPLAINT, "", False,
     [(R, "2", B), (D, "4", B), (F, "7", W)]),
    ("formal-complaint", "申告", OrderType.COMPLAINT, "", True,
     [(R, "1", C), (D, "2", C), (F, "3", W)]),
]

# (order type, path of names, default priority, default area, department key)
SEED_CATEGORIES = [
    (OrderType.REPAIR, ("水电", "漏水"), Priority.P2, Area.PRIVATE_UNIT, "engineering"),
    (OrderType.REPAIR, ("水电", "停水"), Priority.P1, Area.PUBLIC_FACILITY, "engineering"),
    (OrderType.REPAIR, ("水电", "电路故障"), "", Area.PRIVATE_UNIT, "engineering"),
    (OrderType.REPAIR, ("门窗",), "", Area.PRIVATE_UNIT, "engineering"),
    (OrderType.REPAIR, ("电梯",), Priority.P2, Area.PUBLIC_FACILITY, "engineering"),
    (OrderType.REPAIR, ("公共照明",), "", Area.PUBLIC_AREA, "engineering"),
    (OrderType.COMPLAINT, ("秩序安全",), "", Area.PUBLIC_AREA, "security"),
    (OrderType.COMPLAINT, ("环境卫生",), "", Area.PUBLIC_AREA, "environment"),
    (OrderType.COMPLAINT, ("收费",), "", Area.PRIVATE_UNIT, "finance"),
    (OrderType.COMPLAINT, ("房屋质量",), "", Area.PRIVATE_UNIT, "service"),
    (OrderType.COMPLAINT, ("服务态度",), "", Area.PRIVATE_UNIT, "service"),
    (OrderType.CONSULTATION, ("装修手续",), "", Area.PRIVATE_UNIT, "service"),
    (OrderType.CONSULTATION, ("停车与门禁卡",), "", Area.PRIVATE_UNIT, "service"),
    (OrderType.CONSULTATION, ("缴费",), "", Area.PRIVATE_UNIT, "finance"),
    (OrderType.SUGGESTION, ("物业服务",), "", Area.PUBLIC_AREA, "service"),
    (OrderType.PRAISE, ("员工表扬",), "", Area.PRIVATE_UNIT, "service"),
    (OrderType.PAID_SERVICE, ("家电维修",), "", Area.PRIVATE_UNIT, "engineering"),
    (OrderType.PAID_SERVICE, ("管道疏通",), "", Area.PRIVATE_UNIT, "engineering"),
]

# The seed routing of the procedures (SVC-4), beyond each category's own department:
# (order type, area, department key, to the unit's housekeeper)
SEED_ROUTES = [
    ("", Area.PRIVATE_UNIT, "service", True),
    ("", Area.PUBLIC_AREA, "security", False),
    (OrderType.REPAIR, "", "engineering", False),
    (OrderType.PAID_SERVICE, "", "engineering", False),
]


@transaction.atomic
def servicedesk_defaults_install(*, actor, tenant, departments: dict[str, OrgUnit],
                                 community=None) -> dict[str, int]:
    """Install the seed levels, matrix, categories and routing for ``tenant`` (idempotent:
    what exists is kept). ``departments`` maps service/engineering/security/environment/finance
    to org units; routing rules are limited to ``community`` when given."""
    shared.require_any(actor, ("add_servicelevel",), None)
    counts = {"levels": 0, "categories": 0, "routes": 0}
    for code, name, order_type, priority, formal, clocks in SEED_LEVELS:
        level, created = ServiceLevel.objects.get_or_create(
            tenant=tenant, code=code, defaults={"name": name, "order_type": order_type,
                                                "priority": priority,
                                                "for_formal_complaints": formal})
        counts["levels"] += created
        for kind, amount, unit in clocks:
            ServiceClock.objects.get_or_create(
                tenant=tenant, service_level=level, kind=kind,
                defaults={"amount": Decimal(amount), "unit": unit})
    if not PriorityRule.objects.filter(tenant=tenant).exists():
        PriorityRule.objects.bulk_create(
            PriorityRule(tenant=tenant, urgency=u, impact=i, priority=p)
            for (u, i), p in DEFAULT_MATRIX.items())
    urgent_repair = ServiceLevel.objects.get(tenant=tenant, code="urgent-repair")
    for order_type, path, priority, area, dept_key in SEED_CATEGORIES:
        parent = None
        for depth, name in enumerate(path):
            leaf = depth == len(path) - 1
            parent, created = Category.objects.get_or_create(
                tenant=tenant, order_type=order_type, parent=parent, name=name,
                defaults={"default_priority": priority if leaf else "",
                          "default_area": area if leaf else "",
                          "default_department": departments.get(dept_key)})
            counts["categories"] += created
        if order_type == OrderType.REPAIR and path[-1] == "漏水":
            Category.objects.filter(pk=parent.pk).update(service_level=urgent_repair)
        department = departments.get(dept_key)
        if department is not None and not RoutingRule.objects.filter(
                tenant=tenant, category=parent, community=community).exists():
            RoutingRule.objects.create(tenant=tenant, category=parent, community=community,
                                       department=department, position=10,
                                       to_housekeeper=dept_key == "service",
                                       note=f"{'/'.join(path)} → {department.name}")
            counts["routes"] += 1
    for order_type, area, dept_key, keeper in SEED_ROUTES:
        department = departments.get(dept_key)
        if department is None:
            continue
        _rule, created = RoutingRule.objects.get_or_create(
            tenant=tenant, category=None, order_type=order_type, area=area, community=community,
            defaults={"department": department, "position": 50, "to_housekeeper": keeper,
                      "note": f"{order_type or '*'} · {area or '*'} → {department.name}"})
        counts["routes"] += created
    # The knowledge base's shelves come with the desk (the caller's right was checked above).
    from linli.servicedesk.services.knowledge import knowledge_defaults_install

    counts["knowledge_categories"] = knowledge_defaults_install(actor=None, tenant=tenant)
    return counts


def _require_config(actor, action: str, model: str, tenant) -> None:
    if actor is not None and actor.tenant_id != getattr(tenant, "pk", None):
        raise PermissionDenied(_("You do not have permission to do this."))
    shared.require_any(actor, (f"{action}_{model}",), None)


def _check_dates(errors: dict[str, list[str]], valid_from, valid_until) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("The end comes before the start."))


@transaction.atomic
def service_level_save(*, actor, tenant, level: ServiceLevel | None = None, code: str,
                       name: str, order_type: str = "", priority: str = "",
                       for_formal_complaints: bool = False,
                       warning_share: Decimal = Decimal("0.75"), callback_hours: int = 24,
                       clocks: list[tuple[str, Decimal, str]] | None = None,
                       valid_from=None, valid_until=None, is_active: bool = True
                       ) -> ServiceLevel:
    """Create or change a level and, when ``clocks`` is given, replace its clocks."""
    _require_config(actor, "change" if level else "add", "servicelevel", tenant)
    level = level or ServiceLevel(tenant=tenant)
    level.code, level.name = (code or "").strip(), (name or "").strip()
    level.order_type, level.priority = order_type or "", priority or ""
    level.for_formal_complaints = bool(for_formal_complaints)
    level.warning_share, level.callback_hours = warning_share, callback_hours
    level.valid_from, level.valid_until, level.is_active = valid_from, valid_until, is_active
    errors: dict[str, list[str]] = {}
    try:
        level.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    clash = ServiceLevel.objects.filter(tenant=tenant, code=level.code).exclude(pk=level.pk)
    if level.code and clash.exists():
        errors.setdefault("code", []).append(_("Another service level has this code."))
    _check_dates(errors, valid_from, valid_until)
    rows = []
    for index, (kind, amount, unit) in enumerate(clocks or []):
        clock = ServiceClock(tenant=tenant, kind=kind, amount=amount, unit=unit)
        try:
            clock.full_clean(exclude=["tenant", "service_level"], validate_unique=False,
                             validate_constraints=False)
            if unit == ClockUnit.WORKING_DAYS and Decimal(amount) != int(Decimal(amount)):
                raise ValidationError({"amount": [_("Working days are whole days.")]})
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                errors.setdefault(f"clocks.{index}.{field_name}", []).extend(messages)
        rows.append(clock)
    if len({c.kind for c in rows}) != len(rows):
        errors.setdefault("clocks", []).append(_("Each clock may appear once."))
    if errors:
        raise ValidationError(errors)
    level.save()
    if clocks is not None:
        level.clocks.all().delete()
        for clock in rows:
            clock.service_level = level
        ServiceClock.objects.bulk_create(rows)
    return level


@transaction.atomic
def routing_rule_save(*, actor, tenant, rule: RoutingRule | None = None, department: OrgUnit,
                      order_type: str = "", category: Category | None = None, area: str = "",
                      community=None, building=None, team: OrgUnit | None = None,
                      to_housekeeper: bool = False, position: int = 100, note: str = "",
                      valid_from=None, valid_until=None, is_active: bool = True) -> RoutingRule:
    _require_config(actor, "change" if rule else "add", "routingrule", tenant)
    errors: dict[str, list[str]] = {}
    if not isinstance(position, int) or not 0 <= position <= 100000:
        errors.setdefault("position", []).append(_("Enter a position from 0 to 100000."))
    if len((note or "").strip()) > 200:
        errors.setdefault("note", []).append(
            _("Keep this within %(limit)d characters.") % {"limit": 200})
    for name, obj in (("department", department), ("team", team), ("category", category),
                      ("community", community), ("building", building)):
        if obj is not None and obj.tenant_id != tenant.pk:
            errors.setdefault(name, []).append(_("Choose one of your organisation's own."))
    if department is None:
        errors.setdefault("department", []).append(_("Choose the department."))
    if team is not None and department is not None and not team.path.startswith(
            department.path):
        errors.setdefault("team", []).append(_("The team must be part of the department."))
    if building is not None and community is not None and building.community_id != community.pk:
        errors.setdefault("building", []).append(_("This building is not in the community."))
    if order_type and order_type not in OrderType.values:
        errors.setdefault("order_type", []).append(_("Choose the type."))
    if area and area not in Area.values:
        errors.setdefault("area", []).append(_("Choose the area."))
    if category is not None and order_type and category.order_type != order_type:
        errors.setdefault("category", []).append(
            _("This category belongs to another order type."))
    _check_dates(errors, valid_from, valid_until)
    if not errors and is_active:
        twin = selectors.routing_rule_twin(
            tenant.pk, exclude=rule, position=position, valid_from=valid_from,
            valid_until=valid_until, order_type=order_type or "", category=category,
            area=area or "", community=community, building=building)
        if twin is not None:
            errors.setdefault("position", []).append(
                _("Active rule #%(id)d has the same conditions and position and is valid on "
                  "some of the same days; change the position or the dates.") % {"id": twin.pk})
    if errors:
        raise ValidationError(errors)
    rule = rule or RoutingRule(tenant=tenant)
    for name, value in (("department", department), ("order_type", order_type or ""),
                        ("category", category), ("area", area or ""), ("community", community),
                        ("building", building), ("team", team),
                        ("to_housekeeper", bool(to_housekeeper)), ("position", position),
                        ("note", (note or "").strip()), ("valid_from", valid_from),
                        ("valid_until", valid_until), ("is_active", is_active)):
        setattr(rule, name, value)
    rule.save()
    return rule




@transaction.atomic
def category_save(*, actor, tenant, category: Category | None = None, order_type: str,
                  name: str, parent: Category | None = None, default_priority: str = "",
                  default_area: str = "", default_department: OrgUnit | None = None,
                  service_level: ServiceLevel | None = None, valid_from=None, valid_until=None,
                  is_active: bool = True) -> Category:
    """Create or change a node of the category tree. A child has its parent's order type, so
    the type of a category with children cannot change."""
    _require_config(actor, "change" if category else "add", "category", tenant)
    if category is not None and category.tenant_id != tenant.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("Enter the name."))
    elif len(name) > 100:
        errors.setdefault("name", []).append(
            _("Keep this within %(limit)d characters.") % {"limit": 100})
    if order_type not in OrderType.values:
        errors.setdefault("order_type", []).append(_("Choose the type."))
    if default_priority and default_priority not in Priority.values:
        errors.setdefault("default_priority", []).append(_("Choose the priority."))
    if default_area and default_area not in Area.values:
        errors.setdefault("default_area", []).append(_("Choose the area."))
    for field_name, obj in (("parent", parent), ("default_department", default_department),
                            ("service_level", service_level)):
        if obj is not None and obj.tenant_id != tenant.pk:
            errors.setdefault(field_name, []).append(_("Choose one of your organisation's own."))
    if parent is not None and "parent" not in errors:
        if parent.order_type != order_type:
            errors.setdefault("parent", []).append(
                _("The parent category belongs to another order type."))
        if category is not None and category.pk in selectors.category_ancestors(parent):
            errors.setdefault("parent", []).append(
                _("A category cannot be placed below itself or its subcategories."))
    if (category is not None and order_type != category.order_type
            and selectors.category_has_children(category)):
        errors.setdefault("order_type", []).append(
            _("This category has subcategories: its order type cannot change."))
    _check_dates(errors, valid_from, valid_until)
    if not errors and selectors.category_name_taken(tenant.pk, order_type=order_type,
                                                    parent=parent, name=name,
                                                    exclude=category):
        errors.setdefault("name", []).append(
            _("Another category of this type has this name at the same place."))
    if errors:
        raise ValidationError(errors)
    category = category or Category(tenant=tenant)
    for field_name, value in (("order_type", order_type), ("name", name), ("parent", parent),
                              ("default_priority", default_priority or ""),
                              ("default_area", default_area or ""),
                              ("default_department", default_department),
                              ("service_level", service_level), ("valid_from", valid_from),
                              ("valid_until", valid_until), ("is_active", bool(is_active))):
        setattr(category, field_name, value)
    category.save()
    return category


def _deactivate(actor, record, model: str):
    _require_config(actor, "change", model, record.tenant)
    if record.is_active:
        record.is_active = False
        record.save(update_fields=["is_active"])
    return record


@transaction.atomic
def service_level_deactivate(*, actor, level: ServiceLevel) -> ServiceLevel:
    """No new order gets the level; the orders that have it keep their clocks."""
    return _deactivate(actor, level, "servicelevel")


@transaction.atomic
def routing_rule_deactivate(*, actor, rule: RoutingRule) -> RoutingRule:
    return _deactivate(actor, rule, "routingrule")


@transaction.atomic
def category_deactivate(*, actor, category: Category) -> Category:
    """Intake no longer offers the category; its orders keep it."""
    return _deactivate(actor, category, "category")


@transaction.atomic
def priority_matrix_save(*, actor, tenant, cells: dict[tuple[str, str], str]
                         ) -> list[PriorityRule]:
    """Set every cell of the urgency × impact matrix valid today. The cells' rows valid today
    are changed in place; a cell without one (the tenant still on the seed matrix) gets a row
    without dates."""
    _require_config(actor, "change", "priorityrule", tenant)
    expected = {(u, i) for u in Level.values for i in Level.values}
    errors: dict[str, list[str]] = {}
    for urgency, impact in sorted(expected):
        if cells.get((urgency, impact)) not in Priority.values:
            errors.setdefault(f"{urgency}_{impact}", []).append(_("Choose the priority."))
    if set(cells) - expected:
        errors.setdefault("cells", []).append(_("Only urgency × impact cells can be set."))
    if errors:
        raise ValidationError(errors)
    current = selectors.priority_rules_today(tenant.pk)
    saved = []
    for key in sorted(expected):
        rule = current.get(key)
        if rule is None:
            rule = PriorityRule(tenant=tenant, urgency=key[0], impact=key[1])
        if rule.pk is None or rule.priority != cells[key]:
            rule.priority = cells[key]
            rule.save()
        saved.append(rule)
    return saved


@transaction.atomic
def desk_policy_save(*, actor, tenant, repeat_complaint_hours: int,
                     quarantine_clocks_from_intake: bool, callback_retry_hours: int,
                     callback_max_attempts: int, unsatisfied_at_most: int,
                     duplicate_window_hours: int | None = None) -> DeskPolicy:
    """Change the tenant's desk policy (made on first save; the defaults apply until then);
    ``duplicate_window_hours`` None keeps the window of likely duplicates as it is."""
    policy = selectors.desk_policy_for_update(tenant.pk)
    _require_config(actor, "change" if policy.pk else "add", "deskpolicy", tenant)
    policy.repeat_complaint_hours = repeat_complaint_hours
    policy.quarantine_clocks_from_intake = bool(quarantine_clocks_from_intake)
    policy.callback_retry_hours = callback_retry_hours
    policy.callback_max_attempts = callback_max_attempts
    policy.unsatisfied_at_most = unsatisfied_at_most
    if duplicate_window_hours is not None:
        policy.duplicate_window_hours = duplicate_window_hours
    errors: dict[str, list[str]] = {}
    try:
        policy.full_clean(exclude=["tenant"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors and policy.callback_retry_hours < 1:
        errors["callback_retry_hours"] = [_("Enter at least 1 hour.")]
    if errors:
        raise ValidationError(errors)
    policy.save()
    return policy


# Which seed department each key of ``servicedesk_defaults_install`` stands for.
SEED_DEPARTMENTS = ("service", "engineering", "security", "environment", "finance")


@transaction.atomic
def desk_configuration_install(*, actor, tenant, departments: dict[str, OrgUnit | None]
                               ) -> dict[str, int]:
    """Install the seed configuration for a tenant that has none yet (the first set-up from
    the configuration screen); refuses once the tenant has levels, categories, routing rules
    or matrix cells of its own, whose tuning the seed would otherwise mix with."""
    for model in ("servicelevel", "category", "routingrule", "priorityrule"):
        _require_config(actor, "add", model, tenant)
    errors: dict[str, list[str]] = {}
    for key, unit in departments.items():
        if key not in SEED_DEPARTMENTS:
            errors.setdefault(key, []).append(_("Unknown department role."))
        elif unit is not None and unit.tenant_id != tenant.pk:
            errors.setdefault(key, []).append(_("Choose one of your organisation's own."))
    if selectors.desk_configured(tenant.pk):
        errors.setdefault("__all__", []).append(
            _("The service desk is configured already: change its levels, categories and "
              "routing rules one by one."))
    if errors:
        raise ValidationError(errors)
    chosen = {key: unit for key, unit in departments.items() if unit is not None}
    return servicedesk_defaults_install(actor=actor, tenant=tenant, departments=chosen)
