"""The outreach demo stage: about 4,000 companies in 60 cities, 150 agents of mixed statuses,
and a completed first campaign whose table is the seed's."""

import time

import pytest
from django.test import Client
from faker import Faker

from linli.core.request_context import Channel, acting
from linli.demo import outreach
from linli.demo.generator import DemoContext, DemoReport, MobileProvider, platform_stage
from linli.outreach import selectors
from linli.outreach.callsheet import SOURCE_SHARES, SOURCE_TABLE
from linli.outreach.models import Agent, Campaign, Partner


@pytest.mark.django_db
def test_outreach_demo_reproduces_the_seed_table_quickly():
    faker = Faker("zh_CN")
    faker.add_provider(MobileProvider)
    faker.seed_instance(1)
    ctx = DemoContext(faker=faker, log=lambda _m: None, report=DemoReport())
    with acting(None, Channel.JOB):
        platform_stage(ctx)
        started = time.monotonic()
        outreach.outreach_stage(ctx)
        elapsed = time.monotonic() - started
    assert elapsed < 120, elapsed
    tenant = ctx.tenants["linli"]
    assert Partner.objects.filter(tenant=tenant).count() == 3958 + 42 + 200
    assert Agent.objects.filter(tenant=tenant).count() == 150
    assert set(Agent.objects.values_list("status", flat=True)) == {
        "operating", "partly_operating", "watching", "exiting", "exited", "in_litigation"}
    operator = ctx.users["operator"]
    cities = selectors.city_rows(operator)
    assert len(cities) == 60
    assert {int(row.type) for row in cities} >= {1, 2}
    first = Campaign.objects.get(name=outreach.FIRST_CAMPAIGN)
    assert first.status == "completed"
    table = selectors.call_statistics(operator, campaign=first, exclude_litigation=True)
    assert {o: c for o, c, _s in table.total.cells} == SOURCE_TABLE
    assert {o: s for o, _c, s in table.total.cells} == SOURCE_SHARES
    second = Campaign.objects.exclude(pk=first.pk).get()
    assert second.tasks.count() == table.total.counts["refused"] + table.total.counts[
        "no_answer"] + sum(1 for t in first.tasks.filter(
            partner__agent__status="in_litigation", outcome__in=["refused", "no_answer"]))
    # The operator works it on screen.
    client = Client()
    client.force_login(operator)
    page = client.get(f"/outreach/campaigns/{second.pk}/call/")
    assert page.status_code == 200 and "data-task" in page.content.decode()
    outreach.outreach_stage(ctx)  # a second run adds nothing
    assert Agent.objects.filter(tenant=tenant).count() == 150
