"""Demo stage of partner outreach, in the platform tenant (邻里云平台): about 4,000 property
companies and management offices in 60 cities, 150 agents of mixed statuses (four of them in
litigation), and a completed first callback campaign whose table is the seed's: 3,958
companies (not counting the sued agents' ones) → 707 / 1,466 / 1,094 / 691. Companies and
their contacts go in by bulk insert (with history rows), the calls through the call sheet
writer, so the campaign's tasks and attempts are the state machine's own."""

from __future__ import annotations

import random

from linli.core.audit import insert_with_history
from linli.demo.generator import MOBILE_PREFIXES, DemoContext, register_stage
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.keys import name_keys
from linli.directory.models import Contact, Organization
from linli.outreach import services
from linli.outreach.callsheet import SOURCE_TOTAL, source_outcomes
from linli.outreach.choices import AgentMode, AgentStatus, Qualification, SigningStatus
from linli.outreach.models import Agent, Campaign, Partner

PROVINCES = {
    "浙江省": ["杭州市", "宁波市", "温州市", "嘉兴市", "绍兴市", "金华市", "台州市"],
    "江苏省": ["南京市", "苏州市", "无锡市", "常州市", "南通市", "扬州市", "徐州市"],
    "福建省": ["福州市", "厦门市", "泉州市", "漳州市", "莆田市"],
    "广东省": ["广州市", "深圳市", "佛山市", "东莞市", "珠海市", "中山市", "惠州市"],
    "山东省": ["济南市", "青岛市", "烟台市", "潍坊市", "临沂市"],
    "河南省": ["郑州市", "洛阳市", "新乡市", "南阳市", "开封市"],
    "湖北省": ["武汉市", "宜昌市", "襄阳市", "荆州市"],
    "湖南省": ["长沙市", "株洲市", "湘潭市", "衡阳市"],
    "四川省": ["成都市", "绵阳市", "德阳市", "南充市"],
    "安徽省": ["合肥市", "芜湖市", "蚌埠市", "安庆市"],
    "江西省": ["南昌市", "赣州市", "九江市", "上饶市"],
    "河北省": ["石家庄市", "保定市", "唐山市", "邯郸市"],
}
CITIES = [(province, city) for province, cities in PROVINCES.items() for city in cities][:60]
AGENTS = 150
SUED_AGENTS = 4
SUED_COMPANIES = 42  # the sued agents' companies: called, but outside the seed's table
PROSPECTIVE = 200  # quality and ordinary unsigned companies, not called
# Agent statuses in turn (the first SUED_AGENTS are in litigation).
STATUS_CYCLE = [AgentStatus.OPERATING] * 5 + [AgentStatus.PARTLY_OPERATING] * 2 + [
    AgentStatus.WATCHING] * 2 + [AgentStatus.EXITING, AgentStatus.EXITED]
BRANDS = ["阳光", "明珠", "金桥", "绿城", "华宇", "鑫泰", "中天", "和顺", "嘉禾", "恒信", "瑞丰",
          "同心", "安居", "锦绣", "汇丰", "新城", "宏达", "康桥", "兴业", "永安"]
FIRST_CAMPAIGN = "2016年已签约物业公司回访"
SCRIPT = ("您好，这里是邻里云平台客服部，我们正在回访已签约的物业公司。\n"
          "1. 确认联系人、电话、地址和邮箱是否正确；\n"
          "2. 了解物业管理软件的使用情况和意见；\n"
          "3. 告知我们将每月寄送产品手册和报纸，请确认收件地址。")


