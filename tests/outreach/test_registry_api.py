"""OUT-1 and OUT-4 over the API: /api/v1/outreach/partners, agents, cities, filters."""

import pytest

from linli.outreach.models import Partner
from tests.builders import make_user
from tests.directory.test_organizations_api import Api
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    return Api(make_user(world.tenant, world.root, OPERATOR))


def test_create_list_filter_and_patch_partners(world, api):
    agent = make_agent(world, "闽运代理")
    response = api.post("/outreach/partners", {
        "org_unit_id": world.branch_a.pk, "name": "阳光物业", "city": "福州市",
        "signing_status": "prospective", "agent_id": agent.pk, "qualification": "grade_1",
        "households": 4000, "occupancy_rate": "88.5", "contact_name": "李四",
        "contact_mobile": "13812341234"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["agent"]["name"], body["occupancy_rate"]) == (
        "阳光物业", "闽运代理", "88.50")
    listed = api.get("/outreach/partners", {"saved": "quality-unsigned"}).json()
    assert [row["name"] for row in listed["items"]] == ["阳光物业"]
    patched = api.patch(f"/outreach/partners/{body['id']}", {"signing_status": "signed",
                                                            "agent_id": None})
    assert patched.status_code == 200
    assert (patched.json()["signing_status"], patched.json()["agent"]) == ("signed", None)
    assert api.get("/outreach/partners", {"saved": "quality-unsigned"}).json()["count"] == 0


def test_bad_input_gives_field_errors_and_writes_nothing(world, api):
    response = api.post("/outreach/partners", {
        "org_unit_id": world.branch_a.pk, "name": "坏物业", "contact_name": "王五",
        "contact_mobile": "not-a-phone"})
    assert response.status_code == 422
    assert "contact_mobile" in response.json()["fields"]
    response = api.post("/outreach/partners", {
        "org_unit_id": world.branch_a.pk, "name": "坏物业", "occupancy_rate": 150})
    assert response.status_code == 422
    response = api.post("/outreach/partners", {
        "org_unit_id": world.branch_a.pk, "name": "坏物业", "agent_id": 999999})
    assert response.json()["fields"] == {"agent_id": ["Choose an agent you can see."]}
    assert not Partner.objects.exists()


def test_agents_status_handover_and_cities(world, api):
    leaving = make_agent(world, "退出代理", city="厦门市")
    taker = make_agent(world, "接管代理", city="厦门市")
    sued = make_agent(world, "被诉代理", city="厦门市", status="in_litigation")
    make_partner(world, "物业甲", city="厦门市", agent=leaving)
    cities = api.get("/outreach/cities").json()
    assert [(c["city"], c["type"]) for c in cities] == [("厦门市", 2)]
    response = api.post(f"/outreach/agents/{leaving.pk}/status", {"status": "exited"})
    assert response.status_code == 422
    assert "status" in response.json()["fields"]
    for status in ("watching", "exited"):
        assert api.post(f"/outreach/agents/{leaving.pk}/status",
                        {"status": status}).status_code == 200
    refused = api.post(f"/outreach/agents/{leaving.pk}/handover", {"to_agent_id": sued.pk})
    assert refused.status_code == 422
    assert refused.json()["fields"]["to_agent_id"] == [
        "被诉代理 is in litigation with the platform and cannot take over companies."]
    done = api.post(f"/outreach/agents/{leaving.pk}/handover", {"to_agent_id": taker.pk})
    assert done.json() == {"companies": 1}
    agent = api.get(f"/outreach/agents/{taker.pk}").json()
    assert (agent["company_count"], agent["signed_count"]) == (1, 1)
    city = api.get("/outreach/cities", {"city": "厦门市"}).json()[0]
    assert (city["type"], city["agents"], city["companies"]) == (2, 3, 1)
    assert len(city["plan"]) == 3


def test_out_of_scope_records_are_404_and_invisible(world):
    mine = make_partner(world, "本分公司物业")
    agent = make_agent(world, "本分公司代理")
    sibling = Api(make_user(world.tenant, world.branch_b, OPERATOR))
    stranger = Api(make_user(world.other_tenant, world.other_root, OPERATOR))
    for client in (sibling, stranger):
        assert client.get(f"/outreach/partners/{mine.pk}").status_code == 404
        assert client.get(f"/outreach/agents/{agent.pk}").status_code == 404
        assert client.get("/outreach/partners").json()["count"] == 0
        assert client.get("/outreach/cities").json() == []
        assert client.patch(f"/outreach/partners/{mine.pk}",
                            {"signing_status": "signed"}).status_code == 404
        assert client.post(f"/outreach/agents/{agent.pk}/status",
                           {"status": "watching"}).status_code == 404


def test_saved_filter_api(world, api):
    response = api.post("/outreach/filters", {"code": "big", "name": "大物业",
                                              "params": {"households_min": 10000}})
    assert response.status_code == 201
    codes = [f["code"] for f in api.get("/outreach/filters").json()]
    assert codes == ["quality-unsigned", "big"]
    bad = api.post("/outreach/filters", {"code": "bad", "name": "x", "params": {"x": 1}})
    assert bad.status_code == 422
    assert "params" in bad.json()["fields"]
