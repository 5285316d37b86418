"""Cell parsers for import columns: each takes a normalised, non-empty cell and returns the
clean value, or raises ValidationError with a message the user can act on.

A parser factory (``text(max_length=100)``) returns the parser, so columns read as
``ImportColumn("name", _("Name"), parser=text(100))``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from linli.core.exchange.readers import display

Parser = Callable[[Any], Any]

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
TRUE_WORDS = {"1", "y", "yes", "true", "是", "对", "√", "✓"}
FALSE_WORDS = {"0", "n", "no", "false", "否", "不", "×", "✗"}


def text(max_length: int | None = None) -> Parser:
    def parse(value: Any) -> str:
        result = display(value)
        if max_length is not None and len(result) > max_length:
            raise ValidationError(
                _("At most %(max)d characters (this has %(count)d).")
                % {"max": max_length, "count": len(result)}
            )
        return result

    return parse


def email() -> Parser:
    def parse(value: Any) -> str:
        result = display(value)
        try:
            validate_email(result)
        except ValidationError as exc:
            raise ValidationError(_("Enter a valid e-mail address.")) from exc
        local, _at, domain = result.rpartition("@")
        return f"{local}@{domain.lower()}"

    return parse


def integer(min_value: int | None = None, max_value: int | None = None) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a whole number."))
        if isinstance(value, int):
            result = value
        elif isinstance(value, Decimal) and value == value.to_integral_value():
            result = int(value)
        else:
            try:
                result = int(display(value).replace(",", ""))
            except ValueError as exc:
                raise ValidationError(_("Enter a whole number.")) from exc
        _check_range(result, min_value, max_value)
        return result

    return parse


def decimal(places: int = 2, min_value: Decimal | None = None,
            max_value: Decimal | None = None) -> Parser:
    def parse(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise ValidationError(_("Enter a number."))
        try:
            result = Decimal(display(value).replace(",", ""))
        except InvalidOperation as exc:
            raise ValidationError(_("Enter a number.")) from exc
        if not result.is_finite():
            raise ValidationError(_("Enter a number."))
        if result != result.quantize(Decimal(1).scaleb(-places)):
            raise ValidationError(
                _("At most %(places)d decimal places.") % {"places": places}
            )
        _check_range(result, min_value, max_value)
        return result

    return parse


def _check_range(value, min_value, max_value) -> None:
    if min_value is not None and value < min_value:
        raise ValidationError(_("Enter %(min)s or more.") % {"min": min_value})
    if max_value is not None and value > max_value:
        raise ValidationError(_("Enter %(max)s or less.") % {"max": max_value})


def date() -> Parser:
    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        typed = display(value)
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(typed, fmt).date()
            except ValueError:
                continue
        raise ValidationError(_("Enter a date such as 2026-03-01."))

    return parse


def boolean() -> Parser:
    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = display(value).casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Enter yes or no (是 / 否)."))

    return parse


def choice(choices: Iterable[tuple[str, Any]]) -> Parser:
    """Accepts a choice's value or its label in any of the site's languages."""
    pairs = list(choices)

    def parse(value: Any) -> str:
        typed = display(value).casefold()
        for key, label in pairs:
            if typed == str(key).casefold() or typed in _labels(label):
                return key
        raise ValidationError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(str(lb) for _k, lb in pairs)}
        )

    return parse


def _labels(label) -> set[str]:
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(str(label).casefold())
    return names
