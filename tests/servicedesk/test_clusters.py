"""Clusters and hot spots (SVC-11): linking several callers' orders to one incident, its rules,
the parent's resolution and closing reaching the children, likely duplicates at intake, and the
hot-spot counts — with scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.events import DomainEvent
from linli.core.notifications.models import Message
from linli.directory.services import property as property_services
from linli.servicedesk import selectors, services
from linli.servicedesk.models import DeskPolicy, WorkOrder
from linli.servicedesk.states import Status
from tests.builders import make_user
from tests.directory.builders import make_building, make_community
from tests.servicedesk.builders import FRONT_DESK


def _outage(desk, summary="3号楼停水", *, community=None, building=None, actor=None,
            phone="", **extra):
    """A caller's report of the water outage in building 3 (a public facility)."""
    community = community or desk.community
    if building is None and community == desk.community:
        building = desk.unit.building
    return services.work_order_create(
        actor=actor or desk.frontdesk, community=community, order_type="repair",
        category=desk.category("停水"), area="public_facility", building=building,
        person=desk.owner if community == desk.community else None, caller_phone=phone,
        caller_name="业主", summary=summary, **extra)


def _verbs(order):
    return list(DomainEvent.objects.filter(subject_id=order.pk,
                                           subject_type__model="workorder")
                .order_by("id").values_list("verb", flat=True))


def _fresh(order):
    return WorkOrder.objects.get(pk=order.pk)


# --- linking --------------------------------------------------------------------------------

def test_link_puts_the_order_under_its_incident_with_events_on_both(desk):
    parent, child = _outage(desk), _outage(desk, "我家也停水了")
    services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    assert _fresh(child).cluster_parent == parent
    assert _verbs(child)[-1] == "work_order.cluster_linked"
    assert _verbs(parent)[-1] == "work_order.cluster_child_added"
    event = DomainEvent.objects.get(subject_id=parent.pk, verb="work_order.cluster_child_added")
    assert (event.new_value, event.actor) == (child.number, desk.frontdesk)
    # A cluster is not a rework.
    assert (_fresh(child).rework_of_id, _fresh(parent).reworks.count()) == (None, 0)


@pytest.mark.parametrize("case, message", [
    ("itself", "An order cannot be linked under itself."),
    ("nested child", "is itself linked to an incident: link to that incident instead."),
    ("parent under another", "Other orders are linked under this one"),
    ("linked twice", "This order is linked to an incident already: unlink it first."),
    ("closed child", "A closed or cancelled order cannot be linked to an incident."),
    ("cancelled parent", "is closed or cancelled: link to an open order."),
])
def test_link_refusals_say_why_and_write_nothing(desk, case, message):
    parent, child, third = _outage(desk), _outage(desk, "二楼停水"), _outage(desk, "五楼停水")
    if case == "itself":
        args = (child, child)
    elif case == "nested child":
        services.work_order_cluster_link(third, actor=desk.frontdesk, parent=parent)
        args = (child, third)
    elif case == "parent under another":
        services.work_order_cluster_link(third, actor=desk.frontdesk, parent=parent)
        args = (parent, child)
    elif case == "linked twice":
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
        args = (child, third)
    elif case == "closed child":
        services.work_order_cancel(child, actor=desk.frontdesk, reason="重复登记")
        args = (child, parent)
    else:
        services.work_order_cancel(parent, actor=desk.frontdesk, reason="误报")
        args = (child, parent)
    linked_before = WorkOrder.objects.filter(cluster_parent__isnull=False).count()
    events_before = DomainEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.work_order_cluster_link(args[0], actor=desk.frontdesk, parent=args[1])
    assert message in " ".join(refused.value.messages)
    assert WorkOrder.objects.filter(cluster_parent__isnull=False).count() == linked_before
    assert DomainEvent.objects.count() == events_before


def test_orders_of_another_community_or_company_are_not_linked(desk, world):
    other_community = make_community(world, "翠湖苑二期")
    elsewhere = _outage(desk, community=other_community,
                        building=make_building(other_community, "9"))
    foreign_community = property_services.community_create(
        actor=None, org_unit=world.other_root, name="乙方小区")
    foreign = services.work_order_create(
        actor=None, community=foreign_community, order_type="repair", area="public_area",
        summary="乙方停水")
    child = _outage(desk)
    for parent in (elsewhere, foreign):
        with pytest.raises(ValidationError) as refused:
            services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
        assert refused.value.messages == [
            "Only orders of the same community can be linked to one incident."]
    assert _fresh(child).cluster_parent_id is None


