"""Duplicate people and organisations (DIR-5): candidate groups, and what a merge would do.

Candidates are found inside the actor's view scope only, among records not yet merged:
- people sharing a phone number, sharing an ID number, or having the same name while both hold
  a current relation to a unit of the same community;
- organisations sharing a credit code, or whose names are equal ignoring case and spaces in the
  same city (an empty city counts as one city: two unplaced namesakes are worth a look).
Each finder runs a fixed number of queries however large the directory is.

The merge plans below are read by the merge preview and executed by services/merge.py, so the
preview shows exactly what the merge will do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Lower, Replace
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.personal_data.masking import mask_id, mask_phone
from linli.core.personal_data.services import REVEAL_PERMISSION
from linli.core.scope import scope_for
from linli.directory.choices import ContactRole
from linli.directory.models import (
    Community,
    Contact,
    Organization,
    Person,
    PersonPhone,
    PersonRelation,
    Unit,
    UnitRelation,
)

SURVIVOR, DUPLICATE = "survivor", "duplicate"
CHOICE_VALUES = (SURVIVOR, DUPLICATE)

REASON_LABELS = {
    "phone": gettext_lazy("Same phone number"),
    "id_number": gettext_lazy("Same ID number"),
    "name_community": gettext_lazy("Same name in the same community"),
    "credit_code": gettext_lazy("Same credit code"),
    "name_city": gettext_lazy("Same name in the same city"),
}

# Fields a user chooses between when merging; tags are always combined instead.
PERSON_MERGE_FIELDS = (
    "name", "gender", "birthday", "id_number", "address", "occupation", "income_band",
    "household_size", "hobbies", "pets", "holidays", "preferred_channel", "preferred_time",
    "purpose", "is_decision_maker", "has_mortgage", "notes", "is_verified",
)
ORGANIZATION_MERGE_FIELDS = (
    "name", "parent", "credit_code", "province", "city", "district", "address",
    "mailing_address", "landline", "email", "website", "notes",
)


@dataclass(frozen=True)
class Reason:
    code: str
    value: str  # the shared value as the viewer may see it (phones and IDs masked)

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self.code])


@dataclass
class DuplicateGroup:
    """Records that look like one; ``members`` are in name order."""

    reasons: list[Reason]
    members: list = field(default_factory=list)


def visible_people(actor) -> QuerySet[Person]:
    """People the actor may view, without those merged into another."""
    return Person.objects.restrict(actor, "view").filter(merged_into__isnull=True)


def visible_organizations(actor) -> QuerySet[Organization]:
    return Organization.objects.restrict(actor, "view").filter(merged_into__isnull=True)


def _group(found: dict[frozenset, list[Reason]], ids, reason: Reason) -> None:
    ids = frozenset(ids)
    if len(ids) > 1:
        found.setdefault(ids, []).append(reason)


def _collect(rows) -> dict:
    """(key, id) rows → {key: {ids}}."""
    by_key: dict = {}
    for key, pk in rows:
        by_key.setdefault(key, set()).add(pk)
    return by_key


def _groups(found: dict[frozenset, list[Reason]], records: QuerySet) -> list[DuplicateGroup]:
    ids = set().union(*found) if found else set()
    by_pk = {r.pk: r for r in records.filter(pk__in=ids)}
    groups = []
    for members, reasons in found.items():
        rows = sorted((by_pk[pk] for pk in members if pk in by_pk),
                      key=lambda r: (r.name_pinyin, r.pk))
        if len(rows) > 1:
            groups.append(DuplicateGroup(reasons=reasons, members=rows))
    groups.sort(key=lambda g: (g.members[0].name_pinyin, g.members[0].pk))
    return groups


def person_duplicate_groups(actor) -> list[DuplicateGroup]:
    """Candidate groups of people, with every reason that links each group."""
    people = visible_people(actor)
    visible = people.order_by().values("pk")
    found: dict[frozenset, list[Reason]] = {}

    phones = PersonPhone.objects.filter(tenant_id=actor.tenant_id, person__in=visible)
    shared = phones.order_by().values("number").annotate(
        n=Count("person", distinct=True)).filter(n__gt=1).values("number")
    for number, ids in _collect(
            phones.filter(number__in=shared).values_list("number", "person_id")).items():
        _group(found, ids, Reason("phone", mask_phone(number)))

    with_id = people.exclude(id_number="").order_by()
    shared = with_id.values("id_number").annotate(n=Count("pk")).filter(n__gt=1).values(
        "id_number")
    for number, ids in _collect(
            with_id.filter(id_number__in=shared).values_list("id_number", "pk")).items():
        _group(found, ids, Reason("id_number", mask_id(number)))

    relations = UnitRelation.objects.filter(
        tenant_id=actor.tenant_id, end_date__isnull=True, person__in=visible,
        unit__in=Unit.objects.restrict(actor, "view"),
    ).order_by()
    shared_names = {
        (row["unit__community_id"], row["person__name"])
        for row in relations.values("unit__community_id", "person__name").annotate(
            n=Count("person", distinct=True)).filter(n__gt=1)
    }
    if shared_names:
        rows = relations.filter(
            unit__community_id__in={c for c, _n in shared_names},
            person__name__in={n for _c, n in shared_names},
        ).values_list("unit__community_id", "unit__community__name", "person__name",
                      "person_id").distinct()
        by_pair: dict = {}
        for community_id, community_name, name, person_id in rows:
            if (community_id, name) in shared_names:
                by_pair.setdefault((community_name, name), set()).add(person_id)
        for (community_name, name), ids in sorted(by_pair.items()):
            _group(found, ids, Reason("name_community", f"{name} · {community_name}"))

    return _groups(found, people.prefetch_related("phones"))


def _name_key():
    """The name in lower case without ASCII or ideographic spaces."""
    return Lower(Replace(Replace("name", Value(" "), Value("")), Value("\u3000"), Value("")))


def organization_duplicate_groups(actor) -> list[DuplicateGroup]:
    """Candidate groups of organisations, with every reason that links each group."""
    organizations = visible_organizations(actor)
    found: dict[frozenset, list[Reason]] = {}

    with_code = organizations.exclude(credit_code="").order_by()
    shared = with_code.values("credit_code").annotate(n=Count("pk")).filter(n__gt=1).values(
        "credit_code")
    for code, ids in _collect(
            with_code.filter(credit_code__in=shared).values_list("credit_code", "pk")).items():
        _group(found, ids, Reason("credit_code", code))

    keyed = organizations.order_by().annotate(name_key=_name_key())
    shared_names = {
        (row["name_key"], row["city"])
        for row in keyed.values("name_key", "city").annotate(n=Count("pk")).filter(n__gt=1)
    }
    if shared_names:
        rows = keyed.filter(name_key__in={k for k, _c in shared_names},
                            city__in={c for _k, c in shared_names}).values_list(
            "name_key", "city", "name", "pk")
        by_pair: dict = {}
        for key, city, name, pk in rows:
            if (key, city) in shared_names:
                by_pair.setdefault((key, city), (name, set()))[1].add(pk)
        for (_key, city), (name, ids) in sorted(by_pair.items()):
            _group(found, ids, Reason("name_city", " · ".join(p for p in (name, city) if p)))

    return _groups(found, organizations)


# --- merge plans ----------------------------------------------------------------------------

def merge_pair_people(actor, survivor_pk, duplicate_pk) -> tuple[Person, Person]:
    """Both people for a merge, each resolved inside the actor's view scope (else 404).

    Records already merged are found too, so that the merge can say why it refuses them."""
    people = Person.objects.restrict(actor, "view").select_related("org_unit")
    return (get_object_or_404(people, pk=survivor_pk),
            get_object_or_404(people, pk=duplicate_pk))


def merge_pair_organizations(actor, survivor_pk, duplicate_pk
                             ) -> tuple[Organization, Organization]:
    organizations = Organization.objects.restrict(actor, "view").select_related(
        "org_unit", "parent")
    return (get_object_or_404(organizations, pk=survivor_pk),
            get_object_or_404(organizations, pk=duplicate_pk))


def _is_blank(value) -> bool:
    return value is None or value == "" or value == []


def chosen_values(survivor, duplicate, fields, choices: dict[str, str]) -> dict[str, object]:
    """The value each field gets: the chosen side's; without a choice the survivor's, or the
    duplicate's where the survivor has none. ``choices`` must already be valid."""
    values = {}
    for name in fields:
        attname = type(survivor)._meta.get_field(name).attname
        mine, theirs = getattr(survivor, attname), getattr(duplicate, attname)
        choice = choices.get(name) or (DUPLICATE if _is_blank(mine) else SURVIVOR)
        values[attname] = theirs if choice == DUPLICATE else mine
    return values


