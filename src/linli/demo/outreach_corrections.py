"""Demo stage of the contact correction (OUT-3) and the content calendar (OUT-8), after the
outreach stage: the first campaign's "unreachable or wrong number" companies are on the
correction list; some agents have answered (a few with corrected phones), some companies are
being verified, some are back in use with their accepted corrections written to the
directory; this month's spot check is drawn; the calendar holds this month's and next month's
articles, handbook issue, newspaper and video. Everything goes through the services."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from linli.demo.generator import MOBILE_PREFIXES, DemoContext, register_stage
from linli.outreach import services
from linli.outreach.models import CallTask, ContactReview, ContentItem

ANSWERED = 90  # companies whose agent has answered
VERIFYING = 40  # of those, companies being verified
IN_USE = 20  # of those, companies back in use
REASONS = ["corrected", "corrected", "corrected", "confirmed", "company_closed",
           "contact_unknown"]
AREA_CODES = ["020", "021", "025", "027", "028", "0571", "0591"]
SOURCES = ["online_research", "handbook_subsidy", "callback"]
CONTENT = [  # (title, kind, topic, channel, day of month, status)
    ("云上城物业管理软件功能分析", "article", "产品介绍", "wechat", 6, "published"),
    ("物业管理软件产品手册（V3 版）", "handbook_issue", "产品手册", "paper", 10, "reviewed"),
    ("产品手册电子版", "handbook_issue", "产品手册", "email", 13, "reviewed"),
    ("社区 O2O 与物业发展的机会", "newspaper", "行业资讯", "website", 13, "drafted"),
    ("智慧小区案例：翠湖苑", "article", "智慧小区案例", "wechat", 17, "drafted"),
    ("云上城教您使用物业管理软件", "video", "使用培训", "wechat", 20, "planned"),
    ("升级智慧小区需要哪些硬件", "article", "智能硬件", "weibo", 24, "planned"),
    ("物业公司 QQ 群月度答疑", "article", "社群运营", "qq_group", 27, "planned"),
]
CONTENT_STEPS = ["planned", "drafted", "reviewed", "published"]


def corrections_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["linli"]
    if ContactReview.objects.filter(tenant=tenant).exists():  # scoped-query-ok: demo setup
        return
    ctx.report.reused = False
    rng = random.Random(2016)  # noqa: S311 (demo data, not secrets)
    unit = ctx.units["linli.service"]
    operator = ctx.users["operator"]
    unreachable = [task.partner for task in CallTask.objects.filter(  # scoped-query-ok: demo
        tenant=tenant, outcome="unreachable").select_related(
        "partner__organization").order_by("pk")]
    services.reviews_open(actor=None, tenant=tenant, partners=unreachable)
    reviews = list(ContactReview.objects.filter(  # scoped-query-ok: demo setup
        tenant=tenant).select_related("partner__organization").order_by("pk"))
    for n, review in enumerate(reviews[:ANSWERED]):
        reason = REASONS[n % len(REASONS)]
        values = {}
        if reason == "corrected":
            values["contact_mobile"] = (rng.choice(MOBILE_PREFIXES)
                                        + f"{rng.randint(0, 99_999_999):08d}")
        services.review_answer(actor=None, review=review, reason=reason, values=values,
                               note="代理商已核实" if reason == "corrected" else "")
    for n, review in enumerate(reviews[:VERIFYING]):
        services.correction_record(
            actor=None, partner=review.partner, field="landline",
            new_value=f"{rng.choice(AREA_CODES)}-{rng.randint(8000_0000, 8999_9999)}",
            source=SOURCES[n % len(SOURCES)])
        services.review_transition(actor=None, review=review, phase="verify")
    for review in reviews[:IN_USE]:
        for correction in review.corrections.filter(status="proposed").order_by("pk"):
            services.correction_verify(actor=operator, correction=correction,
                                       accept=correction.field != "landline"
                                       or correction.pk % 4 != 0)
        services.review_transition(actor=operator, review=review, phase="in_use")
    check = services.spot_check_draw(actor=None, tenant=tenant, org_unit=unit,
                                     month=timezone.localdate(), per_group=3)
    ctx.log(f"  contact correction: {len(reviews)} companies, spot check of "
            f"{len(check.sample)} (seed {check.seed})")
    _calendar(ctx, tenant, unit, operator)


def _calendar(ctx: DemoContext, tenant, unit, owner) -> None:
    if ContentItem.objects.filter(tenant=tenant).exists():  # scoped-query-ok: demo setup
        return
    first = timezone.localdate().replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    for month, shift in ((first, 0), (next_month, 3)):
        for title, kind, topic, channel, day, status in CONTENT:
            item = services.content_create(
                actor=None, tenant=tenant, org_unit=unit, title=title, kind=kind, topic=topic,
                channel=channel, planned_on=month.replace(day=day), owner=owner)
            target = CONTENT_STEPS.index(status) - shift if month == next_month else \
                CONTENT_STEPS.index(status)
            for step in CONTENT_STEPS[1:max(target, 0) + 1]:
                services.content_transition(actor=None, item=item, status=step)


register_stage("outreach-corrections", corrections_stage)