def test_linking_needs_the_right_to_dispatch(desk):
    parent, child = _outage(desk), _outage(desk, "我家也停水了")
    with pytest.raises(PermissionDenied):
        services.work_order_cluster_link(child, actor=desk.technician, parent=parent)
    assert _fresh(child).cluster_parent_id is None


def test_unlink_takes_the_order_out_and_says_so_on_both_timelines(desk):
    parent, child = _outage(desk), _outage(desk, "我家也停水了")
    services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_cluster_unlink(child, actor=desk.frontdesk)
    assert _fresh(child).cluster_parent_id is None
    assert (_verbs(child)[-1], _verbs(parent)[-1]) == (
        "work_order.cluster_unlinked", "work_order.cluster_child_removed")
    with pytest.raises(ValidationError) as refused:
        services.work_order_cluster_unlink(child, actor=desk.frontdesk)
    assert refused.value.messages == ["This order is not linked to an incident."]


def test_intake_registers_and_links_in_one_go_or_not_at_all(desk):
    parent = _outage(desk)
    child = _outage(desk, "我家也停水了", cluster_parent=parent)
    assert _fresh(child).cluster_parent == parent
    closed = _outage(desk, "旧事件")
    services.work_order_cancel(closed, actor=desk.frontdesk, reason="误报")
    count = WorkOrder.objects.count()
    with pytest.raises(ValidationError):
        _outage(desk, "又一户停水", cluster_parent=closed)
    assert WorkOrder.objects.count() == count


# --- the parent's resolution reaches the children -------------------------------------------

def _working(desk, order):
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    return order


def test_resolving_the_incident_resolves_its_open_children_and_tells_them(desk):
    parent = _working(desk, _outage(desk))
    children = [_outage(desk, f"{n}楼停水", phone=f"1391234000{n}") for n in range(1, 4)]
    for child in children:
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    _working(desk, children[0])
    services.work_order_resolve(parent, actor=desk.technician, resolution="更换总阀门")
    for child in children:
        child = _fresh(child)
        assert child.status == Status.RESOLVED
        assert child.resolution == f"Resolved with incident {parent.number}: 更换总阀门"
        assert child.callbacks.count() == 1
        assert set(child.clocks.values_list("state", flat=True)) <= {"met", "missed"}
        assert "work_order.resolve" in _verbs(child)
    sms = Message.objects.filter(event="servicedesk.incident_resolved", channel="sms",
                                 address__in=[c.caller_phone for c in children])
    assert sms.count() == 3
    assert Message.objects.filter(event="servicedesk.incident_resolved",
                                  recipient=desk.supervisor, channel="in_app").count() == 2
    assert "work_order.cluster_not_resolved" not in _verbs(parent)


def test_children_that_cannot_be_resolved_are_reported_on_the_incident(desk):
    parent = _working(desk, _outage(desk))
    waiting = _working(desk, _outage(desk, "二楼停水"))
    services.work_order_wait(waiting, actor=desk.technician, waiting_on="third_party",
                             reason="等自来水公司")
    done = _outage(desk, "五楼停水")
    for child in (waiting, done):
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_resolve(parent, actor=desk.technician, resolution="更换总阀门")
    assert (_fresh(waiting).status, _fresh(done).status) == (Status.WAITING, Status.RESOLVED)
    report = DomainEvent.objects.get(subject_id=parent.pk,
                                     verb="work_order.cluster_not_resolved")
    assert report.new_value == waiting.number
    assert report.data["skipped"] == [{"number": waiting.number, "reason": "Waiting"}]


def test_closing_the_incident_closes_its_resolved_children(desk):
    parent = _working(desk, _outage(desk))
    child = _outage(desk, "二楼停水")
    services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_resolve(parent, actor=desk.technician, resolution="更换总阀门")
    services.work_order_close(parent, actor=desk.manager, note="已回访")
    child = _fresh(child)
    assert (child.status, child.callbacks.get().status) == (Status.CLOSED, "cancelled")


def _resolved_incident(desk, size=2):
    """An incident and ``size`` linked reports, all resolved with the incident."""
    parent = _working(desk, _outage(desk))
    children = [_outage(desk, f"{n}楼停水", phone=f"1391234000{n}") for n in range(1, size + 1)]
    for child in children:
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_resolve(parent, actor=desk.technician, resolution="更换总阀门")
    return parent, children


