"""The benchmark's generator writes what the product itself would have written (NFR-1)."""

import dataclasses

import pytest
from django.db import connection

from bench.generate import SCALES, generate
from linli.accounts.models import User
from linli.core.calendar.selectors import calendar_for
from linli.core.personal_data.phones import last4
from linli.core.personal_data.selectors import search_hits
from linli.directory import keys
from linli.directory.models import Person, PersonPhone, Unit
from linli.servicedesk import selectors as desk
from linli.servicedesk import sla
from linli.servicedesk.models import WorkOrder, WorkOrderClock
from linli.servicedesk.states import Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY needs PostgreSQL"),
]

TINY = dataclasses.replace(SCALES["small"], name="tiny", tenants=1, communities=2, orders=400,
                           companies=5, articles=62, leads=300, sales_projects=2)


@pytest.fixture
def generated():
    return generate(TINY, out=lambda _m: None)


def test_counts_and_keys_are_the_products_own(generated):
    assert generated.counts["order"] == 400
    assert generated.counts["unit"] == 500 + 200
    for unit in Unit.objects.select_related("building", "section")[:200]:
        section = unit.section.number if unit.section else None
        assert unit.room_code == keys.room_code(unit.building.number, section, unit.number)
    for person in Person.objects.all()[:200]:
        assert (person.name_pinyin, person.name_initials) == keys.name_keys(person.name)
    for phone in PersonPhone.objects.all()[:200]:
        assert phone.last4 == last4(phone.number)


def test_due_times_follow_the_working_calendar(generated):
    order = WorkOrder.objects.filter(service_level__isnull=False).order_by("pk").first()
    calendar = calendar_for(order.tenant_id)
    clocks = WorkOrderClock.objects.filter(work_order=order)
    assert clocks
    for clock in clocks:
        times = sla.clock_times(calendar, clock.unit, clock.amount, clock.started_at,
                                order.service_level.warning_share)
        assert (clock.due_at, clock.warn_at) == (times.due_at, times.warn_at)
    assert order.priority == desk.priority_for(order.tenant_id, order.urgency, order.impact) \
        or order.category.default_priority == order.priority


def test_generated_people_are_found_by_the_search_and_orders_are_in_scope(generated):
    desk_user = User.objects.get(username="bench01-001-desk")
    phone = PersonPhone.objects.filter(org_unit__in=desk_user.memberships.values(
        "org_unit")).first()
    _query, hits = search_hits(desk_user, phone.last4)
    assert any(phone.person.name in h.title for h in hits)
    visible = desk.work_order_list(desk_user)
    assert visible.exists()
    assert set(visible.values_list("tenant_id", flat=True)) == {desk_user.tenant_id}
    assert WorkOrder.objects.filter(status=Status.CLOSED).exists()
    assert WorkOrder.objects.exclude(status__in=[Status.CLOSED, Status.CANCELLED]).exists()


def test_generated_articles_are_found_by_the_desks_search(generated):
    from linli.servicedesk.knowledge.selectors import article_suggestions
    from linli.servicedesk.models import KnowledgeArticle

    desk_user = User.objects.get(username="bench01-001-desk")
    assert KnowledgeArticle.objects.filter(status="published").count() == 62
    found = article_suggestions(desk_user, "请问装修押金什么时候能退")
    assert len(found) == 5
    assert all("装修押金" in a.title for a in found[:2])
    # 62 articles: the 31 standard answers twice; two of them are about 门禁卡.
    assert sorted(a.title.split("：")[1][:5] for a in article_suggestions(
        desk_user, "menjinka")) == ["新增门禁卡", "新增门禁卡", "门禁卡丢了", "门禁卡丢了"]


def test_indexes_are_back_after_the_load(generated):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s",
                       [WorkOrder._meta.db_table])
        assert cursor.fetchone()[0] >= len(WorkOrder._meta.indexes)
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_generated_campaigns_are_what_the_callers_screen_would_have_left(generated):
    """Every call went through the product's call state machine: a task's attempts, last
    outcome and status agree with its calls and the retry rules; the statistics count them."""
    from django.db.models import Count, Max

    from linli.outreach import selectors as outreach
    from linli.outreach.models import CallAttempt, CallTask, Campaign, Partner
    from linli.outreach.services import DEFAULT_RETRY_RULES

    assert Partner.objects.count() == 5
    assert Campaign.objects.count() == TINY.campaigns
    assert Campaign.objects.filter(status="running").count() == 1
    calls = {row["task"]: row for row in CallAttempt.objects.values("task").annotate(
        n=Count("pk"), last=Max("called_at"))}
    for task in CallTask.objects.all():
        made = calls.get(task.pk, {"n": 0})
        assert task.attempts == made["n"]
        if task.attempts:
            last = CallAttempt.objects.filter(task=task).latest("called_at", "pk")
            assert task.outcome == last.outcome
            rule = DEFAULT_RETRY_RULES.get(task.outcome)
            allowed_more = rule is not None and task.attempts < rule["max_attempts"]
            assert task.status == ("retry" if allowed_more else "done")
        else:
            assert (task.status, task.outcome) == ("pending", "")
    admin = User.objects.get(username="bench01-admin")
    table = outreach.call_statistics(admin, group_by="campaign")
    assert table.total.total == CallTask.objects.exclude(outcome="").count()


def test_generated_sales_are_what_the_sales_desk_would_have_left(generated):
    """The developer's leads and opportunities: each stage move one the pipeline allows, each
    won opportunity won by its subscription, and the sales reports count them."""
    from linli.core.personal_data.phones import normalize_phone
    from linli.sales.models import Lead, Opportunity, StageMove, Subscription
    from linli.sales.reports import selectors as reports
    from linli.sales.states import STAGE_TRANSITIONS

    # Two projects of 150 leads; 19 opportunities in every 100 leads (the first 19): 3 new,
    # 4 visited, 3 viewing, 2 negotiating, 2 won and 5 lost.
    assert (generated.counts["lead"], generated.counts["opportunity"]) == (300, 76)
    assert Lead.objects.filter(status="converted").count() == 76
    for lead in Lead.objects.select_related("person")[:100]:
        assert lead.phone == normalize_phone(lead.phone)
        assert lead.person.phones.filter(number=lead.phone).exists()
        assert (lead.person.name_pinyin, lead.person.name_initials) == keys.name_keys(
            lead.person.name)
    for opportunity in Opportunity.objects.all():
        moves = list(StageMove.objects.filter(opportunity=opportunity).order_by("moved_at",
                                                                               "pk"))
        assert moves[0].from_stage == "" and moves[0].to_stage == "new"
        for move in moves[1:]:
            assert move.to_stage in STAGE_TRANSITIONS[move.from_stage]
        assert moves[-1].to_stage == opportunity.stage
    won = Opportunity.objects.filter(stage="won")
    assert won.count() == 8
    assert set(Subscription.objects.values_list("opportunity", flat=True)) == set(
        won.values_list("pk", flat=True))
    assert Opportunity.objects.filter(stage="lost", lost_reason__isnull=False).count() == 20

    admin = User.objects.get(username="benchdev-admin")
    funnel = reports.report(admin, "funnel", reports.filters_check(admin))
    steps = {row.key: row.cells[0].value for row in funnel.sections[0].rows}
    assert (steps["leads"], steps["opportunities"], steps["won"], steps["subscribed"]) == (
        300, 76, 8, 8)
