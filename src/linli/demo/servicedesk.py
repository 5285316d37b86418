"""Demo stage of the service desk (SVC-1 … SVC-12): the seed configuration per management
office, the desk staff the demo logins work with, and a year of work orders, callbacks and
contact-log entries replayed through the service-desk services.

Everything is written by the product's own services — intake, routing, dispatch, the
lifecycle moves, callbacks, rework, replies, quotes, the SLA scan and the outbox — so the
history (events, clocks, breaches, escalations, notices) is the one the product would have
written had the desk worked that year. The replay is deterministic (fixed seed; the moments
are counted back from the time the stage runs) and idempotent: when the tenant has work
orders already, nothing is added.

Volume: ``DEMO_WORK_ORDERS`` (environment, else the Django setting of that name) sets how
many calls become work orders; see ``DEFAULT_ORDERS``.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from faker import Faker

from linli.accounts import selectors as account_selectors
from linli.accounts import services as accounts
from linli.accounts.models import OrgUnit, User
from linli.celery import app as celery_app
from linli.core.notifications import selectors as outbox_selectors
from linli.core.notifications import services as outbox
from linli.core.request_context import Channel, acting
from linli.demo.directory import COMMUNITIES
from linli.demo.field_pictures import demo_photo, demo_signature
from linli.demo.generator import SEED, DemoContext, MobileProvider, register_stage
from linli.directory.selectors import people as people_selectors
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors as desk
from linli.servicedesk import services as sd
from linli.servicedesk.choices import (
    SELF_SERVICE_CHANNELS,
    Area,
    CallbackOutcome,
    ClockState,
    ComplaintSubject,
    ContactChannel,
    ContactDirection,
    IntakeChannel,
    Level,
    OrderType,
    Severity,
    WaitingOn,
)
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.states import FINAL, Status

logger = logging.getLogger(__name__)

# Every order goes through intake, routing and five to ten moves of the real services: on a
# two-core machine that is 5–8 orders a second, so 1,000 keep this stage near two minutes
# (DEMO_WORK_ORDERS=20000, the volume of a busy desk's year, takes about 45–60 minutes).
DEFAULT_ORDERS = 1000
# The test suite builds the demo several times; 150 orders show every path.
TESTING_ORDERS = 150
DAYS = 365
TICK = dt.timedelta(hours=3)  # how often the replay's worker delivers the outbox
SCAN_LAG = dt.timedelta(minutes=1)  # the SLA scan runs every minute (SLA_SCAN_SECONDS)
DUTY = (8, 20)  # the desk and the departments work 08:00–20:00 every day; urgent work is 24 h

P, W, A, E = IntakeChannel.PHONE, IntakeChannel.WALK_IN, IntakeChannel.APP, IntakeChannel.EMAIL
PATROL, PLAN, API = IntakeChannel.PATROL, IntakeChannel.MAINTENANCE_PLAN, IntakeChannel.API
HIGH, MEDIUM, LOW = Level.HIGH, Level.MEDIUM, Level.LOW
PRIVATE, PUBLIC, FACILITY = Area.PRIVATE_UNIT, Area.PUBLIC_AREA, Area.PUBLIC_FACILITY


# --- the desk staff -------------------------------------------------------------------------

# (username, name, org unit key, role code): the staff besides the demo logins — the heads of
# the other departments, two more technicians, and the second office's desk. They have no
# password (nobody signs in as them); they are there so that every routing rule finds a
# handler and the demo logins see a working office around them.
STAFF = [
    ("cuihu.service.lead", "林静", "jinhua.cuihu.service", "department-supervisor"),
    ("cuihu.security.lead", "秦勇", "jinhua.cuihu.security", "department-supervisor"),
    ("cuihu.environment.lead", "何丽", "jinhua.cuihu.environment", "department-supervisor"),
    ("cuihu.finance.lead", "钱敏", "jinhua.cuihu.finance", "department-supervisor"),
    ("cuihu.plumber", "张师傅", "jinhua.cuihu.engineering", "technician"),
    ("cuihu.electrician", "王师傅", "jinhua.cuihu.engineering", "technician"),
    ("fenglin.desk", "苏晓梅", "jinhua.fenglin", "front-desk"),
    ("fenglin.manager", "黄建华", "jinhua.fenglin", "project-manager"),
    ("fenglin.service.lead", "郭芳", "jinhua.fenglin.service", "department-supervisor"),
    ("fenglin.engineering.lead", "马国强", "jinhua.fenglin.engineering",
     "department-supervisor"),
    ("fenglin.technician", "刘师傅", "jinhua.fenglin.engineering", "technician"),
    ("fenglin.technician2", "周师傅", "jinhua.fenglin.engineering", "technician"),
]
DEPARTMENTS = ("service", "engineering", "security", "environment", "finance")
DESK_LOGINS = ("frontdesk", "dispatcher", "supervisor", "technician", "manager")


@dataclass
class Office:
    """One management office and who does what there."""

    desk: User  # registers, answers, verifies contacts, calls back, cancels
    dispatcher: User  # dispatches what no rule routed, registers patrol findings
    manager: User  # approves complaint replies, escalates
    departments: dict[str, OrgUnit]
    heads: dict[str, User]
    technicians: list[tuple[User, int]]
    communities: list = field(default_factory=list)

    def department_key(self, org_unit_id: int | None) -> str | None:
        for key, unit in self.departments.items():
            if unit.pk == org_unit_id:
                return key
        return None

    def owner(self, key: str) -> str:
        """The department that takes ``key``'s work here (the service department when the
        office has no such department)."""
        return key if key in self.departments else "service"


# --- what residents call about --------------------------------------------------------------

@dataclass(frozen=True)
class Kind:
    order_type: str
    category: tuple[str, ...] | None
    area: str
    weight: float
    summaries: tuple[str, ...]
    outcomes: tuple[str, ...]
    owner: str
    channels: tuple[tuple[str, int], ...]
    urgency: str = MEDIUM
    impact: str = LOW
    subject: str = ""
    price: tuple[int, int] | None = None
    # Routed to the wrong department, which returns it to the dispatcher (no rule of its own)
    # or transfers it on to ``owner`` (a rule that is right most of the time).
    misrouted: str = ""


PRIVATE_CALLS = ((P, 62), (W, 12), (A, 22), (E, 2), (API, 2))
PUBLIC_CALLS = ((P, 35), (PATROL, 40), (A, 15), (PLAN, 10))
DESK_CALLS = ((P, 65), (W, 25), (A, 10))

# What a repair of a category uses, as the worker records it on site (SVC-14).
FIELD_MATERIALS = {
    "漏水": ("PPR 水管接头", 2, "个"),
    "电路故障": ("空气开关 C16", 1, "个"),
    "门窗": ("门锁锁芯", 1, "个"),
    "公共照明": ("LED 灯管 18W", 2, "根"),
    "管道疏通": ("疏通剂", 1, "瓶"),
}

KINDS = [
    Kind(OrderType.REPAIR, ("水电", "漏水"), PRIVATE, 14,
         ("卫生间天花板漏水", "厨房水槽下水管渗水", "楼上渗水到客厅吊顶", "阳台地漏反水",
          "热水器进水管接头滴水", "主卧卫生间墙面渗水"),
         ("更换老化的进水管接头，已止漏", "重做地漏密封并做闭水试验",
          "协调楼上住户关阀，修复防水层", "更换下水管弯头，已试水无渗漏"),
         "engineering", PRIVATE_CALLS, HIGH, MEDIUM),
    Kind(OrderType.REPAIR, ("水电", "停水"), FACILITY, 2,
         ("整栋楼停水", "高层水压过低", "二次供水泵房报警"),
         ("更换二次供水泵止回阀，已恢复供水", "排除管网气堵，水压恢复正常"),
         "engineering", ((P, 60), (PATROL, 25), (A, 15)), HIGH, HIGH),
    Kind(OrderType.REPAIR, ("水电", "电路故障"), PRIVATE, 10,
         ("家里跳闸无法合闸", "卧室插座没电", "入户电表箱空开跳闸", "卫生间浴霸不工作"),
         ("更换漏电保护开关，恢复供电", "查出插座短路并更换", "紧固电表箱接线端子"),
         "engineering", PRIVATE_CALLS),
    Kind(OrderType.REPAIR, ("门窗",), PRIVATE, 9,
         ("入户门锁芯卡死", "窗户关不严漏风", "阳台推拉门滑轮损坏", "防盗门闭门器漏油"),
         ("更换锁芯并交付新钥匙", "调整窗扇合页，更换密封条", "更换推拉门滑轮", "更换闭门器"),
         "engineering", PRIVATE_CALLS, LOW, LOW),
    Kind(OrderType.REPAIR, ("电梯",), FACILITY, 5.5,
         ("电梯运行异响", "电梯按键失灵", "电梯门关闭不严"),
         ("电梯维保单位到场调整门机，运行正常", "更换按键板", "清理地坎异物，调整门刀"),
         "engineering", ((P, 45), (PATROL, 20), (PLAN, 35)), MEDIUM, MEDIUM),
    Kind(OrderType.REPAIR, ("电梯",), FACILITY, 0.5,
         ("电梯困人",),
         ("维保人员到场释放被困人员，电梯已检修恢复",),
         "engineering", ((P, 100),), HIGH, HIGH),
    Kind(OrderType.REPAIR, ("公共照明",), PUBLIC, 8,
         ("楼道灯不亮", "地下车库照明故障", "楼前路灯不亮", "单元门禁灯箱不亮"),
         ("更换LED灯管", "更换声控开关", "修复线路接头，照明恢复"),
         "engineering", PUBLIC_CALLS, LOW, LOW),
    Kind(OrderType.CONSULTATION, ("装修手续",), PRIVATE, 5,
         ("装修需要办理哪些手续", "装修押金何时退还", "周末能否装修施工"),
         ("已告知：携带身份证、房产证和装修图纸到客服中心办理装修登记",
          "已告知：竣工验收合格后15个工作日内退还装修押金",
          "已告知：周末及节假日禁止产生噪音的施工"),
         "service", DESK_CALLS),
    Kind(OrderType.CONSULTATION, ("停车与门禁卡",), PRIVATE, 5,
         ("如何办理停车月卡", "门禁卡丢失如何补办", "访客车辆如何登记"),
         ("已告知：凭行驶证和房产证到客服中心办理停车月卡",
          "已告知：携带身份证到客服中心补办，工本费20元", "已告知：访客车辆在岗亭登记后放行"),
         "service", DESK_CALLS),
    Kind(OrderType.CONSULTATION, ("缴费",), PRIVATE, 4,
         ("物业费如何线上缴纳", "物业费发票怎么开", "预存物业费有没有优惠"),
         ("已告知：通过邻里公众号“生活缴费”栏目在线缴纳", "已告知：缴费后在公众号申请电子发票",
          "已告知：预存一年物业费赠送两个月停车费"),
         "finance", DESK_CALLS),
    Kind(OrderType.CONSULTATION, None, PUBLIC, 2,
         ("小区周边有哪些学校", "快递柜在哪里", "小区泳池开放时间"),
         ("已告知周边学校及招生片区信息", "已告知快递柜位于各楼栋北侧", "已告知泳池夏季开放时间"),
         "service", DESK_CALLS, misrouted="return"),
    Kind(OrderType.COMPLAINT, ("秩序安全",), PUBLIC, 3,
         ("外来车辆占用消防通道", "夜间有人在楼下喧哗", "装修超时施工噪音扰民",
          "门岗未登记放行外来人员", "电动车在楼道充电"),
         ("已安排秩序部加强巡查并清理占道车辆", "已上门劝导并登记在案", "已约谈施工方并处罚",
          "已对当班门岗进行培训考核"),
         "security", ((P, 60), (W, 20), (A, 15), (E, 5))),
    Kind(OrderType.COMPLAINT, ("秩序安全",), PUBLIC, 1,
         ("楼道堆放杂物影响通行",),
         ("环境部已清理楼道杂物并张贴提示",),
         "environment", ((P, 70), (W, 30)), misrouted="transfer"),
    Kind(OrderType.COMPLAINT, ("环境卫生",), PUBLIC, 3,
         ("垃圾桶满溢未及时清运", "楼道有异味长期无人打扫", "绿化带杂草丛生", "地下车库积水发臭"),
         ("已增加垃圾清运频次至每日两次", "已安排保洁深度清洁并加强检查", "已完成绿化修剪"),
         "environment", ((P, 60), (W, 20), (A, 20))),
    Kind(OrderType.COMPLAINT, ("收费",), PRIVATE, 1.5,
         ("物业费账单金额有误", "车位管理费重复扣费", "水费读数明显偏高"),
         ("核实后已更正账单", "已退还重复扣费", "已复核水表读数并更正"),
         "finance", ((P, 70), (W, 30))),
    Kind(OrderType.COMPLAINT, ("房屋质量",), PRIVATE, 1.5,
         ("外墙渗水导致卧室墙面发霉", "客厅地面空鼓开裂", "窗框密封胶老化漏雨"),
         ("已转开发商维修，外墙已重做防水", "开发商已安排维修地面", "已协调开发商更换密封胶"),
         "service", ((P, 60), (W, 40)), subject=ComplaintSubject.HOUSING_QUALITY),
    Kind(OrderType.COMPLAINT, ("服务态度",), PRIVATE, 1.5,
         ("门岗保安态度恶劣", "前台接电话不耐烦", "维修师傅上门未穿鞋套"),
         ("已对当事员工进行教育并向业主致歉", "已组织客服礼仪培训", "已重申上门服务规范"),
         "service", ((P, 70), (W, 30))),
    Kind(OrderType.SUGGESTION, ("物业服务",), PUBLIC, 4,
         ("建议增加快递柜", "建议儿童游乐区增加遮阳棚", "建议地下车库增加充电桩",
          "建议延长门岗夜间值守"),
         ("感谢建议，已纳入下季度改进计划", "已提交业委会讨论", "已采纳，预计下月实施"),
         "service", ((A, 40), (W, 20), (P, 20), (E, 20))),
    Kind(OrderType.SUGGESTION, None, FACILITY, 1.5,
         ("建议健身区增设饮水机", "建议更换老旧健身器材"),
         ("已纳入年度设施更新计划", "已报公司审批采购"),
         "service", ((A, 50), (W, 50))),
    Kind(OrderType.PRAISE, ("员工表扬",), PRIVATE, 5,
         ("感谢维修师傅及时上门修好水管", "保安帮忙搬运重物", "管家热心帮助独居老人",
          "保洁阿姨拾金不昧"),
         ("已向当事员工转达表扬，并在月度例会通报",),
         "service", DESK_CALLS),
    Kind(OrderType.PAID_SERVICE, ("家电维修",), PRIVATE, 4,
         ("空调不制冷需上门维修", "洗衣机不排水", "油烟机噪音大需清洗"),
         ("空调补充冷媒，制冷恢复", "更换洗衣机排水泵", "油烟机拆洗完成"),
         "engineering", ((P, 70), (A, 20), (W, 10)), price=(120, 380)),
    Kind(OrderType.PAID_SERVICE, ("管道疏通",), PRIVATE, 4,
         ("厨房下水道堵塞", "马桶堵塞", "卫生间地漏堵塞"),
         ("疏通厨房下水管道", "疏通马桶并清理异物", "疏通地漏并更换防臭芯"),
         "engineering", ((P, 75), (A, 15), (W, 10)), price=(80, 200)),
]

ANSWERED_CALLS = ("咨询快递柜位置，已告知", "询问本周停水安排，已解答",
                  "询问物业费缴费截止日期，已告知", "咨询宠物登记办法，已告知",
                  "来电查询快递代收，已转门岗", "询问小区开放日活动，已告知")
VISITS = ("来访领取门禁卡", "来访办理装修登记", "来访办理停车月卡续费", "来访咨询房屋出租备案")
OUTBOUND_CALLS = ("通知明日上午停水检修", "提醒缴纳本季度物业费", "通知领取快递柜滞留包裹",
                  "回电告知报修进度")
SATISFACTION = ((5, 62), (4, 26), (3, 7), (2, 3), (1, 2))
CALLBACK_OUTCOMES = ((CallbackOutcome.DONE, 86), (CallbackOutcome.REFUSED, 2),
                     (CallbackOutcome.NO_ANSWER, 9), (CallbackOutcome.UNREACHABLE, 3))
SCORE_COMMENTS = {5: "非常满意", 4: "满意", 3: "一般", 2: "问题没有彻底解决",
                  1: "很不满意，问题依旧"}
OUTCOME_COMMENTS = {CallbackOutcome.REFUSED: "业主不愿接受回访",
                    CallbackOutcome.NO_ANSWER: "无人接听",
                    CallbackOutcome.UNREACHABLE: "号码无法接通"}
HOUR_WEIGHTS = (0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2, 6, 10, 10, 8, 5, 6, 8, 8, 8, 7, 6, 5, 4,
                3, 1.5, 0.5)


@dataclass
class Household:
    unit: object
    person: object
    phone: str

    @property
    def where(self) -> str:
        unit = self.unit
        section = f"{unit.section.number}单元" if unit.section_id else ""
        return f"{unit.building.number}号楼{section}"


@dataclass
class Call:
    """One planned contact that becomes a work order."""

    at: dt.datetime
    office: Office
    community: object
    kind: Kind
    household: Household
    channel: str
    summary: str
    repeat_of: Call | None = None
    # Work in hand today: the first step of the order's life that has not happened yet.
    hold: str = ""
    worker: User | None = None  # who the supervisor gives it to
    appointment: bool = False  # the worker agrees a visit instead of going at once


# The 翠湖苑 desk's work in hand when the replay ends (minutes before now, type, category,
# channel, the step not taken yet, details): the supervisor's new orders (one an urgent
# leak past its clocks), the technician's accepted and scheduled jobs, two contacts in
# quarantine, an order no rule routed, a formal complaint (the same owner's second call),
# and yesterday's resolved orders waiting for their callbacks.
BOARD = [
    (35, OrderType.REPAIR, ("水电", "漏水"), P, "assign", {}),
    (80, OrderType.REPAIR, ("门窗",), P, "assign", {}),
    (150, OrderType.REPAIR, ("水电", "电路故障"), P, "arrive", {"technician": True}),
    (210, OrderType.REPAIR, ("门窗",), W, "arrive", {"technician": True, "appointment": True}),
    (50, OrderType.REPAIR, ("水电", "漏水"), A, "verify", {}),
    (120, OrderType.SUGGESTION, ("物业服务",), A, "verify", {}),
    (25, OrderType.SUGGESTION, None, W, "dispatch", {}),
    (240, OrderType.COMPLAINT, ("环境卫生",), P, "reply", {}),
    (140, OrderType.COMPLAINT, ("环境卫生",), P, "reply", {"repeats": 7}),
    (20 * 60, OrderType.CONSULTATION, ("停车与门禁卡",), P, "call_back", {}),
    (22 * 60, OrderType.REPAIR, ("公共照明",), P, "call_back", {}),
]


# --- the replay clock -----------------------------------------------------------------------

class SimulatedClock:
    """Stands in for ``django.utils.timezone.now`` while the demo replays a past year.

    The lifecycle services stamp every move with ``timezone.now()``, as they must in the
    product: nobody may back-date an arrival or a callback. To write a year of history through
    those same services, the replay swaps ``timezone.now`` for this clock, sets it to each
    step's moment before running the step, and puts the real function back when it ends (also
    on error). The swap lasts only while ``demo_data`` replays, inside this stage's
    transaction; that command serves no requests and runs no worker meanwhile.
    """

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@contextmanager
def simulated_time(start: dt.datetime) -> Iterator[SimulatedClock]:
    clock = SimulatedClock(start)
    real = timezone.now
    sms_log = logging.getLogger("linli.core.notifications.sms")
    sms_level = sms_log.level
    # Each replayed SMS would log one line: a year of them would bury the demo's output.
    sms_log.setLevel(logging.WARNING)
    timezone.now = clock
    try:
        yield clock
    finally:
        timezone.now = real
        sms_log.setLevel(sms_level)


def _deliver_inline_on_commit() -> tuple[Callable[[], None], Callable[[], None]]:
    """Queue-free delivery when this stage commits.

    ``notify`` queues one delivery task per SMS once the transaction commits. The replay has
    delivered them all already (as the worker would have, at the time), so each task would
    only find its message sent; a year of them would leave thousands of files in the embedded
    broker for the worker to skip. These two callbacks, first and last in the commit queue,
    run those tasks in-process for the length of the queue.
    """
    previous = celery_app.conf.task_always_eager

    trace_log = logging.getLogger("celery.app.trace")  # one "succeeded" line per task
    level = trace_log.level

    def start() -> None:
        celery_app.conf.task_always_eager = True
        trace_log.setLevel(logging.WARNING)

    def stop() -> None:
        celery_app.conf.task_always_eager = previous
        trace_log.setLevel(level)

    return start, stop


# --- the stage ------------------------------------------------------------------------------

def order_count() -> int:
    raw = os.environ.get("DEMO_WORK_ORDERS", "").strip()
    if raw:
        if not raw.isdigit():
            raise ValueError(f"DEMO_WORK_ORDERS must be a whole number of orders, not {raw!r}")
        return int(raw)
    default = TESTING_ORDERS if getattr(settings, "TESTING", False) else DEFAULT_ORDERS
    return int(getattr(settings, "DEMO_WORK_ORDERS", default))


def servicedesk_stage(ctx: DemoContext) -> None:
    """锦华物业's desk: staff, the seed configuration per office and community, and — once,
    when the tenant has no work orders yet — the replayed year."""
    tenant = ctx.tenants["jinhua"]
    admin = ctx.users["admin"]
    faker = Faker("zh_CN")
    faker.add_provider(MobileProvider)
    faker.seed_instance(SEED + 30)  # this stage's own stream: the same whatever ran before
    staff = _staff(ctx, faker)
    offices = _offices(ctx, staff)
    for office in offices.values():
        for community in office.communities:
            counts = sd.servicedesk_defaults_install(
                actor=office.manager, tenant=tenant,
                departments=office.departments, community=community)
            if any(counts.values()):
                ctx.report.reused = False
    count = order_count()
    if not count or desk.work_order_list(admin).exists():
        return
    ctx.report.reused = False
    started = time.monotonic()
    replay = Replay(ctx, offices, admin, seed=SEED + 31)
    replay.plan(count)
    start, stop = _deliver_inline_on_commit()
    transaction.on_commit(start)
    replay.run()
    transaction.on_commit(stop)
    seconds = time.monotonic() - started
    stats = replay.stats
    ctx.log(f"  {stats['orders']} work orders ({stats['reworks']} rework), "
            f"{stats['callbacks']} callback calls, {stats['contact_logs']} contact-log "
            f"entries in {seconds:.0f} s ({stats['orders'] / max(seconds, 0.001):.0f} orders/s)")
    if stats["refused"]:
        ctx.log(f"  {stats['refused']} replayed moves were refused (see the log)")


def _staff(ctx: DemoContext, faker: Faker) -> dict[str, User]:
    tenant, admin = ctx.tenants["jinhua"], ctx.users["admin"]
    roles = {r.code: r for r in account_selectors.role_choices(admin)}
    made = {}
    for username, name, unit_key, role_code in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            ctx.report.reused = False
            user = accounts.user_create(
                actor=None, tenant=tenant, username=username, password=None,
                display_name=name, email=f"{username}@demo.linli.example",
                mobile=faker.phone_number(), org_unit=ctx.units[unit_key],
                role=roles[role_code])
        made[username] = user
    return made


def _offices(ctx: DemoContext, staff: dict[str, User]) -> dict[str, Office]:
    u = ctx.users
    offices = {
        "jinhua.cuihu": Office(
            desk=u["frontdesk"], dispatcher=u["dispatcher"],
            manager=u["manager"],
            departments={k: ctx.units[f"jinhua.cuihu.{k}"] for k in DEPARTMENTS},
            heads={"engineering": u["supervisor"], "service": staff["cuihu.service.lead"],
                   "security": staff["cuihu.security.lead"],
                   "environment": staff["cuihu.environment.lead"],
                   "finance": staff["cuihu.finance.lead"]},
            technicians=[(u["technician"], 45), (staff["cuihu.plumber"], 30),
                         (staff["cuihu.electrician"], 25)]),
        "jinhua.fenglin": Office(
            desk=staff["fenglin.desk"], dispatcher=staff["fenglin.desk"],
            manager=staff["fenglin.manager"],
            departments={k: ctx.units[f"jinhua.fenglin.{k}"] for k in ("service", "engineering")},
            heads={"engineering": staff["fenglin.engineering.lead"],
                   "service": staff["fenglin.service.lead"]},
            technicians=[(staff["fenglin.technician"], 60), (staff["fenglin.technician2"], 40)]),
    }
    communities = {c.name: c for c in property_selectors.community_list(ctx.users["admin"])}
    for name, _kind, unit_key, *_rest in COMMUNITIES:
        offices[unit_key].communities.append(communities[name])
    return offices


# --- the replay -----------------------------------------------------------------------------

# Share of the calls each community makes (by size: 翠湖苑 has about 2,000 homes).
COMMUNITY_SHARE = {"翠湖苑": 62, "枫林湾": 30, "云栖别墅": 8}


class Replay:
    """Plays a year of the desk forward: planned calls and every later step run in time
    order on the simulated clock; steps that would fall after now are still to come, so the
    orders they belong to are open today."""

    def __init__(self, ctx: DemoContext, offices: dict[str, Office], admin: User, *, seed: int):
        self.ctx = ctx
        self.offices = offices
        self.admin = admin
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.end = timezone.now()
        self.start = self.end - dt.timedelta(days=DAYS)
        self.tz = timezone.get_default_timezone()
        self.heap: list = []
        self.seq = 0
        self.stats: Counter = Counter()
        self.scanned_at: dt.datetime | None = None
        self.households = {}
        self.office_of = {}
        self.communities = {c.name: c for o in offices.values() for c in o.communities}
        self.users = {}
        for office in offices.values():
            for user in (office.desk, office.dispatcher, office.manager, *office.heads.values(),
                         *(t for t, _w in office.technicians)):
                self.users[user.pk] = user
            for community in office.communities:
                self.office_of[community.pk] = office
                self.households[community.pk] = self._households(community)
        self.urgent_levels = {level.pk for level in desk.service_level_list(admin)
                              if level.code in ("urgent", "urgent-repair")}
        self.categories = {}
        for category in desk.category_list(admin).order_by("pk"):
            path, node = [], category
            while node is not None:
                path.insert(0, node.name)
                node = node.parent
            self.categories[(category.order_type, tuple(path))] = category

    def _households(self, community) -> list[Household]:
        relations = (people_selectors.unit_relation_list(self.admin, current=True)
                     .filter(unit__community=community)
                     .select_related("person", "unit__building", "unit__section")
                     .prefetch_related("person__phones").order_by("pk"))
        found = []
        for relation in relations:
            phones = sorted(relation.person.phones.all(), key=lambda p: (not p.is_preferred, p.pk))
            if phones:
                found.append(Household(relation.unit, relation.person, phones[0].number))
        return found

    # -- scheduling ------------------------------------------------------------------------

    def at(self, when: dt.datetime, step: Callable, *args) -> None:
        held = args and isinstance(args[0], Job) and args[0].call.hold == step.__name__
        if when <= self.end and not held:
            heapq.heappush(self.heap, (when, self.seq, step, args))
            self.seq += 1

    def later(self, after: dt.datetime, minutes: tuple[int, int], step: Callable, *args,
              duty: bool = True) -> None:
        """Run ``step`` some minutes after ``after`` (moved into working hours if ``duty``)."""
        when = after + dt.timedelta(minutes=self.rng.randint(*minutes))
        self.at(self.on_duty(when) if duty else when, step, *args)

    def on_duty(self, when: dt.datetime) -> dt.datetime:
        local = when.astimezone(self.tz)
        first, last = DUTY
        if first <= local.hour < last:
            return when
        day = local.date() if local.hour < first else local.date() + dt.timedelta(days=1)
        opening = dt.datetime.combine(day, dt.time(first), self.tz)
        return opening + dt.timedelta(minutes=self.rng.randint(0, 90))

    def local(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), self.tz)

    # -- the plan --------------------------------------------------------------------------

    def plan(self, count: int) -> None:
        """Calls over the year, the 翠湖苑 desk's work in hand today (``BOARD``: so that the
        queue, quarantine and callback list have live items), and the contact log."""
        rng = self.rng
        first_day = self.start.astimezone(self.tz).date() + dt.timedelta(days=1)
        days = [first_day + dt.timedelta(days=n) for n in range(DAYS)]
        day_weights = [(0.85 if d.weekday() >= 5 else 1.0)
                       * (1.25 if d.month in (6, 7, 8) else 0.9 if d.month in (1, 2) else 1.0)
                       for d in days]
        board = BOARD if count >= len(BOARD) else []
        for _n in range(count - len(board)):
            day = rng.choices(days, day_weights)[0]
            hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
            at = self.local(day, hour, rng.randint(0, 59)) + dt.timedelta(
                seconds=rng.randint(0, 59))
            if at >= self.end - dt.timedelta(minutes=2):
                at -= dt.timedelta(days=1)  # today after now: the same time yesterday
            self._plan_call(at)
        self._plan_board(board)
        # Calls and visits that need no order (answered at once, a card collected, a notice
        # phoned out): about four for every five orders, on the desks' working hours.
        offices = [self.offices["jinhua.cuihu"], self.offices["jinhua.fenglin"]]
        for _n in range(round(count * 0.8)):
            office = rng.choices(offices, (62, 38))[0]
            minute = rng.randint(8 * 60, 19 * 60 + 50)
            day = rng.choices(days, day_weights)[0]
            self.at(self.local(day, minute // 60, minute % 60), self.contact, office)
        for day in days:
            self.at(self.local(day, 18, 30), self.read_inbox)
        self.at(self.start + TICK, self.tick)

    def _plan_board(self, board) -> None:
        """The 翠湖苑 desk's work in hand: orders of the last hours stopped where the desk,
        the supervisor and the technician have got to with them."""
        office = self.offices["jinhua.cuihu"]
        community = self.communities["翠湖苑"]
        homes = self.households[community.pk]
        earlier: dict[int, Call] = {}
        for index, (minutes, order_type, category, channel, hold, flags) in enumerate(board):
            kind = next(k for k in KINDS if (k.order_type, k.category) == (order_type, category))
            repeat_of = earlier.get(flags.get("repeats", -1))
            home = repeat_of.household if repeat_of else homes[(index * 97) % len(homes)]
            call = Call(at=self.end - dt.timedelta(minutes=minutes), office=office,
                        community=community, kind=kind, household=home, channel=channel,
                        summary=repeat_of.summary if repeat_of else kind.summaries[0],
                        repeat_of=repeat_of, hold=hold,
                        worker=self.ctx.users["technician"] if flags.get("technician") else None,
                        appointment=bool(flags.get("appointment")))
            earlier[index] = call
            self.at(call.at, self.register, call)

    def _plan_call(self, at: dt.datetime) -> None:
        rng = self.rng
        name = rng.choices(list(COMMUNITY_SHARE), list(COMMUNITY_SHARE.values()))[0]
        community = self.communities[name]
        kind = rng.choices(KINDS, [k.weight for k in KINDS])[0]
        channel = rng.choices([c for c, _w in kind.channels], [w for _c, w in kind.channels])[0]
        call = Call(at=at, office=self.office_of[community.pk], community=community, kind=kind,
                    household=rng.choice(self.households[community.pk]), channel=channel,
                    summary=rng.choice(kind.summaries))
        self.at(at, self.register, call)

    # -- running ---------------------------------------------------------------------------

    def run(self) -> None:
        with simulated_time(self.start) as clock:
            while self.heap:
                when, _seq, step, args = heapq.heappop(self.heap)
                clock.now = when
                try:
                    step(*args)
                except (ValidationError, PermissionDenied) as exc:
                    self.stats["refused"] += 1
                    logger.warning("demo: %s refused at %s: %s", step.__name__, when, exc)
            clock.now = self.end
            sd.sla_scan()

    def tick(self) -> None:
        """What the background worker does besides the SLA scan: deliver the outbox."""
        for message_id in outbox_selectors.due_message_ids(now=timezone.now(), limit=1000):
            outbox.message_deliver(message_id)
        self.at(timezone.now() + TICK, self.tick)

    def watch(self, job: Job) -> None:
        """Run the SLA scan when one of the order's running clocks next warns, breaches or
        escalates — as the periodic scan would, a minute after — instead of scanning every
        minute of the whole year. Called when clocks start or resume; each check watches the
        order again, so a clock stopped meanwhile simply drops out."""
        job.watch += 1
        moment = self._next_due(job)
        if moment is not None:
            self.at(moment + SCAN_LAG, self.check, job, job.watch)

    def _next_due(self, job: Job) -> dt.datetime | None:
        moments = []
        for clock in desk.clocks_of(job.order):
            if clock.state != ClockState.RUNNING:
                continue
            if clock.warned_at is None:
                moments.append(clock.warn_at)
            if clock.breached_at is None:
                moments.append(clock.due_at)
            if clock.escalate_at is not None:
                moments.append(clock.escalate_at)
        return min(moments, default=None)

    def check(self, job: Job, token: int) -> None:
        if token != job.watch:
            return  # a later step of the order has watched it again
        moment = self._next_due(job)
        if moment is not None and moment <= timezone.now() and self.scanned_at != timezone.now():
            sd.sla_scan()
            self.scanned_at = timezone.now()
            self.stats["scans"] += 1
        self.watch(job)

    def read_inbox(self) -> None:
        """The demo logins read their in-app notices in the evening (today's stay unread)."""
        for username in DESK_LOGINS:
            outbox.message_mark_all_read(actor=self.ctx.users[username])

    def act(self, actor, step: Callable, *args, **kwargs):
        with acting(actor, Channel.JOB):
            return step(*args, actor=actor, **kwargs)

    # -- the contact log -------------------------------------------------------------------

    def contact(self, office: Office) -> None:
        rng = self.rng
        community = rng.choice(office.communities)
        household = rng.choice(self.households[community.pk])
        roll = rng.random()
        if roll < 0.55:
            direction, channel, content = (ContactDirection.INBOUND, ContactChannel.PHONE,
                                           rng.choice(ANSWERED_CALLS))
        elif roll < 0.8:
            direction, channel, content = (ContactDirection.INBOUND, ContactChannel.VISIT,
                                           rng.choice(VISITS))
        else:
            direction, channel, content = (ContactDirection.OUTBOUND, ContactChannel.PHONE,
                                           f"{household.where}：{rng.choice(OUTBOUND_CALLS)}")
        self.act(office.desk, sd.contact_log_create, content=content, direction=direction,
                 channel=channel, community=community, unit=household.unit,
                 person=household.person, caller_phone=household.phone,
                 occurred_at=timezone.now())
        self.stats["contact_logs"] += 1

    # -- intake ----------------------------------------------------------------------------

    def register(self, call: Call) -> None:
        rng, kind, office, home = self.rng, call.kind, call.office, call.household
        now = timezone.now()
        self_service = call.channel in SELF_SERVICE_CHANNELS
        by_patrol = call.channel in (PATROL, PLAN)
        registrar = (None if self_service else office.dispatcher if by_patrol else office.desk)
        contact = None
        if call.channel in (P, W):
            contact = self.act(
                office.desk, sd.contact_log_create, content=call.summary,
                channel=ContactChannel.PHONE if call.channel == P else ContactChannel.VISIT,
                community=call.community, unit=home.unit, person=home.person,
                caller_phone=home.phone, occurred_at=now)
            self.stats["contact_logs"] += 1
        private = kind.area == PRIVATE
        urgency = kind.urgency
        if urgency != HIGH and rng.random() < 0.2:
            urgency = HIGH if urgency == MEDIUM else MEDIUM
        complaint = kind.order_type == OrderType.COMPLAINT
        severity = ""
        if complaint:
            severity = rng.choices([Severity.MINOR, Severity.MAJOR, Severity.CRITICAL],
                                   [88, 10, 2])[0]
        place = "" if private else (
            home.where if kind.area == PUBLIC else f"{home.unit.building.number}号楼")
        # A fault or a complaint about a public place names the place; a resident's own
        # matter, a question or a suggestion does not need to.
        named = kind.order_type in (OrderType.REPAIR, OrderType.COMPLAINT)
        summary = f"{place}{call.summary}" if named else call.summary
        if call.repeat_of is not None:
            summary = f"再次来电：{call.summary}"
        order = self.act(
            registrar, sd.work_order_create, community=call.community,
            order_type=kind.order_type, summary=summary[:200], category=self._category(kind),
            area=kind.area, channel=call.channel, building=home.unit.building,
            unit=home.unit if private and not self_service else None,
            person=None if self_service or by_patrol else home.person,
            caller_name="" if by_patrol else home.person.name,
            caller_phone="" if by_patrol else home.phone,
            location=place, description=call.summary,
            since=rng.choice(("今天上午", "昨天晚上", "刚刚", "两三天了", "一周前")),
            urgency=urgency, impact=kind.impact, severity=severity,
            complaint_subject=kind.subject if complaint else "",
            is_sensitive=complaint and rng.random() < 0.06, contact_log=contact, now=now)
        self.stats["orders"] += 1
        job = Job(order=order, call=call)
        self.watch(job)
        if (complaint and call.repeat_of is None and not call.hold and not self_service
                and rng.random() < 0.18):
            again = Call(at=now, office=office, community=call.community, kind=kind,
                         household=home, channel=P, summary=call.summary, repeat_of=call)
            window = (45, 220) if rng.random() < 0.8 else (360, 1200)
            self.later(now, window, self.register, again, duty=False)
        if order.status == Status.QUARANTINED:
            # The desk calls the contact back to identify them: mostly within the hour, some
            # the same day, a few only on a later day, and some never (cancelled).
            path = rng.choices(("hour", "day", "later", "never"), (45, 40, 8, 7))[0]
            if call.hold:
                path = "hour"  # the desk has not reached the contact yet (held)
            if path == "never":
                self.later(now, (48 * 60, 60 * 60), self.cancel, job,
                           "多次联系未果，无法核实报事人身份")
            else:
                window = {"hour": (10, 60), "day": (120, 600), "later": (24 * 60, 48 * 60)}
                self.later(now, window[path], self.verify, job)
            return
        self.routed(job)

    def _category(self, kind: Kind):
        if kind.category is None:
            return None
        return self.categories[(kind.order_type, kind.category)]

    def verify(self, job: Job) -> None:
        home = job.call.household
        self.act(job.call.office.desk, sd.work_order_verify, job.order, person=home.person,
                 unit=home.unit if job.call.kind.area == PRIVATE else None)
        self.watch(job)
        self.routed(job)

    # -- routing, dispatch, return, transfer -----------------------------------------------

    def routed(self, job: Job) -> None:
        """The order has left intake: follow it to the department that does the work."""
        order, office, kind = job.order, job.call.office, job.call.kind
        now = timezone.now()
        owner = office.owner(kind.owner)
        where = office.department_key(order.department_id)
        if where is None:
            self.later(now, (5, 40), self.dispatch, job, owner)
        elif where != owner and kind.misrouted == "return":
            self.later(now, (10, 45), self.give_back, job)
        elif where != owner and kind.misrouted == "transfer":
            self.later(now, (10, 45), self.transfer, job, owner)
        else:
            self.work(job, owner)

    def dispatch(self, job: Job, owner: str) -> None:
        office = job.call.office
        self.act(office.dispatcher, sd.work_order_dispatch, job.order,
                 department=office.departments[owner])
        self.work(job, owner)

    def give_back(self, job: Job) -> None:
        head = self._head(job)
        self.act(head, sd.work_order_return, job.order, reason="非本部门职责，退回调度重新派单")
        owner = job.call.office.owner(job.call.kind.owner)
        self.later(timezone.now(), (5, 30), self.dispatch, job, owner)

    def transfer(self, job: Job, owner: str) -> None:
        office = job.call.office
        self.act(self._head(job), sd.work_order_transfer, job.order,
                 department=office.departments[owner], reason="属环境部职责，转环境部处理")
        self.work(job, owner)

    def _head(self, job: Job) -> User:
        office = job.call.office
        return office.heads[office.department_key(job.order.department_id)]

    # -- the work --------------------------------------------------------------------------

    def work(self, job: Job, owner: str) -> None:
        rng, kind, now = self.rng, job.call.kind, timezone.now()
        if kind.order_type in (OrderType.REPAIR, OrderType.PAID_SERVICE):
            if not job.call.hold and rng.random() < 0.03:
                self.later(now, (10, 60), self.cancel, job, "业主来电告知已自行处理，取消报修")
                return
            self.later(now, (1, 5) if self._urgent(job) else (3, 25), self.assign, job,
                       duty=not self._urgent(job))
        elif kind.order_type == OrderType.CONSULTATION and (rng.random() < 0.7 or job.call.hold):
            # The desk answers at once from the standard answers.
            self.later(now, (1, 4), self.resolve, job, job.call.office.desk, duty=False)
        else:
            self.later(now, (10, 90), self.accept, job, self._head(job))

    def _urgent(self, job: Job) -> bool:
        """Urgent repairs (P1, and leaks with their 20-minute on-site clock) are worked at once,
        day or night."""
        return job.order.priority == "P1" or job.order.service_level_id in self.urgent_levels

    def assign(self, job: Job) -> None:
        technicians = job.call.office.technicians
        worker = job.call.worker or self.rng.choices([t for t, _w in technicians],
                                                     [w for _t, w in technicians])[0]
        self.act(self._head(job), sd.work_order_assign, job.order, handler=worker)
        job.worker = worker
        self.later(timezone.now(), (1, 3) if self._urgent(job) else (2, 15), self.accept, job,
                   worker, duty=not self._urgent(job))

    def accept(self, job: Job, who: User) -> None:
        now = timezone.now()
        self.act(who, sd.work_order_accept, job.order)
        job.worker = who
        kind = job.call.kind
        if kind.price is not None:
            self.later(now, (10, 60), self.quote, job)
        elif kind.order_type == OrderType.REPAIR:
            self._go_on_site(job)
        elif kind.order_type == OrderType.COMPLAINT:
            self.later(now, (30, 180), self.reply, job)
        else:
            self.later(now, (60, 24 * 60), self.resolve, job, who)

    def _go_on_site(self, job: Job) -> None:
        rng, now = self.rng, timezone.now()
        if self._urgent(job):
            self.later(now, (5, 17), self.arrive, job, duty=False)
        elif job.call.appointment or (job.call.kind.area == PRIVATE and rng.random() < 0.3):
            self.later(now, (5, 30), self.appoint, job)
        elif job.call.kind.area == PRIVATE and rng.random() < 0.05:
            self.later(now, (5, 30), self.wait, job, WaitingOn.CUSTOMER, "业主不在家，约定改日上门")
        else:
            self.later(now, (15, 120), self.arrive, job)

    def appoint(self, job: Job) -> None:
        now = timezone.now()
        day = now.astimezone(self.tz).date() + dt.timedelta(days=1)
        slot = self.local(day, self.rng.randint(9, 16), self.rng.choice((0, 30)))
        self.act(job.worker, sd.work_order_schedule, job.order, appointment_at=slot,
                 note="与业主电话约定上门时间")
        self.at(slot + dt.timedelta(minutes=self.rng.randint(-10, 20)), self.arrive, job)

    def wait(self, job: Job, waiting_on: str, reason: str) -> None:
        self.act(job.worker, sd.work_order_wait, job.order, waiting_on=waiting_on,
                 reason=reason)
        self.later(timezone.now(), (18 * 60, 72 * 60), self.resume, job)

    def resume(self, job: Job) -> None:
        self.act(job.worker, sd.work_order_resume, job.order, note="条件具备，继续处理")
        self.watch(job)
        self.later(timezone.now(), (30, 150), self.resolve, job, job.worker)

    def arrive(self, job: Job) -> None:
        rng, now = self.rng, timezone.now()
        self.act(job.worker, sd.work_order_arrive, job.order)
        self._field_record(job)
        if job.call.kind.price is None and rng.random() < 0.1:
            self.later(now, (20, 60), self.wait, job, WaitingOn.THIRD_PARTY, "等待配件到货")
        else:
            self.later(now, (20, 150), self.resolve, job, job.worker,
                       duty=not self._urgent(job))

    def _field_record(self, job: Job) -> None:
        """On site: the material a repair used (every other order of a kind that uses one),
        and for one order in eight a photo before the work and the owner's signature. Drawn
        from the order's number, not from the stage's random stream, so the rest of the year
        stays as it was."""
        order, category = job.order, job.call.kind.category
        material = FIELD_MATERIALS.get(category[-1] if category else "")
        number = int(order.number[-4:])
        if material is None or number % 2:
            return
        name, quantity, unit = material
        self.act(job.worker, sd.material_add, order, name=name, quantity=quantity, unit=unit)
        if number % 8 == 0:
            self.act(job.worker, sd.photo_add, order, stage="before",
                     upload=demo_photo(number), client_key=f"demo-{order.number}")
            if order.caller_name:
                self.act(job.worker, sd.signature_capture, order,
                         signer_name=order.caller_name, image=demo_signature(number))

    def quote(self, job: Job) -> None:
        low, high = job.call.kind.price
        amount = self.rng.randint(low // 10, high // 10) * 10
        self.act(job.worker, sd.work_order_quote, job.order, amount=amount,
                 note="含人工及材料费")
        self.later(timezone.now(), (5, 120), self.answer_quote, job)

    def answer_quote(self, job: Job) -> None:
        accepted = self.rng.random() < 0.8
        self.act(job.worker, sd.work_order_quote_answer, job.order, accepted=accepted)
        if accepted:
            self._go_on_site(job)
        else:
            self.later(timezone.now(), (5, 30), self.cancel, job, "业主不接受报价")

    def reply(self, job: Job) -> None:
        order = job.order
        text = f"您好，关于“{job.call.summary}”，{self.rng.choice(job.call.kind.outcomes)}。"
        self.act(job.worker, sd.work_order_reply_submit, order, reply=text)
        if order.is_sensitive:
            self.later(timezone.now(), (20, 240), self.review, job)
        else:
            self.later(timezone.now(), (30, 36 * 60), self.resolve, job, job.worker)
        # The SLA scan may have raised the line meanwhile: read the row as it is now.
        line = desk.work_order_find(self.admin, order.pk).escalation_level
        if order.severity == Severity.CRITICAL and line < 3:
            self.act(job.call.office.manager, sd.work_order_escalate, order, level=3,
                     reason="重大投诉，项目经理督办")

    def review(self, job: Job) -> None:
        approve = self.rng.random() < 0.85 or job.sent_back
        note = "" if approve else "请补充整改完成时限后再答复"
        self.act(job.call.office.manager, sd.work_order_reply_review, job.order,
                 approve=approve, note=note)
        if approve:
            self.later(timezone.now(), (30, 180), self.resolve, job, job.worker)
        else:
            job.sent_back = True
            self.later(timezone.now(), (30, 120), self.reply, job)

    def resolve(self, job: Job, who: User) -> None:
        rng, kind, order = self.rng, job.call.kind, job.order
        interim, committed = "", None
        text = rng.choice(kind.outcomes)
        if kind.category == ("水电", "漏水") and rng.random() < 0.12:
            interim = "已关闭入户总阀并做临时封堵"
            committed = self.on_duty(timezone.now() + dt.timedelta(hours=20))
            text = f"临时止漏后{text}"
        self.act(who, sd.work_order_resolve, order, resolution=text, interim_measure=interim,
                 committed_at=committed)
        if kind.price is not None and order.rework_of_id is None:
            self.later(timezone.now(), (5, 60), self.charge, job)
        self._plan_callback(job)

    def charge(self, job: Job) -> None:
        self.act(job.call.office.desk, sd.work_order_charge, job.order)

    def cancel(self, job: Job, reason: str) -> None:
        if job.order.status in FINAL:
            return
        self.act(job.call.office.desk, sd.work_order_cancel, job.order, reason=reason)

    # -- callbacks and rework --------------------------------------------------------------

    def _plan_callback(self, job: Job) -> None:
        """The callback agent calls the next day, or — when the list is long — near the
        callback's due time a few days on."""
        now, rng = timezone.now(), self.rng
        day = now.astimezone(self.tz).date() + dt.timedelta(days=1)
        if rng.random() < 0.7:
            minute = rng.randint(9 * 60, 17 * 60)
            self.at(self.local(day, minute // 60, minute % 60), self.call_back, job)
        else:
            self.later(now, (36 * 60, 5 * 24 * 60), self.call_back, job)

    def call_back(self, job: Job) -> None:
        rng = self.rng
        outcome = rng.choices([o for o, _w in CALLBACK_OUTCOMES],
                              [w for _o, w in CALLBACK_OUTCOMES])[0]
        score = None
        if outcome == CallbackOutcome.DONE:
            score = rng.choices([s for s, _w in SATISFACTION], [w for _s, w in SATISFACTION])[0]
        comment = SCORE_COMMENTS[score] if score else OUTCOME_COMMENTS[outcome]
        order = self.act(job.call.office.desk, sd.work_order_callback, job.order,
                         outcome=outcome, satisfaction=score, comment=comment)
        self.stats["callbacks"] += 1
        if order.status == Status.CALLBACK:
            self.later(timezone.now(), (24 * 60, 30 * 60), self.call_back, job)
        elif order.status == Status.REOPENED:
            rework = (desk.work_order_list(self.admin).filter(rework_of=order)
                      .order_by("-pk").first())
            self.stats["orders"] += 1
            self.stats["reworks"] += 1
            again = Job(order=rework, call=job.call, worker=job.worker)
            self.watch(again)
            urgent = self._urgent(again)
            self.later(timezone.now(), (1, 5) if urgent else (30, 240), self.accept_rework,
                       again, duty=not urgent)

    def accept_rework(self, job: Job) -> None:
        handler = self.users.get(job.order.handler_id) or job.order.handler
        self.act(handler, sd.work_order_accept, job.order)
        job.worker = handler
        if job.call.kind.order_type in (OrderType.REPAIR, OrderType.PAID_SERVICE):
            urgent = self._urgent(job)
            self.later(timezone.now(), (5, 17) if urgent else (30, 180), self.arrive, job,
                       duty=not urgent)
        else:
            self.later(timezone.now(), (60, 24 * 60), self.resolve, job, handler)


@dataclass
class Job:
    """A work order being replayed, with the call it came from."""

    order: WorkOrder
    call: Call
    worker: User | None = None
    sent_back: bool = False
    watch: int = 0  # the latest SLA watch of the order; earlier ones are stale


register_stage("servicedesk", servicedesk_stage)
