"""One record per scoped model, in tenant A's branch A, with a marker a leak would show."""

from linli.accounts.models import Membership, OrgUnit, Role, User
from linli.core.calendar.models import CalendarDay
from linli.core.exchange.models import ImportRun
from linli.core.jobs.models import JobRun
from linli.core.notifications.models import Message
from linli.core.personal_data.models import AccessLog
from linli.core.personal_data.services import access_log_write
from tests.builders import make_role, make_unit, make_user
from tests.scope_sweep import scope_factory


@scope_factory(OrgUnit)
def org_unit(world):
    unit = make_unit(world.branch_a, "机密项目部")
    return unit, "机密项目部"


@scope_factory(Role)
def role(world):
    role = make_role(world.tenant, ["accounts.view_orgunit"], code="secret-role-x")
    return role, "secret-role-x"


@scope_factory(Membership)
def membership(world):
    user = make_user(world.tenant, world.branch_a, ["accounts.view_orgunit"],
                     username="member-secret-x")
    return Membership.objects.get(user=user), "member-secret-x"


@scope_factory(User)
def user(world):
    member = make_user(world.tenant, world.branch_a, ["accounts.view_orgunit"],
                       username="user-secret-x", display_name="机密用户")
    return member, "user-secret-x"


@scope_factory(Message)
def message(world):
    recipient = make_user(world.tenant, world.branch_a, [], username="msg-recipient-x")
    message = Message.objects.create(
        tenant=world.tenant, recipient=recipient, channel="email", address="x@example.com",
        event="test.secret", language="en", subject="机密通知-x", body="机密内容",
    )
    return message, "机密通知-x"


@scope_factory(JobRun)
def job_run(world):
    job = JobRun.objects.create(tenant=world.tenant, kind="export", label="机密导出-x",
                                task="linli.test.task")
    return job, "机密导出-x"


@scope_factory(AccessLog)
def access_log(world):
    viewer = make_user(world.tenant, world.branch_a, [], username="accesslog-viewer-x")
    entry = access_log_write(actor=viewer, action="export", label="机密访问-x")
    return entry, "机密访问-x"


@scope_factory(CalendarDay)
def calendar_day(world):
    entry = CalendarDay.objects.create(tenant=world.tenant, date="2026-10-09", kind="holiday",
                                       note="机密日历-x")
    return entry, "机密日历-x"


@scope_factory(ImportRun)
def import_run(world):
    uploader = make_user(world.tenant, world.branch_a, ["accounts.add_user"])
    run = ImportRun.objects.create(tenant=world.tenant, definition="users",
                                   original_name="机密名单-x.xlsx", uploaded_by=uploader,
                                   status="validated")
    return run, "机密名单-x.xlsx"


from linli.directory.models import Organization  # noqa: E402
from linli.directory.services.organizations import (  # noqa: E402
    contact_add,
    organization_create,
)


@scope_factory(Organization)
def organization(world):
    company = organization_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                                  kind="property_company", name="机密物业-x")
    contact_add(actor=None, organization=company, name="机密联系人-x", mobile="13812345678")
    # A namesake in the same unit, so that the duplicates lists show the record as well.
    organization_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                        kind="property_company", name="机密物业-x")
    return company, "机密物业-x"


from linli.directory.models import Building, Community, Section, Unit, Zone  # noqa: E402
from linli.directory.services import property as property_services  # noqa: E402


def _secret_community(world):
    return property_services.community_create(actor=None, org_unit=world.branch_a,
                                              name="机密小区-x")


@scope_factory(Community)
def community(world):
    return _secret_community(world), "机密小区-x"


@scope_factory(Building)
def building(world):
    return property_services.building_create(actor=None, community=_secret_community(world),
                                              number="88", name="机密楼-x"), "机密楼-x"


@scope_factory(Section)
def section(world):
    secret = property_services.building_create(actor=None, community=_secret_community(world),
                                               number="88")
    return property_services.section_create(actor=None, building=secret,
                                            number="机密单元x"), "机密单元x"


@scope_factory(Unit)
def unit(world):
    secret = property_services.building_create(actor=None, community=_secret_community(world),
                                               number="88")
    return property_services.unit_create(actor=None, building=secret, floor=1,
                                         number="机密101x"), "88-机密101x"


