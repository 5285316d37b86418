"""OUT-2: importing the platform's call sheet reproduces the seed's table (3,958 companies →
707 / 1,466 / 1,094 / 691, 18% / 37% / 28% / 17%), the companies of agents in litigation
left out; bad sheets are refused row by row and write nothing."""

import pytest

from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.directory.models import Organization
from linli.outreach import selectors
from linli.outreach.callsheet import (
    SOURCE_SHARES,
    SOURCE_TABLE,
    SOURCE_TOTAL,
    sheet_rows,
    source_outcomes,
)
from linli.outreach.models import Agent, CallAttempt, CallTask, Campaign, Partner
from tests.builders import make_user
from tests.core.exchange.conftest import xlsx_upload
from tests.outreach.builders import OPERATOR, make_agent, make_partner

pytestmark = pytest.mark.django_db

CAMPAIGNER = [*OPERATOR, "outreach.view_campaign", "outreach.add_campaign",
              "outreach.change_campaign", "outreach.view_calltask", "outreach.call_calltask",
              "core.view_importrun"]
CITIES = [f"城市{n:02d}" for n in range(60)]
SUED_COMPANIES = 42  # companies of the four agents in litigation: in the sheet, not the table


@pytest.fixture(autouse=True)
def _imports(inline_imports):
    return inline_imports


@pytest.fixture
def importer(world):
    return make_user(world.tenant, world.root, CAMPAIGNER)


def _registry(world, count: int, agents: list[Agent], prefix: str) -> list[tuple]:
    """``count`` signed companies spread over the cities and ``agents`` (bulk, for speed)."""
    organizations = Organization.objects.bulk_create([
        Organization(tenant=world.tenant, org_unit=world.branch_a, kind="property_company",
                     name=f"{prefix}物业{n:04d}", city=CITIES[n % len(CITIES)])
        for n in range(count)])
    Partner.objects.bulk_create([
        Partner(tenant=world.tenant, org_unit=world.branch_a, organization=o,
                signing_status="signed", agent=agents[n % len(agents)])
        for n, o in enumerate(organizations)])
    return [(o.name, o.city, f"0591-8765{n % 10000:04d}") for n, o in enumerate(organizations)]


def _import(actor, rows):
    run = import_upload(actor=actor, key="outreach-call-sheet",
                        upload=xlsx_upload(rows, name="回访统计.xlsx"))
    if run.can_confirm:
        run = import_confirm(actor=actor, run=run)
    return run


def test_the_imported_sheet_reproduces_the_source_table(world, importer):
    agents = [make_agent(world, f"代理{n}", city=CITIES[n]) for n in range(6)]
    sued = [make_agent(world, f"被诉代理{n}", status="in_litigation") for n in range(4)]
    companies = _registry(world, SOURCE_TOTAL, agents, "签约")
    companies += _registry(world, SUED_COMPANIES, sued, "被诉")
    outcomes = source_outcomes() + ["connected"] * SUED_COMPANIES
    run = _import(importer, sheet_rows(companies, outcomes, "2016年签约物业回访"))
    assert run.errors == []
    assert (run.status, run.written_count) == (ImportStatus.IMPORTED,
                                               SOURCE_TOTAL + SUED_COMPANIES)
    campaign = Campaign.objects.get()
    table = selectors.call_statistics(importer, campaign=campaign, exclude_litigation=True)
    assert table.total.total == SOURCE_TOTAL == 3958
    assert {o: c for o, c, _s in table.total.cells} == SOURCE_TABLE
    assert {o: s for o, _c, s in table.total.cells} == SOURCE_SHARES
    assert table.total.reached == 707 + 1466
    everything = selectors.call_statistics(importer, campaign=campaign)
    assert everything.total.total == 4000
    by_city = selectors.call_statistics(importer, campaign=campaign, group_by="city",
                                        exclude_litigation=True)
    assert len(by_city.rows) == 60
    assert sum(r.total for r in by_city.rows) == 3958
    by_agent = selectors.call_statistics(importer, campaign=campaign, group_by="agent")
    assert {r.label for r in by_agent.rows} >= {"代理0", "被诉代理0"}
    # One attempt per company, each task finished or waiting by the campaign's retry rules.
    assert CallAttempt.objects.count() == 4000
    assert CallTask.objects.filter(status="done", outcome="connected").count() == 707 + 42
    assert CallTask.objects.filter(status="retry", outcome="no_answer").count() == 1094
    assert CallTask.objects.filter(status="done", outcome="unreachable").count() == 691


