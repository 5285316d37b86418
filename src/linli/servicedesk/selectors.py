"""Reads of the service desk: configuration lookups, queues, lists and details (scoped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from linli.accounts.models import Membership, OrgUnit, User
from linli.core.planner import written_join_order
from linli.core.scope import scope_for
from linli.directory.models import Unit
from linli.directory.selectors.property import zone_for_unit
from linli.servicedesk.choices import CallbackStatus, ClockState, Level, OrderType, Priority
from linli.servicedesk.models import (
    Callback,
    Category,
    ContactLog,
    DeskPolicy,
    PriorityRule,
    RoutingRule,
    ServiceLevel,
    WorkOrder,
    WorkOrderClock,
)
from linli.servicedesk.reports.selectors import narrow
from linli.servicedesk.states import OPEN, Status

# The seed matrix (SVC-3), used while a tenant has entered none of its own.
DEFAULT_MATRIX = {
    (Level.HIGH, Level.HIGH): Priority.P1, (Level.HIGH, Level.MEDIUM): Priority.P2,
    (Level.HIGH, Level.LOW): Priority.P3, (Level.MEDIUM, Level.HIGH): Priority.P2,
    (Level.MEDIUM, Level.MEDIUM): Priority.P3, (Level.MEDIUM, Level.LOW): Priority.P4,
    (Level.LOW, Level.HIGH): Priority.P3, (Level.LOW, Level.MEDIUM): Priority.P4,
    (Level.LOW, Level.LOW): Priority.P5,
}


def _valid_on(day: dt.date) -> Q:
    return (Q(is_active=True) & (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=day)))


def _today() -> dt.date:
    return timezone.localdate()


# --- configuration lookups (system reads: the caller has the tenant already) ---------------

def desk_policy(tenant_id: int) -> DeskPolicy:
    policy = DeskPolicy.objects.filter(tenant_id=tenant_id).first()
    return policy or DeskPolicy(tenant_id=tenant_id)


def priority_for(tenant_id: int, urgency: str, impact: str, day: dt.date | None = None
                 ) -> str:
    rules = PriorityRule.objects.filter(tenant_id=tenant_id).filter(_valid_on(day or _today()))
    rule = rules.filter(urgency=urgency, impact=impact).order_by("-valid_from").first()
    if rule is not None:
        return rule.priority
    return DEFAULT_MATRIX.get((urgency, impact), Priority.P4)


def service_level_for(tenant_id: int, *, order_type: str, priority: str,
                      category: Category | None, formal: bool = False,
                      day: dt.date | None = None) -> ServiceLevel | None:
    """The category's level; else the most specific active level for type × priority (a
    formal complaint prefers the levels marked for formal complaints)."""
    active = ServiceLevel.objects.filter(tenant_id=tenant_id).filter(_valid_on(day or _today()))
    if not formal:
        node = category
        while node is not None:
            if node.service_level_id and active.filter(pk=node.service_level_id).exists():
                return node.service_level
            node = node.parent
    candidates = active.filter(Q(order_type=order_type) | Q(order_type=""),
                               Q(priority=priority) | Q(priority=""))
    if formal:
        formal_levels = candidates.filter(for_formal_complaints=True)
        if formal_levels.exists():
            candidates = formal_levels
    else:
        candidates = candidates.filter(for_formal_complaints=False)
    best = None
    best_key = None
    for level in candidates:
        key = (bool(level.order_type) + bool(level.priority), bool(level.order_type))
        if best_key is None or key > best_key:
            best, best_key = level, key
    return best


def clock_rules(level: ServiceLevel | None) -> list:
    return list(level.clocks.all()) if level is not None else []


def category_ancestors(category: Category | None) -> list[int]:
    ids = []
    node = category
    while node is not None and node.pk not in ids:  # a cycle entered by hand ends here
        ids.append(node.pk)
        node = node.parent
    return ids


def department_for(order: WorkOrder, department: OrgUnit | None) -> OrgUnit | None:
    """``department`` as it serves ``order``: itself when it lies in the org subtree of the
    office that runs the order's community; else that office's own unit of the same name and
    kind (the nearest to the office, e.g. its 工程部); else None.

    Categories and tenant-wide routing rules are written once for the whole company, so they
    can only name one office's department; the name stands for the department's job."""
    if department is None:
        return None
    office = order.community.org_unit
    if department.path.startswith(office.path):
        return department
    return _namesake(department, office)


def _namesake(unit: OrgUnit, within: OrgUnit) -> OrgUnit | None:
    """The active unit of ``unit``'s name and kind in ``within``'s subtree, the one nearest
    the top of it."""
    return (OrgUnit.objects.filter(tenant_id=within.tenant_id, is_active=True,
                                   path__startswith=within.path, name=unit.name,
                                   kind=unit.kind)
            .order_by("depth", "path").first())


@dataclass(frozen=True)
class Route:
    """Where a routing rule sends an order: the rule, and its department and team as they
    serve the order's office (see ``department_for``)."""

    rule: RoutingRule
    department: OrgUnit
    team: OrgUnit | None


def _route(order: WorkOrder, rule: RoutingRule) -> Route | None:
    if rule.community_id or rule.building_id:
        # A rule of one community or building says exactly where its orders go.
        return Route(rule, rule.department, rule.team)
    department = department_for(order, rule.department)
    if department is None:
        return None
    team = rule.team
    if team is not None and department != rule.department:
        team = _namesake(team, department)
    return Route(rule, department, team)


def routing_rules_for(tenant_id: int, community_id: int, day: dt.date | None = None
                      ) -> list[RoutingRule]:
    """The tenant's routing rules active on ``day`` that may apply to orders of a community:
    its own and the tenant-wide ones (``route_among`` picks an order's)."""
    return list(RoutingRule.objects.filter(
        _valid_on(day or _today()),
        Q(community__isnull=True) | Q(community_id=community_id),
        tenant_id=tenant_id,
    ).select_related("department", "team"))


def _applies(rule: RoutingRule, order: WorkOrder, categories: list[int]) -> bool:
    """Whether each of the rule's conditions is blank or the order's (the category: the
    order's or an ancestor of it)."""
    return ((not rule.order_type or rule.order_type == order.order_type)
            and (rule.category_id is None or rule.category_id in categories)
            and (not rule.area or rule.area == order.area)
            and (rule.community_id is None or rule.community_id == order.community_id)
            and (rule.building_id is None or rule.building_id == order.building_id))


def route_among(order: WorkOrder, rules: list[RoutingRule]) -> Route | None:
    """The most specific of ``rules`` matching the order whose department serves the order's
    office; None: the dispatcher queue."""
    categories = category_ancestors(order.category)

    def specificity(rule: RoutingRule) -> tuple:
        depth = (len(categories) - categories.index(rule.category_id)) if rule.category_id else 0
        return (bool(rule.building_id), bool(rule.community_id), depth, bool(rule.area),
                bool(rule.order_type), -rule.position, -rule.pk)

    matching = [rule for rule in rules if _applies(rule, order, categories)]
    for rule in sorted(matching, key=specificity, reverse=True):
        route = _route(order, rule)
        if route is not None:
            return route
    return None