def outreach_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["linli"]
    if Agent.objects.filter(tenant=tenant).exists():  # scoped-query-ok: demo setup
        return
    ctx.report.reused = False
    rng = random.Random(ctx.faker.random.random())  # noqa: S311 (demo data, not secrets)
    unit = ctx.units["linli.service"]  # the customer service that calls them back
    agents = _agents(ctx, unit, rng)
    sued = agents[:SUED_AGENTS]
    working = agents[SUED_AGENTS:]
    by_city: dict[str, list[Agent]] = {}
    for agent in working:
        by_city.setdefault(agent.organization.city, []).append(agent)

    plan = []  # (province, city, agent, signing status, called)
    for n in range(SOURCE_TOTAL):
        province, city = CITIES[n % len(CITIES)]
        plan.append((province, city, rng.choice(by_city[city]), SigningStatus.SIGNED, True))
    for n in range(SUED_COMPANIES):
        agent = sued[n % SUED_AGENTS]
        province = next(p for p, c in CITIES if c == agent.organization.city)
        plan.append((province, agent.organization.city, agent, SigningStatus.SIGNED, True))
    for n in range(PROSPECTIVE):
        province, city = CITIES[n % len(CITIES)]
        plan.append((province, city, rng.choice(by_city[city]), SigningStatus.PROSPECTIVE,
                     False))
    partners = _companies(ctx, unit, plan, rng)
    ctx.log(f"  {len(partners)} partner companies, {len(agents)} agents")

    operator = ctx.users["operator"]
    outcomes = source_outcomes() + [rng.choice(["connected", "refused", "no_answer"])
                                    for _ in range(SUED_COMPANIES)]
    called = [p for p, row in zip(partners, plan, strict=True) if row[4]]
    services.call_sheet_write(
        actor=None, tenant=tenant, org_unit=unit,
        rows=[services.SheetRow(campaign=FIRST_CAMPAIGN, phase="第一轮", partner=partner,
                                outcome=outcome) for partner, outcome in zip(
                                    called, outcomes, strict=True)])
    campaign = Campaign.objects.get(tenant=tenant, name=FIRST_CAMPAIGN)  # scoped-query-ok: demo
    campaign.script, campaign.created_by = SCRIPT, operator
    campaign.save(update_fields=["script", "created_by"])
    services.campaign_complete(actor=None, campaign=campaign)
    # The second round: refused and no answer again, shared between the operator and the
    # service desk's caller.
    second = services.campaign_create(
        actor=None, tenant=tenant, org_unit=unit, name="第二轮回访：拒访及无人接听",
        phase="第二轮", script=SCRIPT,
        source={"kind": "campaign", "campaign": campaign.pk,
                "outcomes": ["refused", "no_answer"]})
    services.campaign_assign(actor=None, campaign=second, callers=[operator])
    services.partner_filters_install(tenant=tenant)
    ctx.log(f"  campaigns: {FIRST_CAMPAIGN} (completed), {second.name}")


def _agents(ctx: DemoContext, unit, rng: random.Random) -> list[Agent]:
    agents = []
    for n in range(AGENTS):
        province, city = CITIES[n % len(CITIES)]
        if n < SUED_AGENTS:
            status = AgentStatus.IN_LITIGATION
        elif n < len(CITIES) + SUED_AGENTS:
            # Every city's first working agent operates at least partly, so that each city
            # has an agent for its companies; the rest of the statuses come in turn.
            status = STATUS_CYCLE[n % 7]
        else:
            status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
        agents.append(services.agent_create(
            actor=None, tenant=unit.tenant, org_unit=unit,
            name=f"{city.removesuffix('市')}{rng.choice(BRANDS)}科技{n:03d}", city=city,
            province=province, status=status,
            mode=AgentMode.NON_MALL if n % 3 == 0 else AgentMode.FULL_PLATFORM,
            credit_limit=rng.choice([0, 50000, 100000, 200000]),
            contact_name=ctx.faker.name(), contact_mobile=ctx.faker.phone_number()))
    return agents


def _companies(ctx: DemoContext, unit, plan, rng: random.Random) -> list[Partner]:
    organizations, contacts = [], []
    for n, (province, city, _agent, _status, _called) in enumerate(plan):
        kind = (OrganizationKind.MANAGEMENT_OFFICE if n % 5 == 4
                else OrganizationKind.PROPERTY_COMPANY)
        suffix = "管理处" if kind == OrganizationKind.MANAGEMENT_OFFICE else "物业服务有限公司"
        name = f"{city.removesuffix('市')}{rng.choice(BRANDS)}{n:04d}{suffix}"
        pinyin, initials = name_keys(name, person=False)
        organizations.append(Organization(
            tenant_id=unit.tenant_id, org_unit=unit, kind=kind, name=name, name_pinyin=pinyin,
            name_initials=initials, province=province, city=city,
            address=f"{city}{ctx.faker.street_name()}{rng.randint(1, 999)}号"))
    insert_with_history(Organization, organizations)
    for organization in organizations:
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        contacts.append(Contact(
            tenant_id=unit.tenant_id, org_unit=unit, organization=organization,
            name=ctx.faker.name(), role=ContactRole.PERSON_IN_CHARGE, title="经理",
            mobile=f"+86{mobile}"))
    insert_with_history(Contact, contacts)
    partners = [Partner(
        tenant_id=unit.tenant_id, org_unit=unit, organization=organization,
        signing_status=status, agent=agent,
        qualification=rng.choice(list(Qualification.values)),
        households=rng.randint(200, 12000), occupancy_rate=rng.randint(35, 98))
        for organization, (_p, _c, agent, status, _called) in zip(organizations, plan,
                                                                   strict=True)]
    insert_with_history(Partner, partners)
    return partners


register_stage("outreach", outreach_stage)

# The contact correction and content calendar stage runs after this one.
from linli.demo import outreach_corrections  # noqa: E402, F401
