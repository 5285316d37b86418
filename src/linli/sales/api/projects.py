"""API of sales (SAL-3, SAL-5): projects, units on sale and their status moves, price lists
with their rules and the re-pricing of a building, quotes and their approval.

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (ValidationErrors become 422 with fields, PermissionDenied 403). Ids in a payload
that the caller cannot see are refused as invalid fields.
"""


import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.choices import Orientation
from linli.directory.selectors import people as people_selectors
from linli.directory.selectors import property as property_selectors
from linli.sales import selectors, services
from linli.sales.api.shared import filters_dict, found
from linli.sales.models import PriceList, Quote, SalesProject, SaleUnit
from linli.sales.states import ApprovalStatus, ProjectStatus, RuleKind, SaleStatus

router = Router(tags=["sales"])




# --- projects -------------------------------------------------------------------------------

class SalesProjectOut(Schema):
    id: int
    org_unit_id: int
    community_id: int
    name: str
    status: str
    launch_date: dt.date | None
    presale_permit: str
    unit_count: int
    available_count: int


class SalesProjectIn(Schema):
    community_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    status: ProjectStatus = ProjectStatus.PREPARING
    launch_date: dt.date | None = None
    presale_permit: str = Field("", max_length=100)


class SalesProjectFilters(Schema):
    q: str | None = Field(None, max_length=100)
    status: ProjectStatus | None = None


class SalesEnlistIn(Schema):
    building_id: Id
    batch: str = Field("", max_length=50)
    built_area: Decimal | None = Field(None, max_digits=9, decimal_places=2,
                                       description="Sale area of units without a built area")
    orientation: Orientation | None = None


class SalesEnlistOut(Schema):
    enlisted: int


@router.get("/sales-projects", response=list[SalesProjectOut], summary="Sales projects")
@scoped(SalesProject, "list")
@paginate(PagePagination)
def project_list(request, filters: Query[SalesProjectFilters]):
    return selectors.project_list(request.auth, {
        "q": filters.q, "status": filters.status.value if filters.status else None})


@router.get("/sales-projects/{project_id}", response=SalesProjectOut,
            summary="One sales project")
@scoped(SalesProject, "detail")
def project_detail(request, project_id: PathId):
    return selectors.project_get(request.auth, project_id)


@router.post("/sales-projects", response={201: SalesProjectOut},
             summary="Put a community on sale")
def project_create(request, payload: SalesProjectIn):
    actor = request.auth
    community = found(property_selectors.community_find(actor, payload.community_id),
                       "community_id", _("Choose a community you can see."))
    project = services.project_create(
        actor=actor, community=community, name=payload.name, status=payload.status.value,
        launch_date=payload.launch_date, presale_permit=payload.presale_permit)
    return Status(201, selectors.project_get(actor, project.pk))


@router.post("/sales-projects/{project_id}/enlist", response={201: SalesEnlistOut},
             summary="Put every unit of a building on sale, all or nothing")
def project_enlist(request, project_id: PathId, payload: SalesEnlistIn):
    actor = request.auth
    project = selectors.project_get(actor, project_id)
    building = found(property_selectors.building_find(actor, payload.building_id),
                      "building_id", _("Choose a building you can see."))
    count = services.units_enlist(
        actor=actor, project=project, building=building, batch=payload.batch,
        built_area=payload.built_area,
        orientation=payload.orientation.value if payload.orientation else "")
    return Status(201, SalesEnlistOut(enlisted=count))


# --- units on sale --------------------------------------------------------------------------

class SaleUnitOut(Schema):
    id: int
    project_id: int
    unit_id: int
    building_id: int
    room_code: str = Field(..., alias="unit.room_code")
    number: str = Field(..., alias="unit.number")
    floor: int
    batch: str
    built_area: Decimal
    orientation: str
    status: str
    list_unit_price: Decimal | None
    list_total: Decimal | None
    price_list_id: int | None


class SaleUnitFilters(Schema):
    project: Id | None = None
    building: Id | None = None
    status: SaleStatus | None = None
    orientation: Orientation | None = None
    floor_from: int | None = Field(None, ge=-10, le=200)
    floor_to: int | None = Field(None, ge=-10, le=200)
    area_from: Decimal | None = Field(None, ge=0, le=10000, max_digits=9, decimal_places=2)
    area_to: Decimal | None = Field(None, ge=0, le=10000, max_digits=9, decimal_places=2)
    q: str | None = Field(None, max_length=60, description="Room code prefix")


