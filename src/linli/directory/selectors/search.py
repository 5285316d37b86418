"""Directory records in the global search (PLAT-8): people, units, organisations, communities.

Each provider reads only what the actor may view (``restrict(actor, "view")``), leaves out
records merged into another (DIR-5), ranks in the database and returns at most ``limit`` hits,
so one search costs a fixed number of queries however many records match.

Scores, best first, are the same across providers so that the core can mix their hits:
an exact phone number, ID number or room code; the last 4 digits of a phone; a bare room
number; a name that is the query or starts with it; a pinyin or initials match; a name that
merely contains the query.
"""

from __future__ import annotations

import functools
import operator
import re

from django.db.models import (
    Case,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.modules import SearchHit
from linli.core.personal_data.masking import mask_phone
from linli.core.personal_data.search_query import QueryKind, SearchQuery
from linli.core.personal_data.services import REVEAL_PERMISSION
from linli.core.scope import scope_for
from linli.directory.keys import room_code
from linli.directory.models import Community, Person, PersonPhone, Unit, UnitRelation
from linli.directory.selectors.duplicates import visible_organizations, visible_people

EXACT = 1.0
LAST4 = 0.8
BARE_ROOM = 0.75
NAME_EXACT = 0.7
NAME_PREFIX = 0.6
PINYIN_EXACT = 0.5
PINYIN_PREFIX = 0.4
CONTAINS = 0.3
ROOM_WITHOUT_SECTION = 0.7

_TEXT_KINDS = {QueryKind.NAME, QueryKind.TEXT, QueryKind.PINYIN}
# "1502室", "1502号": a room number without its building, typed the way it is written.
_BARE_ROOM = re.compile(r"([0-9A-Z]{1,6})\s*(?:室|号|房)")


def _ranked(qs: QuerySet, whens: list[When], limit: int, *order: str,
            matches: Q | None = None) -> QuerySet:
    """Rows matching any of ``whens``, best score first, at most ``limit``.

    ``matches``: a shorter condition equivalent to "any of ``whens``" when some of them imply
    others (an exact name also starts with the query); compiling SQL is most of a search's
    cost, so the filter should not repeat what the score already spells out.
    """
    score = Case(*whens, default=Value(0.0), output_field=FloatField())
    if matches is None:
        # Filtering on the conditions rather than on "score > 0" spares building the CASE
        # twice.
        matches = functools.reduce(operator.or_, (when.condition for when in whens))
    return qs.filter(matches).annotate(score=score).order_by("-score", *order)[:limit]


def _name_whens(query: SearchQuery) -> tuple[list[When], Q | None]:
    """Name, full-pinyin and initials lookups of models with name keys (see keys.name_keys),
    and the filter that finds the same rows: every score implies "name contains" or "a key
    starts with"."""
    if query.kind not in _TEXT_KINDS:
        return [], None
    text = query.text
    whens = [
        When(name__iexact=text, then=Value(NAME_EXACT)),
        When(name__istartswith=text, then=Value(NAME_PREFIX)),
    ]
    matches = Q(name__icontains=text)
    if query.kind == QueryKind.PINYIN:
        key = query.pinyin
        whens += [
            When(Q(name_pinyin=key) | Q(name_initials=key), then=Value(PINYIN_EXACT)),
            When(Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key),
                 then=Value(PINYIN_PREFIX)),
        ]
        matches |= Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    whens.append(When(name__icontains=text, then=Value(CONTAINS)))
    return whens, matches


def _reveal_units(actor) -> frozenset[int] | None:
    """Org units where the actor may see unmasked personal data; None: the whole tenant."""
    scope = scope_for(actor)
    return frozenset() if scope is None else scope.org_units_for(REVEAL_PERMISSION)


# --- people ---------------------------------------------------------------------------------

def _person_whens(actor, query: SearchQuery) -> tuple[list[When], Q | None]:
    phones = PersonPhone.objects.filter(tenant_id=actor.tenant_id)
    if query.kind == QueryKind.PHONE:
        return [When(pk__in=phones.filter(number=query.phone).values("person_id"),
                     then=Value(EXACT))], None
    if query.kind == QueryKind.PHONE_LAST4:
        return [When(pk__in=phones.filter(last4=query.last4).values("person_id"),
                     then=Value(LAST4))], None
    if query.kind == QueryKind.ID_NUMBER:
        # Searching by ID number would tell who holds it, so it needs the reveal right at the
        # person's unit; without it the query finds nothing.
        units = _reveal_units(actor)
        match = Q(id_number=query.id_number)
        if units is not None:
            match &= Q(org_unit_id__in=units)
        return [When(match, then=Value(EXACT))], None
    return _name_whens(query)


