"""Import users with their memberships from Excel or CSV (PLAT-1, PLAT-7).

One row per membership: username, display name, e-mail, mobile, the organisation unit (its code
or its path of names, e.g. "华东分公司/工程部") and the role code. Repeating a username on
further rows gives that new user more roles. Passwords are never imported: new users get an
unusable password, and an administrator sets or resets it before they can sign in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts import selectors
from linli.accounts.models import PATH_STEP, OrgUnit, User
from linli.accounts.services import membership_add, user_create
from linli.core.exchange.imports import (
    ImportColumn,
    ImportContext,
    ImportDefinition,
    ImportRow,
    register_importer,
)
from linli.core.exchange.parsers import email, text
from linli.core.personal_data.phones import normalize_phone

PATH_SEPARATORS = re.compile(r"\s*[/／>＞\\]\s*")
AMBIGUOUS = object()
PROFILE_FIELDS = ("display_name", "email", "mobile")


def _mobile(value: Any) -> str:
    return normalize_phone(str(value))


def _username(value: Any) -> str:
    return User._meta.get_field("username").clean(str(value), None)


def _path_key(names) -> tuple[str, ...]:
    return tuple(n.casefold() for n in names)


def _ancestor_paths(unit: OrgUnit) -> list[str]:
    """The materialised paths from the root down to ``unit`` itself."""
    step = PATH_STEP + 1
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


class UserImport(ImportDefinition):
    name = gettext_lazy("Users")
    description = gettext_lazy(
        "New users with their role at an organisation unit. Existing users are not changed."
    )
    permission = "accounts.add_user"
    columns = [
        ImportColumn(
            "username", gettext_lazy("Username"), required=True, parser=_username,
            aliases=("用户名", "账号", "登录名", "login"),
            help_text=gettext_lazy("Letters, digits and @ . + - _; unique on the platform."),
            example="zhangsan",
        ),
        ImportColumn(
            "display_name", gettext_lazy("Display name"), parser=text(100),
            aliases=("姓名", "显示名称", "名称", "name"), example="张三",
            help_text=gettext_lazy("The name shown to colleagues."),
        ),
        ImportColumn(
            "email", gettext_lazy("E-mail"), parser=email(),
            aliases=("电子邮箱", "邮箱", "电子邮件", "mail"), example="zhangsan@example.com",
        ),
        ImportColumn(
            "mobile", gettext_lazy("Mobile"), parser=_mobile,
            aliases=("手机", "手机号", "手机号码", "phone"), example="13812341234",
            help_text=gettext_lazy("An 11-digit mainland mobile, or a number with +country code."),
        ),
        ImportColumn(
            "org_unit", gettext_lazy("Organisation unit"), required=True, parser=text(500),
            aliases=("组织", "组织单元", "部门", "组织编码", "组织架构", "unit", "org unit code"),
            example="华东分公司/工程部",
            help_text=gettext_lazy(
                "The unit's code, or its names from the top separated by /, e.g. "
                "华东分公司/工程部 (the company name at the start may be left out)."
            ),
        ),
        ImportColumn(
            "role", gettext_lazy("Role"), required=True, parser=text(50),
            aliases=("角色", "角色编码", "岗位", "role code"), example="front-desk",
            help_text=gettext_lazy("The role's code, as shown on the roles page."),
        ),
    ]
    notes = [
        gettext_lazy("Passwords are not imported: new users cannot sign in until an "
                     "administrator sets or resets their password."),
        gettext_lazy("To give a new user several roles, repeat the username on more rows with "
                     "the other unit and role; leave the other columns empty or the same."),
    ]

    def prepare(self, context: ImportContext) -> None:
        actor = context.actor
        units = list(selectors.units_where(actor, "accounts.add_membership"))
        prefixes = {p for u in units for p in _ancestor_paths(u)}
        names = dict(
            OrgUnit.objects.filter(  # scoped-query-ok: ancestor names of units in scope
                tenant_id=context.tenant.pk, path__in=prefixes
            ).values_list("path", "name")
        )
        by_path: dict[tuple[str, ...], Any] = {}
        for unit in units:
            chain = _path_key(names.get(p, "") for p in _ancestor_paths(unit))
            for start in range(len(chain)):
                key = chain[start:]
                by_path[key] = AMBIGUOUS if key in by_path else unit
        roles = selectors.role_choices(actor).prefetch_related("permissions__content_type")
        context.cache.update(
            units_by_code={u.code.casefold(): u for u in units if u.code},
            units_by_path=by_path,
            roles={r.code.casefold(): r for r in roles},
            role_permissions={
                r.pk: [f"{p.content_type.app_label}.{p.codename}" for p in r.permissions.all()]
                for r in roles
            },
            users={},
        )

    def _unit(self, typed: str, context: ImportContext) -> OrgUnit:
        unit = context.cache["units_by_code"].get(typed.casefold())
        if unit is None:
            segments = [s for s in PATH_SEPARATORS.split(typed) if s]
            unit = context.cache["units_by_path"].get(_path_key(segments))
        if unit is AMBIGUOUS:
            raise ValidationError({"org_unit": _(
                "Several units have this name; give more of the path, or the unit's code."
            )})
        if unit is None:
            raise ValidationError({"org_unit": _(
                "No active unit with this code or path where you may add members."
            )})
        return unit

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        actor = context.actor
        errors: dict[str, str] = {}
        unit = role = None
        try:
            unit = self._unit(values["org_unit"], context)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        role = context.cache["roles"].get(values["role"].casefold())
        if role is None:
            errors["role"] = _("No role with this code.")
        elif unit is not None:
            missing = sorted(n for n in context.cache["role_permissions"][role.pk]
                             if not actor.has_perm(n, unit))
            if missing:
                errors["role"] = _(
                    "You cannot grant permissions you do not hold yourself: %(names)s"
                ) % {"names": ", ".join(missing)}
        key = values["username"].casefold()
        first = context.cache["users"].get(key)
        if first is None:
            if unit is not None and not actor.has_perm("accounts.add_user", unit):
                errors["org_unit"] = _("You may not add users at this unit.")
            if User.objects.filter(username__iexact=values["username"]).exists():
                errors["username"] = _("This username is taken.")
        else:
            for name in PROFILE_FIELDS:
                if values[name] and values[name] != first["values"][name]:
                    errors[name] = _(
                        "Differs from row %(row)s of the same user: leave it empty or repeat it."
                    ) % {"row": first["row"]}
            if unit is not None and role is not None and (unit.pk, role.pk) in first["pairs"]:
                errors["role"] = _(
                    "Row %(row)s already gives this user this role at this unit."
                ) % {"row": first["pairs"][(unit.pk, role.pk)]}
        if errors:
            raise ValidationError(errors)
        if first is None:
            first = context.cache["users"][key] = {"row": context.row, "values": values,
                                                    "pairs": {}}
        first["pairs"][(unit.pk, role.pk)] = context.row
        return {**values, "org_unit": unit, "role": role}

    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        created: dict[str, User] = {}
        for row in rows:
            values = row.values
            key = values["username"].casefold()
            user = created.get(key)
            if user is not None:
                membership_add(actor=context.actor, user=user, org_unit=values["org_unit"],
                               role=values["role"])
                continue
            user = user_create(
                actor=context.actor, tenant=context.tenant, username=values["username"],
                password=None,
                display_name=values["display_name"], email=values["email"],
                mobile=values["mobile"], org_unit=values["org_unit"], role=values["role"],
            )
            created[key] = user


register_importer("users", UserImport())