class SaleUnitPatch(Schema):
    built_area: Decimal | None = Field(None, max_digits=9, decimal_places=2)
    orientation: Orientation | None = None
    batch: str | None = Field(None, max_length=50)


class SaleUnitTransitionIn(Schema):
    to: SaleStatus
    note: str = Field("", max_length=300)



@router.get("/sale-units", response=list[SaleUnitOut], summary="Units on sale")
@scoped(SaleUnit, "list")
@paginate(PagePagination)
def sale_unit_list(request, filters: Query[SaleUnitFilters]):
    return selectors.sale_unit_list(request.auth, filters_dict(filters))


@router.get("/sale-units/{sale_unit_id}", response=SaleUnitOut, summary="One unit on sale")
@scoped(SaleUnit, "detail")
def sale_unit_detail(request, sale_unit_id: PathId):
    return selectors.sale_unit_get(request.auth, sale_unit_id)


@router.patch("/sale-units/{sale_unit_id}", response=SaleUnitOut,
              summary="Edit the sale data of a unit")
def sale_unit_patch(request, sale_unit_id: PathId, payload: SaleUnitPatch):
    actor = request.auth
    sale_unit = selectors.sale_unit_get(actor, sale_unit_id)
    changes = {}
    for key, value in payload.dict(exclude_unset=True).items():
        if key == "orientation":
            changes[key] = value.value if value else ""
        elif value is not None:
            changes[key] = value
    services.sale_unit_update(actor=actor, sale_unit=sale_unit, **changes)
    return selectors.sale_unit_get(actor, sale_unit_id)


@router.post("/sale-units/{sale_unit_id}/transition", response=SaleUnitOut,
             summary="Move a unit to another sale status")
def sale_unit_transition(request, sale_unit_id: PathId, payload: SaleUnitTransitionIn):
    actor = request.auth
    sale_unit = selectors.sale_unit_get(actor, sale_unit_id)
    services.sale_unit_transition(actor=actor, sale_unit=sale_unit, to=payload.to.value,
                                  note=payload.note)
    return selectors.sale_unit_get(actor, sale_unit_id)


# --- price lists and rules ------------------------------------------------------------------

class PriceRuleOut(Schema):
    id: int
    price_list_id: int
    kind: str
    name: str
    lower: Decimal | None
    upper: Decimal | None
    orientation: str
    factor: Decimal | None
    amount: Decimal | None
    valid_from: dt.date
    valid_to: dt.date | None
    version: int
    previous_id: int | None


class PriceListOut(Schema):
    id: int
    project_id: int
    building_id: int
    name: str
    batch: str
    valid_from: dt.date
    valid_to: dt.date | None
    base_price: Decimal
    floor_price: Decimal | None
    reference_floor: int
    rule_count: int


class PriceListDetailOut(PriceListOut):
    rules: list[PriceRuleOut]

    @staticmethod
    def resolve_rules(obj) -> list:
        return list(obj.rules.all())


class PriceListFields(Schema):
    batch: str = Field("", max_length=50)
    valid_to: dt.date | None = None
    floor_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    reference_floor: int = Field(1, ge=-10, le=200)


class PriceListIn(PriceListFields):
    project_id: Id
    building_id: Id
    name: str = Field(..., min_length=1, max_length=200)
    valid_from: dt.date
    base_price: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)


class PriceListPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    batch: str | None = Field(None, max_length=50)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    base_price: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2)
    floor_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    reference_floor: int | None = Field(None, ge=-10, le=200)


class PriceListFilters(Schema):
    project: Id | None = None
    building: Id | None = None
    on: dt.date | None = Field(None, description="Only lists valid on this day")


class PriceRuleIn(Schema):
    kind: RuleKind
    name: str = Field("", max_length=100)
    lower: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    upper: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    orientation: Orientation | None = None
    factor: Decimal | None = Field(None, max_digits=6, decimal_places=4)
    amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    valid_from: dt.date | None = Field(None, description="Default: the list's first day")
    valid_to: dt.date | None = None


class PriceRuleRevision(Schema):
    effective: dt.date
    name: str | None = Field(None, max_length=100)
    lower: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    upper: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    orientation: Orientation | None = None
    factor: Decimal | None = Field(None, max_digits=6, decimal_places=4)
    amount: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    valid_to: dt.date | None = None


