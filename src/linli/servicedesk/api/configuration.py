"""API of the desk's tunable rules (SVC-2 … SVC-4): service levels with their clocks, routing
rules and the category tree, each with its POST and PUT. They are tenant-wide data with
validity dates; a PUT replaces every field of the record."""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.choices import Area, ClockKind, ClockUnit, OrderType, Priority
from linli.servicedesk.models import Category, RoutingRule, ServiceLevel

router = Router(tags=["service desk configuration"])


class _Validity(Schema):
    valid_from: date | None = None
    valid_until: date | None = None
    is_active: bool = True


# --- service levels -------------------------------------------------------------------------

class ServiceClockOut(Schema):
    kind: str
    amount: Decimal
    unit: str


class ServiceLevelOut(Schema):
    id: int
    code: str
    name: str
    order_type: str
    priority: str
    for_formal_complaints: bool
    warning_share: Decimal
    callback_hours: int
    clocks: list[ServiceClockOut]
    valid_from: date | None
    valid_until: date | None
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_clocks(obj) -> list:
        return sorted(obj.clocks.all(), key=lambda c: ClockKind.values.index(c.kind))


class ServiceClockIn(Schema):
    kind: ClockKind
    amount: Decimal = Field(..., gt=0, max_digits=7, decimal_places=2)
    unit: ClockUnit = ClockUnit.CALENDAR_HOURS


class ServiceLevelIn(_Validity):
    code: str = Field(..., min_length=1, max_length=50, description="Letters, digits, - and _")
    name: str = Field(..., min_length=1, max_length=100)
    order_type: OrderType | None = Field(None, description="Empty: any type")
    priority: Priority | None = Field(None, description="Empty: any priority")
    for_formal_complaints: bool = False
    warning_share: Decimal = Field(Decimal("0.75"), ge=Decimal("0.05"), le=Decimal("0.99"),
                                   max_digits=3, decimal_places=2,
                                   description="Warn when this share of a clock has run")
    callback_hours: int = Field(24, ge=0, le=32767,
                                description="Callback due after the resolution deadline")
    clocks: list[ServiceClockIn] = Field(default_factory=list, max_length=4,
                                         description="Replaces every clock of the level")


def _save_level(request, payload: ServiceLevelIn, level: ServiceLevel | None):
    actor = request.auth
    return lookups.call(
        services.service_level_save, actor=actor, tenant=actor.tenant, level=level,
        code=payload.code, name=payload.name, order_type=lookups.value(payload.order_type),
        priority=lookups.value(payload.priority),
        for_formal_complaints=payload.for_formal_complaints,
        warning_share=payload.warning_share, callback_hours=payload.callback_hours,
        clocks=[(c.kind.value, c.amount, c.unit.value) for c in payload.clocks],
        valid_from=payload.valid_from, valid_until=payload.valid_until,
        is_active=payload.is_active,
    )


@router.get("/service-levels", response=list[ServiceLevelOut], summary="Service levels")
@scoped(ServiceLevel, "list")
@paginate(PagePagination)
def service_level_list(request):
    return selectors.service_level_list(request.auth)


@router.get("/service-levels/{level_id}", response=ServiceLevelOut, summary="One service level")
@scoped(ServiceLevel, "detail")
def service_level_detail(request, level_id: PathId):
    return selectors.service_level_get(request.auth, level_id)


@router.post("/service-levels", response={201: ServiceLevelOut},
             summary="Create a service level")
def service_level_create(request, payload: ServiceLevelIn):
    level = _save_level(request, payload, None)
    return Status(201, selectors.service_level_get(request.auth, level.pk))


@router.put("/service-levels/{level_id}", response=ServiceLevelOut,
            summary="Replace a service level and its clocks")
def service_level_update(request, level_id: PathId, payload: ServiceLevelIn):
    level = selectors.service_level_get(request.auth, level_id)
    _save_level(request, payload, level)
    return selectors.service_level_get(request.auth, level_id)


# --- routing rules --------------------------------------------------------------------------

class RoutingRuleOut(Schema):
    id: int
    position: int
    order_type: str
    category_id: int | None
    category_name: str | None = None
    area: str
    community_id: int | None
    community_name: str | None = None
    building_id: int | None
    department_id: int
    department_name: str = ""
    team_id: int | None
    to_housekeeper: bool
    note: str
    valid_from: date | None
    valid_until: date | None
    is_active: bool

    @staticmethod
    def resolve_category_name(obj) -> str | None:
        return str(obj.category) if obj.category_id else None

    @staticmethod
    def resolve_community_name(obj) -> str | None:
        return obj.community.name if obj.community_id else None

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class RoutingRuleIn(_Validity):
    department_id: Id
    team_id: Id | None = Field(None, description="A unit inside the department")
    to_housekeeper: bool = Field(False, description="The unit's zone housekeeper handles it")
    order_type: OrderType | None = Field(None, description="Empty: any type")
    category_id: Id | None = Field(None, description="Matches the category and below")
    area: Area | None = Field(None, description="Empty: any area")
    community_id: Id | None = None
    building_id: Id | None = None
    position: int = Field(100, ge=0, le=2_147_483_647,
                          description="Among equally specific rules the lower wins")
    note: str = Field("", max_length=200)


