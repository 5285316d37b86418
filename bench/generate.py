"""The benchmark data set (NFR-1), deterministic for a scale.

Tenants, roles, organisation trees and service-desk configuration are made by the product's
own services. The volume (communities, buildings, units, people, phones, relations, users,
work orders with their clocks, events, callbacks and contact log) is written with COPY, but
every derived value comes from the product's functions: room codes and building sort keys
(``directory.keys``), name search keys (pinyin), E.164 phones and their last four digits,
birthdays and genders from ID numbers, priorities, service levels, routes and housekeepers
(the service-desk selectors), order numbers and due/warning times (``servicedesk.sla`` on
the tenant's working calendar).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from bench import partners, sales
from bench.bulk import Copier, DeferredIndexes, Ids
from linli.accounts import services as accounts
from linli.accounts.models import Membership, OrgUnit, Role, User
from linli.core.calendar.selectors import calendar_for
from linli.core.events import DomainEvent
from linli.core.personal_data.phones import last4, normalize_phone
from linli.core.request_context import Channel
from linli.core.tenancy import Tenant
from linli.demo.generator import MOBILE_PREFIXES
from linli.directory import keys
from linli.directory.choices import (
    CommunityKind,
    FamilyRelation,
    OrganizationKind,
    UnitRole,
    UnitStatus,
)
from linli.directory.models import (
    Building,
    Community,
    Organization,
    Person,
    PersonPhone,
    PersonRelation,
    Section,
    Unit,
    UnitRelation,
    Zone,
)
from linli.directory.services.people import id_birthday, id_gender
from linli.servicedesk import selectors as desk
from linli.servicedesk import sla
from linli.servicedesk.choices import (
    Area,
    CallbackOutcome,
    CallbackStatus,
    ClockKind,
    ClockState,
    ContactChannel,
    IntakeChannel,
    Level,
    OrderType,
)
from linli.servicedesk.models import (
    Callback,
    Category,
    ContactLog,
    OrderSequence,
    RoutingRule,
    WorkOrder,
    WorkOrderClock,
)
from linli.servicedesk.services import shared as desk_shared
from linli.servicedesk.services.config import servicedesk_defaults_install
from linli.servicedesk.services.knowledge import knowledge_article_index
from linli.servicedesk.states import Status

SEED = 20261204
PASSWORD = "Bench-2026"  # noqa: S105 (benchmark logins on a throw-away database)
DEPARTMENTS = ("service", "engineering", "security", "environment", "finance")
DEPARTMENT_NAMES = {"service": "客服部", "engineering": "工程部", "security": "秩序部",
                    "environment": "环境部", "finance": "财务部"}
# (role code, org unit key, username suffix): the staff of every management office.
STAFF = (("front-desk", "office", "desk"), ("dispatcher", "office", "dispatch"),
         ("project-manager", "office", "manager"),
         ("department-supervisor", "engineering", "supervisor"),
         ("technician", "engineering", "tech1"), ("technician", "engineering", "tech2"),
         ("technician", "service", "keeper"))
ORDER_TYPES = ((OrderType.REPAIR, 46), (OrderType.CONSULTATION, 22), (OrderType.COMPLAINT, 10),
               (OrderType.SUGGESTION, 6), (OrderType.PRAISE, 4), (OrderType.PAID_SERVICE, 12))
SUMMARIES = {
    OrderType.REPAIR: ["卫生间漏水", "厨房水管滴水", "客厅灯不亮", "门锁坏了", "空调排水管堵塞",
                       "楼道灯不亮", "电梯异响", "下水道堵塞"],
    OrderType.CONSULTATION: ["装修手续怎么办", "停车卡办理", "物业费缴纳方式", "快递柜位置",
                             "门禁卡补办"],
    OrderType.COMPLAINT: ["楼上噪音扰民", "垃圾清运不及时", "保安态度差", "绿化带无人修剪",
                          "车辆乱停"],
    OrderType.SUGGESTION: ["建议增加充电桩", "建议增设儿童游乐设施", "建议延长会所开放时间"],
    OrderType.PRAISE: ["表扬维修师傅服务好", "感谢管家及时处理"],
    OrderType.PAID_SERVICE: ["更换水龙头", "疏通马桶", "安装晾衣架", "更换灯具"],
}


@dataclass(frozen=True)
class Scale:
    name: str
    tenants: int
    communities: int           # per tenant; the first has a 500-unit tower
    orders: int                # in all
    companies: int             # property companies in the platform's registry
    articles: int = 5_000      # knowledge-base articles of the first tenant
    agents: int = 150          # the platform's agents, over the companies' cities
    campaigns: int = 8         # callback campaigns over every company, a month apart
    days: int = 330            # the orders spread over this many days before ``now``
    leads: int = 20_000        # leads of the developer tenant, over ``days``
    sales_projects: int = 10   # its projects on sale, a sales office each


SCALES = {
    "small": Scale("small", tenants=2, communities=10, orders=20_000, companies=400,
                   agents=15, leads=2_000, sales_projects=2),
    "full": Scale("full", tenants=10, communities=100, orders=1_000_000, companies=4_000),
}


class Log:
    def __init__(self, out: Callable[[str], None]):
        self.out, self.started = out, time.monotonic()

    def __call__(self, message: str) -> None:
        self.out(f"[{time.monotonic() - self.started:7.1f}s] {message}")


# --- platform: tenants, roles, org trees, configuration (through the services) -------------

@dataclass
class Office:
    community: Community | None
    unit: OrgUnit
    departments: dict[str, OrgUnit]
    staff: dict[str, int]          # username suffix -> user id
    zones: list[int]


@dataclass
class TenantSet:
    tenant: Tenant
    roles: dict[str, Role]
    offices: list[Office]
    admin: User
    root: OrgUnit


def _tenant(index: int, scale: Scale, log: Log) -> TenantSet:
    code = f"bench{index:02d}"
    tenant = accounts.tenant_create(name=f"基准物业{index:02d}有限公司", code=code,
                                    kind="property_company", role_presets=True)
    roles = {r.code: r for r in Role.objects.filter(tenant=tenant)}  # scoped-query-ok: setup
    root = OrgUnit.objects.get(tenant=tenant, parent__isnull=True)  # scoped-query-ok: setup
    admin = accounts.user_create(actor=None, tenant=tenant, username=f"{code}-admin",
                                 password=None, display_name="系统管理员", org_unit=root,
                                 role=roles["tenant-admin"])
    offices = []
    regions = [accounts.org_unit_create(actor=None, tenant=tenant, parent=root,
                                        name=f"区域公司{r + 1}", kind="branch")
               for r in range(max(1, scale.communities // 10))]
    for c in range(scale.communities):
        office = accounts.org_unit_create(actor=None, tenant=tenant,
                                          parent=regions[c % len(regions)],
                                          name=f"第{c + 1}管理处", kind="project")
        departments = {key: accounts.org_unit_create(actor=None, tenant=tenant, parent=office,
                                                     name=DEPARTMENT_NAMES[key],
                                                     kind="department")
                       for key in DEPARTMENTS}
        offices.append(Office(None, office, departments, {}, []))
    log(f"{code}: {len(offices)} offices with {len(DEPARTMENTS)} departments each")
    return TenantSet(tenant, roles, offices, admin, root)


def _staff(ts: TenantSet, ids: dict, copiers: dict) -> None:
    """Seven people per office, written in bulk with one shared password hash."""
    password = make_password(PASSWORD)
    users, memberships = [], []
    for o, office in enumerate(ts.offices):
        for role, where, suffix in STAFF:
            uid = ids["user"].take()
            office.staff[suffix] = uid
            username = f"{ts.tenant.code}-{o + 1:03d}-{suffix}"
            users.append((uid, username, password, ts.tenant.pk, f"{suffix}{o + 1}", True))
            unit = office.unit if where == "office" else office.departments[where]
            memberships.append((ids["membership"].take(), ts.tenant.pk, uid, unit.pk,
                                ts.roles[role].pk))
    copiers["user"].write(users)
    copiers["membership"].write(memberships)


def _configure(ts: TenantSet) -> None:
    """The seed levels, matrix and categories once per tenant; each office's routing rules
    are the seed's rules with its own departments."""
    first = ts.offices[0]
    servicedesk_defaults_install(actor=None, tenant=ts.tenant, departments=first.departments,
                                 community=first.community)
    template = list(RoutingRule.objects.filter(  # scoped-query-ok: setup
        tenant=ts.tenant, community=first.community))
    by_unit = {u.pk: key for key, u in first.departments.items()}
    clones = []
    for office in ts.offices[1:]:
        for rule in template:
            clones.append(RoutingRule(
                tenant=ts.tenant, position=rule.position, order_type=rule.order_type,
                category_id=rule.category_id, area=rule.area, community=office.community,
                department=office.departments[by_unit[rule.department_id]],
                to_housekeeper=rule.to_housekeeper, note=rule.note))
    RoutingRule.objects.bulk_create(clones, batch_size=2000)


