"""Phone numbers: normalise what people type to E.164 and show it back (PLAT-8, PLAT-9).

Stored phones are always E.164 ("+8613812341234"); mainland numbers may be typed with spaces,
dashes, brackets, full-width digits, a +86 / 0086 prefix, or as landlines with their area code
("010-12345678", "0755 8888 8888").
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# What may appear in a typed phone number besides digits; letters (vanity numbers) are refused.
_SEPARATORS = re.compile(r"[\s\-–—.()（）/]")
_ALLOWED = re.compile(r"\+?\d+")
# Numbers shorter than this cannot be a full phone number anywhere in the world.
_MIN_DIGITS = 5


def _clean(raw: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or "").strip())


def parse_phone(raw: str, region: str = "CN") -> phonenumbers.PhoneNumber | None:
    """The parsed number when ``raw`` is a valid phone number, else None."""
    cleaned = _clean(raw)
    if not _ALLOWED.fullmatch(cleaned) or len(cleaned.lstrip("+")) < _MIN_DIGITS:
        return None
    candidates = [cleaned]
    if not cleaned.startswith("+") and cleaned.startswith("86") and len(cleaned) == 13:
        # "8613812341234": the country code typed without + or 00.
        candidates.append("+" + cleaned)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def normalize_phone(raw: str, region: str = "CN") -> str:
    """``raw`` as E.164, or ValidationError with a message the user can act on."""
    cleaned = _clean(raw)
    if not cleaned:
        raise ValidationError(_("Enter a phone number."), code="required")
    if not _ALLOWED.fullmatch(cleaned):
        raise ValidationError(
            _("A phone number may contain only digits, spaces, dashes and a leading +."),
            code="invalid_characters",
        )
    e164 = _e164(cleaned, region)
    if e164 is None:
        raise ValidationError(
            _("“%(value)s” is not a valid phone number. Enter an 11-digit mobile number or a "
              "landline with its area code, e.g. 010-12345678.") % {"value": raw.strip()},
            code="invalid",
        )
    return e164


# An import normalises each number several times (the cell, then the person's phones as
# E.164, again at confirmation); parsing is the costly part and its answer never changes.
# Keyed by what was typed and by the E.164 answer itself; emptied when full.
_E164_CACHE: dict[tuple[str, str], str | None] = {}
_E164_CACHE_SIZE = 8192


def _metadata_pattern(desc) -> re.Pattern:
    return re.compile(desc.national_number_pattern)


# A mainland mobile number as typed most of the time (11 digits, maybe after +86 or 0086),
# checked against the very patterns of phonenumbers' own metadata that ``is_valid_number``
# applies to it: the same answer without a parse, which is most of an import's checking time.
_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
_CN_NUMBER = _metadata_pattern(_CN.general_desc)
_CN_MOBILE = _metadata_pattern(_CN.mobile)
_CN_TYPED_MOBILE = re.compile(r"(?:\+86|0086)?(1\d{10})")


def _mainland_mobile(cleaned: str, region: str) -> str | None:
    """E.164 of a valid mainland mobile number typed plainly; None: ask phonenumbers."""
    if region != "CN":
        return None
    typed = _CN_TYPED_MOBILE.fullmatch(cleaned)
    if typed is None:
        return None
    national = typed.group(1)
    if _CN_NUMBER.fullmatch(national) and _CN_MOBILE.fullmatch(national):
        return "+86" + national
    return None


def _e164(cleaned: str, region: str) -> str | None:
    mobile = _mainland_mobile(cleaned, region)
    if mobile is not None:
        return mobile
    key = (cleaned, region)
    if key in _E164_CACHE:
        return _E164_CACHE[key]
    number = parse_phone(cleaned, region)
    e164 = None if number is None else phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164)
    if len(_E164_CACHE) >= _E164_CACHE_SIZE:
        _E164_CACHE.clear()
    _E164_CACHE[key] = e164
    if e164 is not None:
        _E164_CACHE[(e164, region)] = e164
    return e164


def last4(e164: str) -> str:
    """The last four digits, the way callers identify themselves on the phone."""
    digits = re.sub(r"\D", "", e164 or "")
    return digits[-4:]


def display_phone(e164: str) -> str:
    """National format for mainland numbers ("138 1234 1234", "010 1234 5678"), international
    format otherwise; a value that is not a phone number is shown as stored."""
    if not e164:
        return ""
    number = parse_phone(e164)
    if number is None:
        return e164
    if number.country_code == 86:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