def route_for(order: WorkOrder, day: dt.date | None = None) -> Route | None:
    """The route of the rules active on ``day`` (default today); see ``route_among``."""
    return route_among(order, routing_rules_for(order.tenant_id, order.community_id, day))


def housekeeper_of(unit: Unit | None) -> User | None:
    """The housekeeper of the zone the unit belongs to, if the zone has an active one."""
    zone = zone_for_unit(unit) if unit is not None else None
    keeper = zone.housekeeper if zone is not None else None
    return keeper if keeper is not None and keeper.is_active else None


def holders_at(org_unit, codename: str) -> QuerySet[User]:
    """Active users whose current membership at ``org_unit`` itself grants ``codename``."""
    today = _today()
    memberships = Membership.objects.filter(
        tenant_id=org_unit.tenant_id, org_unit=org_unit, role__permissions__codename=codename,
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    return User.objects.filter(pk__in=memberships.values("user_id"), is_active=True
                               ).order_by("pk")


def can_handle(user: User, department) -> bool:
    """Whether ``user`` holds a current membership inside ``department``'s subtree whose role
    lets them work on or assign orders."""
    today = _today()
    return Membership.objects.filter(
        tenant_id=department.tenant_id, user=user,
        org_unit__path__startswith=department.path,
        role__permissions__codename__in=["work_workorder", "assign_workorder"],
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today)).exists()


def clock_due(order: WorkOrder, kind: str) -> dt.datetime | None:
    clock = WorkOrderClock.objects.filter(work_order=order, kind=kind).first()
    return clock.due_at if clock else None


def holders_above(org_unit, codename: str) -> list[User]:
    """Holders of ``codename`` at ``org_unit`` or, failing that, the nearest ancestor with any."""
    node = org_unit
    while node is not None:
        found = list(holders_at(node, codename))
        if found:
            return found
        node = node.parent
    return []


def recent_complaint(order: WorkOrder, hours: int) -> WorkOrder | None:
    """An earlier complaint by the same person (or phone) within ``hours`` of ``order``."""
    if order.person_id is None and not order.caller_phone:
        return None
    who = Q(person_id=order.person_id) if order.person_id else Q(caller_phone=order.caller_phone)
    since = (order.created_at or timezone.now()) - dt.timedelta(hours=hours)
    earlier = WorkOrder.objects.filter(tenant_id=order.tenant_id,
                                       order_type=OrderType.COMPLAINT,
                                       created_at__gte=since).filter(who)
    if order.pk:
        earlier = earlier.exclude(pk=order.pk)
    return earlier.order_by("-created_at").first()


# --- scoped reads for users ----------------------------------------------------------------

def work_order_list(user, filters: dict | None = None) -> QuerySet[WorkOrder]:
    filters = filters or {}
    # The category's parent too: a category names itself with its parent ("水电 › 漏水").
    qs = WorkOrder.objects.restrict(user, "view").select_related(
        "community", "building", "unit", "category__parent", "department", "handler",
        "cluster_parent").annotate(cluster_size=_cluster_size())
    if filters.get("status"):
        qs = qs.filter(status__in=_as_list(filters["status"]))
    if filters.get("open"):
        qs = qs.filter(status__in=OPEN)
    for field in ("order_type", "priority", "area", "channel", "community", "department",
                  "handler"):
        value = filters.get(field)
        if value not in (None, ""):
            key = f"{field}_id" if field in ("community", "department", "handler") else field
            qs = qs.filter(**{key: value})
    if filters.get("mine"):
        qs = qs.filter(handler=user)
    if filters.get("unassigned"):
        qs = qs.filter(department__isnull=True)
    if filters.get("person"):
        qs = qs.filter(person_id=filters["person"])
    if filters.get("unit"):
        qs = qs.filter(unit_id=filters["unit"])
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(number__icontains=text) | Q(summary__icontains=text)
                       | Q(caller_name__icontains=text))
    if filters.get("created_from"):
        qs = qs.filter(created_at__date__gte=filters["created_from"])
    if filters.get("created_to"):
        qs = qs.filter(created_at__date__lte=filters["created_to"])
    return narrow(qs, filters)


def _cluster_size():
    """The number of orders linked under an order (0 for any other), for the badges."""
    from django.db.models import Count, IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    linked = (WorkOrder.objects.filter(cluster_parent=OuterRef("pk")).order_by()
              .values("cluster_parent").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(linked, output_field=IntegerField()), 0)


def _as_list(value) -> list:
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [v for v in str(value).split(",") if v]


# What the API shows of an order's relations: few enough joins for PostgreSQL to order itself.
API_RELATIONS = ("community", "unit", "category__parent", "department", "handler")
# What the order's page shows and the moves read besides.
PAGE_RELATIONS = ("community__org_unit", "building", "unit", "person", "category__parent",
                  "department", "handler", "service_level", "registered_by", "responsible_party")


def work_order_read(user, pk, action: str = "view", related=API_RELATIONS) -> WorkOrder:
    """One order the user may see (404 otherwise) with ``related`` joined. Building the
    page's dozen joins into SQL costs Django more than running them, so a read joins only
    what its caller shows."""
    return get_object_or_404(
        WorkOrder.objects.restrict(user, action).select_related(*related), pk=pk)


def work_order_get(user, pk, action: str = "view") -> WorkOrder:
    """One order with what its page shows. A dozen joins from one row: PostgreSQL would
    spend longer ordering them than reading them, so they are read in written order."""
    with written_join_order():
        return work_order_read(user, pk, action, PAGE_RELATIONS)


def orders_about(user, where: dict, limit: int) -> QuerySet[WorkOrder]:
    """The newest orders of a person or unit (``where``: person_id or unit_id), for timelines."""
    return WorkOrder.objects.restrict(user, "view").filter(**where).order_by("-created_at")[
        :limit]


def callbacks_made_about(user, where: dict, limit: int) -> QuerySet[Callback]:
    return (Callback.objects.restrict(user, "view")
            .filter(**{f"work_order__{k}": v for k, v in where.items()},
                    called_at__isnull=False)
            .select_related("work_order").order_by("-called_at")[:limit])


def my_open_order_count(user) -> int:
    return WorkOrder.objects.restrict(user, "view").filter(handler=user,
                                                           status__in=OPEN).count()


def work_order_find(user, pk) -> WorkOrder | None:
    return WorkOrder.objects.restrict(user, "view").filter(pk=pk).first()


def earliest_running(field_name: str) -> Subquery:
    """The earliest ``due_at`` or ``warn_at`` of the order's running clocks (None: none runs).

    A subquery per order, not ``Min`` over joined clocks: the aggregate made PostgreSQL sort
    and group every open order of an office, with all of a list's joined columns, before it
    could pick a page of them."""
    running = WorkOrderClock.objects.filter(work_order=OuterRef("pk"), state=ClockState.RUNNING)
    return Subquery(running.order_by(field_name).values(field_name)[:1])


