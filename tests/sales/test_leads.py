"""Leads (SAL-1): registration with de-duplication against directory people by phone, customer
protection (判客) and disputes decided by the manager, assignment rules, the public pool."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.events import events_for
from linli.core.notifications.models import Message
from linli.directory.models import Person
from linli.directory.services.people import person_create
from linli.sales import selectors, services
from linli.sales.models import AssignmentRule, Lead, LeadPolicy, OwnershipDispute
from linli.sales.states import DisputeStatus, LeadStatus
from tests.sales.builders import START, make_lead, make_rep, make_small_sales

pytestmark = pytest.mark.django_db


def _messages(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


def _counts():
    return Lead.objects.count(), Person.objects.count(), OwnershipDispute.objects.count()


@pytest.fixture
def sales(world):
    return make_small_sales(world)


def test_a_walk_in_lead_creates_the_person_through_the_directory_and_is_the_reps(world, sales):
    rep = make_rep(world, name="张三")
    lead = make_lead(sales, rep, phone="138 0013 8000", name=" 王先生 ", source="案场")
    assert lead.phone == "+8613800138000" and lead.owner == rep
    assert lead.status == LeadStatus.WORKING and lead.channel == "walk_in"
    assert lead.person.name == "王先生"
    assert list(lead.person.phones.values_list("number", flat=True)) == ["+8613800138000"]
    assert lead.org_unit_id == sales.project.org_unit_id
    assert [e.verb for e in events_for(lead)] == ["lead.created"]


def test_a_known_phone_links_the_existing_person_without_a_second_one(world, sales):
    known = person_create(actor=None, tenant=world.tenant, org_unit=world.branch_b,
                          name="李女士", phones=["13900139000"])
    rep = make_rep(world)
    before = Person.objects.count()
    lead = make_lead(sales, rep, phone="+86 139 0013 9000", name="")
    assert lead.person == known and Person.objects.count() == before


@pytest.mark.parametrize("phone, message", [
    ("", "Enter the customer's phone number."),
    ("12", "not a valid phone number"),
])
def test_a_lead_without_a_good_phone_is_refused_and_nothing_is_written(world, sales, phone,
                                                                        message):
    rep = make_rep(world)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, rep, phone=phone)
    assert message in _messages(exc) and "phone" in exc.value.message_dict
    assert _counts() == before


def test_a_new_customer_needs_a_name(world, sales):
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, make_rep(world), name="  ")
    assert exc.value.message_dict == {"name": ["Enter the customer's name."]}
    assert Lead.objects.count() == 0 and Person.objects.count() == 0


def test_a_protected_customer_is_not_taken_by_another_rep(world, sales):
    first, second = make_rep(world, name="张三"), make_rep(world, name="李四")
    lead = make_lead(sales, first)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, second, phone="13800138000", name="王先生")
    until = (timezone.localtime(lead.last_worked_at) + dt.timedelta(days=30)).strftime(
        "%Y-%m-%d")
    assert exc.value.message_dict == {"phone": [
        f"This customer is protected: 张三 owns them until {until}. If you think the customer "
        "is yours, ask the sales manager to decide."]}
    assert _counts() == before
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, first)
    assert exc.value.message_dict == {"phone": ["This customer is already your lead."]}


def test_protection_ends_after_the_tenants_period(world, sales):
    LeadPolicy.objects.create(tenant=world.tenant, protection_days=3)
    first, second = make_rep(world), make_rep(world)
    lead = make_lead(sales, first)
    Lead.objects.filter(pk=lead.pk).update(last_worked_at=timezone.now() - dt.timedelta(days=4))
    again = make_lead(sales, second)
    assert again.owner == second and again.person_id == lead.person_id


def test_an_agency_customer_is_protected_for_the_agency(world, sales):
    from linli.directory.services.organizations import organization_create

    agency = organization_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                                 name="链家", kind="agent")
    manager = make_rep(world, manager=True)
    make_lead(sales, manager, channel="agency", agency=agency)
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, make_rep(world))
    assert "链家 owns them" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, manager, phone="13700137000", channel="agency")
    assert exc.value.message_dict == {
        "agency": ["Choose the agency that brought the customer."]}


def test_a_dispute_goes_to_the_manager_who_decides(world, sales):
    first, second = make_rep(world), make_rep(world)
    manager = make_rep(world, manager=True, name="经理")
    lead = make_lead(sales, first)
    with pytest.raises(ValidationError) as exc:
        services.dispute_open(actor=second, project=sales.project, phone="13800138000",
                              reason=" ")
    assert exc.value.message_dict == {"reason": ["Say why the customer is yours."]}
    dispute = services.dispute_open(actor=second, project=sales.project,
                                    phone="13800138000", reason="上周已带看")
    assert dispute.lead == lead and dispute.owner == first
    assert dispute.status == DisputeStatus.PENDING
    assert list(Message.objects.filter(event="sales.lead_disputed")
                .values_list("recipient", flat=True)) == [manager.pk]
    with pytest.raises(ValidationError) as exc:
        services.dispute_open(actor=second, project=sales.project, phone="13800138000",
                              reason="again")
    assert "already waiting" in _messages(exc)
    with pytest.raises(PermissionDenied):
        services.dispute_decide(actor=second, dispute=dispute, transfer=True)
    services.dispute_decide(actor=manager, dispute=dispute, transfer=True, note="有带看记录")
    lead.refresh_from_db()
    dispute.refresh_from_db()
    assert lead.owner == second and dispute.status == DisputeStatus.TRANSFERRED
    assert dispute.decided_by == manager and dispute.decision_note == "有带看记录"
    with pytest.raises(ValidationError) as exc:
        services.dispute_decide(actor=manager, dispute=dispute, transfer=False)
    assert "already been decided" in _messages(exc)


def test_assignment_rules_round_robin_capacity_and_vip_to_the_manager(world, sales):
    a, b = make_rep(world, name="A"), make_rep(world, name="B")
    manager = make_rep(world, manager=True, name="M")
    rr = AssignmentRule.objects.create(
        tenant=world.tenant, org_unit=sales.project.org_unit, project=sales.project,
        name="网络轮询", method="round_robin", channel="web", valid_from=START)
    rr.reps.set([a, b])
    AssignmentRule.objects.create(
        tenant=world.tenant, org_unit=sales.project.org_unit, project=sales.project,
        name="VIP", method="manager", for_vip=True, manager=manager, valid_from=START)
    cap = AssignmentRule.objects.create(
        tenant=world.tenant, org_unit=sales.project.org_unit, project=sales.project,
        name="广告按容量", method="capacity", channel="advertising", capacity=2,
        valid_from=START)
    cap.reps.set([a, b])
    owners = [services.lead_create(actor=None, project=sales.project, name=f"客{i}",
                                   phone=f"1380000000{i}", channel="web").owner
              for i in range(3)]
    assert owners == [a, b, a]
    vip = services.lead_create(actor=None, project=sales.project, name="贵宾",
                               phone="13900000001", channel="web", is_vip=True)
    assert vip.owner == manager
    # Capacity 2: a holds 2 open leads already, b 1 → b, then both are full → unowned.
    ads = [services.lead_create(actor=None, project=sales.project, name=f"广{i}",
                                phone=f"1370000000{i}", channel="advertising").owner
           for i in range(3)]
    assert ads == [b, None, None]
    assert Lead.objects.get(phone="+8613700000002").status == LeadStatus.NEW


def test_unworked_leads_go_to_the_pool_and_a_rep_claims_one(world, sales):
    first, second, third = make_rep(world), make_rep(world), make_rep(world)
    lead = make_lead(sales, first)
    fresh = make_lead(sales, first, phone="13900139001", name="新客")
    Lead.objects.filter(pk=lead.pk).update(last_worked_at=timezone.now() - dt.timedelta(days=8))
    assert services.pool_unworked() == 1
    lead.refresh_from_db()
    fresh.refresh_from_db()
    assert (lead.status, lead.owner) == (LeadStatus.POOLED, None)
    assert fresh.status == LeadStatus.WORKING
    assert [e.verb for e in events_for(lead)][:1] == ["lead.pooled"]
    assert list(selectors.lead_list(second, {"pool": True})) == [lead]
    services.lead_claim(actor=second, lead=lead)
    lead.refresh_from_db()
    assert (lead.status, lead.owner) == (LeadStatus.WORKING, second)
    with pytest.raises(ValidationError) as exc:
        services.lead_claim(actor=third, lead=lead)
    assert "not free to claim" in _messages(exc)


def test_a_rep_of_another_office_can_neither_be_given_a_lead_nor_claim_one(world, sales):
    manager = make_rep(world, manager=True)
    lead = make_lead(sales, make_rep(world))
    stranger = make_rep(world, unit=world.branch_b, name="外部")
    with pytest.raises(ValidationError) as exc:
        services.lead_assign(actor=manager, lead=lead, rep=stranger)
    assert exc.value.message_dict == {"rep": ["外部 is not a sales rep of this lead's office."]}
    with pytest.raises(ValidationError) as exc:
        make_lead(sales, manager, phone="13600136000", owner=stranger)
    assert exc.value.message_dict == {
        "owner": ["外部 is not a sales rep of this project's office."]}
    with pytest.raises(PermissionDenied):
        services.lead_create(actor=stranger, project=sales.project, name="x",
                             phone="13600136001", channel="walk_in")


def test_leads_out_of_scope_look_missing(world, sales):
    from django.http import Http404

    from tests.builders import make_user

    lead = make_lead(sales, make_rep(world))
    sibling = make_rep(world, unit=world.branch_b)
    other = make_user(world.other_tenant, None, ["sales.view_lead"])
    for user in (sibling, other):
        assert list(selectors.lead_list(user)) == []
        with pytest.raises(Http404):
            selectors.lead_get(user, lead.pk)


def test_work_and_close_belong_to_the_owner(world, sales):
    owner, other = make_rep(world), make_rep(world)
    lead = make_lead(sales, owner)
    with pytest.raises(ValidationError) as exc:
        services.lead_work(actor=other, lead=lead, note="电话")
    assert exc.value.message_dict == {"note": ["Only the owner of the lead records work on it."]}
    services.lead_work(actor=owner, lead=lead, note="电话回访")
    with pytest.raises(ValidationError) as exc:
        services.lead_close(actor=owner, lead=lead, note="")
    assert exc.value.message_dict == {"note": ["Say why the lead is closed."]}
    services.lead_close(actor=owner, lead=lead, note="空号")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED
    with pytest.raises(ValidationError) as exc:
        services.lead_transition(actor=None, lead=lead, to=LeadStatus.CONVERTED)
    assert exc.value.message_dict == {"status": [
        "The lead is Closed; it cannot become Turned into an opportunity."]}


def test_the_lead_rules_are_data_the_manager_keeps(world, sales):
    manager = make_rep(world, manager=True)
    from tests.builders import make_user

    keeper = make_user(world.tenant, world.branch_a, [
        "sales.change_leadpolicy", "sales.add_assignmentrule", "sales.view_assignmentrule"])
    with pytest.raises(ValidationError) as exc:
        services.lead_policy_save(actor=keeper, tenant=world.tenant, protection_days=0,
                                  pool_after_days=7)
    assert exc.value.message_dict == {
        "protection_days": ["Enter a number of days between 1 and 365."]}
    services.lead_policy_save(actor=keeper, tenant=world.tenant, protection_days=15,
                              pool_after_days=3)
    assert services.lead_policy(world.tenant.pk).protection_days == 15
    with pytest.raises(PermissionDenied):
        services.lead_policy_save(actor=manager, tenant=world.tenant, protection_days=15,
                                  pool_after_days=3)
    stranger = make_rep(world, unit=world.branch_b, name="外部")
    with pytest.raises(ValidationError) as exc:
        services.assignment_rule_create(actor=keeper, project=sales.project, name="轮询",
                                        method="round_robin", valid_from=START,
                                        reps=[stranger])
    assert exc.value.message_dict == {
        "reps": ["Not sales reps of this project's office: 外部"]}
    with pytest.raises(ValidationError) as exc:
        services.assignment_rule_create(actor=keeper, project=sales.project, name="VIP",
                                        method="manager", valid_from=START)
    assert exc.value.message_dict == {"manager": ["Choose the business manager."]}
    assert AssignmentRule.objects.count() == 0
    rule = services.assignment_rule_create(actor=keeper, project=sales.project, name="VIP",
                                           method="manager", valid_from=START, for_vip=True,
                                           manager=manager)
    assert (rule.manager, rule.for_vip, rule.org_unit_id) == (
        manager, True, sales.project.org_unit_id)


def test_the_beat_tasks_pool_leads_and_remind_follow_ups(world, sales, settings):
    from linli.sales import tasks

    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} >= {
        "linli.sales.tasks.pool_unworked_leads", "linli.sales.tasks.remind_follow_ups"}
    lead = make_lead(sales, make_rep(world))
    Lead.objects.filter(pk=lead.pk).update(last_worked_at=timezone.now() - dt.timedelta(days=9))
    assert tasks.pool_unworked_leads() == 1
    assert tasks.remind_follow_ups() == 0
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.POOLED
