"""Lost deals (SAL-4, SAL-6): the opportunities, subscriptions and contracts of the period
(``cohorts``) that are lost now, by the stage they were lost at — with the ratio lost over
those that entered that stage — by the reason of the catalogue and, for opportunities, by the
competitor the customer went to.

An opportunity is lost at the stage it left (``lost_stage``); a subscription when cancelled
without a contract; a contract when cancelled, before or after its online filing. An
opportunity reopened by the manager's review is no longer lost.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section, percent
from linli.sales.reports.selectors import cohorts
from linli.sales.reports.selectors.filters import Filters
from linli.sales.states import LostAppliesTo, Stage

OPEN = (Stage.NEW, Stage.VISITED, Stage.VIEWING, Stage.NEGOTIATING)
COMPETITOR_ROWS = 20


def _reasons(qs, kind: LostAppliesTo, section: Section, lost: int) -> None:
    rows = (qs.values("lost_reason_id", "lost_reason__name").annotate(n=Count("pk"))
            .order_by("-n", "lost_reason__name"))
    for row in rows:
        name = row["lost_reason__name"] or str(_("No reason recorded"))
        section.rows.append(Row(f"{kind.value}-{row['lost_reason_id'] or 'none'}",
                                f"{kind.label} · {name}",
                                [Cell(row["n"]), Cell(percent(row["n"], lost))]))


def lost(actor, f: Filters) -> Report:
    opportunities = cohorts.opportunities(actor, f)
    lost_opportunity = Q(stage=Stage.LOST)
    counted = opportunities.aggregate(
        **{f"entered_{stage.value}": Count("pk", filter=cohorts.reached(actor, stage))
           for stage in OPEN[1:]},
        entered_new=Count("pk"),
        **{f"lost_{stage.value}": Count("pk", filter=lost_opportunity & Q(lost_stage=stage))
           for stage in OPEN})
    subscriptions = cohorts.subscriptions(actor, f)
    subs = subscriptions.aggregate(entered=Count("pk"),
                                   lost=Count("pk", filter=cohorts.LOST_SUBSCRIPTION))
    contracts = cohorts.contracts(actor, f)
    filed = Q(filed_on__isnull=False)
    cons = contracts.aggregate(
        signed=Count("pk"), filed=Count("pk", filter=filed),
        lost_signed=Count("pk", filter=cohorts.LOST_CONTRACT & ~filed),
        lost_filed=Count("pk", filter=cohorts.LOST_CONTRACT & filed))

    stages = Section("stages", _("Lost by stage"), [
        ("entered", _("Entered the stage")), ("lost", _("Lost at the stage")),
        ("ratio", _("Lost ratio"))], chart_columns=("lost",))
    rows = [(f"opportunity-{stage.value}",
             f"{LostAppliesTo.OPPORTUNITY.label} · {stage.label}",
             counted[f"entered_{stage.value}"], counted[f"lost_{stage.value}"])
            for stage in OPEN]
    rows += [("subscription", str(LostAppliesTo.SUBSCRIPTION.label), subs["entered"],
              subs["lost"]),
             ("contract-signed", str(_("Contract · before filing")), cons["signed"],
              cons["lost_signed"]),
             ("contract-filed", str(_("Contract · after filing")), cons["filed"],
              cons["lost_filed"])]
    for key, label, entered, lost_here in rows:
        stages.rows.append(Row(key, label, [Cell(entered), Cell(lost_here),
                                            Cell(percent(lost_here, entered))]))
    stages.note = _("Lost ratio: lost at the stage among those that entered it in the "
                    "period. A subscription cancelled with its contract counts as the "
                    "contract's loss.")

    lost_opportunities = sum(counted[f"lost_{stage.value}"] for stage in OPEN)
    lost_contracts = cons["lost_signed"] + cons["lost_filed"]
    reasons = Section("reasons", _("Lost by reason"), [
        ("lost", _("Lost")), ("share", _("Share of the kind's losses"))],
        chart_columns=("lost",))
    _reasons(opportunities.filter(lost_opportunity), LostAppliesTo.OPPORTUNITY, reasons,
             lost_opportunities)
    _reasons(subscriptions.filter(cohorts.LOST_SUBSCRIPTION), LostAppliesTo.SUBSCRIPTION,
             reasons, subs["lost"])
    _reasons(contracts.filter(cohorts.LOST_CONTRACT), LostAppliesTo.CONTRACT, reasons,
             lost_contracts)

    competitors = Section("competitors", _("Opportunities lost to a competitor"),
                          [("lost", _("Lost"))], chart="pie")
    for row in (opportunities.filter(lost_opportunity).exclude(competitor="")
                .values("competitor").annotate(n=Count("pk"))
                .order_by("-n", "competitor")[:COMPETITOR_ROWS]):
        competitors.rows.append(Row(row["competitor"], row["competitor"], [Cell(row["n"])]))

    return Report("lost", _("Lost deals"), f, [stages, reasons, competitors], [
        (_("Lost opportunities"), lost_opportunities),
        (_("Lost ratio of opportunities"), percent(lost_opportunities, counted["entered_new"])),
        (_("Lost subscriptions"), subs["lost"]),
        (_("Lost contracts"), lost_contracts)])