# --- the knowledge base (SVC-13) -------------------------------------------------------------

# Words that vary the generated answers, so that the articles do not all share their pairs of
# characters: places, times, documents, fees.
KB_PLACES = ["服务中心", "东门岗亭", "西门驿站", "地下车库", "会所", "单元大堂", "物业 app",
             "业主群", "工程部", "秩序部", "财务室", "二楼办公室"]
KB_TIMES = ["工作日 9:00–17:00", "每周六上午", "每月 25 日前", "节假日值班时间", "提前 3 个工作日",
            "24 小时内", "当天", "一周内"]
KB_PAPERS = ["身份证", "房产证", "购房合同", "行驶证", "租赁合同", "授权委托书", "押金收据",
             "缴费发票", "装修方案", "营业执照"]


def _articles(ts: TenantSet, count: int, rng: random.Random, log: Log) -> None:
    """``count`` published articles on the seed shelves: the demo's standard answers, each
    varied by community, place, time, papers and fee, with their first version and their
    search keys as the product derives them."""
    from linli.demo.knowledge import ARTICLES
    from linli.servicedesk.choices import ArticleStatus
    from linli.servicedesk.models import (
        KnowledgeArticle,
        KnowledgeArticleVersion,
        KnowledgeCategory,
    )

    shelves = {c.code: c for c in KnowledgeCategory.objects.filter(  # scoped-query-ok: setup
        tenant=ts.tenant)}
    places = [o.community.name for o in ts.offices if o.community is not None] or ["小区"]
    now = timezone.now()
    rows = []
    for n in range(count):
        code, title, keywords, body = ARTICLES[n % len(ARTICLES)]
        where = places[n % len(places)]
        extra = (f"办理地点：{rng.choice(KB_PLACES)}；办理时间：{rng.choice(KB_TIMES)}；"
                 f"请携带{rng.choice(KB_PAPERS)}和{rng.choice(KB_PAPERS)}。"
                 f"费用约 {rng.randint(1, 60) * 10} 元，第 {n} 号规定。")
        rows.append(KnowledgeArticle(
            tenant=ts.tenant, category=shelves[code], title=f"{where}：{title}（{n}）",
            body=f"{body}\n{extra}", keywords=keywords, status=ArticleStatus.PUBLISHED,
            owner=ts.admin, published_at=now))
    KnowledgeArticle.objects.bulk_create(rows, batch_size=1000)
    KnowledgeArticleVersion.objects.bulk_create([
        KnowledgeArticleVersion(tenant=ts.tenant, article=a, number=1, category=a.category,
                                title=a.title, body=a.body, keywords=a.keywords,
                                edited_by=ts.admin) for a in rows], batch_size=1000)
    for article in rows:
        knowledge_article_index(article)
    log(f"{ts.tenant.code}: {len(rows):,} knowledge-base articles")


