"""Writes of accounts: tenants, the org tree, roles, users, memberships, API tokens.

Every function takes keyword arguments including ``actor`` (None for system setup such as the
demo generator and migrations), runs in one transaction and checks the actor's rights.
Nobody can hand out more than they hold: a role or membership may only grant permissions the
actor holds (at the unit concerned), so a manager cannot raise themselves or others above
their own rights.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import selectors
from linli.accounts.models import PATH_STEP, ApiToken, Membership, OrgUnit, Role, User
from linli.accounts.presets import ROLE_PRESETS
from linli.accounts.scope_cache import access_changed
from linli.core.events import record_event
from linli.core.permissions import require as _require
from linli.core.permissions import require_tenant as _same_tenant
from linli.core.personal_data.phones import normalize_phone
from linli.core.scope import forget_scope
from linli.core.tenancy import Tenant


def _require_grantable(actor, names, field: str, org_unit: OrgUnit | None = None) -> None:
    """Refuse to grant permissions the actor does not hold (at ``org_unit``, if given)."""
    if actor is None:
        return
    missing = sorted(n for n in names if not actor.has_perm(n, org_unit))
    if missing:
        raise ValidationError({field: [
            _("You cannot grant permissions you do not hold yourself: %(names)s")
            % {"names": ", ".join(missing)}
        ]})


def _require_user_manager(actor, user: User, permission: str) -> None:
    if actor is None:
        return
    _same_tenant(actor, user.tenant_id)
    if not actor.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))
    if selectors.user_manageable(actor, user, permission):
        return
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a tenant administrator can change a tenant administrator."))
    raise PermissionDenied(
        _("This user also works outside your part of the organisation; ask an administrator.")
    )


def _full_clean(instance, exclude: list[str]) -> None:
    """Field checks (lengths, choices, formats) with Django's messages, keyed by field."""
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# --- tenants --------------------------------------------------------------------------------

