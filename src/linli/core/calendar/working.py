"""Working-day and business-hour arithmetic for one tenant (PLAT-4), without database access.

A ``WorkingCalendar`` holds the tenant's overrides, the platform's days and the package's
official schedule as dictionaries, so every call is a few dictionary lookups: it is used on
hot paths such as computing due times for many work orders. Build one with
``linli.core.calendar.selectors.calendar_for(tenant_id)``, which caches it per process.

Instants go in and come out as aware datetimes in UTC; days are decided in the calendar's
local time zone (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.db import models
from django.utils.translation import gettext_lazy as _

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
ZERO = dt.timedelta(0)


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("Working day")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Holiday")
    ADJUSTED_WORKDAY = "adjusted_workday", _("Adjusted working day")


class DaySource(models.TextChoices):
    TENANT = "tenant", _("Your organisation")
    PLATFORM = "platform", _("Platform schedule")
    PACKAGE = "package", _("Official calendar (built in)")
    FALLBACK = "fallback", _("No official schedule: weekends only")


@dataclass(frozen=True, slots=True)
class DayEntry:
    """What one source says about one date."""

    is_working: bool
    note: str
    source: str


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    is_working_day: bool
    kind: str
    source: str
    note: str

    def get_kind_display(self) -> str:
        return DayKind(self.kind).label

    def get_source_display(self) -> str:
        return DaySource(self.source).label


@dataclass(frozen=True)
class WorkingHours:
    day_start: dt.time
    day_end: dt.time
    lunch_start: dt.time | None = None
    lunch_end: dt.time | None = None

    @property
    def periods(self) -> tuple[tuple[dt.time, dt.time], ...]:
        if self.lunch_start is None or self.lunch_end is None:
            return ((self.day_start, self.day_end),)
        return ((self.day_start, self.lunch_start), (self.lunch_end, self.day_end))


def _package_days() -> dict[dt.date, DayEntry]:
    def chinese(name: str) -> str:
        try:
            return Holiday(name).chinese
        except ValueError:
            return name

    days = {
        day: DayEntry(False, chinese(name), DaySource.PACKAGE)
        for day, name in chinese_calendar.holidays.items()
    }
    days.update({
        day: DayEntry(True, chinese(name), DaySource.PACKAGE)
        for day, name in chinese_calendar.workdays.items()
    })
    return days


PACKAGE_DAYS: Mapping[dt.date, DayEntry] = _package_days()
# The package raises for any year it has no notice for; these are the years it does know.
PACKAGE_YEARS: frozenset[int] = frozenset(day.year for day in chinese_calendar.holidays)


def _as_timedelta(amount) -> dt.timedelta:
    if isinstance(amount, dt.timedelta):
        return amount
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise TypeError("business hours must be a number of hours or a timedelta")
    return dt.timedelta(seconds=float(Decimal(str(amount)) * 3600))


def _require_date(day) -> None:
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError("pass a datetime.date (for an instant use the *_time/*_hours methods)")


def _require_aware(at) -> None:
    if not isinstance(at, dt.datetime) or at.utcoffset() is None:
        raise ValueError("pass an aware datetime")


class WorkingCalendar:
    """The working days and business hours of one tenant.

    Precedence for a date: the tenant's override, then the platform's day, then (unless the
    platform entered that whole year, which replaces the package) the package, then the
    weekday rule. ``tenant_years`` and ``platform_years`` are the years whose schedule was
    entered; with ``PACKAGE_YEARS`` they make the known years.
    """

    def __init__(
        self, *, tenant_days: Mapping[dt.date, DayEntry], platform_days: Mapping[dt.date, DayEntry],
        tenant_years: frozenset[int], platform_years: frozenset[int], hours: WorkingHours,
        time_zone: str = "Asia/Shanghai",
    ) -> None:
        self.tenant_days = tenant_days
        self.platform_days = platform_days
        self.tenant_years = tenant_years
        self.platform_years = platform_years
        self.hours = hours
        self.tz = ZoneInfo(time_zone)
        self.known_years = PACKAGE_YEARS | platform_years | tenant_years
        # Answers per date, filled as dates are asked for: hot paths ask about the same few
        # hundred dates again and again, and a calendar object never changes.
        self._working_memo: dict[dt.date, bool] = {}
        self._periods_memo: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = {}

    # --- days -------------------------------------------------------------------------------

    def _entry(self, day: dt.date) -> DayEntry | None:
        entry = self.tenant_days.get(day)
        if entry is None:
            entry = self.platform_days.get(day)
            if entry is None and day.year not in self.platform_years:
                entry = PACKAGE_DAYS.get(day)
        return entry

    def _is_working(self, day: dt.date) -> bool:
        working = self._working_memo.get(day)
        if working is None:
            entry = self._entry(day)
            working = entry.is_working if entry is not None else day.weekday() < 5
            self._working_memo[day] = working
        return working

    def is_working_day(self, day: dt.date) -> bool:
        _require_date(day)
        return self._is_working(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        _require_date(day)
        day += ONE_DAY
        while not self._is_working(day):
            day += ONE_DAY
        return day

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (before it when n is negative); with n == 0,
        ``day`` itself if it is a working day, else the next working day."""
        _require_date(day)
        if n == 0:
            return day if self._is_working(day) else self.next_working_day(day)
        step = ONE_DAY if n > 0 else -ONE_DAY
        remaining = abs(n)
        while remaining:
            day += step
            if self._is_working(day):
                remaining -= 1
        return day

    def day_info(self, day: dt.date) -> DayInfo:
        _require_date(day)
        entry = self._entry(day)
        weekend = day.weekday() >= 5
        if entry is None:
            working, note, source = not weekend, "", self._year_source(day.year)
        else:
            working, note, source = entry.is_working, entry.note, entry.source
        if working:
            kind = DayKind.ADJUSTED_WORKDAY if weekend else DayKind.WORKDAY
        else:
            kind = DayKind.HOLIDAY if entry is not None else DayKind.WEEKEND
        return DayInfo(day, working, str(kind), str(source), note)

    def days(self, start: dt.date, end: dt.date) -> list[DayInfo]:
        """Every day from ``start`` to ``end`` inclusive."""
        result = []
        day = start
        while day <= end:
            result.append(self.day_info(day))
            day += ONE_DAY
        return result

    def _year_source(self, year: int) -> str:
        if year in self.tenant_years:
            return DaySource.TENANT
        if year in self.platform_years:
            return DaySource.PLATFORM
        if year in PACKAGE_YEARS:
            return DaySource.PACKAGE
        return DaySource.FALLBACK

    # --- business hours ---------------------------------------------------------------------

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of ``day`` as UTC instants (none on a day off)."""
        periods = self._periods_memo.get(day)
        if periods is None:
            tz = self.tz
            periods = [
                (dt.datetime.combine(day, start, tz).astimezone(UTC),
                 dt.datetime.combine(day, end, tz).astimezone(UTC))
                for start, end in self.hours.periods
            ] if self._is_working(day) else []
            self._periods_memo[day] = periods
        return periods

    def _local_date(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.tz).date()

    def is_working_time(self, at: dt.datetime) -> bool:
        """Inside a working period (its start included, its end not)."""
        _require_aware(at)
        return any(start <= at < end for start, end in self._periods(self._local_date(at)))

    def add_business_hours(self, at: dt.datetime, amount) -> dt.datetime:
        """The instant when ``amount`` (hours as a number, or a timedelta) of business time
        has passed since ``at``. Nights, lunch breaks and days off do not count. When the
        time runs out exactly at the end of a period, that end is the answer (17:30, not the
        next morning); zero from outside working time is the next period's start."""
        _require_aware(at)
        remaining = _as_timedelta(amount)
        if remaining < ZERO:
            raise ValueError("business hours to add must not be negative")
        cursor = at.astimezone(UTC)
        day = self._local_date(cursor)
        while True:
            for start, end in self._periods(day):
                if end <= cursor:
                    continue
                begin = max(start, cursor)
                available = end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += ONE_DAY

    def business_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Business time from ``start`` to ``end`` (negative when ``end`` comes first)."""
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.business_time_between(end, start)
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = ZERO
        day, last = self._local_date(start), self._local_date(end)
        while day <= last:
            for period_start, period_end in self._periods(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > ZERO:
                    total += overlap
            day += ONE_DAY
        return total

    def end_of_business_on_nth_working_day(self, at: dt.datetime, n: int) -> dt.datetime:
        """The end of business of the n-th working day after the local day of ``at`` (n == 0:
        that day if it is a working day, else the next one), e.g. "within 3 working days"."""
        _require_aware(at)
        if n < 0:
            raise ValueError("n must not be negative")
        day = self.add_working_days(self._local_date(at), n)
        return dt.datetime.combine(day, self.hours.day_end, self.tz).astimezone(UTC)
