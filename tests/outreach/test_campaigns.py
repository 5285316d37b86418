"""OUT-2: call lists from a filter, callers, the call state machine with retry rules as data,
the caller's screen, the statistics table; API and screens, bad input and scope."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from linli.outreach import selectors, services
from linli.outreach.models import CallAttempt, CallTask, Campaign
from tests.builders import make_user
from tests.directory.test_organizations_api import Api
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db

CAMPAIGNER = [*OPERATOR, "outreach.view_campaign", "outreach.add_campaign",
              "outreach.change_campaign", "outreach.view_calltask", "outreach.call_calltask",
              "outreach.view_callattempt", "accounts.view_user"]
CALLER = ["outreach.view_campaign", "outreach.view_calltask", "outreach.call_calltask",
          "outreach.view_partner", "directory.view_contact", "outreach.view_callattempt"]


@pytest.fixture
def runner(world):
    return make_user(world.tenant, world.root, CAMPAIGNER, username="runner")


@pytest.fixture
def signed(world):
    agent = make_agent(world, "闽运代理")
    companies = [make_partner(world, f"签约物业{n}", agent=agent,
                              contact_name=f"经理{n}", contact_mobile=f"1381234{n:04d}")
                 for n in range(3)]
    make_partner(world, "意向物业", signing_status="prospective")
    return companies


def _campaign(world, runner, **fields):
    return services.campaign_create(actor=runner, tenant=world.tenant, org_unit=world.root,
                                    name=fields.pop("name", "一轮回访"),
                                    script="您好，这里是云上城客服……", **fields)


def test_call_list_of_all_signed_companies(world, runner, signed):
    campaign = _campaign(world, runner)
    assert set(campaign.tasks.values_list("partner_id", flat=True)) == {p.pk for p in signed}
    assert campaign.retry_rules == services.DEFAULT_RETRY_RULES


def test_state_machine_and_retry_rules(world, runner, signed):
    campaign = _campaign(world, runner, retry_rules={"no_answer": {"max_attempts": 2,
                                                                   "wait_hours": 4}})
    task = campaign.tasks.get(partner=signed[0])
    services.call_record(actor=runner, task=task, outcome="no_answer", phone="0591-87654321")
    task.refresh_from_db()
    assert (task.status, task.outcome, task.attempts, task.caller) == (
        "retry", "no_answer", 1, runner)
    assert task.next_call_at > timezone.now() + dt.timedelta(hours=3)
    services.call_record(actor=runner, task=task, outcome="no_answer")
    task.refresh_from_db()
    assert (task.status, task.attempts, task.next_call_at) == ("done", 2, None)
    with pytest.raises(ValidationError):
        services.call_record(actor=runner, task=task, outcome="connected")
    # Refused has no rule in this campaign: the first refusal ends the task.
    other = campaign.tasks.get(partner=signed[1])
    services.call_record(actor=runner, task=other, outcome="refused")
    other.refresh_from_db()
    assert other.status == "done"
    assert CallAttempt.objects.filter(task=task).first().phone == "+8659187654321"


def test_bad_call_input(world, runner, signed):
    campaign = _campaign(world, runner)
    task = campaign.tasks.first()
    with pytest.raises(ValidationError) as caught:
        services.call_record(actor=runner, task=task, outcome="busy")
    assert "outcome" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.call_record(actor=runner, task=task, outcome="connected", phone="abc")
    assert "phone" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _campaign(world, runner, name="坏规则", retry_rules={"connected": {"max_attempts": 2}})
    assert "retry_rules" in caught.value.message_dict
    with pytest.raises(ValidationError):
        _campaign(world, runner, name="坏来源", source={"kind": "campaign", "campaign": 0})
    assert not CallAttempt.objects.exists()
    assert not Campaign.objects.filter(name__in=["坏规则", "坏来源"]).exists()


def test_callers_are_assigned_in_turn_and_keep_to_their_list(world, runner, signed):
    campaign = _campaign(world, runner)
    first = make_user(world.tenant, world.root, CALLER, username="caller1")
    second = make_user(world.tenant, world.root, CALLER, username="caller2")
    nobody = make_user(world.tenant, world.root, ["outreach.view_campaign"], username="x")
    with pytest.raises(ValidationError):
        services.campaign_assign(actor=runner, campaign=campaign, callers=[nobody])
    assert services.campaign_assign(actor=runner, campaign=campaign,
                                    callers=[first, second]) == 3
    assert list(campaign.tasks.order_by("pk").values_list("caller__username", flat=True)) == [
        "caller1", "caller2", "caller1"]
    theirs = campaign.tasks.get(caller=second)
    with pytest.raises(PermissionDenied):
        services.call_record(actor=first, task=theirs, outcome="connected")
    assert selectors.next_call(first, campaign).caller == first


def test_statistics_by_agent_without_litigation(world, runner):
    good = make_agent(world, "好代理", city="福州市")
    sued = make_agent(world, "被诉代理", city="福州市", status="in_litigation")
    partners = [make_partner(world, f"物业{n}", agent=good if n < 4 else sued)
                for n in range(6)]
    campaign = _campaign(world, runner)
    for partner, outcome in zip(partners, ["connected", "refused", "refused", "no_answer",
                                           "connected", "unreachable"], strict=True):
        services.call_record(actor=runner, task=campaign.tasks.get(partner=partner),
                             outcome=outcome)
    table = selectors.call_statistics(runner, campaign=campaign, exclude_litigation=True)
    assert [(o, c, s) for o, c, s in table.total.cells] == [
        ("connected", 1, 25), ("refused", 2, 50), ("no_answer", 1, 25), ("unreachable", 0, 0)]
    by_agent = selectors.call_statistics(runner, campaign=campaign, group_by="agent")
    assert [(r.label, r.total) for r in by_agent.rows] == [("好代理", 4), ("被诉代理", 2)]


def test_caller_screen_walks_through_the_list(world, runner, signed):
    campaign = _campaign(world, runner)
    caller = make_user(world.tenant, world.root, CALLER, username="caller1")
    services.campaign_assign(actor=runner, campaign=campaign, callers=[caller])
    client = Client()
    client.force_login(caller)
    page = client.get(f"/outreach/campaigns/{campaign.pk}/call/").content.decode()
    assert "签约物业0" in page and "您好，这里是云上城客服" in page and "138 1234 0000" in page
    task = campaign.tasks.get(partner=signed[0])
    client.post(f"/outreach/calls/{task.pk}/", {"outcome": "connected", "note": "已确认邮箱"})
    page = client.get(f"/outreach/campaigns/{campaign.pk}/call/").content.decode()
    assert "签约物业1" in page
    bad = client.post(f"/outreach/calls/{task.pk}/", {"outcome": "connected"}, follow=True)
    assert "This company&#x27;s calls are finished." in bad.content.decode()
    for other in signed[1:]:
        client.post(f"/outreach/calls/{campaign.tasks.get(partner=other).pk}/",
                    {"outcome": "unreachable"})
    page = client.get(f"/outreach/campaigns/{campaign.pk}/call/").content.decode()
    assert "Nothing to call now" in page


def test_campaign_screens_and_statistics_page(world, runner, signed):
    client = Client()
    client.force_login(runner)
    response = client.post("/outreach/campaigns/new/", {
        "org_unit": world.root.pk, "name": "一轮回访", "phase": "第一轮", "source": "signed",
        "script": "开场白", "max_refused": 2, "wait_refused": 72, "max_no_answer": 3,
        "wait_no_answer": 24, "max_unreachable": 1, "wait_unreachable": 0})
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.tasks.count() == 3
    services.call_record(actor=runner, task=campaign.tasks.first(), outcome="refused")
    detail = client.get(f"/outreach/campaigns/{campaign.pk}/").content.decode()
    assert "签约物业0" in detail and 'data-share="refused">100%' in detail
    stats = client.get("/outreach/statistics/", {"campaign": campaign.pk,
                                                 "group_by": "city"}).content.decode()
    assert "福州市" in stats and 'data-count="refused">1' in stats


def test_api_campaign_flow_and_errors(world, runner, signed):
    api = Api(runner)
    response = api.post("/outreach/campaigns", {"org_unit_id": world.root.pk, "name": "API回访",
                                                "source": {"kind": "signed"}})
    assert response.status_code == 201, response.content
    campaign_id = response.json()["id"]
    tasks = api.get("/outreach/call-tasks", {"campaign_id": campaign_id}).json()
    assert tasks["count"] == 3
    task_id = tasks["items"][0]["id"]
    logged = api.post(f"/outreach/call-tasks/{task_id}/attempts", {"outcome": "no_answer"})
    assert logged.status_code == 201
    assert (logged.json()["status"], len(logged.json()["attempt_log"])) == ("retry", 1)
    assert api.post(f"/outreach/call-tasks/{task_id}/attempts",
                    {"outcome": "maybe"}).status_code == 422
    stats = api.get("/outreach/call-statistics", {"campaign_id": campaign_id}).json()
    assert stats["total"]["outcomes"][2] == {"outcome": "no_answer", "count": 1, "share": 100}
    assert stats["campaigns"] == ["API回访"]
    assert api.post(f"/outreach/campaigns/{campaign_id}/assign",
                    {"caller_ids": [999999]}).status_code == 422


def test_other_office_and_tenant_see_no_campaign(world, runner, signed):
    campaign = _campaign(world, runner)
    task = campaign.tasks.first()
    services.call_record(actor=runner, task=task, outcome="connected")
    for user in (make_user(world.tenant, world.branch_b, CAMPAIGNER),
                 make_user(world.other_tenant, world.other_root, CAMPAIGNER)):
        api = Api(user)
        assert api.get(f"/outreach/campaigns/{campaign.pk}").status_code == 404
        assert api.get(f"/outreach/call-tasks/{task.pk}").status_code == 404
        assert api.get("/outreach/call-statistics").json()["total"]["total"] == 0
        assert api.post(f"/outreach/call-tasks/{task.pk}/attempts",
                        {"outcome": "connected"}).status_code == 404
        client = Client()
        client.force_login(user)
        assert client.get(f"/outreach/campaigns/{campaign.pk}/call/").status_code == 404
    assert CallTask.objects.get(pk=task.pk).attempts == 1