@transaction.atomic
def tenant_create(*, actor=None, name: str, code: str, kind: str, root_name: str | None = None,
                  role_presets: bool = False) -> Tenant:
    """A tenant with its root unit; ``role_presets`` also installs the standard roles."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only platform administrators create tenants."))
    if Tenant.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("A tenant with this code already exists.")]})
    tenant = Tenant.objects.create(name=name, code=code, kind=kind)
    org_unit_create(actor=None, tenant=tenant, parent=None, name=root_name or name,
                    kind="company")
    if role_presets:
        role_presets_install(actor=None, tenant=tenant)
    return tenant


# --- org units ------------------------------------------------------------------------------

def _child_path(tenant_id: int, parent: OrgUnit | None) -> str:
    prefix = parent.path if parent else ""
    depth = parent.depth + 1 if parent else 0
    siblings = OrgUnit.objects.filter(tenant_id=tenant_id, depth=depth, path__startswith=prefix)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    number = int(last[len(prefix): len(prefix) + PATH_STEP]) + 1 if last else 1
    return f"{prefix}{number:0{PATH_STEP}d}."


def _check_code_free(tenant_id: int, code: str, unit: OrgUnit | None = None) -> None:
    clash = OrgUnit.objects.filter(tenant_id=tenant_id, code=code)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if code and clash.exists():
        raise ValidationError({"code": [_("Another unit already uses this code.")]})


def _check_active_change(unit: OrgUnit, active: bool) -> None:
    if active == unit.is_active:
        return
    if not active:
        if unit.parent_id is None:
            raise ValidationError({"is_active": [_("The root unit cannot be deactivated.")]})
        if OrgUnit.objects.filter(parent=unit, is_active=True).exists():
            raise ValidationError({"is_active": [_("Deactivate its active sub-units first.")]})
    elif unit.parent is not None and not unit.parent.is_active:
        raise ValidationError({"is_active": [_("Reactivate its parent unit first.")]})


@transaction.atomic
def org_unit_create(*, actor, tenant: Tenant, parent: OrgUnit | None, name: str, kind: str,
                    code: str = "") -> OrgUnit:
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter a name.")]})
    if parent is None:
        if OrgUnit.objects.filter(tenant=tenant, parent__isnull=True).exists():
            raise ValidationError({"parent": [_("Choose the parent unit.")]})
    elif parent.tenant_id != tenant.pk:
        raise ValidationError({"parent": [_("Choose a unit of your own organisation.")]})
    elif not parent.is_active:
        raise ValidationError({"parent": [_("Choose an active unit.")]})
    _same_tenant(actor, tenant.pk)
    _require(actor, "accounts.add_orgunit", parent)
    unit = OrgUnit(tenant=tenant, parent=parent, name=name, kind=kind, code=code)
    _full_clean(unit, exclude=["tenant", "parent", "path", "depth"])
    _check_code_free(tenant.pk, code)
    if parent is not None:
        # Lock the parent so concurrent siblings get distinct paths.
        OrgUnit.objects.select_for_update().filter(pk=parent.pk).first()
    unit.path = _child_path(tenant.pk, parent)
    unit.depth = parent.depth + 1 if parent else 0
    unit.save()
    if actor is not None:
        forget_scope(actor)  # the actor's cached subtree now has one more unit
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, name: str, kind: str, code: str = "",
                    is_active: bool = True, new_parent: OrgUnit | None = None) -> OrgUnit:
    """Edit a unit; ``new_parent`` (when given) also moves it there in the same transaction."""
    _same_tenant(actor, unit.tenant_id)
    _require(actor, "accounts.change_orgunit", unit)
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter a name.")]})
    _check_code_free(unit.tenant_id, code, unit)
    _check_active_change(unit, is_active)
    unit.name, unit.kind, unit.code, unit.is_active = name, kind, code, is_active
    _full_clean(unit, exclude=["tenant", "parent", "path", "depth"])
    unit.save()
    if new_parent is not None and new_parent.pk != unit.parent_id:
        unit = org_unit_move(actor=actor, unit=unit, new_parent=new_parent)
    return unit


@transaction.atomic
def org_unit_set_active(*, actor, unit: OrgUnit, active: bool) -> OrgUnit:
    """Deactivate (not the root, not while sub-units are active) or reactivate a unit.

    Memberships at an inactive unit grant nothing until it is reactivated.
    """
    _same_tenant(actor, unit.tenant_id)
    _require(actor, "accounts.change_orgunit", unit)
    if active == unit.is_active:
        return unit
    _check_active_change(unit, active)
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    record_event(unit, "reactivated" if active else "deactivated", actor=actor)
    return unit


@transaction.atomic
def org_unit_move(*, actor, unit: OrgUnit, new_parent: OrgUnit) -> OrgUnit:
    _same_tenant(actor, unit.tenant_id)
    _require(actor, "accounts.change_orgunit", unit)
    _require(actor, "accounts.change_orgunit", new_parent)
    if unit.parent_id is None:
        raise ValidationError({"parent": [_("The root unit cannot be moved.")]})
    if new_parent.tenant_id != unit.tenant_id:
        raise ValidationError({"parent": [_("Choose a unit of your own organisation.")]})
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": [_("A unit cannot move under itself.")]})
    if not new_parent.is_active:
        raise ValidationError({"parent": [_("Choose an active unit.")]})
    if new_parent.pk == unit.parent_id:
        return unit
    old_path, old_depth = unit.path, unit.depth
    OrgUnit.objects.select_for_update().filter(pk=new_parent.pk).first()
    new_path = _child_path(unit.tenant_id, new_parent)
    depth_shift = new_parent.depth + 1 - old_depth
    subtree = list(
        OrgUnit.objects.select_for_update().filter(
            tenant_id=unit.tenant_id, path__startswith=old_path
        ).order_by("pk")
    )
    for node in subtree:
        node.path = new_path + node.path[len(old_path):]
        node.depth += depth_shift
        if node.pk == unit.pk:
            node.parent = new_parent
    OrgUnit.objects.bulk_update(subtree, ["path", "depth", "parent"])
    access_changed(unit.tenant_id)  # bulk_update sends no signals
    old_parent = unit.parent
    unit.refresh_from_db()
    if actor is not None:
        forget_scope(actor)  # the moved subtree may now lie inside or outside the actor's
    record_event(unit, "moved", actor=actor, old=str(old_parent), new=str(new_parent))
    return unit


# --- roles ----------------------------------------------------------------------------------

@transaction.atomic
def role_save(*, actor, tenant: Tenant, name: str, code: str, permissions: list[str],
              description: str = "", role: Role | None = None) -> Role:
    """Create or update a role; ``permissions`` are "app.codename" strings."""
    _same_tenant(actor, tenant.pk)
    if role is not None and role.tenant_id != tenant.pk:
        raise PermissionDenied(_("You do not have permission to do this."))
    _require(actor, "accounts.change_role" if role else "accounts.add_role")
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter a name.")]})
    clash = Role.objects.filter(tenant=tenant, code=code)
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        raise ValidationError({"code": [_("Another role already uses this code.")]})
    perms = permission_objects(permissions)
    held_before = set(selectors.role_permission_names(role)) if role is not None else set()
    _require_grantable(actor, set(permissions) - held_before, "permissions")
    candidate = role or Role(tenant=tenant)
    candidate.name, candidate.code, candidate.description = name, code, description or ""
    _full_clean(candidate, exclude=["tenant", "permissions"])
    candidate.save()
    candidate.permissions.set(perms)
    return candidate


def permission_objects(names: list[str]) -> list[Permission]:
    wanted = set(names)
    pairs = [n.split(".", 1) for n in wanted if "." in n]
    found = list(
        Permission.objects.filter(
            content_type__app_label__in={a for a, _ in pairs}, codename__in={c for _, c in pairs}
        ).select_related("content_type")
    )
    found = [p for p in found if f"{p.content_type.app_label}.{p.codename}" in wanted]
    missing = wanted - {f"{p.content_type.app_label}.{p.codename}" for p in found}
    if missing:
        message = _("Unknown permission: %(names)s") % {"names": ", ".join(sorted(missing))}
        raise ValidationError({"permissions": [message]})
    return found


@transaction.atomic
def role_delete(*, actor, role: Role) -> None:
    """Delete a role nobody holds any more."""
    _same_tenant(actor, role.tenant_id)
    _require(actor, "accounts.delete_role")
    held = Membership.objects.filter(role=role).count()
    if held:
        raise ValidationError(
            _("This role is still held in %(count)d memberships; remove them first.")
            % {"count": held}
        )
    role.delete()


@transaction.atomic
def role_presets_install(*, actor, tenant: Tenant) -> list[Role]:
    """Create the standard roles of ``ROLE_PRESETS`` for a tenant.

    Safe to run again: a preset role that exists (by code) keeps its name and the permissions
    the tenant added, and only gains the preset's permissions it lacks.
    """
    _same_tenant(actor, tenant.pk)
    existing = {r.code: r for r in Role.objects.filter(tenant=tenant, code__in=ROLE_PRESETS)}
    roles = []
    for preset in ROLE_PRESETS.values():
        role = existing.get(preset.code)
        if role is None:
            role = role_save(actor=actor, tenant=tenant, name=str(preset.name), code=preset.code,
                             description=str(preset.description),
                             permissions=list(preset.permissions))
        else:
            held = set(selectors.role_permission_names(role))
            if not set(preset.permissions) <= held:
                role = role_save(actor=actor, tenant=tenant, role=role, name=role.name,
                                 code=role.code, description=role.description,
                                 permissions=sorted(held | set(preset.permissions)))
        roles.append(role)
    return roles


# --- users ----------------------------------------------------------------------------------

def _clean_mobile(mobile: str) -> str:
    if not (mobile or "").strip():
        return ""
    try:
        return normalize_phone(mobile)
    except ValidationError as exc:
        raise ValidationError({"mobile": exc.messages}) from exc


def _check_password(password: str, user: User) -> None:
    if not password:
        raise ValidationError({"password": [_("Enter a password.")]})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(*, actor, tenant: Tenant, username: str, password: str | None,
                display_name: str = "", email: str = "", mobile: str = "",
                language: str = "zh-hans", org_unit: OrgUnit | None = None,
                role: Role | None = None) -> User:
    """A new user of ``tenant``, with a first membership when ``org_unit`` and ``role`` are
    given. Managers who do not hold accounts.add_user for the whole tenant must give both,
    or they could not see the user they just made. ``password=None`` makes a user who cannot
    sign in until an administrator sets a password (imports)."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "accounts.add_user", org_unit)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("Enter a username.")]})
    if (org_unit is None) != (role is None):
        missing = "role" if role is None else "org_unit"
        raise ValidationError({missing: [_("Choose both the unit and the role.")]})
    if (actor is not None and org_unit is None
            and not selectors.holds_tenant_wide(actor, "accounts.add_user")):
        raise ValidationError({"org_unit": [
            _("Choose the unit and role of the new user inside your part of the organisation.")
        ]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [_("This username is taken.")]})
    user = User(tenant=tenant, username=username, display_name=(display_name or "").strip(),
                email=(email or "").strip(), mobile=_clean_mobile(mobile), language=language)
    _full_clean(user, exclude=["password", "tenant"])
    if password is None:
        user.set_unusable_password()
    else:
        _check_password(password, user)
        user.set_password(password)
    user.save()
    if org_unit is not None:
        membership_add(actor=actor, user=user, org_unit=org_unit, role=role)
    return user