def dispatcher_queue(user, filters: dict | None = None) -> QuerySet[WorkOrder]:
    """Open orders by due time of their earliest running clock (breaches first)."""
    qs = work_order_list(user, filters).filter(status__in=OPEN - {Status.QUARANTINED})
    return qs.annotate(next_due=earliest_running("due_at")).order_by(
        F("next_due").asc(nulls_last=True), "created_at")


def quarantine_list(user) -> QuerySet[WorkOrder]:
    return work_order_list(user).filter(status=Status.QUARANTINED).order_by("created_at")


def clocks_of(order: WorkOrder) -> list[WorkOrderClock]:
    """The order's clocks by due time; read with the order when a list prefetched them (a
    day's dispatch slips)."""
    prefetched = getattr(order, "_prefetched_objects_cache", {}).get("clocks")
    if prefetched is not None:
        return sorted(prefetched, key=lambda clock: (clock.due_at, clock.pk))
    return list(WorkOrderClock.objects.filter(work_order=order).order_by("due_at", "pk"))


def callback_list(user, filters: dict | None = None) -> QuerySet[Callback]:
    filters = filters or {}
    qs = Callback.objects.restrict(user, "view").select_related(
        "work_order", "work_order__community", "work_order__unit", "called_by")
    if filters.get("status"):
        qs = qs.filter(status__in=_as_list(filters["status"]))
    else:
        qs = qs.filter(status__in=[CallbackStatus.DUE, CallbackStatus.RETRY])
    if filters.get("due_before"):
        qs = qs.filter(due_at__lte=filters["due_before"])
    return qs.order_by("due_at", "pk")


def callback_get(user, pk, action: str = "view") -> Callback:
    return get_object_or_404(Callback.objects.restrict(user, action).select_related(
        "work_order__community", "work_order__unit"), pk=pk)


def contact_log_list(user, filters: dict | None = None) -> QuerySet[ContactLog]:
    filters = filters or {}
    qs = ContactLog.objects.restrict(user, "view").select_related(
        "community", "unit", "person", "handled_by", "work_order")
    if filters.get("day"):
        qs = qs.filter(occurred_at__date=filters["day"])
    if filters.get("direction"):
        qs = qs.filter(direction=filters["direction"])
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(Q(caller_name__icontains=text) | Q(content__icontains=text)
                       | Q(caller_phone__endswith=text))
    return qs


def contact_log_get(user, pk) -> ContactLog:
    return get_object_or_404(ContactLog.objects.restrict(user, "view").select_related(
        "community", "unit", "handled_by", "work_order"), pk=pk)


def service_level_list(user) -> QuerySet[ServiceLevel]:
    return ServiceLevel.objects.restrict(user, "view").prefetch_related("clocks")


def service_level_get(user, pk, action: str = "view") -> ServiceLevel:
    return get_object_or_404(ServiceLevel.objects.restrict(user, action), pk=pk)


def routing_rule_list(user) -> QuerySet[RoutingRule]:
    return RoutingRule.objects.restrict(user, "view").select_related(
        "category", "community", "building", "department", "team")


def routing_rule_get(user, pk, action: str = "view") -> RoutingRule:
    return get_object_or_404(RoutingRule.objects.restrict(user, action).select_related(
        "category__parent", "community", "department"), pk=pk)


def category_list(user) -> QuerySet[Category]:
    return Category.objects.restrict(user, "view").select_related("parent", "service_level")


def category_get(user, pk, action: str = "view") -> Category:
    return get_object_or_404(Category.objects.restrict(user, action), pk=pk)


def open_orders_of_caller(user, *, person=None, phone: str = "", unit=None, limit: int = 10):
    """For intake: the caller's open orders (by person, phone or unit), newest first."""
    qs = WorkOrder.objects.restrict(user, "view").exclude(
        status__in=[Status.CLOSED, Status.CANCELLED])
    who = Q()
    if person is not None:
        who |= Q(person=person)
    if phone:
        who |= Q(caller_phone=phone)
    if unit is not None:
        who |= Q(unit=unit)
    if not who:
        return WorkOrder.objects.none()
    return qs.filter(who).order_by("-created_at")[:limit]


# --- reads for the API (payload ids in the caller's scope, the detail's extras) -------------

def category_find(user, pk) -> Category | None:
    """A category the user may view, by id, or None (for choosing one in a payload)."""
    return Category.objects.restrict(user, "view").filter(pk=pk).first()


def contact_log_find(user, pk) -> ContactLog | None:
    return ContactLog.objects.restrict(user, "view").filter(pk=pk).first()


def department_find(user, pk):
    """An active org unit of the user's own tenant: any department may be handed an order."""
    from linli.accounts.models import OrgUnit

    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return None
    return OrgUnit.objects.filter(tenant_id=tenant_id, is_active=True, pk=pk).first()


def staff_find(user, pk) -> User | None:
    """An active user of the user's own tenant (the services check they work in the
    department)."""
    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return None
    return User.objects.filter(tenant_id=tenant_id, is_active=True, pk=pk).first()


NEW_ORDER_HAS_NONE = ("callbacks", "reworks", "cluster_children")


def as_just_registered(order: WorkOrder) -> WorkOrder:
    """``order``, known to have none of ``NEW_ORDER_HAS_NONE`` (it was registered by this
    request and nothing else has touched it), so that the reply does not look for them."""
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    cache.update({relation: [] for relation in NEW_ORDER_HAS_NONE})
    return order


def known_empty(order: WorkOrder, relation: str) -> bool:
    """Whether ``order`` is known to have no ``relation`` rows (``as_just_registered``). Only
    an empty list is taken: rows would still need the user's scope."""
    return getattr(order, "_prefetched_objects_cache", {}).get(relation) == []


def callbacks_of(user, order: WorkOrder) -> QuerySet[Callback]:
    """Every callback of ``order`` the user may view, oldest first."""
    if known_empty(order, "callbacks"):
        return Callback.objects.none()
    found = Callback.objects.restrict(user, "view")
    return found.filter(work_order=order).select_related("called_by").order_by("pk")


def rework_orders(user, order: WorkOrder) -> QuerySet[WorkOrder]:
    """The reworks of ``order`` the user may view, oldest first."""
    return WorkOrder.objects.restrict(user, "view").filter(rework_of=order).order_by("pk")


@dataclass(frozen=True)
class LinkedIds:
    """The ids of an order's reworks (oldest first) and of the orders linked under it as an
    incident (``cluster_children``' order)."""

    reworks: list[int]
    cluster_children: list[int]