@scope_factory(Zone)
def zone(world):
    return property_services.zone_save(actor=None, community=_secret_community(world),
                                       name="机密片区-x"), "机密片区-x"
from linli.directory.models import Person, UnitRelation  # noqa: E402
from linli.directory.services import people as people_services  # noqa: E402


@scope_factory(Person)
def person(world):
    secret = people_services.person_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, name="机密业主-x",
        phones=["13800138000"],
    )
    # A namesake with the same phone, so that the duplicates lists show the record as well.
    people_services.person_create(actor=None, tenant=world.tenant, org_unit=world.branch_a,
                                  name="机密业主-x", phones=["13800138000"])
    return secret, "机密业主-x"


@scope_factory(UnitRelation)
def unit_relation(world):
    secret = property_services.building_create(actor=None, community=_secret_community(world),
                                               number="89")
    room = property_services.unit_create(actor=None, building=secret, floor=1, number="101")
    owner = people_services.person_create(actor=None, tenant=world.tenant,
                                          org_unit=world.branch_a, name="机密住户-x")
    return people_services.unit_relation_add(actor=None, person=owner, unit=room,
                                             role="owner"), "机密住户-x"


from decimal import Decimal  # noqa: E402

from linli.servicedesk import services as desk_services  # noqa: E402
from linli.servicedesk.models import (  # noqa: E402
    Callback,
    Category,
    ContactLog,
    RoutingRule,
    ServiceLevel,
    WorkOrder,
)


def _secret_order(world, summary: str) -> WorkOrder:
    # A public-area order from the phone is neither quarantined nor routed (no rules here): it
    # stays with the community's office, branch A.
    return desk_services.work_order_create(actor=None, community=_secret_community(world),
                                           order_type="repair", area="public_area",
                                           summary=summary)


@scope_factory(WorkOrder)
def work_order(world):
    return _secret_order(world, "机密工单-x"), "机密工单-x"


@scope_factory(Callback)
def callback(world):
    order = _secret_order(world, "机密回访单-x")
    desk_services.work_order_resolve(order, actor=None, resolution="已修复")
    return order.callbacks.get(), "机密回访单-x"


@scope_factory(ContactLog)
def contact_log(world):
    entry = desk_services.contact_log_create(actor=None, content="机密来电-x",
                                             org_unit=world.branch_a, caller_name="机密来电人")
    return entry, "机密来电-x"


@scope_factory(ServiceLevel)
def service_level(world):
    level = desk_services.service_level_save(
        actor=None, tenant=world.tenant, code="secret-level-x", name="机密时限-x",
        clocks=[("response", Decimal("1"), "calendar_hours")])
    return level, "机密时限-x"


@scope_factory(RoutingRule)
def routing_rule(world):
    rule = desk_services.routing_rule_save(actor=None, tenant=world.tenant,
                                           department=world.team_a1, note="机密路由-x")
    return rule, "机密路由-x"


@scope_factory(Category)
def category(world):
    return desk_services.category_save(actor=None, tenant=world.tenant, order_type="repair",
                                       name="机密分类-x"), "机密分类-x"


from linli.servicedesk.models import (  # noqa: E402
    KnowledgeAnswer,
    KnowledgeArticle,
    KnowledgeCategory,
)


def _secret_article(world, title: str) -> KnowledgeArticle:
    """A published article of tenant A, for all its communities, on a seed shelf."""
    from tests.builders import make_user

    desk_services.knowledge_defaults_install(actor=None, tenant=world.tenant)
    article = desk_services.knowledge_article_create(
        actor=None, tenant=world.tenant, title=title, body="机密答复内容",
        owner=make_user(world.tenant, world.branch_a, []),
        category=KnowledgeCategory.objects.get(tenant=world.tenant, code="service"))
    return desk_services.knowledge_article_publish(article, actor=None)


@scope_factory(KnowledgeArticle)
def knowledge_article(world):
    return _secret_article(world, "机密文章-x"), "机密文章-x"


@scope_factory(KnowledgeCategory)
def knowledge_category(world):
    shelf = desk_services.knowledge_category_save(
        actor=None, tenant=world.tenant, name="机密书架-x", code="secret-shelf-x")
    return shelf, "机密书架-x"


