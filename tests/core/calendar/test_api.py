"""The /api/v1/calendar/ endpoints."""

import datetime as dt

import pytest

from linli.accounts.services import api_token_create
from linli.core.calendar.models import BusinessHours, CalendarDay
from tests.builders import make_user

BASE = "/api/v1/calendar"
CHANGE = ["core.view_calendarday", "core.change_calendarday"]


def bearer(user) -> dict:
    _token, key = api_token_create(actor=None, user=user, name="test")
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def editor(world):
    return bearer(make_user(world.tenant, perms=CHANGE))


@pytest.fixture
def viewer(world):
    return bearer(make_user(world.tenant, perms=["core.view_calendarday"]))


@pytest.fixture
def outsider(world):
    return bearer(make_user(world.other_tenant, perms=CHANGE))


def test_days(client, viewer):
    response = client.get(f"{BASE}/days", {"from": "2026-10-07", "to": "2026-10-11"},
                          headers=viewer)
    assert response.status_code == 200
    assert response.json() == [
        {"date": "2026-10-07", "is_working_day": False, "kind": "holiday", "source": "package",
         "note": "国庆节"},
        {"date": "2026-10-08", "is_working_day": True, "kind": "workday", "source": "package",
         "note": ""},
        {"date": "2026-10-09", "is_working_day": True, "kind": "workday", "source": "package",
         "note": ""},
        {"date": "2026-10-10", "is_working_day": True, "kind": "adjusted_workday",
         "source": "package", "note": "国庆节"},
        {"date": "2026-10-11", "is_working_day": False, "kind": "weekend", "source": "package",
         "note": ""},
    ]


def test_days_of_an_unknown_year_say_so(client, viewer):
    response = client.get(f"{BASE}/days", {"from": "2027-01-01", "to": "2027-01-01"},
                          headers=viewer)
    assert response.json() == [{"date": "2027-01-01", "is_working_day": True, "kind": "workday",
                                "source": "fallback", "note": ""}]


@pytest.mark.parametrize(("params", "fields"), [
    ({"from": "2026-10-10", "to": "2026-10-01"}, {"to": ["The end is before the start."]}),
    ({"from": "2026-01-01", "to": "2027-01-02"}, {"to": ["Ask for at most 366 days at a time."]}),
])
def test_days_bad_range(client, viewer, params, fields):
    response = client.get(f"{BASE}/days", params, headers=viewer)
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": "Some fields are not valid.",
                               "fields": fields}


def test_days_bad_date(client, viewer):
    response = client.get(f"{BASE}/days", {"from": "2026-10-32", "to": "2026-10-01"},
                          headers=viewer)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["from"]


def test_needs_authentication_and_permission(client, world):
    assert client.get(f"{BASE}/days", {"from": "2026-10-01", "to": "2026-10-02"}).status_code == 401
    nobody = bearer(make_user(world.tenant, perms=[]))
    response = client.get(f"{BASE}/business-hours", headers=nobody)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_set_list_and_delete_overrides(client, editor, world):
    body = {"date": "2026-10-08", "kind": "holiday", "note": "公司假"}
    response = client.post(f"{BASE}/overrides", body, content_type="application/json",
                           headers=editor)
    assert response.status_code == 201
    assert response.json() == body
    body["kind"] = "working_day"
    response = client.post(f"{BASE}/overrides", body, content_type="application/json",
                           headers=editor)
    assert response.status_code == 200
    response = client.get(f"{BASE}/overrides", headers=editor)
    assert response.json() == {"items": [body], "count": 1, "page": 1, "size": 20, "pages": 1}
    response = client.get(f"{BASE}/add-working-days", {"date": "2026-09-30", "n": 1},
                          headers=editor)
    assert response.json()["result"] == "2026-10-08"
    response = client.delete(f"{BASE}/overrides/2026-10-08", headers=editor)
    assert response.status_code == 204
    assert CalendarDay.objects.count() == 0