@pytest.mark.parametrize("outcome", ["satisfied", "given up"])
def test_an_incident_closed_on_its_callback_leaves_each_caller_his_own_callback(desk, outcome):
    parent, children = _resolved_incident(desk)
    if outcome == "satisfied":
        services.work_order_callback(parent, actor=desk.frontdesk, outcome="done",
                                     satisfaction=5)
    else:
        for _attempt in range(3):
            services.work_order_callback(parent, actor=desk.frontdesk, outcome="no_answer")
    assert _fresh(parent).status == Status.CLOSED
    for child in children:
        child = _fresh(child)
        assert (child.status, child.cluster_parent_id) == (Status.RESOLVED, parent.pk)
        assert child.callbacks.get().status == "due"
    assert "work_order.cluster_not_closed" not in _verbs(parent)
    # Each caller's own callback closes his order.
    services.work_order_callback(children[0], actor=desk.frontdesk, outcome="done",
                                 satisfaction=4)
    assert [_fresh(c).status for c in children] == [Status.CLOSED, Status.RESOLVED]


def test_an_incident_closed_after_its_rework_leaves_the_linked_orders_their_callbacks(desk):
    parent, children = _resolved_incident(desk)
    services.work_order_callback(parent, actor=desk.frontdesk, outcome="done", satisfaction=1)
    rework = _fresh(parent).reworks.get()
    services.work_order_resolve(rework, actor=desk.supervisor, resolution="再次检修")
    services.work_order_callback(rework, actor=desk.frontdesk, outcome="done", satisfaction=5)
    assert (_fresh(rework).status, _fresh(parent).status) == (Status.CLOSED, Status.CLOSED)
    for child in children:
        child = _fresh(child)
        assert (child.status, child.callbacks.get().status) == (Status.RESOLVED, "due")


def test_cancelling_the_incident_lets_its_linked_orders_go_on_by_themselves(desk):
    parent = _outage(desk, "3号楼停水（误报）")
    working = _working(desk, _outage(desk, "二楼停水"))
    queued = _outage(desk, "五楼停水")
    done = _outage(desk, "六楼停水")
    for child in (working, queued, done):
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_return(queued, actor=desk.supervisor, reason="不是工程部的")
    services.work_order_cancel(done, actor=desk.frontdesk, reason="业主撤回")
    services.work_order_cancel(parent, actor=desk.manager, reason="登记错楼栋")

    assert _fresh(parent).status == Status.CANCELLED
    # Nothing cancelled with it: each report keeps its status, handler and clocks.
    assert (_fresh(working).status, _fresh(working).handler) == (Status.ACCEPTED,
                                                                 desk.technician)
    assert _fresh(working).clocks.filter(state="cancelled").count() == 0
    assert (_fresh(queued).status, _fresh(queued).department_id) == (Status.NEW, None)
    assert _fresh(working).cluster_parent_id is None
    assert _fresh(queued).cluster_parent_id is None
    # A cancelled report stays in the incident's history.
    assert _fresh(done).cluster_parent_id == parent.pk
    event = DomainEvent.objects.get(subject_id=working.pk, verb="work_order.cluster_released")
    assert (event.old_value, event.actor) == (parent.number, desk.manager)
    assert event.note == f"Incident {parent.number} cancelled: 登记错楼栋"
    event = DomainEvent.objects.get(subject_id=parent.pk,
                                    verb="work_order.cluster_children_released")
    assert event.data["released"] == [working.number, queued.number]
    # Whoever holds each order is told: its worker, else the community's dispatchers.
    told = Message.objects.filter(event="servicedesk.incident_cancelled")
    in_app = told.filter(channel="in_app")
    assert set(in_app.values_list("recipient__username", "payload__number")) == {
        ("tech.sun", working.number), ("desk.li", queued.number)}
    assert told.filter(recipient=desk.manager).count() == 0
    assert "登记错楼栋" in told.get(recipient=desk.technician, channel="in_app").body
    # Released, a report can join another incident.
    other = _outage(desk, "3号楼停水")
    services.work_order_cluster_link(queued, actor=desk.frontdesk, parent=other)
    assert _fresh(queued).cluster_parent == other


