"""Measuring the SQL a page costs, on a small estate and on one three times its size (NFR-1).

A ``Page`` is one request (an API endpoint or a screen, with its query string) and its budget:
the most SQL queries it may run. ``measure_pages`` builds the estate once per test module
(tests/budgets/estate.py) with one batch of data, requests every page, grows the estate to three
batches and requests every page again; the whole estate is rolled back afterwards. Each page is
requested twice at each size and the second request is measured, so caches that live for the
process (content types, calendars) cost nothing in either measurement and the counts do not
depend on the order the pages are measured in.

``check_page`` then asserts, for one page:
- it answered with the expected status at both sizes;
- it did show more at three batches than at one (else the data set does not exercise it);
- its query count did not grow with the data (no N+1): the queries that repeat more often on
  the larger estate are printed, normalised, so the cause is visible;
- its query count is within the page's budget: the SQL of the larger measurement is printed.

Transaction control (BEGIN, COMMIT, savepoints) and planner settings are not counted: they read
no data, and whether they appear depends on the transaction the test runs in.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from tests.budgets.estate import Estate, make_estate
from tests.builders import make_world


@dataclass(frozen=True)
class Page:
    """One request and its budget.

    ``route`` is the URL pattern the page exercises (as Django or django-ninja spell it), so
    the coverage tests can tell which endpoints have a budget; ``url`` builds the concrete URL
    from the estate. ``user`` names an Estate attribute ("viewer", "technician", "admin") or is
    None for an anonymous request. API pages authenticate with a bearer token, screens with a
    session. ``grows``: the page shows more rows on the larger estate (False for pages whose
    content does not depend on the data, such as the caller's own profile).
    """

    name: str
    route: str
    budget: int
    url: str | Callable[[Estate], str] = ""
    user: str | None = "viewer"
    grows: bool = True
    status: int = 200
    # A known N+1 not fixed yet: how many more queries the larger estate may cost, and why.
    # Strict: once the growth is gone, the test asks for the allowance to be removed.
    known_growth: int = 0
    known_growth_why: str = ""

    @property
    def is_api(self) -> bool:
        return self.route.startswith("/api/")

    def url_for(self, estate: Estate) -> str:
        if callable(self.url):
            return self.url(estate)
        return self.url or self.route


# Transaction control and planner settings (core/planner.py) read no data; counting them
# would make a page's budget depend on whether the test already runs in a transaction.
_NOT_A_QUERY = re.compile(
    r"\s*(BEGIN|COMMIT|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT|SET LOCAL)\b", re.I)


@dataclass
class Measurement:
    status: int = 0
    queries: list[str] = field(default_factory=list)
    size: int = 0
    error: str = ""
    # Where each query came from: the innermost frames of the product's code.
    origins: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.queries)

    def __repr__(self) -> str:
        return f"<{self.count} queries, status {self.status}, {self.size} bytes>"


def _body(response) -> bytes:
    # A streamed export runs its queries while it is read: read it all inside the measurement.
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class Clients:
    """One signed-in client per user: a session for screens, a bearer token for the API."""

    def __init__(self, estate: Estate):
        self.estate = estate
        self._clients: dict[tuple[str | None, bool], tuple[Client, dict]] = {}

    def get(self, user_name: str | None, api: bool) -> tuple[Client, dict]:
        key = (user_name, api)
        if key not in self._clients:
            client, headers = Client(), {}
            if user_name is not None:
                user = getattr(self.estate, user_name)
                if api:
                    headers = {"HTTP_AUTHORIZATION": f"Bearer {self.estate.token_for(user)}"}
                else:
                    client.force_login(user)
            self._clients[key] = (client, headers)
        return self._clients[key]


_SRC = "/linli/"
# Template.render's workers; the test environment instruments the first.
_RENDERS = {"_render", "instrumented_test_render"}


def _origin() -> str:
    """"servicedesk/selectors.py:120 route_for ← servicedesk/views/queues.py:88 queue_row":
    the product's innermost frames that led to a query, with the innermost template that ran
    it, if one did."""
    frames, template = [], ""
    frame = sys._getframe(3)
    while frame is not None and len(frames) < 3:
        code = frame.f_code
        if _SRC in code.co_filename and "/tests/" not in code.co_filename:
            frames.append(f"{code.co_filename.rsplit(_SRC, 1)[1]}:{frame.f_lineno} "
                          f"{code.co_name}")
        elif not frames and not template and code.co_name in _RENDERS and (
                "/django/" in code.co_filename):
            origin = getattr(frame.f_locals.get("self"), "origin", None)
            template = getattr(origin, "template_name", "") or ""
        frame = frame.f_back
    return " ← ".join(frames) + (f" [template {template}]" if template else "")


class _Origins:
    """An execute wrapper that notes the origin of every query."""

    def __init__(self):
        self.origins: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.origins.append(_origin())
        return execute(sql, params, many, context)


def fetch(clients: Clients, page: Page) -> Measurement:
    """The second of two identical requests, measured; writes the page makes are undone."""
    client, headers = clients.get(page.user, page.is_api)
    url = page.url_for(clients.estate)
    savepoint = transaction.savepoint()
    try:
        _body(client.get(url, **headers))
        origins = _Origins()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(origins):
            response = client.get(url, **headers)
            size = len(_body(response))
        queries = [q["sql"] for q in captured.captured_queries]
        if len(origins.origins) != len(queries):
            origins.origins = [""] * len(queries)
        kept = [i for i, sql in enumerate(queries) if not _NOT_A_QUERY.match(sql)]
        return Measurement(response.status_code, [queries[i] for i in kept], size,
                           origins=[origins.origins[i] for i in kept])
    except Exception:  # reported by the page's own test, the other pages are still measured
        return Measurement(error=traceback.format_exc())
    finally:
        transaction.savepoint_rollback(savepoint)


class Results(dict[str, tuple[Measurement, Measurement]]):
    """Page name → (measured with one batch, with three)."""

    def __repr__(self) -> str:
        return f"<{len(self)} pages measured>"


def measure_pages(pages: list[Page], django_db_blocker) -> Results:
    """Every page measured on an estate of one batch and of three (see the module doc)."""
    from linli.core.calendar.selectors import forget_calendars

    names = [p.name for p in pages]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, f"page names must be unique: {duplicates}"
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A cached calendar rechecks its revision every few seconds; on a slow machine that read
    # would fall into some measurements and not others. An hour: it falls into none.
    with (django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast,
                                                          LANGUAGE_CODE="en",
                                                          LINLI_CALENDAR_RECHECK_SECONDS=3600),
          translation.override("en")):
        forget_calendars()
        try:
            with transaction.atomic():
                estate = make_estate(make_world())
                estate.grow(1)
                clients = Clients(estate)
                small = {p.name: fetch(clients, p) for p in pages}
                estate.grow(2)
                large = {p.name: fetch(clients, p) for p in pages}
                transaction.set_rollback(True)
        finally:
            forget_calendars()
    results = Results((name, (small[name], large[name])) for name in names)
    if os.environ.get("LINLI_BUDGET_REPORT"):
        _report(pages, results)
    return results


def _report(pages: list[Page], results: Results) -> None:
    """The measured counts next to the budgets (LINLI_BUDGET_REPORT=1, with pytest -s)."""
    print(f"\n{connection.vendor}: queries with one batch → three batches (budget)")
    for page in pages:
        small, large = results[page.name]
        flag = "" if max(small.count, large.count) <= page.budget else "  OVER"
        growth = "  GROWS" if large.count > small.count else ""
        print(f"  {page.name:40s} {small.count:4d} → {large.count:4d} ({page.budget})"
              f"{flag}{growth}{'  ERROR' if small.error or large.error else ''}")


# --- reporting ------------------------------------------------------------------------------

_LITERALS = [
    (re.compile(r"'(?:[^']|'')*'"), "?"),
    (re.compile(r"\b\d+(\.\d+)?\b"), "?"),
    (re.compile(r"\(\s*\?(\s*,\s*\?)*\s*\)"), "(…)"),
]


def shape(sql: str) -> str:
    """The query with its literal values replaced, so the same query for another row
    compares equal."""
    for pattern, replacement in _LITERALS:
        sql = pattern.sub(replacement, sql)
    return sql


_COLUMNS = re.compile(r"^SELECT (DISTINCT )?(.{100,}?) FROM ")


def brief(sql: str) -> str:
    """The query with a long column list cut short: the tables and conditions are what tell
    one query from another."""
    # Only shortens SQL for a failure message; nothing here is executed.
    return _COLUMNS.sub(lambda m: f"SELECT {m.group(1) or ''}… FROM ", sql, count=1)  # noqa: S608


def _numbered(measured: Measurement) -> str:
    return "\n".join(f"{i:3d}. {brief(sql)}\n       from {origin or '?'}"
                     for i, (sql, origin) in enumerate(zip(measured.queries, measured.origins,
                                                           strict=True), start=1))


def _repeated_more(small: Measurement, large: Measurement) -> str:
    before, after = Counter(map(shape, small.queries)), Counter(map(shape, large.queries))
    origins: dict[str, set[str]] = {}
    for sql, origin in zip(large.queries, large.origins, strict=True):
        origins.setdefault(shape(sql), set()).add(origin or "?")
    grew = [(after[s] - before[s], after[s], s) for s in after if after[s] > before[s]]
    lines = [f"  ×{n} (was {n - more}): {brief(s)}\n       from "
             + "\n        and ".join(sorted(origins[s]))
             for more, n, s in sorted(grew, reverse=True)]
    return "\n".join(lines) or "  (none: the larger page runs other queries)"


def check_page(page: Page, small: Measurement, large: Measurement) -> None:
    for label, measured in (("one batch", small), ("three batches", large)):
        assert not measured.error, f"{page.name} failed on {label}:\n{measured.error}"
        assert measured.status == page.status, (
            f"{page.name}: status {measured.status} on {label}, expected {page.status}")
    if page.grows:
        assert large.size > small.size, (
            f"{page.name}: the page is no larger with three batches of data than with one "
            f"({small.size} bytes): the estate does not exercise it")
    assert large.count <= small.count + page.known_growth, (
        f"{page.name}: {small.count} queries with one batch of data, {large.count} with "
        f"three: a query runs once per row (N+1). Queries that repeat more often:\n"
        f"{_repeated_more(small, large)}\nAll queries with three batches:\n"
        f"{_numbered(large)}")
    if page.known_growth:
        assert large.count - small.count == page.known_growth, (
            f"{page.name}: the known growth ({page.known_growth_why}) is now "
            f"{large.count - small.count} queries, not {page.known_growth}: set known_growth "
            f"to that (0 once it is fixed)")
    worst = max(small, large, key=lambda m: m.count)
    assert worst.count <= page.budget, (
        f"{page.name}: {worst.count} queries, the budget is {page.budget}. Queries:\n"
        f"{_numbered(worst)}")