def test_override_validation(client, editor):
    response = client.post(f"{BASE}/overrides",
                           {"date": "1999-01-01", "kind": "holiday"},
                           content_type="application/json", headers=editor)
    assert response.status_code == 422
    assert response.json()["fields"] == {"date": ["Enter a date between 2000 and 2100."]}
    response = client.post(f"{BASE}/overrides", {"date": "2026-10-08", "kind": "nap"},
                           content_type="application/json", headers=editor)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["kind"]
    assert CalendarDay.objects.count() == 0


def test_viewer_cannot_write(client, viewer):
    response = client.post(f"{BASE}/overrides", {"date": "2026-10-08", "kind": "holiday"},
                           content_type="application/json", headers=viewer)
    assert response.status_code == 403
    assert CalendarDay.objects.count() == 0


def test_other_tenants_overrides_are_invisible(client, editor, outsider, world):
    client.post(f"{BASE}/overrides", {"date": "2026-10-08", "kind": "holiday"},
                content_type="application/json", headers=outsider)
    assert client.get(f"{BASE}/overrides", headers=editor).json()["count"] == 0
    days = client.get(f"{BASE}/days", {"from": "2026-10-08", "to": "2026-10-08"},
                      headers=editor).json()
    assert days[0]["is_working_day"] is True
    assert client.delete(f"{BASE}/overrides/2026-10-08", headers=editor).status_code == 404
    assert CalendarDay.objects.filter(tenant=world.other_tenant).count() == 1


def test_business_hours(client, editor, world):
    response = client.get(f"{BASE}/business-hours", headers=editor)
    assert response.json() == {"day_start": "08:30", "day_end": "17:30",
                               "lunch_start": None, "lunch_end": None}
    response = client.put(f"{BASE}/business-hours",
                          {"day_start": "09:00", "day_end": "18:00", "lunch_start": "12:00",
                           "lunch_end": "13:00"}, content_type="application/json", headers=editor)
    assert response.status_code == 200
    assert response.json()["lunch_end"] == "13:00"
    response = client.put(f"{BASE}/business-hours", {"day_start": "09:00Z", "day_end": "25:00"},
                          content_type="application/json", headers=editor)
    assert response.status_code == 422
    assert sorted(response.json()["fields"]) == ["day_end", "day_start"]
    response = client.put(f"{BASE}/business-hours", {"day_start": "18:00", "day_end": "09:00"},
                          content_type="application/json", headers=editor)
    assert response.status_code == 422
    assert response.json()["fields"] == {"day_end": ["The working day must end after it starts."]}
    assert BusinessHours.objects.get(tenant=world.tenant).day_start == dt.time(9)


def test_add_working_days(client, viewer):
    response = client.get(f"{BASE}/add-working-days", {"date": "2026-09-30", "n": 1},
                          headers=viewer)
    assert response.json() == {"date": "2026-09-30", "n": 1, "result": "2026-10-08"}
    response = client.get(f"{BASE}/add-working-days", {"date": "2026-09-30", "n": 5000},
                          headers=viewer)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["n"]


def test_add_business_hours(client, viewer):
    response = client.get(f"{BASE}/add-business-hours",
                          {"at": "2026-09-30T16:30:00+08:00", "hours": "2"}, headers=viewer)
    assert response.status_code == 200
    assert response.json() == {"at": "2026-09-30T08:30:00Z", "hours": "2",
                               "result": "2026-10-08T01:30:00Z"}


@pytest.mark.parametrize(("params", "field"), [
    ({"at": "2026-09-30T16:30:00", "hours": "2"}, "at"),
    ({"at": "2026-09-30T16:30:00Z", "hours": "-1"}, "hours"),
    ({"at": "yesterday", "hours": "1"}, "at"),
])
def test_add_business_hours_validation(client, viewer, params, field):
    response = client.get(f"{BASE}/add-business-hours", params, headers=viewer)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == [field]
