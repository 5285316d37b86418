"""Query budgets of the HTML screens (NFR-1): every page to read — lists with their filters,
detail pages with their tabs, reports — measured with a signed-in session on an estate of one
batch and of three (see tests/budgets/measure.py). Exports are in test_export_budgets.py.

A budget is the most queries the request may run. When a change needs more, raise the budget
in the same change and say why in its message; when it needs fewer, lower it.
"""

import pytest
from django.utils import timezone

from linli.core.exchange.models import ImportRun
from linli.core.jobs.models import JobRun
from linli.outreach.models import (
    Agent,
    Campaign,
    ContactReview,
    ContentItem,
    Distribution,
    Edition,
    Partner,
    SpotCheck,
    SubsidyStatement,
)
from linli.servicedesk.models import WorkOrder
from tests.budgets.measure import Page, check_page, measure_pages

# The pages are measured once per module (``measured``); the mark makes pytest-django set up
# the test database for it.
pytestmark = pytest.mark.django_db


def _first(model):
    """The id of the oldest row of tenant A's ``model``, made by the first batch."""
    def pick(estate) -> int:
        return model.objects.filter(tenant=estate.world.tenant).order_by("pk")[0].pk
    return pick


def _pk(attribute: str, pattern: str):
    """The URL ``pattern`` with "{pk}" replaced by the id of the estate's ``attribute``."""
    def url(estate) -> str:
        return pattern.format(pk=getattr(estate, attribute).pk)
    return url


def _hero_photo(pattern: str):
    """The URL ``pattern`` for the hero order's first photo."""
    def url(estate) -> str:
        photo = estate.hero_order.photos.order_by("pk").first()
        return pattern.format(pk=estate.hero_order.pk, photo=photo.pk)
    return url


def _leak_place(estate) -> tuple[int, int | None, int]:
    """The category, building and community of the estate's first leak repair."""
    leak = estate.desk.category("漏水")
    first = WorkOrder.objects.filter(tenant=estate.world.tenant, category=leak).order_by("pk")[0]
    return leak.pk, first.building_id, first.community_id


def _suggestions(estate) -> str:
    leak, _building, community = _leak_place(estate)
    return f"/service/intake/suggestions/?order-community={community}&order-category={leak}"


def _hot_spot_drill(estate) -> str:
    leak, building, _community = _leak_place(estate)
    return (f"/service/hot-spots/?day={timezone.localdate().isoformat()}&building={building}"
            f"&category={leak}")
def _engineering(path: str):
    """A day of dispatch slips: today's of the engineering department, which every batch
    hands orders to."""
    def url(estate) -> str:
        return f"{path}?department={estate.desk.departments['engineering'].pk}"
    return url


