"""Cell parsers and the spreadsheet vocabulary (业主, 南北通透, 物业公司 …) shared by the
directory's imports."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.exchange.imports import (
    ImportColumn,
)
from linli.core.exchange.parsers import choice, date, text
from linli.core.exchange.readers import display
from linli.core.personal_data.phones import normalize_phone
from linli.directory.choices import (
    ContactRole,
    Gender,
    OrganizationKind,
    Orientation,
    UnitRole,
    UnitStatus,
    UnitUse,
)
from linli.directory.services import organizations as organization_services
from linli.directory.services import people as people_services

# People type "3栋", "3号楼", "3#", "2单元", "1502室"; the stored numbers are "3", "2", "1502".
BUILDING_SUFFIX = re.compile(r"\s*(?:号楼|栋|幢|座|号|#)$")
SECTION_SUFFIX = re.compile(r"\s*单元$")
ROOM_SUFFIX = re.compile(r"\s*(?:室|号|房)$")
_PHONE_SEPARATORS = re.compile(r"[;；，,、/]")
_QQ = re.compile(r"[1-9]\d{4,11}")
_WECHAT = re.compile(r"[A-Za-z0-9_-]{6,20}")


def fold(value: str) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


def stripped(pattern: re.Pattern, max_length: int):
    base = text(max_length)

    def parse(value: Any) -> str:
        typed = unicodedata.normalize("NFKC", base(value)).strip()
        return pattern.sub("", typed).strip().upper() or typed.upper()

    return parse


def choice_or_word(choices, words: dict[str, str]):
    """A choice by its value, its label in a site language, or one of ``words`` (the Chinese
    terms people write in spreadsheets)."""
    by_choice = choice(choices)
    folded = {fold(k): v for k, v in words.items()}

    def parse(value: Any) -> str:
        return folded.get(fold(display(value))) or by_choice(value)

    return parse


def phones(value: Any) -> list[str]:
    """One or several phones separated by ; or ，, each as E.164, in the order typed."""
    numbers: list[str] = []
    messages: list[str] = []
    for part in _PHONE_SEPARATORS.split(display(value)):
        if not part.strip():
            continue
        try:
            number = normalize_phone(part)
        except ValidationError as exc:
            messages.extend(exc.messages)
            continue
        if number not in numbers:
            numbers.append(number)
    if messages:
        raise ValidationError(messages)
    return numbers


def id_number(value: Any) -> str:
    return people_services.validate_id_number(display(value))


def credit_code(value: Any) -> str:
    return organization_services.normalize_credit_code(display(value))


def phone(value: Any) -> str:
    return normalize_phone(display(value))


def qq(value: Any) -> str:
    typed = display(value).strip()
    if not _QQ.fullmatch(typed):
        raise ValidationError(_("A QQ number has 5 to 12 digits and does not start with 0."))
    return typed


def wechat(value: Any) -> str:
    typed = display(value).strip()
    if not _WECHAT.fullmatch(typed):
        raise ValidationError(
            _("A WeChat ID has 6 to 20 characters: letters, digits, “_” and “-”."))
    return typed


def past_date(value: Any):
    day = date()(value)
    if people_services.after_today(day):
        raise ValidationError(_("The date cannot be in the future."))
    return day


def rekeyed(exc: ValidationError, keys: dict[str, str]) -> ValidationError:
    """A service's field errors under this import's column keys."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({keys.get(k, k): v for k, v in exc.error_dict.items()})


USE_WORDS = {"住宅": UnitUse.RESIDENTIAL, "商铺": UnitUse.SHOP, "商业": UnitUse.SHOP,
             "底商": UnitUse.SHOP, "办公": UnitUse.OFFICE, "写字楼": UnitUse.OFFICE,
             "车位": UnitUse.PARKING}
STATUS_WORDS = {"未售": UnitStatus.UNSOLD, "已售": UnitStatus.SOLD, "已交付": UnitStatus.DELIVERED,
                "已交房": UnitStatus.DELIVERED, "已入住": UnitStatus.OCCUPIED,
                "自住": UnitStatus.OCCUPIED, "出租": UnitStatus.RENTED,
                "已出租": UnitStatus.RENTED, "空置": UnitStatus.VACANT}
ORIENTATION_WORDS = {
    "南": Orientation.SOUTH, "朝南": Orientation.SOUTH, "南北": Orientation.NORTH_SOUTH,
    "南北通透": Orientation.NORTH_SOUTH, "东": Orientation.EAST, "西": Orientation.WEST,
    "北": Orientation.NORTH, "东南": Orientation.SOUTH_EAST, "西南": Orientation.SOUTH_WEST,
    "东北": Orientation.NORTH_EAST, "西北": Orientation.NORTH_WEST,
    "东西": Orientation.EAST_WEST, "东西通透": Orientation.EAST_WEST,
}
ROLE_WORDS = {"业主": UnitRole.OWNER, "产权人": UnitRole.OWNER, "co-owner": UnitRole.CO_OWNER,
              "coowner": UnitRole.CO_OWNER, "共有人": UnitRole.CO_OWNER,
              "共同产权人": UnitRole.CO_OWNER, "住户": UnitRole.RESIDENT,
              "家属": UnitRole.RESIDENT, "租户": UnitRole.RENTER, "tenant": UnitRole.RENTER}
GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
KIND_WORDS = {
    "物业公司": OrganizationKind.PROPERTY_COMPANY,
    "物业服务中心": OrganizationKind.MANAGEMENT_OFFICE,
    "管理处": OrganizationKind.MANAGEMENT_OFFICE, "物业管理处": OrganizationKind.MANAGEMENT_OFFICE,
    "开发商": OrganizationKind.DEVELOPER, "中介": OrganizationKind.AGENT,
    "经纪公司": OrganizationKind.AGENT, "商户": OrganizationKind.MERCHANT,
    "商家": OrganizationKind.MERCHANT, "装修公司": OrganizationKind.DECORATION_COMPANY,
}
CONTACT_ROLE_WORDS = {
    "法定代表人": ContactRole.LEGAL_REPRESENTATIVE, "法人": ContactRole.LEGAL_REPRESENTATIVE,
    "负责人": ContactRole.PERSON_IN_CHARGE, "员工": ContactRole.STAFF,
    "工作人员": ContactRole.STAFF, "职员": ContactRole.STAFF,
}

COMMUNITY_COLUMN = ImportColumn(
    "community", gettext_lazy("Community"), required=True, parser=text(200),
    aliases=("小区", "小区名称", "项目", "楼盘"), example="阳光花园",
    help_text=gettext_lazy("The community's name as in the directory. It must exist already "
                           "and be one you manage; the import does not create communities."),
)


def no_community(name: str) -> ValidationError:
    return ValidationError({"community": _(
        "There is no community “%(name)s” that you manage. Communities are not created by an "
        "import: add it first, or correct the name."
    ) % {"name": name}})