class PriceRuleEndIn(Schema):
    last_day: dt.date = Field(..., description="The rule's last day in force")


class PriceListRepriceIn(Schema):
    on: dt.date | None = Field(None, description="The day whose rules apply (default today)")
    apply: bool = Field(False, description="False: preview only; true: write the prices")


class PriceListRepriceRowOut(Schema):
    sale_unit_id: int
    room_code: str
    status: str
    old_unit_price: Decimal | None
    old_total: Decimal | None
    new_unit_price: Decimal
    new_total: Decimal
    skipped: bool
    changed: bool


class PriceListRepriceOut(Schema):
    applied: bool
    changed: int
    rows: list[PriceListRepriceRowOut]


@router.get("/price-lists", response=list[PriceListOut], summary="Price lists")
@scoped(PriceList, "list")
@paginate(PagePagination)
def price_list_list(request, filters: Query[PriceListFilters]):
    return selectors.price_list_list(request.auth, filters.dict())


@router.get("/price-lists/{price_list_id}", response=PriceListDetailOut,
            summary="One price list with all versions of its rules")
@scoped(PriceList, "detail")
def price_list_detail(request, price_list_id: PathId):
    return selectors.price_list_get(request.auth, price_list_id)


@router.post("/price-lists", response={201: PriceListDetailOut}, summary="Create a price list")
def price_list_create(request, payload: PriceListIn):
    actor = request.auth
    data = payload.dict()
    project = found(selectors.project_find(actor, data.pop("project_id")), "project_id",
                     _("Choose a sales project you can see."))
    building = found(property_selectors.building_find(actor, data.pop("building_id")),
                      "building_id", _("Choose a building you can see."))
    price_list = services.price_list_create(actor=actor, project=project, building=building,
                                            **data)
    return Status(201, selectors.price_list_get(actor, price_list.pk))


@router.patch("/price-lists/{price_list_id}", response=PriceListDetailOut,
              summary="Edit a price list")
def price_list_patch(request, price_list_id: PathId, payload: PriceListPatch):
    actor = request.auth
    price_list = selectors.price_list_get(actor, price_list_id)
    changes = payload.dict(exclude_unset=True)
    for key in ("name", "valid_from", "base_price", "reference_floor", "batch"):
        if changes.get(key) is None:
            changes.pop(key, None)
    services.price_list_update(actor=actor, price_list=price_list, **changes)
    return selectors.price_list_get(actor, price_list_id)


@router.post("/price-lists/{price_list_id}/rules", response={201: PriceRuleOut},
             summary="Add a rule to a price list")
def price_rule_add(request, price_list_id: PathId, payload: PriceRuleIn):
    actor = request.auth
    price_list = selectors.price_list_get(actor, price_list_id)
    data = payload.dict()
    data["kind"] = payload.kind.value
    data["orientation"] = payload.orientation.value if payload.orientation else ""
    return Status(201, services.rule_add(actor=actor, price_list=price_list, **data))


@router.post("/price-rules/{rule_id}/revise", response={201: PriceRuleOut},
             summary="A new version of a rule from a day on")
def price_rule_revise(request, rule_id: PathId, payload: PriceRuleRevision):
    actor = request.auth
    rule = selectors.rule_get(actor, rule_id)
    changes = payload.dict(exclude_unset=True)
    effective = changes.pop("effective")
    if "orientation" in changes:
        changes["orientation"] = payload.orientation.value if payload.orientation else ""
    return Status(201, services.rule_revise(actor=actor, rule=rule, effective=effective,
                                            **changes))


@router.post("/price-rules/{rule_id}/end", response=PriceRuleOut,
             summary="End a rule (its latest version) on a day")
def price_rule_end(request, rule_id: PathId, payload: PriceRuleEndIn):
    actor = request.auth
    rule = selectors.rule_get(actor, rule_id)
    return services.rule_end(actor=actor, rule=rule, last_day=payload.last_day)


@router.post("/price-lists/{price_list_id}/reprice", response=PriceListRepriceOut,
             summary="Preview or apply the list's prices to its whole building")
