"""API of organisations and their contacts (DIR-3).

Handlers resolve objects through the selectors (out of scope or missing: 404) and write through
the services (their ValidationErrors become 422 with fields named as in the payload,
PermissionDenied 403). Contacts' phones are masked; reveal them with POST /api/v1/reveal.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts.selectors import units_where
from linli.core.personal_data.masking import mask_phone
from linli.core.restapi.errors import invalid as _invalid
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.patch import sent_fields
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.models import Organization
from linli.directory.selectors import organizations as selectors
from linli.directory.services import organizations as services

router = Router(tags=["directory"])

# Service field names → the payload's names, so that a 422 points at what the client sent.
_PAYLOAD_NAMES = {"parent": "parent_id", "org_unit": "org_unit_id", "person": "person_id"}


def _call(service, **kwargs):
    try:
        return service(**kwargs)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({
            _PAYLOAD_NAMES.get(name, name): errors for name, errors in exc.error_dict.items()
        }) from exc


def _parent(actor, pk: int | None) -> Organization | None:
    if pk is None:
        return None
    parent = selectors.organization_find(actor, pk)
    if parent is None:
        raise _invalid("parent_id", _("Choose an organisation you can see."))
    return parent


def _org_unit(actor, pk: int, permission: str):
    """An active unit where the actor holds ``permission``; anything else is a field error."""
    unit = units_where(actor, permission).filter(pk=pk).first()
    if unit is None:
        raise _invalid("org_unit_id", _("Choose a unit of your own organisation."))
    return unit


def _person(actor, pk: int | None):
    if pk is None:
        return None
    person = selectors.person_find(actor, pk)
    if person is None:
        raise _invalid("person_id", _("Choose a person you can see."))
    return person


# --- schemas --------------------------------------------------------------------------------

class OrganizationOut(Schema):
    id: int
    kind: str
    name: str
    name_pinyin: str
    name_initials: str
    parent_id: int | None
    parent_name: str | None = None
    credit_code: str
    province: str
    city: str
    district: str
    address: str
    mailing_address: str
    landline: str = Field(description="E.164")
    email: str
    website: str
    notes: str
    org_unit_id: int
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_parent_name(obj) -> str | None:
        return obj.parent.name if obj.parent_id else None


class ContactOut(Schema):
    id: int
    organization_id: int
    person_id: int | None
    name: str
    role: str
    title: str
    mobile: str = Field(description="Masked; reveal it with POST /api/v1/reveal")
    landline: str = Field(description="Masked; reveal it with POST /api/v1/reveal")
    email: str
    qq: str
    wechat: str
    address: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_mobile(obj) -> str:
        return mask_phone(obj.mobile)

    @staticmethod
    def resolve_landline(obj) -> str:
        return mask_phone(obj.landline)


class BranchOut(Schema):
    id: int
    kind: str
    name: str
    city: str


class CommunityLinkOut(Schema):
    id: int
    name: str
    roles: list[str] = Field(description="developer, property_company, management_office")


class OrganizationDetailOut(OrganizationOut):
    contacts: list[ContactOut] = Field(alias="visible_contacts")
    branches: list[BranchOut] = Field(alias="visible_branches")
    communities: list[CommunityLinkOut] = Field(alias="linked_communities")


class OrganizationIn(Schema):
    org_unit_id: Id = Field(description="The unit that keeps the record")
    kind: OrganizationKind
    name: str = Field(..., min_length=1, max_length=200)
    parent_id: Id | None = Field(None, description="Parent company")
    credit_code: str = Field("", max_length=30, description="Unified social credit code")
    province: str = Field("", max_length=50)
    city: str = Field("", max_length=50)
    district: str = Field("", max_length=50)
    address: str = Field("", max_length=300)
    mailing_address: str = Field("", max_length=300)
    landline: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    website: str = Field("", max_length=200)
    notes: str = Field("", max_length=5000)


class OrganizationPatch(Schema):
    org_unit_id: Id | None = Field(None, description="Move the record to this unit")
    kind: OrganizationKind | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    parent_id: Id | None = Field(None, description="Parent company; null removes it")
    credit_code: str | None = Field(None, max_length=30)
    province: str | None = Field(None, max_length=50)
    city: str | None = Field(None, max_length=50)
    district: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=300)
    mailing_address: str | None = Field(None, max_length=300)
    landline: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=5000)


class OrganizationFilters(Schema):
    kind: OrganizationKind | None = None
    city: str | None = Field(None, max_length=50)
    q: str | None = Field(None, max_length=100, description="Name, or start of its pinyin")
    sort: str | None = Field(None, description="name, kind, city, created; prefix - for "
                                               "descending")


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    role: ContactRole = ContactRole.STAFF
    title: str = Field("", max_length=100)
    mobile: str = Field("", max_length=30)
    landline: str = Field("", max_length=30)
    email: str = Field("", max_length=254)
    qq: str = Field("", max_length=20)
    wechat: str = Field("", max_length=50)
    address: str = Field("", max_length=300)
    person_id: Id | None = Field(None, description="The person this contact is, if known")


class ContactPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    role: ContactRole | None = None
    title: str | None = Field(None, max_length=100)
    mobile: str | None = Field(None, max_length=30)
    landline: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    qq: str | None = Field(None, max_length=20)
    wechat: str | None = Field(None, max_length=50)
    address: str | None = Field(None, max_length=300)
    person_id: Id | None = Field(None, description="null removes the link")


def _detail(actor, pk: int) -> Organization:
    """The organisation carrying what OrganizationDetailOut reads besides its own fields."""
    detail = selectors.organization_detail(actor, pk)
    organization = detail.organization
    organization.visible_contacts = detail.contacts
    organization.visible_branches = detail.branches
    organization.linked_communities = [
        {"id": link.community.pk, "name": link.community.name, "roles": link.roles}
        for link in detail.communities
    ]
    return organization


# --- organisations --------------------------------------------------------------------------

@router.get("/organizations", response=list[OrganizationOut], summary="Organisations")
@scoped(Organization, "list")
@paginate(PagePagination)
def organization_list(request, filters: Query[OrganizationFilters]):
    return selectors.organization_list(request.auth, {
        "kind": filters.kind.value if filters.kind else "", "city": filters.city,
        "q": filters.q, "sort": filters.sort,
    })


@router.get("/organizations/{organization_id}", response=OrganizationDetailOut,
            summary="One organisation with its contacts, branches and communities")
@scoped(Organization, "detail")
def organization_detail(request, organization_id: PathId):
    return _detail(request.auth, organization_id)


@router.post("/organizations", response={201: OrganizationDetailOut},
             summary="Create an organisation")
def organization_create(request, payload: OrganizationIn):
    actor = request.auth
    data = payload.dict(exclude={"org_unit_id", "parent_id", "kind"})
    organization = _call(
        services.organization_create, actor=actor, tenant=actor.tenant,
        org_unit=_org_unit(actor, payload.org_unit_id, "directory.add_organization"),
        kind=payload.kind.value, parent=_parent(actor, payload.parent_id), **data,
    )
    return Status(201, _detail(actor, organization.pk))


@router.patch("/organizations/{organization_id}", response=OrganizationDetailOut,
              summary="Edit an organisation")
def organization_patch(request, organization_id: PathId, payload: OrganizationPatch):
    actor = request.auth
    organization = selectors.organization_get(actor, organization_id)
    changes = sent_fields(payload, nullable={"parent_id"})
    if "org_unit_id" in changes:
        changes["org_unit"] = _org_unit(actor, changes.pop("org_unit_id"),
                                        "directory.change_organization")
    if "parent_id" in changes:
        changes["parent"] = _parent(actor, changes.pop("parent_id"))
    if "kind" in changes:
        changes["kind"] = changes["kind"].value
    _call(services.organization_update, actor=actor, organization=organization, **changes)
    return _detail(actor, organization_id)


# --- contacts -------------------------------------------------------------------------------

@router.get("/organizations/{organization_id}/contacts", response=list[ContactOut],
            summary="An organisation's contacts")
@scoped(Organization, "detail")
def contact_list(request, organization_id: PathId):
    actor = request.auth
    return list(selectors.contacts_of(actor, selectors.organization_get(actor, organization_id)))


@router.post("/organizations/{organization_id}/contacts", response={201: ContactOut},
             summary="Add a contact to an organisation")
def contact_add(request, organization_id: PathId, payload: ContactIn):
    actor = request.auth
    organization = selectors.organization_get(actor, organization_id)
    data = payload.dict(exclude={"person_id", "role"})
    contact = _call(services.contact_add, actor=actor, organization=organization,
                    role=payload.role.value, person=_person(actor, payload.person_id), **data)
    return Status(201, selectors.contact_get(actor, contact.pk))


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Edit a contact")
def contact_patch(request, contact_id: PathId, payload: ContactPatch):
    actor = request.auth
    contact = selectors.contact_get(actor, contact_id)
    changes = sent_fields(payload, nullable={"person_id"})
    if "person_id" in changes:
        changes["person"] = _person(actor, changes.pop("person_id"))
    if "role" in changes:
        changes["role"] = changes["role"].value
    _call(services.contact_update, actor=actor, contact=contact, **changes)
    return selectors.contact_get(actor, contact_id)


@router.delete("/contacts/{contact_id}", response={204: None}, summary="Remove a contact")
def contact_remove(request, contact_id: PathId):
    actor = request.auth
    services.contact_remove(actor=actor, contact=selectors.contact_get(actor, contact_id))
    return Status(204, None)
