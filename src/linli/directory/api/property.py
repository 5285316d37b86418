"""API of the property hierarchy: communities, buildings (and their unit grid), sections, units
and housekeeper zones.

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (their ValidationErrors become 422 with fields, PermissionDenied 403). Ids in a
payload that the caller cannot see are refused as invalid fields.
"""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.selectors import units_where
from linli.core.restapi.errors import invalid as _invalid
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.choices import (
    CommunityKind,
    DecorationStatus,
    OrganizationKind,
    Orientation,
    UnitStatus,
    UnitUse,
)
from linli.directory.models import Building, Community, Section, Unit, Zone
from linli.directory.selectors import property as selectors
from linli.directory.services import property as services

router = Router(tags=["directory"])


def _found(obj, field: str, message: str):
    if obj is None:
        raise _invalid(field, message)
    return obj


def _community(actor, pk: int, field: str = "community_id") -> Community:
    return _found(selectors.community_find(actor, pk), field,
                  _("Choose a community you can see."))


def _building(actor, pk: int, field: str = "building_id") -> Building:
    return _found(selectors.building_find(actor, pk), field, _("Choose a building you can see."))


def _section(actor, pk: int | None, field: str = "section_id") -> Section | None:
    if pk is None:
        return None
    return _found(selectors.section_find(actor, pk), field, _("Choose a section you can see."))


def _layout(actor, pk: int | None, field: str = "layout_id"):
    if pk is None:
        return None
    return _found(selectors.layout_find(actor, pk), field, _("Choose a layout you can see."))


def _organization(actor, pk: int | None, kind: str, field: str):
    if pk is None:
        return None
    return _found(selectors.organization_choices(actor, kind).filter(pk=pk).first(), field,
                  _("Choose an organisation you can see."))


# --- communities ----------------------------------------------------------------------------

class CommunityOut(Schema):
    id: int
    org_unit_id: int
    name: str
    name_pinyin: str
    kind: str
    province: str
    city: str
    district: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    developer_id: int | None
    property_company_id: int | None
    management_office_id: int | None
    price_level: Decimal | None
    total_units: int | None
    delivery_date: date | None
    property_phone: str
    building_count: int
    unit_count: int
    delivered_count: int
    occupancy_rate: float | None = Field(description="Occupied or rented / delivered units")
    renovation_rate: float | None = Field(
        description="Delivered units being renovated or fully furnished / delivered units")


class CommunityFields(Schema):
    kind: CommunityKind = CommunityKind.COMMODITY
    province: str = Field("", max_length=50)
    city: str = Field("", max_length=50)
    district: str = Field("", max_length=50)
    address: str = Field("", max_length=300)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    developer_id: Id | None = None
    property_company_id: Id | None = None
    management_office_id: Id | None = None
    price_level: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    total_units: int | None = Field(None, ge=0, le=1_000_000)
    delivery_date: date | None = None
    property_phone: str = Field("", max_length=30)


class CommunityIn(CommunityFields):
    org_unit_id: Id
    name: str = Field(..., min_length=1, max_length=200)


class CommunityPatch(CommunityFields):
    org_unit_id: Id | None = Field(None, description="Move the community to this unit")
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: CommunityKind | None = None


class CommunityFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Name, pinyin or initials")
    city: str | None = Field(None, max_length=50)
    kind: CommunityKind | None = None
    sort: str | None = Field(None, description="name, city, units, occupancy, renovation; "
                                               "prefix - for descending")


_ORG_FIELDS = {
    "developer_id": ("developer", OrganizationKind.DEVELOPER),
    "property_company_id": ("property_company", OrganizationKind.PROPERTY_COMPANY),
    "management_office_id": ("management_office", OrganizationKind.MANAGEMENT_OFFICE),
}


def _community_changes(actor, changes: dict) -> dict:
    """The payload's fields as the services take them (enum values, organisations)."""
    fields = {}
    for key, value in changes.items():
        if key in _ORG_FIELDS:
            name, kind = _ORG_FIELDS[key]
            fields[name] = _organization(actor, value, kind, key)
        elif key != "org_unit_id":
            fields[key] = getattr(value, "value", value)
    if fields.get("kind") is None:
        fields.pop("kind", None)
    return fields


def _org_unit(actor, pk: int, permission: str):
    return _found(units_where(actor, permission).filter(pk=pk).first(), "org_unit_id",
                  _("Choose a unit of your own organisation."))