# --- directory (COPY, keys from the product) ----------------------------------------------

class Names:
    """Faker's zh_CN names with their pinyin keys, computed once per distinct name."""

    def __init__(self, faker: Faker):
        self.faker, self.cache = faker, {}

    def person(self) -> tuple[str, str, str]:
        name = self.faker.name()
        found = self.cache.get(name)
        if found is None:
            found = self.cache[name] = (name, *keys.name_keys(name))
        return found


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(rng: random.Random, area: str = "3301") -> str:
    """A valid mainland ID number (GB 11643 check character) of a district of ``area``."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    body = f"{area}{rng.randrange(1, 9):02d}{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _shape(c: int) -> list[tuple[str, int, list[str], int]]:
    """Buildings of community ``c``: (number, floors, sections, units per section and floor).
    The first community of a tenant has a 500-unit tower; the others 200 units."""
    if c == 0:
        return [("1", 50, ["1", "2"], 5)]
    return [(str(b), 20, [], 2) for b in range(1, 6)]


@dataclass
class Home:
    unit_id: int
    building_id: int
    org_unit_id: int
    person_ids: list[int]
    phone: str
    name: str


def _communities(ts: TenantSet, t: int, ids: dict, cp: dict, rng: random.Random,
                 names: Names, faker: Faker, now: dt.datetime) -> dict[int, list[Home]]:
    """Communities, buildings, sections, units, zones, people, phones and relations."""
    homes: dict[int, list[Home]] = {}
    community_rows, building_rows, section_rows, unit_rows, zone_rows = [], [], [], [], []
    zone_buildings = []
    person_rows, phone_rows, relation_rows, family_rows = [], [], [], []
    kinds = [CommunityKind.COMMODITY, CommunityKind.COMMODITY, CommunityKind.RESETTLEMENT,
             CommunityKind.VILLA]
    for c, office in enumerate(ts.offices):
        cid = ids["community"].take()
        name = f"{faker.city_name()}{rng.choice(['花园', '苑', '小区', '湾', '府', '公寓'])}{t}{c}"
        pinyin, initials = keys.name_keys(name, person=False)
        org = office.unit.pk
        community_rows.append((cid, ts.tenant.pk, org, name, pinyin, initials,
                               rng.choice(kinds), "浙江省", "杭州市", "西湖区",
                               f"杭州市西湖区{faker.street_name()}{c + 1}号", now, now))
        office.community = Community(pk=cid, tenant_id=ts.tenant.pk, org_unit_id=org)
        community_homes = homes.setdefault(cid, [])
        for number, floors, sections, per_floor in _shape(c):
            bid = ids["building"].take()
            building_rows.append((bid, ts.tenant.pk, org, cid, number, floors,
                                  keys.building_sort_key(number)))
            zid = ids["zone"].take()
            zone_rows.append((zid, ts.tenant.pk, org, cid, f"{number}号楼管家片区",
                              office.staff["keeper"], ""))
            zone_buildings.append((ids["zone_building"].take(), zid, bid))
            office.zones.append(zid)
            for section in sections or [None]:
                sid = None
                if section is not None:
                    sid = ids["section"].take()
                    section_rows.append((sid, ts.tenant.pk, org, bid, section))
                for floor in range(1, floors + 1):
                    for index in range(1, per_floor + 1):
                        room = f"{floor}{index:02d}"
                        uid = ids["unit"].take()
                        home = _household(ts, org, rng, names, ids, person_rows, phone_rows,
                                          relation_rows, family_rows, uid, now)
                        unit_rows.append((uid, ts.tenant.pk, org, cid, bid, sid, floor, room,
                                          keys.room_code(number, section, room),
                                          home[0], Decimal(rng.choice([89, 105, 120, 143])),
                                          now, now))
                        if home[1]:
                            community_homes.append(Home(uid, bid, org, home[1], home[2],
                                                        home[3]))
    cp["community"].write(community_rows)
    cp["building"].write(building_rows)
    cp["section"].write(section_rows)
    cp["unit"].write(unit_rows)
    cp["zone"].write(zone_rows)
    cp["zone_building"].write(zone_buildings)
    cp["person"].write(person_rows)
    cp["phone"].write(phone_rows)
    cp["relation"].write(relation_rows)
    cp["family"].write(family_rows)
    return homes


def _mobile(rng: random.Random) -> str:
    return normalize_phone(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")


def person_row(ts, org, rng, names, ids, person_rows, phone_rows, now) -> tuple[int, str, str]:
    pid = ids["person"].take()
    name, pinyin, initials = names.person()
    number = id_number(rng) if rng.random() < 0.6 else ""
    birthday = id_birthday(number) if number else None
    gender = id_gender(number) if number else ""
    person_rows.append((pid, ts.tenant.pk, org, name, pinyin, initials, gender, birthday,
                        number, rng.choice(["", "教师", "工程师", "企业职员", "退休", "个体经营"]),
                        rng.choice([1, 2, 3, 3, 4, 5]), now, now))
    phone = _mobile(rng)
    phone_rows.append((ids["phone"].take(), ts.tenant.pk, org, pid, phone, last4(phone), True))
    if rng.random() < 0.1:
        second = _mobile(rng)
        if second != phone:
            phone_rows.append((ids["phone"].take(), ts.tenant.pk, org, pid, second,
                               last4(second), False))
    return pid, phone, name


def _household(ts, org, rng, names, ids, person_rows, phone_rows, relation_rows, family_rows,
               unit_id, now):
    """(unit status, people, phone and name of the caller): an owner for most homes, a spouse
    for some, a renter for others — about 1.5 people per unit."""
    roll = rng.random()
    if roll < 0.05:
        return UnitStatus.VACANT, [], "", ""
    since = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3500))
    owner, phone, name = person_row(ts, org, rng, names, ids, person_rows, phone_rows, now)
    people = [owner]
    relation_rows.append((ids["relation"].take(), ts.tenant.pk, org, owner, unit_id,
                          UnitRole.OWNER, since))
    status = UnitStatus.OCCUPIED
    if rng.random() < 0.3:
        spouse, _p, _n = person_row(ts, org, rng, names, ids, person_rows, phone_rows, now)
        people.append(spouse)
        relation_rows.append((ids["relation"].take(), ts.tenant.pk, org, spouse, unit_id,
                              UnitRole.CO_OWNER, since))
        family_rows.append((ids["family"].take(), ts.tenant.pk, org, spouse, owner,
                            FamilyRelation.SPOUSE))
    if rng.random() < 0.2:
        renter, phone, name = person_row(ts, org, rng, names, ids, person_rows, phone_rows, now)
        people.append(renter)
        relation_rows.append((ids["relation"].take(), ts.tenant.pk, org, renter, unit_id,
                              UnitRole.RENTER, since + dt.timedelta(days=400)))
        status = UnitStatus.RENTED
    return status, people, phone, name


def _companies(ts: TenantSet, count: int, ids: dict, cp: dict, names: Names, faker: Faker,
               now: dt.datetime) -> list[tuple[int, str]]:
    """The platform's registry of property companies (the outreach module builds on it):
    their (organisation id, city)."""
    rows, root = [], ts.root.pk
    for n in range(count):
        name = f"{faker.city_name()}{faker.last_name()}{n}物业服务有限公司"
        pinyin, initials = keys.name_keys(name, person=False)
        rows.append((ids["organization"].take(), ts.tenant.pk, root,
                     OrganizationKind.PROPERTY_COMPANY, name, pinyin, initials,
                     faker.city_name(), now, now))
    cp["organization"].write(rows)
    return [(row[0], row[7]) for row in rows]


# --- work orders -------------------------------------------------------------------------

class Desk:
    """The product's own decisions for one tenant, asked once per distinct question."""

    def __init__(self, tenant: Tenant):
        self.tenant = tenant
        self.calendar = calendar_for(tenant.pk)
        self.categories: dict[str, list[Category]] = {}
        for category in Category.objects.filter(tenant=tenant):  # scoped-query-ok: setup
            if not category.children.exists():
                self.categories.setdefault(category.order_type, []).append(category)
        self._priority, self._level, self._rules, self._route = {}, {}, {}, {}

    def priority(self, urgency: str, impact: str, category: Category | None) -> str:
        key = (urgency, impact, category.pk if category else None)
        if key not in self._priority:
            self._priority[key] = (category.default_priority if category and
                                   category.default_priority else
                                   desk.priority_for(self.tenant.pk, urgency, impact))
        return self._priority[key]

    def level(self, order_type: str, priority: str, category: Category | None):
        key = (order_type, priority, category.pk if category else None)
        if key not in self._level:
            self._level[key] = desk.service_level_for(
                self.tenant.pk, order_type=order_type, priority=priority, category=category)
        return self._level[key]

    def rules(self, level):
        if level.pk not in self._rules:
            self._rules[level.pk] = desk.clock_rules(level)
        return self._rules[level.pk]

    def route(self, tenant_id, order_type, category, area, community_id, building_id):
        # The benchmark's rules name no buildings, so the building does not change the answer.
        key = (order_type, category.pk if category else None, area, community_id)
        if key not in self._route:
            self._route[key] = desk.route_for(WorkOrder(
                tenant_id=tenant_id, community_id=community_id, building_id=building_id,
                order_type=order_type, category=category, area=area))
        return self._route[key]