def invalid_choices(fields, choices: dict[str, str]) -> list[str]:
    """Messages for choices naming unknown fields or sides; empty when all are valid."""
    problems = [
        _("“%(field)s” cannot be chosen when merging.") % {"field": name}
        for name in sorted(set(choices) - set(fields))
    ]
    problems += [
        _("Choose “survivor” or “duplicate” for “%(field)s”.") % {"field": name}
        for name, side in sorted(choices.items()) if name in fields and side not in CHOICE_VALUES
    ]
    return problems


@dataclass
class PersonMergePlan:
    """What merging ``duplicate`` into ``survivor`` moves; ``skip_*`` rows already exist on
    the survivor and are deleted from the duplicate instead of moved."""

    move_phones: list[PersonPhone]
    skip_phones: list[PersonPhone]
    move_unit_relations: list[UnitRelation]
    skip_unit_relations: list[UnitRelation]
    move_family: list[PersonRelation]  # the duplicate's ties, either direction
    skip_family: list[PersonRelation]
    contacts: list[Contact]


def _unit_relation_key(relation: UnitRelation) -> tuple:
    if relation.end_date is None:
        return (relation.unit_id, relation.role, None)
    return (relation.unit_id, relation.role, relation.start_date, relation.end_date)


def person_merge_plan(survivor: Person, duplicate: Person) -> PersonMergePlan:
    phones = list(PersonPhone.objects.filter(person__in=[survivor, duplicate]).order_by(
        "-is_preferred", "pk"))
    have = {p.number for p in phones if p.person_id == survivor.pk}
    theirs = [p for p in phones if p.person_id == duplicate.pk]

    relations = list(UnitRelation.objects.filter(person__in=[survivor, duplicate]).select_related(
        "unit__community").order_by("unit__room_code", "role", "pk"))
    held = {_unit_relation_key(r) for r in relations if r.person_id == survivor.pk}
    their_relations = [r for r in relations if r.person_id == duplicate.pk]

    # Two people are family at most once, whichever side records it.
    related = {
        tie.relative_id if tie.person_id == survivor.pk else tie.person_id
        for tie in PersonRelation.objects.filter(Q(person=survivor) | Q(relative=survivor))
    }
    move_family, skip_family = [], []
    for tie in PersonRelation.objects.filter(Q(person=duplicate) | Q(relative=duplicate)
                                             ).select_related("person", "relative").order_by("pk"):
        other = tie.relative_id if tie.person_id == duplicate.pk else tie.person_id
        # A tie between the two records, or with someone the survivor is already tied to,
        # would clash.
        (skip_family if other == survivor.pk or other in related else move_family).append(tie)

    return PersonMergePlan(
        move_phones=[p for p in theirs if p.number not in have],
        skip_phones=[p for p in theirs if p.number in have],
        move_unit_relations=[r for r in their_relations if _unit_relation_key(r) not in held],
        skip_unit_relations=[r for r in their_relations if _unit_relation_key(r) in held],
        move_family=move_family,
        skip_family=skip_family,
        contacts=list(Contact.objects.filter(person=duplicate).select_related("organization")
                      .order_by("pk")),
    )


