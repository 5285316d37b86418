"""Writes of the property hierarchy (DIR-1): communities, buildings, sections, layouts, units
and housekeeper zones.

Every function takes keyword arguments including ``actor`` (None for system writers such as
the demo generator and importers), runs in one transaction, checks the actor's right at the
community's org unit and raises ValidationError({"field": [message]}) for input a user can
correct. Buildings, sections, layouts, units and zones copy their community's org unit; the
derived keys (pinyin, building sort key, room code) come from ``linli.directory.keys``.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from linli.accounts.models import OrgUnit, User
from linli.core.events import record_event
from linli.core.permissions import require as _require
from linli.core.personal_data.phones import normalize_phone
from linli.core.request_context import current
from linli.directory.choices import OrganizationKind, UnitStatus, UnitUse
from linli.directory.keys import building_sort_key, name_keys, room_code
from linli.directory.models import (
    Building,
    Community,
    Layout,
    Organization,
    Section,
    Unit,
    Zone,
)

MAX_GENERATED_UNITS = 5000
# How many clashing room codes a refusal names; the rest are counted.
CLASHES_SHOWN = 5

COMMUNITY_FIELDS = (
    "name", "kind", "province", "city", "district", "address", "latitude", "longitude",
    "developer", "property_company", "management_office", "price_level", "total_units",
    "delivery_date", "property_phone",
)
BUILDING_FIELDS = ("number", "name", "floors_above", "floors_below", "delivery_date")
UNIT_FIELDS = (
    "section", "floor", "number", "use", "layout", "built_area", "measured_area",
    "orientation", "status", "decoration_status",
)
_COMMUNITY_ORGS = {
    "developer": OrganizationKind.DEVELOPER,
    "property_company": OrganizationKind.PROPERTY_COMPANY,
    "management_office": OrganizationKind.MANAGEMENT_OFFICE,
}


# --- shared checks --------------------------------------------------------------------------



def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _model_checks(instance, errors: dict[str, list[str]], exclude: list[str]) -> None:
    """Django's own field checks (lengths, choices, ranges) for fields without an error yet."""
    try:
        instance.full_clean(exclude=exclude + list(errors), validate_unique=False,
                            validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _known_fields(changes: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(unknown)}")


def _text(value) -> str:
    return str(value or "").strip()


def _clean_phone(value: str, field: str, errors: dict[str, list[str]]) -> str:
    value = _text(value)
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return value


# --- communities ----------------------------------------------------------------------------

def _community_checks(community: Community, errors: dict[str, list[str]]) -> None:
    community.name = _text(community.name)
    if not community.name:
        errors.setdefault("name", []).append(_("Enter a name."))
    else:
        clash = Community.objects.filter(tenant_id=community.tenant_id, name=community.name)
        if community.pk:
            clash = clash.exclude(pk=community.pk)
        if clash.exists():
            errors.setdefault("name", []).append(
                _("A community named “%(name)s” already exists.") % {"name": community.name}
            )
    for field, kind in _COMMUNITY_ORGS.items():
        org: Organization | None = getattr(community, field)
        if org is not None and (org.tenant_id != community.tenant_id or org.kind != kind):
            errors.setdefault(field, []).append(
                _("Choose an organisation of the kind “%(kind)s”.") % {"kind": kind.label}
            )
    for field in ("province", "city", "district", "address"):
        setattr(community, field, _text(getattr(community, field)))
    community.property_phone = _clean_phone(community.property_phone, "property_phone", errors)
    community.name_pinyin, community.name_initials = name_keys(community.name, person=False)
    _model_checks(community, errors, exclude=["tenant", "org_unit", *_COMMUNITY_ORGS])


def _check_org_unit(actor, org_unit: OrgUnit | None, tenant_id: int | None, permission: str,
                    errors: dict[str, list[str]]) -> None:
    if org_unit is None:
        errors.setdefault("org_unit", []).append(_("Choose the organisation unit."))
        return
    if actor is not None and org_unit.tenant_id != actor.tenant_id:
        raise PermissionDenied(_("You do not have permission to do this."))
    if tenant_id is not None and org_unit.tenant_id != tenant_id:
        errors.setdefault("org_unit", []).append(_("Choose a unit of your own organisation."))
    elif not org_unit.is_active:
        errors.setdefault("org_unit", []).append(_("Choose an active unit."))
    elif actor is not None and not actor.has_perm(permission, org_unit):
        errors.setdefault("org_unit", []).append(
            _("You cannot manage communities of this unit.")
        )


@transaction.atomic
def community_create(*, actor, org_unit: OrgUnit, name: str, **fields) -> Community:
    """A community owned by ``org_unit``; ``fields`` are any of COMMUNITY_FIELDS."""
    _known_fields(fields, COMMUNITY_FIELDS)
    if actor is not None and not actor.has_perm("directory.add_community"):
        raise PermissionDenied(_("You do not have permission to do this."))
    errors: dict[str, list[str]] = {}
    _check_org_unit(actor, org_unit, None, "directory.add_community", errors)
    _raise(errors)
    community = Community(tenant_id=org_unit.tenant_id, org_unit=org_unit, name=name, **fields)
    _community_checks(community, errors)
    _raise(errors)
    community.save()
    return community


def _copy_org_unit(community: Community) -> None:
    """Keep the org unit copies of the community's descendants in step with it."""
    org_unit_id = community.org_unit_id
    for model in (Building, Section, Layout, Unit, Zone):
        field = "building__community" if model is Section else "community"
        rows = list(model.objects.filter(**{field: community}).exclude(org_unit_id=org_unit_id))
        for row in rows:
            row.org_unit_id = org_unit_id
        if rows:
            model.objects.bulk_update(rows, ["org_unit"])


@transaction.atomic
def community_update(*, actor, community: Community, org_unit: OrgUnit | None = None,
                     **changes) -> Community:
    """Edit a community; a new ``org_unit`` moves it with its buildings, units and zones."""
    _known_fields(changes, COMMUNITY_FIELDS)
    _require(actor, "directory.change_community", community)
    errors: dict[str, list[str]] = {}
    moved = org_unit is not None and org_unit.pk != community.org_unit_id
    if moved:
        _check_org_unit(actor, org_unit, community.tenant_id, "directory.change_community",
                        errors)
        _raise(errors)
    old_name = community.name
    for field, value in changes.items():
        setattr(community, field, value)
    if moved:
        community.org_unit = org_unit
    _community_checks(community, errors)
    _raise(errors)
    community.save()
    if moved:
        _copy_org_unit(community)
    if community.name != old_name:
        record_event(community, "renamed", actor=actor, old=old_name, new=community.name)
    return community


# --- buildings and sections -----------------------------------------------------------------

def _building_checks(building: Building, errors: dict[str, list[str]]) -> None:
    building.number = _text(building.number)
    building.name = _text(building.name)
    if not building.number:
        errors.setdefault("number", []).append(_("Enter the building number."))
    else:
        clash = Building.objects.filter(community_id=building.community_id,
                                        number=building.number)
        if building.pk:
            clash = clash.exclude(pk=building.pk)
        if clash.exists():
            errors.setdefault("number", []).append(
                _("This community already has a building %(number)s.")
                % {"number": building.number}
            )
    if building.floors_above is not None and building.floors_above < 1:
        errors.setdefault("floors_above", []).append(
            _("A building has at least one floor above ground.")
        )
    _model_checks(building, errors, exclude=["tenant", "org_unit", "community"])


@transaction.atomic
def building_create(*, actor, community: Community, number: str, **fields) -> Building:
    """A building of ``community``; ``fields`` are any of BUILDING_FIELDS except number."""
    _known_fields(fields, BUILDING_FIELDS)
    _require(actor, "directory.add_building", community)
    building = Building(tenant_id=community.tenant_id, org_unit_id=community.org_unit_id,
                        community=community, number=number, **fields)
    errors: dict[str, list[str]] = {}
    _building_checks(building, errors)
    _raise(errors)
    building.sort_key = building_sort_key(building.number)
    building.save()
    return building


def _recode_units(units: list[Unit], errors: dict[str, list[str]], field: str) -> None:
    """Give ``units`` their new room codes, refusing codes used elsewhere in the community."""
    if not units:
        return
    for unit in units:
        unit.room_code = room_code(unit.building.number,
                                   unit.section.number if unit.section else None, unit.number)
    codes = {u.room_code for u in units}
    clashes = sorted(
        Unit.objects.filter(community_id=units[0].community_id, room_code__in=codes)
        .exclude(pk__in=[u.pk for u in units]).values_list("room_code", flat=True)
    )
    if clashes:
        errors.setdefault(field, []).append(_clash_message(clashes))
        return
    Unit.objects.bulk_update(units, ["room_code"])


@transaction.atomic
def building_update(*, actor, building: Building, **changes) -> Building:
    """Edit a building; a new number renames its units' room codes."""
    _known_fields(changes, BUILDING_FIELDS)
    _require(actor, "directory.change_building", building)
    old_number = building.number
    for field, value in changes.items():
        setattr(building, field, value)
    errors: dict[str, list[str]] = {}
    _building_checks(building, errors)
    if "floors_above" not in errors and "floors_below" not in errors:
        outside = Unit.objects.filter(building=building).exclude(
            floor__gte=-building.floors_below, floor__lte=building.floors_above
        ).exclude(floor=0).order_by("floor").values_list("room_code", flat=True)[:CLASHES_SHOWN]
        if outside:
            errors.setdefault("floors_above", []).append(
                _("Units lie outside these floors: %(codes)s.") % {"codes": ", ".join(outside)}
            )
    _raise(errors)
    building.sort_key = building_sort_key(building.number)
    building.save()
    if building.number != old_number:
        units = list(Unit.objects.filter(building=building).select_related("section"))
        for unit in units:
            unit.building = building
        _recode_units(units, errors, "number")
        _raise(errors)
    return building


@transaction.atomic
def section_create(*, actor, building: Building, number: str) -> Section:
    _require(actor, "directory.add_section", building)
    number = _text(number)
    if not number:
        raise ValidationError({"number": [_("Enter the section number.")]})
    section = Section(tenant_id=building.tenant_id, org_unit_id=building.org_unit_id,
                      building=building, number=number)
    errors: dict[str, list[str]] = {}
    _model_checks(section, errors, exclude=["tenant", "org_unit", "building"])
    if Section.objects.filter(building=building, number=number).exists():
        errors.setdefault("number", []).append(
            _("Building %(building)s already has a section %(number)s.")
            % {"building": building.number, "number": number}
        )
    _raise(errors)
    section.save()
    return section


# --- layouts --------------------------------------------------------------------------------

@transaction.atomic
def layout_save(*, actor, community: Community, name: str, bedrooms: int = 0,
                living_rooms: int = 0, bathrooms: int = 0, built_area: Decimal | None = None,
                layout: Layout | None = None) -> Layout:
    """Create a floor-plan type of ``community``, or update ``layout``."""
    if layout is not None and layout.community_id != community.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    _require(actor, "directory.change_layout" if layout else "directory.add_layout", community)
    layout = layout or Layout(tenant_id=community.tenant_id, community=community)
    layout.org_unit_id = community.org_unit_id
    layout.name, layout.bedrooms, layout.living_rooms = _text(name), bedrooms, living_rooms
    layout.bathrooms, layout.built_area = bathrooms, built_area
    errors: dict[str, list[str]] = {}
    if not layout.name:
        errors["name"] = [_("Enter a name.")]
    elif Layout.objects.filter(community=community, name=layout.name).exclude(
            pk=layout.pk).exists():
        errors["name"] = [_("This community already has a layout “%(name)s”.")
                          % {"name": layout.name}]
    if built_area is not None and built_area < 0:
        errors["built_area"] = [_("An area cannot be negative.")]
    _model_checks(layout, errors, exclude=["tenant", "org_unit", "community"])
    _raise(errors)
    layout.save()
    return layout


# --- units ----------------------------------------------------------------------------------

def _clash_message(codes: list[str]) -> str:
    shown = ", ".join(codes[:CLASHES_SHOWN])
    if len(codes) > CLASHES_SHOWN:
        return _("These room codes already exist: %(codes)s and %(more)d more.") % {
            "codes": shown, "more": len(codes) - CLASHES_SHOWN}
    if len(codes) == 1:
        return _("Room %(code)s already exists in this community.") % {"code": shown}
    return _("These room codes already exist: %(codes)s.") % {"codes": shown}


def _floor_error(building: Building, floor: int) -> str | None:
    if floor == 0:
        return _("There is no floor 0; basements are -1, -2, …")
    if not -building.floors_below <= floor <= building.floors_above:
        return _("Floor %(floor)d is outside building %(building)s (%(low)d to %(high)d).") % {
            "floor": floor, "building": building.number,
            "low": -building.floors_below if building.floors_below else 1,
            "high": building.floors_above}
    return None


def _unit_checks(unit: Unit, errors: dict[str, list[str]]) -> None:
    building = unit.building
    unit.number = _text(unit.number)
    if not unit.number:
        errors.setdefault("number", []).append(_("Enter the room number."))
    if unit.section is not None and unit.section.building_id != building.pk:
        errors.setdefault("section", []).append(
            _("Choose a section of building %(number)s.") % {"number": building.number})
    if unit.layout is not None and unit.layout.community_id != building.community_id:
        errors.setdefault("layout", []).append(_("Choose a layout of this community."))
    if isinstance(unit.floor, int):
        message = _floor_error(building, unit.floor)
        if message:
            errors.setdefault("floor", []).append(message)
    for field in ("built_area", "measured_area"):
        value = getattr(unit, field)
        if value is not None and not isinstance(value, str) and value < 0:
            errors.setdefault(field, []).append(_("An area cannot be negative."))
    _model_checks(unit, errors, exclude=["tenant", "org_unit", "community", "building",
                                         "section", "layout", "room_code"])
    if "number" not in errors and "section" not in errors:
        unit.room_code = room_code(building.number,
                                   unit.section.number if unit.section else None, unit.number)
        clash = Unit.objects.filter(community_id=building.community_id,
                                    room_code=unit.room_code)
        if unit.pk:
            clash = clash.exclude(pk=unit.pk)
        if clash.exists():
            errors.setdefault("number", []).append(_clash_message([unit.room_code]))


@transaction.atomic
def unit_create(*, actor, building: Building, floor: int, number: str, **fields) -> Unit:
    """A unit of ``building``; ``fields`` are any of UNIT_FIELDS (section, use, areas, …)."""
    _known_fields(fields, UNIT_FIELDS)
    _require(actor, "directory.add_unit", building)
    unit = Unit(tenant_id=building.tenant_id, org_unit_id=building.org_unit_id,
                community_id=building.community_id, building=building, floor=floor,
                number=number, **fields)
    errors: dict[str, list[str]] = {}
    _unit_checks(unit, errors)
    _raise(errors)
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **changes) -> Unit:
    """Edit a unit; the room code follows its section and number."""
    _known_fields(changes, UNIT_FIELDS)
    _require(actor, "directory.change_unit", unit)
    old_status = unit.status
    for field, value in changes.items():
        setattr(unit, field, value)
    errors: dict[str, list[str]] = {}
    _unit_checks(unit, errors)
    _raise(errors)
    unit.save()
    if unit.status != old_status:
        record_event(unit, "status_changed", actor=actor, old=UnitStatus(old_status).label,
                     new=UnitStatus(unit.status).label)
    return unit


