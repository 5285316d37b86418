"""Calendars and instants for the calendar tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from linli.core.calendar.working import DayEntry, DaySource, WorkingCalendar, WorkingHours

SHANGHAI = ZoneInfo("Asia/Shanghai")
NO_LUNCH = WorkingHours(dt.time(8, 30), dt.time(17, 30))
WITH_LUNCH = WorkingHours(dt.time(8, 30), dt.time(17, 30), dt.time(12, 0), dt.time(13, 0))


def local(year, month, day, hour=0, minute=0) -> dt.datetime:
    """An instant given in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def utc(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


def make_calendar(*, hours: WorkingHours = NO_LUNCH, tenant_days: dict | None = None,
                  platform_days: dict | None = None, platform_years=(), tenant_years=()
                  ) -> WorkingCalendar:
    """``tenant_days``/``platform_days``: {date: True (working) / False (day off)}."""
    def entries(days, source):
        return {day: DayEntry(working, "", source) for day, working in (days or {}).items()}

    return WorkingCalendar(
        tenant_days=entries(tenant_days, DaySource.TENANT),
        platform_days=entries(platform_days, DaySource.PLATFORM),
        tenant_years=frozenset(tenant_years), platform_years=frozenset(platform_years),
        hours=hours,
    )
