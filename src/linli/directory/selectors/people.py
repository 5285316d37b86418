"""Reads of people (DIR-2) and the 360° view of a person (DIR-4), always inside the scope.

The 360° view gathers the profile, phones, unit relations, family, the timeline, open items
and the satisfaction trend in a bounded number of queries. Other modules feed it without the
directory importing them: timeline entries through ``linli.core.timeline`` (an entry with
``extra["open"] = True`` is an open item), satisfaction scores through
``register_satisfaction_provider``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.personal_data.masking import mask_id, mask_phone
from linli.core.personal_data.search_query import QueryKind, parse_search_query
from linli.core.personal_data.services import REVEAL_PERMISSION
from linli.core.timeline import TimelineEntry, timeline_for
from linli.directory.choices import FamilyRelation, UnitRole
from linli.directory.models import (
    Community,
    Person,
    PersonPhone,
    PersonRelation,
    Unit,
    UnitRelation,
)

PERSON_SORTS = {"name": "name_pinyin", "created": "created_at", "updated": "updated_at"}
DEFAULT_SORT = "name_pinyin"
# What ``person`` is to ``relative`` seen from the relative's side.
INVERSE_FAMILY = {
    FamilyRelation.SPOUSE: FamilyRelation.SPOUSE,
    FamilyRelation.CHILD: FamilyRelation.PARENT,
    FamilyRelation.PARENT: FamilyRelation.CHILD,
    FamilyRelation.SIBLING: FamilyRelation.SIBLING,
    FamilyRelation.OTHER: FamilyRelation.OTHER,
}
TIMELINE_LIMIT = 100

SatisfactionProvider = Callable[[object, Person], list[tuple[datetime.date, float]]]
_satisfaction_providers: dict[str, SatisfactionProvider] = {}


def register_satisfaction_provider(key: str, provider: SatisfactionProvider) -> None:
    """``provider(user, person) -> [(date, score), …]`` with scores 0–100 (surveys,
    callbacks …); it must return only what the user may see."""
    _satisfaction_providers[key] = provider


# --- people ---------------------------------------------------------------------------------

def person_queryset(actor, action: str = "view") -> QuerySet[Person]:
    """People the actor may ``action``; merged records are left out."""
    return Person.objects.restrict(actor, action).filter(merged_into__isnull=True)


def _with_tag(qs: QuerySet[Person], tag: str) -> QuerySet[Person]:
    if connection.features.supports_json_field_contains:
        return qs.filter(tags__contains=[tag])
    # SQLite stores the list as JSON text; look for the tag as a whole JSON string in it.
    return qs.annotate(_tags_text=Cast("tags", CharField())).filter(
        _tags_text__contains=json.dumps(tag))


def person_search_condition(q: str) -> Q | Exists | None:
    """The condition a person matches the search text ``q`` by (None: ``q`` searches for
    nothing): name, pinyin or initials, phone or its last 4 digits, ID number, room code."""
    query = parse_search_query(q)
    phones = PersonPhone.objects.filter(person=OuterRef("pk"))
    if query.kind == QueryKind.EMPTY:
        return None
    if query.kind == QueryKind.PHONE_LAST4:
        return Exists(phones.filter(last4=query.last4))
    if query.kind == QueryKind.PHONE:
        return Exists(phones.filter(number=query.phone))
    if query.kind == QueryKind.ID_NUMBER:
        return Q(id_number=query.id_number)
    if query.kind == QueryKind.ROOM:
        room = query.room
        code = "-".join(p for p in (room.building, room.section, room.room) if p)
        return Exists(UnitRelation.objects.filter(
            person=OuterRef("pk"), end_date__isnull=True, unit__room_code=code))
    if query.kind == QueryKind.PINYIN:
        return (Q(name_pinyin__startswith=query.pinyin)
                | Q(name_initials__startswith=query.pinyin) | Q(name__icontains=query.text))
    return Q(name__icontains=query.text)


def _search(qs: QuerySet[Person], q: str) -> QuerySet[Person]:
    condition = person_search_condition(q)
    return qs if condition is None else qs.filter(condition)


def person_list(actor, filters: dict | None = None, *,
                with_units: bool = False) -> QuerySet[Person]:
    """People the actor may view, filtered and sorted, with their phones prefetched
    (``with_units``: also their current unit relations as ``current_relations``).

    ``filters``: q (name, pinyin, initials, phone or its last 4 digits, ID number, room code),
    community (id: a current relation to a unit there), role (a UnitRole: current relation in
    that role), tag, sort (name, created, updated; "-" for descending).
    """
    filters = filters or {}
    qs = _search(person_queryset(actor), str(filters.get("q") or ""))
    community, role = filters.get("community"), filters.get("role")
    if community or role:
        current = UnitRelation.objects.filter(person=OuterRef("pk"), end_date__isnull=True)
        if community:
            current = current.filter(unit__community_id=community)
        if role:
            current = current.filter(role=role)
        qs = qs.filter(Exists(current))
    tag = str(filters.get("tag") or "").strip()
    if tag:
        qs = _with_tag(qs, tag)
    sort = str(filters.get("sort") or "")
    key = sort.lstrip("-")
    order = PERSON_SORTS.get(key, DEFAULT_SORT)
    if key in PERSON_SORTS and sort.startswith("-"):
        order = "-" + order
    qs = qs.select_related("org_unit").prefetch_related(
        Prefetch("phones", queryset=PersonPhone.objects.order_by("-is_preferred", "id"))
    )
    if with_units:
        qs = qs.prefetch_related(Prefetch(
            "unit_relations", to_attr="current_relations",
            queryset=UnitRelation.objects.filter(end_date__isnull=True).select_related(
                "unit", "unit__community").order_by("unit__room_code", "role"),
        ))
    return qs.order_by(order, "id")


def person_get(actor, pk, action: str = "view") -> Person:
    """One person inside the actor's scope for ``action``; missing or outside: 404."""
    return get_object_or_404(person_queryset(actor, action), pk=pk)


