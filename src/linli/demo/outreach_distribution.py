"""Demo stage of handbook distribution, promotion and subsidies (OUT-5–7), in the platform
tenant after the outreach stage: the seed's channels, two subsidy rules one after the other,
this month's product handbook handed out on paper by the agent with the most companies
(most receipts confirmed by callback, its subsidy statement awaiting approval), this month's
newsletter e-mailed to the companies of two pilot cities (delivered through the outbox and
Django's e-mail backend, which prints to the console in the demo), and companies at several
promotion stages, some of them declined."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from linli.demo.generator import DemoContext, register_stage
from linli.directory.models import Organization
from linli.outreach import services
from linli.outreach.models import Agent, DistributionChannel, Edition, Promotion

PILOT_CITIES = ["福州市", "厦门市"]
# How far along the line the confirmed companies have come (stage, share of them).
STAGES = ["received", "using_software", "hardware", "residents", "mall", "revenue_share"]


def distribution_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["linli"]
    if Edition.objects.filter(tenant=tenant).exists():  # scoped-query-ok: demo setup
        return
    ctx.report.reused = False
    rng = random.Random(ctx.faker.random.random())  # noqa: S311 (demo data, not secrets)
    unit = ctx.units["linli.service"]
    operator = ctx.users["operator"]
    today = timezone.localdate()
    month = today.replace(day=1)
    services.channels_install(tenant=tenant)
    channels = {c.code: c for c in DistributionChannel.objects.filter(  # scoped-query-ok: demo
        tenant=tenant)}
    services.subsidy_rule_create(
        actor=None, tenant=tenant, name="推广补贴（试行）", min_companies=20, min_offices=30,
        amount=Decimal("800.00"), valid_from=dt.date(month.year, 1, 1),
        valid_to=month - dt.timedelta(days=1) if month.month > 1 else None)
    if month.month > 1:
        services.subsidy_rule_create(
            actor=None, tenant=tenant, name="推广补贴（调整后）", min_companies=10, min_offices=3,
            amount=Decimal("500.00"), valid_from=month)

    # The pilot cities' companies get e-mail addresses (the registry's correction round).
    organizations = Organization.objects.filter(  # scoped-query-ok: demo setup
        tenant=tenant, city__in=PILOT_CITIES, partner_profile__isnull=False).order_by("pk")
    for n, organization in enumerate(organizations):
        # One in eight still lacks an address: its e-mail fails with that reason.
        organization.email = "" if n % 8 == 7 else f"pm{organization.pk}@example.cn"
    Organization.objects.bulk_update(organizations, ["email"])  # scoped-query-ok: demo

    handbook = services.edition_create(
        actor=None, tenant=tenant, org_unit=unit, kind="handbook",
        title=f"物业管理软件及智慧小区产品手册 V3（{month:%Y年%m月}）", version="3", month=month)
    newsletter = services.edition_create(
        actor=None, tenant=tenant, org_unit=unit, kind="newsletter",
        title=f"邻里云物业报 {month:%Y年%m月}", month=month)
    operating = Agent.objects.filter(  # scoped-query-ok: demo setup
        tenant=tenant, status="operating")
    agent = operating.annotate(n=Count("companies")).order_by("-n", "pk").first()
    paper = services.distribution_create(
        actor=None, tenant=tenant, org_unit=unit, edition=handbook, channel=channels["paper"],
        agent=agent)
    email = services.distribution_create(
        actor=None, tenant=tenant, org_unit=unit, edition=newsletter,
        channel=channels["email"], rollout="pilot", cities=PILOT_CITIES)
    for distribution in (paper, email):
        for to in ("scheduled", "sent"):
            services.distribution_transition(actor=operator, distribution=distribution, to=to)
    confirmed = 0
    for n, recipient in enumerate(paper.recipients.order_by("pk")):
        if n % 6 == 5:
            continue  # not called back yet
        decline = "other_platform" if n % 11 == 10 else ""
        services.distribution_callback(
            actor=operator, recipient=recipient, outcome="connected", received=not decline,
            opinion=rng.choice(["手册内容清楚", "希望有培训", "已转交经理"]),
            decline_reason=decline)
        confirmed += not decline
    promotions = list(Promotion.objects.filter(  # scoped-query-ok: demo setup
        tenant=tenant, stage="received").order_by("pk"))
    for n, promotion in enumerate(promotions):
        for stage in STAGES[1:1 + n % len(STAGES)]:
            services.promotion_transition(actor=None, promotion=promotion, to=stage)
    statement = services.statement_build(actor=None, agent=agent, month=month)
    ctx.log(f"  distributions: paper by {agent} ({confirmed} confirmed), e-mail to "
            f"{email.recipients.count()} pilot companies; statement {statement.total} yuan")


register_stage("outreach_distribution", distribution_stage)
