"""Due times of the clocks (SVC-3, SVC-7) on China's working calendar: working-day limits
across the 2026 Mid-Autumn and National Day holidays with the adjusted working Saturday,
business hours across nights and lunch, a year the calendar does not know, pauses."""

import datetime as dt
from decimal import Decimal

from linli.core.calendar.services import business_hours_save
from linli.servicedesk import services, sla
from linli.servicedesk.choices import ClockUnit
from tests.core.calendar.builders import WITH_LUNCH, local, make_calendar


def _clocks(order):
    return {c.kind: c for c in order.clocks.all()}


def _create(desk, now, **fields):
    defaults = {"actor": desk.frontdesk, "community": desk.community, "unit": desk.unit,
                "person": desk.owner, "summary": "来电", "now": now}
    return services.work_order_create(**{**defaults, **fields})


def test_a_complaint_is_due_on_the_seventh_working_day_across_national_day(desk):
    # Registered Wed 30 Sep: 1–7 Oct are holidays, Sat 10 Oct is an adjusted working day.
    order = _create(desk, local(2026, 9, 30, 10), order_type="complaint",
                    category=desk.category("服务态度"))
    assert order.service_level.code == "complaint"
    assert _clocks(order)["resolution"].due_at == local(2026, 10, 15, 17, 30)


def test_a_consultation_is_due_on_the_third_working_day_across_mid_autumn(desk):
    # Registered Thu 24 Sep: Fri 25 – Sun 27 Sep are the Mid-Autumn holiday.
    order = _create(desk, local(2026, 9, 24, 16), order_type="consultation",
                    category=desk.category("装修手续"))
    assert _clocks(order)["resolution"].due_at == local(2026, 9, 30, 17, 30)


def test_working_days_fall_back_to_weekends_in_a_year_the_calendar_does_not_know(desk):
    order = _create(desk, local(2027, 1, 8, 10), order_type="consultation",
                    category=desk.category("装修手续"))
    assert _clocks(order)["resolution"].due_at == local(2027, 1, 13, 17, 30)


def test_business_hours_skip_the_night_and_lunch_and_count_the_adjusted_saturday(desk):
    business_hours_save(actor=None, tenant=desk.world.tenant, day_start=dt.time(8, 30),
                        day_end=dt.time(17, 30), lunch_start=dt.time(12),
                        lunch_end=dt.time(13))
    # A general order's first response: 8 business hours from Fri 9 Oct 16:00 — 1.5 h on
    # Friday, then Saturday 10 Oct (a working day) 08:30–12:00 and 13:00–16:00.
    order = _create(desk, local(2026, 10, 9, 16), order_type="suggestion",
                    category=desk.category("物业服务"), urgency="medium", impact="low")
    assert (order.priority, order.service_level.code) == ("P4", "general")
    assert _clocks(order)["response"].due_at == local(2026, 10, 10, 16)


def test_urgent_repair_clocks_and_their_warnings(desk):
    order = _create(desk, local(2026, 12, 3, 22, 0), order_type="repair",
                    category=desk.category("漏水"), urgency="high", impact="high")
    clocks = _clocks(order)
    assert (clocks["on_site"].due_at, clocks["on_site"].warn_at) == (
        local(2026, 12, 3, 22, 20), local(2026, 12, 3, 22, 15))
    assert clocks["resolution"].due_at == local(2026, 12, 4, 6, 0)


def test_a_pause_pushes_the_due_time_by_what_was_left():
    calendar = make_calendar()
    times = sla.clock_times(calendar, ClockUnit.CALENDAR_HOURS, Decimal(4),
                            local(2026, 12, 3, 10), Decimal("0.75"))
    resumed = sla.resumed(calendar, ClockUnit.CALENDAR_HOURS, paused_since=local(2026, 12, 3, 11),
                          now=local(2026, 12, 3, 13, 30), due_at=times.due_at,
                          warn_at=times.warn_at)
    assert (resumed.due_at, resumed.warn_at) == (local(2026, 12, 3, 16, 30),
                                                 local(2026, 12, 3, 15, 30))


def test_a_business_hour_pause_overnight_keeps_the_business_time_left():
    calendar = make_calendar(hours=WITH_LUNCH)
    # 2 business hours left when paused at Thu 16:30; resumed Fri 09:00 → due Fri 11:00.
    resumed = sla.resumed(calendar, ClockUnit.BUSINESS_HOURS,
                          paused_since=local(2026, 12, 3, 16, 30), now=local(2026, 12, 4, 9),
                          due_at=local(2026, 12, 4, 9, 30), warn_at=local(2026, 12, 3, 17))
    assert (resumed.due_at, resumed.warn_at) == (local(2026, 12, 4, 11), local(2026, 12, 4, 9, 30))


def test_waiting_pauses_the_order_clocks_and_resuming_moves_them(desk, monkeypatch):
    from django.utils import timezone

    start = local(2026, 12, 3, 10)
    order = _create(desk, start, order_type="repair", category=desk.category("漏水"),
                    urgency="high", impact="medium")
    resolution_due = _clocks(order)["resolution"].due_at
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(hours=1))
    services.work_order_accept(order, actor=desk.supervisor)
    services.work_order_wait(order, actor=desk.supervisor, waiting_on="customer",
                             reason="业主不在家")
    assert {c.state for c in order.clocks.filter(kind="resolution")} == {"paused"}
    monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(hours=5))
    services.work_order_resume(order, actor=desk.supervisor)
    clock = _clocks(order)["resolution"]
    assert (clock.state, clock.due_at, clock.paused_seconds) == (
        "running", resolution_due + dt.timedelta(hours=4), 4 * 3600)
