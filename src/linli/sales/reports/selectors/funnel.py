"""The funnel (SAL-6): per project and in all, leads → opportunities → the stages they reached
→ subscriptions → contracts → filed contracts, with the conversion from each step to the next
and from lead to contract.

Every step counts the records of ``cohorts`` (begun in the period). A subscription made for an
opportunity keeps its link, but many are sold without one (walk-in buyers, queue numbers), so
the steps from "won" on compare the counts of the period, project and rep rather than follow
the same customers.
"""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section, percent
from linli.sales.reports.selectors import cohorts
from linli.sales.reports.selectors.filters import Filters, project_choices
from linli.sales.states import Stage

STAGES = (Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING, Stage.WON)
STEPS = [("leads", _("Leads")), ("opportunities", _("Opportunities")),
         ("visited", _("Visited")), ("viewing", _("Viewing units")),
         ("negotiating", _("Negotiating")), ("won", _("Won")),
         ("subscriptions", _("Subscriptions")), ("contracts", _("Contracts")),
         ("filed", _("Filed online"))]


def step_counts(actor, f: Filters) -> dict[int, dict[str, int]]:
    """Project id → step → count, in four grouped queries."""
    counts: dict[int, dict[str, int]] = {}

    def add(rows, project_key: str = "project_id"):
        for row in rows:
            found = counts.setdefault(row.pop(project_key), dict.fromkeys(dict(STEPS), 0))
            found.update(row)

    add(cohorts.leads(actor, f).values("project_id").annotate(leads=Count("pk")))
    add(cohorts.opportunities(actor, f).values("project_id").annotate(
        opportunities=Count("pk"),
        **{stage.value: Count("pk", filter=cohorts.reached(actor, stage)) for stage in STAGES}))
    add(cohorts.subscriptions(actor, f).values(project=F("sale_unit__project_id")).annotate(
        subscriptions=Count("pk")), "project")
    add(cohorts.contracts(actor, f).values(project=F("sale_unit__project_id")).annotate(
        contracts=Count("pk"), filed=Count("pk", filter=Q(filed_on__isnull=False))), "project")
    return counts


def funnel(actor, f: Filters) -> Report:
    counts = step_counts(actor, f)
    names = dict(project_choices(actor))
    total = {key: sum(c[key] for c in counts.values()) for key, _label in STEPS}
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
    steps.note = _("From won on, each step counts every deal of the same period, also those "
                   "sold without an opportunity: the funnel does not follow the same customers "
                   "through the opportunity link.")
    projects = Section("projects", _("Per project"), [
        *STEPS, ("conversion", _("Lead → contract"))], chart="")
    for pk, found in sorted(counts.items(), key=lambda kv: (names.get(kv[0], ""), kv[0])):
        projects.rows.append(Row(str(pk), names.get(pk, ""), [
            *(Cell(found[key]) for key, _label in STEPS),
            Cell(percent(found["contracts"], found["leads"]))]))
    return Report("funnel", _("Funnel"), f, [steps, projects], [
        (_("Leads"), total["leads"]),
        (_("Won among opportunities"), percent(total["won"], total["opportunities"])),
        (_("Contracts"), total["contracts"]),
        (_("Lead → contract"), percent(total["contracts"], total["leads"]))])
