"""Exact values of the calendar arithmetic across the 2026 Mid-Autumn / National Day holidays.

2026 per the official schedule (chinesecalendar): 09-20 (Sun) worked, 09-25…09-27 Mid-Autumn,
10-01…10-07 National Day, 10-10 (Sat) worked. No database is needed.
"""

import datetime as dt
from decimal import Decimal

import pytest

from linli.core.calendar.working import DayInfo
from tests.core.calendar.builders import WITH_LUNCH, local, make_calendar, utc

D = dt.date


@pytest.fixture
def cal():
    return make_calendar()


class TestDays:
    def test_official_2026_schedule(self, cal):
        assert cal.is_working_day(D(2026, 9, 20)) is True  # Sunday worked (调休)
        assert cal.is_working_day(D(2026, 9, 25)) is False  # Mid-Autumn
        assert cal.is_working_day(D(2026, 10, 1)) is False
        assert cal.is_working_day(D(2026, 10, 7)) is False
        assert cal.is_working_day(D(2026, 10, 8)) is True
        assert cal.is_working_day(D(2026, 10, 10)) is True  # Saturday worked (调休)
        assert cal.is_working_day(D(2026, 10, 11)) is False  # plain Sunday

    def test_add_working_days_over_national_day(self, cal):
        assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
        assert cal.add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
        assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
        assert cal.add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)

    def test_add_working_days_zero_and_negative(self, cal):
        assert cal.add_working_days(D(2026, 9, 30), 0) == D(2026, 9, 30)
        assert cal.add_working_days(D(2026, 10, 3), 0) == D(2026, 10, 8)
        assert cal.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
        assert cal.add_working_days(D(2026, 10, 12), -2) == D(2026, 10, 9)

    def test_add_working_days_from_a_holiday_counts_from_the_next_day(self, cal):
        assert cal.add_working_days(D(2026, 10, 3), 1) == D(2026, 10, 8)
        assert cal.add_working_days(D(2026, 9, 19), 1) == D(2026, 9, 20)

    def test_next_working_day(self, cal):
        assert cal.next_working_day(D(2026, 9, 19)) == D(2026, 9, 20)
        assert cal.next_working_day(D(2026, 9, 24)) == D(2026, 9, 28)
        assert cal.next_working_day(D(2026, 10, 9)) == D(2026, 10, 10)
        assert cal.next_working_day(D(2026, 10, 10)) == D(2026, 10, 12)

    def test_day_info(self, cal):
        assert cal.day_info(D(2026, 10, 1)) == DayInfo(
            D(2026, 10, 1), False, "holiday", "package", "国庆节")
        assert cal.day_info(D(2026, 10, 10)) == DayInfo(
            D(2026, 10, 10), True, "adjusted_workday", "package", "国庆节")
        assert cal.day_info(D(2026, 10, 11)) == DayInfo(
            D(2026, 10, 11), False, "weekend", "package", "")
        assert cal.day_info(D(2026, 10, 12)) == DayInfo(
            D(2026, 10, 12), True, "workday", "package", "")

    def test_a_datetime_is_not_a_date(self, cal):
        with pytest.raises(TypeError):
            cal.is_working_day(dt.datetime(2026, 10, 1, 9, 0))


class TestFallbackAndPrecedence:
    def test_a_year_the_package_does_not_know_falls_back_to_weekends(self, cal):
        assert 2027 not in cal.known_years
        assert cal.is_working_day(D(2027, 1, 1)) is True  # New Year's Day, a Friday
        assert cal.is_working_day(D(2027, 1, 2)) is False
        assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
        assert cal.day_info(D(2027, 1, 1)).source == "fallback"

    def test_tenant_override_beats_the_package(self):
        cal = make_calendar(tenant_days={D(2026, 10, 8): False, D(2026, 10, 1): True})
        assert cal.is_working_day(D(2026, 10, 8)) is False
        assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 1)
        assert cal.add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 9)
        assert cal.day_info(D(2026, 10, 1)).kind == "workday"
        assert cal.day_info(D(2026, 10, 1)).source == "tenant"

    def test_a_platform_year_replaces_the_package_and_tenant_beats_platform(self):
        cal = make_calendar(platform_days={D(2026, 10, 9): False}, platform_years={2026},
                            tenant_days={D(2026, 10, 12): False})
        # The package's holidays of 2026 no longer apply: the platform entered the year.
        assert cal.is_working_day(D(2026, 10, 1)) is True
        assert cal.is_working_day(D(2026, 10, 10)) is False
        assert cal.is_working_day(D(2026, 10, 9)) is False
        assert cal.is_working_day(D(2026, 10, 12)) is False
        assert cal.day_info(D(2026, 10, 5)).source == "platform"

    def test_platform_days_without_a_whole_year_sit_on_top_of_the_package(self):
        cal = make_calendar(platform_days={D(2026, 10, 9): False})
        assert cal.is_working_day(D(2026, 10, 1)) is False
        assert cal.is_working_day(D(2026, 10, 9)) is False
        assert cal.add_working_days(D(2026, 9, 30), 2) == D(2026, 10, 10)


