"""PLAT-5: notify() writes outbox rows in the caller's transaction, rendered per language."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from linli.core.notifications.catalogue import register_event
from linli.core.notifications.choices import MessageChannel, MessageStatus
from linli.core.notifications.models import Message, NotificationTemplate
from linli.core.notifications.services import Address, notification_template_save, notify
from tests.builders import make_user

pytestmark = pytest.mark.django_db


def _notify(world, recipients, **kwargs):
    kwargs.setdefault("context", {"number": "WO-7", "summary": "Leaking pipe"})
    return notify(tenant=world.tenant, event="test.assigned", recipients=recipients, **kwargs)


def test_in_app_message_is_an_inbox_item_at_once(world):
    user = make_user(world.tenant, display_name="王五", language="en")
    boss = make_user(world.tenant)
    [message] = _notify(world, [user], actor=boss)
    message.refresh_from_db()
    assert (message.channel, message.status, message.recipient_id, message.actor_id) == (
        "in_app", "sent", user.pk, boss.pk
    )
    assert message.subject == "Order WO-7 assigned"
    assert message.body == "Leaking pipe is yours, 王五."
    assert message.sent_at is not None
    assert message.next_attempt_at is None
    assert message.payload == {"number": "WO-7", "summary": "Leaking pipe"}


def test_messages_roll_back_with_the_callers_transaction(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant, email="wang@example.com")
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        _notify(world, [user], channels=["in_app", "email"])
        assert Message.objects.count() == 2
        raise RuntimeError("the change that caused them failed")
    assert Message.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_delivery_is_queued_only_after_commit(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant, email="wang@example.com", language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [message] = _notify(world, [user], channels=["email"])
    message.refresh_from_db()
    assert message.status == "pending"
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == "sent"
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Order WO-7 assigned", ["wang@example.com"])
    ]


def test_each_recipient_gets_their_own_language(world):
    english = make_user(world.tenant, language="en", display_name="Ann")
    chinese = make_user(world.tenant, language="zh-hans", display_name="李四")
    messages = _notify(world, [english, chinese])
    assert [(m.language, m.subject, m.body) for m in messages] == [
        ("en", "Order WO-7 assigned", "Leaking pipe is yours, Ann."),
        ("zh-hans", "工单 WO-7 已派单", "Leaking pipe 已派给您，李四。"),
    ]


def test_a_language_without_a_text_falls_back_to_the_site_language(world, settings):
    register_event("test.english_only", subject={"en": "Hello"},
                   body={"en": "Hi {{ name }}", "zh-hans": "你好 {{ name }}"})
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("en", "English"), ("fr", "Français")]
    user = make_user(world.tenant)
    user.language = "fr"
    [message] = notify(tenant=world.tenant, event="test.english_only", recipients=[user],
                       context={"name": "Zoé"})
    assert (message.subject, message.body, message.language) == ("Hello", "Hi Zoé", "fr")


def test_tenant_template_overrides_the_default_and_channel_row_beats_any_channel(world):
    user = make_user(world.tenant, language="zh-hans", email="li@example.com")
    notification_template_save(actor=None, tenant=world.tenant, event="test.assigned",
                               language="zh-hans", subject="【物业】{{ number }}",
                               body="请处理：{{ summary }}")
    notification_template_save(actor=None, tenant=world.tenant, event="test.assigned",
                               language="zh-hans", channel="email", subject="邮件 {{ number }}",
                               body="邮件正文：{{ summary }}")
    notification_template_save(actor=None, tenant=world.other_tenant, event="test.assigned",
                               language="zh-hans", subject="别家 {{ number }}", body="别家")
    messages = _notify(world, [user], channels=["in_app", "email"])
    assert [(m.channel, m.subject, m.body) for m in messages] == [
        ("in_app", "【物业】WO-7", "请处理：Leaking pipe"),
        ("email", "邮件 WO-7", "邮件正文：Leaking pipe"),
    ]


def test_platform_default_row_applies_when_the_tenant_has_none(world):
    user = make_user(world.tenant, language="en")
    notification_template_save(actor=None, tenant=None, event="test.assigned", language="en",
                               subject="Platform {{ number }}", body="Platform body")
    [message] = _notify(world, [user])
    assert (message.subject, message.body) == ("Platform WO-7", "Platform body")


def test_same_dedup_key_twice_writes_one_message(world):
    user = make_user(world.tenant, email="wang@example.com")
    first = _notify(world, [user], channels=["in_app", "email"], dedup_key="wo-7-assigned")
    second = _notify(world, [user], channels=["in_app", "email"], dedup_key="wo-7-assigned")
    other = _notify(world, [user], channels=["in_app"], dedup_key="wo-8-assigned")
    assert (len(first), second, len(other)) == (2, [], 1)
    assert Message.objects.filter(recipient=user).count() == 3


def test_dedup_key_is_per_tenant(world):
    ours = make_user(world.tenant)
    theirs = make_user(world.other_tenant)
    _notify(world, [ours], dedup_key="k")
    written = notify(tenant=world.other_tenant, event="test.assigned", recipients=[theirs],
                     context={}, dedup_key="k")
    assert len(written) == 1


def test_users_are_reached_where_they_have_an_address(world):
    with_all = make_user(world.tenant, email="a@example.com", mobile="138 1234 5678")
    bare = make_user(world.tenant)
    messages = _notify(world, [with_all, bare], channels=["in_app", "email", "sms", "webhook"])
    assert [(m.recipient_id, m.channel, m.address) for m in messages] == [
        (with_all.pk, "in_app", ""),
        (with_all.pk, "email", "a@example.com"),
        (with_all.pk, "sms", "+8613812345678"),
        (bare.pk, "in_app", ""),
    ]


def test_inactive_users_get_nothing(world):
    user = make_user(world.tenant)
    user.is_active = False
    assert _notify(world, [user]) == []


def test_addresses_use_their_own_channel_and_are_validated(world):
    messages = _notify(world, [
        Address(MessageChannel.EMAIL, " ops@example.com "),
        Address(MessageChannel.SMS, "0755-8888 8888", language="zh-hans"),
        Address(MessageChannel.WEBHOOK, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
    ])
    assert [(m.channel, m.address, m.language, m.recipient_id, m.status) for m in messages] == [
        ("email", "ops@example.com", "en", None, "pending"),
        ("sms", "+8675588888888", "zh-hans", None, "pending"),
        ("webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "en", None,
         "pending"),
    ]
    assert messages[1].body == "Leaking pipe 已派给您，。"


@pytest.mark.parametrize(("address", "error"), [
    (Address("email", "not-an-address"), "Enter a valid email address."),
    (Address("sms", "12345"), "“12345” is not a valid phone number. Enter an 11-digit mobile "
                              "number or a landline with its area code, e.g. 010-12345678."),
    (Address("webhook", "ftp://example.com/hook"), "Enter a valid URL."),
    (Address("in_app", "someone"), "In-app messages go to users, not to addresses."),
])
def test_bad_addresses_are_refused_and_nothing_is_written(world, address, error):
    user = make_user(world.tenant)
    with pytest.raises(ValidationError) as caught:
        _notify(world, [user, address])
    assert caught.value.message_dict == {"recipients": [error]}
    assert Message.objects.count() == 0


def test_a_user_of_another_tenant_is_refused(world):
    stranger = make_user(world.other_tenant)
    with pytest.raises(ValidationError) as caught:
        _notify(world, [stranger])
    assert caught.value.message_dict == {
        "recipients": ["A recipient belongs to another organisation."]
    }
    assert Message.objects.count() == 0


def test_unknown_event_is_a_programming_error(world):
    with pytest.raises(LookupError, match="not registered"):
        notify(tenant=world.tenant, event="no.such.event", recipients=[], context={})


def test_register_event_needs_every_site_language():
    with pytest.raises(ValueError, match="zh-hans"):
        register_event("test.half", subject={"en": "x"}, body={"en": "x"})


def test_payload_keeps_objects_as_text_and_only_local_links(world):
    user = make_user(world.tenant, display_name="赵六")
    [safe] = _notify(world, [user], context={"who": user, "url": "/servicedesk/7/"})
    [unsafe] = _notify(world, [user], context={"url": "javascript:alert(1)"})
    [foreign] = _notify(world, [user], context={"url": "https://evil.example.com/"})
    assert safe.payload == {"who": "赵六", "url": "/servicedesk/7/"}
    assert (safe.url, unsafe.url, foreign.url) == ("/servicedesk/7/", "", "")


def test_template_save_refusals(world):
    clerk = make_user(world.tenant, perms=["core.view_message"])
    admin = make_user(world.tenant, perms=["core.change_notificationtemplate"])
    with pytest.raises(PermissionDenied):
        notification_template_save(actor=clerk, tenant=world.tenant, event="test.assigned",
                                   language="en", body="x")
    with pytest.raises(ValidationError) as invalid:
        notification_template_save(actor=admin, tenant=world.tenant, event="nope",
                                   language="xx", channel="fax", body="{% if %}")
    assert invalid.value.message_dict == {
        "event": ["There is no such event."],
        "language": ["Choose one of the site's languages."],
        "channel": ["Choose a channel."],
        "body": ["The template is not valid: Unexpected end of expression in if tag."],
    }
    with pytest.raises(PermissionDenied):
        notification_template_save(actor=admin, tenant=world.other_tenant,
                                   event="test.assigned", language="en", body="x")
    with pytest.raises(PermissionDenied):
        notification_template_save(actor=admin, tenant=None, event="test.assigned",
                                   language="en", body="x")
    assert NotificationTemplate.objects.count() == 0


def test_template_save_replaces_the_same_slot(world):
    admin = make_user(world.tenant, perms=["core.change_notificationtemplate"])
    first = notification_template_save(actor=admin, tenant=world.tenant, event="test.assigned",
                                       language="en", body="one")
    second = notification_template_save(actor=admin, tenant=world.tenant,
                                        event="test.assigned", language="en", body="two")
    assert first.pk == second.pk
    second.refresh_from_db()
    assert second.body == "two"


def test_status_choices_have_badges():
    assert [MessageStatus(s).badge for s in MessageStatus.values] == [
        "secondary", "green", "orange", "red"
    ]


# --- notify_all: many notices of one event at once (the SLA scan's batches) ------------------

def _notice(tenant, users, number, key=None):
    from linli.core.notifications.services import Notice

    return Notice(tenant=tenant, recipients=users, context={"number": number, "summary": "漏水"},
                  dedup_key=key)


def _notify_all(notices, **kwargs):
    from linli.core.notifications.services import notify_all

    return notify_all(event="test.assigned", notices=notices, **kwargs)


@pytest.fixture(params=[100, 1], ids=["insert", "copy"])
def copy_from(request, monkeypatch):
    """``notify_all`` writes a batch by COPY on PostgreSQL from ``COPY_FROM`` messages on: run
    with the threshold at 1 as well, so the COPY path is taken by these small batches."""
    from linli.core.notifications import services

    monkeypatch.setattr(services, "COPY_FROM", request.param)
    return request.param


def test_notify_all_writes_what_notify_writes_for_each_notice(world, copy_from):
    ann = make_user(world.tenant, language="en", display_name="Ann", email="ann@example.com")
    li = make_user(world.tenant, language="zh-hans", display_name="李四")
    theirs = make_user(world.other_tenant, language="en", display_name="Bo")
    notification_template_save(actor=None, tenant=world.other_tenant, event="test.assigned",
                               language="en", subject="Theirs {{ number }}", body="{{ summary }}")
    boss = make_user(world.tenant)
    written = _notify_all([_notice(world.tenant, [ann, li], "WO-1"),
                           _notice(world.other_tenant.pk, [theirs], "WO-2")],
                          channels=["in_app", "email"], actor=boss)
    singly = [*_notify(world, [ann, li], channels=["in_app", "email"], actor=boss,
                       context={"number": "WO-1", "summary": "漏水"}),
              *notify(tenant=world.other_tenant, event="test.assigned", recipients=[theirs],
                      context={"number": "WO-2", "summary": "漏水"},
                      channels=["in_app", "email"], actor=boss)]

    def described(messages):
        return [(m.tenant_id, m.recipient_id, m.channel, m.address, m.language, m.subject,
                 m.body, m.payload, m.status, m.actor_id) for m in messages]

    assert described(written) == described(singly)
    assert described(written)[0][5:7] == ("Order WO-1 assigned", "漏水 is yours, Ann.")
    assert described(written)[3][5:7] == ("Theirs WO-2", "漏水")
    assert all(m.pk for m in written)


def test_notify_all_skips_keys_written_before_or_repeated(world):
    user = make_user(world.tenant, email="wang@example.com")
    _notify(world, [user], channels=["in_app"], dedup_key="warn:1")
    written = _notify_all([_notice(world.tenant, [user], "WO-1", "warn:1"),
                           _notice(world.tenant, [user], "WO-2", "warn:2"),
                           _notice(world.tenant, [user], "WO-2", "warn:2"),
                           _notice(world.tenant, [user], "WO-3"),
                           _notice(world.tenant, [user], "WO-3")],
                          channels=["in_app", "email"])
    # warn:1 was written for in-app only, so its e-mail is still new.
    assert [(m.payload["number"], m.channel) for m in written] == [
        ("WO-1", "email"), ("WO-2", "in_app"), ("WO-2", "email"), ("WO-3", "in_app"),
        ("WO-3", "email"), ("WO-3", "in_app"), ("WO-3", "email")]
    again = _notify_all([_notice(world.tenant, [user], "WO-2", "warn:2")],
                        channels=["in_app", "email"])
    assert again == []


def test_notify_all_queues_each_delivery_after_commit(world, django_capture_on_commit_callbacks,
                                                     copy_from):
    users = [make_user(world.tenant, email=f"u{n}@example.com", language="en")
             for n in range(2)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        written = _notify_all([_notice(world.tenant, [user], f"WO-{n}", f"k{n}")
                               for n, user in enumerate(users)], channels=["in_app", "email"])
    pending = [m for m in written if m.channel == "email"]
    assert [m.status for m in pending] == ["pending", "pending"]
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert sorted(Message.objects.filter(channel="email").values_list("status", flat=True)
                  ) == ["sent", "sent"]
    assert sorted(m.to[0] for m in mail.outbox) == ["u0@example.com", "u1@example.com"]


def test_notify_all_costs_the_same_statements_for_one_notice_or_many(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    users = [make_user(world.tenant, email=f"u{n}@example.com") for n in range(6)]
    counts = []
    for batch in (users[:1], users[1:]):
        with CaptureQueriesContext(connection) as queries:
            _notify_all([_notice(world.tenant, [u], f"WO-{u.pk}", f"k{u.pk}") for u in batch],
                        channels=["in_app", "email"])
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Message.objects.count() == 12


def test_notify_all_steps_around_a_key_written_meanwhile(world, monkeypatch, copy_from):
    from linli.core.notifications import services

    user = make_user(world.tenant)
    _notify(world, [user], dedup_key="breach:1")
    # As if a concurrent notify wrote the key after this call looked: the insert of the batch
    # fails, and the messages are written one by one, leaving out the one already there.
    monkeypatch.setattr(services, "_not_written_yet", lambda messages: messages)
    written = _notify_all([_notice(world.tenant, [user], "WO-1", "breach:1"),
                           _notice(world.tenant, [user], "WO-2", "breach:2")])
    assert [m.payload["number"] for m in written] == ["WO-2"]
    assert Message.objects.filter(recipient=user).count() == 2
