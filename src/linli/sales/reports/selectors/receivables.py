"""Receivables (SAL-6): on a day (``as_of``, default today), the deposits held on active
subscriptions and, for the contracts standing (signed or filed), what their payment plans have
due by then, what was paid by then, what is still outstanding and what is overdue — per project
and per contract, with the totals.

Due: the plan lines due on or before the day. Paid: the payments received on or before the day.
Outstanding: the whole plan less what was paid. Overdue: the lines due before the day less
what was paid on them by the day. Amounts are to the yuan.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section
from linli.sales.models import Contract, Payment, PlanLine, Subscription
from linli.sales.reports.selectors import cohorts
from linli.sales.reports.selectors.filters import Filters, yuan
from linli.sales.states import SubscriptionStatus

CONTRACT_PAGE_SIZE = 100
MONEY = ("planned", "due", "paid", "outstanding", "overdue")
COLUMNS = [("planned", _("Payment plan")), ("due", _("Due")), ("paid", _("Paid")),
           ("outstanding", _("Outstanding")), ("overdue", _("Overdue"))]


def _zero() -> dict:
    return dict.fromkeys(MONEY, Decimal(0))


def receivables(actor, f: Filters, page: int | str | None = 1) -> Report:
    """The receivables on ``f.as_of``; the contracts with something outstanding a page at a
    time (page ``page``; every one when None, for the export)."""
    day = f.as_of
    deposits = {row["project"]: row for row in f.of_project(
        Subscription.objects.restrict(actor, "view").filter(status=SubscriptionStatus.ACTIVE),
        "sale_unit__project_id").order_by().values(project=F("sale_unit__project_id")).annotate(
        n=Count("pk"), held=Sum("deposit"))}
    contracts = f.of_project(Contract.objects.restrict(actor, "view").exclude(
        cohorts.LOST_CONTRACT), "sale_unit__project_id").order_by()
    plans = {row["contract_id"]: row for row in PlanLine.objects.restrict(actor, "view").filter(
        contract__in=contracts.values("pk")).order_by().values("contract_id").annotate(
        planned=Sum("amount"), due=Sum("amount", filter=Q(due_on__lte=day)),
        late=Sum("amount", filter=Q(due_on__lt=day)))}
    paid = {row["contract_id"]: row for row in Payment.objects.restrict(actor, "view").filter(
        contract__in=contracts.values("pk"), paid_on__lte=day).order_by().values(
        "contract_id").annotate(paid=Sum("amount"), paid_late=Sum(
            "amount", filter=Q(line__due_on__lt=day)))}
    per_contract = []
    for pk, number, buyer, project_id in contracts.values_list(
            "pk", "number", "buyer_name", "sale_unit__project_id").order_by("number", "pk"):
        plan, payments = plans.get(pk, {}), paid.get(pk, {})
        figures = {"planned": plan.get("planned") or Decimal(0),
                   "due": plan.get("due") or Decimal(0),
                   "paid": payments.get("paid") or Decimal(0)}
        figures["outstanding"] = figures["planned"] - figures["paid"]
        figures["overdue"] = (plan.get("late") or Decimal(0)) - (payments.get("paid_late")
                                                                 or Decimal(0))
        per_contract.append((pk, f"{number} · {buyer}", project_id, figures))

    names = cohorts.project_names(actor, {row[2] for row in per_contract} | set(deposits))
    projects = Section("projects", _("Per project"), [
        ("subscriptions", _("Active subscriptions")), ("deposits", _("Deposits held")),
        *COLUMNS], chart="bar", chart_columns=("due", "paid", "overdue"))
    sums: dict[int, dict] = {}
    for _pk, _label, project_id, figures in per_contract:
        found = sums.setdefault(project_id, _zero())
        for key in MONEY:
            found[key] += figures[key]
    total = {**_zero(), "subscriptions": 0, "deposits": Decimal(0)}
    for project_id in sorted(set(sums) | set(deposits),
                             key=lambda pk: (names.get(pk, ""), pk)):
        found = {**sums.get(project_id, _zero()),
                 "subscriptions": deposits.get(project_id, {}).get("n", 0),
                 "deposits": deposits.get(project_id, {}).get("held") or Decimal(0)}
        for key, value in found.items():
            total[key] += value
        projects.rows.append(Row(str(project_id), names.get(project_id, ""), [
            Cell(found["subscriptions"]), Cell(yuan(found["deposits"])),
            *(Cell(yuan(found[key])) for key in MONEY)]))
    projects.note = _("Deposits: held on active subscriptions, before their contract. The "
                      "payment plans are those of the contracts standing.")

    owing = sorted((row for row in per_contract if row[3]["outstanding"] > 0),
                   key=lambda row: (-row[3]["overdue"], -row[3]["outstanding"], row[1]))
    listing = Section("contracts", _("Per contract"), COLUMNS, chart="")
    listing.note = _("Contracts with something outstanding, the most overdue first.")
    paging = None
    if page is not None:
        paging = Paginator(owing, CONTRACT_PAGE_SIZE).get_page(page)
        owing = paging.object_list
    for pk, label, _project_id, figures in owing:
        listing.rows.append(Row(str(pk), label, [Cell(yuan(figures[key])) for key in MONEY]))
    if paging is not None:
        paging.object_list = listing.rows
        listing.paging = paging
    return Report("receivables", _("Receivables"), f, [projects, listing], [
        (_("Deposits held"), yuan(total["deposits"])),
        (_("Due"), yuan(total["due"])),
        (_("Paid"), yuan(total["paid"])),
        (_("Outstanding"), yuan(total["outstanding"])),
        (_("Overdue"), yuan(total["overdue"]))], paging=paging)
