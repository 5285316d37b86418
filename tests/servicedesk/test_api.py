"""The service desk's JSON API (PLAT-11): intake and routing, list filters and pagination, the
detail with its clocks and allowed moves, every move, the contact log, callbacks, the
configuration endpoints, the error format, scope (404), permission (403) and idempotency."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from linli.core.events import DomainEvent
from linli.servicedesk import services
from linli.servicedesk.models import ContactLog, RoutingRule, ServiceLevel, WorkOrder
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person
from tests.directory.builders import make_unit as make_room
from tests.servicedesk.builders import SEE

pytestmark = pytest.mark.django_db

API = "/api/v1"
ILLEGAL_ARRIVE = "A work order that is “New” cannot be given “Arrived on site”."


class Api:
    """A signed-in client that sends JSON."""

    def __init__(self, user):
        self.client = Client()
        self.client.force_login(user)

    def get(self, path, params=None):
        return self.client.get(API + path, params or {})

    def post(self, path, data=None, **extra):
        body = data if isinstance(data, str) else json.dumps(data or {})
        return self.client.post(API + path, body, content_type="application/json", **extra)

    def put(self, path, data):
        return self.client.put(API + path, json.dumps(data), content_type="application/json")


@pytest.fixture
def front(desk):
    return Api(desk.frontdesk)


@pytest.fixture
def admin(desk):
    return Api(make_user(desk.world.tenant, superuser=True, username="desk.admin"))


def _leak_payload(desk, **extra):
    return {"community_id": desk.community.pk, "order_type": "repair", "channel": "phone",
            "category_id": desk.category("漏水").pk, "unit_id": desk.unit.pk,
            "person_id": desk.owner.pk, "caller_phone": "13812341502",
            "summary": "厨房天花板漏水", "urgency": "high", "impact": "medium", **extra}


def _leak(desk, **extra) -> WorkOrder:
    defaults = {"actor": desk.frontdesk, "community": desk.community, "order_type": "repair",
                "category": desk.category("漏水"), "unit": desk.unit, "person": desk.owner,
                "caller_phone": "13812341502", "summary": "厨房天花板漏水",
                "urgency": "high", "impact": "medium"}
    return services.work_order_create(**{**defaults, **extra})


def _outsider(desk) -> Api:
    return Api(make_user(desk.world.other_tenant, desk.world.other_root, SEE, superuser=True))


# --- intake ---------------------------------------------------------------------------------

def test_create_registers_and_routes_the_order(desk, front):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = front.post("/work-orders", _leak_payload(desk))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["priority"], body["department_id"], body["handler_id"],
            body["handler_name"], body["org_unit_id"]) == (
        "new", "P2", desk.departments["engineering"].pk, desk.supervisor.pk, "赵主管",
        desk.departments["engineering"].pk)
    assert (body["caller_phone"], body["caller_name"], body["room_code"],
            body["community_name"], body["category_name"]) == (
        "138****1502", "王建国", "3-2-1502", "翠湖苑", "水电 › 漏水")
    assert body["number"].startswith("GD") and body["number"].endswith("-0001")
    assert [(c["kind"], c["unit"], c["amount"], c["state"]) for c in body["clocks"]] == [
        ("response", "calendar_minutes", "10.00", "running"),
        ("dispatch", "calendar_minutes", "10.00", "met"),  # stopped by the route
        ("on_site", "calendar_minutes", "20.00", "running"),
        ("resolution", "calendar_hours", "8.00", "running")]
    assert body["allowed_actions"] == ["dispatch", "assign", "transfer", "return", "accept",
                                       "resolve", "cancel", "escalate", "cluster-link"]
    assert (body["callbacks"], body["rework_ids"], body["cluster_child_ids"]) == ([], [], [])
    # A new order has none of them: the reply does not look.
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "servicedesk_callback"' in sql
                or '"rework_of_id" =' in sql or '"cluster_parent_id" =' in sql]
    order = WorkOrder.objects.get()
    assert order.caller_phone == "+8613812341502"


def test_create_from_the_app_without_a_person_is_quarantined(desk, front):
    response = front.post("/work-orders", {
        "community_id": desk.community.pk, "order_type": "repair", "summary": "楼道灯不亮",
        "category_id": desk.category("漏水").pk, "caller_phone": "13900001111"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["channel"], body["status"], body["department_id"], body["clocks"],
            body["allowed_actions"]) == ("api", "quarantined", None, [],
                                         ["verify", "cancel", "cluster-link"])


def test_idempotent_create_replays_the_first_answer(desk, front):
    payload = _leak_payload(desk)
    first = front.post("/work-orders", payload, HTTP_IDEMPOTENCY_KEY="intake-1")
    again = front.post("/work-orders", payload, HTTP_IDEMPOTENCY_KEY="intake-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert WorkOrder.objects.count() == 1


def test_ids_out_of_scope_are_field_errors(desk, front):
    foreign = make_community(desk.world, "别人的小区", org_unit=desk.world.other_root)
    response = front.post("/work-orders", _leak_payload(desk, community_id=foreign.pk))
    assert response.status_code == 422
    assert response.json() == {"code": "validation_error", "message": "Some fields are not valid.",
                               "fields": {"community_id": ["Choose a community you can see."]}}
    stranger = make_person(desk.world, "华南住户", org_unit=desk.world.branch_b)
    response = front.post("/work-orders", _leak_payload(desk, person_id=stranger.pk))
    assert response.json()["fields"] == {"person_id": ["Choose a person you can see."]}
    other_room = make_room(make_building(make_community(desk.world, "邻苑"), "1"), 1, "101")
    response = front.post("/work-orders", _leak_payload(desk, unit_id=other_room.pk))
    assert response.json()["fields"] == {
        "unit_id": ["This unit is not in the chosen community."]}
    response = front.post("/work-orders", _leak_payload(
        desk, category_id=desk.category("秩序安全").pk))
    assert response.json()["fields"] == {
        "category_id": ["This category belongs to another order type."]}
    assert WorkOrder.objects.count() == 0


def test_create_with_bad_types_is_422(desk, front):
    response = front.post("/work-orders", _leak_payload(
        desk, community_id="abc", order_type="leak", summary="", urgency=3))
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["community_id"] == ["Enter a whole number."]
    assert fields["summary"] == ["Enter at least 1 characters."]
    assert fields["order_type"][0].startswith("Choose one of: 'consultation', 'repair'")
    assert fields["urgency"][0].startswith("Choose one of:")
    # Malformed JSON is the platform's 400 (tests/accounts/test_api.py), in the one format.
    response = front.post("/work-orders", '{"community_id": 1,')
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request",
                               "message": "The request body is not valid JSON.", "fields": {}}
    response = front.post("/work-orders", {"order_type": "repair"})
    assert response.json()["fields"] == {"community_id": ["This field is required."],
                                         "summary": ["This field is required."]}
    response = front.post("/work-orders", _leak_payload(desk, caller_phone="12345"))
    assert list(response.json()["fields"]) == ["caller_phone"]
    assert WorkOrder.objects.count() == 0


def test_create_without_the_right_is_403(desk):
    viewer = Api(make_user(desk.world.tenant, desk.world.branch_a, SEE))
    response = viewer.post("/work-orders", _leak_payload(desk))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert WorkOrder.objects.count() == 0


# --- list, detail, events -------------------------------------------------------------------

@pytest.fixture
def three(desk):
    leak = _leak(desk)
    complaint = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        category=desk.category("秩序安全"), area="public_area", summary="夜里有人喧哗",
        caller_name="张先生", caller_phone="13700001234", channel="walk_in")
    question = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="consultation",
        summary="装修要办什么手续", channel="app")
    return leak, complaint, question


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["number"] for item in response.json()["items"]]


def test_list_filters(desk, front, three):
    leak, complaint, question = three
    assert _numbers(front.get("/work-orders")) == [question.number, complaint.number,
                                                  leak.number]
    assert _numbers(front.get("/work-orders", {"status": "quarantined"})) == [question.number]
    assert _numbers(front.get("/work-orders", {"status": "new,quarantined"})) == [
        question.number, complaint.number, leak.number]
    assert _numbers(front.get("/work-orders", {"order_type": "repair"})) == [leak.number]
    assert _numbers(front.get("/work-orders", {"channel": "walk_in"})) == [complaint.number]
    assert _numbers(front.get("/work-orders", {"area": "public_area"})) == [complaint.number]
    assert _numbers(front.get("/work-orders", {"priority": "P2"})) == [leak.number]
    assert _numbers(front.get("/work-orders", {"unassigned": "true"})) == [question.number]
    assert _numbers(front.get("/work-orders", {
        "department": desk.departments["security"].pk})) == [complaint.number]
    assert _numbers(front.get("/work-orders", {"handler": desk.supervisor.pk})) == [
        leak.number]
    assert _numbers(front.get("/work-orders", {"q": "喧哗"})) == [complaint.number]
    assert _numbers(front.get("/work-orders", {"q": leak.number})) == [leak.number]
    assert _numbers(front.get("/work-orders", {"community": desk.community.pk,
                                                "person": desk.owner.pk})) == [leak.number]
    today = timezone.localdate().isoformat()
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert len(_numbers(front.get("/work-orders", {"created_from": today,
                                                    "created_to": today}))) == 3
    assert _numbers(front.get("/work-orders", {"created_to": yesterday})) == []
    supervisor = Api(desk.supervisor)
    assert _numbers(supervisor.get("/work-orders", {"mine": "true"})) == [leak.number]
    # The supervisor sees what engineering handles, nothing else.
    assert _numbers(supervisor.get("/work-orders")) == [leak.number]
    services.work_order_cancel(question, actor=desk.frontdesk, reason="来电人已自行解决")
    assert _numbers(front.get("/work-orders", {"open": "true"})) == [complaint.number,
                                                                     leak.number]
    item = front.get("/work-orders", {"q": "喧哗"}).json()["items"][0]
    assert (item["caller_phone"], item["caller_name"], item["severity"],
            item["complaint_subject"]) == ("137****1234", "张先生", "minor", "property_service")


def test_list_refuses_bad_filters(desk, front):
    response = front.get("/work-orders", {"status": "new,lost"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"status": [
        "Choose statuses among: quarantined, new, accepted, scheduled, in_progress, waiting, "
        "resolved, callback, reopened, closed, cancelled."]}
    response = front.get("/work-orders", {"created_from": "2026-13-01", "handler": "x",
                                          "mine": "maybe"})
    assert response.json()["fields"] == {"created_from": ["Enter a date like 2026-10-08."],
                                         "handler": ["Enter a whole number."],
                                         "mine": ["Enter true or false."]}
    response = front.get("/work-orders", {"created_from": "2026-10-08",
                                          "created_to": "2026-10-01"})
    assert response.json()["fields"] == {"created_to": ["The end date is before the start date."]}


def test_pagination_totals(desk, front, three):
    first = front.get("/work-orders", {"size": 2}).json()
    assert (first["count"], first["page"], first["size"], first["pages"],
            len(first["items"])) == (3, 1, 2, 2, 2)
    second = front.get("/work-orders", {"size": 2, "page": 2}).json()
    assert [i["number"] for i in second["items"]] == [three[0].number]
    assert front.get("/work-orders", {"size": 500}).json()["fields"] == {
        "size": ["Enter a value of at most 200."]}


def test_detail_events_and_scope(desk, front):
    order = _leak(desk)
    body = front.get(f"/work-orders/{order.pk}").json()
    assert (body["id"], body["service_level_id"]) == (order.pk, order.service_level_id)
    clock = body["clocks"][0]
    assert set(clock) == {"kind", "unit", "amount", "state", "started_at", "due_at",
                          "warn_at", "warned_at", "breached_at", "escalate_at",
                          "paused_since", "paused_seconds", "stopped_at"}
    events = front.get(f"/work-orders/{order.pk}/events").json()
    assert [(e["verb"], e["actor_name"]) for e in events["items"]] == [
        ("work_order.routed", "李前台"), ("work_order.registered", "李前台")]
    outsider = _outsider(desk)
    sibling = Api(make_user(desk.world.tenant, desk.world.branch_b, SEE))
    for client in (outsider, sibling):
        assert client.get(f"/work-orders/{order.pk}").status_code == 404
        assert client.get(f"/work-orders/{order.pk}/events").status_code == 404
        assert client.get("/work-orders").json()["items"] == []
    assert front.get("/work-orders/999999").json() == {
        "code": "not_found", "message": "Not found.", "fields": {}}
    assert front.get("/work-orders/0").status_code == 422


# --- moves ----------------------------------------------------------------------------------

def test_the_handlers_path_from_assign_to_callback(desk):
    order = _leak(desk)
    supervisor, technician, front = Api(desk.supervisor), Api(desk.technician), Api(
        desk.frontdesk)
    response = supervisor.post(f"/work-orders/{order.pk}/assign",
                               {"handler_id": desk.technician.pk, "note": "孙师傅去"})
    assert response.status_code == 200, response.json()
    assert (response.json()["handler_id"], response.json()["status"]) == (
        desk.technician.pk, "new")
    body = technician.post(f"/work-orders/{order.pk}/accept").json()
    assert body["status"] == "accepted"
    assert body["allowed_actions"] == ["schedule", "arrive", "start", "wait", "resolve"]
    tomorrow = (timezone.localtime() + dt.timedelta(days=1)).replace(
        hour=9, minute=30, second=0, microsecond=0, tzinfo=None)
    body = technician.post(f"/work-orders/{order.pk}/schedule",
                           {"appointment_at": tomorrow.isoformat()}).json()
    assert body["status"] == "scheduled"
    assert body["appointment_at"] == timezone.make_aware(tomorrow).astimezone(
        dt.UTC).isoformat().replace("+00:00", "Z")
    body = technician.post(f"/work-orders/{order.pk}/arrive").json()
    assert (body["status"], body["arrived_at"] is not None) == ("in_progress", True)
    body = technician.post(f"/work-orders/{order.pk}/wait",
                           {"waiting_on": "third_party", "reason": "等配件"}).json()
    assert (body["status"], body["waiting_on"]) == ("waiting", "third_party")
    assert {c["kind"]: c["state"] for c in body["clocks"]}["resolution"] == "paused"
    body = technician.post(f"/work-orders/{order.pk}/resume", {"note": "配件到了"}).json()
    assert (body["status"], body["waiting_on"]) == ("in_progress", "")
    body = technician.post(f"/work-orders/{order.pk}/resolve",
                           {"resolution": "更换水管接头"}).json()
    assert (body["status"], body["resolution"]) == ("resolved", "更换水管接头")
    due = front.get("/callbacks").json()["items"]
    assert [(c["work_order_number"], c["status"], c["caller_phone"]) for c in due] == [
        (order.number, "due", "138****1502")]
    body = front.post(f"/work-orders/{order.pk}/callback",
                      {"outcome": "done", "satisfaction": 5, "comment": "很满意"}).json()
    assert (body["status"], [(c["outcome"], c["satisfaction"], c["status"])
                             for c in body["callbacks"]]) == ("closed", [("done", 5, "done")])
    assert body["allowed_actions"] == ["rework"]
    verbs = list(DomainEvent.objects.filter(subject_id=order.pk).order_by("id")
                 .values_list("verb", flat=True))
    assert verbs == ["work_order.registered", "work_order.routed", "work_order.assign",
                     "work_order.accept", "work_order.schedule", "work_order.arrive",
                     "work_order.wait", "work_order.resume", "work_order.resolve",
                     "work_order.callback"]


def test_dispatch_transfer_return_escalate(desk, front):
    order = _leak(desk)
    body = front.post(f"/work-orders/{order.pk}/dispatch",
                      {"department_id": desk.departments["security"].pk}).json()
    assert (body["department_id"], body["handler_id"]) == (desk.departments["security"].pk,
                                                           desk.security_chief.pk)
    response = front.post(f"/work-orders/{order.pk}/transfer",
                          {"department_id": desk.departments["engineering"].pk,
                           "handler_id": desk.plumber.pk, "reason": "是管道问题"})
    assert response.status_code == 200, response.json()
    assert (response.json()["department_name"], response.json()["handler_name"]) == (
        "工程部", "钱师傅")
    body = front.post(f"/work-orders/{order.pk}/escalate", {"reason": "业主催促"}).json()
    assert body["escalation_level"] == 2
    # The supervisor returns it: it leaves engineering's scope, the answer still shows it.
    response = Api(desk.supervisor).post(f"/work-orders/{order.pk}/return",
                                         {"reason": "不是工程部的"})
    assert response.status_code == 200, response.json()
    assert (response.json()["department_id"], response.json()["handler_id"],
            response.json()["allowed_actions"]) == (None, None, [])
    assert Api(desk.supervisor).get(f"/work-orders/{order.pk}").status_code == 404
    response = front.post(f"/work-orders/{order.pk}/transfer",
                          {"department_id": desk.departments["security"].pk, "reason": " "})
    assert response.json()["fields"] == {"reason": ["Give a reason."]}
    response = front.post(f"/work-orders/{order.pk}/dispatch",
                          {"department_id": desk.world.other_root.pk})
    assert response.json()["fields"] == {
        "department_id": ["Choose an active unit of your organisation."]}
    response = front.post(f"/work-orders/{order.pk}/dispatch",
                          {"department_id": desk.departments["security"].pk,
                           "handler_id": desk.technician.pk})
    assert response.json()["fields"] == {"handler_id": ["孙师傅 does not work in 秩序部."]}
    response = front.post(f"/work-orders/{order.pk}/escalate", {"level": 7})
    assert response.json()["fields"] == {"level": ["Enter a value of at most 3."]}


def test_verify_start_cancel_close(desk, front):
    quarantined = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), summary="楼上漏水", caller_phone="13900001111")
    response = front.post(f"/work-orders/{quarantined.pk}/verify", {"person_id": desk.owner.pk})
    assert response.json()["fields"] == {"unit_id": ["Choose the unit the order is about."]}
    body = front.post(f"/work-orders/{quarantined.pk}/verify",
                      {"person_id": desk.owner.pk, "unit_id": desk.unit.pk}).json()
    assert (body["status"], body["person_id"], body["handler_id"], len(body["clocks"])) == (
        "new", desk.owner.pk, desk.supervisor.pk, 4)
    supervisor = Api(desk.supervisor)
    supervisor.post(f"/work-orders/{quarantined.pk}/accept")
    body = supervisor.post(f"/work-orders/{quarantined.pk}/start").json()
    assert body["status"] == "in_progress"
    response = front.post(f"/work-orders/{quarantined.pk}/cancel", {"reason": "重复登记"})
    assert response.json()["code"] == "invalid_transition"
    other = _leak(desk, summary="阳台漏水")
    body = front.post(f"/work-orders/{other.pk}/cancel", {"reason": "重复登记"}).json()
    assert (body["status"], body["closed_at"] is not None) == ("cancelled", True)
    assert {c["state"] for c in body["clocks"]} == {"cancelled", "met"}
    services.work_order_resolve(quarantined, actor=desk.supervisor, resolution="已修复")
    body = front.post(f"/work-orders/{quarantined.pk}/callback",
                      {"outcome": "no_answer"}).json()
    assert (body["status"], body["callbacks"][0]["status"]) == ("callback", "retry")
    body = front.post(f"/work-orders/{quarantined.pk}/close", {"note": "多次未接通"}).json()
    assert body["status"] == "closed"


def test_unsatisfied_callback_and_rework(desk, front):
    order = _leak(desk)
    services.work_order_resolve(order, actor=desk.supervisor, resolution="已处理")
    response = front.post(f"/work-orders/{order.pk}/callback",
                          {"outcome": "done", "satisfaction": 1, "comment": "还在漏"})
    body = response.json()
    assert body["status"] == "reopened"
    rework = WorkOrder.objects.get(rework_of=order)
    assert (body["rework_ids"], body["cluster_child_ids"]) == ([rework.pk], [])
    assert front.get(f"/work-orders/{rework.pk}").json()["rework_of_id"] == order.pk
    second = _leak(desk, summary="卫生间漏水")
    services.work_order_resolve(second, actor=desk.supervisor, resolution="已处理")
    front.post(f"/work-orders/{second.pk}/callback", {"outcome": "done", "satisfaction": 4})
    manager = Api(desk.manager)
    response = manager.post(f"/work-orders/{second.pk}/rework", {"reason": "业主再次来电"})
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], len(response.json()["rework_ids"])) == ("reopened", 1)
    response = front.post(f"/work-orders/{second.pk}/callback",
                          {"outcome": "refused", "satisfaction": 3})
    assert response.json()["code"] == "invalid_transition"


def test_complaint_replies(desk, front):
    plain = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        area="public_area", category=desk.category("秩序安全"), summary="保安态度差")
    body = front.post(f"/work-orders/{plain.pk}/reply", {"reply": "已批评教育"}).json()
    assert (body["reply"], body["review_status"]) == ("已批评教育", "")
    sensitive = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="complaint",
        area="public_area", category=desk.category("秩序安全"), summary="业主要找媒体",
        is_sensitive=True)
    body = front.post(f"/work-orders/{sensitive.pk}/reply", {"reply": "已安排专人处理"}).json()
    assert body["review_status"] == "pending"
    assert "reply-review" not in body["allowed_actions"]
    manager = Api(desk.manager)
    assert "reply-review" in manager.get(f"/work-orders/{sensitive.pk}").json()[
        "allowed_actions"]
    response = front.post(f"/work-orders/{sensitive.pk}/reply-review", {"approve": True})
    assert response.status_code == 403
    response = manager.post(f"/work-orders/{sensitive.pk}/reply-review", {"approve": False})
    assert response.json()["fields"] == {"note": ["Say what to change."]}
    body = manager.post(f"/work-orders/{sensitive.pk}/reply-review", {"approve": True}).json()
    assert body["review_status"] == "approved"
    response = front.post(f"/work-orders/{_leak(desk).pk}/reply", {"reply": "x"})
    assert response.json()["fields"] == {"reply": ["Only complaints get a reviewed reply."]}


def test_paid_service_quote_answer_charge(desk, front):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="paid_service",
        category=desk.category("家电维修"), unit=desk.unit, person=desk.owner,
        summary="空调不制冷")
    supervisor = Api(desk.supervisor)
    response = supervisor.post(f"/work-orders/{order.pk}/quote", {"amount": "abc"})
    assert response.json()["fields"] == {"amount": ["Enter a number."]}
    response = supervisor.post(f"/work-orders/{order.pk}/quote", {"amount": "0"})
    assert response.json()["fields"] == {"amount": ["Enter a value greater than 0."]}
    body = supervisor.post(f"/work-orders/{order.pk}/quote",
                           {"amount": "120.5", "note": "加氟"}).json()
    assert (body["quote_amount"], body["quote_status"], body["quote_note"]) == (
        "120.50", "quoted", "加氟")
    assert "quote-answer" in body["allowed_actions"]
    response = supervisor.post(f"/work-orders/{order.pk}/charge", {})
    assert response.json()["fields"] == {"quote_status": ["Only an accepted quote is charged."]}
    body = supervisor.post(f"/work-orders/{order.pk}/quote-answer", {"accepted": True}).json()
    assert body["quote_status"] == "accepted"
    services.work_order_resolve(order, actor=desk.supervisor, resolution="已加氟")
    body = supervisor.post(f"/work-orders/{order.pk}/charge", {}).json()
    assert (body["quote_status"], body["charge_amount"], body["charged_at"] is not None) == (
        "charged", "120.50", True)
    response = supervisor.post(f"/work-orders/{_leak(desk).pk}/quote", {"amount": "10"})
    assert response.json()["fields"] == {"order_type": ["Only paid-service orders are quoted."]}


MOVE_PAYLOADS = {
    "verify": "VerifyIn", "dispatch": "DispatchIn", "assign": "AssignIn",
    "transfer": "TransferIn", "return": "ReasonIn", "accept": None, "schedule": "ScheduleIn",
    "arrive": None, "start": None, "wait": "WaitIn", "resume": "NoteIn",
    "resolve": "ResolveIn", "callback": "CallbackIn", "rework": "ReasonIn", "close": "NoteIn",
    "cancel": "ReasonIn", "escalate": "EscalateIn", "answer": "AnswerIn", "reply": "ReplyIn",
    "reply-review": "ReplyReviewIn", "quote": "QuoteIn", "quote-answer": "QuoteAnswerIn",
    "charge": "ChargeIn", "cluster-link": "ClusterLinkIn", "cluster-unlink": None,
}


# The field record's endpoints (api/field.py) sit under the order too; they are not moves.
FIELD_RECORD = ("field", "photos", "materials", "notes", "signature")


def test_every_move_is_one_documented_post(client):
    """The moves' OpenAPI: a POST each, with its operation id, its own payload schema (none
    for accept, arrive and start) and the order's detail as the answer."""
    paths = client.get("/api/openapi.json").json()["paths"]
    prefix = "/api/v1/work-orders/{order_id}/"
    moves = {path.removeprefix(prefix): spec for path, spec in paths.items()
             if path.startswith(prefix)
             and path not in (prefix + "events", prefix + "cluster-suggestions",
                              prefix + "slip.pdf")
             and not path.startswith(tuple(prefix + part for part in FIELD_RECORD))}
    assert list(moves) == list(MOVE_PAYLOADS)
    for name, spec in moves.items():
        assert list(spec) == ["post"], name
        post = spec["post"]
        body = post.get("requestBody", {}).get("content", {}).get("application/json", {})
        assert (post["operationId"], body.get("schema", {}).get("$ref")) == (
            "linli_servicedesk_api_actions_work_order_" + name.replace("-", "_"),
            f"#/components/schemas/{MOVE_PAYLOADS[name]}" if MOVE_PAYLOADS[name] else None)
        assert [p["name"] for p in post["parameters"]] == ["order_id"], name
        assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/WorkOrderDetailOut"}, name
    assert moves["callback"]["post"]["description"].startswith("Reached and satisfied")


