"""The deterministic demo data set (Faker zh_CN behind a fixed seed).

``build_demo()`` runs every stage in order; each stage is idempotent on its own, so a second run
reuses what is there and a later module's stage can be added to an existing demo database.
Modules add their stages with ``register_stage`` (from their own demo module) — the platform
stage below creates the tenants, organisation trees, roles and one user per role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import translation
from faker import Faker
from faker.providers import BaseProvider

from linli.accounts import services as accounts
from linli.accounts.models import OrgUnit, Role, User
from linli.core.request_context import Channel, acting
from linli.core.tenancy import Tenant

# Prefixes that phonenumbers' metadata accepts as mainland mobiles: Faker's own list has some
# (such as 149, data-only SIMs) that the product rightly refuses as a contact number.
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                   "151", "152", "153", "155", "156", "157", "158", "159", "166", "177",
                   "180", "181", "182", "183", "185", "186", "187", "188", "189", "199")


class MobileProvider(BaseProvider):
    def phone_number(self) -> str:
        return self.random_element(MOBILE_PREFIXES) + self.numerify("########")


DEMO_PASSWORD = "Linli-Demo-2026"  # noqa: S105 (documented demo logins)
SEED = 20261123


@dataclass
class DemoReport:
    reused: bool = True
    logins: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DemoContext:
    faker: Faker
    log: Callable[[str], None]
    report: DemoReport
    tenants: dict[str, Tenant] = field(default_factory=dict)
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


Stage = Callable[[DemoContext], None]
_stages: list[tuple[str, Stage]] = []
# The order the stages run in, whichever module was imported first (the benchmark imports some
# stage modules for their helpers): each stage's data, and so the ids and draws of the stages
# after it, depend on the stages before it.
STAGE_ORDER = ("platform", "directory", "knowledge", "outreach", "outreach-corrections",
               "outreach_distribution", "sales", "sales-leads", "servicedesk")


def register_stage(name: str, stage: Stage) -> None:
    if name not in {n for n, _ in _stages}:
        _stages.append((name, stage))


# Tenants and their organisation trees: (key, parent key, name, kind).
TENANTS = [
    ("jinhua", "锦华物业服务有限公司", "property_company", [
        ("jinhua.east", None, "华东区域公司", "branch"),
        ("jinhua.cuihu", "jinhua.east", "翠湖苑管理处", "project"),
        ("jinhua.cuihu.service", "jinhua.cuihu", "客服部", "department"),
        ("jinhua.cuihu.engineering", "jinhua.cuihu", "工程部", "department"),
        ("jinhua.cuihu.security", "jinhua.cuihu", "秩序部", "department"),
        ("jinhua.cuihu.environment", "jinhua.cuihu", "环境部", "department"),
        ("jinhua.cuihu.finance", "jinhua.cuihu", "财务部", "department"),
        ("jinhua.fenglin", "jinhua.east", "枫林湾管理处", "project"),
        ("jinhua.fenglin.service", "jinhua.fenglin", "客服部", "department"),
        ("jinhua.fenglin.engineering", "jinhua.fenglin", "工程部", "department"),
    ]),
    ("huating", "华庭地产开发有限公司", "developer", [
        ("huating.marketing", None, "营销中心", "branch"),
        ("huating.cuihu", "huating.marketing", "翠湖苑项目", "project"),
        ("huating.cuihu.team1", "huating.cuihu", "销售一组", "team"),
        ("huating.service", None, "客户服务中心", "department"),
    ]),
    ("linli", "邻里云平台", "platform", [
        ("linli.service", None, "云平台客服部", "department"),
        ("linli.bizdev", None, "业务拓展部", "department"),
        ("linli.agents", None, "代理商", "branch"),
        ("linli.agents.hangzhou", "linli.agents", "杭州代理", "team"),
    ]),
]

# (username, display name, tenant key, unit key or None for the root, role code, description)
USERS = [
    ("admin", "系统管理员", "jinhua", None, "tenant-admin", "tenant administrator · 锦华物业"),
    # The front desk answers for the whole office: her role is held at the office, whose
    # subtree holds its communities' orders, callbacks and contact log.
    ("frontdesk", "王小娟", "jinhua", "jinhua.cuihu", "front-desk",
     "客服前台 front desk · 翠湖苑管理处"),
    ("dispatcher", "赵建国", "jinhua", "jinhua.cuihu", "dispatcher",
     "调度 dispatcher · 翠湖苑管理处"),
    ("supervisor", "陈志强", "jinhua", "jinhua.cuihu.engineering", "department-supervisor",
     "工程主管 department supervisor · 工程部"),
    ("technician", "李师傅", "jinhua", "jinhua.cuihu.engineering", "technician",
     "维修工 technician · 工程部"),
    ("manager", "周明", "jinhua", "jinhua.cuihu", "project-manager",
     "项目经理 project manager · 翠湖苑管理处"),
    # The rep sells the whole project: her role is held at the sales office, whose subtree
    # holds the projects on sale (a team below it would see none of them).
    ("sales", "刘婷", "huating", "huating.cuihu", "sales-rep",
     "置业顾问 sales rep · 华庭地产"),
    ("salesmanager", "孙伟", "huating", "huating.cuihu", "sales-manager",
     "销售经理 sales manager · 华庭地产"),
    ("developeradmin", "华庭管理员", "huating", None, "tenant-admin",
     "tenant administrator · 华庭地产"),
    ("operator", "吴芳", "linli", "linli.service", "platform-operator",
     "云平台客服 platform operator · 邻里云平台"),
    ("agent", "郑代理", "linli", "linli.agents.hangzhou", "agent", "代理商 agent · 杭州代理"),
    ("platformadmin", "平台管理员", "linli", None, "tenant-admin",
     "tenant administrator · 邻里云平台"),
]


def platform_stage(ctx: DemoContext) -> None:
    for key, name, kind, tree in TENANTS:
        tenant = Tenant.objects.filter(code=f"demo-{key}").first()
        if tenant is None:
            ctx.report.reused = False
            tenant = accounts.tenant_create(name=name, code=f"demo-{key}", kind=kind)
            ctx.log(f"  tenant {name}")
        ctx.tenants[key] = tenant
        root = OrgUnit.objects.get(tenant=tenant, parent__isnull=True)  # scoped-query-ok: setup
        ctx.units[key] = root
        for unit_key, parent_key, unit_name, unit_kind in tree:
            parent = ctx.units[parent_key] if parent_key else root
            unit = OrgUnit.objects.filter(  # scoped-query-ok: demo setup
                tenant=tenant, parent=parent, name=unit_name
            ).first()
            if unit is None:
                unit = accounts.org_unit_create(actor=None, tenant=tenant, parent=parent,
                                                name=unit_name, kind=unit_kind)
            ctx.units[unit_key] = unit
        accounts.role_presets_install(actor=None, tenant=tenant)

    for username, display, tenant_key, unit_key, role_code, description in USERS:
        tenant = ctx.tenants[tenant_key]
        user = User.objects.filter(username=username).first()
        if user is None:
            ctx.report.reused = False
            user = accounts.user_create(
                actor=None, tenant=tenant, username=username, password=DEMO_PASSWORD,
                display_name=display, email=f"{username}@demo.linli.example",
                mobile=ctx.faker.phone_number(),
            )
            role = Role.objects.get(tenant=tenant, code=role_code)  # scoped-query-ok: setup
            unit = ctx.units[unit_key or tenant_key]
            accounts.membership_add(actor=None, user=user, org_unit=unit, role=role)
        ctx.users[username] = user
        ctx.report.logins.append((username, description))


register_stage("platform", platform_stage)


def _later_stages() -> None:
    # Each module's stage registers itself on import; platform comes first.
    from linli.demo import (  # noqa: F401
        directory,
        knowledge,
        outreach,
        outreach_distribution,
        sales,
        servicedesk,
    )


def stages() -> list[tuple[str, Stage]]:
    """Every registered stage, in ``STAGE_ORDER`` (any other after them, as registered)."""
    _later_stages()
    rank = {name: i for i, name in enumerate(STAGE_ORDER)}
    return sorted(_stages, key=lambda item: rank.get(item[0], len(rank)))


def build_demo(log: Callable[[str], None] | None = None) -> DemoReport:
    faker = Faker("zh_CN")
    faker.add_provider(MobileProvider)
    faker.seed_instance(SEED)
    report = DemoReport()
    ctx = DemoContext(faker=faker, log=log or (lambda _msg: None), report=report)
    # Names of roles and templates are stored in the product's default language.
    with translation.override("zh-hans"), acting(None, Channel.JOB):
        for name, stage in stages():
            ctx.log(f"demo: {name}")
            with transaction.atomic():
                stage(ctx)
    return report