@transaction.atomic
def unit_set_status(*, actor, unit: Unit, status: str) -> Unit:
    """Any status may follow any other: the status records the facts, it is no workflow."""
    _require(actor, "directory.change_unit", unit)
    if status not in UnitStatus.values:
        raise ValidationError({"status": [_("Choose a valid status.")]})
    if status == unit.status:
        return unit
    old = unit.status
    unit.status = status
    unit.save(update_fields=["status", "updated_at"])
    record_event(unit, "status_changed", actor=actor, old=UnitStatus(old).label,
                 new=UnitStatus(status).label)
    return unit


def _generated_numbers(pattern: str, floors: list[int], units_per_floor: int,
                       errors: dict[str, list[str]]) -> list[tuple[int, str]]:
    """(floor, room number) for every generated unit of one section, floor by floor."""
    try:
        return [(floor, pattern.format(floor=floor, index=index))
                for floor in floors for index in range(1, units_per_floor + 1)]
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        errors.setdefault("number_pattern", []).append(
            _("Use {floor} and {index} in the pattern, e.g. {floor}{index:02d}.")
        )
        return []


def _check_generate_input(building: Building, floors: tuple[int, int], units_per_floor: int,
                          built_area, layout, errors: dict[str, list[str]]) -> None:
    low, high = floors
    if low > high:
        errors.setdefault("floors", []).append(
            _("The first floor must not be above the last floor."))
    for floor in {low, high}:
        message = _floor_error(building, floor)
        if message and floor != 0:
            errors.setdefault("floors", []).append(message)
    if units_per_floor < 1:
        errors.setdefault("units_per_floor", []).append(_("Enter at least one unit per floor."))
    if built_area is not None and built_area < 0:
        errors.setdefault("built_area", []).append(_("An area cannot be negative."))
    if layout is not None and layout.community_id != building.community_id:
        errors.setdefault("layout", []).append(_("Choose a layout of this community."))