def test_illegal_move_is_422_with_the_services_message(desk, front):
    order = _leak(desk)
    response = front.post(f"/work-orders/{order.pk}/arrive")
    assert response.status_code == 422
    assert response.json() == {"code": "invalid_transition", "message": ILLEGAL_ARRIVE,
                               "fields": {"status": [ILLEGAL_ARRIVE]}}
    order.refresh_from_db()
    assert order.arrived_at is None


def test_moves_with_bad_types_are_422(desk, front):
    order = _leak(desk)
    supervisor = Api(desk.supervisor)
    response = supervisor.post(f"/work-orders/{order.pk}/assign", {"handler_id": "sun"})
    assert response.json()["fields"] == {"handler_id": ["Enter a whole number."]}
    supervisor.post(f"/work-orders/{order.pk}/accept")
    response = supervisor.post(f"/work-orders/{order.pk}/schedule",
                               {"appointment_at": "tomorrow morning"})
    assert response.json()["fields"] == {"appointment_at": [
        "Enter a date and time like 2026-10-08T09:30:00+08:00."]}
    response = supervisor.post(f"/work-orders/{order.pk}/schedule",
                               {"appointment_at": "9999-12-31T23:59:59-12:00"})
    assert response.json()["fields"] == {"appointment_at": [
        "Enter a date and time between the years 2000 and 2199."]}
    response = supervisor.post(f"/work-orders/{order.pk}/schedule",
                               {"appointment_at": "2001-01-01T09:00:00+08:00"})
    assert response.json()["fields"] == {"appointment_at": [
        "The appointment cannot be in the past."]}
    response = supervisor.post(f"/work-orders/{order.pk}/wait", {"waiting_on": "god",
                                                                 "reason": "x"})
    assert list(response.json()["fields"]) == ["waiting_on"]
    response = front.post(f"/work-orders/{order.pk}/callback",
                          {"outcome": "done", "satisfaction": 9})
    assert response.json()["fields"] == {"satisfaction": ["Enter a value of at most 5."]}
    response = supervisor.post(f"/work-orders/{order.pk}/resolve", [1, 2])
    assert response.status_code == 422
    response = supervisor.post(f"/work-orders/{order.pk}/resolve", {"resolution": "  "})
    assert response.json()["fields"] == {"resolution": ["Describe what was done."]}