@scope_factory(KnowledgeAnswer)
def knowledge_answer(world):
    article = _secret_article(world, "机密答复文章-x")
    order = desk_services.work_order_create(
        actor=None, community=_secret_community(world), order_type="consultation",
        area="public_area", summary="机密咨询-x")
    desk_services.work_order_answer(order, actor=None, article=article)
    return order.knowledge_answer, "机密答复文章-x"


from linli.servicedesk.models import WorkOrderPhoto, WorkOrderSignature  # noqa: E402
from tests.scope_sweep import PARENT_IDS  # noqa: E402
from tests.servicedesk.builders import signature_png, small_jpeg  # noqa: E402

PARENT_IDS[WorkOrderPhoto] = {"order_id": "work_order_id"}
PARENT_IDS[WorkOrderSignature] = {"order_id": "work_order_id"}


@scope_factory(WorkOrderPhoto)
def work_order_photo(world):
    order = _secret_order(world, "机密现场照片-x")
    photo, _new = desk_services.photo_add(order, actor=None, stage="before",
                                          upload=small_jpeg())
    return photo, "机密现场照片-x"


@scope_factory(WorkOrderSignature)
def work_order_signature(world):
    order = _secret_order(world, "机密签字-x")
    signature = desk_services.signature_capture(order, actor=None, signer_name="机密业主",
                                                image=signature_png())
    return signature, "机密签字-x"


from linli.outreach import services as outreach_services  # noqa: E402
from linli.outreach.models import Agent, Partner, PartnerFilter  # noqa: E402


def _secret_agent(world) -> Agent:
    # The city carries the marker too, so that the cities table shows it.
    return outreach_services.agent_create(actor=None, tenant=world.tenant,
                                          org_unit=world.branch_a, name="机密代理城-x代理商",
                                          city="机密代理城-x")


@scope_factory(Agent)
def outreach_agent(world):
    return _secret_agent(world), "机密代理城-x"


@scope_factory(Partner)
def outreach_partner(world):
    return outreach_services.partner_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="机密合作物业-x", agent=_secret_agent(world)), "机密合作物业-x"


@scope_factory(PartnerFilter)
def outreach_partner_filter(world):
    return outreach_services.partner_filter_save(
        actor=None, tenant=world.tenant, code="secret-x", name="机密筛选-x",
        params={"households_min": 1}), "机密筛选-x"


from linli.outreach.models import CallTask, Campaign  # noqa: E402


def _secret_campaign(world) -> Campaign:
    partner = outreach_services.partner_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="机密回访物业-x", signing_status="signed")
    campaign = outreach_services.campaign_create(actor=None, tenant=world.tenant,
                                                 org_unit=world.branch_a, name="机密回访活动-x")
    outreach_services.call_record(actor=None, task=campaign.tasks.get(partner=partner),
                                  outcome="connected")
    return campaign


@scope_factory(Campaign)
def outreach_campaign(world):
    return _secret_campaign(world), "机密回访活动-x"


@scope_factory(CallTask)
def outreach_call_task(world):
    return _secret_campaign(world).tasks.get(), "机密回访物业-x"


from linli.outreach.models import (  # noqa: E402
    ContactCorrection,
    ContactReview,
    ContentItem,
    SpotCheck,
)


def _secret_review(world) -> ContactReview:
    partner = outreach_services.partner_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="机密纠正物业-x", signing_status="signed", agent=_secret_agent(world))
    outreach_services.reviews_open(actor=None, tenant=world.tenant, partners=[partner])
    return partner.contact_review


@scope_factory(ContactReview)
def outreach_contact_review(world):
    return _secret_review(world), "机密纠正物业-x"


@scope_factory(ContactCorrection)
def outreach_contact_correction(world):
    review = _secret_review(world)
    return outreach_services.correction_record(
        actor=None, partner=review.partner, field="contact_name", new_value="机密联系人-x",
        source="agent"), "机密联系人-x"