def _save_rule(request, payload: RoutingRuleIn, rule: RoutingRule | None):
    actor = request.auth
    return lookups.call(
        services.routing_rule_save, actor=actor, tenant=actor.tenant, rule=rule,
        department=lookups.department(actor, payload.department_id),
        team=lookups.department(actor, payload.team_id, "team_id"),
        to_housekeeper=payload.to_housekeeper, order_type=lookups.value(payload.order_type),
        category=lookups.category(actor, payload.category_id),
        area=lookups.value(payload.area),
        community=lookups.community(actor, payload.community_id),
        building=lookups.building(actor, payload.building_id), position=payload.position,
        note=payload.note, valid_from=payload.valid_from, valid_until=payload.valid_until,
        is_active=payload.is_active,
    )


@router.get("/routing-rules", response=list[RoutingRuleOut], summary="Routing rules")
@scoped(RoutingRule, "list")
@paginate(PagePagination)
def routing_rule_list(request):
    """By position."""
    return selectors.routing_rule_list(request.auth).select_related("category__parent")


@router.get("/routing-rules/{rule_id}", response=RoutingRuleOut, summary="One routing rule")
@scoped(RoutingRule, "detail")
def routing_rule_detail(request, rule_id: PathId):
    return selectors.routing_rule_get(request.auth, rule_id)


@router.post("/routing-rules", response={201: RoutingRuleOut},
             summary="Create a routing rule")
def routing_rule_create(request, payload: RoutingRuleIn):
    rule = _save_rule(request, payload, None)
    return Status(201, selectors.routing_rule_get(request.auth, rule.pk))


@router.put("/routing-rules/{rule_id}", response=RoutingRuleOut,
            summary="Replace a routing rule")
def routing_rule_update(request, rule_id: PathId, payload: RoutingRuleIn):
    rule = selectors.routing_rule_get(request.auth, rule_id)
    _save_rule(request, payload, rule)
    return selectors.routing_rule_get(request.auth, rule_id)


# --- categories -----------------------------------------------------------------------------

class CategoryOut(Schema):
    id: int
    parent_id: int | None
    depth: int = Field(description="0 for a top category")
    order_type: str
    name: str
    full_name: str = Field("", description="With its ancestors, e.g. 水电 › 漏水")
    default_department_id: int | None
    default_priority: str
    default_area: str
    service_level_id: int | None
    valid_from: date | None
    valid_until: date | None
    is_active: bool

    @staticmethod
    def resolve_depth(obj) -> int:
        depth = getattr(obj, "tree_depth", None)
        return depth if depth is not None else len(selectors.category_ancestors(obj)) - 1

    @staticmethod
    def resolve_full_name(obj) -> str:
        return str(obj)


class CategoryFilters(Schema):
    order_type: OrderType | None = None
    active: bool | None = Field(None, description="true: only categories valid today")


@router.get("/categories", response=list[CategoryOut],
            summary="The category tree, depth first")
@scoped(Category, "list")
def category_list(request, filters: Query[CategoryFilters]):
    """Every visible category, each parent before its children, with its depth."""
    tree = selectors.category_tree(request.auth, {
        "order_type": lookups.value(filters.order_type), "active": filters.active})
    for node, depth in tree:
        node.tree_depth = depth
    return [node for node, _depth in tree]


@router.get("/categories/{category_id}", response=CategoryOut, summary="One category")
@scoped(Category, "detail")
def category_detail(request, category_id: PathId):
    return selectors.category_get(request.auth, category_id)


class CategoryIn(_Validity):
    order_type: OrderType
    name: str = Field(..., min_length=1, max_length=100)
    parent_id: Id | None = Field(None, description="A category of the same order type")
    default_priority: Priority | None = Field(None, description="Empty: from the matrix")
    default_area: Area | None = None
    default_department_id: Id | None = None
    service_level_id: Id | None = Field(None, description="Empty: by type × priority")


# The service's argument names → the payload's.
CATEGORY_FIELDS = {"parent": "parent_id", "default_department": "default_department_id",
                   "service_level": "service_level_id"}


def _save_category(request, payload: CategoryIn, category: Category | None):
    actor = request.auth
    level = None
    if payload.service_level_id is not None:
        level = selectors.service_level_list(actor).filter(pk=payload.service_level_id).first()
        if level is None:
            raise lookups.invalid("service_level_id", _("Choose a service level you can see."))
    return lookups.call(
        _renamed(services.category_save, CATEGORY_FIELDS), actor=actor, tenant=actor.tenant,
        category=category, order_type=payload.order_type.value, name=payload.name,
        parent=lookups.category(actor, payload.parent_id, "parent_id"),
        default_priority=lookups.value(payload.default_priority),
        default_area=lookups.value(payload.default_area),
        default_department=lookups.department(actor, payload.default_department_id,
                                              "default_department_id"),
        service_level=level, valid_from=payload.valid_from, valid_until=payload.valid_until,
        is_active=payload.is_active,
    )


def _renamed(service, names: dict[str, str]):
    """``service`` with the names of its field errors changed to ``names``' values."""
    def run(**kwargs):
        try:
            return service(**kwargs)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError({names.get(name, name): errors
                                   for name, errors in exc.error_dict.items()}) from exc
    return run


@router.post("/categories", response={201: CategoryOut}, summary="Create a category")
def category_create(request, payload: CategoryIn):
    category = _save_category(request, payload, None)
    return Status(201, selectors.category_get(request.auth, category.pk))


@router.put("/categories/{category_id}", response=CategoryOut, summary="Replace a category")
def category_update(request, category_id: PathId, payload: CategoryIn):
    category = selectors.category_get(request.auth, category_id)
    _save_category(request, payload, category)
    return selectors.category_get(request.auth, category_id)
