"""Reads of the property hierarchy (DIR-1), all inside the actor's scope.

Out of scope and missing are the same 404. Owner names appear only for people the actor may
view; the building grid and the community list take a constant number of queries however many
units there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404

from linli.accounts.models import User
from linli.directory.choices import UNIT_STATUS_BADGES, DecorationStatus, UnitRole, UnitStatus
from linli.directory.models import (
    Building,
    Community,
    Layout,
    Organization,
    Person,
    Section,
    Unit,
    UnitRelation,
    Zone,
)

# A unit counts for occupancy and renovation from its delivery on.
DELIVERED_STATUSES = (UnitStatus.DELIVERED, UnitStatus.OCCUPIED, UnitStatus.RENTED,
                      UnitStatus.VACANT)
OCCUPIED_STATUSES = (UnitStatus.OCCUPIED, UnitStatus.RENTED)
RENOVATED_DECORATIONS = (DecorationStatus.RENOVATING, DecorationStatus.FURNISHED)
COMMUNITY_SORTS = {
    "name": "name_pinyin", "city": "city", "units": "unit_count",
    "occupancy": "occupancy_rate", "renovation": "renovation_rate",
}
UNIT_SORTS = {"room_code": "room_code", "floor": "floor", "status": "status",
              "built_area": "built_area"}
_NATURAL = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """"2" before "10", "A2" before "A10": digit runs compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in _NATURAL.split(text or ""))


# --- communities ----------------------------------------------------------------------------

def _rate(numerator: str, denominator: str):
    """numerator / denominator as a float, or None when nothing was delivered."""
    return Case(
        When(**{denominator: 0}, then=Value(None, output_field=FloatField())),
        default=Cast(F(numerator), FloatField()) / Cast(F(denominator), FloatField()),
        output_field=FloatField(),
    )


def with_unit_stats(qs: QuerySet[Community]) -> QuerySet[Community]:
    """Annotate unit_count, building_count, delivered_count, occupied_count, renovated_count,
    occupancy_rate and renovation_rate (0…1, None without delivered units)."""
    delivered = Q(units__status__in=DELIVERED_STATUSES)
    buildings = (Building.objects.filter(community=OuterRef("pk")).order_by()
                 .values("community").annotate(n=Count("pk")).values("n"))
    return qs.annotate(
        unit_count=Count("units"),
        delivered_count=Count("units", filter=delivered),
        occupied_count=Count("units", filter=Q(units__status__in=OCCUPIED_STATUSES)),
        renovated_count=Count("units", filter=delivered & Q(
            units__decoration_status__in=RENOVATED_DECORATIONS)),
        building_count=Coalesce(Subquery(buildings, output_field=IntegerField()), 0),
    ).annotate(
        occupancy_rate=_rate("occupied_count", "delivered_count"),
        renovation_rate=_rate("renovated_count", "delivered_count"),
    )


