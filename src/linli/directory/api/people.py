"""API of people (DIR-2), their phones, unit relations, family and the 360° view (DIR-4).

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (their ValidationErrors become 422 with fields, PermissionDenied 403). Phones and
ID numbers are always masked here; a caller allowed to see them reveals one value at a time
with POST /api/v1/reveal (model "directory.PersonPhone" field "number", or "directory.Person"
field "id_number"), and every reveal is logged.
"""


from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.selectors import units_where
from linli.core.personal_data.masking import mask_id, mask_phone
from linli.core.restapi.errors import invalid as _invalid
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.choices import (
    ContactChannel,
    FamilyRelation,
    Gender,
    IncomeBand,
    PhoneKind,
    Purpose,
    UnitRole,
)
from linli.directory.models import Person, UnitRelation
from linli.directory.selectors import people as selectors
from linli.directory.services import people as services

router = Router(tags=["people"])

# Text fields that a PATCH with null empties.
_TEXT = {"address", "occupation", "hobbies", "pets", "holidays", "preferred_time", "notes",
         "id_number", "gender", "income_band", "preferred_channel", "purpose"}


def _value(value):
    return getattr(value, "value", value)


# --- schemas --------------------------------------------------------------------------------

class PhoneOut(Schema):
    id: int
    number: str = Field(description="Masked; reveal it with POST /api/v1/reveal")
    last4: str
    kind: str
    is_preferred: bool

    @staticmethod
    def resolve_number(obj) -> str:
        return mask_phone(obj.number)


class PersonOut(Schema):
    id: int
    name: str
    name_pinyin: str
    name_initials: str
    gender: str
    birthday: date | None
    id_number: str = Field(description="Masked; reveal it with POST /api/v1/reveal")
    phones: list[PhoneOut]
    address: str
    occupation: str
    income_band: str
    household_size: int | None
    hobbies: str
    pets: str
    holidays: str
    preferred_channel: str
    preferred_time: str
    purpose: str
    is_decision_maker: bool
    has_mortgage: bool | None
    tags: list[str]
    notes: str
    is_verified: bool
    org_unit_id: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id_number(obj) -> str:
        return mask_id(obj.id_number)

    @staticmethod
    def resolve_phones(obj) -> list:
        return list(obj.phones.all())


class PhoneIn(Schema):
    number: str = Field(..., min_length=1, max_length=30)
    kind: PhoneKind = PhoneKind.MOBILE
    is_preferred: bool = False


class _PersonFields(Schema):
    gender: Gender | None = None
    birthday: date | None = None
    id_number: str | None = Field(None, max_length=30,
                                  description="18 characters; fills birthday and gender")
    address: str | None = Field(None, max_length=300)
    occupation: str | None = Field(None, max_length=100)
    income_band: IncomeBand | None = None
    household_size: int | None = Field(None, ge=1, le=50)
    hobbies: str | None = Field(None, max_length=300)
    pets: str | None = Field(None, max_length=200)
    holidays: str | None = Field(None, max_length=200)
    preferred_channel: ContactChannel | None = None
    preferred_time: str | None = Field(None, max_length=100)
    purpose: Purpose | None = None
    is_decision_maker: bool | None = None
    has_mortgage: bool | None = None
    tags: list[str] | None = None
    notes: str | None = Field(None, max_length=5000)
    is_verified: bool | None = None


class PersonIn(_PersonFields):
    org_unit_id: Id = Field(description="The unit that manages the person")
    name: str = Field(..., min_length=1, max_length=100)
    phones: list[PhoneIn] = Field(default_factory=list, max_length=10,
                                  description="Normalised to E.164; duplicates dropped")


class PersonPatch(_PersonFields):
    org_unit_id: Id | None = Field(None, description="Move the person to this unit")
    name: str | None = Field(None, min_length=1, max_length=100)
    phones: list[PhoneIn] | None = Field(None, max_length=10,
                                         description="Replaces all phones")


class PersonFilters(Schema):
    q: str | None = Field(None, max_length=100,
                          description="Name, pinyin, initials, phone, its last 4 digits, "
                                      "ID number or room code")
    community: Id | None = Field(None, description="A current relation to a unit there")
    role: UnitRole | None = Field(None, description="A current relation in this role")
    tag: str | None = Field(None, max_length=30)
    sort: str | None = Field(None, description="name, created, updated; - for descending")


class UnitRelationOut(Schema):
    id: int
    person_id: int
    person_name: str = Field(alias="person.name")
    unit_id: int
    room_code: str = Field(alias="unit.room_code")
    community_id: int = Field(alias="unit.community_id")
    community_name: str = Field(alias="unit.community.name")
    role: str
    start_date: date | None
    end_date: date | None