PAGES = [
    # --- the platform ---------------------------------------------------------------------
    Page("health", "/healthz", 0, user=None, grows=False),
    Page("readiness", "/readyz", 1, user=None, grows=False),
    Page("sign-in page", "/accounts/login/", 0, user=None, grows=False),
    Page("home", "/", 10, grows=False),
    Page("search", "/search/", 14, url="/search/?q=业主"),
    Page("search by room", "/search/", 9, grows=False, url="/search/?q=3-1-101"),
    Page("search suggestions", "/search/suggest/", 14, grows=False,
         url="/search/suggest/?q=业主"),
    Page("access log", "/access-log/", 11),
    Page("calendar", "/settings/calendar/", 12, url="/settings/calendar/?month=2030-01"),
    Page("platform calendar", "/settings/calendar/platform/", 6, user="admin"),
    Page("inbox", "/notifications/", 11),
    Page("notification badge", "/notifications/badge/", 9, grows=False),
    Page("outbox", "/notifications/outbox/", 10),
    Page("jobs", "/jobs/", 10),
    Page("job", "/jobs/<int:pk>/", 9, grows=False,
         url=lambda e: f"/jobs/{_first(JobRun)(e)}/"),
    Page("job progress", "/jobs/<int:pk>/progress", 9, grows=False,
         url=lambda e: f"/jobs/{_first(JobRun)(e)}/progress"),
    Page("import runs", "/imports/", 10),
    Page("import preview", "/imports/runs/<int:pk>/", 9, grows=False,
         url=lambda e: f"/imports/runs/{_first(ImportRun)(e)}/"),
    Page("import result", "/imports/runs/<int:pk>/result/", 9, grows=False,
         url=lambda e: f"/imports/runs/{_first(ImportRun)(e)}/result/"),
    # --- accounts -------------------------------------------------------------------------
    Page("org units", "/org/units/", 9),
    Page("users", "/org/users/", 13),
    Page("user", "/org/users/<int:pk>/", 12, url=_pk("technician", "/org/users/{pk}/")),
    Page("roles", "/org/roles/", 9),
    Page("profile", "/org/profile/", 10, grows=False),
    # --- the directory --------------------------------------------------------------------
    Page("communities", "/directory/communities/", 11),
    Page("communities by occupancy", "/directory/communities/", 11,
         url="/directory/communities/?sort=-occupancy&city=杭州"),
    Page("community", "/directory/communities/<int:pk>/", 15,
         url=_pk("hero_community", "/directory/communities/{pk}/")),
    Page("community history", "/directory/communities/<int:pk>/", 12,
         url=_pk("hero_community", "/directory/communities/{pk}/?tab=history")),
    Page("community timeline", "/directory/communities/<int:pk>/", 12, grows=False,
         url=_pk("hero_community", "/directory/communities/{pk}/?tab=timeline")),
    Page("community zones", "/directory/communities/<int:pk>/zones/", 12,
         url=_pk("hero_community", "/directory/communities/{pk}/zones/")),
    Page("unit grid", "/directory/buildings/<int:pk>/", 12,
         url=_pk("hero_building", "/directory/buildings/{pk}/")),
    Page("unit 360", "/directory/units/<int:pk>/", 13,
         url=_pk("hero_unit", "/directory/units/{pk}/")),
    Page("unit timeline", "/directory/units/<int:pk>/", 17,
         url=_pk("hero_unit", "/directory/units/{pk}/?tab=timeline")),
    Page("unit history", "/directory/units/<int:pk>/", 14,
         url=_pk("hero_unit", "/directory/units/{pk}/?tab=history")),
    Page("people", "/directory/people/", 13),
    Page("people by name", "/directory/people/", 13, url="/directory/people/?q=yezhu"),
    Page("people of a community", "/directory/people/", 13,
         url=_pk("hero_community", "/directory/people/?community={pk}&role=owner")),
    Page("person 360", "/directory/people/<int:pk>/", 20,
         url=_pk("hero_person", "/directory/people/{pk}/")),
    Page("person timeline", "/directory/people/<int:pk>/", 19,
         url=_pk("hero_person", "/directory/people/{pk}/?tab=timeline")),
    Page("person history", "/directory/people/<int:pk>/", 20,
         url=_pk("hero_person", "/directory/people/{pk}/?tab=history")),
    Page("organizations", "/directory/organizations/", 11),
    Page("organization", "/directory/organizations/<int:pk>/", 12,
         url=_pk("hero_organization", "/directory/organizations/{pk}/")),
    Page("duplicate people", "/directory/duplicates/", 13),
    Page("duplicate organizations", "/directory/duplicates/", 12,
         url="/directory/duplicates/?kind=organizations"),
    Page("statistics", "/directory/statistics/", 9),
    Page("community statistics", "/directory/statistics/<int:pk>/", 17,
         url=_pk("hero_community", "/directory/statistics/{pk}/")),
    # --- the service desk -----------------------------------------------------------------
    Page("intake", "/service/intake/", 12, grows=False),
    Page("intake search", "/service/intake/", 15, url="/service/intake/?q=yezhu"),
    Page("intake caller", "/service/intake/", 21,
         url=lambda e: f"/service/intake/?person={e.hero_person.pk}&unit={e.hero_unit.pk}"),
    Page("intake buildings", "/service/intake/buildings/", 9,
         url=_pk("hero_community", "/service/intake/buildings/?order-community={pk}")),
    Page("work orders", "/service/orders/", 11),
    Page("open repairs", "/service/orders/", 11,
         url="/service/orders/?open=on&order_type=repair&sort=priority"),
    Page("work orders by status", "/service/orders/", 10,
         url="/service/orders/?status=new&status=accepted&q=漏水"),
    # The incident card (SVC-11): the linked orders, the desk policy's window and the likely
    # duplicates — three queries, on the overview tab only; so is the field record (SVC-14):
    # photos, materials, signature.
    Page("work order", "/service/orders/<int:pk>/", 20,
         url=_pk("hero_order", "/service/orders/{pk}/")),
    Page("work order timeline", "/service/orders/<int:pk>/", 12,
         url=_pk("hero_order", "/service/orders/{pk}/?tab=timeline")),
    Page("work order history", "/service/orders/<int:pk>/", 14,
         url=_pk("hero_order", "/service/orders/{pk}/?tab=history")),
    Page("reworked work order", "/service/orders/<int:pk>/", 18,
         url=_pk("reworked_order", "/service/orders/{pk}/")),
    # The field worker's page (SVC-14): the card's moves, the clocks and the field record
    # (photos, materials, signature: three queries however many there are).
    Page("field page", "/service/mine/<int:pk>/", 20,
         url=_pk("hero_order", "/service/mine/{pk}/")),
    Page("field photo", "/service/orders/<int:pk>/photos/<int:photo_id>/", 10, grows=False,
         url=_hero_photo("/service/orders/{pk}/photos/{photo}/")),
    Page("field photo thumbnail", "/service/orders/<int:pk>/photos/<int:photo_id>/thumb/", 10,
         grows=False, url=_hero_photo("/service/orders/{pk}/photos/{photo}/thumb/")),
    Page("customer's signature", "/service/orders/<int:pk>/signature.png", 10, grows=False,
         url=_pk("hero_order", "/service/orders/{pk}/signature.png")),
    # The slips: the viewer may see phones, so each print writes its access-log row.
    Page("dispatch slip", "/service/orders/<int:pk>/slip/", 12, grows=False,
         url=_pk("hero_order", "/service/orders/{pk}/slip/")),
    Page("dispatch slip PDF", "/service/orders/<int:pk>/slip/pdf/", 12, grows=False,
         url=_pk("hero_order", "/service/orders/{pk}/slip/pdf/")),
    Page("dispatch slips of a day", "/service/slips/", 13, url=_engineering("/service/slips/")),
    Page("dispatch slips of a day PDF", "/service/slips/pdf/", 13,
         url=_engineering("/service/slips/pdf/")),
    # The dispatch forms share the departments and staff of each office and the routing rules
    # of each community (selectors.DeskChoices), however many orders the page shows.
    Page("dispatcher queue", "/service/queue/", 25),
    Page("dispatcher queue by due", "/service/queue/", 25, url="/service/queue/?sort=-due"),
    Page("my orders", "/service/mine/", 10, user="technician"),
    Page("quarantine", "/service/quarantine/", 14),
    Page("callbacks", "/service/callbacks/", 10),
    Page("intake suggestions", "/service/intake/suggestions/", 13, url=_suggestions),
    Page("hot spots", "/service/hot-spots/", 13),
    Page("hot spot orders", "/service/hot-spots/", 14, url=_hot_spot_drill),
    Page("contact log", "/service/contacts/", 10),
    Page("contact log sheet", "/service/contacts/print/", 10),
    Page("knowledge base", "/service/knowledge/", 12),
    # One query more: whether the text finds anything, else the pinyin of the question.
    Page("knowledge base search", "/service/knowledge/", 13,
         url="/service/knowledge/?q=装修押金&status=published"),
    Page("knowledge base by pinyin", "/service/knowledge/", 12, url="/service/knowledge/?q=yajin"),
    Page("knowledge article", "/service/knowledge/<int:pk>/", 11,
         url=_pk("hero_article", "/service/knowledge/{pk}/")),
    Page("knowledge categories", "/service/knowledge/categories/", 10, grows=False),
    Page("knowledge suggestions", "/service/knowledge/suggest/", 10,
         url=_pk("hero_community", "/service/knowledge/suggest/?order-summary=装修押金怎么退"
                                   "&order-community={pk}")),
    # The configuration: every batch adds a service level, a routing rule and a category; the
    # index, the matrix and the policy are the same whatever the data. Their budgets allow one
    # query more than they make: the administrator's calendar warning reads the calendar's
    # revision when its per-process copy has expired, on whichever page comes first.
    # Reports (this month by default) and the role dashboards: a fixed number of grouped
    # counts each, whatever the number of orders.
    Page("reports", "/service/reports/", 8, grows=False),
    *[Page(f"report {key}", "/service/reports/<slug:key>/", budget,
           url=f"/service/reports/{key}/")
      for key, budget in {"volume": 15, "sla": 10, "times": 11, "backlog": 10,
                          "callbacks": 13, "repeats": 12, "workload": 12,
                          "register": 11}.items()],
    Page("report of a community", "/service/reports/<slug:key>/", 12,
         url=_pk("hero_community", "/service/reports/workload/?community={pk}")),
    Page("complaint register", "/service/reports/complaints/print/", 10),
    Page("dashboard", "/service/dashboard/", 8, grows=False, status=302),
    *[Page(f"dashboard {role}", "/service/dashboard/<slug:role>/", budget,
           url=f"/service/dashboard/{role}/")
      for role, budget in {"frontdesk": 11, "dispatcher": 11, "supervisor": 12,
                           "manager": 12}.items()],
    Page("configuration", "/service/configuration/", 5, grows=False, user="admin"),
    Page("service levels", "/service/configuration/levels/", 11),
    Page("routing rules", "/service/configuration/routing/", 10),
    Page("categories", "/service/configuration/categories/", 9),
    Page("priority matrix", "/service/configuration/priority-matrix/", 5, grows=False,
         user="admin"),
    Page("desk policy", "/service/configuration/policy/", 5, grows=False, user="admin"),
    # --- partner outreach ---------------------------------------------------------------
    Page("partners", "/outreach/partners/", 12),
    Page("quality unsigned partners", "/outreach/partners/", 13,
         url="/outreach/partners/?saved=quality-unsigned&sort=-households"),
    Page("partner", "/outreach/partners/<int:pk>/", 10, grows=False,
         url=lambda e: f"/outreach/partners/{_first(Partner)(e)}/"),
    Page("agents", "/outreach/agents/", 10),
    Page("agent", "/outreach/agents/<int:pk>/", 11,
         url=lambda e: f"/outreach/agents/{_first(Agent)(e)}/"),
    Page("cities by type", "/outreach/cities/", 10),
    Page("city", "/outreach/cities/<str:city>/", 11, grows=False, url="/outreach/cities/城市1/"),
    Page("campaigns", "/outreach/campaigns/", 10),
    Page("campaign", "/outreach/campaigns/<int:pk>/", 13, grows=False,
         url=lambda e: f"/outreach/campaigns/{_first(Campaign)(e)}/"),
    Page("call screen", "/outreach/campaigns/<int:pk>/call/", 7, grows=False, user="admin",
         url=lambda e: f"/outreach/campaigns/{_first(Campaign)(e)}/call/"),
    Page("call statistics", "/outreach/statistics/", 14, grows=False),
    Page("call statistics by city", "/outreach/statistics/", 14,
         url="/outreach/statistics/?group_by=city&exclude_litigation=on"),
    Page("call statistics of one agent", "/outreach/statistics/", 14,
         url=lambda e: f"/outreach/statistics/?agent={_first(Agent)(e)}&city=城市1"),
    Page("saved filters", "/outreach/filters/", 9),
    Page("contact correction", "/outreach/corrections/", 13),
    Page("contact correction of one phase", "/outreach/corrections/", 13,
         url="/outreach/corrections/?phase=sort_correct&city=城市1"),
    Page("contact review", "/outreach/corrections/<int:pk>/", 14, grows=False,
         url=lambda e: f"/outreach/corrections/{_first(ContactReview)(e)}/"),
    Page("agent's companies to correct", "/outreach/corrections/agents/<int:pk>/", 11,
         url=lambda e: f"/outreach/corrections/agents/{_first(Agent)(e)}/"),
    Page("spot checks", "/outreach/spot-checks/", 10),
    Page("spot check", "/outreach/spot-checks/<int:pk>/", 10, grows=False,
         url=lambda e: f"/outreach/spot-checks/{_first(SpotCheck)(e)}/"),
    Page("content calendar", "/outreach/content/", 10, url="/outreach/content/?month=2030-01"),
    Page("content entry", "/outreach/content/<int:pk>/", 10, grows=False,
         url=lambda e: f"/outreach/content/{_first(ContentItem)(e)}/"),
    Page("editions", "/outreach/editions/", 11),
    Page("edition", "/outreach/editions/<int:pk>/", 10, grows=False,
         url=lambda e: f"/outreach/editions/{_first(Edition)(e)}/"),
    Page("distributions", "/outreach/distributions/", 10),
    Page("distribution", "/outreach/distributions/<int:pk>/", 10, grows=False,
         url=lambda e: f"/outreach/distributions/{_first(Distribution)(e)}/"),
    Page("promotion funnel", "/outreach/promotion/", 11),
    Page("promotion funnel by agent", "/outreach/promotion/", 11,
         url="/outreach/promotion/?group_by=agent&rollout=national"),
    Page("subsidy statements", "/outreach/subsidies/", 11),
    Page("subsidy statement", "/outreach/subsidies/<int:pk>/", 11, grows=False,
         url=lambda e: f"/outreach/subsidies/{_first(SubsidyStatement)(e)}/"),
    # --- sales ----------------------------------------------------------------------------
    Page("sales projects", "/sales/", 10),
    Page("sales project", "/sales/projects/<int:pk>/", 12,
         url=lambda e: f"/sales/projects/{e.sales.sales.project.pk}/"),
    Page("sales-control chart", "/sales/chart/", 11),
    Page("sales-control chart of a project", "/sales/chart/", 12,
         url=lambda e: f"/sales/chart/?project={e.sales.sales.project.pk}&status=available"),
    # 12: the unit's live subscription and contract (one query, joined).
    Page("unit on sale", "/sales/units/<int:pk>/", 12,
         url=lambda e: f"/sales/units/{e.sales.sale_unit.pk}/"),
    Page("price lists", "/sales/price-lists/", 10),
    Page("price list", "/sales/price-lists/<int:pk>/", 10,
         url=lambda e: f"/sales/price-lists/{e.sales.sales.price_list.pk}/"),
    Page("re-pricing preview", "/sales/price-lists/<int:pk>/reprice/", 12,
         url=lambda e: f"/sales/price-lists/{e.sales.sales.price_list.pk}/reprice/"),
    Page("quotes", "/sales/quotes/", 10),
    Page("quote", "/sales/quotes/<int:pk>/", 10, grows=False,
         url=lambda e: f"/sales/quotes/{e.sales.quote.pk}/"),
    Page("queue numbers", "/sales/queue-numbers/", 10),
    Page("subscriptions", "/sales/subscriptions/", 10),
    Page("subscription", "/sales/subscriptions/<int:pk>/", 11, grows=False,
         url=lambda e: f"/sales/subscriptions/{e.sales.subscription.pk}/"),
    Page("contracts", "/sales/contracts/", 10),
    Page("contract", "/sales/contracts/<int:pk>/", 12,
         url=lambda e: f"/sales/contracts/{e.sales.contract.pk}/"),
    Page("leads", "/sales/leads/", 10),
    Page("public pool", "/sales/leads/", 10, url="/sales/leads/?pool=1"),
    Page("lead", "/sales/leads/<int:pk>/", 11, grows=False,
         url=lambda e: f"/sales/leads/{e.sales.lead.pk}/"),
    Page("ownership disputes", "/sales/disputes/", 10),
    Page("opportunity", "/sales/opportunities/<int:pk>/", 16,
         url=lambda e: f"/sales/opportunities/{e.sales.opportunity.pk}/"),
    Page("opportunity, as its owner", "/sales/opportunities/<int:pk>/", 19, user="sales_rep",
         url=lambda e: f"/sales/opportunities/{e.sales.opportunity.pk}/"),
    Page("pipeline board", "/sales/pipeline/", 10),
    Page("lost deals", "/sales/lost/", 10),
    Page("lost reasons", "/sales/lost-reasons/", 10),
    Page("my calendar", "/sales/calendar/", 12, user="sales_rep"),
    Page("lead rules", "/sales/lead-rules/", 7, user="admin"),
    Page("calendar feed", "/sales/calendar/<str:token>.ics", 4, user=None,
         url=lambda e: f"/sales/calendar/{e.sales.feed_token}.ics"),
    # Sales reports (the last twelve months by default): a fixed number of grouped queries
    # each.
    Page("sales reports", "/sales/reports/", 8, grows=False, status=302),
    *[Page(f"sales report {key}", "/sales/reports/<slug:key>/", budget,
           url=f"/sales/reports/{key}/")
      for key, budget in {"funnel": 15, "lost": 17, "reps": 16, "sell-through": 12,
                          "receivables": 14}.items()],
    Page("sales report of a project", "/sales/reports/<slug:key>/", 17,
         url=lambda e: f"/sales/reports/reps/?project={e.sales.sales.project.pk}"),
]


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    return measure_pages(PAGES, django_db_blocker)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_query_budget(page, measured):
    check_page(page, *measured[page.name])
