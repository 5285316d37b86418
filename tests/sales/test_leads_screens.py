"""Screens and API of leads and opportunities: registration and the refused claim with its
message, the pipeline board's drop through htmx (a refused move shows its message), losing
without a reason, the calendar feed, and the API's 4xx answers."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from linli.sales import services
from linli.sales.models import CalendarFeed, Lead, LostReason, Opportunity
from linli.sales.states import Stage
from tests.builders import make_user
from tests.sales.builders import make_lead, make_opportunity, make_rep, make_small_sales
from tests.sales.test_api import Api

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sales(world):
    sales = make_small_sales(world)
    services.lost_reasons_install(tenant=world.tenant)
    return sales


def test_a_rep_registers_a_lead_and_a_second_reps_claim_is_refused(world, sales):
    first, second = make_rep(world, name="张三"), make_rep(world, name="李四")
    form = {"project": sales.project.pk, "phone": "13800138000", "name": "王先生",
            "channel": "walk_in", "source": "自然来访"}
    response = _client(first).post("/sales/leads/new/", form)
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sales/leads/{lead.pk}/"
    page = _client(second).post("/sales/leads/new/", form).content.decode()
    assert "This customer is protected: 张三 owns them until" in page
    assert "/sales/disputes/new/?project=" in page
    assert Lead.objects.count() == 1
    response = _client(second).post("/sales/disputes/new/", {
        "project": sales.project.pk, "phone": "13800138000", "reason": "我先接待的"})
    assert response.status_code == 302
    assert lead.disputes.get().reason == "我先接待的"


def test_a_lead_without_a_phone_shows_the_message(world, sales):
    page = _client(make_rep(world)).post("/sales/leads/new/", {
        "project": sales.project.pk, "phone": "", "name": "王", "channel": "walk_in"})
    assert "Enter the customer&#x27;s phone number." in page.content.decode()
    assert Lead.objects.count() == 0


def test_the_board_moves_a_dropped_card_and_shows_a_refused_move(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    client = _client(rep)
    board = client.get("/sales/pipeline/").content.decode()
    assert f'data-testid="card-{opportunity.pk}"' in board
    url = f"/sales/opportunities/{opportunity.pk}/move/"
    answer = client.post(url, {"to": "visited"}, HTTP_HX_REQUEST="true").content.decode()
    assert Opportunity.objects.get().stage == Stage.VISITED
    assert 'data-testid="column-visited"' in answer and "moved to Visited." in answer
    answer = client.post(url, {"to": "won"}, HTTP_HX_REQUEST="true").content.decode()
    assert "The opportunity is at Visited; it cannot move to Won." in answer
    assert Opportunity.objects.get().stage == Stage.VISITED
    # Another rep's drop is refused with a message, not a 403 page.
    answer = _client(make_rep(world)).post(url, {"to": "viewing"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert "Only the owner of the opportunity or the sales manager" in answer.content.decode()


def test_losing_without_a_reason_is_refused_on_the_page(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    client = _client(rep)
    response = client.post(f"/sales/opportunities/{opportunity.pk}/move/", {"to": "lost"},
                           follow=True)
    assert "Choose why the opportunity was lost." in response.content.decode()
    reason = LostReason.objects.get(name="价格太高")
    client.post(f"/sales/opportunities/{opportunity.pk}/move/",
                {"to": "lost", "reason": reason.pk, "competitor": "别家"})
    assert Opportunity.objects.get().lost_reason == reason


def test_booking_a_viewing_on_the_page_and_the_calendar_feed(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    client = _client(rep)
    response = client.post(f"/sales/opportunities/{opportunity.pk}/action/",
                           {"action": "appointment", "minutes": 60, "starts_at": ""},
                           follow=True)
    assert "Enter the date and time of the appointment." in response.content.decode()
    when = timezone.localtime(timezone.now() + dt.timedelta(days=2)).replace(
        second=0, microsecond=0)
    client.post(f"/sales/opportunities/{opportunity.pk}/action/", {
        "action": "appointment", "minutes": 45, "place": "售楼处",
        "starts_at": when.strftime("%Y-%m-%dT%H:%M")})
    page = client.get("/sales/calendar/").content.decode()
    token = CalendarFeed.objects.get(user=rep).token
    assert f"/sales/calendar/{token}.ics" in page
    feed = Client().get(f"/sales/calendar/{token}.ics")
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [(str(e["summary"]), str(e["location"]), e.decoded("dtstart")) for e in events] == [
        (f"Viewing: 王先生 · {sales.project.name}", "售楼处", when)]
    assert Client().get("/sales/calendar/nope.ics").status_code == 404
    client.post("/sales/calendar/")
    assert Client().get(f"/sales/calendar/{token}.ics").status_code == 404


def test_the_person_page_shows_the_sales_timeline(world, sales):
    rep = make_rep(world)
    lead = make_lead(sales, rep)
    viewer = make_user(world.tenant, world.branch_a, ["directory.view_person",
                                                      "sales.view_lead"])
    page = _client(viewer).get(f"/directory/people/{lead.person_id}/").content.decode()
    assert f"Lead of {sales.project.name} via Walk-in" in page


def test_the_api_registers_refuses_and_moves(world, sales):
    first, second = Api(make_rep(world, name="张三")), Api(make_rep(world, name="李四"))
    payload = {"project_id": sales.project.pk, "phone": "13800138000", "name": "王先生",
               "channel": "walk_in"}
    created = first.post("/leads", payload)
    assert created.status_code == 201 and created.json()["customer"] == "王先生"
    refused = second.post("/leads", payload)
    assert refused.status_code == 422
    assert refused.json()["fields"]["phone"][0].startswith("This customer is protected: 张三")
    bad = first.post("/leads", {**payload, "phone": "12"})
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["phone"]
    opportunity = first.post("/opportunities", {"lead_id": created.json()["id"]})
    assert opportunity.status_code == 201 and opportunity.json()["stage"] == "new"
    pk = opportunity.json()["id"]
    out_of_order = first.post(f"/opportunities/{pk}/transition", {"to": "negotiating"})
    assert out_of_order.status_code == 422
    assert out_of_order.json()["fields"] == {
        "stage": ["The opportunity is at New; it cannot move to Negotiating."]}
    no_reason = first.post(f"/opportunities/{pk}/transition", {"to": "lost"})
    assert no_reason.json()["fields"] == {"reason": ["Choose why the opportunity was lost."]}
    past = first.post(f"/opportunities/{pk}/appointments", {
        "starts_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()})
    assert past.status_code == 422
    assert past.json()["fields"] == {"starts_at": ["The appointment must be in the future."]}
    moved = first.post(f"/opportunities/{pk}/transition", {"to": "visited"})
    assert moved.json()["stage"] == "visited"
    assert [m["to_stage"] for m in moved.json()["stage_moves"]] == ["new", "visited"]
    reasons = first.get("/lost-reasons", {"applies_to": "opportunity", "stage": "new"}).json()
    assert [r["name"] for r in reasons["items"]] == [
        "价格太高", "已购竞品", "地段不合适", "户型或面积不合适", "贷款办不下来", "无法联系上"]
    stranger = Api(make_rep(world, unit=world.branch_b))
    assert stranger.get(f"/opportunities/{pk}").status_code == 404
    assert stranger.get("/leads").json()["items"] == []


def test_the_manager_edits_an_assignment_rule_on_its_page(world, sales):
    from linli.sales.models import AssignmentRule

    manager, rep = make_rep(world, manager=True), make_rep(world, name="rep.b")
    keeper = make_user(world.tenant, world.branch_a, [
        "sales.view_assignmentrule", "sales.add_assignmentrule",
        "sales.change_assignmentrule", "sales.view_salesproject"])
    rule = services.assignment_rule_create(actor=keeper, project=sales.project, name="VIP",
                                           method="manager", for_vip=True, manager=manager,
                                           valid_from=dt.date(2026, 1, 1))
    client = _client(keeper)
    page = client.get("/sales/lead-rules/").content.decode()
    assert f'href="/sales/lead-rules/{rule.pk}/edit/"' in page
    url = f"/sales/lead-rules/{rule.pk}/edit/"
    form = {"project": sales.project.pk, "name": "网络线索轮流", "method": "round_robin",
            "channel": "web", "capacity": 50, "position": 1, "valid_from": "2026-01-01",
            "valid_to": "2025-12-31", "reps": [str(rep.pk)]}
    refused = client.post(url, form).content.decode()
    assert "The last day cannot be before the first." in refused
    assert AssignmentRule.objects.get().name == "VIP"
    client.post(url, {**form, "valid_to": "2026-12-31"})
    rule.refresh_from_db()
    assert (rule.name, rule.method, rule.channel, rule.valid_to, list(rule.reps.all())) == (
        "网络线索轮流", "round_robin", "web", dt.date(2026, 12, 31), [rep])
    # Who may only read the rules cannot change one; another company's user does not see it.
    reader = make_user(world.tenant, world.branch_a, ["sales.view_assignmentrule",
                                                      "sales.view_salesproject"])
    assert _client(reader).get(url).status_code == 403
    outsider = make_user(world.other_tenant, world.other_root,
                         ["sales.change_assignmentrule", "sales.view_assignmentrule"])
    assert _client(outsider).get(url).status_code == 404


def test_a_booked_viewing_is_marked_done_or_cancelled_on_the_page_and_through_the_api(
        world, sales):
    from linli.sales.models import Appointment, SaleUnit
    from tests.sales.test_api import Api

    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    unit = SaleUnit.objects.get(project=sales.project)
    first, second = (services.appointment_book(
        actor=rep, opportunity=opportunity, sale_units=[unit],
        starts_at=timezone.now() + dt.timedelta(days=n)) for n in (1, 2))
    client = _client(rep)
    page = client.get(f"/sales/opportunities/{opportunity.pk}/").content.decode()
    assert f'data-testid="appointment-done-{first.pk}"' in page
    url = f"/sales/opportunities/{opportunity.pk}/action/"
    done = client.post(url, {"action": "appointment_done", "appointment": first.pk},
                       follow=True).content.decode()
    assert "Viewing marked done; its units count as shown." in done
    assert Appointment.objects.get(pk=first.pk).status == "done"
    assert list(opportunity.units_shown.all()) == [unit]
    again = client.post(url, {"action": "appointment_cancelled", "appointment": first.pk},
                        follow=True).content.decode()
    assert "This appointment is already Done." in again
    assert Appointment.objects.get(pk=first.pk).status == "done"
    junk = client.post(url, {"action": "appointment_done", "appointment": "x"}, follow=True)
    assert "Choose a viewing of this opportunity." in junk.content.decode()
    # Another rep's viewing is not theirs to close.
    other = Api(make_rep(world))
    path = f"/opportunities/{opportunity.pk}/appointments/{second.pk}/close"
    assert other.post(path, {"done": False}).status_code == 403
    closed = Api(rep).post(path, {"done": False})
    assert closed.status_code == 200 and closed.json()["status"] == "cancelled"