class TestBusinessHours:
    def test_over_the_night(self, cal):
        assert cal.add_business_hours(local(2026, 10, 12, 17, 0), 1) == utc(2026, 10, 13, 1, 0)

    def test_over_the_holiday(self, cal):
        # 16:30 on 09-30: one hour that day, one hour on 10-08 from 08:30.
        assert cal.add_business_hours(local(2026, 9, 30, 16, 30), 2) == local(2026, 10, 8, 9, 30)

    def test_over_the_lunch_break(self):
        cal = make_calendar(hours=WITH_LUNCH)
        assert cal.add_business_hours(local(2026, 10, 9, 11, 0), 2) == local(2026, 10, 9, 14, 0)
        assert cal.add_business_hours(local(2026, 10, 9, 12, 15), 1) == local(2026, 10, 9, 14, 0)

    def test_into_the_worked_saturday(self, cal):
        assert cal.add_business_hours(local(2026, 10, 9, 17, 0), 1) == local(2026, 10, 10, 9, 0)

    def test_over_a_weekend(self, cal):
        assert cal.add_business_hours(local(2026, 10, 16, 17, 0), 1) == local(2026, 10, 19, 9, 0)

    def test_ending_exactly_at_closing_time_stays_there(self, cal):
        assert cal.add_business_hours(local(2026, 10, 9, 16, 30), 1) == local(2026, 10, 9, 17, 30)

    def test_zero_hours_outside_working_time_is_the_next_opening(self, cal):
        assert cal.add_business_hours(local(2026, 10, 3, 10, 0), 0) == local(2026, 10, 8, 8, 30)
        assert cal.add_business_hours(local(2026, 10, 8, 10, 0), 0) == local(2026, 10, 8, 10, 0)

    def test_amounts(self, cal):
        start = local(2026, 10, 8, 9, 0)
        assert cal.add_business_hours(start, dt.timedelta(minutes=90)) == local(2026, 10, 8, 10, 30)
        assert cal.add_business_hours(start, Decimal("1.5")) == local(2026, 10, 8, 10, 30)
        assert cal.add_business_hours(start, 1.5) == local(2026, 10, 8, 10, 30)
        assert cal.add_business_hours(start, 18) == local(2026, 10, 10, 9, 0)

    def test_results_are_utc(self, cal):
        result = cal.add_business_hours(local(2026, 10, 8, 9, 0), 1)
        assert result.tzinfo is dt.UTC
        assert result == utc(2026, 10, 8, 2, 0)

    def test_refusals(self, cal):
        with pytest.raises(ValueError):
            cal.add_business_hours(dt.datetime(2026, 10, 8, 9, 0), 1)  # naive
        with pytest.raises(ValueError):
            cal.add_business_hours(local(2026, 10, 8, 9, 0), -1)
        with pytest.raises(TypeError):
            cal.add_business_hours(local(2026, 10, 8, 9, 0), "1")

    def test_is_working_time(self):
        cal = make_calendar(hours=WITH_LUNCH)
        assert cal.is_working_time(local(2026, 10, 10, 9, 0)) is True
        assert cal.is_working_time(local(2026, 10, 11, 9, 0)) is False
        assert cal.is_working_time(local(2026, 10, 1, 9, 0)) is False
        assert cal.is_working_time(local(2026, 10, 8, 8, 29)) is False
        assert cal.is_working_time(local(2026, 10, 8, 8, 30)) is True
        assert cal.is_working_time(local(2026, 10, 8, 12, 30)) is False
        assert cal.is_working_time(local(2026, 10, 8, 17, 30)) is False

    def test_business_time_between(self, cal):
        # Fri 17:00 → Mon 09:00 with the worked Saturday in between: 0.5 + 9 + 0.5 hours.
        start, end = local(2026, 10, 9, 17, 0), local(2026, 10, 12, 9, 0)
        assert cal.business_time_between(start, end) == dt.timedelta(hours=10)
        assert cal.business_time_between(end, start) == -dt.timedelta(hours=10)
        assert cal.business_time_between(local(2026, 10, 1), local(2026, 10, 8)) == dt.timedelta(0)

    def test_business_time_between_skips_lunch(self):
        cal = make_calendar(hours=WITH_LUNCH)
        assert cal.business_time_between(
            local(2026, 10, 8, 11, 0), local(2026, 10, 8, 14, 0)
        ) == dt.timedelta(hours=2)

    def test_end_of_business_on_nth_working_day(self, cal):
        registered = local(2026, 9, 30, 10, 0)
        assert cal.end_of_business_on_nth_working_day(registered, 3) == utc(2026, 10, 10, 9, 30)
        assert cal.end_of_business_on_nth_working_day(registered, 0) == local(2026, 9, 30, 17, 30)
        # Registered late in the evening: the day of registration is still the local date.
        assert cal.end_of_business_on_nth_working_day(
            utc(2026, 9, 30, 15, 0), 1) == local(2026, 10, 8, 17, 30)
        with pytest.raises(ValueError):
            cal.end_of_business_on_nth_working_day(registered, -1)