@transaction.atomic
def units_generate(*, actor, building: Building, floors: tuple[int, int], units_per_floor: int,
                   sections: list[str] | None = None, skip_floors: list[int] | tuple = (),
                   shop_floors: list[int] | tuple = (), number_pattern: str = "{floor}{index:02d}",
                   built_area: Decimal | None = None, layout: Layout | None = None) -> int:
    """Create the units of ``building`` floor by floor; all or nothing.

    ``floors`` is (first, last), inclusive; floor 0 and ``skip_floors`` get no units (many
    buildings have no floors 4, 13 or 14). ``sections`` are section numbers (missing ones are
    created); each section gets ``units_per_floor`` units per floor. Units on ``shop_floors``
    are shops. Refused when any room code exists already or more than MAX_GENERATED_UNITS
    units would be made. Returns the number of units created.
    """
    _require(actor, "directory.add_unit", building)
    errors: dict[str, list[str]] = {}
    _check_generate_input(building, floors, units_per_floor, built_area, layout, errors)
    section_numbers = [_text(s) for s in sections or []]
    if any(not s for s in section_numbers) or len(set(section_numbers)) != len(section_numbers):
        errors.setdefault("sections", []).append(
            _("Enter each section number once, without blanks."))
    _raise(errors)
    skipped = set(skip_floors)
    floor_list = [f for f in range(floors[0], floors[1] + 1) if f != 0 and f not in skipped]
    total = len(floor_list) * units_per_floor * max(1, len(section_numbers))
    if total > MAX_GENERATED_UNITS:
        raise ValidationError({"units_per_floor": [
            _("This would create %(count)d units; at most %(max)d can be generated at once.")
            % {"count": total, "max": MAX_GENERATED_UNITS}]})
    if total == 0:
        raise ValidationError({"floors": [_("These floors leave no floor to fill.")]})
    numbers = _generated_numbers(number_pattern, floor_list, units_per_floor, errors)
    _raise(errors)
    if any(not number.strip() for _floor, number in numbers):
        raise ValidationError({"number_pattern": [_("The pattern makes empty room numbers.")]})
    existing = {s.number: s for s in Section.objects.filter(building=building)}
    sections_used: list[Section | None] = [
        existing.get(n) or Section(tenant_id=building.tenant_id,
                                   org_unit_id=building.org_unit_id, building=building,
                                   number=n)
        for n in section_numbers
    ] or [None]
    shops = set(shop_floors)
    units = [
        Unit(tenant_id=building.tenant_id, org_unit_id=building.org_unit_id,
             community_id=building.community_id, building=building, section=section,
             floor=floor, number=number.strip(),
             room_code=room_code(building.number, section.number if section else None,
                                 number.strip()),
             use=UnitUse.SHOP if floor in shops else UnitUse.RESIDENTIAL,
             built_area=built_area, layout=layout)
        for section in sections_used for floor, number in numbers
    ]
    codes = [u.room_code for u in units]
    repeated = sorted({c for c in codes if codes.count(c) > 1}) if len(set(codes)) < len(
        codes) else []
    if repeated:
        raise ValidationError({"number_pattern": [
            _("The pattern gives the same room number twice: %(codes)s.")
            % {"codes": ", ".join(repeated[:CLASHES_SHOWN])}]})
    clashes = sorted(Unit.objects.filter(community_id=building.community_id,
                                         room_code__in=codes).values_list("room_code",
                                                                          flat=True))
    if clashes:
        raise ValidationError({"floors": [_clash_message(clashes)]})
    _save_generated(actor, building, sections_used, units)
    record_event(building, "units_generated", actor=actor, new=str(len(units)))
    return len(units)