@router.get("/communities", response=list[CommunityOut], summary="Communities")
@scoped(Community, "list")
@paginate(PagePagination)
def community_list(request, filters: Query[CommunityFilters]):
    return selectors.community_list(request.auth, {
        "q": filters.q, "city": filters.city,
        "kind": filters.kind.value if filters.kind else None, "sort": filters.sort,
    })


@router.get("/communities/{community_id}", response=CommunityOut, summary="One community")
@scoped(Community, "detail")
def community_detail(request, community_id: PathId):
    return selectors.community_get(request.auth, community_id)


@router.post("/communities", response={201: CommunityOut}, summary="Create a community")
def community_create(request, payload: CommunityIn):
    actor = request.auth
    data = payload.dict()
    community = services.community_create(
        actor=actor, org_unit=_org_unit(actor, payload.org_unit_id, "directory.add_community"),
        **_community_changes(actor, data),
    )
    return Status(201, selectors.community_get(actor, community.pk))


@router.patch("/communities/{community_id}", response=CommunityOut,
              summary="Edit or move a community")
def community_patch(request, community_id: PathId, payload: CommunityPatch):
    actor = request.auth
    community = selectors.community_get(actor, community_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("name") is None:
        changes.pop("name", None)
    org_unit = (_org_unit(actor, changes["org_unit_id"], "directory.change_community")
                if changes.get("org_unit_id") is not None else None)
    services.community_update(actor=actor, community=community, org_unit=org_unit,
                              **_community_changes(actor, changes))
    return selectors.community_get(actor, community_id)


# --- buildings and sections -----------------------------------------------------------------

class BuildingOut(Schema):
    id: int
    community_id: int
    number: str
    name: str
    floors_above: int
    floors_below: int
    delivery_date: date | None
    unit_count: int


class BuildingIn(Schema):
    community_id: Id
    number: str = Field(..., min_length=1, max_length=20)
    name: str = Field("", max_length=100)
    floors_above: int = Field(1, ge=1, le=200)
    floors_below: int = Field(0, ge=0, le=10)
    delivery_date: date | None = None


class BuildingFilters(Schema):
    community: Id | None = None


class SectionOut(Schema):
    id: int
    building_id: int
    number: str


class SectionIn(Schema):
    building_id: Id
    number: str = Field(..., min_length=1, max_length=20)


class SectionFilters(Schema):
    building: Id | None = None
    community: Id | None = None


class GridUnitOut(Schema):
    id: int
    number: str
    room_code: str
    status: str
    use: str
    owners: list[str]


class GridGroupOut(Schema):
    section: str | None
    units: list[GridUnitOut]


class GridRowOut(Schema):
    floor: int
    groups: list[GridGroupOut]


class GridOut(Schema):
    building_id: int
    sections: list[str | None]
    status_counts: dict[str, int]
    floors: list[GridRowOut]


class GenerateIn(Schema):
    floor_from: int = Field(..., ge=-10, le=200)
    floor_to: int = Field(..., ge=-10, le=200)
    units_per_floor: int = Field(..., ge=1, le=100)
    sections: list[str] | None = Field(None, max_length=50,
                                       description="Section numbers; missing ones are created")
    skip_floors: list[int] = Field(default_factory=list, max_length=200)
    shop_floors: list[int] = Field(default_factory=list, max_length=200)
    number_pattern: str = Field("{floor}{index:02d}", min_length=1, max_length=50)
    built_area: Decimal | None = Field(None, ge=0, max_digits=9, decimal_places=2)
    layout_id: Id | None = None


class GenerateOut(Schema):
    created: int


@router.get("/buildings", response=list[BuildingOut], summary="Buildings")
@scoped(Building, "list")
@paginate(PagePagination)
def building_list(request, filters: Query[BuildingFilters]):
    return selectors.building_list(request.auth, {"community": filters.community})


@router.get("/buildings/{building_id}", response=BuildingOut, summary="One building")
@scoped(Building, "detail")
def building_detail(request, building_id: PathId):
    return selectors.building_get(request.auth, building_id)


@router.get("/buildings/{building_id}/grid", response=GridOut,
            summary="The building's units by floor (top first) and section")
@scoped(Building, "detail")
def building_grid(request, building_id: PathId):
    grid = selectors.building_grid(request.auth,
                                   selectors.building_get(request.auth, building_id))
    names = [c.number if c else None for c in grid.columns]
    return GridOut(
        building_id=building_id, sections=names, status_counts=grid.status_counts,
        floors=[GridRowOut(floor=row.floor, groups=[
            GridGroupOut(section=names[i], units=[
                GridUnitOut(id=c.unit.pk, number=c.unit.number, room_code=c.unit.room_code,
                            status=c.unit.status, use=c.unit.use, owners=c.owners)
                for c in cells])
            for i, cells in enumerate(row.groups)]) for row in grid.rows],
    )


@router.post("/buildings", response={201: BuildingOut}, summary="Create a building")
def building_create(request, payload: BuildingIn):
    actor = request.auth
    data = payload.dict()
    community = _community(actor, data.pop("community_id"))
    building = services.building_create(actor=actor, community=community, **data)
    return Status(201, selectors.building_get(actor, building.pk))


@router.post("/buildings/{building_id}/generate-units", response={201: GenerateOut},
             summary="Generate the units of a building, all or nothing")
def building_generate_units(request, building_id: PathId, payload: GenerateIn):
    actor = request.auth
    building = selectors.building_get(actor, building_id)
    created = services.units_generate(
        actor=actor, building=building, floors=(payload.floor_from, payload.floor_to),
        units_per_floor=payload.units_per_floor, sections=payload.sections,
        skip_floors=payload.skip_floors, shop_floors=payload.shop_floors,
        number_pattern=payload.number_pattern, built_area=payload.built_area,
        layout=_layout(actor, payload.layout_id),
    )
    return Status(201, GenerateOut(created=created))


@router.get("/sections", response=list[SectionOut], summary="Sections")
@scoped(Section, "list")
@paginate(PagePagination)
def section_list(request, filters: Query[SectionFilters]):
    return selectors.section_list(request.auth, {"building": filters.building,
                                                 "community": filters.community})


@router.post("/sections", response={201: SectionOut}, summary="Create a section")
def section_create(request, payload: SectionIn):
    actor = request.auth
    section = services.section_create(actor=actor, building=_building(actor, payload.building_id),
                                      number=payload.number)
    return Status(201, section)


# --- units ----------------------------------------------------------------------------------

class UnitOut(Schema):
    id: int
    community_id: int
    building_id: int
    section_id: int | None
    floor: int
    number: str
    room_code: str
    use: str
    layout_id: int | None
    built_area: Decimal | None
    measured_area: Decimal | None
    orientation: str
    status: str
    decoration_status: str


class UnitPatch(Schema):
    section_id: Id | None = None
    floor: int | None = Field(None, ge=-10, le=200)
    number: str | None = Field(None, min_length=1, max_length=20)
    use: UnitUse | None = None
    layout_id: Id | None = None
    built_area: Decimal | None = Field(None, max_digits=9, decimal_places=2)
    measured_area: Decimal | None = Field(None, max_digits=9, decimal_places=2)
    orientation: Orientation | None = None
    status: UnitStatus | None = None
    decoration_status: DecorationStatus | None = None


class UnitFilters(Schema):
    community: Id | None = None
    building: Id | None = None
    section: Id | None = None
    status: UnitStatus | None = None
    use: UnitUse | None = None
    room_code: str | None = Field(None, max_length=60, description="Room code prefix")
    sort: str | None = Field(None, description="room_code, floor, status, built_area; "
                                               "prefix - for descending")


@router.get("/units", response=list[UnitOut], summary="Units")
@scoped(Unit, "list")
@paginate(PagePagination)
def unit_list(request, filters: Query[UnitFilters]):
    return selectors.unit_list(request.auth, {
        "community": filters.community, "building": filters.building,
        "section": filters.section, "status": filters.status.value if filters.status else None,
        "use": filters.use.value if filters.use else None, "room_code": filters.room_code,
        "sort": filters.sort,
    })


@router.get("/units/{unit_id}", response=UnitOut, summary="One unit")
@scoped(Unit, "detail")
def unit_detail(request, unit_id: PathId):
    return selectors.unit_get(request.auth, unit_id)


# Fields that cannot be emptied: a null in the payload leaves them as they are.
_UNIT_REQUIRED = ("floor", "number", "use", "status")


@router.patch("/units/{unit_id}", response=UnitOut, summary="Edit a unit")
def unit_patch(request, unit_id: PathId, payload: UnitPatch):
    actor = request.auth
    unit = selectors.unit_get(actor, unit_id)
    changes = {}
    for key, value in payload.dict(exclude_unset=True).items():
        if key == "section_id":
            changes["section"] = _section(actor, value)
        elif key == "layout_id":
            changes["layout"] = _layout(actor, value)
        elif value is None and key in _UNIT_REQUIRED:
            continue
        elif value is None and key in ("orientation", "decoration_status"):
            changes[key] = ""
        else:
            changes[key] = getattr(value, "value", value)
    services.unit_update(actor=actor, unit=unit, **changes)
    return selectors.unit_get(actor, unit_id)


# --- zones ----------------------------------------------------------------------------------

class ZoneOut(Schema):
    id: int
    community_id: int
    name: str
    housekeeper_id: int | None
    public_phone: str
    building_ids: list[int]
    section_ids: list[int]

    @staticmethod
    def resolve_building_ids(obj) -> list[int]:
        return [b.pk for b in obj.buildings.all()]

    @staticmethod
    def resolve_section_ids(obj) -> list[int]:
        return [s.pk for s in obj.sections.all()]


class ZoneIn(Schema):
    community_id: Id
    name: str = Field(..., min_length=1, max_length=100)
    housekeeper_id: Id | None = None
    public_phone: str = Field("", max_length=30)
    building_ids: list[Id] = Field(default_factory=list, max_length=500)
    section_ids: list[Id] = Field(default_factory=list, max_length=2000)


class ZonePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    housekeeper_id: Id | None = None
    public_phone: str | None = Field(None, max_length=30)
    building_ids: list[Id] | None = Field(None, max_length=500)
    section_ids: list[Id] | None = Field(None, max_length=2000)


class ZoneFilters(Schema):
    community: Id | None = None


def _housekeeper(actor, pk: int | None):
    if pk is None:
        return None
    return _found(selectors.housekeeper_choices(actor).filter(pk=pk).first(), "housekeeper_id",
                  _("Choose an active user of your organisation."))


def _members(actor, community: Community, building_ids: list[int], section_ids: list[int]):
    buildings = list(selectors.building_list(actor, {"community": community.pk})
                     .filter(pk__in=building_ids))
    if len(buildings) != len(set(building_ids)):
        raise _invalid("building_ids", _("Choose buildings of this community."))
    sections = list(selectors.section_list(actor, {"community": community.pk})
                    .filter(pk__in=section_ids))
    if len(sections) != len(set(section_ids)):
        raise _invalid("section_ids", _("Choose sections of this community."))
    return buildings, sections


@router.get("/zones", response=list[ZoneOut], summary="Housekeeper zones")
@scoped(Zone, "list")
@paginate(PagePagination)
def zone_list(request, filters: Query[ZoneFilters]):
    return selectors.zone_list(request.auth, {"community": filters.community})


@router.get("/zones/{zone_id}", response=ZoneOut, summary="One zone")
@scoped(Zone, "detail")
def zone_detail(request, zone_id: PathId):
    return selectors.zone_get(request.auth, zone_id)


@router.post("/zones", response={201: ZoneOut}, summary="Create a zone")
def zone_create(request, payload: ZoneIn):
    actor = request.auth
    community = _community(actor, payload.community_id)
    buildings, sections = _members(actor, community, payload.building_ids, payload.section_ids)
    zone = services.zone_save(
        actor=actor, community=community, name=payload.name,
        housekeeper=_housekeeper(actor, payload.housekeeper_id),
        public_phone=payload.public_phone, buildings=buildings, sections=sections,
    )
    return Status(201, selectors.zone_get(actor, zone.pk))


@router.patch("/zones/{zone_id}", response=ZoneOut, summary="Edit a zone")
def zone_patch(request, zone_id: PathId, payload: ZonePatch):
    actor = request.auth
    zone = selectors.zone_get(actor, zone_id)
    changes = payload.dict(exclude_unset=True)
    buildings, sections = _members(
        actor, zone.community,
        changes.get("building_ids") if changes.get("building_ids") is not None
        else [b.pk for b in zone.buildings.all()],
        changes.get("section_ids") if changes.get("section_ids") is not None
        else [s.pk for s in zone.sections.all()],
    )
    housekeeper = (_housekeeper(actor, changes["housekeeper_id"]) if "housekeeper_id" in changes
                   else zone.housekeeper)
    services.zone_save(
        actor=actor, community=zone.community, zone=zone,
        name=changes.get("name") or zone.name, housekeeper=housekeeper,
        public_phone=zone.public_phone if changes.get("public_phone") is None
        else changes["public_phone"],
        buildings=buildings, sections=sections,
    )
    return selectors.zone_get(actor, zone_id)
