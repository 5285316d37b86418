"""Simultaneous moves of one distribution, one statement, and simultaneous subsidy rules: the
row and tenant locks serialise them, so exactly one wins and the others get the clear
refusal — nothing is sent twice, no two rules overlap. PostgreSQL only (SQLite serialises
writers by itself)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from linli.outreach import services
from linli.outreach.models import Distribution, DistributionRecipient, SubsidyRule
from tests.outreach.distribution_builders import channel, make_edition, make_targets
from tests.servicedesk.test_concurrency import _run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.django_db(transaction=True)
def test_a_distribution_is_scheduled_and_sent_once(world):
    make_targets(world)
    distribution = services.distribution_create(
        actor=None, tenant=world.tenant, org_unit=world.root, edition=make_edition(world),
        channel=channel(world, "paper"))
    outcomes = []

    def schedule():
        services.distribution_transition(
            actor=None, distribution=Distribution.objects.get(pk=distribution.pk),
            to="scheduled")
        outcomes.append("scheduled")

    refusals = _run_together(schedule, count=3)
    assert outcomes == ["scheduled"] and len(refusals) == 2
    for refusal in refusals:
        assert isinstance(refusal, ValidationError), refusal
        assert refusal.message_dict == {"status": [
            "The distribution already has this status."]}
    assert DistributionRecipient.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_rules_saved_at_once_cannot_both_pass(world):
    def save():
        services.subsidy_rule_create(actor=None, tenant=world.tenant, name="补贴",
                                     min_companies=20, min_offices=30, amount=Decimal("80"),
                                     valid_from=dt.date(2026, 1, 1))

    refusals = _run_together(save, count=3)
    assert len(refusals) == 2
    assert all(isinstance(r, ValidationError) for r in refusals), refusals
    assert SubsidyRule.objects.count() == 1
