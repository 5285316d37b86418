"""The text format of a year's schedule, and its parser (PLAT-4).

One day per line: ``date,kind,note`` — the date as YYYY-MM-DD, the kind ``holiday`` (also
``休``) or ``working_day`` (also ``班``), and an optional note. Blank lines and lines starting
with ``#`` are ignored, as is a header line ``date,kind,note``. Example::

    # 2027 official schedule
    2027-01-01,holiday,元旦
    2027-02-07,working_day,春节调休
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from linli.core.calendar.models import CalendarDayKind

MAX_LINES = 5000
MAX_NOTE_LENGTH = 200
FIRST_YEAR = 2000
LAST_YEAR = 2100

KIND_ALIASES = {
    "holiday": CalendarDayKind.HOLIDAY,
    "休": CalendarDayKind.HOLIDAY,
    "working_day": CalendarDayKind.WORKING_DAY,
    "workday": CalendarDayKind.WORKING_DAY,
    "班": CalendarDayKind.WORKING_DAY,
}
HEADER = ("date", "kind")


@dataclass(frozen=True)
class ScheduleLine:
    line: int
    date: dt.date
    kind: str
    note: str


@dataclass
class ParsedSchedule:
    lines: list[ScheduleLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({entry.date.year for entry in self.lines})

    def error_messages(self) -> list[str]:
        return [
            _("Line %(line)d: %(reason)s") % {"line": line, "reason": reason}
            for line, reason in self.errors
        ]


def parse_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date inside the supported range, else None."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    if len(text.strip()) != 10 or not (FIRST_YEAR <= day.year <= LAST_YEAR):
        return None
    return day


def parse_schedule(text: str) -> ParsedSchedule:
    """Every line parsed; any problem is reported with its line number and nothing is lost."""
    result = ParsedSchedule()
    rows = text.splitlines()
    if len(rows) > MAX_LINES:
        result.errors.append(
            (MAX_LINES + 1, _("The file has more than %(max)d lines.") % {"max": MAX_LINES})
        )
        return result
    seen: dict[dt.date, int] = {}
    header_line = _first_content_line(rows)
    for number, raw in enumerate(rows, start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in next(csv.reader([line], skipinitialspace=True))]
        if number == header_line and tuple(f.lower() for f in fields[:2]) == HEADER:
            continue
        checked = _check_line(fields, seen, number)
        if isinstance(checked, str):
            result.errors.append((number, checked))
        else:
            result.lines.append(checked)
            seen[checked.date] = number
    if not result.lines and not result.errors:
        result.errors.append((1, _("The schedule has no days.")))
    return result


def _first_content_line(rows: list[str]) -> int:
    for number, raw in enumerate(rows, start=1):
        line = raw.strip().lstrip("\ufeff")
        if line and not line.startswith("#"):
            return number
    return 0


def _check_line(fields: list[str], seen: dict[dt.date, int], number: int) -> ScheduleLine | str:
    if len(fields) < 2:
        return _("Expected date,kind,note (for example 2027-01-01,holiday,元旦).")
    day = parse_date(fields[0])
    if day is None:
        return _("“%(value)s” is not a date like 2027-01-01 between %(first)d and %(last)d.") % {
            "value": fields[0], "first": FIRST_YEAR, "last": LAST_YEAR,
        }
    kind = KIND_ALIASES.get(fields[1].lower())
    if kind is None:
        return _("“%(value)s” is not a kind; use holiday or working_day.") % {"value": fields[1]}
    # A note may itself contain commas when it is not quoted.
    note = ",".join(fields[2:]).strip()
    if len(note) > MAX_NOTE_LENGTH:
        return _("The note is longer than %(max)d characters.") % {"max": MAX_NOTE_LENGTH}
    if day in seen:
        return _("%(date)s is already listed on line %(line)d.") % {
            "date": day.isoformat(), "line": seen[day],
        }
    return ScheduleLine(number, day, str(kind), note)