@scope_factory(SpotCheck)
def outreach_spot_check(world):
    # A spot check draws among the companies whose contacts are in use: a signed company of
    # an agent, never put on the correction list.
    partner = outreach_services.partner_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="机密抽查物业-x", signing_status="signed", agent=_secret_agent(world))
    check = outreach_services.spot_check_draw(
        actor=None, tenant=world.tenant, org_unit=world.branch_a,
        month=partner.created_at.date(), seed=987654321)
    return check, "987654321"


@scope_factory(ContentItem)
def outreach_content_item(world):
    from django.utils import timezone

    return outreach_services.content_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, title="机密软文-x",
        kind="article", channel="wechat", planned_on=timezone.localdate()), "机密软文-x"
import datetime as _dt  # noqa: E402
from decimal import Decimal as _Decimal  # noqa: E402

from linli.outreach.models import (  # noqa: E402
    Distribution,
    DistributionChannel,
    Edition,
    Promotion,
    SubsidyRule,
    SubsidyStatement,
)


def _secret_edition(world) -> Edition:
    return outreach_services.edition_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="newsletter",
        title="机密月报-x", month=_dt.date(2026, 6, 1))


def _secret_sent(world) -> tuple[Distribution, object]:
    """A paper distribution of branch A, handed out by a secret agent to a secret company
    whose receipt a callback confirmed."""
    agent = outreach_services.agent_create(actor=None, tenant=world.tenant,
                                           org_unit=world.branch_a, name="机密补贴代理-x",
                                           city="机密推广城-x")
    partner = outreach_services.partner_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
        name="机密推广物业-x", city="机密推广城-x", agent=agent, signing_status="signed")
    outreach_services.channels_install(tenant=world.tenant)
    distribution = outreach_services.distribution_create(
        actor=None, tenant=world.tenant, org_unit=world.branch_a, edition=_secret_edition(world),
        channel=DistributionChannel.objects.get(tenant=world.tenant, code="paper"), agent=agent)
    for to in ("scheduled", "sent"):
        outreach_services.distribution_transition(actor=None, distribution=distribution, to=to)
    outreach_services.distribution_callback(
        actor=None, recipient=distribution.recipients.get(partner=partner), outcome="connected",
        received=True)
    return distribution, agent


@scope_factory(Edition)
def outreach_edition(world):
    return _secret_edition(world), "机密月报-x"


@scope_factory(DistributionChannel)
def outreach_channel(world):
    outreach_services.channels_install(tenant=world.tenant)
    channel = DistributionChannel.objects.get(tenant=world.tenant, code="paper")
    channel = outreach_services.channel_update(actor=None, channel=channel, name="机密渠道-x")
    return channel, "机密渠道-x"


@scope_factory(Distribution)
def outreach_distribution(world):
    return _secret_sent(world)[0], "机密月报-x"


@scope_factory(Promotion)
def outreach_promotion(world):
    _secret_sent(world)
    return Promotion.objects.get(partner__organization__name="机密推广物业-x"), "机密推广"


@scope_factory(SubsidyRule)
def outreach_subsidy_rule(world):
    return outreach_services.subsidy_rule_create(
        actor=None, tenant=world.tenant, name="机密补贴规则-x", min_companies=1, min_offices=0,
        amount=_Decimal("80"), valid_from=_dt.date(2026, 1, 1)), "机密补贴规则-x"


@scope_factory(SubsidyStatement)
def outreach_statement(world):
    _distribution, agent = _secret_sent(world)
    return outreach_services.statement_build(actor=None, agent=agent,
                                             month=_dt.date(2026, 6, 1)), "机密补贴代理-x"


from linli.sales.models import PriceList, Quote, SalesProject, SaleUnit  # noqa: E402
from linli.sales.services import prices as sales_prices  # noqa: E402
from tests.sales.builders import make_small_sales  # noqa: E402


@scope_factory(SalesProject)
def sales_project(world):
    return make_small_sales(world).project, "机密楼盘-x项目"


@scope_factory(SaleUnit)
def sale_unit(world):
    return SaleUnit.objects.get(project=make_small_sales(world).project), "88-机密101x"


@scope_factory(PriceList)
def price_list(world):
    return make_small_sales(world).price_list, "机密楼盘-x价目表"


