"""API of the sales reports (SAL-6): each report's figures as JSON, with the filters and rules
of the screens. A filter the caller may not use — a project they do not see, a rep who is not an
active user of their company, an end before the start, a day that is not a date — is refused
with a 422 naming the field."""

from datetime import date
from enum import Enum

from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from linli.core.restapi.reports import FigureOut, ReportPagingOut, ReportSectionOut, report_parts
from linli.core.restapi.scoping import unscoped
from linli.core.restapi.types import Id
from linli.sales.reports import selectors

router = Router(tags=["sales reports"])

SalesReportKey = Enum("SalesReportKey", {key.replace("-", "_"): key for key in selectors.REPORTS},
                      type=str)


class SalesReportQueryIn(Schema):
    start: date | None = Field(None, description=(
        "First local day; default 365 days before today; not before 2000-01-01. funnel, "
        "lost and reps"))
    end: date | None = Field(None, description=(
        "Last local day, included; default today; at most 366 days after the start. funnel, "
        "lost and reps"))
    project: Id | None = Field(None, description="A sales project the caller sees")
    rep: Id | None = Field(None, description=(
        "A user of the caller's company: leads and opportunities they own, deals they made. "
        "funnel, lost and reps"))
    as_of: date | None = Field(None, description="receivables: the day read; default today")
    page: int = Field(1, ge=1, le=100_000, description=(
        "receivables: the page of its per-contract rows (100 a page; past the last page, the "
        "last)"))


class SalesReportOut(BaseModel):
    report: str
    title: str
    start: date
    end: date
    project: int | None
    rep: int | None
    as_of: date
    figures: list[FigureOut]
    sections: list[ReportSectionOut]
    paging: ReportPagingOut | None = Field(
        None, description="receivables: which page of its per-contract rows this is")


@router.get("/sales-reports/{report}", response=SalesReportOut, summary="A sales report")
@unscoped("figures over the caller's own scope (each model's objects.restrict); the report "
          "tests prove another tenant's and another office's records are never counted")
def sales_report(request, report: SalesReportKey, filters: Query[SalesReportQueryIn]):
    """funnel, lost, reps, sell-through or receivables. Each report uses the filters that make
    sense to it and ignores the others (sell-through: project only; receivables: project and
    as_of)."""
    user = request.auth
    selectors.require_report(user, report.value)
    fields = selectors.FIELDS[report.value]
    checked = selectors.filters_check(user, **{
        name: getattr(filters, name) for name in fields})
    found = selectors.report(user, report.value, checked, page=filters.page)
    return {**report_parts(found), "start": checked.start, "end": checked.end,
            "project": checked.project, "rep": checked.rep, "as_of": checked.as_of}
