"""The data the query budgets are measured on: tenant A's service desk (tests/servicedesk
``make_desk``) plus batches of everything a list or detail page shows.

``Estate.grow()`` adds one batch, made through the real services: a new community with a
building, sections, units, a layout and a housekeeper zone; a new building in the hero
community; people with two phones, unit relations (current and ended) and family; organisations
with branches and contacts; work orders in every state the screens show (routed and assigned,
waiting, resolved with a callback due, a retry, a complaint, an unrouted order in the dispatcher
queue, a quarantined one), contact-log entries, an org unit with a user and a role, and a job,
an import run, messages, an access-log row and a calendar override.

Every batch also adds to the *hero* records whose detail pages are measured: the hero person
gets another unit, family tie and orders, the hero unit another resident and orders, the hero
community another building, the hero building another floor, the hero organisation another
branch and contact, the hero order another wait-and-resume (events, history, clock pauses),
the reworked order another rework. So a page measured after three
batches shows about three times the rows of the same page after one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import Permission

from linli.accounts import services as accounts
from linli.accounts.models import User
from linli.core.calendar.models import CalendarDay, PlatformCalendarDay
from linli.core.exchange.models import ImportRun
from linli.core.jobs.models import JobRun
from linli.core.notifications.models import Message
from linli.core.personal_data.services import access_log_write
from linli.directory.models import Building, Community, Organization, Person, Unit, Zone
from linli.directory.services import organizations as organization_services
from linli.directory.services import people as people_services
from linli.directory.services import property as property_services
from linli.servicedesk import services as desk_services
from linli.servicedesk.models import KnowledgeArticle, KnowledgeCategory, WorkOrder
from tests.builders import make_role, make_unit, make_user
from tests.directory.builders import make_building, make_community, make_person, make_units
from tests.sales.builders import BudgetSales, grow_budget_sales, make_budget_sales
from tests.servicedesk.builders import MANAGER, Desk, make_desk, signature_png, small_jpeg

# What the desk's own staff may do, on top of seeing every record of the tenant.
DESK_WORK = [*MANAGER, "servicedesk.work_workorder", "servicedesk.report_workorder"]


def all_view_permissions() -> list[str]:
    """Every view_ and reveal_ permission: the viewer sees each page in full."""
    return [f"{p.content_type.app_label}.{p.codename}"
            for p in Permission.objects.select_related("content_type")
            if p.codename.startswith(("view_", "reveal_"))]


@dataclass
class Estate:
    desk: Desk
    viewer: User  # holds every view permission and the desk's work at tenant A's root
    admin: User  # a platform administrator (superuser) of tenant A
    hero_person: Person
    hero_unit: Unit
    hero_community: Community
    hero_building: Building
    hero_zone: Zone
    hero_organization: Organization
    hero_order: WorkOrder
    reworked_order: WorkOrder  # reworked once more with every batch
    hero_article: KnowledgeArticle  # edited once more with every batch (its versions grow)
    sales: BudgetSales | None = None  # the hero project, unit, price list and quote of sales
    batches: int = 0
    tokens: dict[int, str] = field(default_factory=dict)

    @property
    def world(self):
        return self.desk.world

    @property
    def technician(self) -> User:
        return self.desk.technician

    @property
    def frontdesk(self) -> User:
        return self.desk.frontdesk

    @property
    def sales_rep(self) -> User:
        """The rep who owns the hero opportunity of sales."""
        return self.sales.rep

    def token_for(self, user: User) -> str:
        """A bearer key of ``user`` (one per user, made on first use)."""
        if user.pk not in self.tokens:
            _token, self.tokens[user.pk] = accounts.api_token_create(
                actor=user, user=user, name="budgets")
        return self.tokens[user.pk]

    def grow(self, batches: int = 1) -> None:
        for _ in range(batches):
            self.batches += 1
            _batch(self, self.batches)


def make_estate(world) -> Estate:
    """The service desk of ``world`` with the viewer, the administrator and the hero records;
    no batch yet (``Estate.grow`` adds them)."""
    desk = make_desk(world)
    viewer = make_user(world.tenant, world.root, [*all_view_permissions(), *DESK_WORK],
                       username="budget.viewer", display_name="预算查看")
    admin = make_user(world.tenant, world.root, superuser=True, username="budget.admin")
    hero_community = desk.community
    hero_building = desk.unit.building
    hero_zone = property_services.zone_save(
        actor=None, community=hero_community, name="一区", housekeeper=desk.frontdesk,
        buildings=[hero_building])
    hero_organization = organization_services.organization_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="锦华物业集团")
    hero_order = desk_services.work_order_create(
        actor=desk.frontdesk, community=hero_community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        caller_phone="13812341502", summary="主卧天花板渗水", urgency="high", impact="medium")
    desk_services.work_order_assign(hero_order, actor=desk.supervisor, handler=desk.technician)
    desk_services.work_order_accept(hero_order, actor=desk.technician)
    desk_services.signature_capture(hero_order, actor=desk.technician, signer_name="王建国",
                                    image=signature_png())
    reworked_order = desk_services.work_order_create(
        actor=desk.frontdesk, community=hero_community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="卫生间反复漏水", urgency="high", impact="medium")
    desk_services.work_order_assign(reworked_order, actor=desk.supervisor,
                                    handler=desk.technician)
    desk_services.work_order_resolve(reworked_order, actor=desk.technician,
                                     resolution="更换密封圈")
    hero_article = desk_services.knowledge_article_create(
        actor=desk.frontdesk, tenant=world.tenant, title="装修押金什么时候退",
        body="竣工验收合格后 30 日内退还。", keywords="装修 押金",
        category=KnowledgeCategory.objects.get(tenant=world.tenant, code="renovation"),
        all_communities=False, communities=[hero_community])
    desk_services.knowledge_article_publish(hero_article, actor=desk.manager)
    return Estate(desk=desk, viewer=viewer, admin=admin, hero_person=desk.owner,
                  hero_unit=desk.unit, hero_community=hero_community, hero_building=hero_building,
                  hero_zone=hero_zone, hero_organization=hero_organization,
                  hero_order=hero_order, reworked_order=reworked_order,
                  hero_article=hero_article, sales=make_budget_sales(world))


def _batch(estate: Estate, k: int) -> None:
    world, desk = estate.world, estate.desk
    tenant = world.tenant

    # --- property: a new community, and a new building in the hero community -------------
    community = make_community(world, f"第{k}小区", city="杭州" if k % 2 else "宁波")
    building = make_building(community, "1", floors=2, sections=2)
    layout = property_services.layout_save(actor=None, community=community, name=f"户型{k}",
                                           bedrooms=3, living_rooms=2, bathrooms=2)
    units = make_units(building, units_per_floor=2, layout=layout)
    property_services.zone_save(actor=None, community=community, name=f"片区{k}",
                                housekeeper=desk.frontdesk, buildings=[building])
    # Another floor of the hero building, whose unit grid grows by two owned units.
    section_1, section_2 = estate.hero_building.sections.order_by("number")
    floor_units = [property_services.unit_create(actor=None, building=estate.hero_building,
                                                 floor=k, number=f"{k}0{n}", section=section)
                   for n, section in ((1, section_1), (2, section_2))]
    extra = make_building(estate.hero_community, str(20 + k), floors=2, sections=1)
    hero_units = make_units(extra, units_per_floor=2)
    property_services.zone_save(actor=None, community=estate.hero_community,
                                zone=estate.hero_zone, name=estate.hero_zone.name,
                                housekeeper=desk.frontdesk,
                                buildings=[*estate.hero_zone.buildings.all(), extra])

    # Edits of the hero records: their history tabs grow by a row each.
    property_services.community_update(actor=None, community=estate.hero_community,
                                       property_phone=f"0571-8800000{k}")
    property_services.unit_update(actor=None, unit=estate.hero_unit,
                                  decoration_status=("renovating", "furnished")[k % 2])

    # --- people ---------------------------------------------------------------------------
    owner = make_person(world, f"业主{k}", phones=[f"1391000{k:04d}", f"1392000{k:04d}"],
                        tags=["VIP"], occupation="教师", household_size=3)
    renter = make_person(world, f"租户{k}", phones=[f"1393000{k:04d}", f"1394000{k:04d}"],
                         occupation="工程师")
    # A namesake with the owner's phone: the duplicates lists grow too.
    make_person(world, f"业主{k}", phones=[f"1391000{k:04d}"])
    relate = people_services.unit_relation_add
    relate(actor=None, person=owner, unit=units[0], role="owner")
    relate(actor=None, person=renter, unit=units[0], role="renter")
    relate(actor=None, person=owner, unit=hero_units[0], role="co_owner")
    relate(actor=None, person=estate.hero_person, unit=hero_units[1], role="owner",
           start_date=dt.date(2020, 1, k))
    past = relate(actor=None, person=estate.hero_person, unit=units[1], role="renter",
                  start_date=dt.date(2019, 1, k))
    people_services.unit_relation_end(actor=None, relation=past, end_date=dt.date(2019, 12, k))
    relate(actor=None, person=renter, unit=estate.hero_unit, role="resident")
    relate(actor=None, person=owner, unit=floor_units[0], role="owner")
    relate(actor=None, person=renter, unit=floor_units[1], role="owner")
    people_services.family_relation_add(actor=None, person=renter, relative=owner,
                                        kind="sibling")
    people_services.family_relation_add(actor=None, person=owner,
                                        relative=estate.hero_person, kind="child")
    people_services.person_update(actor=None, person=estate.hero_person, notes=f"第{k}次来电")

    # --- organisations --------------------------------------------------------------------
    create_org = organization_services.organization_create
    developer = create_org(actor=None, tenant=tenant, org_unit=world.branch_a,
                           kind="developer", name=f"开发商{k}", city="杭州")
    create_org(actor=None, tenant=tenant, org_unit=world.branch_a, kind="developer",
               name=f"开发商{k}", city="杭州")  # a namesake in the same city
    office = create_org(actor=None, tenant=tenant, org_unit=world.branch_a,
                        kind="management_office", name=f"管理处{k}",
                        parent=estate.hero_organization)
    for organization in (developer, office, estate.hero_organization):
        organization_services.contact_add(actor=None, organization=organization,
                                          name=f"联系人{k}", mobile=f"1395000{k:04d}",
                                          person=owner)
    property_services.community_update(actor=None, community=community, developer=developer,
                                       property_company=estate.hero_organization,
                                       management_office=office)

    # --- the service desk -----------------------------------------------------------------
    leak = desk.category("漏水")

    def order(**fields) -> WorkOrder:
        defaults = {"actor": desk.frontdesk, "community": estate.hero_community,
                    "order_type": "repair", "category": leak, "unit": hero_units[0],
                    "person": owner, "caller_phone": f"1391000{k:04d}",
                    "summary": f"漏水{k}", "urgency": "high", "impact": "medium"}
        return desk_services.work_order_create(**{**defaults, **fields})

    call = desk_services.contact_log_create(
        actor=desk.frontdesk, content=f"来电报修{k}", community=estate.hero_community,
        unit=hero_units[0], person=owner, caller_name=owner.name,
        caller_phone=f"1391000{k:04d}")
    assigned = order(contact_log=call)
    desk_services.work_order_assign(assigned, actor=desk.supervisor, handler=desk.technician)
    resolved = order(summary=f"停水{k}", person=estate.hero_person, unit=estate.hero_unit)
    desk_services.work_order_assign(resolved, actor=desk.supervisor, handler=desk.technician)
    desk_services.work_order_accept(resolved, actor=desk.technician)
    desk_services.work_order_resolve(resolved, actor=desk.technician, resolution="已修复")
    called = order(summary=f"门窗{k}", person=estate.hero_person, unit=estate.hero_unit)
    desk_services.work_order_assign(called, actor=desk.supervisor, handler=desk.plumber)
    desk_services.work_order_accept(called, actor=desk.plumber)
    desk_services.work_order_resolve(called, actor=desk.plumber, resolution="已更换")
    desk_services.work_order_callback(called, actor=desk.frontdesk, outcome="no_answer")
    # For the reports: a satisfied callback whose score differs per batch (4, 5, 3), and a
    # complaint of the hero person each batch (a repeat complainant from the second on).
    rated = order(summary=f"灯具{k}", person=estate.hero_person, unit=estate.hero_unit)
    desk_services.work_order_assign(rated, actor=desk.supervisor, handler=desk.plumber)
    desk_services.work_order_accept(rated, actor=desk.plumber)
    desk_services.work_order_resolve(rated, actor=desk.plumber, resolution="已更换")
    desk_services.work_order_callback(rated, actor=desk.frontdesk, outcome="done",
                                      satisfaction=3 + k % 3)
    order(order_type="complaint", category=desk.category("服务态度"), summary=f"再投诉{k}",
          person=estate.hero_person, unit=estate.hero_unit, severity="minor",
          complaint_subject="property_service")
    order(order_type="complaint", category=desk.category("服务态度"),
          summary=f"投诉{k}", severity="minor", complaint_subject="property_service")
    order(order_type="consultation", category=None, area="public_facility", unit=None,
          person=None, caller_name=f"路人{k}", summary=f"咨询{k}")  # no rule: the queue
    # From the app, nobody identified: quarantine, where the desk is offered the people with
    # the caller's phone or name.
    order(channel="app", person=None, caller_name=owner.name, summary=f"app报修{k}")
    desk_services.contact_log_create(
        actor=desk.frontdesk, content=f"来访{k}", direction="inbound", channel="visit",
        community=community, unit=units[0], person=renter, caller_name=renter.name)
    reworked = estate.reworked_order
    last = reworked.reworks.order_by("-pk").first()
    if last is not None:  # the last rework is done, which closes the order it reworks
        desk_services.work_order_resolve(last, actor=None, resolution=f"返工{k - 1}完成")
        desk_services.work_order_close(last, actor=None)
        reworked.refresh_from_db()
    desk_services.work_order_rework(reworked, actor=None, reason=f"业主又来电{k}")
    hero = estate.hero_order
    desk_services.work_order_wait(hero, actor=desk.technician, waiting_on="customer",
                                  reason=f"等业主在家{k}")
    desk_services.work_order_resume(hero, actor=desk.technician, note=f"业主在家{k}")
    # The field record grows: a photo and a material more with every batch.
    desk_services.photo_add(hero, actor=desk.technician, stage="before", upload=small_jpeg())
    desk_services.material_add(hero, actor=desk.technician, name=f"接头{k}", quantity=k)

    # The knowledge base: two articles more on two shelves (one for the new community only),
    # a consultation answered with each, and another version of the hero article.
    for code, title, places in (("renovation", f"装修第{k}问：押金", []),
                                ("parking-cards", f"停车第{k}问：月卡", [community])):
        article = desk_services.knowledge_article_create(
            actor=desk.frontdesk, tenant=tenant, title=title, body=f"装修押金与停车月卡第{k}条答复",
            keywords="装修 押金 停车",
            category=KnowledgeCategory.objects.get(tenant=tenant, code=code),
            all_communities=not places, communities=places)
        desk_services.knowledge_article_publish(article, actor=desk.manager)
        asked = order(order_type="consultation", category=None, area="public_area",
                      community=places[0] if places else estate.hero_community, unit=None,
                      person=None, caller_name=f"咨询人{k}", summary=f"{title}？")
        desk_services.work_order_answer(asked, actor=desk.frontdesk, article=article)
    hero_article = estate.hero_article
    desk_services.knowledge_article_update(
        hero_article, actor=desk.manager, title=hero_article.title,
        body=f"{hero_article.body}\n第{k}次补充。", category=hero_article.category,
        keywords=hero_article.keywords, all_communities=False,
        communities=[estate.hero_community], note=f"补充{k}")

    # The desk's configuration: a service level, a routing rule and a category more.
    level = desk_services.service_level_save(
        actor=None, tenant=tenant, code=f"budget-{k}", name=f"建议{k}", order_type="suggestion",
        clocks=[("response", Decimal("2"), "business_hours"),
                ("resolution", Decimal("3"), "working_days")])
    desk_services.routing_rule_save(actor=None, tenant=tenant,
                                    department=desk.departments["service"],
                                    order_type="suggestion",
                                    community=community, note=f"建议{k} → 客服部")
    desk_services.category_save(actor=None, tenant=tenant, order_type="repair",
                                parent=leak.parent, name=f"水管{k}", service_level=level,
                                default_department=desk.departments["engineering"])

    # --- partner outreach -----------------------------------------------------------------
    _outreach_batch(estate, k)
    # --- sales ----------------------------------------------------------------------------
    grow_budget_sales(world, estate.sales, k)

    # --- accounts -------------------------------------------------------------------------
    # A team of the hero order's own office: its dispatch and transfer forms list one more.
    make_unit(desk.departments["engineering"], f"维修{k}组", kind="team")
    team = make_unit(world.branch_b, f"项目组{k}", kind="team")
    make_user(tenant, team, ["directory.view_person", "servicedesk.view_workorder"],
              username=f"budget.member{k}", display_name=f"组员{k}", mobile=f"1396000{k:04d}")
    make_role(tenant, ["directory.view_unit", "directory.change_unit", "accounts.view_user"])
    accounts.membership_add(actor=None, user=desk.technician, org_unit=team,
                            role=make_role(tenant, ["servicedesk.view_workorder"]))

    # --- the platform's own lists ---------------------------------------------------------
    viewer = estate.viewer
    JobRun.objects.create(tenant=tenant, kind="export", label=f"导出{k}", task="linli.test",
                          requested_by=viewer)
    ImportRun.objects.create(tenant=tenant, definition="users", original_name=f"名单{k}.xlsx",
                             uploaded_by=viewer, status="validated")
    for channel, address in (("in_app", ""), ("sms", f"+86139700{k:05d}")):
        Message.objects.create(tenant=tenant, recipient=viewer, channel=channel,
                               address=address, event="test.budget", language="en",
                               subject=f"通知{k}", body="正文", status="sent")
    access_log_write(actor=viewer, action="export", label=f"导出名单{k}")
    CalendarDay.objects.create(tenant=tenant, date=dt.date(2030, 1, k), kind="holiday",
                               note=f"假日{k}")
    PlatformCalendarDay.objects.create(date=dt.date(2030, 2, k), kind="holiday",
                                       note=f"平台假日{k}")


def _outreach_batch(estate: Estate, k: int) -> None:
    """Two agents in a new city (one operating, one exited) with two companies each, a company
    more for the first agent (whose page is measured) and a saved filter."""
    from linli.outreach import services as outreach
    from linli.outreach.models import Agent

    world = estate.world
    first = Agent.objects.filter(tenant=world.tenant).order_by("pk").first()
    agents = [outreach.agent_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                                    name=f"代理{k}{status}", city=f"城市{k}", status=status,
                                    contact_name=f"代理人{k}", contact_mobile=f"1397000{k:04d}")
              for status in ("operating", "exited")]
    for agent in [*agents, first or agents[0]]:
        for n in range(2):
            outreach.partner_create(
                actor=None, tenant=world.tenant, org_unit=world.branch_a,
                kind="property_company", name=f"{agent.organization.name}物业{n}",
                city=f"城市{k}", agent=agent, signing_status=("signed", "prospective")[n],
                qualification="grade_1", households=2000 + k, occupancy_rate=80,
                contact_name=f"经理{k}{n}", contact_mobile=f"1398{k:03d}{n:04d}")
    outreach.partner_filter_save(actor=None, tenant=world.tenant, code=f"filter-{k}",
                                 name=f"筛选{k}", params={"households_min": k})
    # A callback campaign of every signed company, four of them called (one each outcome).
    campaign = outreach.campaign_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                                        name=f"回访{k}", phase=f"第{k}轮", script="您好",
                                        source={"kind": "signed"})
    tasks = list(campaign.tasks.order_by("pk")[:4])
    for task, outcome in zip(tasks, ("connected", "refused", "no_answer", "unreachable"),
                             strict=False):
        outreach.call_record(actor=None, task=task, outcome=outcome, phone=f"1399000{k:04d}")
    # The batch's companies under contact correction, each with a correction and the agent's
    # answer; a spot check of the batch's month; a calendar entry (OUT-3, OUT-8).
    from linli.outreach.models import Partner

    partners = list(Partner.objects.filter(tenant=world.tenant, organization__city=f"城市{k}"))
    outreach.reviews_open(actor=None, tenant=world.tenant, partners=partners)
    for partner in partners:
        outreach.correction_record(actor=None, partner=partner, field="email",
                                   new_value=f"p{partner.pk}@yg.cn", source="agent")
        outreach.review_answer(actor=None, review=partner.contact_review, reason="confirmed",
                               note=f"已更正{k}")
    # The batch's last signed company is verified and back in use: the spot check draws among
    # the companies whose contacts are in use.
    verified = [p for p in partners if p.signing_status == "signed"][-1].contact_review
    outreach.review_transition(actor=None, review=verified, phase="verify")
    for correction in verified.corrections.order_by("pk"):
        outreach.correction_verify(actor=None, correction=correction, accept=True)
    outreach.review_transition(actor=None, review=verified, phase="in_use")
    outreach.spot_check_draw(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                             month=dt.date(2030, k, 1), per_group=3)
    outreach.content_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                            title=f"物业转型{k}", kind="article", channel="wechat",
                            planned_on=dt.date(2030, 1, k), topic=f"主题{k}",
                            owner=estate.viewer)
    _distribution_batch(estate, k, agents[0])


def _distribution_batch(estate: Estate, k: int, agent) -> None:
    """A handbook edition handed out on paper by ``agent`` (its two companies, one receipt
    confirmed, one company a stage further), a website publication, and the agent's subsidy
    statement; the first batch adds the channels and the subsidy rule."""
    import datetime as dt
    from decimal import Decimal

    from linli.outreach import services as outreach
    from linli.outreach.models import DistributionChannel, Promotion

    tenant = estate.world.tenant
    if k == 1:
        outreach.channels_install(tenant=tenant)
        outreach.subsidy_rule_create(actor=None, tenant=tenant, name="推广补贴", min_companies=1,
                                     min_offices=0, amount=Decimal("80"),
                                     valid_from=dt.date(2026, 1, 1))
    channels = {c.code: c for c in DistributionChannel.objects.filter(tenant=tenant)}
    edition = outreach.edition_create(actor=None, tenant=tenant, org_unit=estate.world.branch_a,
                                      kind="handbook", title=f"产品手册V{k}", version=str(k),
                                      month=dt.date(2026, k, 1))
    for code in ("paper", "website"):
        distribution = outreach.distribution_create(
            actor=None, tenant=tenant, org_unit=estate.world.branch_a, edition=edition,
            channel=channels[code], agent=agent if code == "paper" else None)
        for to in ("scheduled", "sent"):
            outreach.distribution_transition(actor=None, distribution=distribution, to=to)
    paper = agent.distributions.get(edition=edition)
    first = paper.recipients.order_by("pk").first()
    outreach.distribution_callback(actor=None, recipient=first, outcome="connected",
                                   received=True, opinion="好")
    outreach.promotion_transition(actor=None, promotion=Promotion.objects.get(
        partner_id=first.partner_id), to="using_software")
    outreach.statement_build(actor=None, agent=agent, month=dt.date(2026, k, 1))
