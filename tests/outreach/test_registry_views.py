"""OUT-1 and OUT-4 on screen: registry list and detail, agent page with status and hand-over,
cities by type with the promotion plan; Chinese labels; out of scope is a 404."""

import pytest
from django.test import Client

from linli.outreach.models import Partner
from tests.builders import make_user
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def operator(world):
    return make_user(world.tenant, world.root, OPERATOR)


def test_partner_screens(world, operator):
    client = _client(operator)
    agent = make_agent(world, "闽运代理")
    page = client.get("/outreach/partners/")
    assert "No partner companies match these filters." in page.content.decode()
    response = client.post("/outreach/partners/new/", {
        "org_unit": world.branch_a.pk, "kind": "property_company", "name": "阳光物业",
        "city": "福州市", "signing_status": "signed", "agent": agent.pk,
        "qualification": "grade_2", "households": "1200", "occupancy_rate": "75",
        "contact_name": "李四", "contact_mobile": "13812341234"})
    partner = Partner.objects.get()
    assert response.status_code == 302
    detail = client.get(f"/outreach/partners/{partner.pk}/").content.decode()
    assert "阳光物业" in detail and "138 1234 1234" in detail and "闽运代理" in detail
    listing = client.get("/outreach/partners/", {"city": "福州市"}).content.decode()
    assert "阳光物业" in listing
    bad = client.post(f"/outreach/partners/{partner.pk}/edit/", {
        "signing_status": "signed", "qualification": "grade_2", "occupancy_rate": "101"})
    assert bad.status_code == 200 and "occupancy_rate" in bad.content.decode()


def test_agent_page_handover_refused_to_litigation_then_done(world, operator):
    client = _client(operator)
    leaving = make_agent(world, "退出代理", status="exited")
    sued = make_agent(world, "被诉代理", status="in_litigation")
    taker = make_agent(world, "接管代理")
    make_partner(world, "物业甲", agent=leaving)
    page = client.get(f"/outreach/agents/{leaving.pk}/").content.decode()
    assert "Hand over" in page and "物业甲" in page
    refused = client.post(f"/outreach/agents/{leaving.pk}/handover/", {"to_agent": sued.pk},
                          follow=True).content.decode()
    assert "被诉代理 is in litigation with the platform" in refused
    client.post(f"/outreach/agents/{leaving.pk}/handover/", {"to_agent": taker.pk})
    assert Partner.objects.get().agent_id == taker.pk


def test_city_table_and_city_page_in_chinese(world, operator):
    client = _client(operator)
    client.cookies["django_language"] = "zh-hans"
    make_agent(world, "甲代理", city="福州市")
    make_agent(world, "乙代理", city="福州市", status="watching")
    table = client.get("/outreach/cities/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "福州市" in table
    page = client.get("/outreach/cities/福州市/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "推广方案" in text and "甲代理" in text
    assert client.get("/outreach/cities/无此城/").status_code == 404


def test_other_office_sees_nothing(world):
    partner = make_partner(world, "机密物业")
    agent = make_agent(world, "机密代理", city="机密城")
    sibling = _client(make_user(world.tenant, world.branch_b, OPERATOR))
    assert sibling.get(f"/outreach/partners/{partner.pk}/").status_code == 404
    assert sibling.get(f"/outreach/agents/{agent.pk}/").status_code == 404
    assert sibling.get("/outreach/cities/机密城/").status_code == 404
    assert "机密代理" not in sibling.get("/outreach/agents/").content.decode()
    assert sibling.post(f"/outreach/agents/{agent.pk}/status/",
                        {"status": "watching"}).status_code == 404


def test_opted_out_ticked_on_creation_is_kept(world, operator):
    client = _client(operator)
    response = client.post("/outreach/partners/new/", {
        "org_unit": world.branch_a.pk, "kind": "property_company", "name": "拒收物业",
        "signing_status": "prospective", "qualification": "none", "opted_out": "on"})
    assert response.status_code == 302
    assert Partner.objects.get().opted_out is True
