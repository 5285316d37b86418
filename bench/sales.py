"""A developer's sales chain at scale (SAL-1 … SAL-6): one developer tenant with a sales office
per project, each project four 18-floor buildings on sale with the seed's price lists, and the
leads of every channel over the year (20,000 at full scale) with their opportunities, stage
moves, lost deals, subscriptions and contracts.

Tenant, offices, communities, buildings, units, projects, price lists and prices are made by
the product's services. The leads, their customers and the opportunities are written with COPY:
names get the directory's pinyin keys and phones the product's E.164 form, each stage move is
one the opportunity state machine allows (``STAGE_TRANSITIONS``), each lost reason one the
catalogue check accepts for the stage (``lost_reason_check``). The deals go through the
services: a won opportunity is won by subscribing a unit for it
(``subscription_create``), and contracts, payments and filings follow as at the desk.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.db import transaction

from bench.bulk import Copier, Ids
from linli.accounts import services as accounts
from linli.accounts.models import Membership, OrgUnit, Role, User
from linli.demo.sales import tower_on_sale
from linli.demo.sales_deals import pay_due_lines, payment_plan
from linli.demo.sales_leads import CHANNELS, NEEDS, SOURCES
from linli.directory.models import Person, PersonPhone
from linli.directory.services import property as property_services
from linli.sales import services
from linli.sales.models import (
    Contract,
    Lead,
    LostReason,
    Opportunity,
    SaleUnit,
    StageMove,
    Subscription,
)
from linli.sales.services.shared import lost_reason_check
from linli.sales.states import STAGE_TRANSITIONS, LeadStatus, LostAppliesTo, LostReview, Stage

CODE = "benchdev"
BUILDINGS = 4
REPS = 5  # per sales office, with one sales manager
# How a rep's worked leads end up, per 100: (final stage, how many); the rest stay leads.
OUTCOMES = [(Stage.NEW, 3), (Stage.VISITED, 4), (Stage.VIEWING, 3), (Stage.NEGOTIATING, 2),
            (Stage.WON, 2), (Stage.LOST, 5)]
WALK = [Stage.NEW, Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING]
COMPETITORS = ["", "", "万科·未来城", "绿城·桂语", "龙湖·天街"]


@dataclass
class Office:
    unit: OrgUnit
    manager: int
    reps: list[int]


def copiers() -> dict[str, Copier]:
    return {
        "lead": Copier(Lead, ["id", "tenant_id", "org_unit_id", "project_id", "person_id",
                              "phone", "channel", "source", "is_vip", "status", "owner_id",
                              "last_worked_at", "needs", "created_by_id", "created_at",
                              "updated_at"]),
        "opportunity": Copier(Opportunity, [
            "id", "tenant_id", "org_unit_id", "lead_id", "project_id", "person_id", "owner_id",
            "is_vip", "stage", "stage_entered_at", "intention", "needs", "next_step",
            "lost_reason_id", "lost_stage", "competitor", "lost_note", "lost_at", "review",
            "created_at", "updated_at"]),
        "stage_move": Copier(StageMove, ["id", "tenant_id", "org_unit_id", "opportunity_id",
                                         "from_stage", "to_stage", "moved_at",
                                         "seconds_in_stage", "actor_id"]),
    }


def _offices(tenant, roles: dict[str, Role], projects: int, ids: dict, cp: dict,
             password: str) -> list[Office]:
    """A sales office per project with a manager and ``REPS`` reps, written in bulk."""
    root = OrgUnit.objects.get(tenant=tenant, parent__isnull=True)  # scoped-query-ok: setup
    offices, users, memberships = [], [], []
    for p in range(projects):
        unit = accounts.org_unit_create(actor=None, tenant=tenant, parent=root,
                                        name=f"第{p + 1}营销中心", kind="project")
        people = []
        for suffix, role in [("manager", "sales-manager")] + [
                (f"rep{r + 1}", "sales-rep") for r in range(REPS)]:
            uid = ids["user"].take()
            people.append(uid)
            users.append((uid, f"{CODE}-{p + 1:03d}-{suffix}", password, tenant.pk,
                          f"{suffix}{p + 1}", True))
            memberships.append((ids["membership"].take(), tenant.pk, uid, unit.pk,
                                roles[role].pk))
        offices.append(Office(unit, people[0], people[1:]))
    cp["user"].write(users)
    cp["membership"].write(memberships)
    ids["user"].sync()
    ids["membership"].sync()
    return offices


def _project(office: Office, p: int, on: dt.date):
    """A community of four towers put on sale, each priced by its own seed price list."""
    community = property_services.community_create(
        actor=None, org_unit=office.unit, name=f"基准·云栖府{p + 1}期", city="杭州市",
        province="浙江省", district="余杭区", price_level=Decimal(18000))
    project = services.project_create(actor=None, community=community, name=f"云栖府{p + 1}期",
                                      status="on_sale", launch_date=on)
    for number in range(1, BUILDINGS + 1):
        price_list = tower_on_sale(project, number, name=f"{number}号楼价目表", valid_from=on,
                                   base_price=Decimal(15000 + 500 * number),
                                   floor_price=Decimal(14000))
        services.reprice_apply(actor=None, price_list=price_list, on=on)
    return project


def _reasons(tenant) -> dict[str, list[LostReason]]:
    """The catalogue's opportunity reasons that the lost-reason check accepts at each stage."""
    catalogue = list(LostReason.objects.filter(  # scoped-query-ok: setup
        tenant=tenant, applies_to=LostAppliesTo.OPPORTUNITY))
    fitting: dict[str, list[LostReason]] = {}
    probe = SimpleNamespace(tenant_id=tenant.pk)
    for stage in WALK:
        for reason in catalogue:
            errors: dict = {}
            lost_reason_check(reason, record=probe, applies_to=LostAppliesTo.OPPORTUNITY,
                              stage=stage, errors=errors, missing="")
            if not errors:
                fitting.setdefault(stage, []).append(reason)
    return fitting