def community_list(actor, filters: dict | None = None, action: str = "view"
                   ) -> QuerySet[Community]:
    """Visible communities with their unit statistics (see ``with_unit_stats``), one query.

    ``filters``: q (name, pinyin or initials), city, kind, org_unit (id), sort (a key of
    COMMUNITY_SORTS, "-" for descending).
    """
    filters = filters or {}
    qs = Community.objects.restrict(actor, action)
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_pinyin__icontains=q.replace(" ", ""))
                       | Q(name_initials__icontains=q))
    if filters.get("city"):
        qs = qs.filter(city=filters["city"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("org_unit"):
        qs = qs.filter(org_unit_id=filters["org_unit"])
    sort = filters.get("sort") or ""
    key = sort.lstrip("-")
    order = COMMUNITY_SORTS.get(key, "name_pinyin")
    expression = F(order).desc(nulls_last=True) if sort.startswith("-") and key in \
        COMMUNITY_SORTS else F(order).asc(nulls_last=True)
    return with_unit_stats(qs.select_related("org_unit")).order_by(expression, "pk")


def community_get(actor, pk, action: str = "view") -> Community:
    return get_object_or_404(
        with_unit_stats(Community.objects.restrict(actor, action)).select_related(
            "org_unit", "developer", "property_company", "management_office"),
        pk=pk,
    )


def community_find(actor, pk, action: str = "view") -> Community | None:
    """A community by id, or None (for choosing one in an API payload)."""
    return Community.objects.restrict(actor, action).filter(pk=pk).first()


def community_cities(actor) -> list[str]:
    """Cities of visible communities, for the list's filter."""
    return list(Community.objects.restrict(actor, "view").exclude(city="")
                .order_by("city").values_list("city", flat=True).distinct())


@dataclass
class BuildingNode:
    building: Building
    sections: list[Section]
    unit_count: int


def community_tree(actor, community: Community) -> list[BuildingNode]:
    """The community's buildings in number order, each with its sections and unit count."""
    buildings = (building_list(actor).filter(community=community)
                 .prefetch_related(Prefetch("sections",
                                            queryset=Section.objects.order_by("number"))))
    return [
        BuildingNode(b, sorted(b.sections.all(), key=lambda s: natural_key(s.number)),
                     b.unit_count)
        for b in buildings
    ]


# --- buildings, sections, layouts -----------------------------------------------------------

def building_list(actor, filters: dict | None = None, action: str = "view"
                  ) -> QuerySet[Building]:
    """Visible buildings with ``unit_count``; ``filters``: community (id)."""
    filters = filters or {}
    qs = Building.objects.restrict(actor, action).select_related("community")
    if filters.get("community"):
        qs = qs.filter(community_id=filters["community"])
    return qs.annotate(unit_count=Count("units")).order_by("community__name_pinyin",
                                                           "sort_key", "number")


def building_get(actor, pk, action: str = "view") -> Building:
    return get_object_or_404(building_list(actor, action=action), pk=pk)


def building_find(actor, pk, action: str = "view") -> Building | None:
    return Building.objects.restrict(actor, action).filter(pk=pk).first()


def section_list(actor, filters: dict | None = None) -> QuerySet[Section]:
    """Visible sections; ``filters``: building (id), community (id)."""
    filters = filters or {}
    qs = Section.objects.restrict(actor, "view").select_related("building")
    if filters.get("building"):
        qs = qs.filter(building_id=filters["building"])
    if filters.get("community"):
        qs = qs.filter(building__community_id=filters["community"])
    return qs.order_by("building__sort_key", "building__number", "number")


def section_find(actor, pk) -> Section | None:
    return Section.objects.restrict(actor, "view").filter(pk=pk).select_related(
        "building").first()


def layout_list(actor, community: Community) -> QuerySet[Layout]:
    return (Layout.objects.restrict(actor, "view").filter(community=community)
            .annotate(unit_count=Count("units")).order_by("name"))


def layout_get(actor, pk, action: str = "view") -> Layout:
    return get_object_or_404(Layout.objects.restrict(actor, action).select_related("community"),
                             pk=pk)


def layout_find(actor, pk) -> Layout | None:
    return Layout.objects.restrict(actor, "view").filter(pk=pk).first()


# --- units ----------------------------------------------------------------------------------

def unit_list(actor, filters: dict | None = None, action: str = "view") -> QuerySet[Unit]:
    """Visible units; ``filters``: community, building, section (ids), status, use, floor,
    room_code (prefix), sort (a key of UNIT_SORTS)."""
    filters = filters or {}
    qs = Unit.objects.restrict(actor, action).select_related(
        "community", "building", "section", "layout")
    for key in ("community", "building", "section"):
        if filters.get(key):
            qs = qs.filter(**{f"{key}_id": filters[key]})
    for key in ("status", "use", "floor"):
        if filters.get(key) not in (None, ""):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("room_code"):
        qs = qs.filter(room_code__startswith=filters["room_code"].strip())
    sort = filters.get("sort") or ""
    key = sort.lstrip("-")
    if key in UNIT_SORTS:
        return qs.order_by(("-" if sort.startswith("-") else "") + UNIT_SORTS[key], "pk")
    return qs


def unit_get(actor, pk, action: str = "view") -> Unit:
    return get_object_or_404(unit_list(actor, action=action), pk=pk)


def zone_for_unit(unit: Unit) -> Zone | None:
    """The unit's zone: one naming its section beats one naming its whole building."""
    if unit.section_id:
        zone = (Zone.objects.filter(sections=unit.section_id)
                .select_related("housekeeper").first())
        if zone is not None:
            return zone
    return Zone.objects.filter(buildings=unit.building_id).select_related("housekeeper").first()


def _visible_people(actor) -> QuerySet[Person]:
    return Person.objects.restrict(actor, "view").values("pk")


@dataclass
class UnitDetail:
    unit: Unit
    current: list[UnitRelation]
    past: list[UnitRelation]
    zone: Zone | None


def unit_detail(actor, pk) -> UnitDetail:
    """The unit with the people related to it now and before (those the actor may view),
    and its zone with the housekeeper."""
    unit = unit_get(actor, pk)
    relations = list(
        UnitRelation.objects.filter(unit=unit, person__in=_visible_people(actor))
        .select_related("person").order_by("role", "-start_date", "pk")
    )
    role_order = {role: i for i, role in enumerate(UnitRole.values)}
    current = sorted((r for r in relations if r.end_date is None),
                     key=lambda r: (role_order.get(r.role, 99), r.person.name_pinyin))
    past = sorted((r for r in relations if r.end_date is not None),
                  key=lambda r: r.end_date, reverse=True)
    return UnitDetail(unit, current, past, zone_for_unit(unit))


# --- the building grid ----------------------------------------------------------------------

@dataclass
class GridCell:
    unit: Unit
    owners: list[str]
    badge: str


@dataclass
class GridRow:
    floor: int
    # One list of cells per column of ``BuildingGrid.columns`` (sections, or one column).
    groups: list[list[GridCell]]


@dataclass
class BuildingGrid:
    building: Building
    columns: list[Section | None]
    rows: list[GridRow]
    status_counts: dict[str, int]

    @property
    def legend(self) -> list[tuple[str, str, str, int]]:
        """(status, label, colour, count) of every status."""
        return [(s.value, s.label, UNIT_STATUS_BADGES[s.value],
                 self.status_counts.get(s.value, 0)) for s in UnitStatus]

    @property
    def unit_count(self) -> int:
        return sum(self.status_counts.values())


def building_grid(actor, building: Building) -> BuildingGrid:
    """Floors from top to bottom × units by section and number, with status colours and the
    current owners' names; three queries whatever the size of the building."""
    sections = sorted(Section.objects.filter(building=building),
                      key=lambda s: natural_key(s.number))
    units = list(Unit.objects.restrict(actor, "view").filter(building=building)
                 .select_related("layout"))
    owners: dict[int, list[str]] = {}
    for unit_id, name in (
        UnitRelation.objects.filter(unit__building=building, role=UnitRole.OWNER,
                                    end_date__isnull=True,
                                    person__in=_visible_people(actor))
        .order_by("unit_id", "person__name_pinyin").values_list("unit_id", "person__name")
    ):
        owners.setdefault(unit_id, []).append(name)
    columns: list[Section | None] = list(sections)
    if not columns or any(u.section_id is None for u in units):
        columns.append(None)
    position = {(s.pk if s else None): i for i, s in enumerate(columns)}
    by_floor: dict[int, list[list[GridCell]]] = {}
    counts: dict[str, int] = {}
    for unit in sorted(units, key=lambda u: natural_key(u.number)):
        groups = by_floor.setdefault(unit.floor, [[] for _ in columns])
        groups[position[unit.section_id]].append(
            GridCell(unit, owners.get(unit.pk, []), UNIT_STATUS_BADGES.get(unit.status,
                                                                           "secondary")))
        counts[unit.status] = counts.get(unit.status, 0) + 1
    rows = [GridRow(floor, by_floor[floor]) for floor in sorted(by_floor, reverse=True)]
    return BuildingGrid(building, columns, rows, counts)


# --- zones ----------------------------------------------------------------------------------

def zone_list(actor, filters: dict | None = None) -> QuerySet[Zone]:
    """Visible zones with their buildings and sections; ``filters``: community (id)."""
    filters = filters or {}
    qs = Zone.objects.restrict(actor, "view").select_related("community", "housekeeper")
    if filters.get("community"):
        qs = qs.filter(community_id=filters["community"])
    return qs.prefetch_related(
        Prefetch("buildings", queryset=Building.objects.order_by("sort_key", "number")),
        Prefetch("sections", queryset=Section.objects.select_related("building")
                 .order_by("building__sort_key", "number")),
    ).order_by("community__name_pinyin", "name")


def zone_get(actor, pk, action: str = "view") -> Zone:
    return get_object_or_404(zone_list(actor) if action == "view"
                             else Zone.objects.restrict(actor, action), pk=pk)


# --- choices of the forms -------------------------------------------------------------------

def organization_choices(actor, kind: str) -> QuerySet[Organization]:
    """Visible organisations of ``kind`` that were not merged away."""
    return (Organization.objects.restrict(actor, "view")
            .filter(kind=kind, merged_into__isnull=True).order_by("name_pinyin", "pk"))


def housekeeper_choices(actor) -> QuerySet[User]:
    """Active users of the actor's tenant: a housekeeper is any colleague."""
    tenant_id = getattr(actor, "tenant_id", None)
    if tenant_id is None:
        return User.objects.none()
    return User.objects.filter(tenant_id=tenant_id, is_active=True).order_by("username")