def linked_order_ids(user, order: WorkOrder) -> LinkedIds:
    """``LinkedIds`` of the orders the user can see, read in one query."""
    if known_empty(order, "reworks") and known_empty(order, "cluster_children"):
        return LinkedIds([], [])
    rows = list(WorkOrder.objects.restrict(user, "view")
                .filter(Q(rework_of=order) | Q(cluster_parent=order))
                .order_by("created_at", "pk")
                .values_list("pk", "rework_of_id", "cluster_parent_id"))
    return LinkedIds(sorted(pk for pk, rework_of, _parent in rows if rework_of == order.pk),
                     [pk for pk, _rework_of, parent in rows if parent == order.pk])


def category_tree(user, filters: dict | None = None) -> list[tuple[Category, int]]:
    """Visible categories depth first (each parent before its children, siblings by type and
    name) with their depth; ``filters``: order_type, active (valid today)."""
    filters = filters or {}
    qs = category_list(user)
    if filters.get("order_type"):
        qs = qs.filter(order_type=filters["order_type"])
    if filters.get("active"):
        qs = qs.filter(_valid_on(_today()))
    nodes = list(qs.order_by("order_type", "name", "pk"))
    present = {c.pk for c in nodes}
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        parent = node.parent_id if node.parent_id in present else None
        children.setdefault(parent, []).append(node)
    ordered: list[tuple[Category, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for node in children.get(parent, []):
            ordered.append((node, depth))
            walk(node.pk, depth + 1)

    walk(None, 0)
    return ordered


# Moves outside the state machine (SVC-9, SVC-12), named as the API's paths name them.
EXTRA_ACTIONS = ("reply", "reply_review", "quote", "quote_answer", "charge", "cluster_link",
                 "cluster_unlink")


def work_order_actions(user, order: WorkOrder) -> list[str]:
    """The moves ``user`` may try on ``order`` now: allowed from its status and permitted to
    the user (the services stay the judges; this is what a client offers as buttons)."""
    from django.core.exceptions import PermissionDenied

    from linli.servicedesk.choices import QuoteStatus, ReviewStatus
    from linli.servicedesk.services.lifecycle import authorise
    from linli.servicedesk.states import FINAL, Action, actions_from

    def permitted(check) -> bool:
        try:
            check()
        except PermissionDenied:
            return False
        return True

    def holds(*codenames: str) -> bool:
        return any(user.has_perm(f"servicedesk.{c}", order) for c in codenames)

    found = []
    for action in actions_from(order.status):
        if action == Action.ESCALATE and order.escalation_level >= 3:
            continue
        if action == Action.ACCEPT and order.handler_id is None:
            continue
        if action in (Action.ASSIGN, Action.RETURN) and order.department_id is None:
            continue
        if action == Action.ANSWER and order.order_type != OrderType.CONSULTATION:
            continue
        if permitted(lambda a=action: authorise(user, a, order)):
            found.append(str(action))
    editor = holds("change_workorder", "assign_workorder", "work_workorder")
    if order.order_type == OrderType.COMPLAINT and order.status not in FINAL and editor:
        found.append("reply")
    if (order.review_status == ReviewStatus.PENDING and order.reply
            and holds("approve_workorder")):
        found.append("reply_review")
    if order.order_type == OrderType.PAID_SERVICE and editor:
        if order.status not in FINAL and order.quote_status not in (QuoteStatus.ACCEPTED,
                                                                    QuoteStatus.CHARGED):
            found.append("quote")
        if order.quote_status == QuoteStatus.QUOTED:
            found.append("quote_answer")
        if order.quote_status == QuoteStatus.ACCEPTED and order.status in (
                Status.RESOLVED, Status.CALLBACK, Status.CLOSED):
            found.append("charge")
    # Clusters (SVC-11): the services also refuse linking an incident under another.
    if order.status not in FINAL and holds("dispatch_workorder"):
        found.append("cluster_unlink" if order.cluster_parent_id else "cluster_link")
    return found


# --- reads for the web screens (intake, queues, the order page) -----------------------------

INTAKE_LIMIT = 20


def _people_selectors():
    from linli.directory.selectors import people

    return people


@dataclass
class CallerMatch:
    """One row of the intake search: a person (with their current units) or a unit."""

    person: object | None
    relations: list
    unit: Unit | None = None


@dataclass
class IntakeLookup:
    """What the desk sees about a caller (journey 1): who matched the search, and for the
    chosen caller their units, family, open orders and the last callback."""

    query: str
    matches: list[CallerMatch]
    person: object | None = None
    unit: Unit | None = None
    relations: list = dataclass_field(default_factory=list)
    family: list = dataclass_field(default_factory=list)
    unit_people: list = dataclass_field(default_factory=list)
    open_orders: list = dataclass_field(default_factory=list)
    last_callback: Callback | None = None

    @property
    def chosen(self) -> bool:
        return self.person is not None or self.unit is not None


def intake_lookup(user, q: str = "", person_id=None, unit_id=None) -> IntakeLookup:
    """Search callers by phone, its last 4 digits, room code or name, and gather what the desk
    needs about the chosen one (all inside the user's scope)."""
    from linli.core.personal_data.search_query import QueryKind, parse_search_query
    from linli.directory.selectors import property as property_selectors

    people = _people_selectors()
    q = (q or "").strip()
    matches: list[CallerMatch] = []
    if q:
        for person in people.person_list(user, {"q": q}, with_units=True)[:INTAKE_LIMIT]:
            matches.append(CallerMatch(person, list(person.current_relations)))
        query = parse_search_query(q)
        if query.kind == QueryKind.ROOM:
            room = query.room
            code = "-".join(p for p in (room.building, room.section, room.room) if p)
            for unit in property_selectors.unit_list(user, {"room_code": code})[:INTAKE_LIMIT]:
                if unit.room_code == code or unit.room_code.startswith(code + "-"):
                    matches.append(CallerMatch(None, [], unit))
    lookup = IntakeLookup(query=q, matches=matches)
    person = None
    if str(person_id or "").isdigit():
        person = people.person_list(user, with_units=True).filter(pk=person_id).first()
    unit = None
    if str(unit_id or "").isdigit():
        unit = property_selectors.unit_list(user).filter(pk=unit_id).first()
    if person is not None:
        lookup.relations = list(person.current_relations)
        if unit is None and len(lookup.relations) == 1:
            unit = property_selectors.unit_list(user).filter(
                pk=lookup.relations[0].unit_id).first()
        lookup.family = people.family_of(user, person)
    if unit is not None:
        lookup.unit_people = people.unit_people(user, unit)
    lookup.person, lookup.unit = person, unit
    if lookup.chosen:
        phone = preferred_phone_number(person)
        lookup.open_orders = list(open_orders_of_caller(user, person=person, phone=phone,
                                                        unit=unit))
        lookup.last_callback = last_callback_of(user, person=person, unit=unit)
    return lookup


def preferred_phone_number(person) -> str:
    """The E.164 number the person prefers to be called on ("" when none or no person)."""
    if person is None:
        return ""
    phone = _people_selectors().preferred_phone(person)
    return phone.number if phone is not None else ""


def last_callback_of(user, *, person=None, unit=None) -> Callback | None:
    """The latest callback made about the caller's (or the unit's) orders."""
    who = Q()
    if person is not None:
        who |= Q(work_order__person=person)
    if unit is not None:
        who |= Q(work_order__unit=unit)
    if not who:
        return None
    return (Callback.objects.restrict(user, "view").filter(who, called_at__isnull=False)
            .select_related("work_order", "called_by").order_by("-called_at", "-pk").first())


def department_choices(user, within: OrgUnit | None = None):
    """The org units an order may be handed to (departments, teams and management offices),
    in tree order: those inside ``within`` (an order's office) when given, else those where
    the user sees orders."""
    from linli.accounts.models import OrgUnitKind

    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return OrgUnit.objects.none()
    units = OrgUnit.objects.filter(
        tenant_id=tenant_id, is_active=True,
        kind__in=[OrgUnitKind.DEPARTMENT, OrgUnitKind.TEAM, OrgUnitKind.PROJECT],
    )
    if within is not None:
        units = units.filter(path__startswith=within.path)
    else:
        scope = scope_for(user)
        granted = scope.org_units_for("servicedesk.view_workorder") if scope else frozenset()
        if granted is not None:
            units = units.filter(pk__in=granted)
    return units.order_by("path")


def _desk_memberships(tenant_id: int) -> QuerySet[Membership]:
    """Current memberships of the tenant whose role lets their holder work on or assign
    orders."""
    today = _today()
    return Membership.objects.filter(
        tenant_id=tenant_id,
        role__permissions__codename__in=["work_workorder", "assign_workorder"],
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def desk_staff(user, department=None) -> QuerySet[User]:
    """Active users of the user's tenant who may work on or assign orders — inside
    ``department``'s subtree when given (the services check the handler there again)."""
    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return User.objects.none()
    memberships = _desk_memberships(tenant_id)
    if department is not None:
        memberships = memberships.filter(org_unit__path__startswith=department.path)
    return User.objects.filter(tenant_id=tenant_id, is_active=True,
                               pk__in=memberships.values("user_id")
                               ).order_by("display_name", "username", "pk")


def desk_staff_by_department(user, departments) -> dict[int, list[User]]:
    """``desk_staff(user, department)`` for each of ``departments``, keyed by the
    department's id, in two queries however many departments there are (a list whose rows
    each offer the staff of their own department); only the staff of those subtrees load."""
    wanted = {d.pk: d for d in departments if d is not None}
    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None or not wanted:
        return {}
    inside = Q()
    for department in wanted.values():
        inside |= Q(org_unit__path__startswith=department.path)
    memberships = _desk_memberships(tenant_id).filter(inside)
    paths: dict[int, list[str]] = {}
    for user_id, path in memberships.values_list("user_id", "org_unit__path"):
        paths.setdefault(user_id, []).append(path)
    staff = list(User.objects.filter(tenant_id=tenant_id, is_active=True, pk__in=list(paths))
                 .order_by("display_name", "username", "pk"))
    return {pk: [member for member in staff
                 if any(path.startswith(department.path) for path in paths.get(member.pk, ()))]
            for pk, department in wanted.items()}


class DeskChoices:
    """What the move forms of one page offer — the departments and staff of an office, the
    department an order is suggested to — read once per office, department or kind of order
    however many orders the page shows (the dispatcher queue holds 25, each with its forms)."""

    def __init__(self, user):
        self.user = user
        self._memo: dict[tuple, object] = {}

    def _once(self, key: tuple, read):
        if key not in self._memo:
            self._memo[key] = read()
        return self._memo[key]

    def department_queryset(self, office: OrgUnit) -> QuerySet[OrgUnit]:
        return self._once(("department_qs", office.pk),
                          lambda: department_choices(self.user, office))

    def departments(self, office: OrgUnit) -> list[OrgUnit]:
        return self._once(("departments", office.pk),
                          lambda: list(self.department_queryset(office)))

    def staff_queryset(self, unit: OrgUnit | None) -> QuerySet[User]:
        return self._once(("staff_qs", unit.pk if unit else None),
                          lambda: desk_staff(self.user, unit))

    def staff(self, unit: OrgUnit | None) -> list[User]:
        return self._once(("staff", unit.pk if unit else None),
                          lambda: list(self.staff_queryset(unit)))

    def routing_rules(self, order: WorkOrder) -> list[RoutingRule]:
        return self._once(("rules", order.tenant_id, order.community_id),
                          lambda: routing_rules_for(order.tenant_id, order.community_id))

    def suggested(self, order: WorkOrder) -> OrgUnit | None:
        # Everything suggested_department reads of the order.
        key = ("suggested", order.tenant_id, order.order_type, order.category_id, order.area,
               order.community_id, order.building_id)
        return self._once(key, lambda: suggested_department(order, self.routing_rules(order)))


def departments_by_id(user, ids) -> dict[int, OrgUnit]:
    """Org units of the user's own tenant by id, in one query (e.g. the departments the rows
    of a list suggest)."""
    tenant_id = getattr(user, "tenant_id", None)
    ids = {pk for pk in ids if pk is not None}
    if tenant_id is None or not ids:
        return {}
    return {unit.pk: unit for unit in OrgUnit.objects.filter(tenant_id=tenant_id, pk__in=ids)}


def suggested_department(order: WorkOrder, rules: list[RoutingRule] | None = None):
    """Where a one-click dispatch sends an order: the matching routing rule's department,
    else the default department of the order's category (or of the nearest parent category
    that has one) as it serves the order's office (None: the dispatcher chooses).
    ``rules``: the rules of the order's community as ``routing_rules_for`` reads them."""
    route = route_for(order) if rules is None else route_among(order, rules)
    if route is not None:
        return route.department
    node = order.category
    while node is not None:
        department = department_for(order, node.default_department)
        if department is not None:
            return department
        node = node.parent
    return None


QUEUE_SORTS = {"due": "next_due", "priority": "priority", "created": "created_at",
               "number": "number"}


def queue_list(user, filters: dict | None = None) -> QuerySet[WorkOrder]:
    """The dispatcher queue (or, with ``mine``, the user's own open orders) with the next
    due and warning times of the running clocks and whether a clock was breached;
    ``filters["sort"]``: a key of QUEUE_SORTS ("-" for descending), default next due."""
    filters = filters or {}
    breached = WorkOrderClock.objects.filter(work_order=OuterRef("pk")).filter(
        Q(breached_at__isnull=False) | Q(state="missed"))
    # The community's office too: a suggested department is the one serving that office.
    qs = dispatcher_queue(user, filters).select_related("community__org_unit").annotate(
        next_warn=earliest_running("warn_at"),
        was_breached=Exists(breached))
    sort = str(filters.get("sort") or "")
    key = sort.lstrip("-")
    field_name = QUEUE_SORTS.get(key, "next_due")
    descending = sort.startswith("-") and key in QUEUE_SORTS
    order = F(field_name).desc(nulls_last=True) if descending else F(field_name).asc(
        nulls_last=True)
    return qs.order_by(order, "created_at", "pk")


@dataclass(frozen=True)
class ClockView:
    """A clock as a screen shows it: ``status`` is breached, warned, paused, running, met,
    missed or cancelled; ``colour`` its Tabler colour."""

    clock: WorkOrderClock
    status: str
    colour: str


CLOCK_COLOURS = {"breached": "red", "missed": "red", "warned": "orange", "paused": "yellow",
                 "running": "blue", "met": "green", "cancelled": "secondary"}


def clock_status(state: str, due_at, warn_at, breached_at=None, now=None) -> str:
    now = now or timezone.now()
    if state == "running":
        if breached_at is not None or (due_at is not None and due_at <= now):
            return "breached"
        if warn_at is not None and warn_at <= now:
            return "warned"
        return "running"
    return state


def clock_views(order: WorkOrder, now=None) -> list[ClockView]:
    now = now or timezone.now()
    views = []
    for clock in clocks_of(order):
        status = clock_status(clock.state, clock.due_at, clock.warn_at, clock.breached_at, now)
        views.append(ClockView(clock, status, CLOCK_COLOURS.get(status, "secondary")))
    return views


CANDIDATES_PER_SEARCH = 10


def verify_candidates(user, order: WorkOrder, q: str = "") -> list:
    """People to offer when identifying a quarantined order's contact: those with the order's
    phone or name, and those matching ``q``."""
    return verify_candidates_for(user, [order], q)[order.pk]


def verify_candidates_for(user, orders, q: str = "") -> dict[int, list]:
    """``verify_candidates`` of each of ``orders``, keyed by the order's id, in four queries
    however many orders there are: one finds who matches any of the searches (``q`` and every
    order's phone and name, the first CANDIDATES_PER_SEARCH people of each by name), one more
    reads those people with their phones and current units."""
    from django.db.models import BooleanField, Case, Value, When

    people = _people_selectors()
    searches = {order.pk: [t for t in ((q or "").strip(), (order.caller_phone or "").strip(),
                                       (order.caller_name or "").strip()) if t]
                for order in orders}
    conditions = {}
    for texts in searches.values():
        for text in texts:
            if text not in conditions:
                conditions[text] = people.person_search_condition(text)
    conditions = {text: c for text, c in conditions.items() if c is not None}
    first: dict[str, list[int]] = {text: [] for text in conditions}
    if conditions:
        names = {text: f"matches_{i}" for i, text in enumerate(conditions)}
        anyone = Q()
        for condition in conditions.values():
            anyone |= Q(condition)
        rows = people.person_queryset(user).filter(anyone).annotate(**{
            names[text]: Case(When(condition, then=Value(True)), default=Value(False),
                              output_field=BooleanField())
            for text, condition in conditions.items()
        }).order_by(people.DEFAULT_SORT, "id").values_list("pk", *names.values())
        for pk, *matches in rows:
            for text, matched in zip(conditions, matches, strict=True):
                if matched and len(first[text]) < CANDIDATES_PER_SEARCH:
                    first[text].append(pk)
    wanted = {pk for pks in first.values() for pk in pks}
    wanted |= {order.person_id for order in orders if order.person_id}
    found = {p.pk: p for p in people.person_list(user, with_units=True).filter(pk__in=wanted)
             } if wanted else {}
    result = {}
    for order in orders:
        chosen: dict[int, object] = {}
        for text in searches[order.pk]:
            for pk in first.get(text, []):
                if pk in found:
                    chosen.setdefault(pk, found[pk])
        if order.person_id in found:
            chosen.setdefault(order.person_id, found[order.person_id])
        result[order.pk] = list(chosen.values())
    return result


def orders_registered_on(user, day: dt.date) -> QuerySet[WorkOrder]:
    """Orders registered on ``day`` that no contact-log entry records (for the day's printed
    call and visit log)."""
    return (work_order_list(user, {"created_from": day, "created_to": day})
            .filter(contact_logs__isnull=True).select_related("registered_by")
            .order_by("created_at", "pk"))


# --- configuration screens and writers (SVC-2 … SVC-4) --------------------------------------

def desk_configured(tenant_id: int) -> bool:
    """Whether the tenant has any configuration of its own (levels, categories, routing rules
    or matrix cells); the seed install is offered only while it has none."""
    return any(model.objects.filter(tenant_id=tenant_id).exists()
               for model in (ServiceLevel, Category, RoutingRule, PriorityRule))


def desk_policy_for_update(tenant_id: int) -> DeskPolicy:
    """The tenant's policy row locked for a change, or a new one with the defaults."""
    policy = DeskPolicy.objects.select_for_update().filter(tenant_id=tenant_id).first()
    return policy or DeskPolicy(tenant_id=tenant_id)


def priority_rules_today(tenant_id: int) -> dict[tuple[str, str], PriorityRule]:
    """The matrix cell rows valid today by (urgency, impact): the one ``priority_for`` reads
    (the latest start) when several are."""
    found: dict[tuple[str, str], PriorityRule] = {}
    rules = (PriorityRule.objects.filter(tenant_id=tenant_id).filter(_valid_on(_today()))
             .order_by("urgency", "impact", F("valid_from").desc(nulls_last=True), "pk"))
    for rule in rules:
        found.setdefault((rule.urgency, rule.impact), rule)
    return found


@dataclass(frozen=True)
class MatrixCell:
    urgency: str
    impact: str
    priority: str
    is_default: bool  # no rule of the tenant's own: the seed matrix's value

    @property
    def name(self) -> str:
        return f"{self.urgency}_{self.impact}"

    @property
    def impact_label(self) -> str:
        return Level(self.impact).label


def priority_matrix(user) -> list[list[MatrixCell]]:
    """The matrix valid today as rows of urgency (high first), each cell by impact (high
    first), with the seed value where the tenant has no rule."""
    tenant_id = getattr(user, "tenant_id", None)
    rules = priority_rules_today(tenant_id) if tenant_id is not None else {}
    grid = []
    for urgency in Level.values:
        row = []
        for impact in Level.values:
            rule = rules.get((urgency, impact))
            row.append(MatrixCell(urgency, impact,
                                  rule.priority if rule else DEFAULT_MATRIX[(urgency, impact)],
                                  rule is None))
        grid.append(row)
    return grid


def routing_rule_twin(tenant_id: int, *, exclude: RoutingRule | None, position: int,
                      valid_from, valid_until, order_type: str, category, area: str,
                      community, building) -> RoutingRule | None:
    """An active rule with exactly these conditions and position whose validity overlaps
    the dates given (open ends overlap everything): route_for could not tell them apart."""
    qs = RoutingRule.objects.filter(
        tenant_id=tenant_id, is_active=True, position=position, order_type=order_type,
        category=category, area=area, community=community, building=building)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    if valid_until is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_until))
    if valid_from is not None:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    return qs.order_by("pk").first()


def category_has_children(category: Category) -> bool:
    return Category.objects.filter(tenant_id=category.tenant_id, parent=category).exists()


def category_name_taken(tenant_id: int, *, order_type: str, parent: Category | None,
                        name: str, exclude: Category | None) -> bool:
    """Whether a sibling of the same type already has ``name`` (the seed install finds its
    categories by type, parent and name)."""
    qs = Category.objects.filter(tenant_id=tenant_id, order_type=order_type, parent=parent,
                                 name=name)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs.exists()


def configuration_departments(user) -> QuerySet[OrgUnit]:
    """Active org units of the user's tenant that configuration may name (departments, teams,
    offices), in tree order: the configuration is tenant-wide."""
    from linli.accounts.models import OrgUnitKind

    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        tenant_id=tenant_id, is_active=True,
        kind__in=[OrgUnitKind.DEPARTMENT, OrgUnitKind.TEAM, OrgUnitKind.PROJECT],
    ).order_by("path")