def test_a_cancelled_report_leaves_its_incident_as_it_is(desk):
    parent, child = _outage(desk), _outage(desk, "我家也停水了")
    other = _outage(desk, "五楼停水")
    for linked in (child, other):
        services.work_order_cluster_link(linked, actor=desk.frontdesk, parent=parent)
    services.work_order_cancel(child, actor=desk.frontdesk, reason="重复登记")
    assert _fresh(parent).status == Status.NEW
    assert _fresh(other).cluster_parent_id == parent.pk
    assert not Message.objects.filter(event="servicedesk.incident_cancelled").exists()


def test_an_incident_with_many_children_resolves_them_all_in_bounded_queries(desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in (3, 9):
        parent = _working(desk, _outage(desk, f"事件{size}"))
        for n in range(size):
            services.work_order_cluster_link(_outage(desk, f"停水{n}", phone="13912340000"),
                                             actor=desk.frontdesk, parent=parent)
        with CaptureQueriesContext(connection) as captured:
            services.work_order_resolve(parent, actor=desk.technician, resolution="恢复供水")
        counts[size] = len(captured)
        assert WorkOrder.objects.filter(cluster_parent=parent,
                                        status=Status.RESOLVED).count() == size
    # Each child costs the same fixed number of statements, its resolve through the state
    # machine: its savepoint and release, the lock, one read and one write of its clocks,
    # the save and its history, the event, the callback and its history — what was read
    # with the child (community, service level, handler) is not read again. The notices
    # are one batch.
    per_child = (counts[9] - counts[3]) / 6
    assert per_child == int(per_child) and per_child <= 10, counts


# --- likely duplicates ----------------------------------------------------------------------

def test_suggestions_are_open_orders_of_the_building_and_category_within_the_window(desk):
    now = timezone.now()
    recent = _outage(desk, "早上停水", now=now - dt.timedelta(hours=3))
    _outage(desk, "上周停水", now=now - dt.timedelta(hours=30))
    other_building = _outage(desk, "5号楼停水",
                             building=make_building(desk.community, "5"))
    services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    cancelled = _outage(desk, "误报停水")
    services.work_order_cancel(cancelled, actor=desk.frontdesk, reason="误报")
    found = selectors.duplicate_suggestions(desk.frontdesk, community=desk.community,
                                            building=desk.unit.building,
                                            category=desk.category("停水"))
    assert [o.pk for o in found] == [recent.pk]
    # A wider window takes the older one in.
    DeskPolicy.objects.create(tenant=desk.world.tenant, duplicate_window_hours=48)
    found = selectors.duplicate_suggestions(desk.frontdesk, community=desk.community,
                                            building=desk.unit.building,
                                            category=desk.category("停水"))
    assert [o.summary for o in found] == ["早上停水", "上周停水"]
    # Without a building: the whole community.
    found = selectors.duplicate_suggestions(desk.frontdesk, community=desk.community,
                                            category=desk.category("停水"))
    assert other_building.pk in {o.pk for o in found}


def test_a_burst_of_reports_suggests_the_incident_then_the_newest(desk):
    now = timezone.now()
    reports = [_outage(desk, f"停水{n}", now=now - dt.timedelta(minutes=60 - n),
                       phone=f"1391234{n:04d}") for n in range(6)]
    incident = reports[0]
    for child in reports[1:3]:
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=incident)
    found = selectors.duplicate_suggestions(desk.frontdesk, community=desk.community,
                                            building=desk.unit.building,
                                            category=desk.category("停水"), limit=3)
    assert [(o.summary, o.children_count) for o in found] == [
        ("停水0", 2), ("停水5", 0), ("停水4", 0)]
    assert found[0].building == desk.unit.building


def test_a_building_of_another_community_widens_the_suggestions_to_the_community(desk, world):
    outage = _outage(desk, "整栋停水")
    elsewhere = make_building(make_community(world, "南苑", org_unit=world.branch_b), "3")
    found = selectors.duplicate_suggestions(desk.frontdesk, community=desk.community,
                                            building=elsewhere, category=desk.category("停水"))
    assert [o.pk for o in found] == [outage.pk]


def test_an_incident_is_offered_before_its_linked_reports(desk):
    first, parent = _outage(desk, "第一户"), _outage(desk, "事件")
    child = _outage(desk, "第三户")
    services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    found = selectors.duplicate_suggestions(desk.frontdesk, building=desk.unit.building,
                                            category=desk.category("停水"))
    assert [(o.pk, o.children_count) for o in found] == [(parent.pk, 1), (first.pk, 0)]
    assert selectors.cluster_suggestions(desk.frontdesk, child) == []
    assert [o.pk for o in selectors.cluster_suggestions(desk.frontdesk, first)] == [parent.pk]


