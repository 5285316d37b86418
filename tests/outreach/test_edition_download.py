"""OUT-5: the companies an edition is e-mailed to have no account: each gets a signed, expiring
link of its own, absolute on the site's public address (from a screen and from the scheduled
job alike), that opens the edition's document without signing in, records the first download
on its delivery and serves nothing else; a changed, foreign or expired link gets a clear
page."""

import datetime as dt
import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.test import Client

from linli.outreach import download_links, services
from linli.outreach.models import DistributionRecipient
from tests.builders import make_user
from tests.directory.test_organizations_api import Api
from tests.outreach.distribution_builders import (
    DISTRIBUTOR,
    channel,
    make_edition,
    make_targets,
    pdf,
)

pytestmark = pytest.mark.django_db

SITE = "https://linli.example.cn"
LINK = re.compile(r"https://linli\.example\.cn(/outreach/download/[\w.:-]+/)")


@pytest.fixture(autouse=True)
def _site_and_media(settings, private_media):
    settings.LINLI_SITE_URL = SITE


@pytest.fixture
def operator(world):
    return make_user(world.tenant, world.root, DISTRIBUTOR, username="operator")


def _scheduled(world, operator, edition=None):
    distribution = services.distribution_create(
        actor=operator, tenant=world.tenant, org_unit=world.root,
        edition=edition or make_edition(world, file=pdf()), channel=channel(world, "email"))
    return services.distribution_transition(actor=operator, distribution=distribution,
                                            to="scheduled")


def _send(world, operator, capture, edition=None):
    """An e-mail distribution sent now; (distribution, {address: link path})."""
    distribution = _scheduled(world, operator, edition)
    with capture(execute=True):
        services.distribution_transition(actor=operator, distribution=distribution, to="sent")
    return distribution, {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}


def _recipient(distribution, address) -> DistributionRecipient:
    return distribution.recipients.get(address=address)


def test_each_company_opens_its_own_link_without_signing_in(
        world, operator, django_capture_on_commit_callbacks):
    make_targets(world)
    distribution, links = _send(world, operator, django_capture_on_commit_callbacks)
    assert sorted(links) == ["office@example.cn", "pm0@example.cn", "pm1@example.cn"]
    assert len(set(links.values())) == 3
    anonymous = Client()
    response = anonymous.get(links["pm0@example.cn"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    first = _recipient(distribution, "pm0@example.cn").downloaded_at
    assert first is not None
    assert _recipient(distribution, "pm1@example.cn").downloaded_at is None
    # Downloading again keeps the first time.
    assert anonymous.get(links["pm0@example.cn"]).status_code == 200
    assert _recipient(distribution, "pm0@example.cn").downloaded_at == first
    # The distribution's page and the API show who downloaded.
    client = Client()
    client.force_login(operator)
    page = client.get(f"/outreach/distributions/{distribution.pk}/").content.decode()
    assert (page.count('data-downloaded="yes"'), page.count('data-downloaded="no"')) == (1, 3)
    recipients = Api(operator).get(f"/outreach/distributions/{distribution.pk}").json()[
        "recipients"]
    assert [r["downloaded_at"] is not None for r in recipients] == [True, False, False, False]


@pytest.mark.parametrize("change", [
    lambda path: path.replace("/download/", "/download/x"),  # the data changed
    lambda path: path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:],  # the signature
    lambda _path: "/outreach/download/not-a-link/",
])
def test_a_changed_link_gets_a_clear_page_and_nothing(
        world, operator, django_capture_on_commit_callbacks, change):
    make_targets(world)
    distribution, links = _send(world, operator, django_capture_on_commit_callbacks)
    response = Client().get(change(links["pm0@example.cn"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "This download link is not valid" in page
    assert "The link is incomplete or was changed." in page
    assert not distribution.recipients.filter(downloaded_at__isnull=False).exists()


def test_an_expired_link_gets_a_clear_page(world, operator, settings,
                                           django_capture_on_commit_callbacks):
    make_targets(world)
    distribution, links = _send(world, operator, django_capture_on_commit_callbacks)
    later = time.time() + (settings.OUTREACH_DOWNLOAD_LINK_DAYS + 2) * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = Client().get(links["pm0@example.cn"])
    assert response.status_code == 410
    assert "This download link has expired" in response.content.decode()
    assert "work for 30 days" in response.content.decode()
    assert _recipient(distribution, "pm0@example.cn").downloaded_at is None
    # Still within its days, the same link works.
    within = time.time() + (settings.OUTREACH_DOWNLOAD_LINK_DAYS - 1) * 86400
    with mock.patch("django.core.signing.time.time", return_value=within):
        assert Client().get(links["pm0@example.cn"]).status_code == 200
    # The e-mail promises the link until the end of a local day: an hour past the days works.
    last_day = time.time() + settings.OUTREACH_DOWNLOAD_LINK_DAYS * 86400 + 3600
    with mock.patch("django.core.signing.time.time", return_value=last_day):
        assert Client().get(links["pm1@example.cn"]).status_code == 200


def test_a_link_serves_only_its_own_edition_once_sent(
        world, operator, django_capture_on_commit_callbacks):
    make_targets(world)
    distribution, _links = _send(world, operator, django_capture_on_commit_callbacks)
    recipient = _recipient(distribution, "pm0@example.cn")
    other = make_edition(world, "另一本手册", file=pdf("other.pdf"))
    # Genuinely signed, but for an edition this company was not sent: refused.
    foreign = download_links.download_url(recipient.pk, other.pk).removeprefix(SITE)
    assert Client().get(foreign).status_code == 404
    # An edition scheduled but not sent yet cannot be fetched either.
    waiting = _scheduled(world, operator, other).recipients.get(address="pm0@example.cn")
    early = download_links.download_url(waiting.pk, other.pk).removeprefix(SITE)
    assert Client().get(early).status_code == 404
    assert not DistributionRecipient.objects.filter(downloaded_at__isnull=False).exists()


def test_an_edition_without_a_document_says_so(world, operator,
                                               django_capture_on_commit_callbacks):
    make_targets(world)
    distribution, links = _send(world, operator, django_capture_on_commit_callbacks,
                                edition=make_edition(world, "无附件月报", kind="newsletter"))
    response = Client().get(links["pm0@example.cn"])
    assert response.status_code == 404
    assert "There is no document to download" in response.content.decode()
    # Nothing was served, so nothing is recorded as downloaded.
    assert _recipient(distribution, "pm0@example.cn").downloaded_at is None


def test_the_scheduled_job_sends_absolute_links(world, operator,
                                                django_capture_on_commit_callbacks):
    from linli.outreach.tasks import send_due_distributions

    make_targets(world)
    distribution = _scheduled(world, operator)
    with (mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 6, 30)),
          django_capture_on_commit_callbacks(execute=True)):
        assert send_due_distributions() == 1
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        path = LINK.search(message.body).group(1)
        assert Client().get(path).status_code == 200
    assert distribution.recipients.filter(downloaded_at__isnull=False).count() == 3


@pytest.mark.parametrize(("value", "printed"), [
    ("https://linli.example.cn/ ", "https://linli.example.cn"),
    ("linli.example.cn", "LINLI_SITE_URL must start with http:// or https://"),
])
def test_the_site_address_is_read_from_the_environment(value, printed):
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "from linli import settings; print(settings.LINLI_SITE_URL)"],
        env={**os.environ, "LINLI_SITE_URL": value}, capture_output=True, text=True,
        timeout=60, check=False)
    assert printed in (done.stdout + done.stderr)
    assert (done.returncode == 0) == printed.startswith("https://")
