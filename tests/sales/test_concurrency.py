"""Simultaneous requests for one unit (SAL-3): the row lock in ``sale_unit_transition``
serialises them, so of several concurrent reservations of the same available unit exactly one
wins and the others get the clear refusal. Needs real concurrent connections: PostgreSQL only
(SQLite serialises writers by itself)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from linli.core.events import DomainEvent
from linli.sales import services
from linli.sales.models import SaleUnit
from tests.sales.builders import make_small_sales
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
                                      to=wanted)
        outcomes.append("taken")

    refusals = _run_together(take, count=4)
    for refusal in refusals:
        assert isinstance(refusal, ValidationError), refusal
        assert "it cannot become" in " ".join(refusal.messages)
    assert outcomes == ["taken"] and len(refusals) == 3
    assert SaleUnit.objects.get(pk=pk).status == wanted
    assert DomainEvent.objects.filter(subject_id=pk,
                                      verb="sale_unit.sale_status_changed").count() == 1
