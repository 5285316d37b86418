"""Opportunities (SAL-2) and lost deals (SAL-4): conversion, the stage machine with its history
and time in stage, visits, viewings, follow-up reminders, losing with a catalogue reason, the
manager's review, and the sales entries on the person's 360° timeline."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.notifications.models import Message
from linli.core.timeline import timeline_for
from linli.sales import selectors, services
from linli.sales.models import Appointment, LostReason, Opportunity, SaleUnit, StageMove, Visit
from linli.sales.states import LeadStatus, LostReview, Stage
from tests.sales.builders import make_lead, make_opportunity, make_rep, make_small_sales

pytestmark = pytest.mark.django_db


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


@pytest.fixture
def sales(world):
    sales = make_small_sales(world)
    services.lost_reasons_install(tenant=world.tenant)
    return sales


def _reason(name: str) -> LostReason:
    return LostReason.objects.get(name=name)


def test_the_owner_turns_a_lead_into_an_opportunity(world, sales):
    rep, other = make_rep(world), make_rep(world)
    lead = make_lead(sales, rep, needs="三房，南向")
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(actor=other, lead=lead)
    assert exc.value.message_dict == {
        "lead": ["Only the owner of the lead turns it into an opportunity."]}
    opportunity = services.opportunity_create(actor=rep, lead=lead, intention="effective")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    assert (opportunity.stage, opportunity.owner, opportunity.intention, opportunity.needs) == (
        Stage.NEW, rep, "effective", "三房，南向")
    assert list(StageMove.objects.filter(opportunity=opportunity)
                .values_list("from_stage", "to_stage")) == [("", "new")]
    with pytest.raises(ValidationError) as exc:
        services.opportunity_create(actor=rep, lead=lead)
    assert exc.value.message_dict == {"lead": ["This lead is already an opportunity."]}


def test_stages_move_one_at_a_time_and_keep_their_history(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_transition(actor=rep, opportunity=opportunity, to="negotiating")
    assert exc.value.message_dict == {
        "stage": ["The opportunity is at New; it cannot move to Negotiating."]}
    Opportunity.objects.filter(pk=opportunity.pk).update(
        stage_entered_at=timezone.now() - dt.timedelta(hours=5))
    opportunity.refresh_from_db()
    services.opportunity_transition(actor=rep, opportunity=opportunity, to="visited")
    services.opportunity_transition(actor=rep, opportunity=opportunity, to="viewing")
    services.opportunity_transition(actor=rep, opportunity=opportunity, to="visited")
    moves = list(StageMove.objects.filter(opportunity=opportunity).order_by("pk"))
    assert [(m.from_stage, m.to_stage) for m in moves] == [
        ("", "new"), ("new", "visited"), ("visited", "viewing"), ("viewing", "visited")]
    assert 5 * 3600 - 5 <= moves[1].seconds_in_stage <= 5 * 3600 + 60
    history = selectors.stage_history(opportunity)
    assert [h.move.to_stage for h in history] == ["new", "visited", "viewing", "visited"]
    assert history[0].seconds == moves[1].seconds_in_stage
    assert opportunity.stage == Stage.VISITED


def test_another_rep_cannot_move_the_opportunity(world, sales):
    opportunity = make_opportunity(sales, make_rep(world))
    with pytest.raises(PermissionDenied):
        services.opportunity_transition(actor=make_rep(world), opportunity=opportunity,
                                        to="visited")
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.NEW


def test_losing_needs_a_reason_of_the_catalogue_for_the_stage(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_transition(actor=rep, opportunity=opportunity, to="lost")
    assert exc.value.message_dict == {"reason": ["Choose why the opportunity was lost."]}
    with pytest.raises(ValidationError) as exc:
        services.opportunity_transition(actor=rep, opportunity=opportunity, to="lost",
                                        reason=_reason("议价未达成"))
    assert exc.value.message_dict == {"reason": [
        "Choose a lost reason of the catalogue for this stage."]}
    assert Opportunity.objects.get(pk=opportunity.pk).stage == Stage.NEW
    assert StageMove.objects.filter(opportunity=opportunity).count() == 1
    services.opportunity_transition(actor=rep, opportunity=opportunity, to="lost",
                                    reason=_reason("价格太高"), competitor="万科城",
                                    note="预算不足")
    opportunity.refresh_from_db()
    assert (opportunity.stage, opportunity.lost_stage, opportunity.review) == (
        Stage.LOST, Stage.NEW, LostReview.PENDING)
    assert (opportunity.lost_reason.name, opportunity.competitor, opportunity.lost_note) == (
        "价格太高", "万科城", "预算不足")
    with pytest.raises(ValidationError) as exc:
        services.opportunity_transition(actor=rep, opportunity=opportunity, to="visited")
    assert "only through the sales manager's review" in _messages(exc)


def _lost(sales, rep, **fields):
    opportunity = make_opportunity(sales, rep, **fields)
    services.opportunity_transition(actor=rep, opportunity=opportunity, to="lost",
                                    reason=_reason("价格太高"))
    return opportunity


def test_the_manager_reassigns_a_lost_vip_to_themself_and_others_to_another_rep(world, sales):
    rep, other = make_rep(world, name="R"), make_rep(world, name="O")
    manager = make_rep(world, manager=True, name="M")
    stranger = make_rep(world, unit=world.branch_b, name="S")
    vip = _lost(sales, rep, is_vip=True)
    with pytest.raises(PermissionDenied):
        services.lost_review(actor=rep, opportunity=vip, reassign=True, rep=other)
    with pytest.raises(ValidationError) as exc:
        services.lost_review(actor=manager, opportunity=vip, reassign=True, rep=other)
    assert exc.value.message_dict == {"rep": [
        "A VIP customer is followed by the manager personally."]}
    services.lost_review(actor=manager, opportunity=vip, reassign=True)
    vip.refresh_from_db()
    assert (vip.stage, vip.owner, vip.review, vip.reviewed_by) == (
        Stage.VISITED, manager, LostReview.REASSIGNED, manager)
    plain = _lost(sales, rep, phone="13900139000")
    for chosen, message in ((None, "Choose the rep who takes the customer over."),
                            (rep, "Choose another rep than the one who lost it."),
                            (stranger, "S is not a sales rep of this opportunity's office.")):
        with pytest.raises(ValidationError) as exc:
            services.lost_review(actor=manager, opportunity=plain, reassign=True, rep=chosen)
        assert exc.value.message_dict == {"rep": [message]}
    services.lost_review(actor=manager, opportunity=plain, reassign=True, rep=other)
    plain.refresh_from_db()
    assert (plain.stage, plain.owner) == (Stage.VISITED, other)
    assert list(Message.objects.filter(event="sales.opportunity_reassigned")
                .values_list("recipient", flat=True)) == [other.pk]
    confirmed = _lost(sales, rep, phone="13700137000")
    services.lost_review(actor=manager, opportunity=confirmed, reassign=False, note="已购他盘")
    confirmed.refresh_from_db()
    assert (confirmed.stage, confirmed.review) == (Stage.LOST, LostReview.CONFIRMED)
    with pytest.raises(ValidationError):
        services.lost_review(actor=manager, opportunity=confirmed, reassign=False)


def test_a_visit_moves_a_new_opportunity_and_records_the_units_shown(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    unit = SaleUnit.objects.get(project=sales.project)
    with pytest.raises(ValidationError) as exc:
        services.visit_register(actor=rep, opportunity=opportunity,
                                visited_at=timezone.now() + dt.timedelta(hours=1))
    assert exc.value.message_dict == {"visited_at": ["A visit cannot be in the future."]}
    services.visit_register(actor=rep, opportunity=opportunity, companions=2, note="带父母",
                            sale_units=[unit])
    opportunity.refresh_from_db()
    assert opportunity.stage == Stage.VISITED
    assert list(opportunity.units_shown.all()) == [unit]
    assert Visit.objects.get(opportunity=opportunity).companions == 2


def test_an_appointment_needs_a_time_in_the_future(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    for when, message in ((None, "Enter the date and time of the appointment."),
                          (timezone.now() - dt.timedelta(minutes=1),
                           "The appointment must be in the future.")):
        with pytest.raises(ValidationError) as exc:
            services.appointment_book(actor=rep, opportunity=opportunity, starts_at=when)
        assert exc.value.message_dict == {"starts_at": [message]}
    other = make_small_sales(world, name="别盘", unit_number="9")
    with pytest.raises(ValidationError) as exc:
        services.appointment_book(
            actor=rep, opportunity=opportunity, starts_at=timezone.now() + dt.timedelta(days=1),
            sale_units=[SaleUnit.objects.get(project=other.project)])
    assert exc.value.message_dict == {"sale_units": [
        "Choose units of the opportunity's project."]}
    assert Appointment.objects.count() == 0
    appointment = services.appointment_book(
        actor=rep, opportunity=opportunity, starts_at=timezone.now() + dt.timedelta(days=1),
        minutes=45, place="售楼处", sale_units=[SaleUnit.objects.get(project=sales.project)])
    assert (appointment.rep, appointment.minutes, appointment.status) == (rep, 45, "booked")


def test_due_follow_ups_are_reminded_once(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    with pytest.raises(ValidationError) as exc:
        services.opportunity_follow_up(actor=rep, opportunity=opportunity, note="电话",
                                       follow_up_at=timezone.now() - dt.timedelta(hours=1))
    assert exc.value.message_dict == {"follow_up_at": ["The follow-up must be in the future."]}
    services.opportunity_follow_up(actor=rep, opportunity=opportunity, note="电话沟通",
                                   next_step="周末带看",
                                   follow_up_at=timezone.now() + dt.timedelta(hours=1))
    assert services.follow_up_reminders() == 0
    later = timezone.now() + dt.timedelta(hours=2)
    assert services.follow_up_reminders(now=later) == 1
    assert services.follow_up_reminders(now=later) == 0
    message = Message.objects.get(event="sales.follow_up_due")
    assert message.recipient == rep and "周末带看" in message.body


def test_the_persons_timeline_shows_the_lead_visits_and_stage_moves(world, sales):
    rep = make_rep(world)
    opportunity = make_opportunity(sales, rep)
    services.visit_register(actor=rep, opportunity=opportunity, note="首访")
    kinds = sorted(e.kind for e in timeline_for(rep, opportunity.person)
                   if e.kind in ("lead", "visit", "stage_move"))
    assert kinds == ["lead", "stage_move", "visit"]
    stranger = make_rep(world, unit=world.branch_b)
    assert [e for e in timeline_for(stranger, opportunity.person)
            if e.kind in ("lead", "visit", "stage_move")] == []


def test_the_lost_reason_catalogue(world, sales):
    manager = make_rep(world, manager=True)
    assert LostReason.objects.filter(tenant=world.tenant).count() == 12
    assert services.lost_reasons_install(tenant=world.tenant) == 0
    with pytest.raises(ValidationError) as exc:
        services.lost_reason_create(actor=manager, tenant=world.tenant,
                                    applies_to="opportunity", name="价格太高")
    assert exc.value.message_dict == {"name": ["This reason is already in the catalogue."]}
    with pytest.raises(ValidationError) as exc:
        services.lost_reason_create(actor=manager, tenant=world.tenant,
                                    applies_to="contract", stage="new", name="x")
    assert exc.value.message_dict == {"stage": [
        "Choose an open stage of the opportunity, or none."]}
    reason = services.lost_reason_create(actor=manager, tenant=world.tenant,
                                         applies_to="subscription", name="首付不足")
    assert reason.stage == "" and reason.applies_to == "subscription"
    with pytest.raises(PermissionDenied):
        services.lost_reason_create(actor=make_rep(world), tenant=world.tenant,
                                    applies_to="opportunity", name="y")
    names = [r.name for r in selectors.lost_reason_list(
        manager, {"applies_to": "opportunity", "stage": "negotiating", "active": True})]
    assert names == ["价格太高", "已购竞品", "地段不合适", "户型或面积不合适", "贷款办不下来",
                     "议价未达成"]
