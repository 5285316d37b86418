"""OUT-8 content calendar (entries, status machine, month screen, API) and two gaps of the
outreach screens: call statistics filtered by city and agent, saved filters kept on a
screen."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from linli.outreach import selectors, services
from linli.outreach.models import ContentItem, PartnerFilter
from tests.builders import make_user
from tests.directory.test_organizations_api import Api
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db

EDITOR = ["outreach.view_contentitem", "outreach.add_contentitem", "outreach.change_contentitem",
          "accounts.view_user"]


@pytest.fixture
def editor(world):
    return make_user(world.tenant, world.root, EDITOR, username="editor")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _plan(world, editor, title="云上城如何帮物业公司转型", day=dt.date(2026, 3, 13), **fields):
    return services.content_create(actor=editor, tenant=world.tenant, org_unit=world.root,
                                   title=title, kind=fields.pop("kind", "article"),
                                   channel=fields.pop("channel", "wechat"), planned_on=day,
                                   topic=fields.pop("topic", "物业转型"),
                                   owner=fields.pop("owner", editor), **fields)


def test_status_moves_in_order_only(world, editor):
    item = _plan(world, editor)
    assert item.status == "planned"
    with pytest.raises(ValidationError) as exc:
        services.content_transition(actor=editor, item=item, status="published")
    assert exc.value.message_dict == {"status": [
        "An entry cannot go from “Planned” to “Published”."]}
    for status in ("drafted", "reviewed", "published"):
        item = services.content_transition(actor=editor, item=item, status=status)
    assert (item.status, item.published_on is not None) == ("published", True)
    with pytest.raises(ValidationError) as exc:
        services.content_transition(actor=editor, item=item, status="drafted")
    assert exc.value.message_dict == {"status": [
        "An entry cannot go from “Published” to “Drafted”."]}


def test_bad_entries_are_refused(world, editor):
    with pytest.raises(ValidationError) as exc:
        _plan(world, editor, kind="poster", channel="tv")
    assert exc.value.message_dict == {
        "kind": ["Choose article, handbook issue, newspaper issue or video."],
        "channel": ["Choose a channel from the list."]}
    outsider = make_user(world.other_tenant, world.other_root, EDITOR)
    with pytest.raises(ValidationError) as exc:
        _plan(world, editor, owner=outsider)
    assert exc.value.message_dict == {"owner": ["Choose an owner of your own organisation."]}
    assert not ContentItem.objects.exists()


def test_month_screen_filters_and_detail(world, editor):
    _plan(world, editor)
    _plan(world, editor, title="智慧小区案例", kind="video", channel="website",
          day=dt.date(2026, 3, 20))
    _plan(world, editor, title="四月手册", kind="handbook_issue", channel="paper",
          day=dt.date(2026, 4, 10))
    client = _client(editor)
    march = client.get("/outreach/content/", {"month": "2026-03"}).content.decode()
    assert "云上城如何帮物业公司转型" in march and "智慧小区案例" in march
    assert "四月手册" not in march
    videos = client.get("/outreach/content/", {"month": "2026-03", "kind": "video"})
    assert "云上城如何帮物业公司转型" not in videos.content.decode()
    bad = client.get("/outreach/content/", {"month": "March"})
    assert bad.status_code == 200
    item = ContentItem.objects.get(title="智慧小区案例")
    response = client.post(f"/outreach/content/{item.pk}/status/", {"status": "drafted"})
    assert response.status_code == 302
    detail = client.get(f"/outreach/content/{item.pk}/").content.decode()
    assert "Drafted" in detail


def test_content_api(world, editor):
    api = Api(editor)
    response = api.post("/outreach/content", {
        "org_unit_id": world.root.pk, "title": "物业管理软件功能分析", "kind": "article",
        "channel": "email", "planned_on": "2026-03-13", "topic": "产品", "owner_id": editor.pk})
    assert response.status_code == 201, response.content
    item_id = response.json()["id"]
    bad = api.post("/outreach/content", {
        "org_unit_id": world.root.pk, "title": "x", "kind": "poster", "channel": "email",
        "planned_on": "2026-03-13"})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"kind": [
        "Choose article, handbook issue, newspaper issue or video."]}
    moved = api.post(f"/outreach/content/{item_id}/status", {"status": "reviewed"})
    assert moved.status_code == 422
    patched = api.patch(f"/outreach/content/{item_id}", {"planned_on": "2026-03-16"})
    assert patched.json()["planned_on"] == "2026-03-16"
    listed = api.get("/outreach/content", {"month": "2026-03-01"}).json()
    assert [row["title"] for row in listed["items"]] == ["物业管理软件功能分析"]
    other = Api(make_user(world.other_tenant, world.other_root, EDITOR))
    assert other.get(f"/outreach/content/{item_id}").status_code == 404
    assert other.get("/outreach/content").json()["count"] == 0


# --- statistics filtered by city and agent ------------------------------------------------------

def test_statistics_screen_filters_by_city_and_agent(world):
    runner = make_user(world.tenant, world.root, [
        *OPERATOR, "outreach.view_campaign", "outreach.add_campaign", "outreach.view_calltask",
        "outreach.call_calltask"])
    north, south = make_agent(world, "北代理", city="福州市"), make_agent(world, "南代理",
                                                                       city="厦门市")
    companies = [make_partner(world, "福州物业", city="福州市", agent=north),
                 make_partner(world, "厦门物业", city="厦门市", agent=south)]
    campaign = services.campaign_create(actor=runner, tenant=world.tenant, org_unit=world.root,
                                        name="回访")
    for partner, outcome in zip(companies, ("connected", "refused"), strict=True):
        services.call_record(actor=runner, task=campaign.tasks.get(partner=partner),
                             outcome=outcome)
    client = _client(runner)
    by_city = client.get("/outreach/statistics/", {"city": "厦门市"})
    assert by_city.context["table"].total.counts == {"refused": 1}
    by_agent = client.get("/outreach/statistics/", {"agent": north.pk})
    assert by_agent.context["table"].total.counts == {"connected": 1}
    assert "北代理" in by_agent.content.decode()


# --- saved filters on a screen ------------------------------------------------------------------

def test_saved_filters_are_edited_on_a_screen(world):
    admin = make_user(world.tenant, world.root, [*OPERATOR, "outreach.delete_partnerfilter"])
    client = _client(admin)
    page = client.get("/outreach/filters/").content.decode()
    assert "Quality unsigned" in page
    response = client.post("/outreach/filters/quality-unsigned/edit/", {
        "code": "ignored", "name": "优质未签约", "signing_status": "prospective",
        "qualifications": ["grade_1"], "households_min": "500", "exclude_opted_out": "on"})
    assert response.status_code == 302
    saved = PartnerFilter.objects.get()
    assert (saved.code, saved.name, saved.params) == ("quality-unsigned", "优质未签约", {
        "signing_status": "prospective", "qualifications": ["grade_1"], "households_min": 500,
        "exclude_opted_out": True})
    response = client.post("/outreach/filters/new/", {"code": "big", "name": "大物业",
                                                      "households_min": "5000"})
    assert response.status_code == 302
    assert selectors.saved_filter_params(admin, "big") == {"households_min": 5000}
    bad = client.post("/outreach/filters/new/", {"code": "Bad Code!", "name": "x"})
    assert bad.status_code == 200 and "code" in bad.context["form"].errors
    client.post("/outreach/filters/big/delete/")
    assert not PartnerFilter.objects.filter(code="big").exists()
    assert client.get("/outreach/filters/none-such/edit/").status_code == 404
    viewer = make_user(world.tenant, world.root, ["outreach.view_partnerfilter"])
    assert _client(viewer).get("/outreach/filters/big/edit/").status_code == 403