class UnitRelationIn(Schema):
    person_id: Id
    unit_id: Id
    role: UnitRole
    start_date: date | None = None


class UnitRelationFilters(Schema):
    person: Id | None = None
    unit: Id | None = None
    current: bool | None = Field(None, description="true: current only; false: ended only")


class RelationEndIn(Schema):
    end_date: date | None = Field(None, description="Default: today")


class OwnershipTransferIn(Schema):
    new_owner_ids: list[Id] = Field(..., min_length=1, max_length=20,
                                    description="The first becomes owner, the others "
                                                "co-owners")
    date: date


class FamilyIn(Schema):
    relative_id: Id
    kind: FamilyRelation = Field(description="What this person is to the relative")


class FamilyOut(Schema):
    id: int
    person_id: int
    relative_id: int
    kind: str


class FamilyTieOut(Schema):
    relation_id: int
    person_id: int
    name: str
    kind: str = Field(description="What that person is to this one")


class TimelineOut(Schema):
    at: datetime
    kind: str
    title: str
    detail: str
    actor: str
    url: str
    badge: str


class SatisfactionOut(Schema):
    date: date
    score: float


class Person360Out(Schema):
    person: PersonOut
    current_relations: list[UnitRelationOut]
    past_relations: list[UnitRelationOut]
    family: list[FamilyTieOut]
    timeline: list[TimelineOut]
    open_items: list[TimelineOut]
    satisfaction: list[SatisfactionOut]


# --- people ---------------------------------------------------------------------------------

def _person_fields(changes: dict) -> dict:
    fields = {}
    for key, value in changes.items():
        if key in ("org_unit_id", "phones"):
            continue
        if value is None and key in _TEXT:
            value = ""
        elif value is None and key in ("is_decision_maker", "is_verified"):
            value = False
        elif value is None and key == "tags":
            value = []
        fields[key] = _value(value)
    return fields


def _phones(items) -> list[services.PhoneInput]:
    return [services.PhoneInput(p.number, _value(p.kind), p.is_preferred) for p in items]


def _org_unit(actor, pk: int, permission: str):
    org_unit = units_where(actor, permission).filter(pk=pk).first()
    if org_unit is None:
        raise _invalid("org_unit_id", _("Choose a unit where you may manage people."))
    return org_unit


def _reload(actor, pk) -> Person:
    return get_object_or_404(selectors.person_list(actor), pk=pk)


@router.get("/people", response=list[PersonOut], summary="People")
@scoped(Person, "list")
@paginate(PagePagination)
def person_list(request, filters: Query[PersonFilters]):
    return selectors.person_list(request.auth, {
        "q": filters.q, "community": filters.community, "role": _value(filters.role),
        "tag": filters.tag, "sort": filters.sort,
    })


@router.post("/people", response={201: PersonOut}, summary="Create a person")
def person_create(request, payload: PersonIn):
    actor = request.auth
    org_unit = _org_unit(actor, payload.org_unit_id, "directory.add_person")
    changes = payload.dict(exclude_unset=True)
    changes.pop("name", None)
    person = services.person_create(
        actor=actor, tenant=actor.tenant, org_unit=org_unit, name=payload.name,
        phones=_phones(payload.phones), **_person_fields(changes),
    )
    return Status(201, _reload(actor, person.pk))


@router.get("/people/{person_id}", response=PersonOut, summary="One person")
@scoped(Person, "detail")
def person_detail(request, person_id: PathId):
    return _reload(request.auth, person_id)


