"""OUT-5: editions with private documents, channels as data, days rolled to working days on
the real 2026 calendar, target lists, the distribution state machine and real e-mail with a
status per recipient; bad input and scope."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linli.outreach import services
from linli.outreach.distribution import selectors
from linli.outreach.models import Distribution, DistributionRecipient, Edition, Promotion
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


@pytest.fixture(autouse=True)
def _media(private_media):
    """Uploads into a folder of this test alone (e-mail goes to ``mail.outbox``)."""


@pytest.fixture
def operator(world):
    return make_user(world.tenant, world.root, DISTRIBUTOR, username="operator")


def _distribution(world, operator, code="email", edition=None, **fields):
    return services.distribution_create(
        actor=operator, tenant=world.tenant, org_unit=world.root,
        edition=edition or make_edition(world), channel=channel(world, code), **fields)


# --- channels and days ----------------------------------------------------------------------

def test_the_seed_channels_with_department_and_day(world):
    services.channels_install(tenant=world.tenant)
    services.channels_install(tenant=world.tenant)  # idempotent
    rows = [(c.code, c.department, c.day_of_month)
            for c in selectors.channel_list(make_user(world.tenant, world.root, DISTRIBUTOR))]
    assert rows == [("paper", "业务拓展部、客服部、代理商", 10), ("email", "商务部", 13),
                    ("website", "市场部", 13), ("wechat-weibo", "运营推广部", None),
                    ("qq-groups", "业务拓展部、客服部", None)]


@pytest.mark.parametrize(("code", "month", "chosen", "expected"), [
    # 2026-06-13 is a Saturday: the e-mail goes on Monday the 15th.
    ("email", dt.date(2026, 6, 1), None, dt.date(2026, 6, 15)),
    # 2026-01-10 is a Saturday: paper on Monday the 12th.
    ("paper", dt.date(2026, 1, 1), None, dt.date(2026, 1, 12)),
    # 2026-09-13 is a Sunday: the website on Monday the 14th.
    ("website", dt.date(2026, 9, 1), None, dt.date(2026, 9, 14)),
    # 2026-10-10 is a Saturday but a make-up working day of the National Day holiday.
    ("paper", dt.date(2026, 10, 1), None, dt.date(2026, 10, 10)),
    # 2026-02-13 is a Friday before the Spring Festival: kept.
    ("email", dt.date(2026, 2, 1), None, dt.date(2026, 2, 13)),
    # WeChat on National Day waits for the end of the holiday (1–7 October).
    ("wechat-weibo", dt.date(2026, 10, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 8)),
    # WeChat in the Spring Festival (15–23 February) waits until the 24th …
    ("wechat-weibo", dt.date(2026, 2, 1), dt.date(2026, 2, 16), dt.date(2026, 2, 24)),
    # … and on Saturday 14 February, a make-up working day, it stays.
    ("qq-groups", dt.date(2026, 2, 1), dt.date(2026, 2, 14), dt.date(2026, 2, 14)),
])
def test_days_roll_to_the_next_working_day(world, operator, code, month, chosen, expected):
    distribution = _distribution(world, operator, code, edition=make_edition(world, month=month),
                                 chosen_date=chosen)
    assert distribution.scheduled_for == expected


def test_an_irregular_channel_needs_its_day(world, operator):
    with pytest.raises(ValidationError) as caught:
        _distribution(world, operator, "wechat-weibo")
    assert caught.value.message_dict == {"chosen_date": [
        "This channel has no fixed day: choose the day."]}


def test_no_paper_in_a_month_without_new_content(world, operator):
    quiet = make_edition(world, "七月报纸", kind="newsletter", month=dt.date(2026, 7, 1),
                         has_new_content=False)
    with pytest.raises(ValidationError) as caught:
        _distribution(world, operator, "paper", edition=quiet)
    assert caught.value.message_dict == {"channel": [
        "This month has no new content: nothing is printed, send it by e-mail only."]}
    assert Distribution.objects.count() == 0
    assert _distribution(world, operator, "email", edition=quiet).status == "draft"


# --- editions -------------------------------------------------------------------------------

def test_an_edition_keeps_its_document_privately(world, operator):
    edition = services.edition_create(actor=operator, tenant=world.tenant, org_unit=world.root,
                                      kind="handbook", title="产品手册 V3", version="3",
                                      month=dt.date(2026, 6, 18), file=pdf())
    assert (edition.month, edition.file_name, edition.content_type) == (
        dt.date(2026, 6, 1), "handbook.pdf", "application/pdf")
    assert edition.file.name.startswith(f"outreach/editions/{world.tenant.pk}/")
    client = Client()
    client.force_login(operator)
    response = client.get(f"/outreach/editions/{edition.pk}/file/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    outsider = Client()
    outsider.force_login(make_user(world.other_tenant, world.other_root, DISTRIBUTOR))
    assert outsider.get(f"/outreach/editions/{edition.pk}/file/").status_code == 404


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("handbook.pdf", b"MZ\x90\x00 not a pdf"),
    SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0 jpeg"),
    SimpleUploadedFile("notes.pdf.exe", b"%PDF-1.4 disguised"),
])
def test_a_file_that_is_not_a_document_is_refused(world, operator, upload):
    with pytest.raises(ValidationError) as caught:
        services.edition_create(actor=operator, tenant=world.tenant, org_unit=world.root,
                                kind="handbook", title="产品手册", version="3",
                                month=dt.date(2026, 6, 1), file=upload)
    assert caught.value.message_dict == {"file": [
        "This file is not a document: upload a PDF, Word, PowerPoint or Excel file."]}
    assert Edition.objects.count() == 0


def test_a_handbook_needs_its_version(world, operator):
    with pytest.raises(ValidationError) as caught:
        make_edition(world, version="")
    assert caught.value.message_dict == {"version": ["A handbook needs its major version."]}


# --- targets and the state machine ----------------------------------------------------------

def test_targets_are_signed_and_quality_unsigned_minus_opted_out(world, operator):
    _agent, expected = make_targets(world)
    found = selectors.distribution_targets(operator, world.tenant.pk)
    assert [p.organization.name for p in found] == [p.organization.name for p in expected]


def test_an_empty_target_list_is_refused_and_nothing_is_written(world, operator):
    distribution = _distribution(world, operator)
    with pytest.raises(ValidationError) as caught:
        services.distribution_transition(actor=operator, distribution=distribution,
                                         to="scheduled")
    assert caught.value.message_dict == {"status": [
        "No company is on this distribution's list: check the signed companies, the "
        "“quality unsigned” filter and the opt-outs."]}
    distribution.refresh_from_db()
    assert distribution.status == "draft"
    assert DistributionRecipient.objects.count() == 0


def test_a_move_out_of_order_is_refused(world, operator):
    make_targets(world)
    distribution = _distribution(world, operator)
    with pytest.raises(ValidationError) as caught:
        services.distribution_transition(actor=operator, distribution=distribution, to="sent")
    assert caught.value.message_dict == {"status": [
        "A distribution cannot go from “Draft” to “Sent”."]}
    services.distribution_transition(actor=operator, distribution=distribution, to="cancelled")
    with pytest.raises(ValidationError):
        services.distribution_transition(actor=operator, distribution=distribution,
                                         to="scheduled")


def test_email_is_really_sent_with_a_status_per_recipient(
        world, operator, django_capture_on_commit_callbacks):
    _agent, targets = make_targets(world)
    distribution = _distribution(world, operator)
    services.distribution_transition(actor=operator, distribution=distribution, to="scheduled")
    recipients = list(selectors.recipients_of(operator, distribution))
    assert [(r.partner.organization.name, r.delivery_status) for r in recipients] == [
        (p.organization.name, "queued") for p in targets]
    with pytest.raises(ValidationError):  # nothing goes twice
        services.distribution_transition(actor=operator, distribution=distribution,
                                         to="scheduled")
    with (mock.patch("linli.core.notifications.channels.send_mail",
                     side_effect=[1, OSError("mailbox full"), 1]),
          django_capture_on_commit_callbacks(execute=True)):
        services.distribution_transition(actor=operator, distribution=distribution, to="sent")
    recipients = list(selectors.recipients_of(operator, distribution))
    assert [(r.address, r.delivery_status, r.delivery_reason) for r in recipients] == [
        ("pm0@example.cn", "sent", ""),
        ("pm1@example.cn", "failed", "OSError: mailbox full"),
        ("office@example.cn", "sent", ""),
        ("", "failed", "The company has no valid e-mail address."),
    ]
    distribution.refresh_from_db()
    assert distribution.status == "sent"
    # Each company reached is mailed in its promotion and called back seven days later.
    assert Promotion.objects.filter(stage="mailed").count() == 3
    tasks = distribution.callback_campaign.tasks.order_by("pk")
    assert [t.partner_id for t in tasks] == [p.pk for p in targets[:3]]
    assert tasks[0].next_call_at - distribution.sent_at > dt.timedelta(days=6, hours=23)


def test_email_through_the_backend(world, operator, settings,
                                   django_capture_on_commit_callbacks):
    settings.LINLI_SITE_URL = "https://linli.example.cn"
    make_targets(world)
    distribution = _distribution(world, operator)
    services.distribution_transition(actor=operator, distribution=distribution, to="scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        services.distribution_transition(actor=operator, distribution=distribution, to="sent")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "office@example.cn", "pm0@example.cn", "pm1@example.cn"]
    assert mail.outbox[0].subject == "物业管理软件产品手册 V3"
    # Every company gets a link of its own, absolute on the site's public address.
    links = {link for m in mail.outbox for link in re.findall(
        r"https://linli\.example\.cn/outreach/download/[\w.:-]+/", m.body)}
    assert len(links) == 3


def test_paper_distribution_by_an_agent_in_pilot_cities(world, operator):
    agent, targets = make_targets(world)
    services.partner_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                            kind="property_company", name="厦门物业", city="厦门市",
                            agent=agent, signing_status="signed")
    distribution = _distribution(world, operator, "paper", agent=agent, rollout="pilot",
                                 cities=["福州市", " "])
    assert distribution.cities == ["福州市"]
    services.distribution_transition(actor=operator, distribution=distribution, to="scheduled")
    services.distribution_transition(actor=operator, distribution=distribution, to="sent")
    assert list(distribution.recipients.values_list("partner_id", "status")) == [
        (p.pk, "sent") for p in targets]
    assert set(Promotion.objects.values_list("rollout", flat=True)) == {"pilot"}


def test_pilot_needs_cities(world, operator):
    with pytest.raises(ValidationError) as caught:
        _distribution(world, operator, rollout="pilot")
    assert caught.value.message_dict == {"cities": ["Name the pilot cities."]}


def test_another_tenant_is_out_of_reach(world, operator):
    make_targets(world)
    distribution = _distribution(world, operator)
    stranger = make_user(world.other_tenant, world.other_root, DISTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.distribution_transition(actor=stranger, distribution=distribution,
                                         to="scheduled")
    foreign_agent = services.agent_create(actor=None, tenant=world.other_tenant,
                                          org_unit=world.other_root, name="外地代理")
    with pytest.raises(ValidationError) as caught:
        _distribution(world, operator, agent=foreign_agent)
    assert caught.value.message_dict == {"agent": ["Choose an agent you can see."]}
    api = Api(stranger)
    assert api.get(f"/outreach/distributions/{distribution.pk}").status_code == 404
    assert api.post(f"/outreach/distributions/{distribution.pk}/move",
                    {"to": "scheduled"}).status_code == 404
    assert api.get("/outreach/distributions").json()["items"] == []


# --- API and screens ------------------------------------------------------------------------

def test_api_flow(world, operator, django_capture_on_commit_callbacks):
    make_targets(world)
    edition = make_edition(world)
    api = Api(operator)
    email = channel(world, "email")
    created = api.post("/outreach/distributions", {
        "org_unit_id": world.root.pk, "edition_id": edition.pk, "channel_id": email.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["scheduled_for"], body["recipients"]) == (
        "draft", "2026-06-15", [])
    pk = body["id"]
    assert api.post(f"/outreach/distributions/{pk}/move", {"to": "sent"}).status_code == 422
    assert api.post(f"/outreach/distributions/{pk}/move", {"to": "scheduled"}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/outreach/distributions/{pk}/move", {"to": "sent"}).json()
    sent = api.get(f"/outreach/distributions/{pk}").json()
    assert [r["status"] for r in sent["recipients"]] == ["sent", "sent", "sent", "failed"]
    assert sent["recipients"][3]["reason"] == "The company has no valid e-mail address."
    assert len(mail.outbox) == 3
    bad = api.post("/outreach/distributions", {"org_unit_id": world.root.pk,
                                               "edition_id": edition.pk, "channel_id": 999999})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"channel_id": ["Choose an active channel of your own."]}
    listed = api.get("/outreach/editions").json()["items"]
    assert [e["title"] for e in listed] == ["物业管理软件产品手册 V3"]
    assert [c["code"] for c in api.get("/outreach/distribution-channels").json()][:2] == [
        "paper", "email"]


def test_api_edition_upload(world, operator):
    api = Api(operator)
    answer = api.client.post("/api/v1/outreach/editions", {
        "org_unit_id": world.root.pk, "kind": "newsletter", "title": "云上城月报 6月",
        "month": "2026-06-01", "file": SimpleUploadedFile("m.exe", b"MZ")}, **api.headers)
    assert answer.status_code == 422
    assert answer.json()["fields"] == {"file": [
        "This file is not a document: upload a PDF, Word, PowerPoint or Excel file."]}
    answer = api.client.post("/api/v1/outreach/editions", {
        "org_unit_id": world.root.pk, "kind": "newsletter", "title": "云上城月报 6月",
        "month": "2026-06-01", "file": pdf("june.pdf")}, **api.headers)
    assert answer.status_code == 201, answer.content
    assert answer.json()["file_url"] == f"/outreach/editions/{answer.json()['id']}/file/"


def test_screens(world, operator, django_capture_on_commit_callbacks):
    make_targets(world)
    client = Client()
    client.force_login(operator)
    page = client.post("/outreach/editions/new/", {
        "org_unit": world.root.pk, "kind": "handbook", "title": "产品手册 V4", "version": "4",
        "month": "2026-06-01", "has_new_content": "on", "file": pdf()})
    edition = Edition.objects.get()
    assert page.status_code == 302
    page = client.post("/outreach/distributions/new/", {
        "org_unit": world.root.pk, "edition": edition.pk,
        "channel": channel(world, "email").pk, "rollout": "national"})
    distribution = Distribution.objects.get()
    assert page["Location"] == f"/outreach/distributions/{distribution.pk}/"
    client.post(f"/outreach/distributions/{distribution.pk}/schedule/")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/outreach/distributions/{distribution.pk}/send/")
    page = client.get(f"/outreach/distributions/{distribution.pk}/").content.decode()
    assert page.count('data-delivery="sent"') == 3
    assert page.count('data-delivery="failed"') == 1
    refused = client.post(f"/outreach/distributions/{distribution.pk}/schedule/", follow=True)
    assert "A distribution cannot go from “Sent” to “Scheduled”." in refused.content.decode()
    for url in ("/outreach/editions/", f"/outreach/editions/{edition.pk}/",
                "/outreach/distributions/", "/outreach/distributions/new/"):
        assert client.get(url).status_code == 200
    bad = client.post("/outreach/editions/new/", {
        "org_unit": world.root.pk, "kind": "handbook", "title": "伪装", "version": "4",
        "month": "2026-06-01", "file": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert "This file is not a document" in bad.content.decode()
    assert Edition.objects.count() == 1


def test_scheduled_distributions_go_out_on_their_day(world, operator):
    from linli.outreach.tasks import send_due_distributions

    make_targets(world)
    june = _distribution(world, operator, "paper")  # 10 June 2026
    july = _distribution(world, operator, "paper", edition=make_edition(
        world, "七月手册", month=dt.date(2026, 7, 1)))
    for distribution in (june, july):
        services.distribution_transition(actor=operator, distribution=distribution,
                                         to="scheduled")
    assert [d.pk for d in services.distributions_send_due(dt.date(2026, 6, 9))] == []
    assert [d.pk for d in services.distributions_send_due(dt.date(2026, 6, 10))] == [june.pk]
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 7, 31)):
        assert send_due_distributions() == 1
    assert set(Distribution.objects.values_list("status", flat=True)) == {"sent"}
