"""``make bench``: generate (or reuse) the data set, serve it with gunicorn, run the scenarios,
write ``bench/results/<date>-<scale>.json`` and the table in ``bench/RESULTS.md``.

Environment: BENCH_SCALE=small|full (default small), BENCH_WORKERS (gunicorn workers,
default 4), BENCH_PORT (default 8765), BENCH_DB (default linli_bench_<scale>),
BENCH_REGENERATE=1 to drop and rebuild the data set (each run otherwise starts from a copy of the
set as generated, kept as ``<BENCH_DB>_pristine``), BENCH_IMPORT_ROWS (people in the
import, default 5,000 small / 100,000 full), BENCH_PG (server URL, default
postgres://postgres@127.0.0.1:5432), BENCH_REDIS (default redis://127.0.0.1:6379/11).

BENCH_ONLY=name,name runs just those scenarios (and the bare view, for the ratio) while working
on one of them; it prints their figures and writes ``var/bench/only.json``, never RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALE = os.environ.get("BENCH_SCALE", "small")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", f"linli_bench_{SCALE}")
PRISTINE = f"{DB}_pristine"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/11")
ONLY = {name for name in os.environ.get("BENCH_ONLY", "").split(",") if name}
HOST = "127.0.0.1"
VAR = ROOT / "var" / "bench"
# Per scale: requests at concurrency 1, seconds at concurrency 16, people to import.
BUDGET = {"small": (60, 4, 5_000), "full": (200, 10, 100_000)}

SERVER_ENV = {
    "DATABASE_URL": f"{PG}/{DB}", "LINLI_ENV": "production", "ALLOWED_HOSTS": HOST,
    "LINLI_SITE_URL": f"http://{HOST}",
    "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_SSL_REDIRECT": "0",
    "LINLI_BENCH_VIEWS": "1", "REDIS_URL": REDIS, "LINLI_VAR_DIR": str(VAR),
    "DB_CONN_MAX_AGE": "600", "DJANGO_SETTINGS_MODULE": "linli.settings",
}
os.environ.update(SERVER_ENV)
sys.path.insert(0, str(ROOT))


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def psql(sql: str) -> str:
    return subprocess.run(["psql", f"{PG}/postgres", "-Atqc", sql], check=True,
                          capture_output=True, text=True).stdout.strip()


# --- the data set ----------------------------------------------------------------------------

def prepare_database() -> dict:
    """The data set as generated. A run writes into it (orders created and moved, orders
    escalated, people imported), so the set is kept as a pristine copy and each run measures
    a fresh copy of that, never what the runs before it left."""
    marker = VAR / f"{DB}.json"
    if (marker.exists() and _database_exists(PRISTINE)
            and os.environ.get("BENCH_REGENERATE") != "1"):
        started = time.monotonic()
        _drop(DB)
        _copy(PRISTINE, DB)
        say(f"restored the {SCALE} data set in {DB} from {PRISTINE} in "
            f"{time.monotonic() - started:.0f} s (BENCH_REGENERATE=1 rebuilds it)")
        import django
        django.setup()
        return json.loads(marker.read_text())
    _drop(PRISTINE)
    _drop(DB)
    psql(f'CREATE DATABASE "{DB}"')
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.generate import SCALES, generate
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic() - started
    generated = generate(SCALES[SCALE], out=lambda m: say(f"generate {m}"))
    connections.close_all()  # a database is copied only while no one is connected to it
    started = time.monotonic()
    _copy(DB, PRISTINE)
    say(f"kept the data set as {PRISTINE} in {time.monotonic() - started:.0f} s")
    info = {"scale": SCALE, "counts": generated.counts,
            "migrate_seconds": round(migrated, 1),
            "generate_seconds": round(generated.seconds, 1),
            "generate_peak_rss_mb": round(_self_peak_mb(), 1),
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    VAR.mkdir(parents=True, exist_ok=True)
    marker.write_text(json.dumps(info, indent=2))
    return info


def _database_exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def _drop(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _copy(source: str, target: str) -> None:
    # FILE_COPY copies the files instead of writing the whole set through the WAL, which for
    # the full set is several times slower.
    psql(f'CREATE DATABASE "{target}" TEMPLATE "{source}" STRATEGY FILE_COPY')


def _self_peak_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- who asks, and what ----------------------------------------------------------------------

class Cast:
    """The users of the run, their credentials, and the rows the scenarios ask for."""

    def __init__(self):
        from django.test import Client

        from linli.accounts import services as accounts
        from linli.accounts.models import User
        from linli.core.tenancy import Tenant
        from linli.directory.models import Building, Person, PersonPhone, Unit
        from linli.servicedesk.models import WorkOrder

        self.tenant = Tenant.objects.get(code="bench01")
        users = {u.username: u for u in User.objects.filter(  # scoped-query-ok: bench setup
            username__startswith="bench01-")}
        self.users = users
        self.tokens, self.cookies = {}, {}
        for name in ("bench01-admin", "bench01-001-desk", "bench01-001-dispatch",
                     "bench01-001-manager", "bench01-001-supervisor", "bench01-002-desk"):
            self.tokens[name] = accounts.api_token_create(actor=None, user=users[name],
                                                          name="bench", days=2)[1]
            client = Client()
            client.force_login(users[name])
            self.cookies[name] = client.cookies["sessionid"].value
        manager = users["bench01-001-manager"]
        community = manager.memberships.first().org_unit
        people = list(Person.objects.filter(org_unit=community).values_list(  # scoped-query-ok
            "pk", "name_initials")[:2000])
        self.people = [p for p, _i in people]
        self.initials = sorted({i for _p, i in people if len(i) >= 2})
        self.last4 = list(PersonPhone.objects.filter(  # scoped-query-ok: bench setup
            org_unit=community).values_list("last4", flat=True)[:2000])
        units = list(Unit.objects.filter(org_unit=community).select_related(  # scoped-query-ok
            "building", "section")[:3000])
        self.rooms = [_room_variant(u, n) for n, u in enumerate(units)]
        self.tower = (Building.objects.filter(org_unit=community)  # scoped-query-ok: setup
                      .order_by("-floors_above").first())
        self.community_id = units[0].community_id
        self.homes = [(u.pk, u.building_id) for u in units]
        # The office's newest orders; the run starts from the set as generated, so these are
        # the generator's, whatever runs came before.
        orders = WorkOrder.objects.filter(  # scoped-query-ok: bench setup
            tenant=self.tenant, org_unit__path__startswith=community.path)
        self.orders = list(orders.order_by("-pk").values_list("pk", flat=True)[:3000])
        self._sales(accounts, Client)

    def _sales(self, accounts, client_class) -> None:
        """The developer's administrator (every project) and the first sales office's
        manager and rep, when the data set has the developer (bench/sales.py)."""
        from bench.sales import CODE
        from linli.accounts.models import User
        from linli.sales.models import SalesProject

        self.sales_users = {u.username: u for u in User.objects.filter(  # scoped-query-ok
            username__in=[f"{CODE}-admin", f"{CODE}-001-manager", f"{CODE}-001-rep1"])}
        for name, user in self.sales_users.items():
            self.tokens[name] = accounts.api_token_create(actor=None, user=user, name="bench",
                                                          days=2)[1]
            client = client_class()
            client.force_login(user)
            self.cookies[name] = client.cookies["sessionid"].value
        manager = self.sales_users.get(f"{CODE}-001-manager")
        project = (SalesProject.objects.filter(  # scoped-query-ok: bench setup
            org_unit__memberships__user=manager).order_by("pk").first() if manager else None)
        self.sales_project = project.pk if project else None

    def headers(self, user: str, kind: str) -> dict[str, str]:
        if kind == "token":
            return {"Authorization": f"Bearer {self.tokens[user]}"}
        return {"Cookie": f"sessionid={self.cookies[user]}"}


def _room_variant(unit, n: int) -> str:
    """The room code as callers say it: "3-2-1502", "3栋2单元1502" or "3#2-1502"."""
    b, s, r = unit.building.number, unit.section.number if unit.section else "", unit.number
    if n % 3 == 0 or not s:
        return unit.room_code
    if n % 3 == 1:
        return f"{b}栋{s}单元{r}"
    return f"{b}#{s}-{r}"


def moves(cast: Cast, action: str, status: str, limit: int) -> list[tuple[int, str]]:
    """Orders of the first tenant in ``status`` with the token of who does ``action`` in real
    life: the handler accepts and resolves, the office's front desk calls back."""
    from linli.accounts import services as accounts
    from linli.accounts.models import User
    from linli.servicedesk.models import WorkOrder

    rows = (WorkOrder.objects.filter(tenant=cast.tenant, status=status,  # scoped-query-ok
                                     handler__isnull=False)
            .order_by("pk").values_list("pk", "handler_id", "community__org_unit_id")[:limit])
    out, tokens = [], {}
    for pk, handler, office in rows:
        key = ("desk", office) if action == "callback" else handler
        if key not in tokens:
            user = (User.objects.filter(memberships__org_unit_id=office,  # scoped-query-ok
                                        memberships__role__code="front-desk").first()
                    if action == "callback" else User.objects.get(pk=handler))
            tokens[key] = accounts.api_token_create(actor=None, user=user, name="bench",
                                                    days=2)[1]
        out.append((pk, tokens[key]))
    return out


