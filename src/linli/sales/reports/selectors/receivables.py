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
from django.db.models import Count, DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from linli.core.reports import Cell, Report, Row, Section
from linli.sales.models import Contract, Payment, PlanLine, Subscription
from linli.sales.reports.selectors import cohorts
from linli.sales.reports.selectors.filters import Filters, project_choices, yuan
from linli.sales.states import SubscriptionStatus

CONTRACT_PAGE_SIZE = 100
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
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
    contracts = _with_figures(actor, f.of_project(
        Contract.objects.restrict(actor, "view").exclude(cohorts.LOST_CONTRACT),
        "sale_unit__project_id").order_by(), day)
    sums = {row["project"]: {key: row[f"sum_{key}"] for key in MONEY}
            for row in contracts.values(project=F("sale_unit__project_id")).annotate(
                **{f"sum_{key}": Sum(key) for key in MONEY})}
    names = dict(project_choices(actor))
    projects = Section("projects", _("Per project"), [
        ("subscriptions", _("Active subscriptions")), ("deposits", _("Deposits held")),
        *COLUMNS], chart="bar", chart_columns=("due", "paid", "overdue"))
    total = {**_zero(), "subscriptions": 0, "deposits": Decimal(0)}
    for project_id in sorted(set(sums) | set(deposits),
                             key=lambda pk: (names.get(pk, ""), pk)):
        found = {**_zero(), **sums.get(project_id, {}),
                 "subscriptions": deposits.get(project_id, {}).get("n", 0),
                 "deposits": deposits.get(project_id, {}).get("held") or Decimal(0)}
        for key, value in found.items():
            total[key] += value
        projects.rows.append(Row(str(project_id), names.get(project_id, ""), [
            Cell(found["subscriptions"]), Cell(yuan(found["deposits"])),
            *(Cell(yuan(found[key])) for key in MONEY)]))
    projects.note = _("Deposits: held on active subscriptions, before their contract. The "
                      "payment plans are those of the contracts standing.")

    owing = contracts.filter(outstanding__gt=0).order_by(
        "-overdue", "-outstanding", "number", "pk").values("pk", "number", "buyer_name", *MONEY)
    listing = Section("contracts", _("Per contract"), COLUMNS, chart="")
    listing.note = _("Contracts with something outstanding, the most overdue first.")
    paging = None
    if page is not None:
        paging = Paginator(owing, CONTRACT_PAGE_SIZE).get_page(page)
        owing = paging.object_list
    for row in owing:
        listing.rows.append(Row(str(row["pk"]), f"{row['number']} · {row['buyer_name']}",
                                [Cell(yuan(row[key])) for key in MONEY]))
    if paging is not None:
        paging.object_list = listing.rows
        listing.paging = paging
    return Report("receivables", _("Receivables"), f, [projects, listing], [
        (_("Deposits held"), yuan(total["deposits"])),
        (_("Due"), yuan(total["due"])),
        (_("Paid"), yuan(total["paid"])),
        (_("Outstanding"), yuan(total["outstanding"])),
        (_("Overdue"), yuan(total["overdue"]))])


def _with_figures(actor, contracts, day):
    """``contracts`` with each one's figures on ``day`` (``MONEY``), read by the database:
    one sum of its plan lines or payments per figure, so that the listing is sorted and paged
    there rather than in memory."""
    lines = PlanLine.objects.restrict(actor, "view").filter(contract=OuterRef("pk"))
    payments = Payment.objects.restrict(actor, "view").filter(contract=OuterRef("pk"),
                                                              paid_on__lte=day)

    def total(qs):
        return Coalesce(Subquery(qs.order_by().values("contract").annotate(
            s=Sum("amount")).values("s")), ZERO)

    return contracts.annotate(
        planned=total(lines), due=total(lines.filter(due_on__lte=day)),
        late=total(lines.filter(due_on__lt=day)), paid=total(payments),
        paid_late=total(payments.filter(line__due_on__lt=day)),
    ).annotate(outstanding=F("planned") - F("paid"), overdue=F("late") - F("paid_late"))