class Writer:
    """The leads and opportunities of one project, as rows for COPY."""

    def __init__(self, tenant, ids: dict, own: dict[str, Ids], names, rng: random.Random,
                 now: dt.datetime, reasons: dict[str, list[LostReason]]):
        self.tenant, self.ids, self.own, self.names = tenant, ids, own, names
        self.rng, self.now, self.reasons = rng, now, reasons
        self.people, self.phones, self.leads, self.opportunities, self.moves = [], [], [], [], []
        self.to_win: list[tuple[int, int, dt.datetime]] = []  # opportunity, rep, negotiating

    def customer(self, org: int) -> tuple[int, str]:
        from bench.generate import person_row  # the generator imports this module

        pid, phone, _name = person_row(SimpleNamespace(tenant=self.tenant), org, self.rng,
                                    self.names, self.ids, self.people, self.phones, self.now)
        return pid, phone

    def lead(self, project, office: Office, days: int, outcome: str | None) -> None:
        rng, now, org = self.rng, self.now, office.unit.pk
        pid, phone = self.customer(org)
        channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        created = now - dt.timedelta(days=rng.uniform(0, days))
        owner = rng.choice(office.reps)
        if outcome is not None:
            status, worked = LeadStatus.CONVERTED, created + dt.timedelta(days=rng.uniform(0, 3))
        else:
            roll = rng.random()
            if roll < 0.62:
                status = LeadStatus.WORKING
                worked = max(created, now - dt.timedelta(days=rng.uniform(0, 6)))
            elif roll < 0.72:
                status, owner = LeadStatus.NEW, None
                worked = max(created, now - dt.timedelta(hours=rng.uniform(0, 100)))
            elif roll < 0.90:
                status, owner, worked = LeadStatus.POOLED, None, created + dt.timedelta(days=7)
            else:
                status, worked = LeadStatus.CLOSED, created
        worked = min(worked, now)
        lead_id = self.own["lead"].take()
        vip = rng.random() < 0.03
        needs = rng.choice(NEEDS)
        self.leads.append((lead_id, self.tenant.pk, org, project.pk, pid, phone, channel,
                           rng.choice(SOURCES[channel]), vip, status, owner, worked, needs,
                           owner, created, worked))
        if outcome is not None:
            self.opportunity(project, org, lead_id, pid, owner, vip, needs, worked, outcome)

    def opportunity(self, project, org: int, lead_id: int, person: int, owner: int, vip: bool,
                    needs: str, opened: dt.datetime, outcome: str) -> None:
        """An opportunity walked from new to its final stage one allowed move at a time; one
        to be won stops at negotiating (its subscription wins it)."""
        rng, now = self.rng, self.now
        pk = self.own["opportunity"].take()
        target = Stage.NEGOTIATING if outcome == Stage.WON else outcome
        lost_at_stage = rng.choice(WALK) if outcome == Stage.LOST else None
        walk = WALK[:WALK.index(lost_at_stage or target) + 1]
        stage, entered = Stage.NEW, opened
        self.moves.append((self.own["stage_move"].take(), self.tenant.pk, org, pk, "",
                           Stage.NEW, opened, 0, owner))
        for step in [*walk[1:], *([Stage.LOST] if lost_at_stage else [])]:
            if step not in STAGE_TRANSITIONS[stage]:
                raise AssertionError(f"{stage} → {step} is not a move of the pipeline")
            at = min(now, entered + dt.timedelta(days=rng.uniform(1, 12)))
            self.moves.append((self.own["stage_move"].take(), self.tenant.pk, org, pk, stage,
                               step, at, int((at - entered).total_seconds()), owner))
            stage, entered = step, at
        reason = rng.choice(self.reasons[lost_at_stage]) if lost_at_stage else None
        self.opportunities.append((
            pk, self.tenant.pk, org, lead_id, project.pk, person, owner, vip, stage, entered,
            rng.choice(["certain", "effective", "general"]), needs, "约周末带看",
            reason.pk if reason else None, lost_at_stage or "",
            rng.choice(COMPETITORS) if reason else "", "客户已决定暂缓" if reason else "",
            entered if reason else None, LostReview.PENDING if reason else LostReview.NONE,
            opened, entered))
        if outcome == Stage.WON:
            self.to_win.append((pk, owner, entered))

    def flush(self, cp: dict, directory: dict) -> None:
        directory["person"].write(self.people)
        directory["phone"].write(self.phones)
        cp["lead"].write(self.leads)
        cp["opportunity"].write(self.opportunities)
        cp["stage_move"].write(self.moves)
        self.people, self.phones, self.leads, self.opportunities, self.moves = [], [], [], [], []