@transaction.atomic
def user_update(*, actor, user: User, display_name: str, email: str = "", mobile: str = "",
                language: str = "zh-hans") -> User:
    _require_user_manager(actor, user, "accounts.change_user")
    return _save_user_details(user, display_name, email, mobile, language)


@transaction.atomic
def profile_update(*, actor, display_name: str, email: str = "", mobile: str = "",
                   language: str = "zh-hans") -> User:
    """A signed-in user edits their own details; no permission needed."""
    return _save_user_details(actor, display_name, email, mobile, language)


def _save_user_details(user: User, display_name: str, email: str, mobile: str,
                       language: str) -> User:
    user.display_name = (display_name or "").strip()
    user.email = (email or "").strip()
    user.mobile = _clean_mobile(mobile)
    user.language = language
    _full_clean(user, exclude=["password", "tenant", "username"])
    user.save(update_fields=["display_name", "email", "mobile", "language"])
    return user


@transaction.atomic
def user_set_active(*, actor, user: User, active: bool) -> User:
    """Deactivate (sign-in, sessions and API tokens stop working) or reactivate a user."""
    _require_user_manager(actor, user, "accounts.change_user")
    if not active and actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_event(user, "reactivated" if active else "deactivated", actor=actor)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """An administrator sets a new password (checked by the password policy)."""
    _require_user_manager(actor, user, "accounts.change_user")
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(user, "password_reset", actor=actor)
    return user