# --- the scenarios ---------------------------------------------------------------------------

# Questions as the front desk types them (SVC-13): Chinese with question words, a homophone
# typo, full pinyin and initials.
KB_QUESTIONS = ["请问装修押金什么时候能退", "装修要办什么手续", "门禁卡丢了怎么办",
                "停车月卡多少钱", "物业费怎么交", "冬天暖气什么时候开始", "快递放哪里",
                "装休押金", "menjinka", "wyf", "访客车辆能进小区吗", "附近有什么学校"]

def scenarios(cast: Cast, tenant_pk: int):
    from bench.load import Scenario

    rnd = random.Random(7)  # noqa: S311 (load mix, not secrets)
    desk, manager, dispatcher = "bench01-001-desk", "bench01-001-manager", "bench01-001-dispatch"

    def pick(seq, n):
        return seq[(n * 7919) % len(seq)]

    def create(n):
        unit, building = pick(cast.homes, n)
        return ("POST", "/api/v1/work-orders", {
            "community_id": cast.community_id, "order_type": "repair", "channel": "phone",
            "summary": f"卫生间漏水 {n}", "unit_id": unit, "building_id": building,
            "caller_name": "业主", "caller_phone": f"1380000{n % 10000:04d}",
            "urgency": rnd.choice(["low", "medium", "high"]), "impact": "low"})

    return [
        Scenario("ceiling", "bare view: one row by pk, tiny template",
                 lambda n: ("GET", f"/bench/ceiling/{tenant_pk}", None), {}),
        Scenario("search_last4", "search: phone last 4",
                 lambda n: ("GET", f"/api/v1/search?q={pick(cast.last4, n)}", None),
                 cast.headers(desk, "token"), p95_target_ms=30, rps_target=150),
        Scenario("search_initials", "search: pinyin initials",
                 lambda n: ("GET", f"/api/v1/search?q={pick(cast.initials, n)}", None),
                 cast.headers(desk, "token"), p95_target_ms=30, rps_target=150),
        Scenario("search_room", "search: room code (3 spellings)",
                 lambda n: ("GET", "/api/v1/search?q=" + urllib.request.quote(
                     pick(cast.rooms, n)), None),
                 cast.headers(desk, "token"), p95_target_ms=30, rps_target=150),
        Scenario("person_360", "person 360° page",
                 lambda n: ("GET", f"/directory/people/{pick(cast.people, n)}/", None),
                 cast.headers(manager, "session"), p95_target_ms=80),
        Scenario("unit_grid", f"unit grid of a {cast.tower_units}-unit building",
                 lambda n: ("GET", f"/directory/buildings/{cast.tower.pk}/", None),
                 cast.headers(manager, "session"), p95_target_ms=80),
        Scenario("order_detail", "work-order page",
                 lambda n: ("GET", f"/service/orders/{pick(cast.orders, n)}/", None),
                 cast.headers(manager, "session"), p95_target_ms=20, rps_target=250),
        Scenario("order_detail_api", "work order (API)",
                 lambda n: ("GET", f"/api/v1/work-orders/{pick(cast.orders, n)}", None),
                 cast.headers(manager, "token"), p95_target_ms=20, rps_target=250),
        Scenario("dispatcher_queue", "dispatcher queue page (filters, counts)",
                 lambda n: ("GET", "/service/queue/" + ["", "?priority=P2", "?unassigned=on",
                                                         "?order_type=repair"][n % 4], None),
                 cast.headers(dispatcher, "session"), p95_target_ms=40, rps_target=100),
        Scenario("order_list_api", "work orders API, open, 50 rows with count",
                 lambda n: ("GET", "/api/v1/work-orders?open=true&limit=50"
                                   + ["", "&priority=P2", "&order_type=repair"][n % 3], None),
                 cast.headers(dispatcher, "token"), p95_target_ms=40, rps_target=100),
        Scenario("knowledge_search", "knowledge-base suggestions for a typed question (API)",
                 lambda n: ("GET", "/api/v1/knowledge/suggestions?q=" + urllib.request.quote(
                     pick(KB_QUESTIONS, n)), None),
                 cast.headers(desk, "token"), p95_target_ms=30, rps_target=150),
        Scenario("call_statistics", "callback statistics: a year of campaigns by city, "
                 "agent or campaign (API)",
                 lambda n: ("GET", "/api/v1/outreach/call-statistics?" + [
                     "group_by=city", "group_by=agent&exclude_litigation=true",
                     "group_by=campaign"][n % 3], None),
                 cast.headers("bench01-admin", "token")),
        Scenario("order_create", "work-order create (API)", create,
                 cast.headers(desk, "token"), expect=(201,), p95_target_ms=15,
                 rps_target=300),
        *report_scenarios(cast),
        *sales_scenarios(cast),
    ]


