"""The service-desk demo stage: a deterministic, idempotent year of work orders written through
the services, and demo logins that can work the journeys on it (journeys 1–5)."""

import datetime as dt

import pytest
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import Membership, OrgUnit, User
from linli.core.events import DomainEvent
from linli.core.notifications.models import Message
from linli.demo.generator import DEMO_PASSWORD, build_demo
from linli.directory.models import Community, PersonPhone
from linli.servicedesk import selectors
from linli.servicedesk import services as sd
from linli.servicedesk.models import (
    Callback,
    Category,
    ContactLog,
    RoutingRule,
    ServiceLevel,
    WorkOrder,
    WorkOrderClock,
)

# The replay counts its year back from now: a fixed now makes every count exact. 15:30 in
# Hangzhou on a Wednesday, so the year (June 2025 – June 2026) is in chinesecalendar.
NOW = dt.datetime(2026, 6, 17, 7, 30, tzinfo=dt.UTC)
ORDERS = 150


@pytest.fixture
def demo(monkeypatch, settings):
    monkeypatch.delenv("DEMO_WORK_ORDERS", raising=False)
    settings.DEMO_WORK_ORDERS = ORDERS
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    lines: list[str] = []
    report = build_demo(log=lines.append)
    return report, lines


def _counts(queryset, field: str) -> dict:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).order_by(field))


def _totals() -> tuple:
    return tuple(model.objects.count() for model in (
        WorkOrder, WorkOrderClock, Callback, ContactLog, ServiceLevel, Category, RoutingRule,
        DomainEvent, Message, User, Membership, OrgUnit))


@pytest.mark.django_db
def test_the_stage_writes_a_deterministic_year_and_a_second_run_adds_nothing(demo):
    report, lines = demo
    assert report.reused is False
    assert not [line for line in lines if "refused" in line]
    orders = WorkOrder.objects.all()
    # 150 calls, 3 of them second complaints, and 5 rework orders of unsatisfied customers.
    assert _counts(orders, "order_type") == {
        "complaint": 34, "consultation": 19, "paid_service": 10, "praise": 9, "repair": 77,
        "suggestion": 9}
    assert _counts(orders, "status") == {
        "accepted": 3, "cancelled": 7, "closed": 138, "new": 3, "quarantined": 2,
        "resolved": 4, "scheduled": 1}
    assert _counts(orders, "channel") == {
        "api": 1, "app": 30, "email": 3, "maintenance_plan": 1, "patrol": 6, "phone": 100,
        "walk_in": 17}
    assert _counts(orders, "community__name") == {"云栖别墅": 10, "枫林湾": 36, "翠湖苑": 112}
    assert orders.filter(rework_of__isnull=False).count() == 5
    assert orders.filter(is_formal=True).count() == 4
    assert _counts(orders.exclude(quote_status=""), "quote_status") == {"charged": 8}
    assert _counts(Callback.objects.all(), "status") == {"done": 138, "due": 4}
    assert _counts(Callback.objects.exclude(satisfaction=None), "satisfaction") == {
        1: 3, 2: 2, 3: 12, 4: 36, 5: 84}
    assert ContactLog.objects.count() == 232
    # The year runs back from now; the oldest order is from a year ago.
    first = orders.order_by("created_at").first().created_at
    assert NOW - dt.timedelta(days=366) < first < NOW - dt.timedelta(days=355)
    assert orders.order_by("-created_at").first().created_at < NOW
    # The seed configuration per office: the routing rules are each community's own.
    assert ServiceLevel.objects.count() == 9
    # 翠湖苑's office has all five departments; 枫林湾's (also 云栖别墅's) only two.
    assert _counts(RoutingRule.objects.all(), "community__name") == {
        "云栖别墅": 17, "枫林湾": 17, "翠湖苑": 22}

    totals = _totals()
    again = build_demo()
    assert again.reused is True
    assert _totals() == totals


