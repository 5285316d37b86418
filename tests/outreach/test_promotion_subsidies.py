"""OUT-6 and OUT-7: the callback seven days after a mailing (on OUT-2's call tasks), the
promotion stages and their funnel, declines left out of later mailings; subsidy rules as data
without overlaps, statements counting only confirmed receipts, approval before payment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.outreach import services
from linli.outreach.distribution import selectors
from linli.outreach.models import Promotion, SubsidyLine, SubsidyRule, SubsidyStatement
from tests.builders import make_user
from tests.directory.test_organizations_api import Api
from tests.outreach.builders import make_partner
from tests.outreach.distribution_builders import DISTRIBUTOR, channel, make_edition, make_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world):
    return make_user(world.tenant, world.root, DISTRIBUTOR, username="operator")


def _sent(world, operator, code="paper", agent=None, month=dt.date(2026, 6, 1)):
    distribution = services.distribution_create(
        actor=operator, tenant=world.tenant, org_unit=world.root,
        edition=make_edition(world, month=month), channel=channel(world, code), agent=agent)
    services.distribution_transition(actor=operator, distribution=distribution, to="scheduled")
    return services.distribution_transition(actor=operator, distribution=distribution,
                                            to="sent")


def _recipient(distribution, partner):
    return distribution.recipients.get(partner=partner)


# --- promotion (OUT-6) ----------------------------------------------------------------------

def test_callback_confirms_receipt_and_moves_the_company_on(world, operator):
    agent, targets = make_targets(world)
    distribution = _sent(world, operator, agent=agent)
    recipient = _recipient(distribution, targets[0])
    services.distribution_callback(actor=operator, recipient=recipient, outcome="no_answer")
    recipient.refresh_from_db()
    assert (recipient.confirmed_at, recipient.call_task.status) == (None, "retry")
    services.distribution_callback(actor=operator, recipient=recipient, outcome="connected",
                                   received=True, opinion="手册很实用")
    recipient.refresh_from_db()
    assert recipient.confirmed_at is not None
    assert (recipient.opinion, recipient.call_task.status, recipient.call_task.attempts) == (
        "手册很实用", "done", 2)
    assert Promotion.objects.get(partner=targets[0]).stage == "received"


def test_a_confirmed_decline_is_left_out_of_later_mailings(world, operator):
    agent, targets = make_targets(world)
    distribution = _sent(world, operator, agent=agent)
    services.distribution_callback(actor=operator, recipient=_recipient(distribution,
                                                                        targets[1]),
                                   outcome="connected", decline_reason="other_platform")
    promotion = Promotion.objects.get(partner=targets[1])
    assert (promotion.stage, promotion.decline_reason, promotion.decline_confirmed) == (
        "declined", "other_platform", True)
    assert targets[1] not in selectors.distribution_targets(operator, world.tenant.pk)
    # Marked without a callback: still mailed until a callback confirms it.
    marked = Promotion.objects.get(partner=targets[2])
    services.promotion_transition(actor=operator, promotion=marked, to="declined",
                                  reason="unsuitable")
    assert targets[2] in selectors.distribution_targets(operator, world.tenant.pk)
    services.promotion_decline_confirm(actor=operator, promotion=marked)
    assert targets[2] not in selectors.distribution_targets(operator, world.tenant.pk)


def test_a_refused_callback_writes_nothing(world, operator):
    _agent, targets = make_targets(world)
    distribution = _sent(world, operator)
    promotion = Promotion.objects.get(partner=targets[0])
    for stage in ("received", "using_software", "hardware", "residents", "mall",
                  "revenue_share"):
        services.promotion_transition(actor=operator, promotion=promotion, to=stage)
    recipient = _recipient(distribution, targets[0])
    with pytest.raises(ValidationError) as caught:
        services.distribution_callback(actor=operator, recipient=recipient,
                                       outcome="connected", received=True, opinion="不要了",
                                       decline_reason="unwilling")
    assert caught.value.message_dict == {"stage": [
        "A company cannot go from “Revenue share” to “Declined”."]}
    recipient.refresh_from_db()
    assert (recipient.confirmed_at, recipient.opinion, recipient.call_task.attempts) == (
        None, "", 0)


def test_stages_move_one_at_a_time(world, operator):
    _agent, targets = make_targets(world)
    _sent(world, operator)
    promotion = Promotion.objects.get(partner=targets[0])
    with pytest.raises(ValidationError) as caught:
        services.promotion_transition(actor=operator, promotion=promotion, to="mall")
    assert caught.value.message_dict == {"stage": [
        "A company cannot go from “Handbook mailed” to “Mall operating”."]}
    with pytest.raises(ValidationError) as caught:
        services.promotion_transition(actor=operator, promotion=promotion, to="declined")
    assert caught.value.message_dict == {"reason": [
        "Say why: unwilling, not suitable or with another platform."]}
    for stage in ("received", "using_software", "hardware", "residents", "mall",
                  "revenue_share"):
        services.promotion_transition(actor=operator, promotion=promotion, to=stage)
    promotion.refresh_from_db()
    assert promotion.stage == "revenue_share"
    stranger = make_user(world.other_tenant, world.other_root, DISTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.promotion_transition(actor=stranger, promotion=promotion, to="declined",
                                      reason="unwilling")


def test_distribution_promotion_and_statement_moves_are_checked_alike(world, operator):
    agent, targets = make_targets(world)
    distribution = _sent(world, operator, agent=agent)
    services.distribution_callback(actor=operator, recipient=_recipient(distribution,
                                                                        targets[0]),
                                   outcome="connected", received=True)
    promotion = Promotion.objects.get(partner=targets[0])
    statement = services.statement_build(actor=operator, agent=agent, month=dt.date(2026, 6, 1))
    moves = [
        (lambda to: services.distribution_transition(
            actor=operator, distribution=distribution, to=to), "status", "sent", "draft",
         "Choose a status from the list.", "The distribution already has this status.",
         "A distribution cannot go from “Sent” to “Draft”."),
        (lambda to: services.promotion_transition(actor=operator, promotion=promotion, to=to),
         "stage", "received", "mailed", "Choose a stage from the list.",
         "The company is already at this stage.",
         "A company cannot go from “Received” to “Handbook mailed”."),
        (lambda to: services.statement_transition(actor=operator, statement=statement, to=to),
         "status", "draft", "paid", "Choose a status from the list.",
         "The statement already has this status.",
         "A statement cannot go from “Awaiting approval” to “Paid”."),
    ]
    for move, field, current, out_of_order, unknown, same, refused in moves:
        for to, message in (("lost", unknown), (current, same), (out_of_order, refused)):
            with pytest.raises(ValidationError) as caught:
                move(to)
            assert caught.value.message_dict == {field: [message]}
    distribution.refresh_from_db()
    promotion.refresh_from_db()
    statement.refresh_from_db()
    assert (distribution.status, promotion.stage, statement.status) == (
        "sent", "received", "draft")


def test_funnel_by_city_and_agent(world, operator):
    _agent, targets = make_targets(world)
    make_partner(world, "厦门签约物业", city="厦门市")
    _sent(world, operator)
    promotions = {p.partner_id: p for p in Promotion.objects.all()}
    for stage in ("received", "using_software"):
        services.promotion_transition(actor=operator, promotion=promotions[targets[0].pk],
                                      to=stage)
    services.promotion_transition(actor=operator, promotion=promotions[targets[1].pk],
                                  to="declined", reason="unwilling")
    total, *rows = selectors.promotion_funnel(operator, group_by="city")
    assert total.cells[:3] == [("mailed", 4), ("received", 1), ("using_software", 1)]
    assert (total.declined, total.total) == (1, 5)
    assert [(r.label, r.cells[0][1], r.declined) for r in rows] == [("福州市", 3, 1),
                                                                    ("厦门市", 1, 0)]
    _total, *by_agent = selectors.promotion_funnel(operator, group_by="agent")
    assert [(r.label, r.total) for r in by_agent] == [("闽运代理", 4), ("—", 1)]
    assert selectors.promotion_funnel(operator, rollout="pilot")[0].total == 0
    client = Client()
    client.force_login(operator)
    page = client.get("/outreach/promotion/?group_by=agent").content.decode()
    assert 'data-row="闽运代理"' in page
    api = Api(operator)
    answer = api.get("/outreach/promotion-funnel", {"group_by": "city"}).json()
    assert answer[0]["stages"][0] == {"stage": "mailed", "companies": 4}
    moved = api.post(f"/outreach/promotions/{promotions[targets[2].pk].pk}/move",
                     {"to": "hardware"})
    assert moved.status_code == 422


# --- subsidies (OUT-7) ----------------------------------------------------------------------

def _rule(world, operator, start, end=None, **fields):
    return services.subsidy_rule_create(
        actor=operator, tenant=world.tenant, name=fields.pop("name", "2026年推广补贴"),
        min_companies=fields.pop("min_companies", 2), min_offices=fields.pop("min_offices", 1),
        amount=Decimal(fields.pop("amount", "80.00")), valid_from=start, valid_to=end)


def test_overlapping_rules_are_refused(world, operator):
    _rule(world, operator, dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    for start, end in [(dt.date(2026, 6, 30), None), (dt.date(2025, 1, 1), dt.date(2026, 1, 1)),
                       (dt.date(2026, 3, 1), dt.date(2026, 3, 31))]:
        with pytest.raises(ValidationError) as caught:
            _rule(world, operator, start, end, name="重叠规则")
        assert caught.value.message_dict == {"valid_from": [
            "These dates overlap the rule “2026年推广补贴” (2026-01-01 – 2026-06-30); end "
            "that rule first."]}
    with pytest.raises(ValidationError) as caught:
        _rule(world, operator, dt.date(2026, 9, 1), dt.date(2026, 8, 1))
    assert caught.value.message_dict == {"valid_to": ["The rule cannot end before it starts."]}
    _rule(world, operator, dt.date(2026, 7, 1), name="下半年")
    assert SubsidyRule.objects.count() == 2
    assert services.rule_on(world.tenant.pk, dt.date(2026, 8, 1)).name == "下半年"


def test_statement_counts_confirmed_receipts_only_and_is_approved_before_paid(world,
                                                                               operator):
    agent, targets = make_targets(world)
    _rule(world, operator, dt.date(2026, 1, 1))
    june = _sent(world, operator, agent=agent)
    for partner in targets[:3]:  # two companies and the office confirm; the fourth not
        services.distribution_callback(actor=operator, recipient=_recipient(june, partner),
                                       outcome="connected", received=True)
    statement = services.statement_build(actor=operator, agent=agent, month=dt.date(2026, 6, 9))
    line = SubsidyLine.objects.get(statement=statement)
    assert (statement.month, statement.status, statement.total) == (
        dt.date(2026, 6, 1), "draft", Decimal("80.00"))
    assert (line.companies, line.offices, line.amount) == (2, 1, Decimal("80.00"))
    assert sorted(line.recipients.values_list("partner_id", flat=True)) == sorted(
        p.pk for p in targets[:3])
    with pytest.raises(ValidationError) as caught:
        services.statement_build(actor=operator, agent=agent, month=dt.date(2026, 6, 1))
    assert caught.value.message_dict == {"month": [
        "This agent already has a statement for this month."]}
    with pytest.raises(ValidationError) as caught:
        services.statement_transition(actor=operator, statement=statement, to="paid")
    assert caught.value.message_dict == {"status": [
        "A statement cannot go from “Awaiting approval” to “Paid”."]}
    services.statement_transition(actor=operator, statement=statement, to="approved")
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by) == ("approved", operator)
    assert statement.approved_at is not None
    services.statement_transition(actor=operator, statement=statement, to="paid")
    statement.refresh_from_db()
    assert statement.status == "paid"


def test_a_statement_takes_the_same_queries_however_many_rounds(world, operator):
    agent, targets = make_targets(world)
    _rule(world, operator, dt.date(2026, 1, 1), min_companies=2, min_offices=0)
    may, june, july = dt.date(2026, 5, 1), dt.date(2026, 6, 1), dt.date(2026, 7, 1)
    for month, rounds in ((may, 1), (june, 1), (july, 3)):
        for _round in range(rounds):
            sent = _sent(world, operator, agent=agent, month=month)
            for partner in targets[:2]:
                services.distribution_callback(actor=operator,
                                               recipient=_recipient(sent, partner),
                                               outcome="connected", received=True)
    # May's statement warms the caches (content types) a first statement fills.
    services.statement_build(actor=operator, agent=agent, month=may)
    queries = {}
    for month in (june, july):
        with CaptureQueriesContext(connection) as captured:
            statement = services.statement_build(actor=operator, agent=agent, month=month)
        queries[month] = len(captured)
    assert queries[june] == queries[july] <= 11, queries
    assert list(statement.lines.order_by("pk").values_list("companies", "offices", "amount")) == [
        (2, 0, Decimal("80.00"))] * 3
    assert statement.total == Decimal("240.00")
    assert SubsidyLine.objects.filter(statement=statement, recipients__isnull=False).count() == 6


def test_a_round_below_the_thresholds_earns_nothing(world, operator):
    agent, targets = make_targets(world)
    _rule(world, operator, dt.date(2026, 1, 1), min_companies=20, min_offices=30)
    june = _sent(world, operator, agent=agent)
    services.distribution_callback(actor=operator, recipient=_recipient(june, targets[0]),
                                   outcome="connected", received=True)
    statement = services.statement_build(actor=operator, agent=agent, month=dt.date(2026, 6, 1))
    assert statement.total == Decimal("0.00")
    assert list(statement.lines.values_list("companies", "offices", "amount")) == [
        (1, 0, Decimal("0.00"))]


def test_nothing_confirmed_means_no_statement(world, operator):
    agent, _targets = make_targets(world)
    _sent(world, operator, agent=agent)
    with pytest.raises(ValidationError) as caught:
        services.statement_build(actor=operator, agent=agent, month=dt.date(2026, 6, 1))
    assert caught.value.message_dict == {"month": [
        "No distribution of this agent in this month has a receipt confirmed by callback "
        "yet."]}
    assert SubsidyStatement.objects.count() == 0


def test_subsidy_api_and_screens(world, operator):
    agent, targets = make_targets(world)
    api = Api(operator)
    rule = api.post("/outreach/subsidy-rules", {
        "name": "补贴", "min_companies": 1, "min_offices": 0, "amount": "50.00",
        "valid_from": "2026-01-01"})
    assert rule.status_code == 201, rule.content
    overlap = api.post("/outreach/subsidy-rules", {
        "name": "重叠", "min_companies": 1, "min_offices": 0, "amount": "60.00",
        "valid_from": "2026-05-01", "valid_to": "2026-05-31"})
    assert overlap.status_code == 422
    assert list(overlap.json()["fields"]) == ["valid_from"]
    june = _sent(world, operator, agent=agent)
    recipient = _recipient(june, targets[0])
    called = api.post(f"/outreach/distribution-recipients/{recipient.pk}/callback",
                      {"outcome": "connected", "received": True, "opinion": "好"})
    assert called.json()["confirmed_at"] is not None
    built = api.post("/outreach/subsidy-statements", {"agent_id": agent.pk,
                                                      "month": "2026-06-01"})
    assert built.status_code == 201, built.content
    body = built.json()
    assert (body["total"], body["lines"][0]["counted"][0]["company"]) == ("50.00", "签约物业0")
    client = Client()
    client.force_login(operator)
    page = client.get(f"/outreach/subsidies/{body['id']}/").content.decode()
    assert 'data-move="approve"' in page and "签约物业0" in page
    client.post(f"/outreach/subsidies/{body['id']}/approve/")
    assert SubsidyStatement.objects.get().approved_by == operator
    assert client.get("/outreach/subsidies/").status_code == 200
    stranger = Api(make_user(world.other_tenant, world.other_root, DISTRIBUTOR))
    assert stranger.get(f"/outreach/subsidy-statements/{body['id']}").status_code == 404
    assert stranger.post(f"/outreach/distribution-recipients/{recipient.pk}/callback",
                         {"outcome": "connected"}).status_code == 404
