"""Reads of accounts: the org tree, users, roles, memberships and API tokens, all scoped.

A manager sees org units and memberships inside the subtrees where a membership grants the
permission, and the users holding at least one membership there; users without any
membership are seen only by those who hold the permission for the whole tenant.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.accounts.models import ApiToken, Membership, OrgUnit, Role, User
from linli.core.scope import scope_for

USER_SORTS = ("username", "display_name", "date_joined", "last_login")
STANDARD_ACTIONS = ("view", "add", "change", "delete")
# Platform-level models whose permissions mean nothing inside a tenant's roles.
NOT_GRANTABLE = {"core.tenant", "core.idempotencyrecord", "accounts.apitoken"}


def scoped_unit_ids(actor, permission: str) -> frozenset[int] | None:
    """Unit ids where ``actor`` holds ``permission``; None means the whole tenant."""
    scope = scope_for(actor)
    return frozenset() if scope is None else scope.org_units_for(permission)


def holds_tenant_wide(actor, permission: str) -> bool:
    scope = scope_for(actor)
    return scope is not None and scope.org_units_for(permission) is None


def _tenant_id(actor) -> int | None:
    scope = scope_for(actor)
    return None if scope is None else scope.tenant_id


# --- org units ------------------------------------------------------------------------------

def org_unit_list(actor, action: str = "view") -> QuerySet[OrgUnit]:
    """Units inside the subtrees where the actor holds ``accounts.<action>_orgunit``."""
    qs = OrgUnit.objects.restrict(actor, action)
    units = scoped_unit_ids(actor, f"accounts.{action}_orgunit")
    if units is not None:
        qs = qs.filter(pk__in=units)
    return qs


def org_unit_tree(actor) -> QuerySet[OrgUnit]:
    """Visible units in tree order (by path), each with ``member_count`` (distinct users)."""
    return org_unit_list(actor).annotate(
        member_count=Count("memberships__user", distinct=True)
    ).order_by("path")


def org_unit_get(actor, pk, action: str = "view") -> OrgUnit:
    return get_object_or_404(org_unit_tree(actor) if action == "view"
                             else org_unit_list(actor, action), pk=pk)


def org_unit_find(actor, pk) -> OrgUnit | None:
    """A visible unit by id, or None (for choosing a unit in an API payload)."""
    return org_unit_list(actor).filter(pk=pk).first()


def units_where(actor, permission: str) -> QuerySet[OrgUnit]:
    """Active units where ``actor`` holds ``permission``: the choices of a unit field."""
    tenant_id = _tenant_id(actor)
    if tenant_id is None:
        return OrgUnit.objects.none()
    qs = OrgUnit.objects.filter(tenant_id=tenant_id, is_active=True).order_by("path")
    units = scoped_unit_ids(actor, permission)
    return qs if units is None else qs.filter(pk__in=units)


def move_targets(actor, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """Where ``unit`` may move: changeable active units outside its own subtree."""
    return units_where(actor, "accounts.change_orgunit").exclude(
        path__startswith=unit.path
    ).exclude(pk=unit.parent_id)


# --- users ----------------------------------------------------------------------------------

def visible_users(actor, action: str = "view") -> QuerySet[User]:
    """Users the actor may ``action``, unsorted and without their memberships: the bare
    scope that ``user_list`` builds on and that lookups (search, reveal) need alone."""
    tenant_id = _tenant_id(actor)
    if tenant_id is None:
        return User.objects.none()
    qs = User.objects.filter(tenant_id=tenant_id)
    units = scoped_unit_ids(actor, f"accounts.{action}_user")
    if units is None:
        return qs
    if not units:
        return User.objects.none()
    return qs.filter(Exists(Membership.objects.filter(user=OuterRef("pk"),
                                                      org_unit_id__in=units)))


def user_list(actor, filters: dict | None = None, action: str = "view") -> QuerySet[User]:
    """Users the actor may ``action`` (accounts.<action>_user), filtered and sorted.

    ``filters``: q (username, display name, name, e-mail), org_unit (id: memberships in its
    subtree), role (id), active ("1"/"0" or bool), sort (one of USER_SORTS, "-" for descending).
    """
    filters = filters or {}
    tenant_id = _tenant_id(actor)
    qs = visible_users(actor, action)
    if tenant_id is None:
        return qs
    qs = _filter_users(qs, tenant_id, filters)
    sort = filters.get("sort") or "username"
    if sort.lstrip("-") not in USER_SORTS:
        sort = "username"
    visible = membership_list(actor).select_related("org_unit", "role").order_by(
        "org_unit__path", "role__name"
    )
    return qs.order_by(sort, "pk").prefetch_related(
        Prefetch("memberships", queryset=visible, to_attr="visible_memberships")
    )


def _filter_users(qs: QuerySet[User], tenant_id: int, filters: dict) -> QuerySet[User]:
    query = (filters.get("q") or "").strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(display_name__icontains=query)
            | Q(first_name__icontains=query) | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    active = filters.get("active")
    if active in (True, "1", "true"):
        qs = qs.filter(is_active=True)
    elif active in (False, "0", "false"):
        qs = qs.filter(is_active=False)
    held = Membership.objects.filter(user=OuterRef("pk"), tenant_id=tenant_id)
    narrowed = False
    if filters.get("org_unit"):
        path = OrgUnit.objects.filter(tenant_id=tenant_id, pk=filters["org_unit"]).values_list(
            "path", flat=True
        ).first()
        if path is None:
            return qs.none()
        held, narrowed = held.filter(org_unit__path__startswith=path), True
    if filters.get("role"):
        held, narrowed = held.filter(role_id=filters["role"]), True
    return qs.filter(Exists(held)) if narrowed else qs


def user_get(actor, pk, action: str = "view") -> User:
    return get_object_or_404(user_list(actor, action=action), pk=pk)


def user_manageable(actor, user: User, permission: str = "accounts.change_user") -> bool:
    """True when every membership of ``user`` lies where ``actor`` holds ``permission``, so a
    branch manager cannot take over someone who also works elsewhere. Users without any
    membership are managed by holders of the permission for the whole tenant only."""
    if actor is None or actor.tenant_id != user.tenant_id:
        return False
    if user.is_superuser and not actor.is_superuser:
        return False
    units = scoped_unit_ids(actor, permission)
    if units is None:
        return True
    held = set(Membership.objects.filter(user=user).values_list("org_unit_id", flat=True))
    return bool(units) and bool(held) and held <= units


# --- memberships ----------------------------------------------------------------------------

def membership_list(actor, action: str = "view") -> QuerySet[Membership]:
    return Membership.objects.restrict(actor, action)


def memberships_of(actor, user: User) -> QuerySet[Membership]:
    """The user's memberships the actor may see, in tree order."""
    return membership_list(actor).filter(user=user).select_related("org_unit", "role").order_by(
        "org_unit__path", "role__name"
    )


