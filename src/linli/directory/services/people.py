"""Writes of people: the person record, phones, ID numbers, unit relations, family (DIR-2).

Every function takes keyword arguments including ``actor`` (None for system writers such as the
demo generator and importers), runs in one transaction, checks the actor's right at the org unit
concerned and raises ValidationError({"field": [message]}) for input a user can correct.
Phones, unit relations and family ties copy their person's org unit, so scope checks need no
join; moving a person moves them too.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import OrgUnit
from linli.core.events import record_event
from linli.core.permissions import require as _require
from linli.core.personal_data.phones import last4, normalize_phone
from linli.core.scope import scope_for
from linli.core.tenancy import Tenant
from linli.directory.choices import FamilyRelation, Gender, PhoneKind, UnitRole
from linli.directory.keys import name_keys
from linli.directory.models import Person, PersonPhone, PersonRelation, Unit, UnitRelation

# GB 11643-1999: weights of the first 17 digits and the check character for "sum mod 11".
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_LENGTH = 18
# Nobody alive was born before this, so an earlier "birthday" is a typing error.
EARLIEST_BIRTH_YEAR = 1900
MAX_TAGS = 20
MAX_TAG_LENGTH = 30
OWNER_ROLES = (UnitRole.OWNER, UnitRole.CO_OWNER)
PERSON_FIELDS = (
    "name", "gender", "birthday", "id_number", "address", "occupation", "income_band",
    "household_size", "hobbies", "pets", "holidays", "preferred_channel", "preferred_time",
    "purpose", "is_decision_maker", "has_mortgage", "tags", "notes", "is_verified",
)
TEXT_FIELDS = ("address", "occupation", "hobbies", "pets", "holidays", "preferred_time")


class _Keep:
    """Marks an argument of an update that the caller leaves as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


@dataclass(frozen=True)
class PhoneInput:
    """One phone as typed: the number, its kind and whether it is the preferred one."""

    number: str
    kind: str = PhoneKind.MOBILE
    is_preferred: bool = False




def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _visible(actor, model, pk) -> bool:
    """Whether ``actor`` may view the row (system calls see everything)."""
    if actor is None:
        return True
    return model.objects.restrict(actor, "view").filter(pk=pk).exists()


# --- ID numbers -----------------------------------------------------------------------------

def validate_id_number(value: str) -> str:
    """A mainland resident ID number (18 characters, GB 11643) in upper case, or a
    ValidationError that says what is wrong with it."""
    number = _text(value).upper().replace(" ", "")
    if re.fullmatch(r"\d{15}", number):
        raise ValidationError(
            _("Old 15-digit ID numbers are not accepted; enter the 18-digit number from the "
              "current ID card."), code="old_format",
        )
    if len(number) != ID_LENGTH:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d.")
            % {"count": len(number)}, code="length",
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(
            _("An ID number has 17 digits followed by a digit or the letter X."),
            code="characters",
        )
    if id_birthday(number) is None:
        raise ValidationError(
            _("The birth date in this ID number (characters 7 to 14: %(date)s) is not a valid "
              "date.") % {"date": number[6:14]}, code="birthday",
        )
    total = sum(int(digit) * weight for digit, weight in zip(number, ID_WEIGHTS, strict=False))
    if ID_CHECK_CHARS[total % 11] != number[17]:
        raise ValidationError(
            _("This ID number is not valid: its last character does not match the others. "
              "Please check it for typing errors."), code="checksum",
        )
    return number


def after_today(day: datetime.date) -> bool:
    """Whether ``day`` is later than today in the site's time zone. A day before yesterday by
    UTC is before today in every zone, so only a day near today needs the time-zone lookup:
    an import asks this several times a row."""
    now = timezone.now()
    return day >= now.date() - datetime.timedelta(days=1) and day > timezone.localdate(now)


def id_birthday(number: str) -> datetime.date | None:
    """The birth date encoded in an 18-character ID number, or None if it is no real date."""
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if born.year < EARLIEST_BIRTH_YEAR or after_today(born):
        return None
    return born


def id_gender(number: str) -> str:
    """The 17th character is odd for men and even for women."""
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


# --- people ---------------------------------------------------------------------------------

