"""The filters every sales report takes, checked once for the screens and the API.

``start``/``end`` are local days (both included; default the last twelve months); ``project`` a
sales project the viewer sees; ``rep`` an active user of the viewer's tenant; ``as_of`` the
day the receivables are read on (default today). A report uses the ones that make sense to
it (``FIELDS``) and ignores the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import reports
from linli.sales import selectors as sales_selectors
from linli.sales.models import SalesProject

# The filters of each report, in the order the form shows them.
FIELDS = {
    "funnel": ("start", "end", "project", "rep"),
    "lost": ("start", "end", "project", "rep"),
    "reps": ("start", "end", "project", "rep"),
    "sell-through": ("project",),
    "receivables": ("project", "as_of"),
}


@dataclass(frozen=True)
class Filters(reports.Period):
    project: int | None = None
    rep: int | None = None
    as_of: dt.date | None = None

    def days(self, qs: QuerySet, field: str) -> QuerySet:
        """``qs`` narrowed to the period over the date ``field``."""
        return qs.filter(**{f"{field}__gte": self.start, f"{field}__lte": self.end})

    def moments(self, qs: QuerySet, field: str) -> QuerySet:
        """``qs`` narrowed to the period over the datetime ``field``: the aware range of the
        local days, so that an index on the field serves."""
        return qs.filter(**{f"{field}__gte": self.since, f"{field}__lt": self.until})

    def of_project(self, qs: QuerySet, project_field: str = "project_id") -> QuerySet:
        return qs.filter(**{project_field: self.project}) if self.project else qs

    def of_rep(self, qs: QuerySet, rep_field: str) -> QuerySet:
        return qs.filter(**{rep_field: self.rep}) if self.rep else qs


def filters_check(actor, *, start: dt.date | None = None, end: dt.date | None = None,
                  project: int | None = None, rep: int | None = None,
                  as_of: dt.date | None = None) -> Filters:
    """The filters asked for, or a ValidationError naming each field at fault: a project the
    viewer does not see and a rep who is not an active user of their tenant are refused alike
    (out of scope and missing look the same)."""
    errors: dict[str, list] = {}
    try:
        start, end = reports.days_check(start, end, default=reports.last_twelve_months)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if project is not None and sales_selectors.project_find(actor, project) is None:
        errors["project"] = [_("Choose a sales project you can see.")]
    if rep is not None and sales_selectors.colleague_find(actor, rep) is None:
        errors["rep"] = [_("Choose an active user of your company.")]
    if as_of is not None and not (reports.EARLIEST <= as_of
                                  <= timezone.localdate() + dt.timedelta(
                                      days=reports.LONGEST_DAYS)):
        errors["as_of"] = [_("Choose a day from 1 January 2000 to a year from today.")]
    if errors:
        raise ValidationError(errors)
    return Filters(start, end, project, rep, as_of or timezone.localdate())


def yuan(amount: Decimal | int | None) -> Decimal:
    """An amount of money to the yuan (half up); nothing counts as 0."""
    return Decimal(amount or 0).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def project_choices(actor) -> list[tuple[int, str]]:
    """The projects the viewer sees, for the filter."""
    # Not ``project_list``: its unit counts would be read for a list of names.
    return list(SalesProject.objects.restrict(actor, "view").order_by("name", "pk")
                .values_list("pk", "name"))