REPORTS = ("volume", "sla", "times", "backlog", "callbacks", "repeats", "workload", "register")
DASHBOARDS = (("manager", "bench01-001-manager"), ("dispatcher", "bench01-001-dispatch"),
              ("supervisor", "bench01-001-supervisor"), ("frontdesk", "bench01-001-desk"))


def report_scenarios(cast: Cast):
    """The service-desk reports over the last 365 days of the whole tenant (its
    administrator sees every office), as JSON and the volume report as its page; the
    dashboards of an office's roles (SVC-15)."""
    from bench.load import Scenario

    end = dt.datetime.now(dt.UTC).date()
    period = f"start={end - dt.timedelta(days=365):%Y-%m-%d}&end={end:%Y-%m-%d}"
    admin = "bench01-admin"
    found = [Scenario(f"report_{key}", f"report: {key}, a year of one tenant (API)",
                      lambda n, key=key: ("GET", f"/api/v1/service-reports/{key}?{period}",
                                          None),
                      cast.headers(admin, "token"), p95_target_ms=300, throughput=False,
                      requests=20)
             for key in REPORTS]
    found.append(Scenario("report_volume_page", "report page: volume, a year of one tenant",
                          lambda n: ("GET", f"/service/reports/volume/?{period}", None),
                          cast.headers(admin, "session"), p95_target_ms=300,
                          throughput=False, requests=20))
    found += [Scenario(f"dashboard_{role}", f"dashboard page: {role} of an office",
                       lambda n, role=role: ("GET", f"/service/dashboard/{role}/", None),
                       cast.headers(user, "session"), p95_target_ms=150, rps_target=None,
                       requests=50)
              for role, user in DASHBOARDS]
    return found


