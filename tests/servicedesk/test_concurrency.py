"""Two people acting on one order at once (SVC-6, NFR-4): the row lock serialises them, so
exactly one of two concurrent accepts wins and the loser gets the clear refusal. Needs real
concurrent connections: PostgreSQL only (SQLite serialises writers by itself)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from linli.servicedesk import services
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.states import Status

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_cannot_both_win(desk):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    barrier = threading.Barrier(2)
    outcomes = []

    def accept():
        try:
            barrier.wait(timeout=10)
            services.work_order_accept(WorkOrder.objects.get(pk=order.pk), actor=None)
            outcomes.append("accepted")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    order.refresh_from_db()
    assert sorted(outcomes) == sorted(
        ["accepted", "A work order that is “Accepted” cannot be given “Accept”."])
    assert order.status == Status.ACCEPTED
    from linli.core.events import DomainEvent

    assert DomainEvent.objects.filter(subject_id=order.pk, verb="work_order.accept").count() == 1