@scope_factory(Quote)
def quote(world):
    sales = make_small_sales(world)
    secret = sales_prices.quote_create(actor=None,
                                       sale_unit=SaleUnit.objects.get(project=sales.project))
    return secret, secret.number


from linli.sales import services as sales_services  # noqa: E402
from linli.sales.models import Contract, Payment, QueueNumber, Subscription  # noqa: E402
from tests.directory.builders import make_person  # noqa: E402
from tests.sales.builders import START as SALES_START  # noqa: E402


def _secret_subscription(world):
    sales = make_small_sales(world)
    unit = SaleUnit.objects.get(project=sales.project)
    quote = sales_prices.quote_create(actor=None, sale_unit=unit, on=SALES_START)
    return sales_services.subscription_create(
        actor=None, sale_unit=unit, person=make_person(world, "机密买受人-x"),
        deposit=Decimal(10000), quote=quote, on=SALES_START, buyer_name="机密买受人-x")


def _secret_contract(world):
    sub = _secret_subscription(world)
    return sales_services.contract_create(
        actor=None, subscription=sub, plan_kind="full", signed_on=SALES_START,
        lines=[sales_services.LineIn("full", SALES_START, sub.total)])


@scope_factory(QueueNumber)
def sales_queue_number(world):
    sales = make_small_sales(world)
    sales_services.project_update(actor=None, project=sales.project, status="preparing")
    secret = sales_services.queue_number_take(actor=None, project=sales.project,
                                              person=make_person(world, "机密排号-x"),
                                              deposit=Decimal(12345), note="机密排号-x")
    return secret, "机密排号-x"


@scope_factory(Subscription)
def sales_subscription(world):
    return _secret_subscription(world), "机密买受人-x"


@scope_factory(Contract)
def sales_contract(world):
    return _secret_contract(world), "机密买受人-x"


@scope_factory(Payment)
def sales_payment(world):
    contract = _secret_contract(world)
    secret = sales_services.payment_record(actor=None, contract=contract, line=None,
                                           amount=Decimal(1000), paid_on=SALES_START,
                                           reference="机密凭证-x")
    return secret, "机密凭证-x"
# --- sales: leads and opportunities ---------------------------------------------------------

from linli.sales.models import Lead, LostReason, Opportunity, OwnershipDispute  # noqa: E402
from tests.sales.builders import make_rep  # noqa: E402


def _secret_lead(world, name: str):
    sales = make_small_sales(world)
    rep = make_rep(world)
    return sales, rep, sales_services.lead_create(actor=rep, project=sales.project, name=name,
                                                  phone="13800138000", channel="walk_in")


@scope_factory(Lead)
def lead(world):
    return _secret_lead(world, "机密线索-x")[2], "机密线索-x"


@scope_factory(OwnershipDispute)
def ownership_dispute(world):
    sales, _rep, _lead = _secret_lead(world, "机密线索-x")
    claimant = make_rep(world)
    dispute = sales_services.dispute_open(actor=claimant, project=sales.project,
                                          phone="13800138000", reason="机密申诉-x")
    return dispute, "机密申诉-x"


@scope_factory(Opportunity)
def opportunity(world):
    """A lost opportunity waiting for review (the lost-deals list shows those), with a visit
    and a viewing whose notes carry the marker too."""
    import datetime as dt

    from django.utils import timezone

    _sales, rep, secret_lead = _secret_lead(world, "机密商机-x")
    sales_services.lost_reasons_install(tenant=world.tenant)
    secret = sales_services.opportunity_create(actor=rep, lead=secret_lead)
    sales_services.visit_register(actor=rep, opportunity=secret, note="机密商机-x")
    sales_services.appointment_book(actor=rep, opportunity=secret, note="机密商机-x",
                                    starts_at=timezone.now() + dt.timedelta(days=1))
    sales_services.opportunity_transition(
        actor=rep, opportunity=secret, to="lost",
        reason=LostReason.objects.filter(tenant=world.tenant, stage="",
                                          applies_to="opportunity").first())
    return secret, "机密商机-x"


@scope_factory(LostReason)
def lost_reason(world):
    return LostReason.objects.create(tenant=world.tenant, applies_to="opportunity",
                                     name="机密原因-x"), "机密原因-x"