def _current_homes(actor, people: list[Person]) -> dict[int, list[str]]:
    """Each person's current units the actor may view ("community room"), by person id."""
    homes: dict[int, list[str]] = {}
    if not people:
        return homes
    # Plain values, not relations with their units: a search reads this on every keystroke.
    current = UnitRelation.objects.filter(
        person_id__in=[p.pk for p in people], end_date__isnull=True,
        unit__in=Unit.objects.restrict(actor, "view"),
    ).order_by("unit__room_code", "pk").values_list(
        "person_id", "unit__community__name", "unit__room_code")
    for person_id, community, room in current:
        homes.setdefault(person_id, []).append(f"{community} {room}")
    return homes


def _person_subtitle(person: Person, homes: list[str]) -> str:
    parts = [mask_phone(person.first_phone)] if person.first_phone else []
    return " · ".join(parts + homes)


def search_people(actor, query: SearchQuery, limit: int) -> list[SearchHit]:
    """People by phone, last 4 digits, ID number (with the reveal right), name or pinyin."""
    whens, matches = _person_whens(actor, query)
    if not whens:
        return []
    first_phone = PersonPhone.objects.filter(person=OuterRef("pk")).order_by(
        "-is_preferred", "pk").values("number")[:1]
    people = list(_ranked(visible_people(actor).only("pk", "name"), whens, limit,
                          "name_pinyin", "pk", matches=matches).annotate(
        first_phone=Subquery(first_phone)))
    homes = _current_homes(actor, people)
    kind = _("Person")
    return [
        SearchHit(kind=kind, title=person.name,
                  subtitle=_person_subtitle(person, homes.get(person.pk, [])),
                  url=reverse("directory:person_detail", args=[person.pk]), score=person.score)
        for person in people
    ]


# --- units ----------------------------------------------------------------------------------

def _unit_whens(query: SearchQuery) -> list[When]:
    if query.kind == QueryKind.ROOM:
        room = query.room
        whens = [When(room_code__iexact=room_code(room.building, room.section, room.room),
                      then=Value(EXACT))]
        if not room.section:
            # "3-1502" also finds room 1502 of building 3 when that building has sections.
            whens.append(When(building__number__iexact=room.building, number__iexact=room.room,
                              then=Value(ROOM_WITHOUT_SECTION)))
        return whens
    if query.kind == QueryKind.PHONE_LAST4:
        return [When(number=query.last4, then=Value(BARE_ROOM))]
    bare = _BARE_ROOM.fullmatch(query.text.upper()) if query.kind == QueryKind.NAME else None
    if bare:
        return [When(number__iexact=bare.group(1), then=Value(BARE_ROOM))]
    return []


def search_units(actor, query: SearchQuery, limit: int) -> list[SearchHit]:
    """Units by room code ("3-2-1502", "3栋2单元1502", "3#2-1502") or bare room number
    ("1502", "1502室") in the communities the actor may view."""
    whens = _unit_whens(query)
    if not whens:
        return []
    units = _ranked(Unit.objects.restrict(actor, "view"), whens, limit,
                    "community__name_pinyin", "building__sort_key", "room_code", "pk")
    units = units.select_related("community").only(
        "pk", "room_code", "use", "status", "community__name")
    kind = _("Unit")
    return [
        SearchHit(kind=kind, title=f"{unit.community.name} {unit.room_code}",
                  subtitle=" · ".join((unit.get_use_display(), unit.get_status_display())),
                  url=reverse("directory:unit_detail", args=[unit.pk]), score=unit.score)
        for unit in units
    ]


# --- organisations and communities ----------------------------------------------------------

def search_organizations(actor, query: SearchQuery, limit: int) -> list[SearchHit]:
    """Organisations by name, pinyin or initials; merged ones are left out."""
    whens, matches = _name_whens(query)
    if not whens:
        return []
    organizations = _ranked(
        visible_organizations(actor).only("pk", "name", "kind", "city"), whens,
        limit, "name_pinyin", "pk", matches=matches,
    )
    kind = _("Organisation")
    return [
        SearchHit(kind=kind, title=org.name,
                  subtitle=" · ".join(p for p in (org.get_kind_display(), org.city) if p),
                  url=reverse("directory:organization_detail", args=[org.pk]), score=org.score)
        for org in organizations
    ]


def search_communities(actor, query: SearchQuery, limit: int) -> list[SearchHit]:
    """Communities by name, pinyin or initials."""
    whens, matches = _name_whens(query)
    if not whens:
        return []
    communities = _ranked(
        Community.objects.restrict(actor, "view").only("pk", "name", "city", "district",
                                                       "address"),
        whens, limit, "name_pinyin", "pk", matches=matches)
    kind = _("Community")
    return [
        SearchHit(kind=kind, title=community.name,
                  subtitle=" · ".join(p for p in (community.city, community.district,
                                                  community.address) if p),
                  url=reverse("directory:community_detail", args=[community.pk]),
                  score=community.score)
        for community in communities
    ]

