"""API of the directory's search part: duplicate candidates and merging them (DIR-5).

The global search itself is GET /api/v1/search (core), which asks the directory's providers.
Both records of a merge are resolved inside the caller's view scope: another tenant's record
or a missing one is a 404, before the merge service checks the rights (403) and the rules
(422 with fields).
"""

from __future__ import annotations

from typing import Literal

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.models import Organization, Person
from linli.directory.selectors import duplicates as selectors
from linli.directory.services import merge as services

router = Router(tags=["directory"])


class ReasonOut(Schema):
    code: str = Field(..., description="phone, id_number, name_community, credit_code or "
                                        "name_city")
    label: str
    value: str = Field(..., description="The shared value; phones and ID numbers masked")


class MemberOut(Schema):
    id: int
    name: str


class GroupOut(Schema):
    reasons: list[ReasonOut]
    members: list[MemberOut]


def _groups(groups: list[selectors.DuplicateGroup]) -> list[GroupOut]:
    return [
        GroupOut(
            reasons=[ReasonOut(code=r.code, label=r.label, value=r.value) for r in g.reasons],
            members=[MemberOut(id=m.pk, name=m.name) for m in g.members],
        )
        for g in groups
    ]


@router.get("/duplicates/people", response=list[GroupOut],
            summary="Groups of people that look like duplicates")
@scoped(Person, "list")
@paginate(PagePagination)
def people_duplicates(request):
    """People sharing a phone number or ID number, or with the same name in the same
    community; only people the caller may view, merged ones left out."""
    return _groups(selectors.person_duplicate_groups(request.auth))


@router.get("/duplicates/organizations", response=list[GroupOut],
            summary="Groups of organisations that look like duplicates")
@scoped(Organization, "list")
@paginate(PagePagination)
def organization_duplicates(request):
    """Organisations sharing a credit code, or with the same name (ignoring case and spaces)
    in the same city."""
    return _groups(selectors.organization_duplicate_groups(request.auth))


Side = Literal["survivor", "duplicate"]


class MergeIn(Schema):
    duplicate_id: Id = Field(..., description="The record merged into this one")
    choices: dict[str, Side] = Field(
        default_factory=dict,
        description='Field name → "survivor" or "duplicate". A field left out keeps this '
                    "record's value, or takes the duplicate's where this record has none.",
    )


class MergeOut(Schema):
    id: int
    name: str
    merged_id: int


@router.post("/people/{person_id}/merge", response=MergeOut,
             summary="Merge a duplicate person into this one")
def person_merge(request, person_id: PathId, payload: MergeIn):
    """Phones, unit relations, family ties and organisation contacts move here; the
    duplicate is kept as merged (hidden from lists and search). Needs the change and delete
    rights on people at both records."""
    survivor, duplicate = selectors.merge_pair_people(request.auth, person_id,
                                                      payload.duplicate_id)
    survivor = services.person_merge(actor=request.auth, survivor=survivor, duplicate=duplicate,
                                     choices=payload.choices)
    return MergeOut(id=survivor.pk, name=survivor.name, merged_id=duplicate.pk)


@router.post("/organizations/{organization_id}/merge", response=MergeOut,
             summary="Merge a duplicate organisation into this one")
def organization_merge(request, organization_id: PathId, payload: MergeIn):
    """Contacts, branches and community references move here. Both must be of the same
    kind; needs the change and delete rights on organisations at both records."""
    survivor, duplicate = selectors.merge_pair_organizations(request.auth, organization_id,
                                                             payload.duplicate_id)
    survivor = services.organization_merge(actor=request.auth, survivor=survivor,
                                           duplicate=duplicate, choices=payload.choices)
    return MergeOut(id=survivor.pk, name=survivor.name, merged_id=duplicate.pk)
