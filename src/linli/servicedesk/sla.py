"""Due-time arithmetic of service clocks (SVC-3, SVC-7), without database access.

A clock runs in calendar minutes or hours, business hours (the tenant's business hours on
working days) or working days ("within 3 working days": due at the end of business of the
third working day after registration, per PLAT-4). Pauses push the due time by the clock time
that was left when the pause began, measured in the clock's own unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from linli.core.calendar.working import WorkingCalendar
from linli.servicedesk.choices import ClockUnit


@dataclass(frozen=True)
class ClockTimes:
    due_at: dt.datetime
    warn_at: dt.datetime


def _hours(amount: Decimal) -> dt.timedelta:
    return dt.timedelta(seconds=float(amount) * 3600)


WALL_CLOCK = frozenset({ClockUnit.CALENDAR_MINUTES, ClockUnit.CALENDAR_HOURS})


def due_time(calendar: WorkingCalendar, unit: str, amount: Decimal,
             start: dt.datetime) -> dt.datetime:
    if unit == ClockUnit.CALENDAR_MINUTES:
        return start + dt.timedelta(seconds=float(amount) * 60)
    if unit == ClockUnit.CALENDAR_HOURS:
        return start + _hours(amount)
    if unit == ClockUnit.BUSINESS_HOURS:
        return calendar.add_business_hours(start, _hours(amount))
    if unit == ClockUnit.WORKING_DAYS:
        days = int(amount)
        if days != amount:
            raise ValueError("working-day clocks take whole days")
        return calendar.end_of_business_on_nth_working_day(start, days)
    raise ValueError(f"unknown clock unit {unit!r}")


def elapsed(calendar: WorkingCalendar, unit: str, start: dt.datetime,
            end: dt.datetime) -> dt.timedelta:
    """Clock time between two instants: wall time, or business time for the other units."""
    if unit in WALL_CLOCK:
        return end - start
    return calendar.business_time_between(start, end)


def advance(calendar: WorkingCalendar, unit: str, start: dt.datetime,
            amount: dt.timedelta) -> dt.datetime:
    """The instant when ``amount`` of clock time has run from ``start``."""
    if amount <= dt.timedelta(0):
        return start
    if unit in WALL_CLOCK:
        return start + amount
    return calendar.add_business_hours(start, amount)


def clock_times(calendar: WorkingCalendar, unit: str, amount: Decimal, start: dt.datetime,
                warning_share: Decimal) -> ClockTimes:
    due = due_time(calendar, unit, amount, start)
    span = elapsed(calendar, unit, start, due)
    warn = advance(calendar, unit, start, span * float(warning_share))
    return ClockTimes(due_at=due, warn_at=min(warn, due))


def resumed(calendar: WorkingCalendar, unit: str, *, paused_since: dt.datetime,
            now: dt.datetime, due_at: dt.datetime, warn_at: dt.datetime) -> ClockTimes:
    """Due and warning times after a pause from ``paused_since`` to ``now``: what was left of
    each when the pause began now runs from ``now``."""
    left_due = elapsed(calendar, unit, paused_since, due_at)
    left_warn = elapsed(calendar, unit, paused_since, warn_at)
    due = advance(calendar, unit, now, left_due) if left_due > dt.timedelta(0) else due_at
    warn = advance(calendar, unit, now, left_warn) if left_warn > dt.timedelta(0) else warn_at
    return ClockTimes(due_at=due, warn_at=min(warn, due))
