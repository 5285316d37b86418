"""API of accounts: the caller, org units, users, roles, memberships, own API tokens.

Handlers resolve objects through the selectors (out of scope or missing: 404) and write
through the services (their ValidationErrors become 422 with fields, PermissionDenied 403).
"""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.accounts import selectors, services
from linli.accounts.models import OrgUnit, OrgUnitKind, Role, User
from linli.core.personal_data.masking import mask_phone
from linli.core.restapi.errors import invalid as _invalid
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped, unscoped
from linli.core.restapi.types import Id, PathId

router = Router(tags=["accounts"])


def _unit(actor, pk: int, field: str) -> OrgUnit:
    unit = selectors.org_unit_find(actor, pk)
    if unit is None:
        raise _invalid(field, _("Choose a unit of your own organisation."))
    return unit


def _role(actor, pk: int, field: str) -> Role:
    role = selectors.role_find(actor, pk)
    if role is None:
        raise _invalid(field, _("Choose a role of your own organisation."))
    return role


# --- the caller -----------------------------------------------------------------------------

class MeOut(Schema):
    id: int
    username: str
    display_name: str
    tenant_id: int
    language: str
    permissions: list[str]


@router.get("/me", response=MeOut, summary="The signed-in user")
@unscoped("the caller's own profile")
def me(request):
    user = request.auth
    return MeOut(
        id=user.pk, username=user.username, display_name=str(user), tenant_id=user.tenant_id,
        language=user.language, permissions=sorted(user.get_all_permissions()),
    )


# --- org units ------------------------------------------------------------------------------

class OrgUnitOut(Schema):
    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str
    depth: int
    is_active: bool
    member_count: int


class OrgUnitIn(Schema):
    parent_id: int
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrgUnitKind
    code: str = Field("", max_length=50)


class OrgUnitPatch(Schema):
    parent_id: Id | None = Field(None, description="Move the unit under this unit")
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: OrgUnitKind | None = None
    code: str | None = Field(None, max_length=50)
    is_active: bool | None = None


class OrgUnitFilters(Schema):
    kind: OrgUnitKind | None = None
    is_active: bool | None = None


@router.get("/org-units", response=list[OrgUnitOut], summary="Organisation units")
@scoped(OrgUnit, "list")
@paginate(PagePagination)
def org_unit_list(request, filters: Query[OrgUnitFilters]):
    qs = selectors.org_unit_tree(request.auth)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind.value)
    if filters.is_active is not None:
        qs = qs.filter(is_active=filters.is_active)
    return qs


@router.get("/org-units/{unit_id}", response=OrgUnitOut, summary="One organisation unit")
@scoped(OrgUnit, "detail")
def org_unit_detail(request, unit_id: PathId):
    return selectors.org_unit_get(request.auth, unit_id)


@router.post("/org-units", response={201: OrgUnitOut}, summary="Create an organisation unit")
def org_unit_create(request, payload: OrgUnitIn):
    actor = request.auth
    unit = services.org_unit_create(
        actor=actor, tenant=actor.tenant, parent=_unit(actor, payload.parent_id, "parent_id"),
        name=payload.name, kind=payload.kind.value, code=payload.code,
    )
    return Status(201, selectors.org_unit_get(actor, unit.pk))


@router.patch("/org-units/{unit_id}", response=OrgUnitOut,
              summary="Edit, move, deactivate or reactivate an organisation unit")
def org_unit_patch(request, unit_id: PathId, payload: OrgUnitPatch):
    actor = request.auth
    unit = selectors.org_unit_get(actor, unit_id)
    changes = payload.dict(exclude_unset=True)
    new_parent = (_unit(actor, changes["parent_id"], "parent_id")
                  if changes.get("parent_id") is not None else None)
    kind = changes.get("kind") or unit.kind
    services.org_unit_update(
        actor=actor, unit=unit, name=changes.get("name") or unit.name,
        kind=getattr(kind, "value", kind),
        code=unit.code if changes.get("code") is None else changes["code"],
        is_active=unit.is_active if changes.get("is_active") is None else changes["is_active"],
        new_parent=new_parent,
    )
    return selectors.org_unit_get(actor, unit_id)


# --- users ----------------------------------------------------------------------------------

class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    mobile: str = Field(description="Masked; reveal it with POST /api/v1/reveal")
    language: str
    is_active: bool
    date_joined: datetime
    last_login: datetime | None

    @staticmethod
    def resolve_mobile(obj) -> str:
        return mask_phone(obj.mobile)


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=128)
    display_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    mobile: str = Field("", max_length=30)
    language: str = Field("zh-hans", max_length=10, description="zh-hans or en")
    org_unit_id: Id | None = Field(None, description="Unit of the first membership")
    role_id: Id | None = Field(None, description="Role of the first membership")


