"""Rep performance (SAL-6): per rep, the leads they own and the opportunities they opened in
the period, how many of those they won, the subscriptions and contracts they made, the amount
of their contracts still standing and the payments received in the period on the contracts
they signed.

Leads and opportunities count for their owner; subscriptions and contracts for the user who
made them (``created_by``; a deal made for an opportunity is linked to it, but a deal need not
have one, so the maker is who every deal has), and payments
for the user who signed their contract, whoever recorded them; a cancelled contract counts
neither its amount nor its payments (they are refunded).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section, percent
from linli.sales import selectors as sales_selectors
from linli.sales.models import Payment
from linli.sales.reports.selectors import cohorts
from linli.sales.reports.selectors.filters import Filters, yuan
from linli.sales.states import ContractStatus, Stage

COLUMNS = [("leads", _("Leads")), ("opportunities", _("Opportunities")), ("won", _("Won")),
           ("conversion", _("Won among opportunities")),
           ("subscriptions", _("Subscriptions")), ("contracts", _("Contracts")),
           ("amount", _("Contracted amount")), ("received", _("Payments received"))]
MONEY = ("amount", "received")


def payments(actor, f: Filters):
    """Payments received in the period on the standing contracts of the project (and rep):
    what a cancelled contract received is refunded."""
    qs = f.days(Payment.objects.restrict(actor, "view"), "paid_on").exclude(
        contract__status=ContractStatus.CANCELLED)
    return f.of_rep(f.of_project(qs, "contract__sale_unit__project_id"),
                    "contract__created_by_id").order_by()


def reps(actor, f: Filters) -> Report:
    found: dict[int | None, dict] = {}

    def add(rows, key: str):
        for row in rows:
            figures = found.setdefault(row.pop(key), {
                "leads": 0, "opportunities": 0, "won": 0, "subscriptions": 0, "contracts": 0,
                "amount": Decimal(0), "received": Decimal(0)})
            figures.update({k: v for k, v in row.items() if v is not None})

    add(cohorts.leads(actor, f).values("owner_id").annotate(leads=Count("pk")), "owner_id")
    add(cohorts.opportunities(actor, f).values("owner_id").annotate(
        opportunities=Count("pk"), won=Count("pk", filter=Q(stage=Stage.WON))), "owner_id")
    add(cohorts.subscriptions(actor, f).values("created_by_id").annotate(
        subscriptions=Count("pk")), "created_by_id")
    add(cohorts.contracts(actor, f).values("created_by_id").annotate(
        contracts=Count("pk"),
        amount=Sum("total", filter=~Q(status=ContractStatus.CANCELLED))), "created_by_id")
    add(payments(actor, f).values("contract__created_by_id").annotate(received=Sum("amount")),
        "contract__created_by_id")
    names = sales_selectors.colleague_names(actor, found)
    section = Section("reps", _("Per rep"), COLUMNS, chart_columns=("opportunities", "won",
                                                                     "contracts"))
    nobody = str(_("Not assigned"))

    def label(pk) -> str:
        return names.get(pk, "") if pk else nobody

    order = sorted(found.items(), key=lambda kv: (kv[0] is None, -kv[1]["amount"],
                                                  -kv[1]["opportunities"], label(kv[0])))
    for pk, figures in order:
        figures["conversion"] = percent(figures["won"], figures["opportunities"])
        section.rows.append(Row(str(pk or ""), label(pk), [
            Cell(yuan(figures[key]) if key in MONEY else figures[key])
            for key, _label in COLUMNS]))
    section.note = _("Leads and opportunities count for their owner; subscriptions and "
                     "contracts for the user who made them; payments for the user who signed "
                     "their contract. Contracted amount: the contracts still standing.")
    totals = {key: sum(row[key] for row in found.values()) for key in ("opportunities", "won",
                                                                    "contracts", "amount",
                                                                    "received")}
    return Report("reps", _("Rep performance"), f, [section], [
        (_("Opportunities"), totals["opportunities"]),
        (_("Won among opportunities"), percent(totals["won"], totals["opportunities"])),
        (_("Contracted amount"), yuan(totals["amount"])),
        (_("Payments received"), yuan(totals["received"]))])
