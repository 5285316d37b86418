"""Reads of the working calendar (PLAT-4).

``calendar_for(tenant_id)`` is the entry point for other modules: it returns a
``WorkingCalendar`` kept in memory per process. A cached calendar is trusted for
``LINLI_CALENDAR_RECHECK_SECONDS`` (default 5); after that one small query compares the
revision tokens that every calendar write changes, and the calendar is rebuilt only when they
differ. Writes in this process drop the cached calendars at once.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import datetime as dt
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.calendar.models import (
    DEFAULT_DAY_END,
    DEFAULT_DAY_START,
    BusinessHours,
    CalendarDay,
    CalendarDayKind,
    CalendarRevision,
    CalendarYear,
    CalendarYearSource,
    PlatformCalendarDay,
)
from linli.core.calendar.working import (
    PACKAGE_YEARS,
    DayEntry,
    DayInfo,
    DaySource,
    WorkingCalendar,
    WorkingHours,
)
from linli.core.modules import ShellWarning

PLATFORM_KEY = "platform"
VIEW_PERMISSION = "core.view_calendarday"
CHANGE_PERMISSION = "core.change_calendarday"


def revision_key(tenant_id: int | None) -> str:
    return PLATFORM_KEY if tenant_id is None else f"tenant:{tenant_id}"


def _time_zone() -> str:
    return getattr(settings, "LINLI_CALENDAR_TIME_ZONE", "Asia/Shanghai")


def _recheck_seconds() -> float:
    return float(getattr(settings, "LINLI_CALENDAR_RECHECK_SECONDS", 5))


# --- the per-process cache ------------------------------------------------------------------

@dataclass
class _Cached:
    calendar: WorkingCalendar
    revision: tuple[str, str]
    checked_at: float


@dataclass
class _PlatformLayer:
    days: dict[dt.date, DayEntry]
    years: frozenset[int]
    token: str


_lock = threading.Lock()
_calendars: dict[int, _Cached] = {}
_platform: list[_PlatformLayer] = []  # zero or one layer, shared by every tenant's calendar


def forget_calendars(tenant_id: int | None = None) -> None:
    """Drop cached calendars: one tenant's, or all of them (``None``: platform data changed)."""
    with _lock:
        if tenant_id is None:
            _calendars.clear()
            _platform.clear()
        else:
            _calendars.pop(tenant_id, None)


def _revision(tenant_id: int) -> tuple[str, str]:
    tokens = dict(
        CalendarRevision.objects.filter(
            key__in=[PLATFORM_KEY, revision_key(tenant_id)]
        ).values_list("key", "token")
    )
    return tokens.get(PLATFORM_KEY, ""), tokens.get(revision_key(tenant_id), "")


def calendar_for(tenant_id: int) -> WorkingCalendar:
    """The working calendar of a tenant, built once and shared by every caller in the process."""
    now = time.monotonic()
    cached = _calendars.get(tenant_id)
    if cached is not None and now - cached.checked_at < _recheck_seconds():
        return cached.calendar
    revision = _revision(tenant_id)
    if cached is not None and cached.revision == revision:
        cached.checked_at = now
        return cached.calendar
    working = _build(tenant_id, platform_token=revision[0])
    with _lock:
        _calendars[tenant_id] = _Cached(working, revision, now)
    return working


def _platform_layer(token: str) -> _PlatformLayer:
    layer = _platform[0] if _platform else None
    if layer is not None and layer.token == token:
        return layer
    days = {
        day: DayEntry(kind == CalendarDayKind.WORKING_DAY, note, DaySource.PLATFORM)
        for day, kind, note in PlatformCalendarDay.objects.values_list("date", "kind", "note")
    }
    years = frozenset(
        CalendarYear.objects.filter(tenant__isnull=True).values_list("year", flat=True)
    )
    layer = _PlatformLayer(days, years, token)
    with _lock:
        _platform[:] = [layer]
    return layer


def _build(tenant_id: int, *, platform_token: str) -> WorkingCalendar:
    platform = _platform_layer(platform_token)
    tenant_days = {
        day: DayEntry(kind == CalendarDayKind.WORKING_DAY, note, DaySource.TENANT)
        for day, kind, note in CalendarDay.objects.filter(tenant_id=tenant_id).values_list(
            "date", "kind", "note"
        )
    }
    tenant_years = frozenset(
        CalendarYear.objects.filter(tenant_id=tenant_id).values_list("year", flat=True)
    )
    return WorkingCalendar(
        tenant_days=tenant_days, platform_days=platform.days, tenant_years=tenant_years,
        platform_years=platform.years, hours=business_hours_for(tenant_id),
        time_zone=_time_zone(),
    )


# --- business hours -------------------------------------------------------------------------

def business_hours_row(tenant_id: int) -> BusinessHours | None:
    return BusinessHours.objects.filter(tenant_id=tenant_id).first()


