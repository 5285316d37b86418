"""Signed links to an edition's document for the companies an e-mail reaches (OUT-5).

The property companies have no account: each recipient of an e-mailed edition gets a link of
its own, signed with the site's secret key and a timestamp (``django.core.signing``, a
``TimestampSigner``), that names the recipient and the edition. It opens without signing in,
serves that edition's document only, and stops working after
``settings.OUTREACH_DOWNLOAD_LINK_DAYS``; a link that was changed is refused as a whole. Links
are absolute, on ``settings.LINLI_SITE_URL``, so that an e-mail sent by a background job
carries the same link as one sent from a screen.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

SALT = "linli.outreach.edition-download"


class LinkExpired(Exception):
    """The link was genuine but is older than its validity."""


class LinkInvalid(Exception):
    """The link was not signed by this site, or was changed."""


class NoDocument(Exception):
    """The link is good but its edition has no document to serve."""


def site_url(path: str) -> str:
    """``path`` (from ``reverse``) as an absolute address on the site's public base URL."""
    return settings.LINLI_SITE_URL + path


def validity() -> dt.timedelta:
    return dt.timedelta(days=settings.OUTREACH_DOWNLOAD_LINK_DAYS)


def valid_until() -> dt.date:
    """The last day a link made now still works (local date)."""
    return timezone.localdate(timezone.now() + validity())


def download_url(recipient_id: int, edition_id: int) -> str:
    """The absolute, signed download link of ``edition_id``'s document for one recipient."""
    token = signing.dumps({"r": recipient_id, "e": edition_id}, salt=SALT, compress=True)
    return site_url(reverse("outreach:edition_download", args=[token]))


def read(token: str) -> tuple[int, int]:
    """(recipient id, edition id) of a link's token; LinkExpired or LinkInvalid otherwise."""
    # A day more than the validity: the e-mail promises the link until the end of
    # ``valid_until()``, a local date, not to the hour it was sent.
    try:
        data = signing.loads(token, salt=SALT, max_age=validity() + dt.timedelta(days=1))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not (isinstance(data, dict) and isinstance(data.get("r"), int)
            and isinstance(data.get("e"), int)):
        raise LinkInvalid
    return data["r"], data["e"]