def person_find(actor, pk) -> Person | None:
    """A visible person by id, or None (for choosing a person in a payload)."""
    return person_queryset(actor).filter(pk=pk).first()


def people_find(actor, pks) -> list[Person]:
    """The visible people among ``pks``, in the order given; unknown ids are left out."""
    found = {p.pk: p for p in person_queryset(actor).filter(pk__in=list(pks))}
    return [found[pk] for pk in pks if pk in found]


def person_with_phone(tenant_id: int, number: str) -> Person | None:
    """The person of the tenant who has the E.164 ``number`` (the earliest registered when
    several do), whoever may see them: for other modules' de-duplication of newcomers, whose
    own rules decide what the caller is shown."""
    return (Person.objects.filter(  # scoped-query-ok: tenant-wide de-duplication by phone
        tenant_id=tenant_id, merged_into__isnull=True, phones__number=number)
        .order_by("pk").first())


def preferred_phone(person: Person) -> PersonPhone | None:
    """The preferred phone from the prefetched phones (no query)."""
    phones = list(person.phones.all())
    return next((p for p in phones if p.is_preferred), phones[0] if phones else None)


def phones_visible_to(actor) -> QuerySet[PersonPhone]:
    """Phones of the people the actor may view: a phone is part of its person's record."""
    return PersonPhone.objects.filter(person__in=person_queryset(actor).values("pk"))


def phone_get(actor, person: Person, pk) -> PersonPhone:
    """One phone of ``person`` (already resolved inside the actor's scope); else 404."""
    return get_object_or_404(phones_visible_to(actor).filter(person=person), pk=pk)


def communities_for_filter(actor) -> QuerySet[Community]:
    return Community.objects.restrict(actor, "view").order_by("name_pinyin", "id")


def unit_find(actor, community_id, room_code: str) -> Unit | None:
    """A unit the actor may view, by community and room code ("3-2-1502")."""
    code = "-".join(part.strip() for part in str(room_code or "").replace("—", "-").split("-")
                    if part.strip())
    return Unit.objects.restrict(actor, "view").filter(
        community_id=community_id, room_code=code).select_related("community").first()


def unit_find_by_id(actor, pk) -> Unit | None:
    return Unit.objects.restrict(actor, "view").filter(pk=pk).first()


def unit_get(actor, pk) -> Unit:
    return get_object_or_404(
        Unit.objects.restrict(actor, "view").select_related("community"), pk=pk)


# --- unit relations -------------------------------------------------------------------------

def unit_relation_list(actor, *, person_id: int | None = None, unit_id: int | None = None,
                       current: bool | None = None) -> QuerySet[UnitRelation]:
    """Unit relations the actor may view whose person and unit are visible too."""
    qs = UnitRelation.objects.restrict(actor, "view").filter(
        person__in=person_queryset(actor).values("pk"),
        unit__in=Unit.objects.restrict(actor, "view").values("pk"),
    )
    if person_id:
        qs = qs.filter(person_id=person_id)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if current is True:
        qs = qs.filter(end_date__isnull=True)
    elif current is False:
        qs = qs.filter(end_date__isnull=False)
    return qs.select_related("person", "unit", "unit__community").order_by(
        "unit__room_code", "role", "-start_date", "-id")


def unit_relation_get(actor, pk, action: str = "view") -> UnitRelation:
    return get_object_or_404(
        UnitRelation.objects.restrict(actor, action).select_related("person", "unit"), pk=pk)


