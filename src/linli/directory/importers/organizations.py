"""The organisations import: organisations with their contacts, one row per contact, the
organisation's columns repeated; an organisation already in the directory only gets contacts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts import selectors as accounts_selectors
from linli.core.exchange.imports import (
    ImportColumn,
    ImportContext,
    ImportDefinition,
    ImportRow,
    register_importer,
)
from linli.core.exchange.parsers import email, text
from linli.core.scope import scope_for
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.importers.cells import (
    CONTACT_ROLE_WORDS,
    KIND_WORDS,
    choice_or_word,
    credit_code,
    fold,
    phone,
    qq,
    rekeyed,
    wechat,
)
from linli.directory.models import Organization
from linli.directory.selectors import exchange as lookups
from linli.directory.services import organizations as organization_services

ORGANIZATION_KEYS = ("kind", "credit_code", "parent", "org_unit", "province", "city",
                     "district", "address", "landline", "email", "website")
CONTACT_KEYS = ("contact_role", "title", "mobile", "contact_landline", "contact_email", "qq",
                "wechat")
# contact_add's argument names → this import's column keys.
CONTACT_FIELDS = {"name": "contact_name", "role": "contact_role", "landline": "contact_landline",
                  "email": "contact_email"}


@dataclass
class _FileOrganization:
    row: int
    values: dict
    existing: Organization | None
    has_legal_representative: bool = False


class OrganizationImport(ImportDefinition):
    name = gettext_lazy("Organisations")
    description = gettext_lazy(
        "Organisations with their contacts, one row per contact; repeat the organisation's "
        "columns on each of its rows. An organisation already in the directory (same name and "
        "kind) is not changed: its rows only add contacts."
    )
    permission = "directory.add_organization"
    columns = [
        ImportColumn("name", gettext_lazy("Organisation"), required=True, parser=text(200),
                     aliases=("单位名称", "公司名称", "机构名称", "企业名称", "organization"),
                     example="阳光物业服务有限公司"),
        ImportColumn("kind", gettext_lazy("Kind"), required=True,
                     parser=choice_or_word(OrganizationKind.choices, KIND_WORDS),
                     aliases=("类型", "单位类型", "机构类型"), example="物业公司",
                     help_text=gettext_lazy("物业公司, 管理处, 开发商, 中介, 商户 or 装修公司.")),
        ImportColumn("credit_code", gettext_lazy("Unified social credit code"),
                     parser=credit_code, aliases=("统一社会信用代码", "信用代码"),
                     example="91350100M000100Y43"),
        ImportColumn("parent", gettext_lazy("Parent company"), parser=text(200),
                     aliases=("上级单位", "母公司", "上级公司", "所属公司"),
                     help_text=gettext_lazy("The name of an organisation in the directory or "
                                            "in an earlier row of this file.")),
        ImportColumn("org_unit", gettext_lazy("Organisation unit"), parser=text(200),
                     aliases=("组织", "组织单元", "所属组织", "组织编码"),
                     help_text=gettext_lazy("Your unit that keeps the organisation, by code or "
                                            "name; may be empty when you work in one unit.")),
        ImportColumn("province", gettext_lazy("Province"), parser=text(50), aliases=("省", "省份"),
                     example="福建省"),
        ImportColumn("city", gettext_lazy("City"), parser=text(50), aliases=("市", "城市"),
                     example="福州市"),
        ImportColumn("district", gettext_lazy("District"), parser=text(50),
                     aliases=("区", "区县"), example="鼓楼区"),
        ImportColumn("address", gettext_lazy("Company address"), parser=text(300),
                     aliases=("地址", "公司地址", "办公地址")),
        ImportColumn("landline", gettext_lazy("Landline"), parser=phone,
                     aliases=("总机", "公司电话", "座机"), example="0591-87654321"),
        ImportColumn("email", gettext_lazy("E-mail"), parser=email(),
                     aliases=("公司邮箱", "邮箱")),
        ImportColumn("website", gettext_lazy("Website"), parser=text(200),
                     aliases=("网址", "网站", "官网")),
        ImportColumn("contact_name", gettext_lazy("Contact"), parser=text(100),
                     aliases=("联系人", "联系人姓名"), example="李四"),
        ImportColumn("contact_role", gettext_lazy("Contact role"),
                     parser=choice_or_word(ContactRole.choices, CONTACT_ROLE_WORDS),
                     aliases=("联系人角色", "联系人类别"), default=ContactRole.STAFF,
                     example="负责人", help_text=gettext_lazy("法定代表人, 负责人 or 员工; empty "
                                                            "means staff.")),
        ImportColumn("title", gettext_lazy("Title"), parser=text(100),
                     aliases=("职务", "职位", "岗位"), example="总经理"),
        ImportColumn("mobile", gettext_lazy("Contact mobile"), parser=phone,
                     aliases=("联系人手机", "手机", "手机号"), example="13812341234"),
        ImportColumn("contact_landline", gettext_lazy("Contact landline"), parser=phone,
                     aliases=("联系人电话", "办公电话")),
        ImportColumn("contact_email", gettext_lazy("Contact e-mail"), parser=email(),
                     aliases=("联系人邮箱",)),
        ImportColumn("qq", gettext_lazy("QQ"), parser=qq, aliases=("QQ号",)),
        ImportColumn("wechat", gettext_lazy("WeChat"), parser=wechat,
                     aliases=("微信", "微信号")),
    ]
    notes = [
        gettext_lazy("Leave the contact columns empty on a row that only adds an "
                     "organisation."),
        gettext_lazy("An organisation has at most one legal representative."),
    ]

    def prepare(self, context: ImportContext) -> None:
        actor = context.actor
        units = list(accounts_selectors.units_where(actor, "directory.add_organization"))
        tops = [u for u in units if not any(o.pk != u.pk and u.path.startswith(o.path)
                                            for o in units)]
        by_name: dict[str, list] = {}
        for unit in units:
            by_name.setdefault(fold(unit.name), []).append(unit)
        context.cache.update(
            organizations=lookups.organizations_by_name(actor), file={},
            units_by_code={fold(u.code): u for u in units if u.code}, units_by_name=by_name,
            default_unit=tops[0] if len(tops) == 1 else None, scope=scope_for(actor),
        )

    def _unit(self, typed: str, context: ImportContext, errors: dict):
        cache = context.cache
        if not typed:
            if cache["default_unit"] is None:
                errors["org_unit"] = _("You may add organisations at several units: name the "
                                       "unit that keeps this one.")
            return cache["default_unit"]
        unit = cache["units_by_code"].get(fold(typed))
        named = cache["units_by_name"].get(fold(typed), [])
        if unit is None and len(named) == 1:
            unit = named[0]
        if unit is None:
            errors["org_unit"] = (
                _("Several units have this name; use the unit's code.") if named else
                _("No unit with this code or name where you may add organisations."))
        return unit

    def _parent(self, typed: str, context: ImportContext, errors: dict):
        """The parent: an organisation of the directory, or the key of an earlier row's one."""
        if not typed:
            return None
        key = fold(typed)
        entry = context.cache["file"].get(key)
        if entry is not None:
            return entry.existing or key
        found = context.cache["organizations"].get(key, [])
        if len(found) == 1:
            return found[0]
        errors["parent"] = (
            _("Several organisations are named “%(name)s”; the parent must be unambiguous.")
            if found else
            _("There is no organisation “%(name)s” in the directory or in an earlier row.")
        ) % {"name": typed}
        return None

    def _new(self, values: dict, context: ImportContext, errors: dict) -> dict:
        unit = self._unit(values["org_unit"], context, errors)
        parent = self._parent(values["parent"], context, errors)
        scope = context.cache["scope"]
        if unit is not None and values["contact_name"] and not scope.has_perm(
                "directory.add_contact", unit.pk):
            errors["contact_name"] = _("You may not add contacts at this unit.")
        return {"org_unit": unit, "parent": parent}

    def _contact_checks(self, values: dict, entry: _FileOrganization | None,
                        existing: Organization | None, context: ImportContext,
                        errors: dict) -> None:
        if not values["contact_name"]:
            typed = [k for k in CONTACT_KEYS if values[k] and k != "contact_role"]
            if typed:
                errors["contact_name"] = _("Enter the contact's name, or leave the contact "
                                           "columns empty.")
            return
        if existing is not None and not context.actor.has_perm("directory.add_contact",
                                                               existing):
            errors["contact_name"] = _("You may not add contacts to this organisation.")
        legal = values["contact_role"] == ContactRole.LEGAL_REPRESENTATIVE
        if legal and (entry.has_legal_representative if entry else self._has_legal(existing)):
                errors["contact_role"] = _("This organisation already has a legal "
                                           "representative; it has only one.")

    def _has_legal(self, existing: Organization | None) -> bool:
        return existing is not None and lookups.has_legal_representative(existing)

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        key = fold(values["name"])
        entry: _FileOrganization | None = context.cache["file"].get(key)
        errors: dict[str, str] = {}
        existing = None
        extra: dict = {}
        if entry is not None:
            existing = entry.existing
            for column in ORGANIZATION_KEYS:
                if values[column] and values[column] != entry.values[column]:
                    errors[column] = _("Differs from row %(row)d of the same organisation: "
                                       "leave it empty or repeat it.") % {"row": entry.row}
        else:
            same_kind = [o for o in context.cache["organizations"].get(key, [])
                         if o.kind == values["kind"]]
            if len(same_kind) > 1:
                errors["name"] = _("Several organisations of this kind have this name; merge "
                                   "them first.")
            existing = same_kind[0] if len(same_kind) == 1 else None
            if existing is None:
                extra = self._new(values, context, errors)
        self._contact_checks(values, entry, existing, context, errors)
        if errors:
            raise ValidationError(errors)
        if entry is None:
            entry = context.cache["file"][key] = _FileOrganization(
                context.row, values, existing, self._has_legal(existing))
        if values["contact_role"] == ContactRole.LEGAL_REPRESENTATIVE and values["contact_name"]:
            entry.has_legal_representative = True
        return {**values, **extra, "key": key, "existing": existing}

    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        actor = context.actor
        created: dict[str, Organization] = {}
        for row in rows:
            values = row.values
            organization = values["existing"] or created.get(values["key"])
            if organization is None:
                parent = values["parent"]
                if isinstance(parent, str):
                    parent = created[parent]
                organization = created[values["key"]] = organization_services.organization_create(
                    actor=actor, tenant=context.tenant, org_unit=values["org_unit"],
                    kind=values["kind"], name=values["name"], parent=parent,
                    credit_code=values["credit_code"], province=values["province"],
                    city=values["city"], district=values["district"], address=values["address"],
                    landline=values["landline"], email=values["email"],
                    website=values["website"],
                )
            if not values["contact_name"]:
                continue
            try:
                organization_services.contact_add(
                    actor=actor, organization=organization, name=values["contact_name"],
                    role=values["contact_role"], title=values["title"], mobile=values["mobile"],
                    landline=values["contact_landline"], email=values["contact_email"],
                    qq=values["qq"], wechat=values["wechat"],
                )
            except ValidationError as exc:
                raise rekeyed(exc, CONTACT_FIELDS) from exc


register_importer("directory-organizations", OrganizationImport())
