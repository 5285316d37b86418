"""Demo data of the front of the sales chain (SAL-1, SAL-2, SAL-4) for 华庭·翠湖苑: the sales
team (the demo rep and manager plus three more reps), the lead rules, assignment rules, the
lost-reason catalogue, some two thousand leads from every channel (new, worked, in the public
pool, closed), and opportunities in every stage with visits, viewings, follow-ups and lost deals
waiting for the manager's review, plus two ownership disputes.

Volume: ``DEMO_LEADS`` (environment, else the Django setting of that name; default 2,000). The
leads are saved in bulk (people through the directory's bulk save); the opportunities, which
are fewer, go through the services one move at a time.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from linli.accounts import services as accounts
from linli.accounts.models import Role, User
from linli.core.audit import insert_with_history
from linli.core.events import event_for, record_events
from linli.demo.generator import DEMO_PASSWORD, DemoContext, register_stage
from linli.demo.sales import NAME
from linli.directory.services.people import person_draft
from linli.directory.services.people_bulk import people_save_many
from linli.sales import services
from linli.sales.models import Lead, LostReason, SalesProject, SaleUnit
from linli.sales.states import LeadChannel, LeadStatus, Stage

DEFAULT_LEADS = 2000
OPPORTUNITIES = 60
# Channel → weight: walk-ins and the web bring most customers.
CHANNELS = {LeadChannel.WALK_IN: 30, LeadChannel.WEB: 25, LeadChannel.PHONE: 15,
            LeadChannel.ADVERTISING: 10, LeadChannel.REFERRAL: 8, LeadChannel.EVENT: 7,
            LeadChannel.AGENCY: 5}
SOURCES = {LeadChannel.WEB: ["官网", "安居客", "贝壳找房", "微信小程序"],
           LeadChannel.ADVERTISING: ["地铁灯箱", "抖音信息流", "楼宇电梯广告"],
           LeadChannel.EVENT: ["开盘活动", "暖场活动：亲子DIY", "城市展厅巡展"],
           LeadChannel.REFERRAL: ["老业主推荐"], LeadChannel.PHONE: ["来电"],
           LeadChannel.WALK_IN: ["自然来访"], LeadChannel.AGENCY: ["链家"]}
NEEDS = ["三房两厅，南向，预算300万内", "改善型四房，要高楼层", "首套刚需，两房即可",
         "给父母买，低楼层带电梯", "投资小户型", "学区优先，预算宽松"]
# How the opportunities end up, in order: (final stage, how many).
STAGES = [(Stage.NEW, 10), (Stage.VISITED, 12), (Stage.VIEWING, 10), (Stage.NEGOTIATING, 8),
          (Stage.WON, 6), (Stage.LOST, 14)]
WALK = [Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING, Stage.WON]
REPS = [("sales2", "陈静"), ("sales3", "王磊"), ("sales4", "赵敏")]


def lead_volume() -> int:
    raw = os.environ.get("DEMO_LEADS", "").strip()
    if raw:
        if not raw.isdigit():
            raise ValueError(f"DEMO_LEADS must be a whole number of leads, not {raw!r}")
        return int(raw)
    return int(getattr(settings, "DEMO_LEADS", DEFAULT_LEADS))


def _team(ctx: DemoContext, tenant) -> list[User]:
    office = ctx.units["huating.cuihu"]
    role = Role.objects.get(tenant=tenant, code="sales-rep")  # scoped-query-ok: demo setup
    reps = [ctx.users["sales"]]
    for username, display in REPS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.user_create(actor=None, tenant=tenant, username=username,
                                        password=DEMO_PASSWORD, display_name=display,
                                        mobile=ctx.faker.phone_number())
            accounts.membership_add(actor=None, user=user, org_unit=office, role=role)
        reps.append(user)
    return reps


def _rules(project: SalesProject, reps: list[User], manager: User) -> None:
    start = dt.date(2026, 5, 1)
    services.assignment_rule_create(actor=None, project=project, name="网络线索轮流分配",
                                    method="round_robin", channel=LeadChannel.WEB, reps=reps,
                                    valid_from=start)
    services.assignment_rule_create(actor=None, project=project, name="广告线索按容量分配",
                                    method="capacity", channel=LeadChannel.ADVERTISING,
                                    capacity=400, reps=reps, valid_from=start)
    services.assignment_rule_create(actor=None, project=project, name="VIP 客户交业务经理",
                                    method="manager", for_vip=True, manager=manager,
                                    valid_from=start)


def _bulk_leads(ctx, rng: random.Random, project: SalesProject, reps: list[User],
                count: int) -> list[Lead]:
    tenant, office = project.tenant, project.org_unit
    now = timezone.now()
    drafts, rows, created_at = [], [], []
    channels, weights = list(CHANNELS), list(CHANNELS.values())
    numbers = rng.sample(range(10_000_000, 99_999_999), count)
    for i in range(count):
        phone = f"+86158{numbers[i]:08d}"
        drafts.append(person_draft(actor=None, tenant=tenant, org_unit=office,
                                   name=ctx.faker.name(), phones=[phone],
                                   purpose=rng.choice(["self_use", "investment", ""])))
        channel = rng.choices(channels, weights)[0]
        created = now - dt.timedelta(days=rng.uniform(0, 150))
        roll = rng.random()
        if roll < 0.62:
            status, owner = LeadStatus.WORKING, rng.choice(reps)
            worked = min(now, created + dt.timedelta(days=rng.uniform(0, 6)))
            worked = max(worked, now - dt.timedelta(days=rng.uniform(0, 6)))
        elif roll < 0.72:
            status, owner, worked = LeadStatus.NEW, None, now - dt.timedelta(hours=rng.uniform(
                0, 100))
        elif roll < 0.90:
            status, owner, worked = LeadStatus.POOLED, None, created + dt.timedelta(days=7)
        else:
            status, owner, worked = LeadStatus.CLOSED, rng.choice(reps), created
        rows.append(Lead(
            tenant_id=tenant.pk, org_unit_id=office.pk, project=project, phone=phone,
            channel=channel, source=rng.choice(SOURCES[channel]), status=status, owner=owner,
            is_vip=rng.random() < 0.03, needs=rng.choice(NEEDS), last_worked_at=min(worked, now),
            created_by=owner))
        created_at.append(min(created, now))
    people = people_save_many(actor=None, drafts=drafts, relations=[])
    for lead, person in zip(rows, people, strict=True):
        lead.person = person
    insert_with_history(Lead, rows)
    for lead, created in zip(rows, created_at, strict=True):
        lead.created_at = created
    Lead.objects.bulk_update(rows, ["created_at"], batch_size=500)  # scoped-query-ok: demo
    record_events([event_for(lead, "lead.created", new=LeadChannel(lead.channel).label)
                   for lead in rows])
    return rows


def _opportunities(rng: random.Random, project: SalesProject, leads: list[Lead],
                   manager: User) -> int:
    units = list(SaleUnit.objects  # scoped-query-ok: demo setup
                 .filter(project=project, status="available").order_by("pk")[:200])
    reasons = list(LostReason.objects.filter(  # scoped-query-ok: demo setup
        tenant_id=project.tenant_id, applies_to="opportunity", stage=""))
    worked = [lead for lead in leads if lead.status == LeadStatus.WORKING][:OPPORTUNITIES]
    # Units sold to the won opportunities: priced ones, from the end of the list.
    units_for_sale = [u for u in reversed(units) if u.list_total]
    taken: set[int] = set()
    made = 0
    for final, count in STAGES:
        for lead in worked[made:made + count]:
            rep = lead.owner
            opportunity = services.opportunity_create(
                actor=rep, lead=lead, intention=rng.choice(["certain", "effective", "general"]),
                needs=lead.needs, next_step="约周末带看",
                follow_up_at=timezone.now() + dt.timedelta(days=rng.randint(1, 10)))
            target = final if final != Stage.LOST else rng.choice(WALK[:3])
            if target != Stage.NEW:
                services.visit_register(actor=rep, opportunity=opportunity,
                                        companions=rng.randint(0, 3), note="案场接待",
                                        sale_units=rng.sample(units, 2))
            # A won opportunity is won by subscribing a unit from negotiating.
            walk_to = Stage.NEGOTIATING if target == Stage.WON else target
            for stage in WALK[1:WALK.index(walk_to) + 1] if target != Stage.NEW else []:
                if stage == Stage.VIEWING:
                    services.appointment_book(
                        actor=rep, opportunity=opportunity, place="售楼处样板间",
                        sale_units=rng.sample(units, 2),
                        starts_at=timezone.now() + dt.timedelta(days=rng.randint(1, 14),
                                                                hours=rng.randint(1, 8)))
                services.opportunity_transition(actor=rep, opportunity=opportunity, to=stage)
            if final == Stage.WON:
                free = next(u for u in units_for_sale if u.pk not in taken)
                taken.add(free.pk)
                services.subscription_create(
                    actor=rep, sale_unit=free, person=opportunity.person,
                    deposit=Decimal(rng.choice((20000, 50000))), opportunity=opportunity)
            if final == Stage.LOST:
                services.opportunity_transition(
                    actor=rep, opportunity=opportunity, to=Stage.LOST,
                    reason=rng.choice(reasons), competitor=rng.choice(["", "万科·未来城",
                                                                       "绿城·桂语"]),
                    note="客户已决定暂缓")
            made += 1
    lost = project.opportunities.filter(stage=Stage.LOST).order_by("pk")[:4]
    for opportunity in lost:
        services.lost_review(actor=manager, opportunity=opportunity, reassign=False,
                             note="确认流失")
    return made


def sales_leads_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["huating"]
    project = SalesProject.objects.filter(  # scoped-query-ok: demo setup
        tenant=tenant, name=f"{NAME}一期").first()
    if project is None or Lead.objects.filter(project=project).exists():  # scoped-query-ok: demo
        return
    ctx.report.reused = False
    rng = random.Random(ctx.faker.random.random())  # noqa: S311 (demo data, not secrets)
    manager = ctx.users["salesmanager"]
    reps = _team(ctx, tenant)
    services.lead_policy_save(actor=None, tenant=tenant, protection_days=30, pool_after_days=7)
    services.lost_reasons_install(tenant=tenant)
    _rules(project, reps, manager)
    leads = _bulk_leads(ctx, rng, project, reps, lead_volume())
    made = _opportunities(rng, project, leads, manager)
    # Two reps claim customers another rep holds: the manager has them to decide.
    held = [lead for lead in leads if lead.status == LeadStatus.WORKING][OPPORTUNITIES:]
    for lead in held[:2]:
        claimant = next(r for r in reps if r.pk != lead.owner_id)
        services.dispute_open(actor=claimant, project=project, phone=lead.phone,
                              reason="客户说上周是我接待的")
    ctx.log(f"  leads of {project.name}: {len(leads)} leads, {made} opportunities")


register_stage("sales-leads", sales_leads_stage)
