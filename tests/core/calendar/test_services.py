"""Services and selectors of the working calendar, against the database."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.calendar import selectors, services
from linli.core.calendar.models import (
    BusinessHours,
    CalendarDay,
    CalendarYear,
    PlatformCalendarDay,
)
from linli.core.modules import ShellWarning, warnings_for
from linli.core.request_context import Channel
from tests.builders import make_user
from tests.core.calendar.builders import local

D = dt.date
CHANGE = ["core.view_calendarday", "core.change_calendarday"]
SCHEDULE_2027 = """\
# 2027 official schedule (excerpt)
date,kind,note
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,working_day,春节调休
2027-02-08,休,春节
"""


@pytest.fixture
def editor(world):
    return make_user(world.tenant, perms=CHANGE)


@pytest.fixture
def viewer(world):
    return make_user(world.tenant, perms=["core.view_calendarday"])


@pytest.fixture
def platform_admin(world):
    return make_user(world.tenant, superuser=True)


@pytest.fixture
def outsider(world):
    return make_user(world.other_tenant, perms=CHANGE)


class TestOverrides:
    def test_tenant_override_beats_the_package(self, world, editor):
        assert selectors.calendar_for(world.tenant.pk).add_working_days(
            D(2026, 9, 30), 1) == D(2026, 10, 8)
        services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2026, 10, 8),
                                   kind="holiday", note="公司假")
        cal = selectors.calendar_for(world.tenant.pk)
        assert cal.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 9)
        assert cal.day_info(D(2026, 10, 8)).note == "公司假"

    def test_save_replaces_the_same_date(self, world, editor):
        services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2026, 10, 8),
                                   kind="holiday")
        services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2026, 10, 8),
                                   kind="working_day", note=" 加班 ")
        rows = list(CalendarDay.objects.filter(tenant=world.tenant).values_list(
            "date", "kind", "note"))
        assert rows == [(D(2026, 10, 8), "working_day", "加班")]

    def test_another_tenants_override_never_applies_or_shows(self, world, editor, outsider):
        services.calendar_day_save(actor=outsider, tenant=world.other_tenant, day=D(2026, 10, 8),
                                   kind="holiday")
        assert selectors.calendar_for(world.tenant.pk).is_working_day(D(2026, 10, 8)) is True
        assert selectors.calendar_for(world.other_tenant.pk).is_working_day(
            D(2026, 10, 8)) is False
        assert list(selectors.override_list(editor)) == []
        assert selectors.override_find(editor, D(2026, 10, 8)) is None

    def test_delete(self, world, editor):
        entry = services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2026, 10, 8),
                                           kind="holiday")
        assert selectors.calendar_for(world.tenant.pk).is_working_day(D(2026, 10, 8)) is False
        services.calendar_day_delete(actor=editor, entry=entry)
        assert CalendarDay.objects.filter(tenant=world.tenant).count() == 0
        assert selectors.calendar_for(world.tenant.pk).is_working_day(D(2026, 10, 8)) is True

    def test_history_records_the_change(self, world, editor):
        entry = services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2026, 10, 8),
                                           kind="holiday")
        assert [(h.history_type, h.kind) for h in entry.history.all()] == [("+", "holiday")]

    def test_refusals(self, world, viewer, outsider, editor):
        with pytest.raises(PermissionDenied):
            services.calendar_day_save(actor=viewer, tenant=world.tenant, day=D(2026, 10, 8),
                                       kind="holiday")
        with pytest.raises(PermissionDenied):
            services.calendar_day_save(actor=outsider, tenant=world.tenant, day=D(2026, 10, 8),
                                       kind="holiday")
        with pytest.raises(PermissionDenied):
            services.calendar_day_save(actor=editor, tenant=None, day=D(2026, 10, 8),
                                       kind="holiday")
        with pytest.raises(ValidationError) as bad:
            services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(1999, 1, 1),
                                       kind="sick_day", note="x" * 201)
        assert set(bad.value.message_dict) == {"date", "kind", "note"}
        assert bad.value.message_dict["kind"] == ["Choose holiday or working day."]
        assert CalendarDay.objects.count() == 0


class TestBusinessHours:
    def test_defaults_then_save(self, world, editor):
        cal = selectors.calendar_for(world.tenant.pk)
        assert (cal.hours.day_start, cal.hours.day_end) == (dt.time(8, 30), dt.time(17, 30))
        services.business_hours_save(actor=editor, tenant=world.tenant, day_start=dt.time(9, 0),
                                     day_end=dt.time(18, 0), lunch_start=dt.time(12, 0),
                                     lunch_end=dt.time(13, 30))
        cal = selectors.calendar_for(world.tenant.pk)
        assert cal.add_business_hours(local(2026, 10, 8, 11, 0), 2) == local(2026, 10, 8, 14, 30)
        assert selectors.calendar_for(world.other_tenant.pk).hours.day_start == dt.time(8, 30)

    @pytest.mark.parametrize(("times", "field", "message"), [
        ((dt.time(18, 0), dt.time(9, 0), None, None), "day_end",
         "The working day must end after it starts."),
        ((dt.time(9, 0), dt.time(18, 0), dt.time(12, 0), None), "lunch_end",
         "Enter both ends of the lunch break, or neither."),
        ((dt.time(9, 0), dt.time(18, 0), dt.time(13, 0), dt.time(12, 0)), "lunch_end",
         "The lunch break must end after it starts."),
        ((dt.time(9, 0), dt.time(18, 0), dt.time(8, 0), dt.time(12, 0)), "lunch_start",
         "The lunch break must lie inside the working day."),
        ((dt.time(9, 0), dt.time(18, 0), dt.time(12, 0), dt.time(18, 0)), "lunch_start",
         "The lunch break must lie inside the working day."),
    ])
    def test_bad_hours(self, world, editor, times, field, message):
        start, end, lunch_start, lunch_end = times
        with pytest.raises(ValidationError) as bad:
            services.business_hours_save(actor=editor, tenant=world.tenant, day_start=start,
                                         day_end=end, lunch_start=lunch_start,
                                         lunch_end=lunch_end)
        assert bad.value.message_dict == {field: [message]}
        assert BusinessHours.objects.count() == 0

    def test_refused_to_a_viewer(self, world, viewer):
        with pytest.raises(PermissionDenied):
            services.business_hours_save(actor=viewer, tenant=world.tenant,
                                         day_start=dt.time(9, 0), day_end=dt.time(18, 0))


class TestImport:
    def test_platform_import_takes_effect_for_2027(self, world, platform_admin):
        today = D(2026, 11, 23)
        assert selectors.unknown_years(world.tenant, today=today) == [2027]
        plan = services.calendar_import(actor=platform_admin, tenant=None, text=SCHEDULE_2027)
        assert (plan.added, plan.changed, plan.removed, plan.years) == (4, 0, 0, [2027])
        cal = selectors.calendar_for(world.tenant.pk)
        assert cal.is_working_day(D(2027, 1, 1)) is False
        assert cal.is_working_day(D(2027, 2, 7)) is True  # a Sunday worked
        assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
        assert cal.day_info(D(2027, 2, 8)).note == "春节"
        assert selectors.unknown_years(world.tenant, today=today) == []
        assert selectors.unknown_years(world.other_tenant, today=today) == []
        assert list(CalendarYear.objects.values_list("tenant", "year", "source")) == [
            (None, 2027, "imported")]

    def test_platform_import_replaces_its_years(self, world, platform_admin):
        services.calendar_import(actor=platform_admin, tenant=None, text=SCHEDULE_2027)
        plan = services.calendar_import(
            actor=platform_admin, tenant=None,
            text="2027-01-01,holiday,元旦\n2027-02-07,working_day,春节调休（更正）\n",
        )
        assert (plan.added, plan.changed, plan.unchanged, plan.removed) == (0, 1, 1, 2)
        assert list(PlatformCalendarDay.objects.values_list("date", "note")) == [
            (D(2027, 1, 1), "元旦"), (D(2027, 2, 7), "春节调休（更正）")]

    def test_dry_run_writes_nothing(self, world, platform_admin):
        plan = services.calendar_import(actor=platform_admin, tenant=None, text=SCHEDULE_2027,
                                        dry_run=True)
        assert [line.date for line in plan.lines] == [
            D(2027, 1, 1), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]
        assert [line.line for line in plan.lines] == [3, 4, 5, 6]
        assert plan.added == 4
        assert PlatformCalendarDay.objects.count() == 0
        assert CalendarYear.objects.count() == 0

    def test_bad_lines_give_numbered_errors_and_write_nothing(self, world, platform_admin):
        text = (
            "2027-01-01,holiday,元旦\n"
            "2027-13-01,holiday\n"
            "2027-02-07,overtime,加班\n"
            "\n"
            "2027-01-01,holiday,again\n"
            "just-one-field\n"
        )
        with pytest.raises(ValidationError) as bad:
            services.calendar_import(actor=platform_admin, tenant=None, text=text)
        assert bad.value.message_dict == {"text": [
            "Line 2: “2027-13-01” is not a date like 2027-01-01 between 2000 and 2100.",
            "Line 3: “overtime” is not a kind; use holiday or working_day.",
            "Line 5: 2027-01-01 is already listed on line 1.",
            "Line 6: Expected date,kind,note (for example 2027-01-01,holiday,元旦).",
        ]}
        assert PlatformCalendarDay.objects.count() == 0
        assert CalendarYear.objects.count() == 0

    def test_empty_schedule(self, world, editor):
        with pytest.raises(ValidationError) as bad:
            services.calendar_import(actor=editor, tenant=world.tenant, text="# nothing\n\n")
        assert bad.value.message_dict == {"text": ["Line 1: The schedule has no days."]}

    def test_tenant_import_adds_overrides_and_keeps_others(self, world, editor):
        services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2027, 5, 20),
                                   kind="holiday", note="公司日")
        services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2027, 1, 1),
                                   kind="working_day")
        plan = services.calendar_import(actor=editor, tenant=world.tenant, text=SCHEDULE_2027)
        assert (plan.added, plan.changed, plan.removed, plan.complete_years) == (3, 1, 0, [])
        assert list(CalendarDay.objects.filter(tenant=world.tenant).values_list(
            "date", "kind")) == [
            (D(2027, 1, 1), "holiday"), (D(2027, 2, 6), "holiday"),
            (D(2027, 2, 7), "working_day"), (D(2027, 2, 8), "holiday"),
            (D(2027, 5, 20), "holiday")]
        assert selectors.calendar_for(world.tenant.pk).is_working_day(D(2027, 2, 7)) is True
        assert selectors.calendar_for(world.other_tenant.pk).is_working_day(
            D(2027, 2, 7)) is False
        # Overrides alone do not make 2027 a known year; the complete flag does.
        assert selectors.unknown_years(world.tenant, today=D(2026, 11, 23)) == [2027]
        services.calendar_import(actor=editor, tenant=world.tenant, text=SCHEDULE_2027,
                                 complete_year=True)
        assert selectors.unknown_years(world.tenant, today=D(2026, 11, 23)) == []
        assert selectors.unknown_years(world.other_tenant, today=D(2026, 11, 23)) == [2027]

    def test_import_rows_are_recorded_with_the_import_channel(self, world, editor):
        services.calendar_import(actor=editor, tenant=world.tenant, text=SCHEDULE_2027)
        entry = CalendarDay.objects.get(tenant=world.tenant, date=D(2027, 1, 1))
        record = entry.history.get()
        assert (record.history_channel, record.history_user_id) == (Channel.IMPORT, editor.pk)

    def test_refusals(self, world, editor, viewer):
        with pytest.raises(PermissionDenied):
            services.calendar_import(actor=editor, tenant=None, text=SCHEDULE_2027)
        with pytest.raises(PermissionDenied):
            services.calendar_import(actor=viewer, tenant=world.tenant, text=SCHEDULE_2027)
        with pytest.raises(PermissionDenied):
            services.calendar_import(actor=editor, tenant=world.other_tenant, text=SCHEDULE_2027)
        assert CalendarDay.objects.count() == 0


class TestYears:
    def test_mark_and_unmark(self, world, editor, platform_admin):
        today = D(2026, 11, 23)
        services.calendar_year_mark(actor=editor, tenant=world.tenant, year=2027)
        assert selectors.unknown_years(world.tenant, today=today) == []
        assert selectors.year_statuses(world.tenant.pk, [2026, 2027]) == [
            selectors.YearStatus(2026, "package", None),
            selectors.YearStatus(2027, None, "manual"),
        ]
        services.calendar_year_unmark(actor=editor, tenant=world.tenant, year=2027)
        assert selectors.unknown_years(world.tenant, today=today) == [2027]
        services.calendar_year_mark(actor=platform_admin, tenant=None, year=2027)
        assert selectors.unknown_years(world.other_tenant, today=today) == []

    def test_refusals(self, world, editor):
        with pytest.raises(PermissionDenied):
            services.calendar_year_mark(actor=editor, tenant=None, year=2027)
        with pytest.raises(ValidationError) as bad:
            services.calendar_year_mark(actor=editor, tenant=world.tenant, year=1900)
        assert bad.value.message_dict == {"year": ["Enter a year between 2000 and 2100."]}

    def test_unknown_years_horizon(self, world):
        assert selectors.unknown_years(world.tenant, horizon=2, today=D(2026, 3, 1)) == [
            2027, 2028]
        assert selectors.unknown_years(world.tenant, horizon=0, today=D(2026, 3, 1)) == []


class TestWarnings:
    def test_warns_editors_about_next_year_in_the_autumn(self, world, editor):
        warnings = selectors.calendar_warnings(editor, today=D(2026, 11, 23))
        assert warnings == [ShellWarning(
            "The working calendar has no official holiday schedule for 2027; until it is "
            "imported, only weekends count as days off.",
            url="/settings/calendar/import/",
        )]
        assert selectors.calendar_warnings(editor, today=D(2026, 3, 1)) == []
        assert [w.message[:60] for w in selectors.calendar_warnings(
            editor, today=D(2027, 3, 1))] == [
            "The working calendar has no official holiday schedule for 20"]

    def test_nobody_else_is_warned(self, world, viewer):
        assert selectors.calendar_warnings(viewer, today=D(2026, 11, 23)) == []

    def test_the_shell_registry(self, world, editor, settings):
        from linli.core import modules
        from linli.core.calendar.wiring import connect

        settings.LINLI_CALENDAR_WARN_NEXT_YEAR_FROM_MONTH = 1
        connect()
        connect()
        assert modules._warning_providers.count(selectors.calendar_warnings) == 1
        ours = selectors.calendar_warnings(editor)
        assert len(ours) >= 1
        assert all(warnings_for(editor).count(warning) == 1 for warning in ours)
        assert modules._modules["calendar"].items[0].url_name == "calendar:overview"


class TestCache:
    def test_a_cached_calendar_costs_no_query(self, world, django_assert_num_queries):
        selectors.calendar_for(world.tenant.pk)
        with django_assert_num_queries(0):
            cal = selectors.calendar_for(world.tenant.pk)
            for n in range(100):
                cal.add_working_days(D(2026, 9, 30), n)
            selectors.calendar_for(world.tenant.pk).add_business_hours(local(2026, 10, 8), 5)

    def test_a_change_elsewhere_is_seen_after_the_recheck(self, world, editor, settings,
                                                          django_assert_num_queries):
        settings.LINLI_CALENDAR_RECHECK_SECONDS = 0
        assert selectors.calendar_for(world.tenant.pk).is_working_day(D(2026, 10, 8)) is True
        with django_assert_num_queries(1):  # only the revision check
            selectors.calendar_for(world.tenant.pk)
        # Another process wrote: rows and token changed, this process's cache was not dropped.
        CalendarDay.objects.create(tenant=world.tenant, date=D(2026, 10, 8), kind="holiday")
        selectors.CalendarRevision.objects.update_or_create(
            key=selectors.revision_key(world.tenant.pk), defaults={"token": "elsewhere"})
        assert selectors.calendar_for(world.tenant.pk).is_working_day(D(2026, 10, 8)) is False

    def test_month_grid(self, world, editor):
        services.calendar_day_save(actor=editor, tenant=world.tenant, day=D(2026, 10, 9),
                                   kind="holiday", note="公司假")
        grid = selectors.calendar_month(world.tenant.pk, 2026, 10, today=D(2026, 10, 8))
        assert grid.working_days == 17  # 22 weekdays − 5 holidays − 1 override + 1 worked Sat
        assert [c.info.date for c in grid.weeks[0]][:4] == [
            D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 1)]
        assert len(grid.weeks) == 5
        cells = {c.info.date: c for week in grid.weeks for c in week}
        assert (cells[D(2026, 10, 9)].info.kind, cells[D(2026, 10, 9)].info.source) == (
            "holiday", "tenant")
        assert cells[D(2026, 10, 8)].is_today is True
        assert cells[D(2026, 9, 28)].in_month is False
        assert (grid.previous, grid.next) == (D(2026, 9, 1), D(2026, 11, 1))