SALES_REPORTS = ("funnel", "lost", "reps", "sell-through", "receivables")


def sales_scenarios(cast: Cast):
    """The sales reports (SAL-6) of the developer's whole tenant, a year of leads and deals
    (funnel, lost, reps; sell-through today, receivables as of today), as JSON and the funnel
    as its page; a rep's lead list and a manager's sales-control chart of a project."""
    from bench.load import Scenario
    from bench.sales import CODE

    if not cast.sales_users:
        return []
    admin, manager, rep = f"{CODE}-admin", f"{CODE}-001-manager", f"{CODE}-001-rep1"
    found = [Scenario(f"sales_report_{key}", f"sales report: {key}, a year of the developer (API)",
                      lambda n, key=key: ("GET", f"/api/v1/sales-reports/{key}", None),
                      cast.headers(admin, "token"), p95_target_ms=300, throughput=False,
                      requests=20)
             for key in SALES_REPORTS]
    found += [
        Scenario("sales_report_funnel_page", "sales report page: funnel, a year of the developer",
                 lambda n: ("GET", "/sales/reports/funnel/", None),
                 cast.headers(admin, "session"), p95_target_ms=300, throughput=False,
                 requests=20),
        Scenario("sales_leads_api", "leads API of a rep, 50 rows with count",
                 lambda n: ("GET", "/api/v1/leads?size=50" + ["", "&status=working",
                                                               "&channel=web"][n % 3], None),
                 cast.headers(rep, "token")),
        Scenario("sales_chart", "sales-control chart page of a 288-unit project",
                 lambda n: ("GET", f"/sales/chart/?project={cast.sales_project}", None),
                 cast.headers(manager, "session")),
    ]
    return found