def own_memberships(actor) -> QuerySet[Membership]:
    """The actor's own memberships (their own data: no permission needed)."""
    return Membership.objects.filter(
        user_id=getattr(actor, "pk", None), tenant_id=_tenant_id(actor)
    ).select_related("org_unit", "role").order_by("org_unit__path", "role__name")


def membership_get(actor, pk, action: str = "view", user: User | None = None) -> Membership:
    qs = membership_list(actor, action).select_related("org_unit", "role", "user")
    if user is not None:
        qs = qs.filter(user=user)
    return get_object_or_404(qs, pk=pk)


# --- roles ----------------------------------------------------------------------------------

def role_list(actor) -> QuerySet[Role]:
    """The tenant's roles with their use: ``membership_count`` and ``permission_count``."""
    return Role.objects.restrict(actor, "view").annotate(
        membership_count=Count("memberships", distinct=True),
        permission_count=Count("permissions", distinct=True),
    ).order_by("name")


def role_get(actor, pk, action: str = "view") -> Role:
    return get_object_or_404(Role.objects.restrict(actor, action), pk=pk)


def role_choices(actor) -> QuerySet[Role]:
    """Roles offered when adding a membership: every role of the actor's tenant."""
    tenant_id = _tenant_id(actor)
    if tenant_id is None:
        return Role.objects.none()
    return Role.objects.filter(tenant_id=tenant_id).order_by("name")


def role_find(actor, pk) -> Role | None:
    return role_choices(actor).filter(pk=pk).first()


def role_permission_names(role: Role) -> list[str]:
    return sorted(
        f"{app}.{codename}"
        for app, codename in role.permissions.values_list("content_type__app_label", "codename")
    )


def roles_with_permissions(actor) -> QuerySet[Role]:
    return role_list(actor).prefetch_related("permissions__content_type")


@dataclass
class PermissionRow:
    """One model of the matrix: its standard permissions by action, and custom ones."""

    label: str
    cells: dict[str, Permission | None]
    custom: list[Permission] = field(default_factory=list)


@dataclass
class PermissionGroup:
    label: str
    rows: list[PermissionRow]


def grantable_permissions() -> QuerySet[Permission]:
    """Permissions a tenant's role may hold: those of Linli's own models (not of Django's
    apps, history tables or platform-level models)."""
    labels = [a.label for a in apps.get_app_configs() if a.name.startswith("linli.")]
    qs = Permission.objects.filter(content_type__app_label__in=labels).exclude(
        content_type__model__startswith="historical"
    ).select_related("content_type")
    for excluded in NOT_GRANTABLE:
        app_label, model = excluded.split(".")
        qs = qs.exclude(content_type__app_label=app_label, content_type__model=model)
    return qs.order_by("content_type__app_label", "content_type__model", "codename")


def permission_name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def permission_matrix() -> list[PermissionGroup]:
    """Rows are models grouped by app (verbose names), columns view/add/change/delete; any
    other permission of the model (approve, reveal, …) is listed as custom."""
    rows: dict[tuple[str, str], PermissionRow] = {}
    for permission in grantable_permissions():
        content_type = permission.content_type
        model = content_type.model_class()
        if model is None:
            continue
        key = (content_type.app_label, content_type.model)
        row = rows.get(key)
        if row is None:
            row = rows[key] = PermissionRow(
                str(model._meta.verbose_name_plural).capitalize(),
                dict.fromkeys(STANDARD_ACTIONS),
            )
        action = permission.codename.split("_", 1)[0]
        if permission.codename == f"{action}_{model._meta.model_name}" and action in row.cells:
            row.cells[action] = permission
        else:
            row.custom.append(permission)
    groups = []
    for app_label in sorted({k[0] for k in rows}):
        app_rows = sorted((r for k, r in rows.items() if k[0] == app_label),
                          key=lambda r: r.label)
        groups.append(PermissionGroup(str(apps.get_app_config(app_label).verbose_name),
                                      app_rows))
    return groups


# --- API tokens -----------------------------------------------------------------------------

def api_token_list(actor) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first."""
    return ApiToken.objects.filter(user_id=getattr(actor, "pk", None)).order_by("-created_at")


def api_token_get(actor, pk) -> ApiToken:
    return get_object_or_404(api_token_list(actor), pk=pk)
