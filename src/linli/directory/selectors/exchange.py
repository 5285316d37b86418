"""Reads of the directory's imports: the lookups an import loads once instead of once per row.

Every lookup is inside the actor's scope, so a community, unit, person or organisation of
another tenant (or of a branch the actor cannot see) is simply not found.
"""

from __future__ import annotations

from collections import defaultdict

from linli.directory.choices import ContactRole
from linli.directory.models import (
    Building,
    Community,
    Layout,
    Organization,
    Person,
    Section,
    Unit,
    UnitRelation,
)


def communities_by_name(actor) -> dict[str, Community]:
    """Visible communities keyed by their case-folded name (names are unique per tenant)."""
    return {c.name.casefold(): c for c in
            Community.objects.restrict(actor, "view").select_related("org_unit")}


# The community passed to these was found in the actor's scope; its buildings, sections,
# layouts and room codes exist whether or not the actor may view that kind of record, and an
# import must neither duplicate nor clash with them.

def buildings_of(community: Community) -> dict[str, Building]:
    """The community's buildings keyed by number."""
    return {b.number: b for b in Building.objects.filter(community=community)}


def sections_of(community: Community) -> dict[tuple[int, str], Section]:
    """The community's sections keyed by (building id, section number)."""
    return {(s.building_id, s.number): s for s in
            Section.objects.filter(building__community=community)}


def layouts_of(community: Community) -> dict[str, Layout]:
    return {lay.name: lay for lay in Layout.objects.filter(community=community)}


def room_codes_of(community: Community) -> set[str]:
    """Every room code of the community."""
    return set(Unit.objects.filter(community=community).values_list("room_code", flat=True))


def units_by_code(actor, community: Community) -> dict[str, Unit]:
    """The community's visible units keyed by room code."""
    return {u.room_code: u for u in
            Unit.objects.restrict(actor, "view").filter(community=community)}


def people_by_id_number(actor) -> dict[str, list[int]]:
    """Ids of the visible, unmerged people per ID number (a number may have duplicates)."""
    found: dict[str, list[int]] = defaultdict(list)
    rows = (Person.objects.restrict(actor, "view").filter(merged_into__isnull=True)
            .exclude(id_number="").values_list("id_number", "pk").order_by("pk"))
    for number, pk in rows:
        found[number].append(pk)
    return dict(found)


def person_for_import(actor, pk: int) -> Person | None:
    return Person.objects.restrict(actor, "view").filter(pk=pk).first()


def current_relations(person: Person) -> set[tuple[int, str]]:
    """(unit id, role) of the person's current unit relations."""
    return set(UnitRelation.objects.filter(person=person, end_date__isnull=True)
               .values_list("unit_id", "role"))


def phone_numbers(person: Person) -> set[str]:
    return set(person.phones.values_list("number", flat=True))


def organizations_by_name(actor) -> dict[str, list[Organization]]:
    """Visible, unmerged organisations per case-folded name."""
    found: dict[str, list[Organization]] = defaultdict(list)
    for organization in (Organization.objects.restrict(actor, "view")
                         .filter(merged_into__isnull=True).order_by("pk")):
        found[organization.name.casefold()].append(organization)
    return dict(found)


def has_legal_representative(organization: Organization) -> bool:
    return organization.contacts.filter(role=ContactRole.LEGAL_REPRESENTATIVE).exists()