def unit_people(actor, unit: Unit) -> list[UnitRelation]:
    """The current owners, co-owners, residents and renters of ``unit`` with their phones."""
    order = {role: index for index, role in enumerate(UnitRole.values)}
    relations = list(
        unit_relation_list(actor, unit_id=unit.pk, current=True).prefetch_related(
            Prefetch("person__phones",
                     queryset=PersonPhone.objects.order_by("-is_preferred", "id")))
    )
    return sorted(relations, key=lambda r: (order.get(r.role, 99), r.person.name_pinyin))


def family_relation_get(actor, pk, action: str = "view") -> PersonRelation:
    return get_object_or_404(
        PersonRelation.objects.restrict(actor, action).select_related("person", "relative"),
        pk=pk)


# --- the 360° view --------------------------------------------------------------------------

@dataclass(frozen=True)
class PhoneView:
    phone: PersonPhone
    masked: str


@dataclass(frozen=True)
class FamilyTie:
    relation: PersonRelation
    other: Person
    # What ``other`` is to the person whose view this is.
    kind: str

    @property
    def kind_label(self) -> str:
        return FamilyRelation(self.kind).label


@dataclass
class Person360:
    person: Person
    id_masked: str
    can_reveal: bool
    phones: list[PhoneView]
    current_relations: list[UnitRelation]
    past_relations: list[UnitRelation]
    family: list[FamilyTie]
    timeline: list[TimelineEntry]
    open_items: list[TimelineEntry]
    satisfaction: list[tuple[datetime.date, float]] = field(default_factory=list)


def family_of(actor, person: Person) -> list[FamilyTie]:
    """Family ties in both directions, each seen from ``person``; relatives outside the
    actor's scope are left out."""
    visible = person_queryset(actor).values("pk")
    ties = PersonRelation.objects.restrict(actor, "view").filter(
        Q(person=person, relative__in=visible) | Q(relative=person, person__in=visible)
    ).select_related("person", "relative").order_by("id")
    result = []
    for tie in ties:
        if tie.person_id == person.pk:
            result.append(FamilyTie(tie, tie.relative, INVERSE_FAMILY[tie.kind]))
        else:
            result.append(FamilyTie(tie, tie.person, tie.kind))
    return result


def satisfaction_trend(actor, person: Person) -> list[tuple[datetime.date, float]]:
    points = []
    for provider in _satisfaction_providers.values():
        points.extend(provider(actor, person))
    return sorted(points)


def phone_views(person: Person) -> list[PhoneView]:
    """The phones of a person (already resolved in scope), preferred first, masked."""
    return [
        PhoneView(phone, mask_phone(phone.number))
        for phone in PersonPhone.objects.filter(person=person).order_by("-is_preferred", "id")
    ]


def person_360(actor, person: Person) -> Person360:
    """Everything about one person the actor may see (``person`` comes from person_get)."""
    can_reveal = actor.has_perm(REVEAL_PERMISSION, person)
    phones = phone_views(person)
    relations = list(unit_relation_list(actor, person_id=person.pk))
    timeline = timeline_for(actor, person, limit=TIMELINE_LIMIT)
    return Person360(
        person=person,
        id_masked=mask_id(person.id_number),
        can_reveal=can_reveal,
        phones=phones,
        current_relations=[r for r in relations if r.end_date is None],
        past_relations=sorted((r for r in relations if r.end_date is not None),
                              key=lambda r: r.end_date, reverse=True),
        family=family_of(actor, person),
        timeline=timeline,
        open_items=[e for e in timeline if e.extra.get("open")],
        satisfaction=satisfaction_trend(actor, person),
    )


# --- timeline -------------------------------------------------------------------------------

def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def relation_timeline(actor, subject) -> list[TimelineEntry]:
    """Starts and ends of unit relations on the timeline of a person or a unit."""
    if isinstance(subject, Person):
        relations = unit_relation_list(actor, person_id=subject.pk)
    elif isinstance(subject, Unit):
        relations = unit_relation_list(actor, unit_id=subject.pk)
    else:
        return []
    entries = []
    for relation in relations:
        role = relation.get_role_display().lower()
        values = {"name": relation.person.name, "role": role, "unit": relation.unit.room_code,
                  "community": relation.unit.community.name}
        badge = UnitRole(relation.role).badge
        if relation.start_date:
            title = (_("Became %(role)s of %(unit)s") if isinstance(subject, Person)
                     else _("%(name)s became %(role)s")) % values
            entries.append(TimelineEntry(
                at=_at(relation.start_date), kind="unit_relation", title=title,
                detail=relation.unit.community.name, badge=badge,
                extra={"relation": relation.pk},
            ))
        if relation.end_date:
            title = (_("No longer %(role)s of %(unit)s") if isinstance(subject, Person)
                     else _("%(name)s no longer %(role)s")) % values
            entries.append(TimelineEntry(
                at=_at(relation.end_date), kind="unit_relation", title=title,
                detail=relation.unit.community.name, badge="secondary",
                extra={"relation": relation.pk},
            ))
    return entries