def test_another_communitys_orders_are_never_suggested_to_whom_cannot_see_them(desk, world):
    south = make_community(world, "南苑", org_unit=world.branch_b)
    south_building = make_building(south, "3")
    south_desk = make_user(world.tenant, world.branch_b, FRONT_DESK)
    hidden = _outage(desk, "南苑停水", community=south, building=south_building,
                     actor=south_desk)
    assert selectors.duplicate_suggestions(desk.frontdesk, community=south,
                                           category=desk.category("停水")) == []
    assert [o.pk for o in selectors.duplicate_suggestions(
        south_desk, community=south, category=desk.category("停水"))] == [hidden.pk]


# --- hot spots ------------------------------------------------------------------------------

def test_hot_spots_count_by_day_building_and_category_and_drill_down(desk):
    today = timezone.localdate()
    parent = _outage(desk, "停水A")
    child = _outage(desk, "停水B")
    _outage(desk, "停水C")
    services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    services.work_order_create(actor=desk.frontdesk, community=desk.community,
                               order_type="consultation", area="public_area",
                               summary="咨询不算")
    rows = list(selectors.hot_spots(desk.frontdesk, date_from=today, date_to=today))
    assert [(r["day"], r["building_id"], r["category__name"], r["orders"], r["linked"],
             r["incidents"]) for r in rows] == [
        (today, desk.unit.building_id, "停水", 3, 1, 1),
        (today, desk.unit.building_id, "漏水", 1, 0, 0)]
    assert list(selectors.hot_spots(desk.frontdesk, date_from=today, date_to=today,
                                    min_orders=2).values_list("orders", flat=True)) == [3]
    drill = selectors.hot_spot_drill(desk.frontdesk, day=today,
                                     building_id=desk.unit.building_id,
                                     category_id=desk.category("停水").pk)
    assert [o.summary for o in drill] == ["停水A", "停水B", "停水C"]
    # Nothing of branch A's community reaches a desk of branch B.
    south_desk = make_user(desk.world.tenant, desk.world.branch_b, FRONT_DESK)
    assert selectors.hot_spots(south_desk, date_from=today, date_to=today).count() == 0
    assert selectors.hot_spot_drill(south_desk, day=today, building_id=desk.unit.building_id,
                                    category_id=desk.category("停水").pk).count() == 0


@pytest.mark.parametrize("start, end, field, message", [
    ((2026, 3, 1), (2026, 2, 1), "date_to", "The end date is before the start date."),
    ((2020, 1, 1), (2026, 1, 1), "date_to", "Choose a period of at most 366 days."),
    ((1900, 1, 1), (1900, 1, 2), "date_from", "Start on 1 January 2000 or later."),
])
def test_absurd_periods_are_refused(start, end, field, message):
    with pytest.raises(ValidationError) as refused:
        selectors.hot_spot_period(dt.date(*start), dt.date(*end))
    assert message in refused.value.message_dict[field]


def test_the_default_period_is_the_last_30_days():
    today = timezone.localdate()
    assert selectors.hot_spot_period(None, None) == (today - dt.timedelta(days=29), today)


# --- the screens ----------------------------------------------------------------------------

def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _intake_post(desk, **extra):
    return {"order-order_type": "repair", "order-category": desk.category("停水").pk,
            "order-area": "public_facility", "order-channel": "phone",
            "order-community": desk.community.pk, "order-building": desk.unit.building_id,
            "order-person": desk.owner.pk, "order-caller_name": "王建国",
            "order-summary": "家里没水", "order-urgency": "high", "order-impact": "medium",
            **extra}


def test_intake_suggests_the_incident_and_links_the_new_order_to_it(desk):
    from django.urls import reverse

    parent = _outage(desk, "3号楼整栋停水")
    client = _client(desk.frontdesk)
    query = {k: v for k, v in _intake_post(desk).items() if k in (
        "order-community", "order-building", "order-category")}
    html = client.get(reverse("servicedesk:intake_suggestions"), query).content.decode()
    assert parent.number in html and "Link to this incident" in html
    html = client.get(reverse("servicedesk:intake_suggestions"),
                      {**query, "choose": parent.pk}).content.decode()
    assert "Will be linked on registering" in html
    assert f'id="intake-cluster-parent" value="{parent.pk}"' in html
    response = client.post(reverse("servicedesk:intake"),
                           _intake_post(desk, **{"order-cluster_parent": parent.pk}))
    assert response.status_code == 302
    order = WorkOrder.objects.exclude(pk=parent.pk).get()
    assert order.cluster_parent == parent


