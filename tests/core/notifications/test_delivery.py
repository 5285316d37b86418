"""PLAT-5 / NFR-5: delivery per channel, retries with back-off, de-duplication, the sweep."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from linli.core.events import DomainEvent
from linli.core.notifications import services
from linli.core.notifications.models import Message
from linli.core.notifications.services import Address, message_deliver, message_retry, notify
from linli.core.notifications.tasks import deliver_due_messages, deliver_message
from linli.core.notifications.transport import DeliveryError
from tests.builders import make_user

pytestmark = pytest.mark.django_db

CONTEXT = {"number": "WO-9", "summary": "Lift stuck"}


def _pending(world, address: Address) -> Message:
    """A message as notify leaves it when its queueing was lost (no on_commit delivery)."""
    [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[address],
                       context=CONTEXT)
    return message


def _reload(message: Message) -> Message:
    message.refresh_from_db()
    return message


class _Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.now().replace(microsecond=0)
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_email_is_sent_through_the_configured_backend(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant, email="ops@example.com", language="zh-hans", display_name="周")
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[user],
                           context=CONTEXT, channels=["email"])
    [sent] = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.from_email) == (
        "工单 WO-9 已派单", "Lift stuck 已派给您，周。", ["ops@example.com"], "linli@localhost"
    )
    message = _reload(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    assert message.sent_at is not None and message.next_attempt_at is None


def test_webhook_posts_a_robot_text_message(world, http_server):
    message = _pending(world, Address("webhook", f"{http_server.url}/cgi-bin/webhook/send?key=k"))
    assert message_deliver(message.pk) == "sent"
    [request] = http_server.requests
    assert request["path"] == "/cgi-bin/webhook/send?key=k"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["json"] == {
        "msgtype": "text", "text": {"content": "Order WO-9 assigned\nLift stuck is yours, ."},
    }


def test_webhook_errcode_is_a_failure_to_retry(world, http_server):
    http_server.answers.append((200, b'{"errcode": 45009, "errmsg": "api freq out of limit"}'))
    message = _pending(world, Address("webhook", f"{http_server.url}/hook"))
    assert message_deliver(message.pk) == "failed"
    assert _reload(message).last_error == (
        "The webhook refused the message: 45009 api freq out of limit"
    )


def test_webhook_client_error_is_permanent(world, http_server):
    http_server.answers.append((404, b"{}"))
    message = _pending(world, Address("webhook", f"{http_server.url}/gone"))
    assert message_deliver(message.pk) == "dead"
    message = _reload(message)
    assert (message.attempts, message.last_error, message.next_attempt_at) == (
        1, "The server answered HTTP 404.", None
    )


def test_unreachable_webhook_is_retried(world, http_server):
    url = f"{http_server.url}/hook"
    http_server.shutdown()
    http_server.server_close()
    message = _pending(world, Address("webhook", url))
    assert message_deliver(message.pk) == "failed"
    assert _reload(message).last_error.startswith("The server could not be reached:")


def test_sms_default_provider_keeps_it_in_the_outbox(world, http_server):
    user = make_user(world.tenant, mobile="13812345678", language="en")
    [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[user],
                       context=CONTEXT, channels=["sms"])
    assert message_deliver(message.pk) == "sent"
    message = _reload(message)
    assert (message.address, message.body) == ("+8613812345678", f"Lift stuck is yours, {user}.")
    assert http_server.requests == []


def test_http_sms_provider_posts_to_the_gateway(world, http_server, settings):
    settings.SMS_PROVIDER = "linli.core.notifications.sms.HttpSmsProvider"
    settings.SMS_PROVIDER_OPTIONS = {"api_url": f"{http_server.url}/sms", "api_key": "k-1",
                                     "sign_name": "邻里"}
    message = _pending(world, Address("sms", "+8613812345678", language="zh-hans"))
    assert message_deliver(message.pk) == "sent"
    [request] = http_server.requests
    assert request["headers"]["Authorization"] == "Bearer k-1"
    assert request["json"] == {"to": "+8613812345678", "text": "Lift stuck 已派给您，。",
                               "sign_name": "邻里", "reference": str(message.pk)}


def test_http_sms_provider_without_gateway_address_retries(world, settings):
    settings.SMS_PROVIDER = "linli.core.notifications.sms.HttpSmsProvider"
    settings.SMS_PROVIDER_OPTIONS = {"api_url": ""}
    message = _pending(world, Address("sms", "+8613812345678"))
    assert message_deliver(message.pk) == "failed"
    assert _reload(message).last_error == "No SMS gateway address is configured (SMS_API_URL)."


class ExplodingSmsProvider:
    def __init__(self, options):
        self.options = options

    def send(self, message):
        raise RuntimeError("gateway library crashed")


def test_an_unexpected_error_of_a_provider_is_retried(world, settings):
    settings.SMS_PROVIDER = f"{__name__}.ExplodingSmsProvider"
    message = _pending(world, Address("sms", "+8613812345678"))
    assert message_deliver(message.pk) == "failed"
    assert _reload(message).last_error == "RuntimeError: gateway library crashed"


def test_retries_back_off_exponentially_then_give_up(world, http_server, settings, monkeypatch):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    clock = _Clock(monkeypatch)
    http_server.answers.extend([(500, b"{}")] * 3)
    message = _pending(world, Address("webhook", f"{http_server.url}/hook"))

    assert deliver_due_messages() == 1
    message = _reload(message)
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.next_attempt_at == clock.now + timedelta(seconds=60)
    assert message.last_error == "The server answered HTTP 500."

    clock.advance(59)
    assert deliver_due_messages() == 0
    assert deliver_message(message.pk) == "failed"  # not due yet: nothing sent
    assert len(http_server.requests) == 1

    clock.advance(1)
    assert deliver_due_messages() == 1
    message = _reload(message)
    assert (message.status, message.attempts) == ("failed", 2)
    assert message.next_attempt_at == clock.now + timedelta(seconds=120)

    clock.advance(120)
    assert deliver_due_messages() == 1
    message = _reload(message)
    assert (message.status, message.attempts, message.next_attempt_at) == ("dead", 3, None)
    assert len(http_server.requests) == 3
    clock.advance(3600)
    assert deliver_due_messages() == 0


def test_back_off_is_capped(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 3600
    assert [services.retry_delay(n).total_seconds() for n in (1, 2, 3, 6, 7, 10)] == [
        60, 120, 240, 1920, 3600, 3600
    ]


def test_delivering_twice_sends_once(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant, email="ops@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[user],
                           context=CONTEXT, channels=["email"])
    assert deliver_message(message.pk) == "sent"
    assert deliver_due_messages() == 0
    assert len(mail.outbox) == 1
    assert _reload(message).attempts == 1


def test_a_message_claimed_by_another_worker_is_skipped(world):
    message = _pending(world, Address("email", "ops@example.com"))
    Message.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=200)
    )
    assert message_deliver(message.pk) == "pending"
    assert mail.outbox == []
    assert _reload(message).attempts == 0


def test_a_worker_that_died_mid_send_leaves_the_message_to_the_sweep(world, monkeypatch):
    message = _pending(world, Address("email", "ops@example.com"))

    def crash(message):
        raise SystemExit("worker killed")

    monkeypatch.setattr(services.senders, "send", crash)
    with pytest.raises(SystemExit):
        message_deliver(message.pk)
    message = _reload(message)
    assert (message.status, message.attempts) == ("pending", 1)
    monkeypatch.undo()
    clock = _Clock(monkeypatch)
    clock.advance(299)
    assert deliver_due_messages() == 0
    clock.advance(2)
    assert deliver_due_messages() == 1
    assert (_reload(message).status, _reload(message).attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_sweep_delivers_what_a_broker_outage_left_behind(world, django_capture_on_commit_callbacks,
                                                         monkeypatch):
    def broker_down(message_id):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(services, "_enqueue_delivery", broker_down)
    user = make_user(world.tenant, email="ops@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(tenant=world.tenant, event="test.assigned", recipients=[user],
                           context=CONTEXT, channels=["email"])
    assert _reload(message).status == "pending"
    assert mail.outbox == []
    monkeypatch.undo()
    assert deliver_due_messages() == 1
    assert _reload(message).status == "sent"
    assert len(mail.outbox) == 1


def test_missing_message_is_ignored():
    assert message_deliver(987654) is None


def test_retry_sends_a_dead_message_again(world, django_capture_on_commit_callbacks, http_server):
    admin = make_user(world.tenant, perms=["core.view_message", "core.change_message"])
    http_server.answers.append((404, b"{}"))
    message = _pending(world, Address("webhook", f"{http_server.url}/hook"))
    assert message_deliver(message.pk) == "dead"
    with django_capture_on_commit_callbacks(execute=True):
        message_retry(actor=admin, message_id=message.pk)
    message = _reload(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    event = DomainEvent.objects.get(subject_id=message.pk, verb="retried")
    assert (event.actor_id, event.old_value, event.new_value) == (admin.pk, "dead", "pending")


def test_retry_refusals(world):
    viewer = make_user(world.tenant, perms=["core.view_message"])
    admin = make_user(world.tenant, perms=["core.view_message", "core.change_message"])
    outsider = make_user(world.other_tenant, superuser=True)
    message = _pending(world, Address("email", "ops@example.com"))
    with pytest.raises(ValidationError) as not_failed:
        message_retry(actor=admin, message_id=message.pk)
    assert not_failed.value.messages == ["Only messages that failed can be sent again."]
    Message.objects.filter(pk=message.pk).update(status="dead")
    with pytest.raises(PermissionDenied):
        message_retry(actor=viewer, message_id=message.pk)
    with pytest.raises(Http404):
        message_retry(actor=outsider, message_id=message.pk)
    assert _reload(message).status == "dead"


def test_delivery_error_carries_permanence():
    assert (DeliveryError("x").permanent, DeliveryError("x", permanent=True).permanent) == (
        False, True
    )