def routing_rule_rows(user) -> QuerySet[RoutingRule]:
    """The routing rules for the configuration list, by position (categories named with
    their parents)."""
    return routing_rule_list(user).select_related("category__parent", "building__community"
                                                  ).order_by("position", "pk")


# --- clusters and hot spots (SVC-11) --------------------------------------------------------

SUGGESTION_LIMIT = 10


def duplicate_suggestions(user, *, community=None, building=None, category=None,
                          around: dt.datetime | None = None, exclude: WorkOrder | None = None,
                          limit: int = SUGGESTION_LIMIT) -> list[WorkOrder]:
    """Open orders the user can see that likely report the same incident: the same category,
    the same building (the same community when no building is given), registered within the
    desk policy's window of ``around`` (default now). Incidents with the most linked orders
    come first, then the newest. Orders linked under an incident are not offered: their
    incident is."""

    tenant_id = getattr(user, "tenant_id", None)
    if tenant_id is None:
        return []
    if building is not None and community is not None and building.community_id != community.pk:
        building = None  # a building of another community says nothing about this one
    hours = desk_policy(tenant_id).duplicate_window_hours
    moment = around or timezone.now()
    window = dt.timedelta(hours=hours)
    qs = WorkOrder.objects.restrict(user, "view").filter(
        status__in=OPEN, cluster_parent__isnull=True,
        created_at__gte=moment - window, created_at__lte=moment + window)
    if building is not None:
        qs = qs.filter(building=building)
    elif community is not None:
        qs = qs.filter(community=community)
    if category is not None:
        qs = qs.filter(category=category)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    # The few suggestions are picked among the matching orders first, and only they are
    # read with their joins: a burst of calls about one incident (hundreds of orders in a
    # building) would otherwise be joined whole to be sorted. Picked in a query of its own:
    # as a subquery, PostgreSQL expected one row of it and joined the whole table instead.
    ordering = ("-children_count", "-created_at", "-pk")
    picked = list(qs.annotate(children_count=_cluster_size()).order_by(*ordering)
                  .values_list("pk", flat=True)[:limit])
    if not picked:
        return []
    return list(WorkOrder.objects.filter(pk__in=picked)  # scoped-query-ok: picked in scope
                .select_related("community", "building", "unit", "category__parent",
                                "department", "handler")
                .annotate(children_count=_cluster_size()).order_by(*ordering))


