"""OUT-1 and OUT-4 through the services: registry entries, agents, the status machine, the
hand-over of an agent's companies and the city type."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import events_for
from linli.core.request_context import Channel, acting
from linli.directory.models import Contact, Organization
from linli.outreach import selectors, services
from linli.outreach.choices import CityType
from linli.outreach.models import Agent, Partner
from tests.builders import make_user
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world):
    return make_user(world.tenant, world.root, OPERATOR)


def test_partner_is_a_directory_organisation_with_normalised_contact(world, operator):
    agent = make_agent(world, "闽运代理")
    partner = services.partner_create(
        actor=operator, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="阳光物业", city="福州市", agent=agent, signing_status="signed",
        qualification="grade_1", households=3200, occupancy_rate=Decimal("85.5"),
        contact_name="李四", contact_mobile="138 1234-1234", contact_landline="0591-87654321")
    organization = Organization.objects.get(pk=partner.organization_id)
    assert (organization.kind, organization.city, organization.org_unit_id) == (
        "property_company", "福州市", world.branch_a.pk)
    contact = Contact.objects.get(organization=organization)
    assert (contact.name, contact.mobile, contact.landline) == (
        "李四", "+8613812341234", "+8659187654321")
    assert (partner.agent, partner.org_unit_id, partner.tenant_id) == (
        agent, world.branch_a.pk, world.tenant.pk)


def test_bad_phone_or_quality_values_write_nothing(world, operator):
    with pytest.raises(ValidationError) as caught:
        services.partner_create(actor=operator, tenant=world.tenant, org_unit=world.branch_a,
                                kind="property_company", name="坏电话物业",
                                contact_name="王五", contact_mobile="138abc")
    assert "contact_mobile" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.partner_create(actor=operator, tenant=world.tenant, org_unit=world.branch_a,
                                kind="property_company", name="超额物业",
                                occupancy_rate=Decimal("120"))
    assert "occupancy_rate" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.partner_create(actor=operator, tenant=world.tenant, org_unit=world.branch_a,
                                kind="developer", name="开发商")
    assert not Organization.objects.filter(name__in=["坏电话物业", "超额物业", "开发商"]).exists()
    assert Partner.objects.count() == 0


def test_another_tenants_agent_is_refused(world, operator):
    from tests.builders import make_user as mk

    stranger = mk(world.other_tenant, world.other_root, OPERATOR)
    foreign = services.agent_create(actor=stranger, tenant=world.other_tenant,
                                    org_unit=world.other_root, name="外租户代理")
    with pytest.raises(ValidationError) as caught:
        services.partner_create(actor=operator, tenant=world.tenant, org_unit=world.branch_a,
                                kind="property_company", name="串户物业", agent=foreign)
    assert "agent" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.partner_create(actor=operator, tenant=world.other_tenant,
                                org_unit=world.other_root, kind="property_company", name="越权")


def test_status_machine_allows_listed_moves_only(world, operator):
    agent = make_agent(world, "运营代理")
    services.agent_transition(actor=operator, agent=agent, status="watching", note="停业观望")
    agent.refresh_from_db()
    assert agent.status == "watching"
    services.agent_transition(actor=operator, agent=agent, status="exited")
    with pytest.raises(ValidationError) as caught:
        services.agent_transition(actor=operator, agent=agent, status="watching")
    assert "cannot go from" in caught.value.message_dict["status"][0]
    event = events_for(Agent.objects.get(pk=agent.pk)).filter(
        verb="outreach.agent_status").order_by("pk").first()
    assert (event.old_value, event.new_value, event.note) == ("operating", "watching", "停业观望")


def test_handover_moves_every_company_and_keeps_history(world, operator):
    leaving = make_agent(world, "退出代理", status="exited")
    taker = make_agent(world, "接管代理")
    companies = [make_partner(world, f"物业{i}", agent=leaving) for i in range(3)]
    with acting(operator, Channel.WEB):
        count = services.agent_handover(actor=operator, from_agent=leaving, to_agent=taker,
                                        note="城市2接管")
    assert count == 3
    assert set(Partner.objects.filter(agent=taker).values_list("pk", flat=True)) == {
        p.pk for p in companies}
    last = Partner.objects.get(pk=companies[0].pk).history.order_by("-history_id").first()
    assert (last.agent_id, last.history_user_id, last.history_channel) == (
        taker.pk, operator.pk, "web")
    assert events_for(leaving).filter(verb="outreach.agent_handover").exists()
    assert events_for(taker).filter(verb="outreach.agent_takeover").exists()


def test_handover_to_agent_in_litigation_is_refused_and_changes_nothing(world, operator):
    leaving = make_agent(world, "退出代理", status="exited")
    sued = make_agent(world, "被诉代理", status="in_litigation")
    make_partner(world, "物业甲", agent=leaving)
    with pytest.raises(ValidationError) as caught:
        services.agent_handover(actor=operator, from_agent=leaving, to_agent=sued)
    assert caught.value.message_dict["to_agent"] == [
        "被诉代理 is in litigation with the platform and cannot take over companies."]
    assert Partner.objects.filter(agent=leaving).count() == 1


def test_handover_is_all_or_nothing_when_one_company_is_out_of_reach(world):
    # The operator may change companies of branch A only; one company sits in branch B.
    narrow = make_user(world.tenant, world.branch_a, OPERATOR)
    leaving = make_agent(world, "退出代理", status="exited")
    taker = make_agent(world, "接管代理")
    make_partner(world, "物业A", agent=leaving)
    make_partner(world, "物业B", agent=leaving, unit=world.branch_b)
    with pytest.raises(PermissionDenied):
        services.agent_handover(actor=narrow, from_agent=leaving, to_agent=taker)
    assert Partner.objects.filter(agent=leaving).count() == 2


def test_handover_refuses_an_operating_source(world, operator):
    busy = make_agent(world, "在营代理")
    taker = make_agent(world, "接管代理")
    make_partner(world, "物业甲", agent=busy)
    with pytest.raises(ValidationError) as caught:
        services.agent_handover(actor=operator, from_agent=busy, to_agent=taker)
    assert "from_agent" in caught.value.message_dict


@pytest.mark.parametrize(("statuses", "expected"), [
    (["operating", "operating"], CityType.AGENT_LED),
    (["operating", "watching"], CityType.MIXED),
    (["partly_operating"], CityType.MIXED),
    (["watching", "exited"], CityType.PLATFORM_LED),
    (["in_litigation"], CityType.PLATFORM_LED),
    ([], CityType.PLATFORM_LED),
])
def test_city_type_from_agent_statuses(statuses, expected):
    assert selectors.city_type_for(statuses) == expected


def test_city_rows_count_agents_and_companies(world, operator):
    a = make_agent(world, "甲", city="福州市")
    make_agent(world, "乙", city="福州市", status="watching")
    make_agent(world, "丙", city="厦门市")
    make_partner(world, "物业1", city="福州市", agent=a)
    make_partner(world, "物业2", city="福州市", agent=a, signing_status="prospective")
    make_partner(world, "物业3", city="泉州市")
    rows = {r.city: r for r in selectors.city_rows(operator)}
    assert (rows["福州市"].type, rows["福州市"].agent_count, rows["福州市"].companies,
            rows["福州市"].signed) == (CityType.MIXED, 2, 2, 1)
    assert rows["厦门市"].type == CityType.AGENT_LED
    assert rows["泉州市"].type == CityType.PLATFORM_LED
    assert len(rows["泉州市"].plan) == 3


def test_quality_unsigned_filter(world, operator):
    good = make_partner(world, "优质物业", signing_status="prospective", qualification="grade_1",
                        households=5000, occupancy_rate=Decimal(90))
    make_partner(world, "小物业", signing_status="prospective", qualification="grade_3",
                 households=200, occupancy_rate=Decimal(40))
    make_partner(world, "已签物业", qualification="grade_1", households=5000,
                 occupancy_rate=Decimal(90))
    found = list(selectors.partner_list(operator, {"saved": "quality-unsigned"}))
    assert found == [good]
    # The tenant saves its own thresholds under the same code.
    services.partner_filter_save(actor=operator, tenant=world.tenant, code="quality-unsigned",
                                 name="优质未签约", params={"signing_status": "prospective",
                                                       "households_min": 100})
    assert len(selectors.partner_list(operator, {"saved": "quality-unsigned"})) == 2
    with pytest.raises(ValidationError):
        services.partner_filter_save(actor=operator, tenant=world.tenant, code="x", name="x",
                                     params={"colour": "red"})
