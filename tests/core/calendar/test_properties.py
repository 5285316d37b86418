"""Properties of the calendar arithmetic, over the official years, the fallback year 2027 and
random tenant overrides."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.calendar.builders import NO_LUNCH, SHANGHAI, WITH_LUNCH, make_calendar

FIRST, LAST = dt.date(2024, 1, 1), dt.date(2027, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)
overrides = st.dictionaries(dates, st.booleans(), max_size=30)
counts = st.integers(min_value=0, max_value=60)
hours_options = st.sampled_from([NO_LUNCH, WITH_LUNCH])
instants = st.datetimes(
    min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2027, 12, 31),
    timezones=st.just(SHANGHAI),
)
durations = st.integers(min_value=0, max_value=60 * 200).map(lambda m: dt.timedelta(minutes=m))


@given(overrides, dates, counts)
def test_add_working_days_lands_on_a_working_day(tenant_days, day, n):
    cal = make_calendar(tenant_days=tenant_days)
    assert cal.is_working_day(cal.add_working_days(day, n))


@given(overrides, dates, counts)
def test_add_working_days_is_monotonic_in_n(tenant_days, day, n):
    cal = make_calendar(tenant_days=tenant_days)
    assert cal.add_working_days(day, n) <= cal.add_working_days(day, n + 1)
    assert cal.add_working_days(day, -n) >= cal.add_working_days(day, -n - 1)


@given(overrides, dates, counts, counts)
def test_add_working_days_adds_up_from_a_working_day(tenant_days, day, a, b):
    cal = make_calendar(tenant_days=tenant_days)
    start = cal.add_working_days(day, 0)  # a working day
    assert cal.add_working_days(cal.add_working_days(start, a), b) == cal.add_working_days(
        start, a + b)
    assert cal.add_working_days(cal.add_working_days(start, a), -a) == start


@given(overrides, dates, st.integers(min_value=1, max_value=60))
def test_exactly_n_working_days_lie_between(tenant_days, day, n):
    cal = make_calendar(tenant_days=tenant_days)
    result = cal.add_working_days(day, n)
    between = [day + dt.timedelta(days=i) for i in range(1, (result - day).days + 1)]
    assert sum(cal.is_working_day(d) for d in between) == n


@settings(max_examples=200)
@given(overrides, hours_options, instants, durations)
def test_add_business_hours_ends_in_working_time_and_measures_back(tenant_days, hours, start,
                                                                   duration):
    cal = make_calendar(tenant_days=tenant_days, hours=hours)
    result = cal.add_business_hours(start, duration)
    assert result >= start
    local = result.astimezone(SHANGHAI)
    period_ends = {end for _, end in hours.periods}
    assert cal.is_working_time(result) or (
        cal.is_working_day(local.date()) and local.time() in period_ends
    )
    assert cal.business_time_between(start, result) == duration


@given(overrides, hours_options, instants, durations, durations)
def test_business_hours_add_up(tenant_days, hours, start, a, b):
    cal = make_calendar(tenant_days=tenant_days, hours=hours)
    assert cal.business_time_between(start, cal.add_business_hours(start, a + b)) == a + b
    middle = cal.add_business_hours(start, a)
    if b:
        assert cal.add_business_hours(middle, b) == cal.add_business_hours(start, a + b)