def cluster_suggestions(user, order: WorkOrder, *, has_children: bool | None = None
                        ) -> list[WorkOrder]:
    """The incidents ``order`` may be linked to (none when it cannot be linked: closed,
    linked already, or an incident itself — ``has_children`` when the caller knows)."""
    from linli.servicedesk.states import FINAL

    if order.status in FINAL or order.cluster_parent_id is not None:
        return []
    if has_children if has_children is not None else order.cluster_children.exists():
        return []
    return duplicate_suggestions(user, community=order.community, building=order.building,
                                 category=order.category, around=order.created_at,
                                 exclude=order)


def cluster_children(user, order: WorkOrder) -> QuerySet[WorkOrder]:
    """The orders linked under ``order`` that the user can see, oldest first."""
    return (WorkOrder.objects.restrict(user, "view").filter(cluster_parent=order)
            .select_related("unit", "handler").order_by("created_at", "pk"))


def cluster_parents_of(user, orders) -> dict[int, WorkOrder]:
    """The incidents of ``orders`` (by order id) that the user can see, in one query."""
    wanted = {o.cluster_parent_id for o in orders if o.cluster_parent_id}
    if not wanted:
        return {}
    parents = WorkOrder.objects.restrict(user, "view").in_bulk(wanted)
    return {o.pk: parents[o.cluster_parent_id] for o in orders
            if o.cluster_parent_id in parents}