def transition(cast: Cast, action: str, status: str, body: dict | None, limit: int):
    """A scenario moving orders that are in ``status`` now, each once, each with the token of
    who may move it; None when there are none."""
    from bench.load import Scenario

    work = moves(cast, action, status, limit)
    if not work:
        return None

    def make(n):
        pk, token = work[n % len(work)]
        return ("POST", f"/api/v1/work-orders/{pk}/{action}", body,
                {"Authorization": f"Bearer {token}"})

    scenario = Scenario(f"transition_{action}", f"transition: {action}", make, {},
                        p95_target_ms=15, rps_target=300)
    scenario.work = work
    return scenario


TRANSITIONS = (("accept", "new", None),
               ("resolve", "accepted", {"resolution": "已修复"}),
               ("callback", "resolved", {"outcome": "done", "satisfaction": 5}))


# --- the server ------------------------------------------------------------------------------

def collectstatic() -> None:
    subprocess.run([str(ROOT / ".venv/bin/linli"), "collectstatic", "--noinput", "-v0"],
                   check=True, env={**os.environ})


def start_gunicorn() -> subprocess.Popen:
    log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115 (lives as long as the server)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "linli.wsgi", "--workers", str(WORKERS),
         "--bind", f"{HOST}:{PORT}", "--worker-class", "sync", "--keep-alive", "30",
         "--timeout", "120", "--access-logfile", "/dev/null"],
        cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start; see var/bench/gunicorn.log")