def test_intake_shows_no_suggestion_before_the_category_and_none_from_elsewhere(desk, world):
    from django.urls import reverse

    south = make_community(world, "南苑", org_unit=world.branch_b)
    south_desk = make_user(world.tenant, world.branch_b, FRONT_DESK)
    _outage(desk, "南苑停水", community=south, building=make_building(south, "3"),
            actor=south_desk)
    client = _client(desk.frontdesk)
    url = reverse("servicedesk:intake_suggestions")
    assert "suggestion" not in client.get(url, {"order-community": desk.community.pk}
                                          ).content.decode()
    html = client.get(url, {"order-community": south.pk,
                            "order-category": desk.category("停水").pk}).content.decode()
    assert "南苑停水" not in html


def test_intake_refuses_a_closed_incident_and_registers_nothing(desk):
    from django.urls import reverse

    parent = _outage(desk)
    services.work_order_cancel(parent, actor=desk.frontdesk, reason="误报")
    response = _client(desk.frontdesk).post(
        reverse("servicedesk:intake"),
        _intake_post(desk, **{"order-cluster_parent": parent.pk}))
    assert response.status_code == 200
    assert (f"The incident {parent.number} is closed or cancelled: link to an open order."
            in response.content.decode())
    assert WorkOrder.objects.count() == 1


def test_the_order_page_links_to_a_suggested_incident_and_shows_both_sides(desk):
    from django.urls import reverse

    parent, child = _outage(desk, "整栋停水"), _outage(desk, "我家也停水了")
    client = _client(desk.frontdesk)
    html = client.get(reverse("servicedesk:work_order_detail", args=[child.pk])).content.decode()
    assert 'data-testid="suggestion"' in html and parent.number in html
    response = client.post(reverse("servicedesk:work_order_act", args=[child.pk, "cluster_link"]),
                           {"cluster_link-parent": parent.number})
    assert response.status_code == 302
    html = client.get(reverse("servicedesk:work_order_detail", args=[child.pk])).content.decode()
    assert "Linked to the incident" in html and "Unlink from the incident" in html
    html = client.get(reverse("servicedesk:work_order_detail", args=[parent.pk])).content.decode()
    assert 'data-testid="cluster-child"' in html and child.number in html
    html = client.get(reverse("servicedesk:work_order_list")).content.decode()
    assert html.count('data-testid="cluster-badge"') == 2
    assert "1 linked" in html


def test_an_unknown_incident_number_is_a_clear_error(desk):
    from django.urls import reverse

    child = _outage(desk)
    response = _client(desk.frontdesk).post(
        reverse("servicedesk:work_order_act", args=[child.pk, "cluster_link"]),
        {"cluster_link-parent": "GD20000101-9999"})
    assert response.status_code == 200
    assert "No order with this number that you can see." in response.content.decode()
    assert _fresh(child).cluster_parent_id is None