def _save_generated(actor, building: Building, sections: list[Section | None],
                    units: list[Unit]) -> None:
    for section in sections:
        if section is not None and section.pk is None:
            _require(actor, "directory.add_section", building)
            section.save()
    context = current()
    user = actor if actor is not None else context.user
    bulk_create_with_history(
        units, Unit, batch_size=500,
        default_user=user if getattr(user, "pk", None) else None,
        custom_historical_attrs={"history_channel": context.channel},
    )


# --- zones ----------------------------------------------------------------------------------

def _zone_member_checks(community: Community, zone: Zone | None, buildings: list[Building],
                        sections: list[Section], errors: dict[str, list[str]]) -> None:
    if any(b.community_id != community.pk for b in buildings):
        errors.setdefault("buildings", []).append(_("Choose buildings of this community."))
    if any(s.building.community_id != community.pk for s in sections):
        errors.setdefault("sections", []).append(_("Choose sections of this community."))
    if errors:
        return
    others = Zone.objects.filter(community=community)
    if zone is not None:
        others = others.exclude(pk=zone.pk)
    taken_b = {b.pk: z for z in others.prefetch_related("buildings")
               for b in z.buildings.all()}
    taken_s = {s.pk: z for z in others.prefetch_related("sections") for s in z.sections.all()}
    for building in buildings:
        if building.pk in taken_b:
            errors.setdefault("buildings", []).append(
                _("%(building)s already belongs to zone “%(zone)s”.")
                % {"building": building, "zone": taken_b[building.pk].name})
    for section in sections:
        if section.pk in taken_s:
            errors.setdefault("sections", []).append(
                _("Building %(building)s %(section)s already belongs to zone “%(zone)s”.")
                % {"building": section.building.number, "section": section,
                   "zone": taken_s[section.pk].name})