def worker_pids(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def cpu_seconds(pid: int) -> float:
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


# --- in-process measurements -----------------------------------------------------------------

def breach_scan(cast: Cast) -> dict:
    """One scan over every open order as it stands, then one over a backlog: clocks whose
    breach nobody has recorded yet (as after a stopped scheduler)."""
    from django.urls import reverse
    from django.utils import timezone

    from linli.servicedesk.choices import ClockState
    from linli.servicedesk.models import WorkOrderClock
    from linli.servicedesk.services import sla_scan

    running = WorkOrderClock.objects.filter(state=ClockState.RUNNING)  # scoped-query-ok
    # A worker has its URLconf loaded from its first scan on; loading it (about a second:
    # every router's schemas) is not part of a scan. The notices' links need it.
    reverse("servicedesk:work_order_detail", args=[1])
    started = time.perf_counter()
    steady = sla_scan()
    steady_s = time.perf_counter() - started
    backlog = list(running.filter(due_at__lt=timezone.now(), breached_at__isnull=False)
                   .values_list("pk", flat=True)[:20000])
    WorkOrderClock.objects.filter(pk__in=backlog).update(  # scoped-query-ok: bench setup
        breached_at=None, escalate_at=None)
    started = time.perf_counter()
    result = sla_scan()
    backlog_s = time.perf_counter() - started
    orders = len(set(WorkOrderClock.objects.filter(pk__in=backlog)  # scoped-query-ok
                     .values_list("work_order_id", flat=True)))
    return {"open_clocks": running.count(), "steady_run_seconds": round(steady_s, 3),
            "steady_result": vars(steady), "backlog_clocks": len(backlog),
            "backlog_orders": orders, "backlog_seconds": round(backlog_s, 2),
            "backlog_result": vars(result),
            "orders_per_second": round(orders / backlog_s, 1) if backlog_s else None,
            "target_steady_seconds": 1.0, "target_orders_per_second": 2000}


def import_people(rows: int) -> dict:
    """The people import of an .xlsx of ``rows`` rows, in a process of its own so its peak
    memory is its own."""
    path = str(VAR / f"people-{rows}.xlsx")
    built = subprocess.run([sys.executable, "-m", "bench.importing", "build", str(rows), path],
                           cwd=ROOT, env={**os.environ}, capture_output=True, text=True)
    if built.returncode != 0:
        return {"error": built.stderr[-2000:]}
    out = subprocess.run([sys.executable, "-m", "bench.importing", "load", path], cwd=ROOT,
                         env={**os.environ}, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def export_rows(cast: Cast, server: subprocess.Popen, rows: int) -> dict:
    """A CSV export of ``rows`` work orders streamed to the tenant administrator, with the
    workers' memory before and after."""
    from bench.load import Scenario, run
    from linli.servicedesk.models import WorkOrder

    dates = list(WorkOrder.objects.filter(tenant=cast.tenant)  # scoped-query-ok: bench setup
                 .order_by("-created_at").values_list("created_at", flat=True)[:rows])
    since = dates[-1].date().isoformat() if dates else "2026-01-01"
    before = {p: memory_mb(p) for p in worker_pids(server)}
    scenario = Scenario("export", "export", lambda n: (
        "GET", f"/service/orders/?export=csv&created_from={since}", None),
        cast.headers("bench01-admin", "session"), stream=True, throughput=False)
    measured = run(scenario, HOST, PORT, concurrency=1, requests=3)
    after = {p: memory_mb(p) for p in worker_pids(server)}
    summary = measured.summary()
    return {**summary, "rows_about": len(dates), "since": since,
            "rss_before_mb": [m.get("VmRSS") for m in before.values()],
            "rss_after_mb": [m.get("VmRSS") for m in after.values()],
            "target_seconds": 5.0}


def scale_out(cast: Cast) -> dict:
    """Two Celery workers on Redis: a backlog scan fans its notices out as delivery tasks;
    the workers' own counters show how the work spread."""
    from django.utils import timezone

    from linli.celery import app
    from linli.servicedesk.choices import ClockState
    from linli.servicedesk.models import WorkOrderClock

    workers = []
    for name in ("w1", "w2"):
        log = open(VAR / f"celery-{name}.log", "w")  # noqa: SIM115
        workers.append(subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "linli", "worker", "-c", "1", "-n",
             f"{name}@bench", "--without-gossip", "--without-mingle", "-l", "WARNING"],
            cwd=ROOT, env={**os.environ}, stdout=log, stderr=subprocess.STDOUT))
    try:
        for _ in range(60):
            replies = app.control.ping(timeout=1) or []
            if len(replies) >= 2:
                break
            time.sleep(1)
        app.control.purge()
        backlog = list(WorkOrderClock.objects.filter(  # scoped-query-ok: bench setup
            state=ClockState.RUNNING, due_at__lt=timezone.now(), breached_at__isnull=False)
            .values_list("pk", flat=True)[:3000])
        WorkOrderClock.objects.filter(pk__in=backlog).update(  # scoped-query-ok
            breached_at=None, escalate_at=None)
        started = time.perf_counter()
        for _ in range(4):
            app.send_task("linli.servicedesk.tasks.scan_service_levels")
        idle_since, totals = None, {}
        while time.perf_counter() - started < 300:
            time.sleep(2)
            active = app.control.inspect(timeout=2).active() or {}
            reserved = app.control.inspect(timeout=2).reserved() or {}
            stats = app.control.inspect(timeout=2).stats() or {}
            totals = {w: s.get("total", {}) for w, s in stats.items()}
            busy = any(active.values()) or any(reserved.values())
            with app.connection_for_write() as conn:
                queued = conn.default_channel.client.llen("celery")
            if not busy and not queued:
                idle_since = idle_since or time.perf_counter()
                if time.perf_counter() - idle_since > 4:
                    break
            else:
                idle_since = None
        elapsed = (idle_since or time.perf_counter()) - started
        return {"workers": 2, "backlog_clocks": len(backlog), "seconds": round(elapsed, 1),
                "tasks_per_worker": totals}
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


# --- the run ---------------------------------------------------------------------------------

def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    import django
    import gunicorn
    versions = {"python": platform.python_version(), "django": django.get_version(),
                "gunicorn": gunicorn.__version__,
                "postgresql": psql("SHOW server_version"),
                "kernel": platform.release()}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip()
    # The results and their reading are not what is measured: a run made to record them
    # anew is still a run of the commit.
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                            ":!bench/results", ":!bench/RESULTS.md", ":!bench/analysis.md"],
                           cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(int(mem) / 1024**2, 1),
            "versions": versions, "commit": commit + ("+changes" if dirty else "")}


