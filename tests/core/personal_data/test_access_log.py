import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.modules import modules_for
from linli.core.personal_data.models import AccessLog
from linli.core.personal_data.services import access_log_write
from linli.core.personal_data.wiring import connect
from linli.core.request_context import Channel, acting
from tests.builders import make_user

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def people(world):
    alice = make_user(world.tenant, world.root, ["core.reveal_personal_data"],
                      username="alice", display_name="Alice")
    bob = make_user(world.tenant, world.root, ["core.reveal_personal_data"],
                    username="bob", display_name="Bob")
    carol = make_user(world.other_tenant, world.other_root, ["core.reveal_personal_data"],
                      username="carol", display_name="Carol")
    return alice, bob, carol


def _log(actor, at: datetime.datetime, action="reveal", label="张三", ip="203.0.113.1"):
    subject = actor
    with acting(actor, Channel.WEB):
        entry = access_log_write(actor=actor, action=action, subject=subject, field="mobile",
                                 label=label, ip=ip)
    AccessLog.objects.filter(pk=entry.pk).update(occurred_at=at)
    return entry


@pytest.fixture
def entries(people):
    alice, bob, carol = people
    return [
        _log(alice, datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI), label="业主甲"),
        _log(bob, datetime.datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI), label="业主乙"),
        _log(alice, datetime.datetime(2026, 3, 3, 0, 15, tzinfo=SHANGHAI), action="export",
             label="业主丙"),
        _log(carol, datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), label="外租户的人"),
    ]


@pytest.fixture
def auditor(world):
    return make_user(world.tenant, world.root, ["core.view_accesslog"], username="auditor")


def _labels(response) -> list[str]:
    return [e.subject_label for e in response.context["entries"]]


# --- service --------------------------------------------------------------------------------

def test_access_log_write_for_an_export_without_a_single_subject(world, people):
    alice = people[0]
    with acting(alice, Channel.IMPORT, ip="192.0.2.5"):
        entry = access_log_write(actor=alice, action="export", note="people.xlsx, 120 rows")
    row = AccessLog.objects.values(
        "tenant_id", "user_id", "action", "subject_type", "subject_id", "subject_label",
        "field", "ip", "channel", "note",
    ).get(pk=entry.pk)
    assert row == {
        "tenant_id": world.tenant.pk, "user_id": alice.pk, "action": "export",
        "subject_type": None, "subject_id": "", "subject_label": "", "field": "",
        "ip": "192.0.2.5", "channel": "import", "note": "people.xlsx, 120 rows",
    }


def test_access_log_write_refusals(world, people):
    alice, _bob, carol = people
    with pytest.raises(ValidationError) as excinfo:
        access_log_write(actor=alice, action="peek")
    assert excinfo.value.message_dict == {"action": ["Unknown access action."]}
    with pytest.raises(PermissionDenied):
        access_log_write(actor=alice, action="reveal", subject=carol, field="mobile")
    with pytest.raises(PermissionDenied):
        access_log_write(actor=None, action="export")
    assert AccessLog.objects.count() == 0


# --- screen ---------------------------------------------------------------------------------

def test_screen_lists_own_tenant_newest_first(client, entries, auditor):
    client.force_login(auditor)
    response = client.get("/access-log/")
    assert response.status_code == 200
    assert _labels(response) == ["业主丙", "业主乙", "业主甲"]
    assert "外租户的人" not in response.content.decode()
    # The user filter offers only users of this tenant's log.
    choices = [label for _value, label in response.context["filter_form"].fields["user"].choices]
    assert choices == ["All users", "Alice", "Bob"]


def test_screen_of_the_other_tenant_shows_only_its_own(client, world, entries):
    auditor = make_user(world.other_tenant, world.other_root, ["core.view_accesslog"])
    client.force_login(auditor)
    assert _labels(client.get("/access-log/")) == ["外租户的人"]


@pytest.mark.parametrize(("query", "labels"), [
    ({"action": "export"}, ["业主丙"]),
    ({"action": "reveal"}, ["业主乙", "业主甲"]),
    ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["业主乙"]),
    ({"date_from": "2026-03-03"}, ["业主丙"]),
    ({"date_to": "2026-03-01"}, ["业主甲"]),
])
def test_screen_filters(client, entries, auditor, query, labels):
    client.force_login(auditor)
    assert _labels(client.get("/access-log/", query)) == labels


