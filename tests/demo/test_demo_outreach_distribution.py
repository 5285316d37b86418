"""The distribution demo stage: two editions sent (paper by an agent, e-mail to the pilot
cities with a status per company), companies at several promotion stages and one agent's
subsidy statement awaiting approval."""

import pytest
from django.core import mail
from faker import Faker

from linli.core.request_context import Channel, acting
from linli.demo import outreach, outreach_distribution
from linli.demo.generator import DemoContext, DemoReport, MobileProvider, platform_stage
from linli.outreach.distribution import selectors
from linli.outreach.models import Distribution, Edition, Promotion, SubsidyStatement


@pytest.mark.django_db
def test_distribution_demo(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    faker = Faker("zh_CN")
    faker.add_provider(MobileProvider)
    faker.seed_instance(1)
    ctx = DemoContext(faker=faker, log=lambda _m: None, report=DemoReport())
    with acting(None, Channel.JOB):
        platform_stage(ctx)
        outreach.outreach_stage(ctx)
        with django_capture_on_commit_callbacks(execute=True):
            outreach_distribution.distribution_stage(ctx)
    tenant = ctx.tenants["linli"]
    assert Edition.objects.filter(tenant=tenant).count() == 2
    paper, email = Distribution.objects.filter(tenant=tenant).order_by("pk")
    assert (paper.channel.code, paper.status, email.channel.code, email.status) == (
        "paper", "sent", "email", "sent")
    operator = ctx.users["operator"]
    counts = selectors.delivery_counts(selectors.recipients_of(operator, email))
    assert counts["queued"] == 0
    assert counts["sent"] == len(mail.outbox) > 100
    assert counts["failed"] == email.recipients.filter(address="").count() > 0
    assert set(email.recipients.values_list("partner__organization__city", flat=True)) == {
        "福州市", "厦门市"}
    stages = set(Promotion.objects.filter(tenant=tenant).values_list("stage", flat=True))
    assert {"mailed", "received", "using_software", "declined"} <= stages
    statement = SubsidyStatement.objects.get(tenant=tenant)
    assert (statement.status, statement.agent_id, statement.lines.count()) == (
        "draft", paper.agent_id, 1)
