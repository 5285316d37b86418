"""Masked forms of personal data (PLAT-9): what a viewer without the reveal permission sees.

Masking happens on the server before a value reaches a template or an API answer, so the raw
value never travels to a browser that may not show it.
"""

from __future__ import annotations

import re

import phonenumbers

from linli.core.personal_data.phones import parse_phone

MASK = "*"
KINDS = ("phone", "id", "name")
# A stored mainland mobile: masked without parsing, as it is shown on every list and search.
_MAINLAND_MOBILE = re.compile(r"\+86(1\d{10})")


def _keep_last4(digits: str, keep_first: int = 0) -> str:
    if len(digits) <= 4 + keep_first:
        return MASK * len(digits)
    return digits[:keep_first] + MASK * (len(digits) - 4 - keep_first) + digits[-4:]


def mask_phone(value: str) -> str:
    """"+8613812341234" → "138****1234"; "+861012345678" → "010-****5678" (area code kept)."""
    if not value:
        return ""
    mobile = _MAINLAND_MOBILE.fullmatch(value)
    if mobile:
        return _keep_last4(mobile.group(1), keep_first=3)
    number = parse_phone(value)
    if number is None:
        # Legacy text that is not a valid number still must not leak; keep only the last 4.
        return _keep_last4(re.sub(r"\D", "", value))
    national = phonenumbers.national_significant_number(number)
    if number.country_code != 86:
        return f"+{number.country_code} {_keep_last4(national)}"
    area_length = phonenumbers.length_of_geographical_area_code(number)
    if area_length:
        area, subscriber = national[:area_length], national[area_length:]
        return f"0{area}-{_keep_last4(subscriber)}"
    return _keep_last4(national, keep_first=3)


def mask_id(value: str) -> str:
    """"110101199003071234" → "110***********1234": the region prefix and the last 4 stay."""
    value = (value or "").strip()
    if len(value) <= 7:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """"张三" → "张*", "欧阳娜娜" → "欧***"; Latin names keep each word's first letter."""
    value = (value or "").strip()
    if not value:
        return ""
    if " " in value:
        return " ".join(word[0] + MASK * (len(word) - 1) for word in value.split())
    return value[0] + MASK * (len(value) - 1)


_MASKERS = {"phone": mask_phone, "id": mask_id, "name": mask_name}


def mask_value(value: str, kind: str) -> str:
    return _MASKERS[kind](value)