def price_list_reprice(request, price_list_id: PathId, payload: PriceListRepriceIn):
    actor = request.auth
    price_list = selectors.price_list_get(actor, price_list_id)
    rows = services.reprice_preview(price_list, payload.on)
    changed = services.reprice_changed(rows)
    if payload.apply:
        changed = services.reprice_apply(actor=actor, price_list=price_list, on=payload.on)
    return PriceListRepriceOut(applied=payload.apply, changed=changed, rows=[
        PriceListRepriceRowOut(sale_unit_id=r.sale_unit.pk, room_code=r.sale_unit.unit.room_code,
                      status=r.sale_unit.status, old_unit_price=r.old_unit_price,
                      old_total=r.old_total, new_unit_price=r.new_unit_price,
                      new_total=r.new_total, skipped=r.skipped, changed=r.changed)
        for r in rows])


# --- quotes ---------------------------------------------------------------------------------

class SalesQuoteStepOut(Schema):
    code: str
    label: str
    name: str
    operand: str
    result: Decimal


class SalesQuoteOut(Schema):
    id: int
    number: str
    sale_unit_id: int
    room_code: str = Field(..., alias="sale_unit.unit.room_code")
    price_list_id: int
    person_id: int | None
    priced_on: dt.date
    area: Decimal
    unit_price: Decimal
    list_total: Decimal
    total: Decimal
    floor_total: Decimal | None
    approval: str
    approved_by_id: int | None
    approved_at: dt.datetime | None
    approval_note: str
    created_by_id: int | None
    created_at: dt.datetime


class SalesQuoteDetailOut(SalesQuoteOut):
    agreed_rule_ids: list[int]
    steps: list[SalesQuoteStepOut]

    @staticmethod
    def resolve_agreed_rule_ids(obj) -> list[int]:
        return [r.pk for r in obj.agreed_rules.all()]

    @staticmethod
    def resolve_steps(obj) -> list:
        return selectors.quote_steps(obj)


class SalesQuoteIn(Schema):
    sale_unit_id: Id
    price_list_id: Id | None = Field(None, description="Default: the building's list in force")
    on: dt.date | None = Field(None, description="The day to price (default today)")
    agreed_rule_ids: list[Id] = Field(default_factory=list, max_length=10)
    person_id: Id | None = None


class SalesQuoteFilters(Schema):
    project: Id | None = None
    sale_unit: Id | None = None
    approval: ApprovalStatus | None = None


class QuoteDecisionIn(Schema):
    approve: bool
    note: str = Field("", max_length=300)


@router.get("/quotes", response=list[SalesQuoteOut], summary="Quotes")
@scoped(Quote, "list")
@paginate(PagePagination)
def quote_list(request, filters: Query[SalesQuoteFilters]):
    return selectors.quote_list(request.auth, filters_dict(filters))


@router.get("/quotes/{quote_id}", response=SalesQuoteDetailOut,
            summary="One quote with every step of its calculation")
@scoped(Quote, "detail")
def quote_detail(request, quote_id: PathId):
    return selectors.quote_get(request.auth, quote_id)


@router.post("/quotes", response={201: SalesQuoteDetailOut}, summary="Price a unit")
def quote_create(request, payload: SalesQuoteIn):
    actor = request.auth
    sale_unit = found(selectors.sale_unit_find(actor, payload.sale_unit_id), "sale_unit_id",
                       _("Choose a unit on sale you can see."))
    price_list = None
    if payload.price_list_id is not None:
        price_list = found(selectors.price_list_find(actor, payload.price_list_id),
                            "price_list_id", _("Choose a price list you can see."))
    agreed = found(selectors.rules_chosen(actor, payload.agreed_rule_ids), "agreed_rule_ids",
                    _("Choose agreed discounts you can see."))
    person = None
    if payload.person_id is not None:
        person = found(people_selectors.person_find(actor, payload.person_id), "person_id",
                        _("Choose a person you can see."))
    quote = services.quote_create(actor=actor, sale_unit=sale_unit, price_list=price_list,
                                  on=payload.on, person=person, agreed=agreed)
    return Status(201, selectors.quote_get(actor, quote.pk))


@router.post("/quotes/{quote_id}/decision", response=SalesQuoteDetailOut,
             summary="Approve or reject a quote below the floor price")
def quote_decide(request, quote_id: PathId, payload: QuoteDecisionIn):
    actor = request.auth
    quote = selectors.quote_get(actor, quote_id)
    services.quote_decide(actor=actor, quote=quote, approve=payload.approve, note=payload.note)
    return selectors.quote_get(actor, quote_id)
