"""PLAT-5: the inbox, the unread badge and the administrators' outbox screens."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core import modules
from linli.core import selectors as core_selectors
from linli.core.notifications import wiring
from linli.core.notifications.models import Message
from linli.core.notifications.selectors import unread_count
from linli.core.notifications.services import Address, notify
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tell(world, user, number, **kwargs):
    [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[user],
                       context={"number": number, "summary": "s", **kwargs})
    return message


def test_inbox_shows_own_messages_unread_first(world):
    me = make_user(world.tenant, language="en")
    colleague = make_user(world.tenant, language="en")
    outsider = make_user(world.other_tenant, language="en")
    old_read = _tell(world, me, "A-1")
    Message.objects.filter(pk=old_read.pk).update(read_at=timezone.now())
    _tell(world, me, "A-2")
    _tell(world, colleague, "B-1")
    notify(tenant=world.other_tenant, event="test.assigned", recipients=[outsider],
           context={"number": "C-1"})
    notify(tenant=world.tenant, event="test.assigned", context={"number": "E-1"},
           recipients=[Address("email", "x@example.com")])
    response = _client(me).get(reverse("notifications:inbox"))
    assert response.status_code == 200
    subjects = [m.subject for m in response.context["inbox"]]
    assert subjects == ["Order A-2 assigned", "Order A-1 assigned"]
    html = response.content.decode()
    assert "B-1" not in html and "C-1" not in html and "E-1" not in html
    assert response.context["unread_count"] == 1


def test_inbox_empty_state(world):
    response = _client(make_user(world.tenant)).get(reverse("notifications:inbox"))
    assert 'data-testid="empty-state"' in response.content.decode()
    assert "No notifications" in response.content.decode()


def test_inbox_paginates(world):
    me = make_user(world.tenant)
    for n in range(30):
        _tell(world, me, f"P-{n}")
    client = _client(me)
    first = client.get(reverse("notifications:inbox"))
    second = client.get(reverse("notifications:inbox") + "?page=2")
    assert (len(first.context["inbox"]), len(second.context["inbox"])) == (25, 5)


def test_inbox_requires_sign_in():
    response = Client().get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_mark_read_own_message(world):
    me = make_user(world.tenant)
    message = _tell(world, me, "R-1")
    response = _client(me).post(reverse("notifications:read", args=[message.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:inbox")
    message.refresh_from_db()
    assert message.read_at is not None
    assert unread_count(me) == 0


def test_mark_read_with_htmx_returns_the_item_and_refreshes_the_badge(world):
    me = make_user(world.tenant)
    message = _tell(world, me, "R-2")
    response = _client(me).post(reverse("notifications:read", args=[message.pk]),
                                HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    html = response.content.decode()
    assert f'id="message-{message.pk}"' in html
    assert "Mark read" not in html


def test_mark_read_of_someone_elses_message_is_404(world):
    me = make_user(world.tenant)
    colleague_message = _tell(world, make_user(world.tenant), "X-1")
    outsider = make_user(world.other_tenant)
    [foreign] = notify(tenant=world.other_tenant, event="test.assigned", recipients=[outsider],
                       context={})
    for message in (colleague_message, foreign):
        response = _client(me).post(reverse("notifications:read", args=[message.pk]))
        assert response.status_code == 404
        message.refresh_from_db()
        assert message.read_at is None


def test_mark_read_needs_post(world):
    me = make_user(world.tenant)
    message = _tell(world, me, "G-1")
    assert _client(me).get(reverse("notifications:read", args=[message.pk])).status_code == 405


def test_mark_all_read_touches_only_own_messages(world):
    me = make_user(world.tenant, language="en")
    colleague = make_user(world.tenant)
    _tell(world, me, "M-1")
    _tell(world, me, "M-2")
    _tell(world, colleague, "M-3")
    response = _client(me).post(reverse("notifications:read_all"), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["2 notifications marked read."]
    assert (unread_count(me), unread_count(colleague)) == (0, 1)


def test_open_marks_read_and_follows_the_link(world):
    me = make_user(world.tenant)
    message = _tell(world, me, "O-1", url="/servicedesk/orders/1/")
    response = _client(me).get(reverse("notifications:open", args=[message.pk]))
    assert (response.status_code, response["Location"]) == (302, "/servicedesk/orders/1/")
    message.refresh_from_db()
    assert message.read_at is not None
    plain = _tell(world, me, "O-2")
    response = _client(me).get(reverse("notifications:open", args=[plain.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_badge_shows_the_unread_count_and_polls(world):
    me = make_user(world.tenant, language="en")
    _tell(world, me, "B-1")
    _tell(world, me, "B-2")
    response = _client(me).get(reverse("notifications:badge"))
    html = response.content.decode()
    assert '<span class="badge bg-red text-red-fg badge-notification badge-pill" ' \
           'data-testid="unread-count">2</span>' in html
    assert 'hx-trigger="every 30s, notifications-changed from:body"' in html
    assert 'aria-label="Notifications: 2 unread"' in html


def test_badge_without_a_count_loads_it_at_once(world):
    from django.template.loader import render_to_string

    html = render_to_string("notifications/partials/badge.html", {})
    assert 'hx-trigger="load, every 30s, notifications-changed from:body"' in html
    assert "unread-count" not in html


def test_badge_stops_polling_when_signed_out():
    assert Client().get(reverse("notifications:badge")).status_code == 286


def test_badge_caps_large_counts(world):
    me = make_user(world.tenant)
    for n in range(100):
        _tell(world, me, f"N-{n}")
    html = _client(me).get(reverse("notifications:badge")).content.decode()
    assert 'data-testid="unread-count">99+</span>' in html


def test_outbox_needs_the_permission(world):
    response = _client(make_user(world.tenant, perms=[])).get(reverse("notifications:outbox"))
    assert response.status_code == 403


def test_outbox_lists_the_tenants_messages_with_filters_and_masked_phones(world):
    admin = make_user(world.tenant, perms=["core.view_message"])
    notify(tenant=world.tenant, event="test.assigned", context={"number": "S-1"},
           recipients=[Address("sms", "13812345678")])
    notify(tenant=world.tenant, event="test.assigned", context={"number": "E-1"},
           recipients=[Address("email", "ops@example.com")])
    outsider = make_user(world.other_tenant)
    notify(tenant=world.other_tenant, event="test.assigned", recipients=[outsider],
           context={"number": "T-1"})
    client = _client(admin)
    everything = client.get(reverse("notifications:outbox"))
    assert [m.subject for m in everything.context["outbox"]] == [
        "Order E-1 assigned", "Order S-1 assigned"
    ]
    html = everything.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "T-1" not in html
    sms_only = client.get(reverse("notifications:outbox") + "?channel=sms&status=pending")
    assert [m.subject for m in sms_only.context["outbox"]] == ["Order S-1 assigned"]
    nothing = client.get(reverse("notifications:outbox") + "?status=dead")
    assert list(nothing.context["outbox"]) == []
    assert "No messages" in nothing.content.decode()


def test_outbox_shows_phones_to_who_may_see_personal_data(world):
    admin = make_user(world.tenant, superuser=True)
    notify(tenant=world.tenant, event="test.assigned", context={"number": "S-1"},
           recipients=[Address("sms", "13812345678")])
    html = _client(admin).get(reverse("notifications:outbox")).content.decode()
    assert "+8613812345678" in html


def test_outbox_retry_button_and_action(world, django_capture_on_commit_callbacks, settings):
    admin = make_user(world.tenant, perms=["core.view_message", "core.change_message"],
                      language="en")
    viewer = make_user(world.tenant, perms=["core.view_message"])
    [message] = notify(tenant=world.tenant, event="test.assigned", context={"number": "D-1"},
                       recipients=[Address("email", "ops@example.com")])
    Message.objects.filter(pk=message.pk).update(status="dead", attempts=5,
                                                 last_error="Connection refused")
    page = _client(admin).get(reverse("notifications:outbox") + "?status=dead").content.decode()
    assert "Send again" in page and "Connection refused" in page
    assert "Send again" not in _client(viewer).get(reverse("notifications:outbox")).content.decode()

    back = reverse("notifications:outbox") + "?status=dead"
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(admin).post(reverse("notifications:retry", args=[message.pk]),
                                       {"next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    assert [str(m) for m in response.context["messages"]] == ["The message will be sent again."]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 1)

    again = _client(admin).post(reverse("notifications:retry", args=[message.pk]),
                                {"next": "https://evil.example.com/"}, follow=True)
    assert again.redirect_chain == [(reverse("notifications:outbox"), 302)]
    assert [str(m) for m in again.context["messages"]] == [
        "Only messages that failed can be sent again."
    ]


def test_outbox_retry_of_another_tenants_message_is_404(world):
    outsider = make_user(world.other_tenant, superuser=True)
    [message] = notify(tenant=world.tenant, event="test.assigned", context={},
                       recipients=[Address("email", "ops@example.com")])
    Message.objects.filter(pk=message.pk).update(status="dead")
    response = _client(outsider).post(reverse("notifications:retry", args=[message.pk]))
    assert response.status_code == 404


def test_wiring_registers_the_home_counter_and_the_menu(world, monkeypatch):
    monkeypatch.setattr(core_selectors, "_counter_providers", [])
    monkeypatch.setattr(modules, "_modules", {})
    wiring.connect()
    me = make_user(world.tenant, language="en")
    _tell(world, me, "H-1")
    [counter] = core_selectors.home_counters(me)
    assert (str(counter.label), counter.value, counter.url) == (
        "Unread notifications", 1, reverse("notifications:inbox")
    )
    [(module, items)] = modules.modules_for(me)
    assert (module.key, str(module.label)) == ("notifications", "Notifications")
    assert [i.url_name for i in items] == ["notifications:inbox", "jobs:list"]
    admin = make_user(world.tenant, perms=["core.view_message"])
    [(_module, items)] = modules.modules_for(admin)
    assert [i.url_name for i in items] == [
        "notifications:inbox", "jobs:list", "notifications:outbox"
    ]
