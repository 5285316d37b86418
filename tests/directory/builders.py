"""Builders of directory data for tests, made through the real services.

``make_community(world)`` gives a community of tenant A's first branch; ``make_building`` adds a
building (optionally with sections) and ``make_units`` fills it with ``units_generate``. Other
directory parts add their builders at the END of this file.
"""

from __future__ import annotations

import itertools

from linli.accounts.models import OrgUnit
from linli.directory.models import Building, Community, Section, Unit
from linli.directory.services import property as property_services

_seq = itertools.count(1)


def make_community(world, name: str | None = None, org_unit: OrgUnit | None = None,
                   **fields) -> Community:
    """A community of ``world.tenant`` owned by ``org_unit`` (default: branch A)."""
    return property_services.community_create(
        actor=None, org_unit=org_unit or world.branch_a,
        name=name or f"Community {next(_seq)}", **fields,
    )


def make_building(community: Community, number: str = "1", floors: int = 6,
                  sections: int | list[str] = 0, floors_below: int = 0,
                  **fields) -> Building:
    """A building with ``floors`` floors above ground and sections "1".."n" (or the numbers
    given as a list)."""
    building = property_services.building_create(
        actor=None, community=community, number=number, floors_above=floors,
        floors_below=floors_below, **fields,
    )
    numbers = sections if isinstance(sections, list) else [str(i) for i in
                                                           range(1, sections + 1)]
    for section_number in numbers:
        property_services.section_create(actor=None, building=building, number=section_number)
    return building


def make_units(building: Building, floors: tuple[int, int] | None = None,
               units_per_floor: int = 2, **options) -> list[Unit]:
    """Units on every floor of ``building`` (in each of its sections), via units_generate;
    ``options`` are passed on (skip_floors, shop_floors, built_area, …)."""
    sections = [s.number for s in Section.objects.filter(building=building)]
    property_services.units_generate(
        actor=None, building=building, floors=floors or (1, building.floors_above),
        units_per_floor=units_per_floor, sections=sections or None, **options,
    )
    return list(Unit.objects.filter(building=building).order_by("pk"))


def make_unit(building: Building, floor: int = 1, number: str = "101",
              section: Section | None = None, **fields) -> Unit:
    """One unit made with unit_create."""
    return property_services.unit_create(actor=None, building=building, floor=floor,
                                         number=number, section=section, **fields)


# --- search and merge builders --------------------------------------------------------------

def add_person(world, name: str, phones=(), org_unit: OrgUnit | None = None, **fields):
    """A person owned by ``org_unit`` (default: tenant A's branch A), made with
    person_create."""
    from linli.directory.services import people as people_services
    from tests.builders import parent_tenant

    org_unit = org_unit or world.branch_a
    return people_services.person_create(
        actor=None, tenant=parent_tenant(org_unit), org_unit=org_unit, name=name,
        phones=phones, **fields,
    )


def add_organization(world, name: str, org_unit: OrgUnit | None = None,
                     kind: str = "developer", **fields):
    """An organisation owned by ``org_unit`` (default: tenant A's branch A), made with
    organization_create."""
    from linli.directory.services import organizations as organization_services
    from tests.builders import parent_tenant

    org_unit = org_unit or world.branch_a
    return organization_services.organization_create(
        actor=None, tenant=parent_tenant(org_unit), org_unit=org_unit, kind=kind,
        name=name, **fields,
    )


# --- people ---------------------------------------------------------------------------------

def make_person(world, name: str = "张三", org_unit: OrgUnit | None = None, phones=(),
                **fields):
    """A person of ``world.tenant`` owned by ``org_unit`` (default: branch A), via
    person_create."""
    from linli.directory.services import people as people_services

    return people_services.person_create(
        actor=None, tenant=world.tenant, org_unit=org_unit or world.branch_a, name=name,
        phones=list(phones), **fields,
    )