def test_moves_outside_scope_are_404_and_without_the_right_403(desk):
    order = _leak(desk)
    outsider = _outsider(desk)
    assert outsider.post(f"/work-orders/{order.pk}/accept").status_code == 404
    assert outsider.post(f"/work-orders/{order.pk}/cancel",
                         {"reason": "x"}).status_code == 404
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    response = Api(desk.plumber).post(f"/work-orders/{order.pk}/accept")
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied",
                               "message": "You do not have permission to do this.",
                               "fields": {}}
    response = Api(desk.technician).post(f"/work-orders/{order.pk}/cancel", {"reason": "x"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "new"


# --- contact log and callbacks --------------------------------------------------------------

def test_contact_log(desk, front):
    response = front.post("/contact-logs", {
        "content": "询问停车卡办理", "unit_id": desk.unit.pk, "caller_phone": "13812341502",
        "person_id": desk.owner.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["community_id"], body["caller_name"], body["caller_phone"],
            body["handled_by_name"], body["room_code"]) == (
        desk.community.pk, "王建国", "138****1502", "李前台", "3-2-1502")
    yesterday = timezone.now() - dt.timedelta(days=1)
    front.post("/contact-logs", {"content": "回电告知物业费", "direction": "outbound",
                                 "community_id": desk.community.pk,
                                 "occurred_at": yesterday.isoformat()})
    rows = front.get("/contact-logs").json()["items"]
    assert [r["content"] for r in rows] == ["询问停车卡办理", "回电告知物业费"]
    assert [r["content"] for r in front.get("/contact-logs", {
        "direction": "outbound"}).json()["items"]] == ["回电告知物业费"]
    assert [r["content"] for r in front.get("/contact-logs", {
        "day": timezone.localtime(yesterday).date().isoformat()}).json()["items"]] == [
        "回电告知物业费"]
    assert [r["content"] for r in front.get("/contact-logs", {"q": "1502"}).json()[
        "items"]] == ["询问停车卡办理"]
    assert front.get(f"/contact-logs/{body['id']}").json()["content"] == "询问停车卡办理"
    assert _outsider(desk).get(f"/contact-logs/{body['id']}").status_code == 404
    response = front.post("/contact-logs", {"content": " ", "channel": "fax"})
    assert list(response.json()["fields"]) == ["channel"]
    response = front.post("/contact-logs", {"content": " "})
    assert response.json()["fields"] == {"content": ["Note what the call or visit was about."]}
    response = front.post("/contact-logs", {"content": "x", "org_unit_id": desk.world.root.pk})
    assert response.json()["fields"] == {
        "org_unit_id": ["Choose a unit where you may log calls and visits."]}
    entry = ContactLog.objects.get(pk=body["id"])
    response = front.post("/work-orders", _leak_payload(desk, contact_log_id=entry.pk))
    entry.refresh_from_db()
    assert entry.work_order_id == response.json()["id"]
    assert ContactLog.objects.count() == 2


def test_callbacks_list(desk, front):
    first, second = _leak(desk), _leak(desk, summary="阳台漏水")
    for order in (first, second):
        services.work_order_resolve(order, actor=desk.supervisor, resolution="已修复")
    services.work_order_callback(second, actor=desk.frontdesk, outcome="done", satisfaction=5)
    rows = front.get("/callbacks").json()["items"]
    assert [r["work_order_id"] for r in rows] == [first.pk]
    rows = front.get("/callbacks", {"status": "due,done"}).json()["items"]
    assert sorted(r["work_order_id"] for r in rows) == [first.pk, second.pk]
    assert front.get("/callbacks", {
        "due_before": timezone.now().isoformat()}).json()["items"] == []
    assert front.get("/callbacks", {"status": "late"}).json()["fields"] == {
        "status": ["Choose statuses among: due, retry, done, gave_up, cancelled."]}
    callback_id = rows[0]["id"]
    assert front.get(f"/callbacks/{callback_id}").status_code == 200
    assert _outsider(desk).get(f"/callbacks/{callback_id}").status_code == 404


# --- configuration --------------------------------------------------------------------------

LEVEL = {"code": "vip", "name": "VIP", "order_type": "repair", "priority": "P1",
         "warning_share": "0.5", "callback_hours": 12,
         "clocks": [{"kind": "response", "amount": "15", "unit": "calendar_minutes"},
                    {"kind": "resolution", "amount": "2", "unit": "working_days"}]}


def test_service_levels(desk, admin, front):
    response = admin.post("/service-levels", LEVEL)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["warning_share"], body["callback_hours"], body["clocks"]) == ("0.50", 12, [
        {"kind": "response", "amount": "15.00", "unit": "calendar_minutes"},
        {"kind": "resolution", "amount": "2.00", "unit": "working_days"}])
    response = admin.put(f"/service-levels/{body['id']}", {
        **LEVEL, "name": "VIP 业主", "clocks": [{"kind": "on_site", "amount": "20",
                                               "unit": "calendar_minutes"}]})
    assert response.status_code == 200, response.json()
    assert (response.json()["name"], [c["kind"] for c in response.json()["clocks"]]) == (
        "VIP 业主", ["on_site"])
    response = admin.post("/service-levels", {**LEVEL, "clocks": [
        {"kind": "response", "amount": "1"}, {"kind": "response", "amount": "2"}]})
    assert response.json()["fields"] == {"code": ["Another service level has this code."],
                                         "clocks": ["Each clock may appear once."]}
    response = admin.post("/service-levels", {**LEVEL, "code": "vip two", "clocks": [
        {"kind": "resolution", "amount": "1.5", "unit": "working_days"}]})
    assert set(response.json()["fields"]) == {"code", "clocks.0.amount"}
    response = admin.post("/service-levels", {**LEVEL, "code": "x", "warning_share": "2"})
    assert response.json()["fields"] == {"warning_share": ["Enter a value of at most 0.99."]}
    levels = admin.get("/service-levels", {"size": 200}).json()
    assert levels["count"] == 10
    assert admin.get(f"/service-levels/{body['id']}").json()["code"] == "vip"
    assert front.post("/service-levels", {**LEVEL, "code": "other"}).status_code == 403
    assert _outsider(desk).get(f"/service-levels/{body['id']}").status_code == 404
    assert ServiceLevel.objects.filter(code__in=["vip", "other", "x"]).count() == 1


def test_routing_rules(desk, admin, front):
    payload = {"department_id": desk.departments["environment"].pk, "order_type": "complaint",
               "category_id": desk.category("环境卫生").pk, "community_id": desk.community.pk,
               "position": 5, "note": "翠湖苑卫生投诉"}
    response = admin.post("/routing-rules", payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["department_name"], body["category_name"], body["community_name"],
            body["area"]) == ("环境部", "环境卫生", "翠湖苑", "")
    response = admin.put(f"/routing-rules/{body['id']}", {**payload, "area": "public_area",
                                                         "is_active": False})
    assert (response.json()["area"], response.json()["is_active"]) == ("public_area", False)
    response = admin.post("/routing-rules", {**payload, "order_type": "repair",
                                             "team_id": desk.departments["security"].pk})
    assert response.json()["fields"] == {
        "team_id": ["The team must be part of the department."],
        "category_id": ["This category belongs to another order type."]}
    response = admin.post("/routing-rules", {**payload,
                                             "department_id": desk.world.other_root.pk})
    assert response.json()["fields"] == {
        "department_id": ["Choose an active unit of your organisation."]}
    response = admin.post("/routing-rules", {**payload, "position": -1})
    assert response.json()["fields"] == {"position": ["Enter a value of at least 0."]}
    assert admin.get(f"/routing-rules/{body['id']}").json()["note"] == "翠湖苑卫生投诉"
    rules = admin.get("/routing-rules", {"size": 200}).json()
    assert rules["items"][0]["id"] == body["id"]
    assert front.post("/routing-rules", payload).status_code == 403
    assert RoutingRule.objects.filter(note="翠湖苑卫生投诉").count() == 1


def test_categories_tree(desk, front):
    rows = front.get("/categories", {"order_type": "repair"}).json()
    names = [(r["name"], r["depth"]) for r in rows]
    assert sorted(names) == sorted([("水电", 0), ("漏水", 1), ("停水", 1), ("电路故障", 1),
                                    ("门窗", 0), ("电梯", 0), ("公共照明", 0)])
    by_id = {r["id"]: r for r in rows}
    for position, row in enumerate(rows):
        if row["parent_id"] is not None:
            parent_position = rows.index(by_id[row["parent_id"]])
            assert parent_position < position
            assert all(r["depth"] >= 1 for r in rows[parent_position + 1:position + 1])
    leak = by_id[desk.category("漏水").pk]
    assert (leak["full_name"], leak["default_priority"], leak["default_department_id"]) == (
        "水电 › 漏水", "P2", desk.departments["engineering"].pk)
    assert len(front.get("/categories").json()) == 19
    assert front.get(f"/categories/{leak['id']}").json()["depth"] == 1
    assert _outsider(desk).get("/categories").json() == []
    assert front.get("/categories", {"order_type": "x"}).status_code == 422


def test_the_list_costs_the_same_queries_for_more_rows(desk, front):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _leak(desk)
    with CaptureQueriesContext(connection) as one:
        front.get("/work-orders")
    _leak(desk, summary="阳台漏水")
    _leak(desk, summary="卫生间漏水", unit=None, area="public_area")
    with CaptureQueriesContext(connection) as three:
        assert len(front.get("/work-orders").json()["items"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
