"""Query budgets of the exports (NFR-1, PLAT-7): every list export as CSV and as .xlsx, and
the other downloads, measured on an estate of one batch and of three (see
tests/budgets/measure.py). A streamed export is read to its end inside the measurement, so
what it queries while streaming counts too: an export must cost the same number of queries
whatever the number of rows (prefetches run once per chunk of 2,000 rows).

A budget is the most queries the request may run. When a change needs more, raise the budget
in the same change and say why in its message; when it needs fewer, lower it.
"""

import pytest

from linli.core.exchange.models import ImportRun
from tests.budgets.measure import Page, check_page, measure_pages

# The pages are measured once per module (``measured``); the mark makes pytest-django set up
# the test database for it.
pytestmark = pytest.mark.django_db


def _exports(name: str, route: str, budget_csv: int, budget_xlsx: int, query: str = "",
             **options) -> list[Page]:
    separator = "&" if query else ""
    return [Page(f"{name} csv", route, budget_csv, url=f"{route}?{query}{separator}export=csv",
                 **options),
            Page(f"{name} xlsx", route, budget_xlsx,
                 url=f"{route}?{query}{separator}export=xlsx", **options)]


def _run_errors(estate) -> str:
    run = ImportRun.objects.filter(tenant=estate.world.tenant).order_by("pk")[0]
    return f"/imports/runs/{run.pk}/errors/"


PAGES = [
    *_exports("sales-control chart", "/sales/chart/", 9, 9),
    *_exports("communities", "/directory/communities/", 10, 10),
    *_exports("people", "/directory/people/", 13, 13),
    *_exports("people masked", "/directory/people/", 12, 12, user="frontdesk"),
    *_exports("people of a community", "/directory/people/", 13, 13, query="q=yezhu"),
    *_exports("organizations", "/directory/organizations/", 11, 11),
    *_exports("users", "/org/users/", 10, 10),
    *_exports("access log", "/access-log/", 10, 10),
    *_exports("work orders", "/service/orders/", 10, 10),
    *_exports("open repairs", "/service/orders/", 10, 10, query="open=on&order_type=repair"),
    *_exports("contact log", "/service/contacts/", 9, 9),
    *_exports("hot spots", "/service/hot-spots/", 10, 10),
    *[Page(f"{key} report {fmt}", "/service/reports/<slug:key>/", budget,
           url=f"/service/reports/{key}/?export={fmt}")
      for key, budget in {"volume": 15, "workload": 12, "register": 10}.items()
      for fmt in ("csv", "xlsx")],
    # The funnel's rows are its steps and projects: more batches change its numbers, and the
    # size of the compressed workbook only now and then.
    *[Page(f"sales {key} report {fmt}", "/sales/reports/<slug:key>/", budget,
           url=f"/sales/reports/{key}/?export={fmt}", grows=(key, fmt) != ("funnel", "xlsx"))
      for key, budget in {"funnel": 15, "receivables": 14}.items()
      for fmt in ("csv", "xlsx")],
    Page("community statistics xlsx", "/directory/statistics/<int:pk>/", 16, grows=False,
         url=lambda e: f"/directory/statistics/{e.hero_community.pk}/?export=xlsx"),
    Page("community statistics csv", "/directory/statistics/<int:pk>/", 16, grows=False,
         url=lambda e: f"/directory/statistics/{e.hero_community.pk}/?export=csv"),
    Page("import errors", "/imports/runs/<int:pk>/errors/", 9, grows=False, url=_run_errors),
    Page("import template", "/imports/<slug:key>/template/", 8, grows=False, user="admin",
         url="/imports/directory-people/template/"),
]


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    return measure_pages(PAGES, django_db_blocker)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_query_budget(page, measured):
    check_page(page, *measured[page.name])
