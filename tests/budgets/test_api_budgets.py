"""Query budgets of the JSON API (NFR-1): every GET endpoint under /api/v1/, measured with a
bearer token on an estate of one batch and of three (see tests/budgets/measure.py).

A budget is the most queries the request may run. When a change needs more, raise the budget
in the same change and say why in its message; when it needs fewer, lower it.
"""

import pytest

from linli.core.exchange.models import ImportRun
from linli.core.jobs.models import JobRun
from linli.outreach.models import (
    Agent,
    CallTask,
    Campaign,
    ContactReview,
    ContentItem,
    Distribution,
    Edition,
    Partner,
    SpotCheck,
    SubsidyStatement,
)
from linli.servicedesk.models import Callback, Category, ContactLog, RoutingRule, ServiceLevel
from tests.budgets.measure import Page, check_page, measure_pages

# The pages are measured once per module (``measured``); the mark makes pytest-django set up
# the test database for it.
pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _first(model, **where):
    """The id of the oldest row of tenant A's ``model`` (matching ``where``): one made before
    the batches or by the first, which the later batches leave as it is."""
    def pick(estate) -> int:
        return model.objects.filter(tenant=estate.world.tenant, **where).order_by("pk")[0].pk
    return pick


PAGES = [
    # --- the platform ---------------------------------------------------------------------
    Page("me", f"{V1}/me", 6, grows=False),
    Page("calendar days", f"{V1}/calendar/days", 6, grows=False,
         url=f"{V1}/calendar/days?from=2030-01-01&to=2030-01-31"),
    Page("calendar overrides", f"{V1}/calendar/overrides", 8),
    Page("business hours", f"{V1}/calendar/business-hours", 7, grows=False),
    Page("add working days", f"{V1}/calendar/add-working-days", 6, grows=False,
         url=f"{V1}/calendar/add-working-days?date=2029-12-31&n=5"),
    Page("add business hours", f"{V1}/calendar/add-business-hours", 6, grows=False,
         url=f"{V1}/calendar/add-business-hours?at=2029-12-31T09:00:00%2B08:00&hours=20"),
    Page("inbox", f"{V1}/notifications/", 8),
    Page("outbox", f"{V1}/notifications/outbox", 8, url=f"{V1}/notifications/outbox?size=200"),
    Page("job", f"{V1}/jobs/{{job_id}}", 7, grows=False,
         url=lambda e: f"{V1}/jobs/{_first(JobRun)(e)}"),
    Page("import run", f"{V1}/imports/runs/{{run_id}}", 7, grows=False,
         url=lambda e: f"{V1}/imports/runs/{_first(ImportRun)(e)}"),
    Page("access log", f"{V1}/access-log", 8),
    Page("search by name", f"{V1}/search", 12, url=f"{V1}/search?q=业主&limit=50"),
    Page("search by last 4 digits", f"{V1}/search", 11, grows=False,
         url=f"{V1}/search?q=0001&limit=50"),
    # --- accounts -------------------------------------------------------------------------
    Page("org units", f"{V1}/org-units", 8),
    Page("org unit", f"{V1}/org-units/{{unit_id}}", 7, grows=False,
         url=lambda e: f"{V1}/org-units/{e.world.branch_a.pk}"),
    Page("users", f"{V1}/users", 9),
    Page("user", f"{V1}/users/{{user_id}}", 8, grows=False,
         url=lambda e: f"{V1}/users/{e.technician.pk}"),
    Page("user memberships", f"{V1}/users/{{user_id}}/memberships", 9,
         url=lambda e: f"{V1}/users/{e.technician.pk}/memberships"),
    Page("roles", f"{V1}/roles", 10),
    Page("tokens", f"{V1}/tokens", 3, grows=False),
    # --- the directory: property ----------------------------------------------------------
    Page("communities", f"{V1}/communities", 8),
    Page("communities by occupancy", f"{V1}/communities", 8,
         url=f"{V1}/communities?sort=-occupancy&city=杭州"),
    Page("community", f"{V1}/communities/{{community_id}}", 7, grows=False,
         url=lambda e: f"{V1}/communities/{e.hero_community.pk}"),
    Page("buildings", f"{V1}/buildings", 8),
    Page("building", f"{V1}/buildings/{{building_id}}", 7, grows=False,
         url=lambda e: f"{V1}/buildings/{e.hero_building.pk}"),
    Page("building grid", f"{V1}/buildings/{{building_id}}/grid", 10,
         url=lambda e: f"{V1}/buildings/{e.hero_building.pk}/grid"),
    Page("sections", f"{V1}/sections", 8),
    Page("units", f"{V1}/units", 8, url=f"{V1}/units?size=100"),
    Page("units of a community", f"{V1}/units", 8,
         url=lambda e: f"{V1}/units?community={e.hero_community.pk}&sort=-floor&size=100"),
    Page("unit", f"{V1}/units/{{unit_id}}", 7, grows=False,
         url=lambda e: f"{V1}/units/{e.hero_unit.pk}"),
    Page("zones", f"{V1}/zones", 10),
    Page("zone", f"{V1}/zones/{{zone_id}}", 9,
         url=lambda e: f"{V1}/zones/{e.hero_zone.pk}"),
    # --- the directory: people and organisations ------------------------------------------
    Page("people", f"{V1}/people", 9, url=f"{V1}/people?size=100"),
    Page("people by name", f"{V1}/people", 9, url=f"{V1}/people?q=yezhu&tag=VIP"),
    Page("people of a community", f"{V1}/people", 9,
         url=lambda e: f"{V1}/people?community={e.hero_community.pk}&role=owner"),
    Page("person", f"{V1}/people/{{person_id}}", 8, grows=False,
         url=lambda e: f"{V1}/people/{e.hero_person.pk}"),
    Page("person 360", f"{V1}/people/{{person_id}}/360", 18,
         url=lambda e: f"{V1}/people/{e.hero_person.pk}/360"),
    Page("unit relations", f"{V1}/unit-relations", 8, url=f"{V1}/unit-relations?size=100"),
    Page("unit relations of a person", f"{V1}/unit-relations", 8,
         url=lambda e: f"{V1}/unit-relations?person={e.hero_person.pk}"),
    Page("organizations", f"{V1}/organizations", 8),
    Page("organization", f"{V1}/organizations/{{organization_id}}", 10,
         url=lambda e: f"{V1}/organizations/{e.hero_organization.pk}"),
    Page("organization contacts", f"{V1}/organizations/{{organization_id}}/contacts", 8,
         url=lambda e: f"{V1}/organizations/{e.hero_organization.pk}/contacts"),
    Page("duplicate people", f"{V1}/duplicates/people", 11),
    Page("duplicate organizations", f"{V1}/duplicates/organizations", 10),
    # --- the service desk -----------------------------------------------------------------
    Page("work orders", f"{V1}/work-orders", 8, url=f"{V1}/work-orders?size=100"),
    Page("open work orders", f"{V1}/work-orders", 8,
         url=f"{V1}/work-orders?open=true&order_type=repair&size=100"),
    Page("work orders by status", f"{V1}/work-orders", 8,
         url=f"{V1}/work-orders?status=new,accepted,resolved,callback&q=漏水"),
    Page("work orders of a person", f"{V1}/work-orders", 8,
         url=lambda e: f"{V1}/work-orders?person={e.hero_person.pk}"),
    Page("unassigned work orders", f"{V1}/work-orders", 8,
         url=f"{V1}/work-orders?unassigned=true"),
    Page("my work orders", f"{V1}/work-orders", 8, user="technician",
         url=f"{V1}/work-orders?mine=true"),
    # The order's clocks, callbacks, reworks and linked orders (SVC-11) are one query each
    # whatever their number; the hero order's waits grow its events, measured below.
    Page("work order", f"{V1}/work-orders/{{order_id}}", 12, grows=False,
         url=lambda e: f"{V1}/work-orders/{e.hero_order.pk}"),
    Page("reworked work order", f"{V1}/work-orders/{{order_id}}", 12,
         url=lambda e: f"{V1}/work-orders/{e.reworked_order.pk}"),
    Page("work order events", f"{V1}/work-orders/{{order_id}}/events", 9,
         url=lambda e: f"{V1}/work-orders/{e.hero_order.pk}/events?size=100"),
    # The suggestions are picked (ids only), then read with their joins: two queries, so a
    # burst of reports about one building is not joined whole (selectors.duplicate_suggestions).
    Page("cluster suggestions", f"{V1}/work-orders/{{order_id}}/cluster-suggestions", 11,
         grows=False, url=lambda e: f"{V1}/work-orders/{e.hero_order.pk}/cluster-suggestions"),
    Page("duplicate suggestions", f"{V1}/duplicate-suggestions", 11,
         url=lambda e: f"{V1}/duplicate-suggestions?community_id={e.hero_community.pk}"
                       f"&category_id={e.desk.category('漏水').pk}"),
    Page("hot spots", f"{V1}/hot-spots", 9, url=f"{V1}/hot-spots?size=100"),
    Page("hot spot orders", f"{V1}/hot-spots/orders", 8,
         url=lambda e: f"{V1}/hot-spots/orders?building_id={e.hero_order.building_id}"
                       f"&category_id={e.hero_order.category_id}&size=100"),
    # The slips: the order (or the day's orders with their clocks, in one query more), and
    # the access-log row of a print showing phones (the viewer may see them).
    Page("dispatch slip", f"{V1}/work-orders/{{order_id}}/slip.pdf", 10, grows=False,
         url=lambda e: f"{V1}/work-orders/{e.hero_order.pk}/slip.pdf"),
    Page("dispatch slips of a day", f"{V1}/departments/{{department_id}}/slips.pdf", 10,
         url=lambda e: f"{V1}/departments/{e.desk.departments['engineering'].pk}/slips.pdf"),
    # --- the field record (SVC-14) ---------------------------------------------------------
    Page("field record", f"{V1}/work-orders/{{order_id}}/field", 10,
         url=lambda e: f"{V1}/work-orders/{e.hero_order.pk}/field"),
    Page("field photo", f"{V1}/work-orders/{{order_id}}/photos/{{photo_id}}/image", 8,
         grows=False, url=lambda e: (f"{V1}/work-orders/{e.hero_order.pk}/photos/"
                                     f"{e.hero_order.photos.order_by('pk')[0].pk}/image")),
    Page("customer's signature", f"{V1}/work-orders/{{order_id}}/signature.png", 8,
         grows=False, url=lambda e: f"{V1}/work-orders/{e.hero_order.pk}/signature.png"),
    # --- the knowledge base ---------------------------------------------------------------
    Page("knowledge categories", f"{V1}/knowledge/categories", 10, grows=False),
    Page("knowledge articles", f"{V1}/knowledge/articles", 10,
         url=f"{V1}/knowledge/articles?size=100"),
    Page("knowledge search", f"{V1}/knowledge/articles", 10,
         url=f"{V1}/knowledge/articles?q=装修押金&size=100"),
    Page("knowledge article", f"{V1}/knowledge/articles/{{article_id}}", 10,
         url=lambda e: f"{V1}/knowledge/articles/{e.hero_article.pk}"),
    Page("knowledge suggestions", f"{V1}/knowledge/suggestions", 10, grows=False,
         url=f"{V1}/knowledge/suggestions?q=装修押金怎么退"),
    Page("knowledge answer counts", f"{V1}/knowledge/answer-counts", 10,
         url=f"{V1}/knowledge/answer-counts?by=article"),
    Page("contact log", f"{V1}/contact-logs", 8),
    Page("contact log entry", f"{V1}/contact-logs/{{entry_id}}", 7, grows=False,
         url=lambda e: f"{V1}/contact-logs/{_first(ContactLog, work_order__isnull=False)(e)}"),
    Page("callbacks", f"{V1}/callbacks", 8),
    Page("callbacks by status", f"{V1}/callbacks", 8,
         url=f"{V1}/callbacks?status=due,retry,done,gave_up"),
    Page("callback", f"{V1}/callbacks/{{callback_id}}", 7, grows=False,
         url=lambda e: f"{V1}/callbacks/{_first(Callback)(e)}"),
    Page("service levels", f"{V1}/service-levels", 9, url=f"{V1}/service-levels?size=100"),
    Page("service level", f"{V1}/service-levels/{{level_id}}", 8, grows=False,
         url=lambda e: f"{V1}/service-levels/{_first(ServiceLevel)(e)}"),
    Page("routing rules", f"{V1}/routing-rules", 8, url=f"{V1}/routing-rules?size=100"),
    Page("routing rule", f"{V1}/routing-rules/{{rule_id}}", 7, grows=False,
         url=lambda e: f"{V1}/routing-rules/{_first(RoutingRule)(e)}"),
    *[Page(f"report {key}", f"{V1}/service-reports/{{report}}", budget,
           url=f"{V1}/service-reports/{key}")
      for key, budget in {"volume": 12, "sla": 7, "times": 8, "backlog": 7, "callbacks": 10,
                          "repeats": 9, "workload": 9, "register": 8}.items()],
    # A dashboard answers a fixed set of counts: more data changes the numbers, and its size
    # only when a count gains a digit (or "today" starts anew when the estate is built
    # around midnight), so its size is not a sign that the estate reaches it.
    *[Page(f"dashboard {role}", f"{V1}/service-dashboards/{{role}}", 8, grows=False,
           url=f"{V1}/service-dashboards/{role}")
      for role in ("frontdesk", "dispatcher", "supervisor", "manager")],
    Page("categories", f"{V1}/categories", 7),
    Page("active repair categories", f"{V1}/categories", 7,
         url=f"{V1}/categories?order_type=repair&active=true"),
    Page("category", f"{V1}/categories/{{category_id}}", 8, grows=False,
         url=lambda e: f"{V1}/categories/{_first(Category, parent__isnull=False)(e)}"),
    # --- partner outreach ---------------------------------------------------------------
    Page("outreach partners", f"{V1}/outreach/partners", 8),
    Page("outreach quality unsigned", f"{V1}/outreach/partners", 9,
         url=f"{V1}/outreach/partners?saved=quality-unsigned"),
    Page("outreach partner", f"{V1}/outreach/partners/{{partner_id}}", 7, grows=False,
         url=lambda e: f"{V1}/outreach/partners/{_first(Partner)(e)}"),
    Page("outreach agents", f"{V1}/outreach/agents", 8),
    Page("outreach agent", f"{V1}/outreach/agents/{{agent_id}}", 7, grows=False,
         url=lambda e: f"{V1}/outreach/agents/{_first(Agent)(e)}"),
    Page("outreach cities", f"{V1}/outreach/cities", 8),
    Page("outreach filters", f"{V1}/outreach/filters", 7),
    Page("outreach campaigns", f"{V1}/outreach/campaigns", 8),
    Page("outreach campaign", f"{V1}/outreach/campaigns/{{campaign_id}}", 7, grows=False,
         url=lambda e: f"{V1}/outreach/campaigns/{_first(Campaign)(e)}"),
    Page("outreach call tasks", f"{V1}/outreach/call-tasks", 8),
    Page("outreach call task", f"{V1}/outreach/call-tasks/{{task_id}}", 8, grows=False,
         url=lambda e: f"{V1}/outreach/call-tasks/{_first(CallTask, attempts__gt=0)(e)}"),
    Page("outreach call statistics", f"{V1}/outreach/call-statistics", 8, grows=False),
    Page("outreach call statistics by city", f"{V1}/outreach/call-statistics", 8,
         url=f"{V1}/outreach/call-statistics?group_by=city&exclude_litigation=true"),
    Page("outreach contact reviews", f"{V1}/outreach/contact-reviews", 8),
    Page("outreach contact review", f"{V1}/outreach/contact-reviews/{{review_id}}", 8,
         grows=False, url=lambda e: f"{V1}/outreach/contact-reviews/"
                                   f"{_first(ContactReview)(e)}"),
    Page("outreach contact corrections", f"{V1}/outreach/contact-corrections", 8),
    Page("outreach spot checks", f"{V1}/outreach/spot-checks", 8),
    Page("outreach spot check", f"{V1}/outreach/spot-checks/{{check_id}}", 7, grows=False,
         url=lambda e: f"{V1}/outreach/spot-checks/{_first(SpotCheck)(e)}"),
    Page("outreach content", f"{V1}/outreach/content", 8),
    Page("outreach content entry", f"{V1}/outreach/content/{{item_id}}", 7, grows=False,
         url=lambda e: f"{V1}/outreach/content/{_first(ContentItem)(e)}"),
    Page("outreach editions", f"{V1}/outreach/editions", 8),
    Page("outreach edition", f"{V1}/outreach/editions/{{edition_id}}", 7, grows=False,
         url=lambda e: f"{V1}/outreach/editions/{_first(Edition)(e)}"),
    Page("outreach channels", f"{V1}/outreach/distribution-channels", 7, grows=False),
    Page("outreach distributions", f"{V1}/outreach/distributions", 8),
    Page("outreach distribution", f"{V1}/outreach/distributions/{{distribution_id}}", 8,
         grows=False,
         url=lambda e: f"{V1}/outreach/distributions/{_first(Distribution)(e)}"),
    Page("outreach promotions", f"{V1}/outreach/promotions", 8),
    Page("outreach promotion funnel", f"{V1}/outreach/promotion-funnel", 7,
         url=f"{V1}/outreach/promotion-funnel?group_by=agent"),
    Page("outreach subsidy rules", f"{V1}/outreach/subsidy-rules", 7, grows=False),
    Page("outreach subsidy statements", f"{V1}/outreach/subsidy-statements", 8),
    Page("outreach subsidy statement", f"{V1}/outreach/subsidy-statements/{{statement_id}}", 9,
         grows=False,
         url=lambda e: f"{V1}/outreach/subsidy-statements/{_first(SubsidyStatement)(e)}"),
    # --- sales ----------------------------------------------------------------------------
    Page("sales projects", f"{V1}/sales-projects", 8),
    Page("sales project", f"{V1}/sales-projects/{{project_id}}", 7, grows=False,
         url=lambda e: f"{V1}/sales-projects/{e.sales.sales.project.pk}"),
    Page("units on sale", f"{V1}/sale-units", 8, url=f"{V1}/sale-units?size=200"),
    Page("unit on sale", f"{V1}/sale-units/{{sale_unit_id}}", 7, grows=False,
         url=lambda e: f"{V1}/sale-units/{e.sales.sale_unit.pk}"),
    Page("price lists", f"{V1}/price-lists", 8, url=f"{V1}/price-lists?size=200"),
    Page("price list", f"{V1}/price-lists/{{price_list_id}}", 8,
         url=lambda e: f"{V1}/price-lists/{e.sales.sales.price_list.pk}"),
    Page("quotes", f"{V1}/quotes", 8, url=f"{V1}/quotes?size=200"),
    Page("quote", f"{V1}/quotes/{{quote_id}}", 8, grows=False,
         url=lambda e: f"{V1}/quotes/{e.sales.quote.pk}"),
    Page("queue numbers", f"{V1}/queue-numbers", 8, url=f"{V1}/queue-numbers?size=200"),
    Page("queue number", f"{V1}/queue-numbers/{{queue_number_id}}", 7, grows=False,
         url=lambda e: f"{V1}/queue-numbers/{e.sales.queue_number.pk}"),
    Page("subscriptions", f"{V1}/subscriptions", 8, url=f"{V1}/subscriptions?size=200"),
    Page("subscription", f"{V1}/subscriptions/{{subscription_id}}", 7, grows=False,
         url=lambda e: f"{V1}/subscriptions/{e.sales.subscription.pk}"),
    Page("contracts", f"{V1}/contracts", 8, url=f"{V1}/contracts?size=200"),
    Page("contract", f"{V1}/contracts/{{contract_id}}", 8, grows=False,
         url=lambda e: f"{V1}/contracts/{e.sales.contract.pk}"),
    Page("payments", f"{V1}/payments", 8, url=f"{V1}/payments?size=200"),
    Page("payment", f"{V1}/payments/{{payment_id}}", 7, grows=False,
         url=lambda e: f"{V1}/payments/{e.sales.payment.pk}"),
    Page("leads", f"{V1}/leads", 8, url=f"{V1}/leads?size=200"),
    Page("lead", f"{V1}/leads/{{lead_id}}", 7, grows=False,
         url=lambda e: f"{V1}/leads/{e.sales.lead.pk}"),
    Page("lead disputes", f"{V1}/lead-disputes", 8),
    Page("lead dispute", f"{V1}/lead-disputes/{{dispute_id}}", 7, grows=False,
         url=lambda e: f"{V1}/lead-disputes/{e.sales.dispute.pk}"),
    Page("opportunities", f"{V1}/opportunities", 8, url=f"{V1}/opportunities?size=200"),
    Page("opportunity", f"{V1}/opportunities/{{opportunity_id}}", 9,
         url=lambda e: f"{V1}/opportunities/{e.sales.opportunity.pk}"),
    Page("opportunity visits", f"{V1}/opportunities/{{opportunity_id}}/visits", 9,
         url=lambda e: f"{V1}/opportunities/{e.sales.opportunity.pk}/visits"),
    Page("opportunity appointments", f"{V1}/opportunities/{{opportunity_id}}/appointments", 11,
         url=lambda e: f"{V1}/opportunities/{e.sales.opportunity.pk}/appointments"),
    Page("lost reasons", f"{V1}/lost-reasons", 8, url=f"{V1}/lost-reasons?size=200"),
    Page("lost reason", f"{V1}/lost-reasons/{{reason_id}}", 7, grows=False,
         url=lambda e: f"{V1}/lost-reasons/{e.sales.lost_reason.pk}"),
    # A fixed number of grouped queries each. The rep report's rows are the reps, not the
    # records: more batches change its numbers, not always its length.
    *[Page(f"sales report {key}", f"{V1}/sales-reports/{{report}}", budget,
           url=f"{V1}/sales-reports/{key}", grows=key != "reps")
      for key, budget in {"funnel": 11, "lost": 13, "reps": 12, "sell-through": 9,
                          "receivables": 11}.items()],
]


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    return measure_pages(PAGES, django_db_blocker)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_query_budget(page, measured):
    check_page(page, *measured[page.name])
