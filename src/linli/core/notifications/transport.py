"""Errors of delivery and the one HTTP client the webhook channel and HTTP SMS gateways share."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

RESPONSE_LIMIT = 64 * 1024


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def post_json(url: str, payload: dict, *, headers: dict[str, str] | None = None,
              timeout: float | None = None) -> bytes:
    """POST ``payload`` as UTF-8 JSON; the answer's body on 2xx, else ``DeliveryError``."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError(_("Only http and https addresses can be called."), permanent=True)
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    if timeout is None:
        timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.read(RESPONSE_LIMIT)
    except urllib.error.HTTPError as exc:
        # Client errors will not get better by retrying, except time-outs and rate limits.
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise DeliveryError(
            _("The server answered HTTP %(code)s.") % {"code": exc.code}, permanent=permanent
        ) from exc
    except urllib.error.URLError as exc:
        raise DeliveryError(
            _("The server could not be reached: %(reason)s") % {"reason": exc.reason}
        ) from exc
    except OSError as exc:  # time-outs and resets while reading the answer
        raise DeliveryError(
            _("The server could not be reached: %(reason)s") % {"reason": exc}
        ) from exc