def _deals(project, to_win, rng: random.Random, now: dt.datetime) -> None:
    """Each opportunity to win is won by subscribing one of the project's units for its
    customer; two in three of those subscriptions become contracts, paid as due, half of them
    filed online."""
    free = list(SaleUnit.objects.filter(  # scoped-query-ok: setup
        project=project, status="available", list_total__isnull=False).order_by("pk"))
    rng.shuffle(free)
    users = {u.pk: u for u in User.objects.filter(  # scoped-query-ok: setup
        pk__in={rep for _o, rep, _at in to_win})}
    today = now.date()
    won = Opportunity.objects.select_related("person").in_bulk(  # scoped-query-ok: setup
        [pk for pk, _rep, _at in to_win])
    for (pk, rep, negotiating), su in zip(to_win, free, strict=False):
        opportunity = won[pk]
        on = min(today, negotiating.date() + dt.timedelta(days=rng.randrange(1, 10)))
        subscription = services.subscription_create(
            actor=users[rep], sale_unit=su, person=opportunity.person,
            deposit=Decimal(rng.choice((20000, 50000))), on=on, opportunity=opportunity)
        if rng.random() < 0.67:
            signed_on = min(today, on + dt.timedelta(days=rng.randrange(3, 15)))
            kind, lines, extra = payment_plan(rng, subscription.total, signed_on)
            contract = services.contract_create(actor=users[rep], subscription=subscription,
                                                plan_kind=kind, lines=lines,
                                                signed_on=signed_on, **extra)
            pay_due_lines(rng, contract, today)
            if rng.random() < 0.5:
                services.contract_file(actor=None, contract=contract,
                                       filing_number=f"杭网备{signed_on:%Y}{contract.pk:06d}",
                                       filed_on=min(today, signed_on + dt.timedelta(days=7)))


def write(*, leads: int, projects: int, days: int, ids: dict, directory: dict, names,
          rng: random.Random, now: dt.datetime, log) -> dict[str, int]:
    """The developer tenant ``CODE`` with ``projects`` projects and ``leads`` leads over the
    last ``days`` days. Returns the rows written per table."""
    for counter in ids.values():  # the services below take the next keys of the tables too
        counter.sync()
    ids = {}
    with transaction.atomic():
        tenant = accounts.tenant_create(name="基准置业有限公司", code=CODE, kind="developer",
                                        role_presets=True)
        roles = {r.code: r for r in Role.objects.filter(tenant=tenant)}  # scoped-query-ok
        root = OrgUnit.objects.get(tenant=tenant, parent__isnull=True)  # scoped-query-ok
        accounts.user_create(actor=None, tenant=tenant, username=f"{CODE}-admin",
                             password=None, display_name="系统管理员", org_unit=root,
                             role=roles["tenant-admin"])
        services.lost_reasons_install(tenant=tenant)
        # Keys counted on from what the services wrote.
        ids.update(user=Ids(User), membership=Ids(Membership))
        offices = _offices(tenant, roles, projects, ids, directory, make_password("Bench-2026"))
        on = (now - dt.timedelta(days=days + 30)).date()
        made = [_project(office, p, on) for p, office in enumerate(offices)]
    log(f"{CODE}: {projects} projects on sale, "
        f"{SaleUnit.objects.filter(project__in=made).count():,} units")  # scoped-query-ok
    cp = copiers()
    reasons = _reasons(tenant)
    plan = [final for final, n in OUTCOMES for _ in range(n)]
    for project, office in zip(made, offices, strict=True):
        # Keys counted on from what the last project's deals wrote through the services.
        ids.update(person=Ids(Person), phone=Ids(PersonPhone))
        own = {"lead": Ids(Lead), "opportunity": Ids(Opportunity),
               "stage_move": Ids(StageMove)}
        writer = Writer(tenant, ids, own, names, rng, now, reasons)
        with transaction.atomic():
            for n in range(leads // projects):
                writer.lead(project, office, days, plan[n % 100] if n % 100 < len(plan)
                            else None)
            writer.flush(cp, directory)
            for counter in [*own.values(), ids["person"], ids["phone"]]:
                counter.sync()
            _deals(project, writer.to_win, rng, now)
    counts = {key: copier.count for key, copier in cp.items()}
    counts["subscription"] = Subscription.objects.filter(tenant=tenant).count()  # scoped-query-ok
    counts["contract"] = Contract.objects.filter(tenant=tenant).count()  # scoped-query-ok
    log(f"{CODE}: {counts['lead']:,} leads, {counts['opportunity']:,} opportunities, "
        f"{counts['subscription']:,} subscriptions, {counts['contract']:,} contracts")
    return counts