def _clean_tags(raw) -> tuple[list[str], str | None]:
    if isinstance(raw, str):
        raw = re.split(r"[,，;；\n]", raw)
    tags: list[str] = []
    for item in raw or []:
        tag = _text(item)
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        return tags, _("A person can have at most %(n)d tags.") % {"n": MAX_TAGS}
    long = [t for t in tags if len(t) > MAX_TAG_LENGTH]
    if long:
        return tags, _("A tag has at most %(n)d characters: “%(tag)s” is too long.") % {
            "n": MAX_TAG_LENGTH, "tag": long[0]}
    return tags, None


def _clean_person(person: Person, errors: dict[str, list[str]]) -> None:
    """Normalise the typed fields in place and collect every field error."""
    person.name = _text(person.name)
    if not person.name:
        errors["name"] = [_("Enter the person's name.")]
    for field in TEXT_FIELDS:
        setattr(person, field, _text(getattr(person, field)))
    person.notes = str(person.notes or "").strip()
    person.gender = person.gender or ""
    if _text(person.id_number):
        try:
            person.id_number = validate_id_number(person.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            # The ID card is the most reliable source of both when nobody typed them.
            if person.birthday is None:
                person.birthday = id_birthday(person.id_number)
            if not person.gender:
                person.gender = id_gender(person.id_number)
    else:
        person.id_number = ""
    if person.birthday and after_today(person.birthday):
        errors["birthday"] = [_("The birthday cannot be in the future.")]
    person.tags, problem = _clean_tags(person.tags)
    if problem:
        errors["tags"] = [problem]
    try:
        person.full_clean(
            exclude=["tenant", "org_unit", "name_pinyin", "name_initials", *errors],
            validate_unique=False, validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    person.name_pinyin, person.name_initials = name_keys(person.name)


def _phone_inputs(phones) -> list[PhoneInput]:
    items = []
    for item in phones or []:
        if isinstance(item, PhoneInput):
            items.append(item)
        elif isinstance(item, dict):
            items.append(PhoneInput(
                number=str(item.get("number") or ""),
                kind=item.get("kind") or PhoneKind.MOBILE,
                is_preferred=bool(item.get("is_preferred")),
            ))
        else:
            items.append(PhoneInput(number=str(item or "")))
    return items


def _clean_phones(phones, errors: dict[str, list[str]]) -> list[PhoneInput]:
    """The phones normalised to E.164, blanks and duplicates dropped, exactly one preferred."""
    cleaned: dict[str, PhoneInput] = {}
    messages: list[str] = []
    for item in _phone_inputs(phones):
        if not _text(item.number):
            continue
        if item.kind not in PhoneKind.values:
            messages.append(_("Choose the kind of phone for %(number)s.") % {
                "number": item.number})
            continue
        try:
            number = normalize_phone(item.number)
        except ValidationError as exc:
            messages.extend(exc.messages)
            continue
        if number in cleaned:
            # The same number typed twice keeps the first kind but may still be preferred.
            first = cleaned[number]
            cleaned[number] = PhoneInput(number, first.kind,
                                         first.is_preferred or item.is_preferred)
        else:
            cleaned[number] = PhoneInput(number, item.kind, item.is_preferred)
    if messages:
        errors["phones"] = messages
        return []
    result = list(cleaned.values())
    preferred = next((i for i, p in enumerate(result) if p.is_preferred), 0)
    return [PhoneInput(p.number, p.kind, index == preferred) for index, p in enumerate(result)]


def _check_org_unit(actor, tenant_id: int, org_unit: OrgUnit, permission: str) -> None:
    if org_unit.tenant_id != tenant_id:
        raise ValidationError({"org_unit": [_("Choose a unit of your own organisation.")]})
    if not org_unit.is_active:
        raise ValidationError({"org_unit": [_("Choose an active unit.")]})
    if actor is not None:
        scope = scope_for(actor)
        if scope is None or not scope.has_perm(permission, org_unit.pk):
            raise ValidationError({"org_unit": [
                _("Choose a unit where you may manage people.")]})


def _save_phones(person: Person, phones: list[PhoneInput]) -> None:
    """Make the stored phones exactly ``phones`` (kept rows keep their history)."""
    existing = {p.number: p for p in PersonPhone.objects.filter(person=person)}
    wanted = {p.number for p in phones}
    PersonPhone.objects.filter(person=person).exclude(number__in=wanted).delete()
    # Clear the preferred flag first: the one-preferred constraint holds after every statement.
    for phone in existing.values():
        if phone.is_preferred and phone.number in wanted:
            phone.is_preferred = False
            phone.save(update_fields=["is_preferred"])
    for item in phones:
        phone = existing.get(item.number)
        if phone is None:
            PersonPhone.objects.create(
                tenant_id=person.tenant_id, org_unit_id=person.org_unit_id, person=person,
                number=item.number, last4=last4(item.number), kind=item.kind,
                is_preferred=item.is_preferred,
            )
        elif phone.kind != item.kind or item.is_preferred:
            phone.kind, phone.is_preferred = item.kind, item.is_preferred
            phone.save(update_fields=["kind", "is_preferred"])


@dataclass
class PersonDraft:
    """A new person checked and cleaned but not saved yet, with the phones to give them."""

    person: Person
    phones: list[PhoneInput]


def person_draft(*, actor, tenant: Tenant, org_unit: OrgUnit, name: str, phones=(),
                 **fields) -> PersonDraft:
    """Every check of ``person_create`` without the write: a ValidationError names what is
    wrong, and nothing touches the database but the right check."""
    if actor is not None and actor.tenant_id != tenant.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    unknown = sorted(set(fields) - set(PERSON_FIELDS))
    if unknown:
        raise TypeError(f"unknown person fields: {unknown}")
    _check_org_unit(actor, tenant.pk, org_unit, "directory.add_person")
    person = Person(tenant=tenant, org_unit=org_unit, name=name, **fields)
    errors: dict[str, list[str]] = {}
    _clean_person(person, errors)
    cleaned = _clean_phones(phones, errors)
    _raise(errors)
    return PersonDraft(person, cleaned)


@transaction.atomic
def person_create(*, actor, tenant: Tenant, org_unit: OrgUnit, name: str, phones=(),
                  **fields) -> Person:
    """A new person owned by ``org_unit`` (directory.add_person there).

    ``phones``: numbers as typed (strings, dicts with number/kind/is_preferred, or
    PhoneInput); ``fields``: any of PERSON_FIELDS. Birthday and gender come from the ID number
    when they are not given.
    """
    draft = person_draft(actor=actor, tenant=tenant, org_unit=org_unit, name=name,
                         phones=phones, **fields)
    draft.person.save()
    _save_phones(draft.person, draft.phones)
    return draft.person


@transaction.atomic
def person_update(*, actor, person: Person, org_unit=KEEP, phones=KEEP, **changes) -> Person:
    """Change the given fields (the others stay). ``phones`` replaces the whole set; a new
    ``org_unit`` moves the person with their phones and relations (change right at both)."""
    unknown = sorted(set(changes) - set(PERSON_FIELDS))
    if unknown:
        raise TypeError(f"unknown person fields: {unknown}")
    _require(actor, "directory.change_person", person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    for field, value in changes.items():
        if value is not KEEP:
            setattr(person, field, value)
    moved = org_unit is not KEEP and org_unit.pk != person.org_unit_id
    if moved:
        _check_org_unit(actor, person.tenant_id, org_unit, "directory.change_person")
        person.org_unit = org_unit
    errors: dict[str, list[str]] = {}
    _clean_person(person, errors)
    cleaned = _clean_phones(phones, errors) if phones is not KEEP else None
    _raise(errors)
    person.save()
    if moved:
        for model in (PersonPhone, UnitRelation, PersonRelation):
            model.objects.filter(person=person).update(org_unit_id=org_unit.pk)
    if cleaned is not None:
        _save_phones(person, cleaned)
    return person


# --- phones ---------------------------------------------------------------------------------

def _lock(person: Person) -> Person:
    # Locking the person serialises phone writes, so two requests cannot both set a preferred
    # phone (the partial unique constraint would turn that into a 500).
    return Person.objects.select_for_update().get(pk=person.pk)


@transaction.atomic
def person_phone_add(*, actor, person: Person, number: str, kind: str = PhoneKind.MOBILE,
                     preferred: bool = False) -> PersonPhone:
    """Add one phone; the first phone of a person is always the preferred one."""
    _require(actor, "directory.change_person", person)
    person = _lock(person)
    errors: dict[str, list[str]] = {}
    if kind not in PhoneKind.values:
        errors["kind"] = [_("Choose the kind of phone.")]
    try:
        e164 = normalize_phone(number)
    except ValidationError as exc:
        errors["number"] = exc.messages
    else:
        if PersonPhone.objects.filter(person=person, number=e164).exists():
            errors["number"] = [_("%(name)s already has this phone number.") % {
                "name": person.name}]
    _raise(errors)
    has_phones = PersonPhone.objects.filter(person=person).exists()
    if preferred and has_phones:
        PersonPhone.objects.filter(person=person, is_preferred=True).update(is_preferred=False)
    return PersonPhone.objects.create(
        tenant_id=person.tenant_id, org_unit_id=person.org_unit_id, person=person,
        number=e164, last4=last4(e164), kind=kind, is_preferred=preferred or not has_phones,
    )


@transaction.atomic
def person_phone_remove(*, actor, phone: PersonPhone) -> None:
    """Remove one phone; when it was the preferred one, the oldest remaining phone takes over."""
    _require(actor, "directory.change_person", phone)
    person = _lock(phone.person)
    was_preferred = phone.is_preferred
    phone.delete()
    if was_preferred:
        successor = PersonPhone.objects.filter(person=person).order_by("id").first()
        if successor is not None:
            successor.is_preferred = True
            successor.save(update_fields=["is_preferred"])


@transaction.atomic
def person_phone_set_preferred(*, actor, phone: PersonPhone) -> PersonPhone:
    """Make ``phone`` the one preferred phone of its person."""
    _require(actor, "directory.change_person", phone)
    _lock(phone.person)
    for other in PersonPhone.objects.filter(person_id=phone.person_id, is_preferred=True
                                            ).exclude(pk=phone.pk):
        other.is_preferred = False
        other.save(update_fields=["is_preferred"])
    phone = PersonPhone.objects.get(pk=phone.pk)
    if not phone.is_preferred:
        phone.is_preferred = True
        phone.save(update_fields=["is_preferred"])
    return phone


# --- unit relations -------------------------------------------------------------------------

def _check_unit(actor, person: Person, unit: Unit, field: str = "unit") -> None:
    if unit.tenant_id != person.tenant_id:
        raise ValidationError({field: [
            _("This unit belongs to another company's community; choose a unit of your own.")]})
    if not _visible(actor, Unit, unit.pk):
        raise ValidationError({field: [_("Choose a unit in a community you manage.")]})


def _check_active_person(person: Person, field: str = "person") -> None:
    if person.merged_into_id is not None:
        raise ValidationError({field: [
            _("%(name)s was merged into another record; use that one instead.") % {
                "name": person.name}]})


def check_relation_date(field: str, day: datetime.date | None) -> None:
    """A relation's date is neither in the future nor before 1900 (a typing error)."""
    if day and after_today(day):
        message = {"start_date": _("The start date cannot be in the future."),
                   "end_date": _("The end date cannot be in the future.")}.get(
            field, _("The transfer date cannot be in the future."))
        raise ValidationError({field: [message]})
    if day and day.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError({field: [_("Enter a date after %(year)d.") % {
            "year": EARLIEST_BIRTH_YEAR}]})


@transaction.atomic
def unit_relation_add(*, actor, person: Person, unit: Unit, role: str,
                      start_date: datetime.date | None = None) -> UnitRelation:
    """``person`` becomes ``role`` of ``unit`` from ``start_date`` (directory.add_unitrelation
    at the person; the unit must be one the actor can see)."""
    _require(actor, "directory.add_unitrelation", person)
    if role not in UnitRole.values:
        raise ValidationError({"role": [_("Choose the person's role at the unit.")]})
    _check_active_person(person)
    _check_unit(actor, person, unit)
    check_relation_date("start_date", start_date)
    _lock(person)
    if UnitRelation.objects.filter(person=person, unit=unit, role=role,
                                   end_date__isnull=True).exists():
        raise ValidationError({"role": [
            _("%(name)s is already %(role)s of %(unit)s.") % {
                "name": person.name, "role": UnitRole(role).label.lower(),
                "unit": unit.room_code}]})
    return UnitRelation.objects.create(
        tenant_id=person.tenant_id, org_unit_id=person.org_unit_id, person=person, unit=unit,
        role=role, start_date=start_date,
    )


@transaction.atomic
def unit_relation_end(*, actor, relation: UnitRelation,
                      end_date: datetime.date | None = None) -> UnitRelation:
    """Close a current relation at ``end_date`` (default today); the row stays as history."""
    _require(actor, "directory.change_unitrelation", relation)
    relation = UnitRelation.objects.select_for_update().get(pk=relation.pk)
    end_date = end_date or timezone.localdate()
    if relation.end_date is not None:
        raise ValidationError({"end_date": [
            _("This relation already ended on %(date)s.") % {"date": relation.end_date}]})
    check_relation_date("end_date", end_date)
    if relation.start_date and end_date < relation.start_date:
        raise ValidationError({"end_date": [
            _("The end date is before the start date (%(date)s).") % {
                "date": relation.start_date}]})
    relation.end_date = end_date
    relation.save(update_fields=["end_date"])
    return relation


@transaction.atomic
def ownership_transfer(*, actor, unit: Unit, new_owners: list[Person],
                       date: datetime.date) -> list[UnitRelation]:
    """Close every current owner and co-owner relation of ``unit`` at ``date`` and open the
    new ones: the first new owner becomes owner, the others co-owners. The closed rows stay as
    history and the transfer is recorded as an event of the unit."""
    if not _visible(actor, Unit, unit.pk):
        raise PermissionDenied(_("You do not have permission to do this."))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    errors: dict[str, list[str]] = {}
    owners: list[Person] = []
    for person in new_owners:
        if person.pk not in {o.pk for o in owners}:
            owners.append(person)
    if not owners:
        errors["new_owners"] = [_("Choose at least one new owner.")]
    for person in owners:
        if person.tenant_id != unit.tenant_id or not _visible(actor, Person, person.pk):
            errors.setdefault("new_owners", []).append(
                _("Choose people of your own company."))
            break
        if person.merged_into_id is not None:
            errors.setdefault("new_owners", []).append(
                _("%(name)s was merged into another record; use that one instead.") % {
                    "name": person.name})
    if date is None:
        errors["date"] = [_("Enter the date of the transfer.")]
    else:
        try:
            check_relation_date("date", date)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _raise(errors)
    current = sorted(UnitRelation.objects.select_for_update(of=("self",)).filter(
        unit=unit, role__in=OWNER_ROLES, end_date__isnull=True,
    ).select_related("person"), key=lambda r: (r.role != UnitRole.OWNER, r.pk))
    late = [r for r in current if r.start_date and r.start_date > date]
    if late:
        raise ValidationError({"date": [
            _("%(name)s became owner on %(start)s, after this transfer date.") % {
                "name": late[0].person.name, "start": late[0].start_date}]})
    for relation in current:
        _require(actor, "directory.change_unitrelation", relation)
    for person in owners:
        _require(actor, "directory.add_unitrelation", person)
    for relation in current:
        relation.end_date = date
        relation.save(update_fields=["end_date"])
    opened = [
        UnitRelation.objects.create(
            tenant_id=person.tenant_id, org_unit_id=person.org_unit_id, person=person,
            unit=unit, role=UnitRole.OWNER if index == 0 else UnitRole.CO_OWNER,
            start_date=date,
        )
        for index, person in enumerate(owners)
    ]
    record_event(
        unit, "ownership_transferred", actor=actor,
        old=", ".join(r.person.name for r in current), new=", ".join(p.name for p in owners),
        data={"date": date.isoformat(), "from": [r.person_id for r in current],
              "to": [p.pk for p in owners]},
    )
    return opened


# --- family ---------------------------------------------------------------------------------

@transaction.atomic
def family_relation_add(*, actor, person: Person, relative: Person,
                        kind: str) -> PersonRelation:
    """Record that ``person`` is the ``kind`` (spouse, child, …) of ``relative``."""
    _require(actor, "directory.add_personrelation", person)
    if kind not in FamilyRelation.values:
        raise ValidationError({"kind": [_("Choose how they are related.")]})
    if relative.pk == person.pk:
        raise ValidationError({"relative": [_("A person cannot be their own relative.")]})
    if relative.tenant_id != person.tenant_id or not _visible(actor, Person, relative.pk):
        raise ValidationError({"relative": [_("Choose a person of your own company.")]})
    _check_active_person(person)
    _check_active_person(relative, "relative")
    _lock(person)
    if PersonRelation.objects.filter(
        Q(person=person, relative=relative) | Q(person=relative, relative=person)
    ).exists():
        raise ValidationError({"relative": [
            _("%(a)s and %(b)s are already recorded as family.") % {
                "a": person.name, "b": relative.name}]})
    return PersonRelation.objects.create(
        tenant_id=person.tenant_id, org_unit_id=person.org_unit_id, person=person,
        relative=relative, kind=kind,
    )


@transaction.atomic
def family_relation_remove(*, actor, relation: PersonRelation) -> None:
    """Delete a family tie (directory.delete_personrelation); the history keeps it."""
    _require(actor, "directory.delete_personrelation", relation)
    relation.delete()
