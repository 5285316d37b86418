"""The /settings/calendar/ screens."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from linli.core.calendar.models import BusinessHours, CalendarDay, PlatformCalendarDay
from tests.builders import make_user

D = dt.date
CHANGE = ["core.view_calendarday", "core.change_calendarday"]


@pytest.fixture
def editor_client(client, world):
    client.force_login(make_user(world.tenant, perms=CHANGE))
    return client


@pytest.fixture
def viewer_client(client, world):
    client.force_login(make_user(world.tenant, perms=["core.view_calendarday"]))
    return client


@pytest.fixture
def platform_client(world):
    platform = Client()
    platform.force_login(make_user(world.tenant, superuser=True))
    return platform


def test_overview_month_grid(viewer_client):
    response = viewer_client.get(reverse("calendar:overview"), {"month": "2026-10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-date="2026-10-01" data-kind="holiday"' in html
    assert 'data-date="2026-10-10" data-kind="adjusted_workday"' in html
    assert 'data-date="2026-10-11" data-kind="weekend"' in html
    assert 'data-date="2026-10-12" data-kind="workday"' in html
    assert "18 working days" in html  # 22 weekdays − 5 holidays + the worked Saturday
    assert reverse("calendar:day_edit", args=["2026-10-01"]) not in html  # read-only
    assert response.context["month"].first == D(2026, 10, 1)


def test_overview_month_fragment_for_htmx(viewer_client):
    response = viewer_client.get(reverse("calendar:overview"), {"month": "2026-09"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.templates[0].name == "calendar/partials/month.html"
    assert 'data-date="2026-09-20" data-kind="adjusted_workday"' in response.content.decode()


def test_overview_bad_month_shows_the_current_one(viewer_client):
    response = viewer_client.get(reverse("calendar:overview"), {"month": "2026-13"})
    assert response.status_code == 200
    today = response.context["month"].first
    assert today.day == 1


def test_overview_needs_the_view_permission(client, world):
    client.force_login(make_user(world.tenant, perms=[]))
    assert client.get(reverse("calendar:overview")).status_code == 403
    client.logout()
    response = client.get(reverse("calendar:overview"))
    assert response.status_code == 302


def test_add_and_edit_an_override(editor_client, world):
    response = editor_client.post(reverse("calendar:day_add"),
                                  {"date": "2026-10-09", "kind": "holiday", "note": "公司假"})
    assert response.status_code == 302
    assert response["Location"] == "/settings/calendar/?month=2026-10"
    url = reverse("calendar:day_edit", args=["2026-10-09"])
    assert editor_client.get(url).context["form"].initial["note"] == "公司假"
    response = editor_client.post(url, {"kind": "working_day", "note": "改为上班"})
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("tenant", "date", "kind", "note")) == [
        (world.tenant.pk, D(2026, 10, 9), "working_day", "改为上班")]


def test_bad_override_input_shows_errors(editor_client):
    response = editor_client.post(reverse("calendar:day_add"),
                                  {"date": "1999-01-01", "kind": "holiday"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date": ["Enter a date between 2000 and 2100."]}
    assert CalendarDay.objects.count() == 0


def test_day_edit_of_a_bad_date_is_404(editor_client):
    assert editor_client.get(reverse("calendar:day_edit", args=["2026-02-30"])).status_code == 404


def test_delete_override(editor_client, world):
    editor_client.post(reverse("calendar:day_add"), {"date": "2026-10-09", "kind": "holiday"})
    response = editor_client.post(reverse("calendar:day_delete", args=["2026-10-09"]))
    assert response.status_code == 302
    assert CalendarDay.objects.count() == 0


def test_another_tenants_override_is_404_and_invisible(editor_client, world):
    CalendarDay.objects.create(tenant=world.other_tenant, date=D(2026, 10, 9), kind="holiday",
                               note="别家")
    response = editor_client.get(reverse("calendar:overview"), {"month": "2026-10"})
    assert "别家" not in response.content.decode()
    assert list(response.context["overrides"]) == []
    assert editor_client.post(
        reverse("calendar:day_delete", args=["2026-10-09"])).status_code == 404
    assert CalendarDay.objects.count() == 1


def test_viewer_cannot_change(viewer_client):
    assert viewer_client.get(reverse("calendar:day_add")).status_code == 403
    assert viewer_client.post(reverse("calendar:day_add"),
                              {"date": "2026-10-09", "kind": "holiday"}).status_code == 403
    assert viewer_client.get(reverse("calendar:hours")).status_code == 403
    assert viewer_client.get(reverse("calendar:import")).status_code == 403
    assert CalendarDay.objects.count() == 0


def test_business_hours_form(editor_client, world):
    url = reverse("calendar:hours")
    assert editor_client.get(url).context["form"].initial["day_start"] == dt.time(8, 30)
    response = editor_client.post(url, {"day_start": "09:00", "day_end": "18:00",
                                        "lunch_start": "12:00", "lunch_end": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "lunch_end": ["Enter both ends of the lunch break, or neither."]}
    response = editor_client.post(url, {"day_start": "09:00", "day_end": "18:00",
                                        "lunch_start": "12:00", "lunch_end": "13:00"})
    assert response.status_code == 302
    hours = BusinessHours.objects.get(tenant=world.tenant)
    assert (hours.day_start, hours.day_end, hours.lunch_start, hours.lunch_end) == (
        dt.time(9), dt.time(18), dt.time(12), dt.time(13))


SCHEDULE = "2027-01-01,holiday,元旦\n2027-02-07,working_day,春节调休\n"


def test_import_preview_then_confirm(editor_client, world):
    url = reverse("calendar:import")
    response = editor_client.post(url, {"action": "preview", "text": SCHEDULE})
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (len(plan.lines), plan.added, plan.dry_run) == (2, 2, True)
    assert "Preview: nothing is saved yet" in response.content.decode()
    assert CalendarDay.objects.count() == 0
    response = editor_client.post(url, {"action": "confirm", "text": response.context["text"],
                                        "complete_year": "on"})
    assert response.status_code == 302
    assert list(CalendarDay.objects.filter(tenant=world.tenant).values_list("date", "kind")) == [
        (D(2027, 1, 1), "holiday"), (D(2027, 2, 7), "working_day")]


def test_import_from_a_gb18030_file(editor_client):
    upload = SimpleUploadedFile("2027.csv", SCHEDULE.encode("gb18030"), "text/csv")
    response = editor_client.post(reverse("calendar:import"),
                                  {"action": "preview", "file": upload})
    assert [line.note for line in response.context["plan"].lines] == ["元旦", "春节调休"]


def test_import_errors_are_listed(editor_client):
    text = "2027-01-01,holiday\n2027-01-02,x\n"
    response = editor_client.post(reverse("calendar:import"), {"action": "confirm", "text": text})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "text": ["Line 2: “x” is not a kind; use holiday or working_day."]}
    assert CalendarDay.objects.count() == 0


def test_import_needs_text(editor_client):
    response = editor_client.post(reverse("calendar:import"), {"action": "preview", "text": " "})
    assert response.context["form"].errors == {"__all__": ["Paste the schedule or choose a file."]}


def test_only_platform_admins_import_for_the_platform(editor_client, platform_client):
    url = reverse("calendar:import")
    editor_client.post(url, {"action": "confirm", "text": SCHEDULE, "target": "platform"})
    assert PlatformCalendarDay.objects.count() == 0  # the field does not exist for them
    response = platform_client.post(url, {"action": "confirm", "text": SCHEDULE,
                                        "target": "platform"})
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar:platform")
    assert PlatformCalendarDay.objects.count() == 2


def test_platform_screens(platform_client, editor_client):
    assert editor_client.get(reverse("calendar:platform")).status_code == 403
    assert editor_client.get(
        reverse("calendar:platform_day_edit", args=["2027-01-01"])).status_code == 403
    response = platform_client.post(reverse("calendar:platform_day_edit", args=["2027-01-01"]),
                                  {"kind": "holiday", "note": "元旦"})
    assert response.status_code == 302
    assert platform_client.get(reverse("calendar:platform")).status_code == 200
    response = platform_client.post(reverse("calendar:year_mark", args=[2027]),
                                  {"target": "platform"})
    assert response.status_code == 302
    response = platform_client.post(reverse("calendar:platform_day_delete", args=["2027-01-01"]))
    assert response.status_code == 302
    assert PlatformCalendarDay.objects.count() == 0


def test_year_mark_for_the_tenant(editor_client, world):
    response = editor_client.post(reverse("calendar:year_mark", args=[2027]))
    assert response.status_code == 302
    assert editor_client.post(reverse("calendar:year_mark", args=[2027]),
                              {"target": "platform"}).status_code == 403