def _plan_times(rng: random.Random, created: dt.datetime):
    """Moments of an order's life: accepted, on site, resolved, called back (minutes)."""
    accept = created + dt.timedelta(minutes=rng.randint(3, 90))
    arrive = accept + dt.timedelta(minutes=rng.randint(10, 240))
    resolve = arrive + dt.timedelta(minutes=rng.randint(20, 60 * 30))
    callback = resolve + dt.timedelta(hours=rng.randint(2, 40))
    return accept, arrive, resolve, callback


OPEN_STATUSES = (Status.NEW, Status.NEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.WAITING,
                 Status.RESOLVED)


def _orders(ts: TenantSet, homes: dict[int, list[Home]], count: int, scale: Scale, ids: dict,
            cp: dict, rng: random.Random, now: dt.datetime, log: Log) -> int:
    """``count`` orders of one tenant over ``scale.days``, with clocks, events, callbacks and
    the contact log entry of the call each came from."""
    d = Desk(ts.tenant)
    ct = ContentType.objects.get_for_model(WorkOrder).pk
    offices = {o.community.pk: o for o in ts.offices}
    keepers = {}
    weights = [w for _t, w in ORDER_TYPES]
    types = [t for t, _w in ORDER_TYPES]
    sequences: dict[dt.date, int] = {}
    start = now - dt.timedelta(days=scale.days)
    community_ids = list(homes)
    span = (now - start).total_seconds()
    # Creation moments sorted so numbers rise with time, as the product hands them out.
    moments = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in range(count))
    batch = {k: [] for k in ("order", "clock", "event", "callback", "contact")}
    written = 0
    for created in moments:
        local = timezone.localtime(created)
        if local.hour < 7:
            created += dt.timedelta(hours=8)
            local = timezone.localtime(created)
        cid = rng.choice(community_ids)
        office = offices[cid]
        home = rng.choice(homes[cid])
        order_type = rng.choices(types, weights)[0]
        category = rng.choice(d.categories.get(order_type) or [None])
        area = (category.default_area if category and category.default_area
                else Area.PRIVATE_UNIT)
        urgency = rng.choice([Level.LOW, Level.MEDIUM, Level.MEDIUM, Level.HIGH])
        impact = rng.choice([Level.LOW, Level.LOW, Level.MEDIUM, Level.HIGH])
        priority = d.priority(urgency, impact, category)
        level = d.level(order_type, priority, category)
        route = d.route(ts.tenant.pk, order_type, category, area, cid, home.building_id)
        department = route.department.pk if route else None
        handler = None
        if route is not None:
            if route.rule.to_housekeeper:
                if home.building_id not in keepers:
                    keeper = desk.housekeeper_of(Unit(pk=home.unit_id,
                                                      building_id=home.building_id))
                    keepers[home.building_id] = keeper.pk if keeper else None
                handler = keepers[home.building_id]
            # Engineering's orders go to one of its technicians; the other departments have
            # no worker of their own in this organisation, so their orders wait for one.
            if handler is None and department == office.departments["engineering"].pk:
                handler = rng.choice([office.staff["tech1"], office.staff["tech2"]])
        day = local.date()
        sequences[day] = sequences.get(day, 0) + 1
        number = desk_shared.order_number(day, sequences[day])
        age = now - created
        closed = age > dt.timedelta(days=10) or rng.random() < 0.5
        accept, arrive, resolve, callback_at = _plan_times(rng, created)
        if closed:
            status = Status.CLOSED if rng.random() > 0.02 else Status.CANCELLED
        else:
            status = rng.choice(OPEN_STATUSES)
            if handler is None:  # nobody has taken it on yet
                status = Status.NEW
        reached = {Status.NEW: 0, Status.ACCEPTED: 1, Status.IN_PROGRESS: 2,
                   Status.WAITING: 2, Status.RESOLVED: 3, Status.CLOSED: 4,
                   Status.CANCELLED: 0}[status]
        moments_of = [accept, arrive, resolve, callback_at]
        last = moments_of[reached - 1] if reached else created
        if last > now:
            status, reached, last = Status.NEW, 0, created
        oid = ids["order"].take()
        phone, name = home.phone, home.name
        batch["order"].append((
            oid, ts.tenant.pk, department or office.unit.pk, number,
            order_type, category.pk if category else None, area, IntakeChannel.PHONE, status,
            cid, home.building_id, home.unit_id if area == Area.PRIVATE_UNIT else None,
            home.person_ids[0], name, phone, SUMMARIES[order_type][oid % len(
                SUMMARIES[order_type])], urgency, impact, priority, level.pk if level else None,
            department, handler if department else None, office.staff["desk"],
            arrive if reached >= 2 else None, "customer" if status == Status.WAITING else "",
            resolve if reached >= 3 else None, "已处理" if reached >= 3 else "",
            callback_at if status == Status.CLOSED else None, created, last))
        # The clocks, from the product's due-time arithmetic.
        stops = {ClockKind.RESPONSE: accept, ClockKind.DISPATCH: accept,
                 ClockKind.ON_SITE: arrive, ClockKind.RESOLUTION: resolve}
        for clock in (d.rules(level) if level else []):
            times = sla.clock_times(d.calendar, clock.unit, clock.amount, created,
                                    level.warning_share)
            stop = stops.get(clock.kind)
            done_by = {ClockKind.RESPONSE: 1, ClockKind.DISPATCH: 1, ClockKind.ON_SITE: 2,
                       ClockKind.RESOLUTION: 3}.get(clock.kind, 3)
            if status == Status.CANCELLED:
                state, stopped = ClockState.CANCELLED, created + dt.timedelta(hours=1)
            elif reached >= done_by:
                state = ClockState.MET if stop <= times.due_at else ClockState.MISSED
                stopped = stop
            elif status == Status.WAITING:
                state, stopped = ClockState.PAUSED, None
            else:
                state, stopped = ClockState.RUNNING, None
            breached = times.due_at if (state == ClockState.MISSED or (
                state == ClockState.RUNNING and times.due_at < now - dt.timedelta(hours=1))
            ) else None
            warned = times.warn_at if (breached or (stopped and stopped > times.warn_at)
                                       or (not stopped and times.warn_at < now)) else None
            batch["clock"].append((ids["clock"].take(), ts.tenant.pk, oid, clock.kind,
                                   clock.unit, clock.amount, state, created, times.due_at,
                                   times.warn_at, warned, breached,
                                   last if state == ClockState.PAUSED else None, stopped))
        # The timeline: registered and routed, then one event per move made.
        actor = office.staff["desk"]
        events = [("work_order.registered", created, actor, "", Status.NEW),
                  ("work_order.routed" if route else "work_order.unrouted", created, None, "",
                   "")]
        steps = [("work_order.accept", accept, Status.NEW, Status.ACCEPTED),
                 ("work_order.arrive", arrive, Status.ACCEPTED, Status.IN_PROGRESS),
                 ("work_order.resolve", resolve, Status.IN_PROGRESS, Status.RESOLVED),
                 ("work_order.callback", callback_at, Status.RESOLVED, Status.CLOSED)]
        for verb, at, old, new in steps[:reached]:
            events.append((verb, at, handler, old, new))
        if status == Status.CANCELLED:
            events.append(("work_order.cancel", created + dt.timedelta(hours=1), actor,
                           Status.NEW, Status.CANCELLED))
        for verb, at, who, old, new in events:
            batch["event"].append((ids["event"].take(), ts.tenant.pk, ct, oid, verb, who,
                                   Channel.WEB, old, new, at))
        if reached >= 3:
            done = status == Status.CLOSED
            satisfaction = rng.choice([5, 5, 5, 4, 4, 3]) if done else None
            batch["callback"].append((
                ids["callback"].take(), ts.tenant.pk, office.unit.pk, oid,
                CallbackStatus.DONE if done else CallbackStatus.DUE,
                resolve + dt.timedelta(hours=level.callback_hours if level else 24),
                1 if done else 0, CallbackOutcome.DONE if done else "", satisfaction,
                office.staff["desk"] if done else None, callback_at if done else None,
                resolve, callback_at if done else resolve))
        batch["contact"].append((ids["contact"].take(), ts.tenant.pk, office.unit.pk,
                                 ContactChannel.PHONE, created, cid, home.unit_id,
                                 home.person_ids[0], name, phone,
                                 SUMMARIES[order_type][0], office.staff["desk"], oid,
                                 created, created))
        if len(batch["order"]) >= 20_000:
            written += _flush(batch, cp)
            log(f"  {ts.tenant.code}: {written:,} orders")
    written += _flush(batch, cp)
    OrderSequence.objects.bulk_create(
        [OrderSequence(tenant=ts.tenant, day=day, last=last) for day, last in sequences.items()],
        batch_size=2000)
    return written