def test_a_second_campaign_calls_refused_and_no_answer_again(world, importer):
    from linli.outreach import services

    agent = make_agent(world, "代理")
    companies = [make_partner(world, f"物业{n}", agent=agent) for n in range(4)]
    rows = sheet_rows([(p.organization.name, "福州市", "") for p in companies],
                      ["connected", "refused", "no_answer", "unreachable"], "第一轮回访")
    assert _import(importer, rows).status == ImportStatus.IMPORTED
    first = Campaign.objects.get()
    second = services.campaign_create(
        actor=importer, tenant=world.tenant, org_unit=world.root, name="第二轮回访",
        phase="第二轮", source={"kind": "campaign", "campaign": first.pk,
                               "outcomes": ["refused", "no_answer"]})
    assert set(second.tasks.values_list("partner__organization__name", flat=True)) == {
        "物业1", "物业2"}


def test_bad_rows_are_named_and_nothing_is_written(world, importer):
    agent = make_agent(world, "代理")
    make_partner(world, "阳光物业", agent=agent)
    make_partner(world, "明月物业", agent=agent)
    stranger = make_user(world.other_tenant, world.other_root, CAMPAIGNER)
    from linli.outreach import services

    services.partner_create(actor=stranger, tenant=world.other_tenant,
                            org_unit=world.other_root, kind="property_company",
                            name="外租户物业")
    rows = [
        ["回访活动", "物业公司名称", "联系电话", "回访结果"],
        ["一轮", "阳光物业", "0591-87654321", "接通"],
        ["一轮", "明月物业", "", "占线了"],
        ["一轮", "外租户物业", "", "接通"],
        ["一轮", "阳光物业", "", "拒访"],
        ["一轮", "明月物业", "电话号码", "无人接听"],
    ]
    run = _import(importer, rows)
    assert run.status == ImportStatus.VALIDATED
    errors = {(e["row"], e["column"]): e["message"] for e in run.errors}
    assert "is not an outcome" in errors[(3, "回访结果")]
    assert errors[(4, "物业公司名称")] == "There is no company “外租户物业” in your registry."
    assert errors[(5, "物业公司名称")] == "Row 2 already has this company in this campaign."
    assert "phone" in errors[(6, "联系电话")].lower()
    assert not Campaign.objects.exists()
    assert not CallAttempt.objects.exists()
    with pytest.raises(Exception):  # noqa: B017  (refused: the file has errors)
        import_confirm(actor=importer, run=run)
    assert not CallTask.objects.exists()


def test_a_company_called_already_in_the_campaign_is_refused(world, importer):
    make_partner(world, "阳光物业")
    rows = [["回访活动", "物业公司名称", "回访结果"], ["一轮", "阳光物业", "无人接听"]]
    assert _import(importer, rows).status == ImportStatus.IMPORTED
    again = _import(importer, rows)
    assert [e["message"] for e in again.errors] == [
        "This company has already been called in this campaign."]
    assert CallAttempt.objects.count() == 1


def test_a_completed_campaign_takes_no_imported_calls(world, importer):
    from linli.outreach import services

    make_partner(world, "阳光物业")
    make_partner(world, "明月物业")
    rows = [["回访活动", "物业公司名称", "回访结果"], ["一轮", "阳光物业", "接通"]]
    assert _import(importer, rows).status == ImportStatus.IMPORTED
    services.campaign_complete(actor=importer, campaign=Campaign.objects.get())
    run = _import(importer, [rows[0], ["一轮", "明月物业", "接通"]])
    assert run.status == ImportStatus.FAILED or run.errors
    assert "is completed" in (run.message + str(run.errors))
    assert CallAttempt.objects.count() == 1
