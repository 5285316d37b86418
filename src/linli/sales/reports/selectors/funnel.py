"""The funnel (SAL-6): per project and in all, the leads and the opportunities of the period,
the stages those opportunities reached, and how many of them went on to a subscription, a
contract and an online filing through the deals made for them — with the conversion from each
step to the next and from lead to contract.

The deals of the period are counted apart (``Deals of the period``): every subscription and
contract, also those sold to buyers who never were an opportunity (walk-in buyers, queue
numbers), which the funnel's own steps leave out so that no step exceeds the one before.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section, percent
from linli.sales.reports.selectors import cohorts
from linli.sales.reports.selectors.filters import Filters, project_choices
from linli.sales.states import Stage

STAGES = (Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING, Stage.WON)
DEALT = ("subscribed", "contracted", "filed")
STEPS = [("leads", _("Leads")), ("opportunities", _("Opportunities")),
         ("visited", _("Visited")), ("viewing", _("Viewing units")),
         ("negotiating", _("Negotiating")), ("won", _("Won")),
         ("subscribed", _("Subscribed")), ("contracted", _("Signed a contract")),
         ("filed", _("Filed online"))]
DEALS = [("subscriptions", _("Subscriptions")),
         ("for_opportunity", _("Of them for an opportunity")),
         ("contracts", _("Contracts")), ("contracts_filed", _("Of them filed online"))]


def step_counts(actor, f: Filters) -> dict[int, dict[str, int]]:
    """Project id → step or deal count → count, in four grouped queries."""
    counts: dict[int, dict[str, int]] = {}
    zero = dict.fromkeys([*dict(STEPS), *dict(DEALS)], 0)

    def add(rows, project_key: str = "project_id"):
        for row in rows:
            counts.setdefault(row.pop(project_key), dict(zero)).update(row)

    add(cohorts.leads(actor, f).values("project_id").annotate(leads=Count("pk")))
    add(cohorts.opportunities(actor, f).values("project_id").annotate(
        opportunities=Count("pk"),
        **{stage.value: Count("pk", filter=cohorts.reached(actor, stage)) for stage in STAGES},
        **{step: Count("pk", filter=cohorts.dealt(actor, step)) for step in DEALT}))
    add(cohorts.subscriptions(actor, f).values(project=F("sale_unit__project_id")).annotate(
        subscriptions=Count("pk"),
        for_opportunity=Count("pk", filter=Q(opportunity__isnull=False))), "project")
    add(cohorts.contracts(actor, f).values(project=F("sale_unit__project_id")).annotate(
        contracts=Count("pk"), contracts_filed=Count("pk", filter=Q(filed_on__isnull=False))),
        "project")
    return counts


def funnel(actor, f: Filters) -> Report:
    counts = step_counts(actor, f)
    names = dict(project_choices(actor))
    keys = [*dict(STEPS), *dict(DEALS)]
    total = {key: sum(c[key] for c in counts.values()) for key in keys}
    ordered = sorted(counts.items(), key=lambda kv: (names.get(kv[0], ""), kv[0]))
    steps = Section("steps", _("Funnel"), [
        ("count", _("Count")), ("step", _("From the step before")),
        ("lead", _("From leads"))], chart_columns=("count",))
    before = None
    for key, label in STEPS:
        steps.rows.append(Row(key, str(label), [
            Cell(total[key]),
            Cell(percent(total[key], total[before]) if before else "—"),
            Cell(percent(total[key], total["leads"]))]))
        before = key
    steps.note = _("From won on, the steps follow the opportunities of the period through the "
                   "deals made for them; deals sold without an opportunity are under Deals of "
                   "the period.")
    projects = Section("projects", _("Per project"), [
        *STEPS, ("conversion", _("Lead → contract"))], chart="")
    deals = Section("deals", _("Deals of the period"), DEALS, chart="")
    for pk, found in ordered:
        projects.rows.append(Row(str(pk), names.get(pk, ""), [
            *(Cell(found[key]) for key, _label in STEPS),
            Cell(percent(found["contracted"], found["leads"]))]))
        if any(found[key] for key, _label in DEALS):
            deals.rows.append(Row(str(pk), names.get(pk, ""),
                                  [Cell(found[key]) for key, _label in DEALS]))
    if deals.rows:
        deals.rows.append(Row("all", str(_("All projects")),
                              [Cell(total[key]) for key, _label in DEALS]))
    return Report("funnel", _("Funnel"), f, [steps, projects, deals], [
        (_("Leads"), total["leads"]),
        (_("Won among opportunities"), percent(total["won"], total["opportunities"])),
        (_("Contracts of the period"), total["contracts"]),
        (_("Lead → contract"), percent(total["contracted"], total["leads"]))])