@dataclass
class OrganizationMergePlan:
    move_contacts: list[Contact]
    skip_contacts: list[Contact]  # same name, role, mobile and e-mail as one of the survivor's
    demoted_contacts: list[Contact]  # a second legal representative becomes staff
    branches: list[Organization]
    communities: list[Community]


def _contact_key(contact: Contact) -> tuple:
    return (contact.name, contact.role, contact.mobile, contact.email)


def organization_merge_plan(survivor: Organization, duplicate: Organization
                            ) -> OrganizationMergePlan:
    contacts = list(Contact.objects.filter(organization__in=[survivor, duplicate]).order_by("pk"))
    have = {_contact_key(c) for c in contacts if c.organization_id == survivor.pk}
    has_legal = any(c.role == ContactRole.LEGAL_REPRESENTATIVE for c in contacts
                    if c.organization_id == survivor.pk)
    theirs = [c for c in contacts if c.organization_id == duplicate.pk]
    moving = [c for c in theirs if _contact_key(c) not in have]
    references = (
        Community.objects.filter(developer=duplicate)
        | Community.objects.filter(property_company=duplicate)
        | Community.objects.filter(management_office=duplicate)
    )
    return OrganizationMergePlan(
        move_contacts=moving,
        skip_contacts=[c for c in theirs if _contact_key(c) in have],
        demoted_contacts=[c for c in moving if has_legal
                          and c.role == ContactRole.LEGAL_REPRESENTATIVE],
        branches=list(Organization.objects.filter(parent=duplicate).exclude(pk=survivor.pk)
                      .order_by("name_pinyin", "pk")),
        communities=list(references.distinct().order_by("name_pinyin", "pk")),
    )


# --- the preview ----------------------------------------------------------------------------

@dataclass(frozen=True)
class FieldRow:
    name: str
    label: str
    survivor: str  # displayed values; personal data masked unless the actor may reveal it
    duplicate: str
    differs: bool
    default: str  # SURVIVOR or DUPLICATE: what the merge takes without a choice


def _display(record, name: str, actor) -> str:
    model_field = type(record)._meta.get_field(name)
    value = getattr(record, name)
    if _is_blank(value):
        return "—"
    if model_field.choices:
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "id_number" and not _may_reveal(actor, record):
        return mask_id(value)
    return str(value)


def _may_reveal(actor, record) -> bool:
    scope = scope_for(actor)
    return scope is not None and scope.has_perm(REVEAL_PERMISSION, record.org_unit_id)


def field_rows(actor, survivor, duplicate, fields) -> list[FieldRow]:
    rows = []
    for name in fields:
        model_field = type(survivor)._meta.get_field(name)
        mine = getattr(survivor, model_field.attname)
        theirs = getattr(duplicate, model_field.attname)
        rows.append(FieldRow(
            name=name, label=str(model_field.verbose_name),
            survivor=_display(survivor, name, actor), duplicate=_display(duplicate, name, actor),
            differs=mine != theirs,
            default=DUPLICATE if _is_blank(mine) and not _is_blank(theirs) else SURVIVOR,
        ))
    return rows


def can_merge(actor, survivor, duplicate) -> bool:
    """Whether the actor holds the change and delete rights at both records (the service
    decides; this only hides a button that would be refused)."""
    label = type(survivor)._meta.model_name
    return all(actor.has_perm(f"directory.{action}_{label}", record)
               for record in (survivor, duplicate) for action in ("change", "delete"))
