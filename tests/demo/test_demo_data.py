import pytest
from django.test import Client

from linli.accounts.models import Membership, OrgUnit, User
from linli.core.tenancy import Tenant
from linli.demo.generator import DEMO_PASSWORD, USERS, build_demo


@pytest.mark.django_db
def test_demo_data_is_complete_and_idempotent():
    first = build_demo()
    assert first.reused is False
    _a_project_on_sale_priced_by_the_seed_rules()
    _deals_in_every_stage()
    _leads_from_every_channel_and_opportunities_in_every_stage()
    _sales_reports_have_figures()
    assert [code for code in Tenant.objects.order_by("code").values_list("code", flat=True)] == [
        "demo-huating", "demo-jinhua", "demo-linli",
    ]
    assert [u for u, _ in first.logins] == [u[0] for u in USERS]
    counts = (Tenant.objects.count(), OrgUnit.objects.count(), User.objects.count(),
              Membership.objects.count())

    second = build_demo()
    assert second.reused is True
    assert (Tenant.objects.count(), OrgUnit.objects.count(), User.objects.count(),
            Membership.objects.count()) == counts


@pytest.mark.django_db
def test_every_demo_login_works_with_the_documented_password():
    build_demo()
    for username, *_rest in USERS:
        client = Client()
        response = client.post("/accounts/login/", {"username": username,
                                                    "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert response["Location"] == "/"


@pytest.mark.django_db
def test_demo_users_are_scoped_to_their_units():
    build_demo()
    technician = User.objects.get(username="technician")
    membership = Membership.objects.get(user=technician)
    assert (membership.org_unit.name, membership.role.code) == ("工程部", "technician")
    # The front desk works for the whole office: one membership, held at the office.
    frontdesk = Membership.objects.filter(user__username="frontdesk")
    assert [(m.org_unit.name, m.role.code) for m in frontdesk] == [("翠湖苑管理处", "front-desk")]
    assert technician.tenant.code == "demo-jinhua"



def _a_project_on_sale_priced_by_the_seed_rules():
    from linli.sales.models import PriceList, Quote, SalesProject, SaleUnit

    project = SalesProject.objects.get(name="华庭·翠湖苑一期")
    units = SaleUnit.objects.filter(project=project)
    assert units.count() == 4 * 18 * 4
    assert set(units.values_list("status", flat=True)) == {
        "available", "reserved", "subscribed", "contracted", "filed", "held"}
    assert PriceList.objects.filter(project=project).count() == 4
    assert not units.filter(status="available", list_total__isnull=True).exists()
    assert Quote.objects.filter(sale_unit__project=project, approval="pending").count() == 1


def _deals_in_every_stage():
    from linli.sales.models import Contract, Payment, QueueNumber, Subscription

    subs = Subscription.objects.filter(sale_unit__project__name="华庭·翠湖苑一期")
    assert {s: subs.filter(status=s).count() for s in ("active", "contracted", "cancelled")} == {
        "active": 36, "contracted": 139, "cancelled": 21}  # 6 of the active: opportunities won
    contracts = Contract.objects.filter(subscription__in=subs)
    assert {s: contracts.filter(status=s).count() for s in ("signed", "filed", "cancelled")} == {
        "signed": 60, "filed": 79, "cancelled": 1}
    assert set(contracts.values_list("plan_kind", flat=True)) == {"full", "instalments",
                                                                  "mortgage"}
    assert contracts.filter(settled_on__isnull=False).count() == 24
    # Every contract has its deposit carried over; more where lines were paid.
    assert Payment.objects.filter(contract__in=contracts).count() > 140
    assert QueueNumber.objects.filter(project__name="华庭·翠湖苑二期").count() == 40
def _leads_from_every_channel_and_opportunities_in_every_stage():
    from linli.sales.models import Lead, Opportunity, OwnershipDispute

    leads = Lead.objects.filter(project__name="华庭·翠湖苑一期")
    assert leads.count() == 2000
    assert set(leads.values_list("channel", flat=True)) == {
        "web", "phone", "walk_in", "event", "referral", "advertising", "agency"}
    assert set(leads.values_list("status", flat=True)) == {
        "new", "working", "pooled", "converted", "closed"}
    opportunities = Opportunity.objects.filter(project__name="华庭·翠湖苑一期")
    assert opportunities.count() == 60
    assert set(opportunities.values_list("stage", flat=True)) == {
        "new", "visited", "viewing", "negotiating", "won", "lost"}
    won = opportunities.filter(stage="won")
    assert won.count() == 6 and not won.filter(subscriptions__isnull=True).exists()
    lost = opportunities.filter(stage="lost")
    assert not lost.filter(lost_reason__isnull=True).exists()
    assert lost.filter(review="pending").count() == 10
    assert OwnershipDispute.objects.filter(status="pending").count() == 2


def _sales_reports_have_figures():
    """The sales manager's reports over the demo's deals (May to November 2026) and its leads
    (the last 150 days) show every kind of figure."""
    import datetime as dt

    from linli.sales.reports import selectors as reports

    manager = User.objects.get(username="salesmanager")

    def rows(key, section, **filters):
        report = reports.report(manager, key, reports.filters_check(manager, **filters))
        return {row.label: [c.value for c in row.cells]
                for row in next(s for s in report.sections if s.key == section).rows}

    # The opportunities are opened when the demo is built: within the default twelve months.
    assert rows("funnel", "steps")["Opportunities"][0] == 60
    period = {"start": dt.date(2026, 5, 1), "end": dt.date(2026, 12, 31)}
    steps = rows("funnel", "steps", **period)
    # The six won opportunities went on to their subscriptions; the period's deals count the
    # 190 subscriptions sold without an opportunity too.
    assert steps["Subscribed"][0] == 6
    deals = rows("funnel", "deals", **period)["All projects"]
    assert deals == [196, 6, 140, 80]
    lost = rows("lost", "stages", **period)
    assert lost["Subscription"][:2] == [196, 20]
    assert lost["Contract · after filing"][:2] == [80, 1]
    reps = rows("reps", "reps", **period)
    assert {"刘婷", "孙伟"} <= set(reps)
    assert reps["刘婷"][5] > reps["孙伟"][5] > 0
    assert rows("sell-through", "projects")["华庭·翠湖苑一期"][0] == 288
    assert rows("receivables", "projects")["华庭·翠湖苑一期"][0] == 36