def work_order_by_number(user, number: str) -> WorkOrder | None:
    """An order the user can see, by its number (GD20261204-0007), or None."""
    number = (number or "").strip().upper()
    if not number:
        return None
    return WorkOrder.objects.restrict(user, "view").filter(number=number).first()


HOT_SPOT_TYPES = (OrderType.COMPLAINT, OrderType.REPAIR)
HOT_SPOT_MAX_DAYS = 366
HOT_SPOT_EARLIEST = dt.date(2000, 1, 1)


def hot_spot_period(date_from: dt.date | None, date_to: dt.date | None
                    ) -> tuple[dt.date, dt.date]:
    """The period of a hot-spot view: the last 30 days by default; a period that ends before
    it starts, lasts more than 366 days, starts before 2000 or ends after today is refused
    with a message per field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    today = _today()
    date_to = date_to or today
    date_from = date_from or date_to - dt.timedelta(days=29)
    errors: dict[str, list[str]] = {}
    if date_from < HOT_SPOT_EARLIEST:
        errors["date_from"] = [_("Start on 1 January 2000 or later.")]
    if date_to > today:
        errors["date_to"] = [_("End today or earlier: there are no orders after today.")]
    if date_to < date_from:
        errors.setdefault("date_to", []).append(_("The end date is before the start date."))
    elif (date_to - date_from).days + 1 > HOT_SPOT_MAX_DAYS:
        errors.setdefault("date_to", []).append(
            _("Choose a period of at most %(days)d days.") % {"days": HOT_SPOT_MAX_DAYS})
    if errors:
        raise ValidationError(errors)
    return date_from, date_to


def _hot_spot_orders(user, *, date_from: dt.date, date_to: dt.date, order_type: str = "",
                     community=None) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.restrict(user, "view").filter(
        order_type__in=[order_type] if order_type else HOT_SPOT_TYPES,
        created_at__date__gte=date_from, created_at__date__lte=date_to)
    if community is not None:
        qs = qs.filter(community=community)
    return qs


def hot_spots(user, *, date_from: dt.date, date_to: dt.date, order_type: str = "",
              community=None, min_orders: int = 1) -> QuerySet:
    """Complaints and repairs counted by day × building × category × type over the period
    (one row each, as dicts): ``orders``, ``linked`` (orders linked to an incident),
    ``incidents`` (the incidents they are linked to) and ``latest`` (the newest order's id).
    Most orders first. The period is checked by ``hot_spot_period``."""
    from django.db.models import Count, Max
    from django.db.models.functions import TruncDate

    return (_hot_spot_orders(user, date_from=date_from, date_to=date_to,
                             order_type=order_type, community=community)
            .annotate(day=TruncDate("created_at"))
            .values("day", "community_id", "community__name", "building_id",
                    "building__number", "building__name", "category_id", "category__name",
                    "category__parent__name", "order_type")
            .annotate(orders=Count("pk"),
                      linked=Count("pk", filter=Q(cluster_parent__isnull=False)),
                      incidents=Count("cluster_parent", distinct=True),
                      latest=Max("pk"))
            .filter(orders__gte=max(1, min_orders))
            .order_by("-orders", "-day", "community__name", "building__number",
                      "category__name", "order_type"))


def hot_spots_none(user) -> QuerySet:
    """No hot-spot rows (the answer to a refused period)."""
    return WorkOrder.objects.restrict(user, "view").none().values()


def hot_spot_summaries(user, rows) -> dict[int, str]:
    """The summary of each row's newest order (by its id), in one query."""
    ids = {row["latest"] for row in rows}
    return dict(WorkOrder.objects.restrict(user, "view").filter(pk__in=ids)
                .values_list("pk", "summary"))


def hot_spot_drill(user, *, day: dt.date, community=None, building_id=None,
                   category_id=None, order_type: str = "") -> QuerySet[WorkOrder]:
    """The orders behind one hot spot: a day, a building (None: orders without one), a
    category (None: orders without one), and optionally a community and a type."""
    qs = (_hot_spot_orders(user, date_from=day, date_to=day, order_type=order_type,
                           community=community)
          .select_related("community", "building", "unit", "category__parent", "department",
                          "handler", "cluster_parent")
          .order_by("created_at", "pk"))
    qs = qs.filter(building_id=building_id) if building_id else qs.filter(
        building__isnull=True)
    return qs.filter(category_id=category_id) if category_id else qs.filter(
        category__isnull=True)


HOT_SPOT_CHART_PLACES = 30


def hot_spot_grid(user, *, date_from: dt.date, date_to: dt.date, order_type: str = "",
                  community=None, min_orders: int = 1) -> dict:
    """The heatmap of the hot-spot view: orders per day (x) and place (y: community ·
    building, the busiest ``HOT_SPOT_CHART_PLACES``), in one query. ``min_orders`` applies
    to the cells."""
    from django.db.models import Count
    from django.db.models.functions import TruncDate
    from django.utils.translation import gettext as _

    cells = (_hot_spot_orders(user, date_from=date_from, date_to=date_to,
                              order_type=order_type, community=community)
             .annotate(day=TruncDate("created_at"))
             .values("day", "community_id", "community__name", "building_id",
                     "building__number", "building__name")
             .annotate(orders=Count("pk")).filter(orders__gte=max(1, min_orders))
             .order_by())
    totals: dict[tuple, int] = {}
    labels: dict[tuple, str] = {}
    found = []
    for cell in cells:
        place = (cell["community_id"], cell["building_id"])
        totals[place] = totals.get(place, 0) + cell["orders"]
        building = (cell["building__name"] or _("Building %(number)s")
                    % {"number": cell["building__number"]}) if cell["building_id"] else _(
            "no building")
        labels[place] = f"{cell['community__name']} · {building}"
        found.append((cell["day"], place, cell["orders"]))
    places = sorted(totals, key=lambda p: (-totals[p], labels[p]))[:HOT_SPOT_CHART_PLACES]
    index = {place: i for i, place in enumerate(places)}
    days = [date_from + dt.timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    return {
        "days": [d.isoformat() for d in days],
        "places": [labels[p] for p in places],
        "cells": [[(day - date_from).days, index[place], orders]
                  for day, place, orders in found if place in index],
        "max": max((orders for _d, _p, orders in found), default=0),
    }
# --- dispatch slips of a department's day (SVC-14) -----------------------------------------

# The events that hand an order to a department or one of its workers (a rework is the
# second dispatch, 二次派单).
HANDED_OVER = ("work_order.routed", "work_order.dispatch", "work_order.transfer",
               "work_order.assign", "work_order.rework_opened")
# Clocks still counting towards their due time.
COUNTING = ("running", "paused")


def slip_departments(user) -> QuerySet[OrgUnit]:
    """The departments (teams, offices) whose day of dispatch slips the user may print: those
    where they see work orders, named with the unit above them (every office has its 工程部)."""
    return department_choices(user).select_related("parent")


def slip_department_get(user, pk) -> OrgUnit:
    """An active org unit of the user's tenant where they see work orders (its orders are
    those of its whole subtree); another tenant's, outside the scope or missing: 404."""
    tenant_id = getattr(user, "tenant_id", None)
    units = OrgUnit.objects.filter(tenant_id=tenant_id, is_active=True)
    scope = scope_for(user)
    granted = scope.org_units_for("servicedesk.view_workorder") if scope else frozenset()
    if granted is not None:
        units = units.filter(pk__in=granted)
    return get_object_or_404(units, pk=pk)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1),
                                                          dt.time.min))


