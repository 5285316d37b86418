"""Simultaneous requests for one unit (SAL-3): the row lock in ``sale_unit_transition``
serialises them, so of several concurrent reservations of the same available unit exactly one
wins and the others get the clear refusal. Needs real concurrent connections: PostgreSQL only
(SQLite serialises writers by itself). The same holds for simultaneous subscriptions, which
take the unit through that function."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from linli.core.events import DomainEvent
from linli.directory.models import Person
from linli.sales import services
from linli.sales.models import SaleUnit, Subscription
from tests.directory.builders import make_person
from tests.sales.builders import START, make_deal_sales, make_small_sales
from tests.servicedesk.test_concurrency import _run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("wanted", ["reserved", "subscribed"])
def test_a_unit_is_never_taken_twice_by_simultaneous_requests(world, wanted):
    sales = make_small_sales(world)
    pk = SaleUnit.objects.get(project=sales.project).pk
    outcomes = []

    def take():
        # Each request reads the unit as available before any of them writes.
        services.sale_unit_transition(actor=None, sale_unit=SaleUnit.objects.get(pk=pk),
                                      to=wanted, by_deal=True)
        outcomes.append("taken")

    refusals = _run_together(take, count=4)
    for refusal in refusals:
        assert isinstance(refusal, ValidationError), refusal
        assert "it cannot become" in " ".join(refusal.messages)
    assert outcomes == ["taken"] and len(refusals) == 3
    assert SaleUnit.objects.get(pk=pk).status == wanted
    assert DomainEvent.objects.filter(subject_id=pk,
                                      verb="sale_unit.sale_status_changed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_subscriptions_of_one_unit_make_one_subscription(world):
    """Four buyers put a deposit on the same unit at once: one subscription, three clear
    refusals, the unit subscribed once."""
    sales = make_deal_sales(world, floors=1)
    pk = sales.unit(1).pk
    buyers = [make_person(world, f"买受人{n}").pk for n in range(4)]
    outcomes = []

    def subscribe():
        buyer = Person.objects.get(pk=buyers.pop())
        services.subscription_create(actor=None, sale_unit=SaleUnit.objects.get(pk=pk),
                                     person=buyer, deposit=Decimal(50000), on=START)
        outcomes.append("subscribed")

    refusals = _run_together(subscribe, count=4)
    for refusal in refusals:
        assert isinstance(refusal, ValidationError), refusal
        assert refusal.message_dict["sale_unit_id"] == [
            f"Unit {sales.unit(1).unit.room_code} is Subscribed and cannot be subscribed."]
    assert outcomes == ["subscribed"] and len(refusals) == 3
    assert Subscription.objects.filter(sale_unit_id=pk).count() == 1
    assert SaleUnit.objects.get(pk=pk).status == "subscribed"
    assert DomainEvent.objects.filter(subject_id=pk,
                                      verb="sale_unit.sale_status_changed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_pooled_lead_is_claimed_by_one_rep_only(world):
    from linli.sales.models import Lead
    from tests.sales.builders import make_lead, make_rep

    sales = make_small_sales(world)
    lead = make_lead(sales, make_rep(world))
    services.lead_transition(actor=None, lead=lead, to="pooled", owner=None)
    reps = [make_rep(world) for _ in range(4)]
    winners = []

    def claim(rep):
        services.lead_claim(actor=rep, lead=Lead.objects.get(pk=lead.pk))
        winners.append(rep.pk)

    queue = list(reps)
    refusals = _run_together(lambda: claim(queue.pop()), count=4)
    for refusal in refusals:
        assert isinstance(refusal, ValidationError), refusal
        assert "not free to claim" in " ".join(refusal.messages)
    assert len(winners) == 1 and len(refusals) == 3
    assert Lead.objects.get(pk=lead.pk).owner_id == winners[0]
