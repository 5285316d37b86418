"""Sell-through (SAL-6): per building and per project, the units by sale status today, the
share sold — subscribed, contracted or filed among the units on sale (all but those held
back) — the amount of the contracts standing and the payments received on them so far.

A snapshot of today: the period and rep filters do not apply.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section, percent
from linli.sales.models import Contract, Payment, SaleUnit
from linli.sales.reports.selectors.filters import Filters, yuan
from linli.sales.states import ContractStatus, SaleStatus

SOLD = (SaleStatus.SUBSCRIBED, SaleStatus.CONTRACTED, SaleStatus.FILED)
COLUMNS = [("units", _("Units")),
           *((status.value, status.label) for status in SaleStatus),
           ("sell_through", _("Sell-through")), ("revenue", _("Contracted revenue")),
           ("received", _("Payments received"))]


def _empty() -> dict:
    return {"units": 0, **{s.value: 0 for s in SaleStatus}, "revenue": Decimal(0),
            "received": Decimal(0)}


def _cells(figures: dict) -> list[Cell]:
    sold = sum(figures[s.value] for s in SOLD)
    on_sale = figures["units"] - figures[SaleStatus.HELD.value]
    return [Cell(figures["units"]), *(Cell(figures[s.value]) for s in SaleStatus),
            Cell(percent(sold, on_sale)), Cell(yuan(figures["revenue"])),
            Cell(yuan(figures["received"]))]


def _building_label(row: dict) -> str:
    building = row["building__name"] or str(_("Building %(number)s") % {
        "number": row["building__number"]})
    return f"{row['project__name']} · {building}"


def sell_through(actor, f: Filters) -> Report:
    units = f.of_project(SaleUnit.objects.restrict(actor, "view")).order_by()
    rows = list(units.values("project_id", "project__name", "building_id", "building__name",
                             "building__number", "building__sort_key").annotate(
        units=Count("pk"), **{s.value: Count("pk", filter=Q(status=s)) for s in SaleStatus})
        .order_by("project__name", "project_id", "building__sort_key", "building__number"))
    live = ~Q(status=ContractStatus.CANCELLED)
    contracts = f.of_project(Contract.objects.restrict(actor, "view").filter(live),
                             "sale_unit__project_id").order_by()
    revenue = {row["building"]: row["revenue"] for row in contracts.values(
        building=F("sale_unit__building_id")).annotate(revenue=Sum("total"))}
    paid = Payment.objects.restrict(actor, "view").filter(
        contract__in=contracts.values("pk")).order_by()
    received = {row["building"]: row["received"] for row in paid.values(
        building=F("contract__sale_unit__building_id")).annotate(received=Sum("amount"))}

    buildings = Section("buildings", _("Per building"), COLUMNS, chart="stack",
                        chart_columns=tuple(s.value for s in SaleStatus))
    per_project: dict[int, tuple[str, dict]] = {}
    total = _empty()
    for row in rows:
        figures = {key: row[key] for key in ("units", *(s.value for s in SaleStatus))}
        figures["revenue"] = revenue.get(row["building_id"]) or Decimal(0)
        figures["received"] = received.get(row["building_id"]) or Decimal(0)
        buildings.rows.append(Row(str(row["building_id"]), _building_label(row),
                                  _cells(figures)))
        project = per_project.setdefault(row["project_id"], (row["project__name"], _empty()))[1]
        for key, value in figures.items():
            project[key] += value
            total[key] += value
    buildings.note = _("Sell-through: subscribed, contracted and filed units among the units "
                       "on sale (all but those held back). Revenue: the contracts standing.")
    projects = Section("projects", _("Per project"), COLUMNS, chart="")
    for pk, (name, figures) in per_project.items():
        projects.rows.append(Row(str(pk), name, _cells(figures)))
    sold = sum(total[s.value] for s in SOLD)
    return Report("sell-through", _("Sell-through"), f, [buildings, projects], [
        (_("Units on sale"), total["units"] - total[SaleStatus.HELD.value]),
        (_("Sell-through"), percent(sold, total["units"] - total[SaleStatus.HELD.value])),
        (_("Contracted revenue"), yuan(total["revenue"])),
        (_("Payments received"), yuan(total["received"]))])