@router.patch("/people/{person_id}", response=PersonOut, summary="Edit or move a person")
def person_patch(request, person_id: PathId, payload: PersonPatch):
    actor = request.auth
    person = selectors.person_get(actor, person_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("name", "") is None:
        raise _invalid("name", _("Enter the person's name."))
    extra = {}
    if changes.get("org_unit_id") is not None:
        extra["org_unit"] = _org_unit(actor, changes["org_unit_id"], "directory.change_person")
    if "phones" in changes:
        extra["phones"] = _phones(payload.phones or [])
    services.person_update(actor=actor, person=person, **extra, **_person_fields(changes))
    return _reload(actor, person_id)


@router.get("/people/{person_id}/360", response=Person360Out,
            summary="The 360° view of a person")
@scoped(Person, "detail")
def person_360(request, person_id: PathId):
    actor = request.auth
    view = selectors.person_360(actor, _reload(actor, person_id))
    return {
        "person": view.person,
        "current_relations": view.current_relations,
        "past_relations": view.past_relations,
        "family": [{"relation_id": t.relation.pk, "person_id": t.other.pk,
                    "name": t.other.name, "kind": t.kind} for t in view.family],
        "timeline": view.timeline,
        "open_items": view.open_items,
        "satisfaction": [{"date": d, "score": s} for d, s in view.satisfaction],
    }


# --- phones ---------------------------------------------------------------------------------

@router.post("/people/{person_id}/phones", response={201: PhoneOut},
             summary="Add a phone to a person")
def phone_add(request, person_id: PathId, payload: PhoneIn):
    person = selectors.person_get(request.auth, person_id)
    phone = services.person_phone_add(actor=request.auth, person=person,
                                      number=payload.number, kind=_value(payload.kind),
                                      preferred=payload.is_preferred)
    return Status(201, phone)


@router.delete("/people/{person_id}/phones/{phone_id}", response={204: None},
               summary="Remove a phone of a person")
def phone_remove(request, person_id: PathId, phone_id: PathId):
    person = selectors.person_get(request.auth, person_id)
    phone = selectors.phone_get(request.auth, person, phone_id)
    services.person_phone_remove(actor=request.auth, phone=phone)
    return Status(204, None)


@router.post("/people/{person_id}/phones/{phone_id}/preferred", response=PhoneOut,
             summary="Make a phone the preferred one")
def phone_preferred(request, person_id: PathId, phone_id: PathId):
    person = selectors.person_get(request.auth, person_id)
    phone = selectors.phone_get(request.auth, person, phone_id)
    return services.person_phone_set_preferred(actor=request.auth, phone=phone)


# --- unit relations -------------------------------------------------------------------------

@router.get("/unit-relations", response=list[UnitRelationOut], summary="Unit relations")
@scoped(UnitRelation, "list")
@paginate(PagePagination)
def unit_relation_list(request, filters: Query[UnitRelationFilters]):
    return selectors.unit_relation_list(request.auth, person_id=filters.person,
                                        unit_id=filters.unit, current=filters.current)


def _relation(actor, pk) -> UnitRelation:
    return get_object_or_404(selectors.unit_relation_list(actor), pk=pk)


@router.post("/unit-relations", response={201: UnitRelationOut},
             summary="Relate a person to a unit")
def unit_relation_add(request, payload: UnitRelationIn):
    actor = request.auth
    person = selectors.person_find(actor, payload.person_id)
    if person is None:
        raise _invalid("person_id", _("Choose a person of your own company."))
    unit = selectors.unit_find_by_id(actor, payload.unit_id)
    if unit is None:
        raise _invalid("unit_id", _("Choose a unit in a community you manage."))
    relation = services.unit_relation_add(actor=actor, person=person, unit=unit,
                                          role=_value(payload.role),
                                          start_date=payload.start_date)
    return Status(201, _relation(actor, relation.pk))


@router.post("/unit-relations/{relation_id}/end", response=UnitRelationOut,
             summary="End a unit relation")
def unit_relation_end(request, relation_id: PathId, payload: RelationEndIn):
    actor = request.auth
    relation = selectors.unit_relation_get(actor, relation_id)
    services.unit_relation_end(actor=actor, relation=relation, end_date=payload.end_date)
    return _relation(actor, relation_id)


@router.post("/units/{unit_id}/ownership-transfer", response=list[UnitRelationOut],
             summary="Transfer the ownership of a unit")
def ownership_transfer(request, unit_id: PathId, payload: OwnershipTransferIn):
    """Closes every current owner and co-owner relation at ``date`` and opens the new ones;
    answers the new relations."""
    actor = request.auth
    unit = selectors.unit_get(actor, unit_id)
    owners = selectors.people_find(actor, payload.new_owner_ids)
    if len(owners) != len(set(payload.new_owner_ids)):
        raise _invalid("new_owner_ids", _("Choose people of your own company."))
    opened = services.ownership_transfer(actor=actor, unit=unit, new_owners=owners,
                                         date=payload.date)
    return [_relation(actor, r.pk) for r in opened]


# --- family ---------------------------------------------------------------------------------

@router.post("/people/{person_id}/family", response={201: FamilyOut},
             summary="Record a family relation")
def family_add(request, person_id: PathId, payload: FamilyIn):
    actor = request.auth
    person = selectors.person_get(actor, person_id)
    relative = selectors.person_find(actor, payload.relative_id)
    if relative is None:
        raise _invalid("relative_id", _("Choose a person of your own company."))
    relation = services.family_relation_add(actor=actor, person=person, relative=relative,
                                            kind=_value(payload.kind))
    return Status(201, relation)
