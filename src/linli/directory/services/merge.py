"""Merging duplicate people and organisations (DIR-5).

``person_merge`` / ``organization_merge`` move everything hanging off the duplicate to the
survivor, copy the field values the user chose, and keep the duplicate row with
``merged_into`` set (lists, search and duplicate finders leave such rows out), so that links
and audit history pointing at it still resolve. Domain events of the duplicate are re-pointed
to the survivor so that its timeline tells the whole story; a "merged" event on the survivor
names the duplicate. Everything happens in one transaction or not at all.

Rights: the actor needs the change and the delete right of the model at both records' org
units. Records of two tenants are never merged (views and the API answer 404 before that).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.events import DomainEvent, record_event
from linli.directory.choices import ContactRole
from linli.directory.keys import name_keys
from linli.directory.models import Organization, Person
from linli.directory.selectors.duplicates import (
    ORGANIZATION_MERGE_FIELDS,
    PERSON_MERGE_FIELDS,
    chosen_values,
    invalid_choices,
    organization_merge_plan,
    person_merge_plan,
)

# The parent chain is walked to refuse cycles; real company trees are a few levels deep.
MAX_PARENT_DEPTH = 20
_COMMUNITY_ROLES = ("developer_id", "property_company_id", "management_office_id")


def _check(actor, model, survivor, duplicate, choices, fields) -> None:
    if survivor.tenant_id != duplicate.tenant_id or (
            actor is not None and actor.tenant_id != survivor.tenant_id):
        raise PermissionDenied(_("You do not have permission to do this."))
    if actor is not None:
        label = model._meta.model_name
        for record in (survivor, duplicate):
            for action in ("change", "delete"):
                if not actor.has_perm(f"directory.{action}_{label}", record):
                    raise PermissionDenied(_("You do not have permission to do this."))
    if survivor.pk == duplicate.pk:
        raise ValidationError({"duplicate": [_("A record cannot be merged into itself.")]})
    if survivor.merged_into_id is not None:
        raise ValidationError({"survivor": [
            _("This record has already been merged into another; merge into that one.")]})
    if duplicate.merged_into_id is not None:
        raise ValidationError({"duplicate": [
            _("This record has already been merged into another.")]})
    problems = invalid_choices(fields, choices)
    if problems:
        raise ValidationError({"choices": problems})


def _lock(model, survivor, duplicate):
    """Both rows, locked in id order so that two merges of the same pair cannot deadlock."""
    rows = {r.pk: r for r in model.objects.select_for_update().filter(
        pk__in=sorted((survivor.pk, duplicate.pk))).order_by("pk")}
    return rows[survivor.pk], rows[duplicate.pk]


def _repoint_events(model, survivor, duplicate) -> int:
    return DomainEvent.objects.filter(
        tenant_id=duplicate.tenant_id,
        subject_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        subject_id=duplicate.pk,
    ).update(subject_id=survivor.pk)


def _finish(survivor, duplicate, actor, moved: dict[str, int]) -> None:
    duplicate.merged_into = survivor
    duplicate.save()
    moved["events"] = _repoint_events(type(survivor), survivor, duplicate)
    record_event(survivor, "merged", actor=actor, old=duplicate.name, new=survivor.name,
                 data={"duplicate_id": duplicate.pk, "duplicate_name": duplicate.name,
                       "moved": moved})


@transaction.atomic
def person_merge(*, actor, survivor: Person, duplicate: Person,
                 choices: dict[str, str] | None = None) -> Person:
    """Merge ``duplicate`` into ``survivor``.

    ``choices`` maps a field of PERSON_MERGE_FIELDS to "survivor" or "duplicate"; a field
    without a choice keeps the survivor's value, or takes the duplicate's where the survivor
    has none. Tags are combined. Phones, unit relations, family ties and organisation contacts
    move to the survivor; a phone number the survivor already has, a current role at a unit it
    already holds, or a family tie it already has is not copied twice.
    """
    choices = dict(choices or {})
    _check(actor, Person, survivor, duplicate, choices, PERSON_MERGE_FIELDS)
    survivor, duplicate = _lock(Person, survivor, duplicate)
    _check(actor, Person, survivor, duplicate, choices, PERSON_MERGE_FIELDS)
    plan = person_merge_plan(survivor, duplicate)

    for row in [*plan.skip_phones, *plan.skip_unit_relations, *plan.skip_family]:
        row.delete()
    has_preferred = survivor.phones.filter(is_preferred=True).exists()
    for phone in plan.move_phones:
        phone.person, phone.org_unit_id = survivor, survivor.org_unit_id
        phone.is_preferred = phone.is_preferred and not has_preferred
        phone.save()
    for relation in plan.move_unit_relations:
        relation.person, relation.org_unit_id = survivor, survivor.org_unit_id
        relation.save()
    for tie in plan.move_family:
        # A tie copies the org unit of its ``person`` side, so only that side's move changes it.
        if tie.person_id == duplicate.pk:
            tie.person, tie.org_unit_id = survivor, survivor.org_unit_id
        else:
            tie.relative = survivor
        tie.save()
    for contact in plan.contacts:
        contact.person = survivor
        contact.save()

    for attname, value in chosen_values(survivor, duplicate, PERSON_MERGE_FIELDS,
                                        choices).items():
        setattr(survivor, attname, value)
    survivor.tags = list(dict.fromkeys([*(survivor.tags or []), *(duplicate.tags or [])]))
    survivor.name_pinyin, survivor.name_initials = name_keys(survivor.name)
    survivor.save()

    _finish(survivor, duplicate, actor, {
        "phones": len(plan.move_phones), "unit_relations": len(plan.move_unit_relations),
        "family": len(plan.move_family), "contacts": len(plan.contacts),
    })
    return survivor


def _check_parent_chain(organization: Organization) -> None:
    seen = {organization.pk}
    parent_id = organization.parent_id
    for _step in range(MAX_PARENT_DEPTH):
        if parent_id is None:
            return
        if parent_id in seen:
            break
        seen.add(parent_id)
        parent_id = Organization.objects.filter(pk=parent_id).values_list(
            "parent_id", flat=True).first()
    raise ValidationError({"parent": [
        _("After this merge the organisation would be its own parent company; change the "
          "parent of one of them first.")]})


@transaction.atomic
def organization_merge(*, actor, survivor: Organization, duplicate: Organization,
                       choices: dict[str, str] | None = None) -> Organization:
    """Merge ``duplicate`` into ``survivor`` (both of the same kind).

    ``choices`` as for people, over ORGANIZATION_MERGE_FIELDS. Contacts, branches and the
    communities naming the duplicate as developer, property company or management office move
    to the survivor; a contact the survivor already has (same name, role, mobile and e-mail)
    is not copied twice, and a second legal representative becomes staff.
    """
    choices = dict(choices or {})
    _check(actor, Organization, survivor, duplicate, choices, ORGANIZATION_MERGE_FIELDS)
    survivor, duplicate = _lock(Organization, survivor, duplicate)
    _check(actor, Organization, survivor, duplicate, choices, ORGANIZATION_MERGE_FIELDS)
    if survivor.kind != duplicate.kind:
        raise ValidationError({"duplicate": [
            _("Only organisations of the same kind can be merged; correct the kind of one of "
              "them first.")]})
    plan = organization_merge_plan(survivor, duplicate)

    for contact in plan.skip_contacts:
        contact.delete()
    for contact in plan.move_contacts:
        contact.organization, contact.org_unit_id = survivor, survivor.org_unit_id
        if contact in plan.demoted_contacts:
            contact.role = ContactRole.STAFF
        contact.save()
    for branch in plan.branches:
        branch.parent = survivor
        branch.save()
    for community in plan.communities:
        for attname in _COMMUNITY_ROLES:
            if getattr(community, attname) == duplicate.pk:
                setattr(community, attname, survivor.pk)
        community.save()

    for attname, value in chosen_values(survivor, duplicate, ORGANIZATION_MERGE_FIELDS,
                                        choices).items():
        setattr(survivor, attname, value)
    if survivor.parent_id == duplicate.pk:
        survivor.parent_id = duplicate.parent_id
    if survivor.parent_id == survivor.pk:
        survivor.parent_id = None
    survivor.name_pinyin, survivor.name_initials = name_keys(survivor.name, person=False)
    survivor.save()
    _check_parent_chain(survivor)

    _finish(survivor, duplicate, actor, {
        "contacts": len(plan.move_contacts), "branches": len(plan.branches),
        "communities": len(plan.communities),
    })
    return survivor