def measure(scenario, per: int, seconds: float, start: int, limit: int = 0) -> dict:
    """Warm-up, ``per`` requests at concurrency 1, then ``seconds`` at concurrency 16; with
    ``limit`` (requests that consume their row) no request number repeats."""
    from bench.load import run

    per = min(per, max(1, (limit - 10) // 3)) if limit else per
    run(scenario, HOST, PORT, concurrency=1, requests=10, start_at=start)  # warm-up
    one = run(scenario, HOST, PORT, concurrency=1, requests=scenario.requests or per,
              start_at=start + 10)
    result = {"title": scenario.title, "c1": one.summary(),
              "p95_target_ms": scenario.p95_target_ms, "rps_target": scenario.rps_target}
    if scenario.throughput:
        left = limit - 10 - per if limit else 0
        many = run(scenario, HOST, PORT, concurrency=16, seconds=seconds,
                   requests=left, start_at=start + 10 + per)
        result["c16"] = many.summary()
    return result


def _run_only(cast, tenant_pk: int, server, results: dict, per: int, seconds: float) -> int:
    """BENCH_ONLY: the named page scenarios and the bare view, printed, not recorded."""
    try:
        for scenario in scenarios(cast, tenant_pk):
            if scenario.name in ONLY or scenario.name == "ceiling":
                say(f"scenario {scenario.name}")
                row = measure(scenario, per, seconds, 0)
                results["scenarios"][scenario.name] = row
                c1, c16 = row["c1"], row.get("c16", {})
                say(f"  p95 {c1.get('p95_ms')} ms, {c16.get('throughput_rps')} req/s at c16")
        results["web_workers"] = {p: memory_mb(p) for p in worker_pids(server)}
        say("web workers' peak RSS (MB): " + ", ".join(
            str(w.get("VmHWM")) for w in results["web_workers"].values()))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    out = VAR / "only.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    say(f"wrote {out.relative_to(ROOT)}")
    return 0


def main() -> int:
    per, seconds, import_rows = BUDGET[SCALE]
    import_rows = int(os.environ.get("BENCH_IMPORT_ROWS", import_rows))
    info = prepare_database()
    from django.core.cache import cache
    cache.clear()  # scopes cached by an earlier run may name rows that were generated anew
    collectstatic()
    from linli.core.tenancy import Tenant
    cast = Cast()
    cast.tower_units = cast.tower.units.count()
    tenant_pk = Tenant.objects.get(code="bench01").pk
    server = start_gunicorn()
    results: dict = {"scale": SCALE, "data": info, "machine": machine(), "workers": WORKERS,
                     "date": dt.datetime.now(dt.UTC).date().isoformat(), "scenarios": {}}
    if ONLY:
        return _run_only(cast, tenant_pk, server, results, per, seconds)
    try:
        for scenario in scenarios(cast, tenant_pk):
            say(f"scenario {scenario.name}")
            results["scenarios"][scenario.name] = measure(scenario, per, seconds, 0)
        # Each move runs on orders the previous one left in its state (created → accepted →
        # resolved → called back); every order moves once.
        for action, status, body in TRANSITIONS:
            scenario = transition(cast, action, status, body, 20_000)
            if scenario is None:
                continue
            say(f"scenario {scenario.name} ({len(scenario.work)} orders ready)")
            results["scenarios"][scenario.name] = measure(scenario, per, seconds, 0,
                                                          limit=len(scenario.work))
        ceiling = results["scenarios"]["ceiling"].get("c16", {}).get("throughput_rps")
        for row in results["scenarios"].values():
            rps = row.get("c16", {}).get("throughput_rps")
            row["ratio_to_ceiling"] = round(rps / ceiling, 3) if rps and ceiling else None
        say("export")
        results["export"] = export_rows(cast, server, 10_000)
        results["web_workers"] = {p: {**memory_mb(p), "cpu_s": round(cpu_seconds(p), 1)}
                                  for p in worker_pids(server)}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for key, title, step in (("breach_scan", "breach scan", lambda: breach_scan(cast)),
                             ("import", f"import of {import_rows:,} people",
                              lambda: import_people(import_rows)),
                             ("scale_out", "scale-out: two Celery workers",
                              lambda: scale_out(cast))):
        say(title)
        try:
            results[key] = step()
        except Exception as exc:
            results[key] = {"error": repr(exc)}
    out = ROOT / "bench" / "results" / f"{results['date']}-{SCALE}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    from bench.report import write_results_md
    write_results_md()
    say(f"wrote {out.relative_to(ROOT)} and bench/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
