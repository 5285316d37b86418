"""Delivery of one outbox message through its channel.

Each sender either returns (delivered) or raises ``DeliveryError``; ``permanent`` errors (no
address, a URL that is not http(s), a 4xx answer) are not retried. In-app messages need no
delivery: ``notify`` stores them as sent.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.core.notifications.choices import MessageChannel
from linli.core.notifications.sms import SmsProvider
from linli.core.notifications.transport import DeliveryError, post_json


def _send_email(message) -> None:
    if not message.address:
        raise DeliveryError(_("The message has no e-mail address."), permanent=True)
    send_mail(message.subject, message.body, None, [message.address], fail_silently=False)


def _send_sms(message) -> None:
    if not message.address:
        raise DeliveryError(_("The message has no phone number."), permanent=True)
    sms_provider().send(message)


def _send_webhook(message) -> None:
    """A WeCom / DingTalk group-robot style text message."""
    content = f"{message.subject}\n{message.body}" if message.subject else message.body
    answer = post_json(message.address, {"msgtype": "text", "text": {"content": content}})
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return  # a plain-text 2xx answer is a success for a generic webhook
    # The robots answer HTTP 200 with {"errcode": 0}; any other errcode is a failure.
    if isinstance(data, dict) and data.get("errcode", 0) != 0:
        raise DeliveryError(
            _("The webhook refused the message: %(code)s %(reason)s")
            % {"code": data.get("errcode"), "reason": data.get("errmsg", "")}
        )


def sms_provider() -> SmsProvider:
    """The provider named by ``settings.SMS_PROVIDER``, built with ``SMS_PROVIDER_OPTIONS``."""
    provider_class = import_string(settings.SMS_PROVIDER)
    return provider_class(getattr(settings, "SMS_PROVIDER_OPTIONS", {}))


SENDERS = {
    MessageChannel.EMAIL: _send_email,
    MessageChannel.SMS: _send_sms,
    MessageChannel.WEBHOOK: _send_webhook,
}


def send(message) -> None:
    SENDERS[message.channel](message)