# --- memberships ----------------------------------------------------------------------------

@transaction.atomic
def membership_add(*, actor, user: User, org_unit: OrgUnit, role: Role, valid_from=None,
                   valid_until=None) -> Membership:
    if not (user.tenant_id == org_unit.tenant_id == role.tenant_id):
        raise ValidationError(_("User, unit and role must belong to the same organisation."))
    _same_tenant(actor, user.tenant_id)
    _require(actor, "accounts.add_membership", org_unit)
    if not org_unit.is_active:
        raise ValidationError({"org_unit": [_("Choose an active unit.")]})
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": [_("The end date is before the start date.")]})
    if Membership.objects.filter(user=user, org_unit=org_unit, role=role).exists():
        raise ValidationError(_("This user already holds this role at this unit."))
    _require_grantable(actor, selectors.role_permission_names(role), "role", org_unit)
    membership = Membership.objects.create(
        tenant_id=user.tenant_id, user=user, org_unit=org_unit, role=role,
        valid_from=valid_from, valid_until=valid_until,
    )
    forget_scope(user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    _same_tenant(actor, membership.tenant_id)
    _require(actor, "accounts.delete_membership", membership.org_unit)
    membership.delete()
    forget_scope(membership.user)


# --- API tokens -----------------------------------------------------------------------------

@transaction.atomic
def api_token_create(*, actor, user: User, name: str, days: int | None = None
                     ) -> tuple[ApiToken, str]:
    """Returns the token row and the key, which is shown once and never stored."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("You can only create tokens for yourself."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValidationError({"name": [_("Use at most 100 characters.")]})
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if days < 1 or days > 3650:
        raise ValidationError({"days": [_("Choose between 1 and 3650 days.")]})
    key = "ll_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash_key(key),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