def test_the_hot_spot_page_counts_drills_down_and_exports(desk):
    from django.urls import reverse

    today = timezone.localdate()
    for n in range(3):
        _outage(desk, f"停水{n}")
    client = _client(desk.frontdesk)
    url = reverse("servicedesk:hot_spots")
    html = client.get(url).content.decode()
    assert html.count('data-testid="hot-spot-row"') == 1
    assert '<td class="text-end fw-bold" data-testid="hot-spot-count">3</td>' in html
    assert "latest: 停水2" in html
    html = client.get(url, {"day": today.isoformat(), "building": desk.unit.building_id,
                            "category": desk.category("停水").pk}).content.decode()
    assert "3 orders on" in html and "停水0" in html
    export = client.get(url, {"export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[1].split(",")[-3:] == ["3", "0", "0"]


def test_the_hot_spot_page_refuses_an_absurd_period(desk):
    from django.urls import reverse

    _outage(desk)
    html = _client(desk.frontdesk).get(reverse("servicedesk:hot_spots"), {
        "date_from": "1900-01-01", "date_to": "2026-01-01"}).content.decode()
    assert "Start on 1 January 2000 or later." in html
    assert "Choose a period of at most 366 days." in html
    assert 'data-testid="hot-spot-row"' not in html


# --- the API --------------------------------------------------------------------------------

def test_api_links_suggests_counts_and_unlinks(desk):
    from tests.servicedesk.test_api import Api

    api = Api(desk.frontdesk)
    parent, child = _outage(desk, "整栋停水"), _outage(desk, "我家也停水了")
    body = api.get(f"/work-orders/{child.pk}/cluster-suggestions").json()
    assert [(o["id"], o["linked_count"]) for o in body] == [(parent.pk, 0)]
    body = api.get("/duplicate-suggestions", {
        "community_id": desk.community.pk, "building_id": desk.unit.building_id,
        "category_id": desk.category("停水").pk}).json()
    assert [o["id"] for o in body] == [child.pk, parent.pk]
    response = api.post(f"/work-orders/{child.pk}/cluster-link", {"parent_id": parent.pk})
    assert response.status_code == 200, response.json()
    assert (response.json()["cluster_parent_id"], response.json()["allowed_actions"][-1]) == (
        parent.pk, "cluster-unlink")
    body = api.get(f"/work-orders/{parent.pk}").json()
    assert (body["cluster_child_ids"], body["rework_ids"]) == ([child.pk], [])
    response = api.post(f"/work-orders/{parent.pk}/cluster-link", {"parent_id": parent.pk})
    assert (response.status_code, response.json()["fields"]) == (
        422, {"parent_id": ["An order cannot be linked under itself."]})
    today = timezone.localdate().isoformat()
    body = api.get("/hot-spots", {"date_from": today, "date_to": today}).json()
    assert [(r["orders"], r["linked"], r["incidents"], r["latest_summary"])
            for r in body["items"]] == [(2, 1, 1, "我家也停水了")]
    body = api.get("/hot-spots/orders", {"day": today, "building_id": desk.unit.building_id,
                                         "category_id": desk.category("停水").pk}).json()
    assert [o["id"] for o in body["items"]] == [parent.pk, child.pk]
    response = api.get("/hot-spots", {"date_from": "2001-01-01", "date_to": today})
    assert (response.status_code, response.json()["fields"]) == (
        422, {"date_to": ["Choose a period of at most 366 days."]})
    response = api.post(f"/work-orders/{child.pk}/cluster-unlink")
    assert (response.status_code, response.json()["cluster_parent_id"]) == (200, None)


def test_api_hides_other_communities_and_companies(desk, world):
    from tests.servicedesk.test_api import Api

    child = _outage(desk)
    outsider = make_user(world.other_tenant, world.other_root, FRONT_DESK, superuser=True)
    foreign = Api(outsider)
    assert foreign.get(f"/work-orders/{child.pk}/cluster-suggestions").status_code == 404
    assert foreign.get("/duplicate-suggestions").json() == []
    assert foreign.get("/hot-spots").json()["items"] == []
    assert foreign.get("/hot-spots/orders", {"building_id": desk.unit.building_id,
                                             "category_id": desk.category("停水").pk}
                       ).json()["items"] == []
    foreign_community = property_services.community_create(
        actor=None, org_unit=world.other_root, name="乙方小区")
    theirs = services.work_order_create(actor=None, community=foreign_community,
                                        order_type="repair", area="public_area",
                                        summary="乙方停水")
    response = Api(desk.frontdesk).post(f"/work-orders/{child.pk}/cluster-link",
                                        {"parent_id": theirs.pk})
    assert (response.status_code, response.json()["fields"]) == (
        422, {"parent_id": ["Choose a work order you can see."]})


def test_the_incident_page_warns_of_linked_orders_left_open(desk):
    from django.urls import reverse

    parent = _working(desk, _outage(desk))
    waiting = _working(desk, _outage(desk, "二楼停水"))
    services.work_order_wait(waiting, actor=desk.technician, waiting_on="customer",
                             reason="业主不在家")
    services.work_order_cluster_link(waiting, actor=desk.frontdesk, parent=parent)
    services.work_order_resolve(parent, actor=desk.technician, resolution="更换总阀门")
    html = _client(desk.frontdesk).get(
        reverse("servicedesk:work_order_detail", args=[parent.pk])).content.decode()
    assert "1 linked order was not resolved with the incident" in html
    assert waiting.number in html
