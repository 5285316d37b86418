"""Property test of the lifecycle (SVC-6): whatever sequence of moves people try, a move the
transitions table does not allow from the current status is always refused and changes
nothing, an accepted move lands where the table says, and an order being worked always has
exactly one handler."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.servicedesk import services
from linli.servicedesk.states import CALLBACK_TARGETS, TRANSITIONS, Action, Status, allowed
from tests.servicedesk.builders import make_article

A = Action


def _move(desk, order, action, article=None):
    """Each move with valid arguments, made by the system actor so only the lifecycle (and the
    moves' own preconditions) can refuse it."""
    eng, sec = desk.departments["engineering"], desk.departments["security"]
    calls = {
        A.VERIFY: lambda: services.work_order_verify(order, actor=None, person=desk.owner,
                                                     unit=desk.unit),
        A.DISPATCH: lambda: services.work_order_dispatch(order, actor=None, department=eng),
        A.ASSIGN: lambda: services.work_order_assign(order, actor=None, handler=desk.technician),
        A.TRANSFER: lambda: services.work_order_transfer(order, actor=None, department=sec,
                                                         reason="转秩序部"),
        A.RETURN: lambda: services.work_order_return(order, actor=None, reason="非本部门"),
        A.ACCEPT: lambda: services.work_order_accept(order, actor=None),
        A.SCHEDULE: lambda: services.work_order_schedule(
            order, actor=None, appointment_at=timezone.now() + timezone.timedelta(days=1)),
        A.ARRIVE: lambda: services.work_order_arrive(order, actor=None),
        A.START: lambda: services.work_order_start(order, actor=None),
        A.WAIT: lambda: services.work_order_wait(order, actor=None, waiting_on="customer",
                                                 reason="业主不在"),
        A.RESUME: lambda: services.work_order_resume(order, actor=None),
        A.RESOLVE: lambda: services.work_order_resolve(order, actor=None, resolution="已修复"),
        A.CALLBACK: lambda: services.work_order_callback(order, actor=None, outcome="no_answer"),
        A.REWORK: lambda: services.work_order_rework(order, actor=None, reason="又坏了"),
        A.RESTORE: lambda: services.work_order_restore(order, actor=None),
        A.CLOSE: lambda: services.work_order_close(order, actor=None),
        A.CANCEL: lambda: services.work_order_cancel(order, actor=None, reason="业主取消"),
        A.ESCALATE: lambda: services.work_order_escalate(order, actor=None),
        A.ANSWER: lambda: services.work_order_answer(order, actor=None, article=article),
    }
    return calls[action]()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(moves=st.lists(st.sampled_from(list(A)), min_size=1, max_size=12),
       quarantined=st.booleans(), consultation=st.booleans())
def test_no_illegal_move_is_ever_accepted(desk, moves, quarantined, consultation):
    article = make_article(desk, "装修押金怎么退", "竣工验收后 30 日内退还。")
    order = services.work_order_create(
        actor=None, community=desk.community,
        order_type="consultation" if consultation else "repair",
        category=None if consultation else desk.category("漏水"),
        unit=None if quarantined else desk.unit,
        person=None if quarantined else desk.owner, summary="漏水")
    for action in moves:
        before = order.status
        clocks_before = order.clocks.model.objects.count()
        try:
            _move(desk, order, action, article)
        except ValidationError:
            order.refresh_from_db()
            assert order.status == before
            if not allowed(action, before):
                assert order.clocks.model.objects.count() == clocks_before
            continue
        order.refresh_from_db()
        assert allowed(action, before), (action, before)
        _sources, target = TRANSITIONS[action]
        if action == A.CALLBACK:
            assert order.status in CALLBACK_TARGETS
        else:
            assert order.status == (target or before)
        if order.status in (Status.ACCEPTED, Status.SCHEDULED, Status.IN_PROGRESS,
                            Status.WAITING):
            assert order.handler_id is not None and order.department_id is not None
