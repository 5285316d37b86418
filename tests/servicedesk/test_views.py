"""Screens of the service desk: intake, the order page and its moves, the dispatcher queue,
my orders, quarantine, callbacks, the contact log and the work-order list — what each shows,
form errors that write nothing, scope (404 across tenants and branches) and permissions."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.core.events import DomainEvent
from linli.directory.services.people import family_relation_add
from linli.servicedesk import services
from linli.servicedesk.models import Callback, ContactLog, WorkOrder, WorkOrderClock
from linli.servicedesk.states import Status
from tests.builders import make_user
from tests.directory.builders import make_person
from tests.servicedesk.builders import DESK, SEE

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response) -> str:
    return response.content.decode()


def _leak(desk, **extra):
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="厨房天花板漏水", urgency="high", impact="medium", **extra)


def _resolved(desk):
    order = _leak(desk)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    services.work_order_resolve(order, actor=desk.technician, resolution="更换水管接头")
    order.refresh_from_db()
    return order


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _detail(order) -> str:
    return reverse("servicedesk:work_order_detail", args=[order.pk])


def _act(order, move: str) -> str:
    return reverse("servicedesk:work_order_act", args=[order.pk, move])


@pytest.fixture
def desk_user(desk):
    return make_user(desk.world.tenant, desk.world.branch_a, DESK, username="desk.wang",
                     display_name="王前台")


# --- intake ---------------------------------------------------------------------------------

def test_intake_finds_the_caller_by_the_last_4_digits(desk, desk_user):
    response = _client(desk_user).get(reverse("servicedesk:intake"), {"q": "1502"})
    assert response.status_code == 200
    matches = response.context["lookup"].matches
    assert [(m.person.name, [r.unit.room_code for r in m.relations]) for m in matches] == [
        ("王建国", ["3-2-1502"])]
    html = _html(response)
    assert f"person={desk.owner.pk}&amp;unit={desk.unit.pk}" in html
    assert "13812341502" not in html


def test_intake_finds_a_vacant_unit_by_its_room_code(desk, desk_user):
    response = _client(desk_user).get(reverse("servicedesk:intake"), {"q": "3-2-1502"})
    lookup = response.context["lookup"]
    assert [(m.person.name if m.person else None, m.unit) for m in lookup.matches] == [
        ("王建国", None), (None, desk.unit)]


def test_intake_shows_the_chosen_caller_with_family_orders_and_last_callback(desk,
                                                                              desk_user):
    wife = make_person(desk.world, "李秀英", phones=["13912340000"])
    family_relation_add(actor=None, person=wife, relative=desk.owner, kind="spouse")
    done = _resolved(desk)
    services.work_order_callback(done, actor=desk.frontdesk, outcome="done", satisfaction=4,
                                 comment="师傅很专业")
    still_open = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("门窗"), unit=desk.unit, person=desk.owner, summary="窗户关不上")
    response = _client(desk_user).get(reverse("servicedesk:intake"),
                                      {"q": "1502", "person": desk.owner.pk})
    lookup = response.context["lookup"]
    assert (lookup.person, lookup.unit) == (desk.owner, desk.unit)
    assert [o.number for o in lookup.open_orders] == [still_open.number]
    assert [t.other.name for t in lookup.family] == ["李秀英"]
    assert lookup.last_callback.satisfaction == 4
    html = _html(response)
    assert "138****1502" in html and "李秀英" in html and still_open.number in html
    assert "satisfaction 4" in html and "师傅很专业" in html
    form = response.context["order_form"]
    assert (form["community"].value(), form["room_code"].value(), form["person"].value(),
            form["caller_name"].value()) == (desk.community.pk, "3-2-1502", desk.owner.pk,
                                             "王建国")


def test_intake_registers_an_order_and_tells_the_promised_times(desk, desk_user):
    client = _client(desk_user)
    response = client.post(
        reverse("servicedesk:intake") + f"?q=1502&person={desk.owner.pk}", {
            "order-order_type": "repair", "order-category": desk.category("漏水").pk,
            "order-area": "private_unit", "order-channel": "phone",
            "order-community": desk.community.pk, "order-room_code": "3-2-1502",
            "order-person": desk.owner.pk, "order-caller_name": "王建国",
            "order-summary": "厨房天花板漏水", "order-since": "今天早上",
            "order-location": "厨房", "order-urgency": "high", "order-impact": "medium",
        })
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("servicedesk:intake") + f"?done={order.pk}"
    assert (order.unit, order.person, order.caller_phone, order.since, order.location) == (
        desk.unit, desk.owner, "+8613812341502", "今天早上", "厨房")
    assert (order.department, order.handler, order.registered_by) == (
        desk.departments["engineering"], desk.supervisor, desk_user)
    html = _html(client.get(response["Location"]))
    assert f"Work order {order.number} registered" in html
    assert "Routed to 工程部 · 赵主管." in html
    on_site = order.clocks.get(kind="on_site")
    fix = order.clocks.get(kind="resolution")
    assert f"On-site arrival by {_local(on_site.due_at)}" in html
    assert f"Resolution by {_local(fix.due_at)}" in html


def test_intake_errors_are_shown_and_nothing_is_written(desk, desk_user):
    response = _client(desk_user).post(reverse("servicedesk:intake"), {
        "order-order_type": "repair", "order-area": "private_unit", "order-channel": "phone",
        "order-community": desk.community.pk, "order-room_code": "9-9-999",
        "order-summary": "", "order-urgency": "high", "order-impact": "medium",
    })
    assert response.status_code == 200
    form = response.context["order_form"]
    assert form.errors == {"room_code": ["There is no unit 9-9-999 in this community."],
                           "summary": ["This field is required."]}
    assert "There is no unit 9-9-999 in this community." in _html(response)
    assert WorkOrder.objects.count() == 0


def test_intake_shows_the_services_refusal(desk, desk_user):
    response = _client(desk_user).post(reverse("servicedesk:intake"), {
        "order-order_type": "complaint", "order-category": desk.category("漏水").pk,
        "order-area": "private_unit", "order-channel": "phone",
        "order-community": desk.community.pk, "order-room_code": "3-2-1502",
        "order-summary": "漏水没人管", "order-urgency": "high", "order-impact": "low",
    })
    assert response.status_code == 200
    assert response.context["order_form"].errors == {
        "category": ["This category belongs to another order type."]}
    assert WorkOrder.objects.count() == 0


def test_an_unknown_caller_from_an_app_message_waits_in_quarantine(desk, desk_user):
    client = _client(desk_user)
    response = client.post(reverse("servicedesk:intake"), {
        "order-order_type": "repair", "order-area": "private_unit", "order-channel": "app",
        "order-community": desk.community.pk, "order-caller_name": "王先生",
        "order-caller_phone": "138 1234 1502", "order-summary": "卫生间漏水",
        "order-urgency": "medium", "order-impact": "low",
    })
    order = WorkOrder.objects.get()
    assert order.status == Status.QUARANTINED
    html = _html(client.get(response["Location"]))
    assert "It waits in quarantine until the contact is identified." in html


def test_log_the_call_only(desk, desk_user):
    client = _client(desk_user)
    response = client.post(reverse("servicedesk:contact_log_add"), {
        "log-direction": "inbound", "log-channel": "phone", "log-community": desk.community.pk,
        "log-room_code": "3-2-1502", "log-person": desk.owner.pk,
        "log-content": "咨询停车卡办理", "log-follow_up": "已告知流程",
    })
    assert response.status_code == 302
    entry = ContactLog.objects.get()
    assert (entry.unit, entry.person, entry.caller_name, entry.caller_phone, entry.content,
            entry.handled_by) == (desk.unit, desk.owner, "王建国", "+8613812341502",
                                  "咨询停车卡办理", desk_user)


def test_log_errors_write_nothing(desk, desk_user):
    response = _client(desk_user).post(reverse("servicedesk:contact_log_add"), {
        "log-direction": "inbound", "log-channel": "phone", "log-content": " ",
        "log-caller_phone": "12345",
    })
    assert response.status_code == 200
    form = response.context["log_form"]
    assert form.errors["content"] == ["This field is required."]
    assert response.context["open_form"] == "log"
    assert ContactLog.objects.count() == 0


def test_building_options_of_the_chosen_community(desk, desk_user):
    response = _client(desk_user).get(reverse("servicedesk:building_options"),
                                      {"order-community": desk.community.pk})
    building = desk.unit.building_id
    assert _html(response) == (
        f'<option value="">—</option><option value="{building}">Building 3</option>\n')


def test_intake_needs_the_add_permission(desk):
    client = _client(desk.technician)
    assert client.get(reverse("servicedesk:intake")).status_code == 403
    assert client.post(reverse("servicedesk:contact_log_add"), {}).status_code == 403


# --- the order page -------------------------------------------------------------------------

def test_order_page_header_clocks_and_the_moves_of_the_handler(desk):
    order = _leak(desk)
    response = _client(desk.supervisor).get(_detail(order))
    assert response.status_code == 200
    html = _html(response)
    assert order.number in html and "厨房天花板漏水" in html
    assert '<span class="badge bg-blue-lt">New</span>' in html
    assert '<span class="badge bg-orange-lt">P2 · important</span>' in html
    assert "工程部 · 赵主管" in html and "Escalation line 1" in html
    assert [o.name for o in response.context["offers"]] == [
        "assign", "transfer", "return", "accept", "resolve", "escalate"]
    assert [(c.clock.kind, c.status) for c in response.context["clocks"]] == [
        ("dispatch", "met"), ("response", "running"), ("on_site", "running"),
        ("resolution", "running")]
    assert "urgency High × impact Medium → P2 · important" in html


def test_a_worker_who_is_not_the_handler_has_nothing_to_do(desk):
    order = _leak(desk)
    response = _client(desk.technician).get(_detail(order))
    assert response.context["offers"] == []
    assert "Nothing for you to do on this order now." in _html(response)


def test_breached_warned_and_paused_clocks_are_marked(desk):
    order = _leak(desk)
    now = timezone.now()
    WorkOrderClock.objects.filter(work_order=order, kind="on_site").update(
        due_at=now - dt.timedelta(minutes=1))
    WorkOrderClock.objects.filter(work_order=order, kind="resolution").update(
        warn_at=now - dt.timedelta(minutes=1))
    html = _html(_client(desk.supervisor).get(_detail(order)))
    assert '<tr data-clock="on_site" data-state="breached" class="table-danger">' in html
    assert '<tr data-clock="resolution" data-state="warned" class="table-warning">' in html
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(order, actor=desk.technician)
    services.work_order_wait(order, actor=desk.technician, waiting_on="customer",
                             reason="业主不在家")
    html = _html(_client(desk.supervisor).get(_detail(order)))
    assert '<tr data-clock="resolution" data-state="paused" class="">' in html
    assert "Paused" in html


def test_order_page_tabs_timeline_and_history(desk):
    order = _leak(desk)
    client = _client(desk.supervisor)
    response = client.get(_detail(order), {"tab": "timeline"})
    assert [e.title for e in response.context["timeline"]] == [
        "Routed by the routing rules", "Registered"]
    # Routed at intake, the order is written once, already with its handler.
    response = client.get(_detail(order), {"tab": "history"})
    assert response.context["tab"] == "history"
    assert [e.action for e in response.context["history"]] == ["created"]
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    history = client.get(_detail(order), {"tab": "history"}).context["history"]
    assert [e.action for e in history] == ["changed", "created"]
    assert [(c.field, c.new) for c in history[0].changes] == [("handler", "孙师傅")]


def test_order_page_scope(desk, outsider, sibling):
    order = _leak(desk)
    for user in (outsider, sibling):
        client = _client(user)
        assert client.get(_detail(order)).status_code == 404
        assert client.get(reverse("servicedesk:work_order_slip",
                                  args=[order.pk])).status_code == 404
        assert client.post(_act(order, "cancel"), {"cancel-reason": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Status.NEW


def test_the_moves_through_the_order_page(desk):
    order = _leak(desk)
    supervisor, technician = _client(desk.supervisor), _client(desk.technician)
    response = supervisor.post(_act(order, "assign"), {"assign-handler": desk.technician.pk})
    assert response.status_code == 302 and response["Location"] == _detail(order)
    assert technician.post(_act(order, "accept")).status_code == 302
    assert technician.post(_act(order, "arrive")).status_code == 302
    response = technician.post(_act(order, "resolve"), {"resolve-resolution": "更换水管接头"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.handler, order.resolution) == (
        Status.RESOLVED, desk.technician, "更换水管接头")
    assert list(DomainEvent.objects.filter(subject_id=order.pk).order_by("id")
                .values_list("verb", flat=True)) == [
        "work_order.registered", "work_order.routed", "work_order.assign",
        "work_order.accept", "work_order.arrive", "work_order.resolve"]
    html = _html(supervisor.get(_detail(order)))
    assert "更换水管接头" in html


def test_a_move_with_bad_input_shows_the_errors_and_changes_nothing(desk):
    order = _leak(desk)
    response = _client(desk.supervisor).post(_act(order, "transfer"), {
        "transfer-department": desk.departments["security"].pk, "transfer-reason": ""})
    assert response.status_code == 200
    assert response.context["open_move"] == "transfer"
    assert response.context["failed_move"].errors == {"reason": ["This field is required."]}
    assert 'class="collapse mt-3 show" id="move-transfer"' in _html(response)
    order.refresh_from_db()
    assert order.department == desk.departments["engineering"]


def test_a_move_not_allowed_from_the_status_is_explained(desk):
    order = _leak(desk)
    response = _client(desk.supervisor).post(_act(order, "arrive"))
    assert response.status_code == 200
    assert ("A work order that is “New” cannot be given “Arrived on site”."
            in _html(response))
    order.refresh_from_db()
    assert order.status == Status.NEW and order.arrived_at is None


def test_a_move_the_user_may_not_make_is_forbidden(desk):
    order = _leak(desk)
    response = _client(desk.technician).post(_act(order, "assign"),
                                             {"assign-handler": desk.technician.pk})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.handler == desk.supervisor


def test_an_unknown_move_is_not_found(desk):
    order = _leak(desk)
    assert _client(desk.supervisor).post(_act(order, "teleport")).status_code == 404


def test_a_return_takes_the_order_out_of_sight_and_lands_on_the_list(desk):
    order = _leak(desk)
    response = _client(desk.supervisor).post(_act(order, "return"),
                                             {"return-reason": "不是工程部的"})
    assert response["Location"] == reverse("servicedesk:work_order_list")
    order.refresh_from_db()
    assert order.department is None


def test_complaint_reply_review_through_the_page(desk):
    complaint = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        category=desk.category("服务态度"), unit=desk.unit, person=desk.owner,
        summary="保安态度差", is_sensitive=True)
    handler = _client(desk.manager)
    assert handler.post(_act(complaint, "reply"),
                        {"reply-reply": "已批评教育当事保安"}).status_code == 302
    response = handler.post(_act(complaint, "reply_review"),
                            {"reply_review-decision": "reject", "reply_review-note": ""})
    assert response.context["failed_move"].errors == {"note": ["Say what to change."]}
    response = handler.post(_act(complaint, "reply_review"),
                            {"reply_review-decision": "approve"})
    complaint.refresh_from_db()
    assert (complaint.reply, complaint.review_status) == ("已批评教育当事保安", "approved")
    html = _html(handler.get(_detail(complaint)))
    assert "已批评教育当事保安" in html and "Approved" in html


def test_paid_service_quote_answer_and_charge(desk):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="paid_service",
        category=desk.category("管道疏通"), unit=desk.unit, person=desk.owner, summary="下水道堵塞")
    client = _client(desk.supervisor)
    response = client.post(_act(order, "quote"), {"quote-amount": "-5"})
    assert response.context["failed_move"].errors == {
        "amount": ["Ensure this value is greater than or equal to 0."]}
    client.post(_act(order, "quote"), {"quote-amount": "120", "quote-note": "含配件"})
    client.post(_act(order, "quote_answer"), {"quote_answer-answer": "accepted"})
    services.work_order_resolve(order, actor=desk.supervisor, resolution="已疏通")
    client.post(_act(order, "charge"), {"charge-amount": ""})
    order.refresh_from_db()
    assert (str(order.quote_amount), order.quote_status, str(order.charge_amount)) == (
        "120.00", "charged", "120.00")
    assert "¥120.00" in _html(client.get(_detail(order)))


# --- the dispatcher queue -------------------------------------------------------------------

def test_queue_by_due_time_with_breaches_red_and_warnings_amber(desk):
    late = _leak(desk)
    soon = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("门窗"), unit=desk.unit, person=desk.owner, summary="门锁坏了")
    calm = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("电梯"), area="public_facility", summary="2号电梯异响")
    now = timezone.now()
    WorkOrderClock.objects.filter(work_order=late).update(due_at=now - dt.timedelta(hours=1))
    WorkOrderClock.objects.filter(work_order=soon).update(warn_at=now - dt.timedelta(hours=1),
                                                          due_at=now + dt.timedelta(hours=1))
    WorkOrderClock.objects.filter(work_order=calm).update(warn_at=now + dt.timedelta(hours=3),
                                                          due_at=now + dt.timedelta(hours=5))
    response = _client(desk.frontdesk).get(reverse("servicedesk:queue"))
    assert response.status_code == 200
    assert [(r.order.number, r.state) for r in response.context["rows"]] == [
        (late.number, "breached"), (soon.number, "warned"), (calm.number, "")]
    html = _html(response)
    assert (f'<tr id="queue-row-{late.pk}" data-order="{late.pk}" data-due-state="breached" '
            'class="table-danger">') in html
    assert 'data-due-state="warned" class="table-warning"' in html


def test_queue_due_and_warning_times_are_those_of_the_earliest_running_clock(desk):
    """A met clock, however early it was due, no longer sets the order's place; an order
    with no running clock comes last."""
    from linli.servicedesk import selectors

    mixed, later, stopped = _leak(desk), _leak(desk), _leak(desk)
    now = timezone.now().replace(microsecond=0)
    first, second, *rest = WorkOrderClock.objects.filter(work_order=mixed).order_by("pk")
    assert rest, "an urgent repair runs more than two clocks"
    WorkOrderClock.objects.filter(pk=first.pk).update(
        state="met", due_at=now - dt.timedelta(days=2), warn_at=now - dt.timedelta(days=3))
    WorkOrderClock.objects.filter(pk=second.pk).update(
        due_at=now + dt.timedelta(hours=2), warn_at=now + dt.timedelta(hours=1))
    WorkOrderClock.objects.filter(pk__in=[c.pk for c in rest]).update(
        due_at=now + dt.timedelta(hours=6), warn_at=now + dt.timedelta(minutes=30))
    WorkOrderClock.objects.filter(work_order=later).update(
        due_at=now + dt.timedelta(hours=3), warn_at=now + dt.timedelta(hours=2))
    WorkOrderClock.objects.filter(work_order=stopped).update(state="met")
    rows = [(o.pk, o.next_due, o.next_warn) for o in selectors.queue_list(desk.frontdesk)]
    assert rows == [
        (mixed.pk, now + dt.timedelta(hours=2), now + dt.timedelta(minutes=30)),
        (later.pk, now + dt.timedelta(hours=3), now + dt.timedelta(hours=2)),
        (stopped.pk, None, None)]
    descending = selectors.queue_list(desk.frontdesk, {"sort": "-due"})
    assert [o.pk for o in descending] == [later.pk, mixed.pk, stopped.pk]
    assert [o.pk for o in selectors.dispatcher_queue(desk.frontdesk)] == [
        mixed.pk, later.pk, stopped.pk]


def test_queue_filters_and_one_click_dispatch_of_a_returned_order(desk):
    order = _leak(desk)
    _leak(desk)
    services.work_order_return(order, actor=desk.supervisor, reason="不是工程部的")
    client = _client(desk.frontdesk)
    response = client.get(reverse("servicedesk:queue"), {"unassigned": "on"})
    rows = response.context["rows"]
    assert [(r.order.number, r.suggested) for r in rows] == [
        (order.number, desk.departments["engineering"])]
    assert "To 工程部" in _html(response)
    response = client.post(_act(order, "dispatch"), {
        "dispatch-department": desk.departments["engineering"].pk, "partial": "queue",
        "next": reverse("servicedesk:queue")}, headers=HTMX)
    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith(f'<tr id="queue-row-{order.pk}"')
    assert "工程部" in html and "赵主管" in html
    assert f"{order.number} · Dispatch: done. Status: New." in html
    order.refresh_from_db()
    assert (order.department, order.handler) == (desk.departments["engineering"],
                                                 desk.supervisor)


def test_dispatch_and_transfer_offer_only_the_orders_own_office(desk):
    """Another office's departments and staff are not offered (and, in a company with
    hundreds of offices, do not fill every row of the queue with options)."""
    from linli.servicedesk.forms import DispatchForm, TransferForm
    from tests.builders import make_unit

    other_office = desk.world.branch_b
    elsewhere = make_unit(other_office, "工程部", kind="department")
    stranger = make_user(desk.world.tenant, elsewhere, ["servicedesk.work_workorder"],
                         username="other.tech", display_name="别处师傅")
    order = _leak(desk)
    for form_class in (DispatchForm, TransferForm):
        form = form_class(order=order, actor=desk.frontdesk)
        departments = set(form.fields["department"].queryset)
        assert desk.departments["engineering"] in departments
        assert elsewhere not in departments
        staff = set(form.fields["handler"].queryset)
        assert desk.technician in staff and stranger not in staff


def test_the_supervisor_assigns_from_the_queue(desk):
    order = _leak(desk)
    client = _client(desk.supervisor)
    response = client.get(reverse("servicedesk:queue"))
    assert [r.order.pk for r in response.context["rows"]] == [order.pk]
    response = client.post(_act(order, "assign"), {
        "assign-handler": desk.technician.pk, "partial": "queue"}, headers=HTMX)
    assert "孙师傅" in _html(response)
    order.refresh_from_db()
    assert order.handler == desk.technician


def test_queue_permission_and_scope(desk, outsider):
    _leak(desk)
    assert _client(desk.technician).get(reverse("servicedesk:queue")).status_code == 403
    dispatcher = make_user(desk.world.other_tenant, desk.world.other_root,
                           [*SEE, "servicedesk.dispatch_workorder"])
    response = _client(dispatcher).get(reverse("servicedesk:queue"))
    assert response.status_code == 200 and response.context["rows"] == []
    assert "The queue is empty." in _html(response)


# --- my orders ------------------------------------------------------------------------------

def test_my_orders_cards_with_one_tap_moves(desk):
    order = _leak(desk)
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    client = _client(desk.technician)
    response = client.get(reverse("servicedesk:my_orders"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row.order, [o.name for o in row.offers]) == (order, ["accept", "resolve"])
    assert "3-2-1502" in _html(response)
    response = client.post(_act(order, "accept"), {"partial": "card"}, headers=HTMX)
    html = _html(response)
    assert html.lstrip().startswith(f'<div class="card " id="order-card-{order.pk}"')
    assert 'data-move="arrive"' in html and 'data-move="accept"' not in html
    client.post(_act(order, "arrive"), {"partial": "card"}, headers=HTMX)
    response = client.post(_act(order, "resolve"), {"partial": "card",
                                                    "resolve-resolution": " "}, headers=HTMX)
    assert response.status_code == 200
    assert "This field is required." in _html(response)
    assert "<details class=\"border rounded p-2\" open>" in _html(response)
    response = client.post(_act(order, "resolve"), {"partial": "card",
                                                    "resolve-resolution": "换了密封圈"},
                           headers=HTMX)
    assert "Resolved. The desk will call the customer back." in _html(response)
    order.refresh_from_db()
    assert order.status == Status.RESOLVED
    assert client.get(reverse("servicedesk:my_orders")).context["rows"] == []


def test_my_orders_is_for_workers(desk):
    assert _client(desk.frontdesk).get(reverse("servicedesk:my_orders")).status_code == 403
    response = _client(desk.technician).get(reverse("servicedesk:my_orders"))
    assert "Nothing open for you." in _html(response)


# --- quarantine -----------------------------------------------------------------------------

def _from_the_app(desk):
    return services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair", channel="app",
        category=desk.category("漏水"), caller_name="王先生", caller_phone="13812341502",
        summary="卫生间漏水")


def test_quarantine_offers_the_person_with_that_phone_and_verifies(desk):
    order = _from_the_app(desk)
    client = _client(desk.frontdesk)
    response = client.get(reverse("servicedesk:quarantine"))
    [row] = response.context["rows"]
    assert row["order"] == order
    assert list(row["form"].fields["person"].widget.choices) == [
        (desk.owner.pk, "王建国 · ···1502 · 3-2-1502")]
    response = client.post(_act(order, "verify"), {
        "verify-person": desk.owner.pk, "verify-room_code": "9-9-9", "partial": "quarantine"},
        headers=HTMX)
    assert "There is no unit 9-9-9 in this community." in _html(response)
    order.refresh_from_db()
    assert order.status == Status.QUARANTINED
    response = client.post(_act(order, "verify"), {
        "verify-person": desk.owner.pk, "verify-room_code": "3-2-1502",
        "partial": "quarantine"}, headers=HTMX)
    assert "Verified: 王建国. Status: New." in _html(response)
    order.refresh_from_db()
    assert (order.status, order.person, order.unit, order.department) == (
        Status.NEW, desk.owner, desk.unit, desk.departments["engineering"])
    assert client.get(reverse("servicedesk:quarantine")).context["rows"] == []


def test_quarantine_search_adds_candidates_and_needs_the_right(desk):
    _from_the_app(desk)
    other = make_person(desk.world, "赵六", phones=["13700001111"])
    response = _client(desk.frontdesk).get(reverse("servicedesk:quarantine"), {"q": "1111"})
    [row] = response.context["rows"]
    assert [pk for pk, _label in row["form"].fields["person"].widget.choices] == [
        other.pk, desk.owner.pk]
    assert _client(desk.technician).get(reverse("servicedesk:quarantine")).status_code == 403


# --- callbacks ------------------------------------------------------------------------------

def test_callback_list_records_an_unsatisfied_callback_and_opens_rework(desk):
    order = _resolved(desk)
    callback = order.callbacks.get()
    client = _client(desk.frontdesk)
    response = client.get(reverse("servicedesk:callback_list"))
    assert [r["callback"] for r in response.context["rows"]] == [callback]
    assert response.context["rows"][0]["form"] is not None
    response = client.post(_act(order, "callback"), {
        "callback-outcome": "done", "partial": "callback", "callback_id": callback.pk},
        headers=HTMX)
    assert "Enter the satisfaction from 1 to 5." in _html(response)
    assert Callback.objects.get().attempts == 0
    response = client.post(_act(order, "callback"), {
        "callback-outcome": "done", "callback-satisfaction": "2", "callback-comment": "还在滴水",
        "partial": "callback", "callback_id": callback.pk}, headers=HTMX)
    html = _html(response)
    assert "Reached · done · satisfaction 2" in html
    order.refresh_from_db()
    rework = WorkOrder.objects.get(rework_of=order)
    assert (order.status, rework.status, rework.handler) == (
        Status.REOPENED, Status.NEW, desk.technician)
    assert client.get(reverse("servicedesk:callback_list")).context["rows"] == []


def test_a_callback_not_reached_waits_for_its_retry(desk):
    order = _resolved(desk)
    callback = order.callbacks.get()
    response = _client(desk.frontdesk).post(_act(order, "callback"), {
        "callback-outcome": "no_answer", "partial": "callback", "callback_id": callback.pk},
        headers=HTMX)
    callback.refresh_from_db()
    html = _html(response)
    assert "Not reached · no answer" in html
    assert f"Call again from {timezone.localtime(callback.due_at):%m-%d %H:%M}." in html
    assert callback.status == "retry"


def test_callback_list_scope_and_rights(desk, outsider, sibling):
    _resolved(desk)
    for user in (outsider, sibling):
        response = _client(user).get(reverse("servicedesk:callback_list"))
        assert response.status_code == 200 and response.context["rows"] == []
    viewer = make_user(desk.world.tenant, desk.world.branch_a, SEE)
    response = _client(viewer).get(reverse("servicedesk:callback_list"))
    assert [r["form"] for r in response.context["rows"]] == [None]
    assert _client(desk.technician).get(
        reverse("servicedesk:callback_list")).status_code == 403


# --- the contact log ------------------------------------------------------------------------

def _log(desk, content: str, when=None):
    return services.contact_log_create(
        actor=desk.frontdesk, content=content, community=desk.community, unit=desk.unit,
        person=desk.owner, caller_phone="13812341502", occurred_at=when)


def test_contact_log_by_day_with_filters_and_export(desk):
    today = _log(desk, "咨询停车卡")
    yesterday = _log(desk, "咨询装修手续", timezone.now() - dt.timedelta(days=1))
    client = _client(desk.frontdesk)
    response = client.get(reverse("servicedesk:contact_log_list"))
    assert list(response.context["entries"]) == [today, yesterday]
    html = _html(response)
    assert html.count('data-testid="log-day"') == 2
    assert "138****1502" in html and "13812341502" not in html
    response = client.get(reverse("servicedesk:contact_log_list"), {"q": "装修"})
    assert list(response.context["entries"]) == [yesterday]
    day = timezone.localdate(yesterday.occurred_at).isoformat()
    response = client.get(reverse("servicedesk:contact_log_list"), {"day": day})
    assert list(response.context["entries"]) == [yesterday]
    response = client.get(reverse("servicedesk:contact_log_list"), {"q": "装修",
                                                                     "export": "csv"})
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 2
    assert "咨询装修手续" in rows[1] and "138****1502" in rows[1] and "3-2-1502" in rows[1]


def test_the_days_printed_log_with_the_orders_of_the_day(desk):
    entry = _log(desk, "咨询停车卡")
    order = _leak(desk)
    response = _client(desk.frontdesk).get(reverse("servicedesk:contact_log_print"))
    assert response.status_code == 200
    assert list(response.context["entries"]) == [entry]
    assert list(response.context["orders"]) == [order]
    html = _html(response)
    assert "Call and visit log" in html and "咨询停车卡" in html and order.number in html


def test_contact_log_scope_and_rights(desk, outsider, sibling):
    _log(desk, "机密来电")
    for user in (outsider, sibling):
        response = _client(user).get(reverse("servicedesk:contact_log_list"))
        assert "机密来电" not in _html(response)
        assert "机密来电" not in _html(_client(user).get(
            reverse("servicedesk:contact_log_print")))
    assert _client(desk.technician).get(
        reverse("servicedesk:contact_log_list")).status_code == 403


# --- the work-order list --------------------------------------------------------------------

def test_work_order_list_filters_sorting_and_export(desk):
    leak = _leak(desk)
    complaint = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        category=desk.category("服务态度"), unit=desk.unit, person=desk.owner,
        summary="保安态度差", caller_phone="13812341502")
    client = _client(desk.frontdesk)
    url = reverse("servicedesk:work_order_list")
    assert list(client.get(url).context["orders"]) == [complaint, leak]
    assert list(client.get(url, {"sort": "number"}).context["orders"]) == [leak, complaint]
    assert list(client.get(url, {"order_type": "complaint"}).context["orders"]) == [complaint]
    assert list(client.get(url, {"priority": "P2"}).context["orders"]) == [leak]
    assert list(client.get(url, {"q": "保安"}).context["orders"]) == [complaint]
    assert list(client.get(url, {"status": "closed"}).context["orders"]) == []
    today = timezone.localdate().isoformat()
    assert list(client.get(url, {"created_from": today, "created_to": today,
                                 "community": desk.community.pk}).context["orders"]) == [
        complaint, leak]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.get(url, {"created_from": tomorrow})
    assert "No work orders match these filters." in _html(response)
    response = client.get(url, {"q": "保安", "export": "csv"})
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(rows) == 2
    assert rows[1].startswith(f"{complaint.number},")
    assert "138****1502" in rows[1] and "保安态度差" in rows[1]


def test_work_order_list_rights_scope_and_menu(desk, outsider):
    _leak(desk)
    url = reverse("servicedesk:work_order_list")
    assert list(_client(outsider).get(url).context["orders"]) == []
    nobody = make_user(desk.world.tenant, desk.world.branch_a, ["directory.view_person"])
    assert _client(nobody).get(url).status_code == 403
    home = _html(_client(desk.technician).get(reverse("servicedesk:my_orders")))
    assert 'href="/service/mine/"' in home and 'href="/service/queue/"' not in home
    assert 'href="/service/intake/"' not in home
    home = _html(_client(desk.frontdesk).get(url))
    for path in ("intake", "orders", "queue", "quarantine", "callbacks", "contacts"):
        assert f'href="/service/{path}/"' in home