def _flush(batch: dict[str, list], cp: dict) -> int:
    n = len(batch["order"])
    for key in ("order", "clock", "event", "callback", "contact"):
        cp[key].write(batch[key])
        batch[key].clear()
    return n


# --- the whole set -----------------------------------------------------------------------

def copiers() -> dict[str, Copier]:
    zone_buildings = Zone.buildings.through
    return {
        "user": Copier(User, ["id", "username", "password", "tenant_id", "display_name",
                              "is_active"]),
        "membership": Copier(Membership, ["id", "tenant_id", "user_id", "org_unit_id",
                                          "role_id"]),
        "community": Copier(Community, ["id", "tenant_id", "org_unit_id", "name",
                                        "name_pinyin", "name_initials", "kind", "province",
                                        "city", "district", "address", "created_at",
                                        "updated_at"]),
        "building": Copier(Building, ["id", "tenant_id", "org_unit_id", "community_id",
                                      "number", "floors_above", "sort_key"]),
        "section": Copier(Section, ["id", "tenant_id", "org_unit_id", "building_id",
                                    "number"]),
        "unit": Copier(Unit, ["id", "tenant_id", "org_unit_id", "community_id",
                              "building_id", "section_id", "floor", "number", "room_code",
                              "status", "built_area", "created_at", "updated_at"]),
        "zone": Copier(Zone, ["id", "tenant_id", "org_unit_id", "community_id", "name",
                              "housekeeper_id", "public_phone"]),
        "zone_building": Copier(zone_buildings, ["id", "zone_id", "building_id"]),
        "person": Copier(Person, ["id", "tenant_id", "org_unit_id", "name", "name_pinyin",
                                  "name_initials", "gender", "birthday", "id_number",
                                  "occupation", "household_size", "created_at",
                                  "updated_at"]),
        "phone": Copier(PersonPhone, ["id", "tenant_id", "org_unit_id", "person_id",
                                      "number", "last4", "is_preferred"]),
        "relation": Copier(UnitRelation, ["id", "tenant_id", "org_unit_id", "person_id",
                                          "unit_id", "role", "start_date"]),
        "family": Copier(PersonRelation, ["id", "tenant_id", "org_unit_id", "person_id",
                                          "relative_id", "kind"]),
        "organization": Copier(Organization, ["id", "tenant_id", "org_unit_id", "kind",
                                              "name", "name_pinyin", "name_initials", "city",
                                              "created_at", "updated_at"]),
        "order": Copier(WorkOrder, [
            "id", "tenant_id", "org_unit_id", "number", "order_type", "category_id", "area",
            "channel", "status", "community_id", "building_id", "unit_id", "person_id",
            "caller_name", "caller_phone", "summary", "urgency", "impact", "priority",
            "service_level_id", "department_id", "handler_id", "registered_by_id",
            "arrived_at", "waiting_on", "resolved_at", "resolution", "closed_at",
            "created_at", "updated_at"]),
        "clock": Copier(WorkOrderClock, [
            "id", "tenant_id", "work_order_id", "kind", "unit", "amount", "state",
            "started_at", "due_at", "warn_at", "warned_at", "breached_at", "paused_since",
            "stopped_at"]),
        "event": Copier(DomainEvent, ["id", "tenant_id", "subject_type_id", "subject_id",
                                      "verb", "actor_id", "channel", "old_value",
                                      "new_value", "occurred_at"]),
        "callback": Copier(Callback, [
            "id", "tenant_id", "org_unit_id", "work_order_id", "status", "due_at", "attempts",
            "outcome", "satisfaction", "called_by_id", "called_at", "created_at",
            "updated_at"]),
        "contact": Copier(ContactLog, [
            "id", "tenant_id", "org_unit_id", "channel", "occurred_at", "community_id",
            "unit_id", "person_id", "caller_name", "caller_phone", "content", "handled_by_id",
            "work_order_id", "created_at", "updated_at"]),
    }