@pytest.mark.django_db
def test_the_demo_logins_can_work_the_journeys(demo):
    users = {u.username: u for u in User.objects.filter(username__in=[
        "frontdesk", "dispatcher", "supervisor", "technician", "manager"])}
    frontdesk, dispatcher = users["frontdesk"], users["dispatcher"]
    supervisor, technician, manager = users["supervisor"], users["technician"], users["manager"]
    cuihu = Community.objects.get(name="翠湖苑")
    engineering = OrgUnit.objects.get(parent=cuihu.org_unit, name="工程部")
    service = OrgUnit.objects.get(parent=cuihu.org_unit, name="客服部")
    assert list(selectors.holders_at(engineering, "assign_workorder")) == [supervisor]

    # Each desk screen shows its login the work in hand.
    screens = {"frontdesk": ["servicedesk:quarantine", "servicedesk:callback_list",
                             "servicedesk:contact_log_list"],
               "dispatcher": ["servicedesk:queue"], "supervisor": ["servicedesk:my_orders"],
               "technician": ["servicedesk:my_orders"]}
    for username, names in screens.items():
        client = Client()
        response = client.post("/accounts/login/", {"username": username,
                                                    "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, (username, name)
            assert "GD2026" in response.content.decode() or name == "servicedesk:contact_log_list"

    # Journey 1: today's call log; a caller's leak becomes a repair routed to engineering
    # with the 20-minute on-site and 8-hour fix clocks.
    today = timezone.localdate()
    assert selectors.contact_log_list(frontdesk, {"day": today}).count() == 7
    caller = selectors.work_order_list(frontdesk).exclude(person=None).exclude(unit=None).first()
    leak = Category.objects.get(tenant=cuihu.tenant, name="漏水")
    order = sd.work_order_create(
        actor=frontdesk, community=cuihu, order_type="repair", category=leak,
        summary="卫生间天花板漏水", unit=caller.unit, person=caller.person,
        caller_phone=caller.caller_phone, urgency="high", impact="medium")
    assert (order.status, order.department, order.handler) == ("new", engineering, supervisor)
    clocks = {c.kind: c.due_at - c.started_at for c in selectors.clocks_of(order)}
    assert clocks["on_site"] == dt.timedelta(minutes=20)
    assert clocks["resolution"] == dt.timedelta(hours=8)

    # Journey 2: the supervisor's routed orders; the dispatcher's unrouted one.
    mine = selectors.work_order_list(supervisor, {"mine": True, "open": True})
    assert sorted(mine.values_list("summary", flat=True)) == [
        "入户门锁芯卡死", "卫生间天花板漏水", "卫生间天花板漏水"]
    unrouted = list(selectors.dispatcher_queue(dispatcher).filter(department=None))
    assert [o.summary for o in unrouted] == ["建议健身区增设饮水机"]
    sd.work_order_dispatch(unrouted[0], actor=dispatcher, department=service)
    assert unrouted[0].handler.username == "cuihu.service.lead"
    sd.work_order_assign(order, actor=supervisor, handler=technician)

    # Journey 3: the technician's own orders; he takes the new one to resolved.
    assert sorted(selectors.work_order_list(technician, {"mine": True, "open": True})
                  .values_list("status", flat=True)) == ["accepted", "new", "scheduled"]
    sd.work_order_accept(order, actor=technician)
    sd.work_order_arrive(order, actor=technician)
    sd.work_order_resolve(order, actor=technician, resolution="更换进水管接头")
    assert order.status == "resolved"

    # Journey 4: the callback list, and quarantine with two app messages to identify.
    assert selectors.callback_list(frontdesk).count() == 4
    quarantined = list(selectors.quarantine_list(frontdesk))
    assert [(o.channel, o.order_type) for o in quarantined] == [
        ("app", "suggestion"), ("app", "repair")]
    waiting = quarantined[1]
    phone = PersonPhone.objects.filter(number=waiting.caller_phone).order_by("pk").first()
    home = phone.person.unit_relations.filter(end_date=None).first().unit
    sd.work_order_verify(waiting, actor=frontdesk, person=phone.person, unit=home)
    assert (waiting.status, waiting.department) == ("new", engineering)

    # Journey 5: the manager sees this afternoon's formal complaint (a second call).
    formal = selectors.work_order_list(manager).filter(is_formal=True, created_at__date=today)
    assert [o.summary for o in formal] == ["再次来电：垃圾桶满溢未及时清运"]