def test_screen_filters_by_user(client, people, entries, auditor):
    client.force_login(auditor)
    assert _labels(client.get("/access-log/", {"user": people[1].pk})) == ["业主乙"]


def test_screen_reports_a_reversed_date_range(client, entries, auditor):
    client.force_login(auditor)
    response = client.get("/access-log/", {"date_from": "2026-03-03", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert _labels(response) == ["业主丙"]


def test_screen_paginates(client, people, auditor):
    alice = people[0]
    for n in range(30):
        _log(alice, timezone.now() - datetime.timedelta(minutes=n), label=f"p{n:02d}")
    client.force_login(auditor)
    first = client.get("/access-log/")
    second = client.get("/access-log/", {"page": 2})
    assert _labels(first) == [f"p{n:02d}" for n in range(25)]
    assert _labels(second) == [f"p{n:02d}" for n in range(25, 30)]


def test_screen_empty_state(client, auditor):
    client.force_login(auditor)
    response = client.get("/access-log/")
    assert "No accesses match these filters." in response.content.decode()


def test_screen_needs_the_permission(client, world, entries):
    nosy = make_user(world.tenant, world.root, ["core.reveal_personal_data"])
    client.force_login(nosy)
    assert client.get("/access-log/").status_code == 403
    client.logout()
    assert client.get("/access-log/").status_code == 302


def test_screen_exports_the_filtered_list_as_csv(client, entries, auditor):
    client.force_login(auditor)
    page = client.get("/access-log/", {"action": "reveal", "page": 1}).content.decode()
    assert 'href="?action=reveal&amp;export=csv"' in page
    response = client.get("/access-log/", {"action": "reveal", "export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Time", "User", "Action", "Record type", "Record", "Field",
                       "IP address", "Channel", "Note"]
    assert [(r[1], r[2], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("Bob", "Revealed", "业主乙", "mobile", "203.0.113.1"),
        ("Alice", "Revealed", "业主甲", "mobile", "203.0.113.1"),
    ]
    assert rows[1][0] == "2026-03-02 23:30:00"


# --- API ------------------------------------------------------------------------------------

def test_api_lists_own_tenant_with_filters(client, people, entries, auditor):
    client.force_login(auditor)
    body = client.get("/api/v1/access-log").json()
    assert (body["count"], body["page"], body["pages"]) == (3, 1, 1)
    assert [i["subject_label"] for i in body["items"]] == ["业主丙", "业主乙", "业主甲"]
    first = body["items"][0]
    assert {k: first[k] for k in ("user", "action", "subject_type", "field", "ip", "channel")} == {
        "user": "Alice", "action": "export", "subject_type": "accounts.user", "field": "mobile",
        "ip": "203.0.113.1", "channel": "web",
    }
    body = client.get("/api/v1/access-log", {"user": people[1].pk}).json()
    assert [i["subject_label"] for i in body["items"]] == ["业主乙"]
    body = client.get("/api/v1/access-log", {"date_from": "2026-03-02",
                                             "date_to": "2026-03-02"}).json()
    assert [i["subject_label"] for i in body["items"]] == ["业主乙"]


def test_api_refusals(client, world, entries, auditor):
    client.force_login(auditor)
    response = client.get("/api/v1/access-log", {"date_from": "2026-03-03",
                                                 "date_to": "2026-03-01"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"date_to": ["The end date is before the start date."]}
    response = client.get("/api/v1/access-log", {"action": "peek"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["action"]
    nosy = make_user(world.tenant, world.root, ["core.reveal_personal_data"])
    client.force_login(nosy)
    response = client.get("/api/v1/access-log")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")


def test_api_of_the_other_tenant_sees_only_its_own(client, world, entries):
    auditor = make_user(world.other_tenant, world.other_root, ["core.view_accesslog"])
    client.force_login(auditor)
    body = client.get("/api/v1/access-log").json()
    assert [i["subject_label"] for i in body["items"]] == ["外租户的人"]


def test_menu_shows_the_access_log_to_auditors_only(world, auditor):
    connect()
    clerk = make_user(world.tenant, world.root, ["core.reveal_personal_data"])
    entries = {m.key: [i.url_name for i in items] for m, items in modules_for(auditor)}
    assert entries["personal_data"] == ["access_log"]
    assert "personal_data" not in {m.key for m, _items in modules_for(clerk)}