ID_MODELS = {"user": User, "membership": Membership, "community": Community,
             "building": Building, "section": Section, "unit": Unit, "zone": Zone,
             "zone_building": Zone.buildings.through, "person": Person, "phone": PersonPhone,
             "relation": UnitRelation, "family": PersonRelation, "organization": Organization,
             "order": WorkOrder, "clock": WorkOrderClock, "event": DomainEvent,
             "callback": Callback, "contact": ContactLog}


# The tables the volume goes into: their plain indexes are built once, after the load.
VOLUME_MODELS = [Unit, Person, PersonPhone, UnitRelation, PersonRelation, WorkOrder,
                 WorkOrderClock, DomainEvent, Callback, ContactLog]


@dataclass
class Generated:
    tenants: list[TenantSet]
    counts: dict[str, int]
    seconds: float


def generate(scale: Scale, out: Callable[[str], None] = print) -> Generated:
    log = Log(out)
    rng = random.Random(SEED)  # noqa: S311 (benchmark data, not secrets)
    faker = Faker("zh_CN")
    faker.seed_instance(SEED)
    names = Names(faker)
    now = timezone.now().replace(microsecond=0)
    tenants = []
    for t in range(scale.tenants):
        with transaction.atomic():
            tenants.append(_tenant(t + 1, scale, log))
    ids = {key: Ids(model) for key, model in ID_MODELS.items()}
    cp = copiers()
    per_tenant = scale.orders // scale.tenants
    outreach: dict[str, int] = {}
    with DeferredIndexes(VOLUME_MODELS):
        for t, ts in enumerate(tenants):
            with transaction.atomic():
                _staff(ts, ids, cp)
                homes = _communities(ts, t + 1, ids, cp, rng, names, faker, now)
                ids["user"].sync()
                _configure(ts)
                if t == 0:
                    companies = _companies(ts, scale.companies, ids, cp, names, faker, now)
                    outreach = partners.write(
                        tenant_id=ts.tenant.pk, org_unit_id=ts.root.pk, caller_id=ts.admin.pk,
                        companies=companies, agents=scale.agents, campaigns=scale.campaigns,
                        ids=ids, organization_copier=cp["organization"], rng=rng, now=now)
                    log(f"{ts.tenant.code}: {outreach['partner']:,} partners, "
                        f"{outreach['call_attempt']:,} call attempts")
                    _articles(ts, scale.articles, rng, log)
                log(f"{ts.tenant.code}: directory written ({cp['unit'].count:,} units, "
                    f"{cp['person'].count:,} people so far)")
            with transaction.atomic():
                _orders(ts, homes, per_tenant, scale, ids, cp, rng, now, log)
            log(f"{ts.tenant.code}: {cp['order'].count:,} orders, "
                f"{cp['event'].count:,} events so far")
        log("building the indexes")
    developer = sales.write(leads=scale.leads, projects=scale.sales_projects, days=scale.days,
                            ids=ids, directory=cp, names=names, rng=rng, now=now, log=log)
    for counter in ids.values():
        counter.sync()
    with connection.cursor() as cursor:
        # Vacuumed as a live database is: left to autovacuum, the freshly written set was
        # vacuumed while the first run measured it, and never in the copies later runs
        # measure (a copy's statistics start at zero).
        cursor.execute("VACUUM (ANALYZE)")
    counts = {key: c.count for key, c in cp.items()} | outreach | developer
    log(f"done: {counts}")
    return Generated(tenants, counts, time.monotonic() - log.started)
