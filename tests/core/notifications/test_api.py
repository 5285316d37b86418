"""PLAT-5 API: the caller's inbox, mark read, and the outbox for administrators."""

import pytest
from django.test import Client
from django.utils import timezone

from linli.core.notifications.models import Message
from linli.core.notifications.services import Address, notify
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tell(world, user, number):
    [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[user],
                       context={"number": number, "summary": "s", "url": "/x/"})
    return message


def test_inbox_lists_the_callers_messages_only(world):
    me = make_user(world.tenant, language="en", display_name="Me")
    read = _tell(world, me, "A-1")
    Message.objects.filter(pk=read.pk).update(read_at=timezone.now())
    unread = _tell(world, me, "A-2")
    _tell(world, make_user(world.tenant), "B-1")
    response = _client(me).get("/api/v1/notifications/?size=1")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["size"], body["pages"]) == (2, 1, 1, 2)
    [item] = body["items"]
    assert item == {
        "id": unread.pk, "event": "test.assigned", "subject": "Order A-2 assigned",
        "body": "s is yours, Me.", "url": "/x/",
        "created_at": item["created_at"], "read_at": None,
    }


def test_mark_read_and_read_all(world):
    me = make_user(world.tenant)
    first = _tell(world, me, "R-1")
    _tell(world, me, "R-2")
    _tell(world, me, "R-3")
    client = _client(me)
    response = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert client.post("/api/v1/notifications/read-all").json() == {"updated": 2}
    assert client.post("/api/v1/notifications/read-all").json() == {"updated": 0}


def test_mark_read_of_another_users_message_is_404(world):
    me = make_user(world.tenant)
    theirs = _tell(world, make_user(world.tenant), "X-1")
    outsider = make_user(world.other_tenant, superuser=True)
    for user in (me, outsider):
        response = _client(user).post(f"/api/v1/notifications/{theirs.pk}/read")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_outbox_needs_the_permission(world):
    response = _client(make_user(world.tenant, perms=[])).get("/api/v1/notifications/outbox")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_outbox_filters_and_masks(world):
    admin = make_user(world.tenant, perms=["core.view_message"])
    [sms] = notify(tenant=world.tenant, event="test.assigned", context={"number": "S-1"},
                   recipients=[Address("sms", "13812345678")])
    notify(tenant=world.tenant, event="test.assigned", context={"number": "E-1"},
           recipients=[Address("email", "ops@example.com")])
    notify(tenant=world.other_tenant, event="test.assigned", context={"number": "T-1"},
           recipients=[make_user(world.other_tenant)])
    client = _client(admin)
    assert client.get("/api/v1/notifications/outbox").json()["count"] == 2
    body = client.get("/api/v1/notifications/outbox?channel=sms").json()
    [item] = body["items"]
    assert item == {
        "id": sms.pk, "event": "test.assigned", "channel": "sms", "recipient_id": None,
        "address": "138****5678", "language": "en", "subject": "Order S-1 assigned",
        "body": "is yours, .",
        "status": "pending", "attempts": 0, "last_error": "",
        "next_attempt_at": item["next_attempt_at"], "created_at": item["created_at"],
        "sent_at": None,
    }
    bad = client.get("/api/v1/notifications/outbox?status=lost")
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["status"]


def test_outbox_retry(world, django_capture_on_commit_callbacks):
    admin = make_user(world.tenant, perms=["core.view_message", "core.change_message"])
    [message] = notify(tenant=world.tenant, event="test.assigned", context={},
                       recipients=[Address("email", "ops@example.com")])
    client = _client(admin)
    refused = client.post(f"/api/v1/notifications/outbox/{message.pk}/retry")
    assert refused.status_code == 422
    assert refused.json() == {"code": "validation_error", "fields": {},
                              "message": "Only messages that failed can be sent again."}
    Message.objects.filter(pk=message.pk).update(status="dead")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/notifications/outbox/{message.pk}/retry")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    message.refresh_from_db()
    assert message.status == "sent"