@transaction.atomic
def zone_save(*, actor, community: Community, name: str, housekeeper: User | None = None,
              public_phone: str = "", buildings: list[Building] | tuple = (),
              sections: list[Section] | tuple = (), zone: Zone | None = None) -> Zone:
    """Create or update a housekeeper zone; a building or section belongs to one zone only."""
    if zone is not None and zone.community_id != community.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    _require(actor, "directory.change_zone" if zone else "directory.add_zone", community)
    buildings, sections = list(buildings), list(sections)
    errors: dict[str, list[str]] = {}
    zone = zone or Zone(tenant_id=community.tenant_id, community=community)
    zone.org_unit_id = community.org_unit_id
    zone.name = _text(name)
    if not zone.name:
        errors["name"] = [_("Enter a name.")]
    elif Zone.objects.filter(community=community, name=zone.name).exclude(pk=zone.pk).exists():
        errors["name"] = [_("This community already has a zone “%(name)s”.") % {"name": zone.name}]
    if housekeeper is not None and (housekeeper.tenant_id != community.tenant_id
                                    or not housekeeper.is_active):
        errors["housekeeper"] = [_("Choose an active user of your organisation.")]
    zone.housekeeper = housekeeper
    zone.public_phone = _clean_phone(public_phone, "public_phone", errors)
    _zone_member_checks(community, zone if zone.pk else None, buildings, sections, errors)
    _model_checks(zone, errors, exclude=["tenant", "org_unit", "community", "housekeeper"])
    _raise(errors)
    zone.save()
    zone.buildings.set(buildings)
    zone.sections.set(sections)
    return zone
