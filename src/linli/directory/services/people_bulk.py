"""Saving many people at once, as the people import does (PLAT-7, DIR-2).

The import checks each row through ``people.person_draft`` as it reads it, so an error names
its row; this module then saves a batch of drafts with their phones and unit relations in a
handful of statements, history rows included (by COPY on PostgreSQL), where saving them one by
one costs some twenty statements a person. The checks of ``unit_relation_add`` are made here
once per batch.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.audit import insert_with_history
from linli.core.personal_data.phones import last4
from linli.directory.choices import UnitRole
from linli.directory.models import Person, PersonPhone, Unit, UnitRelation
from linli.directory.services.people import PersonDraft, check_relation_date


@dataclass(frozen=True)
class RelationDraft:
    """``person`` (saved, or the person of a draft saved in the same call) becomes ``role`` of
    ``unit`` from ``start_date``."""

    person: Person
    unit: Unit
    role: str
    start_date: datetime.date | None = None


def _check_relations(actor, relations: list[RelationDraft]) -> None:
    for relation in relations:
        person, unit = relation.person, relation.unit
        if relation.role not in UnitRole.values:
            raise ValidationError({"role": [_("Choose the person's role at the unit.")]})
        if person.merged_into_id is not None:
            raise ValidationError({"person": [
                _("%(name)s was merged into another record; use that one instead.") % {
                    "name": person.name}]})
        if unit.tenant_id != person.tenant_id:
            raise ValidationError({"unit": [
                _("This unit belongs to another company's community; choose a unit of your "
                  "own.")]})
        check_relation_date("start_date", relation.start_date)
    if actor is None:
        return
    by_org_unit = {r.person.org_unit_id: r.person for r in relations}
    if not all(actor.has_perm("directory.add_unitrelation", p) for p in by_org_unit.values()):
        raise PermissionDenied(_("You do not have permission to do this."))
    wanted = {r.unit.pk for r in relations}
    visible = set(Unit.objects.restrict(actor, "view").filter(pk__in=wanted)
                  .values_list("pk", flat=True))
    if wanted - visible:
        raise ValidationError({"unit": [_("Choose a unit in a community you manage.")]})


@transaction.atomic
def people_save_many(*, actor, drafts: list[PersonDraft],
                     relations: list[RelationDraft]) -> list[Person]:
    """Save the checked ``drafts`` (see ``people.person_draft``) with their phones, then the
    unit ``relations``, which may name people of ``drafts``. All or nothing."""
    _check_relations(actor, relations)
    people = [draft.person for draft in drafts]
    insert_with_history(Person, people, user=actor)
    phones = [
        PersonPhone(tenant_id=draft.person.tenant_id, org_unit_id=draft.person.org_unit_id,
                    person=draft.person, number=phone.number, last4=last4(phone.number),
                    kind=phone.kind, is_preferred=phone.is_preferred)
        for draft in drafts for phone in draft.phones
    ]
    insert_with_history(PersonPhone, phones, user=actor)
    rows = [
        UnitRelation(tenant_id=r.person.tenant_id, org_unit_id=r.person.org_unit_id,
                     person_id=r.person.pk, unit_id=r.unit.pk, role=r.role,
                     start_date=r.start_date)
        for r in relations
    ]
    insert_with_history(UnitRelation, rows, user=actor)
    return people