def department_day_orders(user, department: OrgUnit, day: dt.date) -> QuerySet[WorkOrder]:
    """The orders of ``department`` (and the units below it) that the user sees and that were
    handed to it or one of its workers on ``day`` (local), or whose appointment or a counting
    clock falls on that day; cancelled orders are left out. Most urgent first: by priority,
    then the next due time, then number. Clocks come along (``clocks_of``)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, Min, OuterRef, Prefetch

    from linli.core.events import DomainEvent

    start, end = _day_bounds(day)
    handed = DomainEvent.objects.filter(
        subject_type=ContentType.objects.get_for_model(WorkOrder),
        subject_id=OuterRef("pk"), verb__in=HANDED_OVER,
        occurred_at__gte=start, occurred_at__lt=end)
    due = WorkOrderClock.objects.filter(work_order=OuterRef("pk"), state__in=COUNTING,
                                        due_at__gte=start, due_at__lt=end)
    return (work_order_list(user)
            .filter(department__path__startswith=department.path)
            .exclude(status=Status.CANCELLED)
            .filter(Q(Exists(handed)) | Q(Exists(due))
                    | Q(appointment_at__gte=start, appointment_at__lt=end))
            .annotate(next_due=Min("clocks__due_at", filter=Q(clocks__state__in=COUNTING)))
            .prefetch_related(Prefetch("clocks", queryset=WorkOrderClock.objects.order_by(
                "due_at", "pk")))
            .order_by("priority", F("next_due").asc(nulls_last=True), "number", "pk"))