def business_hours_for(tenant_id: int) -> WorkingHours:
    row = business_hours_row(tenant_id)
    if row is None:
        return WorkingHours(DEFAULT_DAY_START, DEFAULT_DAY_END)
    return WorkingHours(row.day_start, row.day_end, row.lunch_start, row.lunch_end)


# --- days, months, overrides ----------------------------------------------------------------

def calendar_days(tenant_id: int, start: dt.date, end: dt.date) -> list[DayInfo]:
    return calendar_for(tenant_id).days(start, end)


@dataclass(frozen=True)
class MonthCell:
    info: DayInfo
    in_month: bool
    is_today: bool


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[MonthCell]]
    working_days: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)


def calendar_month(tenant_id: int, year: int, month: int, today: dt.date | None = None
                   ) -> MonthGrid:
    """Whole weeks (Monday first) covering the month, for the month view."""
    today = today or timezone.localdate()
    weeks_of_dates = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    working = calendar_for(tenant_id)
    weeks = [
        [MonthCell(working.day_info(day), day.month == month, day == today) for day in week]
        for week in weeks_of_dates
    ]
    count = sum(
        1 for week in weeks for cell in week if cell.in_month and cell.info.is_working_day
    )
    return MonthGrid(year, month, weeks, count)


def override_list(user):
    """The user's tenant's own overrides, by date."""
    return CalendarDay.objects.restrict(user, "view").order_by("date")


def override_get(user, day: dt.date, action: str = "view") -> CalendarDay:
    return get_object_or_404(CalendarDay.objects.restrict(user, action), date=day)


def override_find(user, day: dt.date) -> CalendarDay | None:
    return CalendarDay.objects.restrict(user, "view").filter(date=day).first()


def platform_day_list():
    """The platform's days (shown to platform administrators only)."""
    return PlatformCalendarDay.objects.order_by("date")


def platform_day_get(day: dt.date) -> PlatformCalendarDay:
    return get_object_or_404(PlatformCalendarDay, date=day)


def platform_day_find(day: dt.date) -> PlatformCalendarDay | None:
    return PlatformCalendarDay.objects.filter(date=day).first()


# --- years and warnings ---------------------------------------------------------------------

@dataclass(frozen=True)
class YearStatus:
    year: int
    platform_source: str | None  # the platform's CalendarYear source, or "package", or None
    tenant_source: str | None

    @property
    def is_known(self) -> bool:
        return self.platform_source is not None or self.tenant_source is not None

    def platform_source_display(self) -> str:
        return CalendarYearSource(self.platform_source).label if self.platform_source else ""

    def tenant_source_display(self) -> str:
        return CalendarYearSource(self.tenant_source).label if self.tenant_source else ""


def year_statuses(tenant_id: int, years: list[int]) -> list[YearStatus]:
    """Who entered the schedule of each year: the platform (its import, by hand, or the
    built-in package) and/or the tenant itself."""
    platform = dict(
        CalendarYear.objects.filter(tenant__isnull=True, year__in=years)
        .values_list("year", "source")
    )
    own = dict(
        CalendarYear.objects.filter(tenant_id=tenant_id, year__in=years)
        .values_list("year", "source")
    )
    statuses = []
    for year in sorted(years):
        platform_source = platform.get(year)
        if platform_source is None and year in PACKAGE_YEARS:
            platform_source = CalendarYearSource.PACKAGE.value
        statuses.append(YearStatus(year, platform_source, own.get(year)))
    return statuses


def unknown_years(tenant, horizon: int = 1, today: dt.date | None = None) -> list[int]:
    """This year and the next ``horizon`` years that have no official schedule for the tenant
    (their days fall back to plain weekends)."""
    tenant_id = getattr(tenant, "pk", tenant)
    this_year = (today or timezone.localdate()).year
    known = calendar_for(tenant_id).known_years
    return [y for y in range(this_year, this_year + horizon + 1) if y not in known]


def calendar_warnings(user, today: dt.date | None = None) -> list[ShellWarning]:
    """Warnings for the people who maintain the calendar: a year without an official schedule.

    The current year is always reported; the next one from the month set by
    ``LINLI_CALENDAR_WARN_NEXT_YEAR_FROM_MONTH`` (default 10: the State Council publishes the
    next year's schedule in the autumn, so earlier there is nothing an administrator can do).
    """
    if not getattr(user, "is_authenticated", False) or user.tenant_id is None:
        return []
    if not (user.is_superuser or user.has_perm(CHANGE_PERMISSION)):
        return []
    today = today or timezone.localdate()
    from_month = int(getattr(settings, "LINLI_CALENDAR_WARN_NEXT_YEAR_FROM_MONTH", 10))
    url = reverse("calendar:import")
    warnings = []
    for year in unknown_years(user.tenant_id, horizon=1, today=today):
        if year > today.year and today.month < from_month:
            continue
        warnings.append(ShellWarning(
            _("The working calendar has no official holiday schedule for %(year)d; until it "
              "is imported, only weekends count as days off.") % {"year": year},
            url=url,
        ))
    return warnings
