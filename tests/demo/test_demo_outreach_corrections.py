"""The contact correction and content calendar demo stage: the first campaign's unreachable
companies under correction in all three phases, agents' answers, one recorded spot check and
this month's and next month's calendar."""

import time

import pytest
from django.test import Client
from faker import Faker

from linli.core.request_context import Channel, acting
from linli.demo import outreach, outreach_corrections
from linli.demo.generator import DemoContext, DemoReport, MobileProvider, platform_stage
from linli.outreach import selectors
from linli.outreach.models import ContactCorrection, ContactReview, ContentItem, SpotCheck


@pytest.mark.django_db
def test_correction_demo_has_every_phase_a_spot_check_and_a_calendar():
    faker = Faker("zh_CN")
    faker.add_provider(MobileProvider)
    faker.seed_instance(1)
    ctx = DemoContext(faker=faker, log=lambda _m: None, report=DemoReport())
    with acting(None, Channel.JOB):
        platform_stage(ctx)
        outreach.outreach_stage(ctx)
        started = time.monotonic()
        outreach_corrections.corrections_stage(ctx)
        elapsed = time.monotonic() - started
    assert elapsed < 60, elapsed
    operator = ctx.users["operator"]
    assert selectors.review_phase_counts(operator) == {
        "sort_correct": 691 - outreach_corrections.VERIFYING,
        "verify": outreach_corrections.VERIFYING - outreach_corrections.IN_USE,
        "in_use": outreach_corrections.IN_USE}
    assert ContactReview.objects.exclude(reason="").count() == outreach_corrections.ANSWERED
    assert ContactCorrection.objects.filter(status="accepted", verified_by=operator).exists()
    assert ContactCorrection.objects.filter(source="agent").exists()
    check = SpotCheck.objects.get()
    assert len(check.sample) >= 3 * 60 and check.campaign.tasks.count() == len(check.sample)
    assert ContentItem.objects.filter(status="published").exists()
    client = Client()
    client.force_login(operator)
    review = ContactReview.objects.filter(phase="verify").first()
    assert client.get("/outreach/corrections/").status_code == 200
    assert client.get(f"/outreach/corrections/{review.pk}/").status_code == 200
    assert client.get("/outreach/content/").status_code == 200
    assert client.get(f"/outreach/spot-checks/{check.pk}/").status_code == 200
    with acting(None, Channel.JOB):
        outreach_corrections.corrections_stage(ctx)  # a second run adds nothing
    assert SpotCheck.objects.count() == 1
    assert ContentItem.objects.count() == 2 * len(outreach_corrections.CONTENT)