class UserFilters(Schema):
    q: str | None = Field(None, max_length=100, description="Username, name or e-mail")
    org_unit: Id | None = Field(None, description="Users with a membership in this subtree")
    role: Id | None = None
    is_active: bool | None = None
    sort: str | None = Field(None, description="username, display_name, date_joined, "
                                               "last_login; prefix - for descending")


@router.get("/users", response=list[UserOut], summary="Users")
@scoped(User, "list")
@paginate(PagePagination)
def user_list(request, filters: Query[UserFilters]):
    return selectors.user_list(request.auth, {
        "q": filters.q, "org_unit": filters.org_unit, "role": filters.role,
        "active": filters.is_active, "sort": filters.sort,
    })


@router.get("/users/{user_id}", response=UserOut, summary="One user")
@scoped(User, "detail")
def user_detail(request, user_id: PathId):
    return selectors.user_get(request.auth, user_id)


@router.post("/users", response={201: UserOut}, summary="Create a user")
def user_create(request, payload: UserIn):
    actor = request.auth
    org_unit = (_unit(actor, payload.org_unit_id, "org_unit_id")
                if payload.org_unit_id is not None else None)
    role = _role(actor, payload.role_id, "role_id") if payload.role_id is not None else None
    user = services.user_create(
        actor=actor, tenant=actor.tenant, username=payload.username, password=payload.password,
        display_name=payload.display_name, email=payload.email, mobile=payload.mobile,
        language=payload.language, org_unit=org_unit, role=role,
    )
    return Status(201, user)


# --- memberships ----------------------------------------------------------------------------

class MembershipOut(Schema):
    id: int
    user_id: int
    org_unit_id: int
    org_unit_name: str = Field(alias="org_unit.name")
    role_id: int
    role_name: str = Field(alias="role.name")
    valid_from: date | None
    valid_until: date | None
    is_current: bool

    @staticmethod
    def resolve_is_current(obj) -> bool:
        return obj.is_current()


class MembershipIn(Schema):
    org_unit_id: int
    role_id: int
    valid_from: date | None = None
    valid_until: date | None = None


@router.get("/users/{user_id}/memberships", response=list[MembershipOut],
            summary="A user's memberships")
@scoped(User, "detail")
def membership_list(request, user_id: PathId):
    actor = request.auth
    return list(selectors.memberships_of(actor, selectors.user_get(actor, user_id)))


@router.post("/users/{user_id}/memberships", response={201: MembershipOut},
             summary="Give a user a role at a unit")
def membership_add(request, user_id: PathId, payload: MembershipIn):
    actor = request.auth
    user = selectors.user_get(actor, user_id)
    membership = services.membership_add(
        actor=actor, user=user, org_unit=_unit(actor, payload.org_unit_id, "org_unit_id"),
        role=_role(actor, payload.role_id, "role_id"),
        valid_from=payload.valid_from, valid_until=payload.valid_until,
    )
    return Status(201, selectors.membership_get(actor, membership.pk))


@router.delete("/users/{user_id}/memberships/{membership_id}", response={204: None},
               summary="Remove a membership")
def membership_remove(request, user_id: PathId, membership_id: PathId):
    actor = request.auth
    user = selectors.user_get(actor, user_id)
    services.membership_remove(
        actor=actor, membership=selectors.membership_get(actor, membership_id, user=user)
    )
    return Status(204, None)


# --- roles ----------------------------------------------------------------------------------

class RoleOut(Schema):
    id: int
    name: str
    code: str
    description: str
    permissions: list[str]
    membership_count: int

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return sorted(selectors.permission_name(p) for p in obj.permissions.all())


@router.get("/roles", response=list[RoleOut], summary="Roles of the organisation")
@scoped(Role, "list")
@paginate(PagePagination)
def role_list(request):
    return selectors.roles_with_permissions(request.auth)


# --- own API tokens -------------------------------------------------------------------------

class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_usable: bool

    @staticmethod
    def resolve_is_usable(obj) -> bool:
        return obj.is_usable()


class TokenCreatedOut(TokenOut):
    key: str = Field(description="The secret key: shown in this answer only")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    days: int | None = Field(None, ge=1, le=3650, description="Days until it expires")


@router.get("/tokens", response=list[TokenOut], summary="My API tokens")
@unscoped("the caller's own tokens")
@paginate(PagePagination)
def token_list(request):
    return selectors.api_token_list(request.auth)


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token")
def token_create(request, payload: TokenIn):
    token, key = services.api_token_create(actor=request.auth, user=request.auth,
                                           name=payload.name, days=payload.days)
    token.key = key
    return Status(201, token)


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of my tokens")
def token_revoke(request, token_id: PathId):
    services.api_token_revoke(actor=request.auth,
                              token=selectors.api_token_get(request.auth, token_id))
    return Status(204, None)
