"""SMS providers. ``settings.SMS_PROVIDER`` names the class by dotted path; it is built with
``settings.SMS_PROVIDER_OPTIONS`` (a dict) and must offer ``send(message)``, which delivers
``message.body`` to ``message.address`` (an E.164 number) or raises
``linli.core.notifications.transport.DeliveryError``.

Add a provider (Aliyun, Tencent Cloud, a carrier gateway) by writing such a class in any
installed module and pointing ``SMS_PROVIDER`` at it; see docs/user-guide/notifications.md.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from linli.core.notifications.transport import DeliveryError, post_json

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def __init__(self, options: dict) -> None: ...

    def send(self, message) -> None: ...


class OutboxSmsProvider:
    """The embedded default: no gateway; the message is marked sent and read in the outbox."""

    def __init__(self, options: dict) -> None:
        self.options = options

    def send(self, message) -> None:
        logger.info("SMS message %s kept in the outbox (no SMS gateway configured)", message.pk)


class HttpSmsProvider:
    """A JSON gateway: POST {"to", "text", "sign_name", "reference"} to ``options["api_url"]``
    with ``Authorization: Bearer <api_key>`` when a key is set; any 2xx answer is success."""

    def __init__(self, options: dict) -> None:
        self.api_url = options.get("api_url", "")
        self.api_key = options.get("api_key", "")
        self.sign_name = options.get("sign_name", "")
        self.timeout = float(options.get("timeout", settings.WEBHOOK_TIMEOUT_SECONDS))

    def send(self, message) -> None:
        if not self.api_url:
            # Not permanent: the message is retried once an operator sets the address.
            raise DeliveryError(_("No SMS gateway address is configured (SMS_API_URL)."))
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        post_json(
            self.api_url,
            {"to": message.address, "text": message.body, "sign_name": self.sign_name,
             "reference": str(message.pk)},
            headers=headers, timeout=self.timeout,
        )
