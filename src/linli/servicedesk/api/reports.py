"""API of the service-desk reports and dashboards (SVC-15): each report's figures as JSON,
with the same period rules as the screens, and the counts of a role's dashboard.

Every figure carries ``drill``: the filters of GET /work-orders (and of the order list screen)
that return exactly the orders it counts.
"""

from datetime import date
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from linli.core.restapi.errors import ApiError
from linli.core.restapi.reports import FigureOut, ReportPagingOut, ReportSectionOut, report_parts
from linli.core.restapi.scoping import unscoped
from linli.core.restapi.types import Id
from linli.servicedesk.reports import selectors

router = Router(tags=["service desk reports"])

REPORT_PERMISSION = "servicedesk.report_workorder"
ReportKey = Enum("ReportKey", {key: key for key in selectors.REPORTS}, type=str)
RoleKey = Enum("RoleKey", {key: key for key in selectors.ROLES}, type=str)


class PeriodIn(Schema):
    start: date | None = Field(None, description="First local day; default the 1st of this "
                                                  "month; not before 2000-01-01")
    end: date | None = Field(None, description="Last local day, included; default today; at "
                                                "most 366 days after the start")
    community: Id | None = None


class ReportQueryIn(PeriodIn):
    page: int = Field(1, ge=1, le=100_000, description=(
        "The complaint register only: its page of rows (200 a page; past the last page, the "
        "last). The other reports ignore it."))


class ReportOut(BaseModel):
    report: str
    title: str
    start: date
    end: date
    community: int | None
    figures: list[FigureOut]
    sections: list[ReportSectionOut]
    paging: ReportPagingOut | None = Field(
        None, description="The complaint register: which page of its rows this is")



class DashboardOut(Schema):
    role: str
    counts: dict[str, int]


def _report_out(report: selectors.Report) -> dict:
    return {**report_parts(report), "start": report.period.start, "end": report.period.end,
            "community": report.period.community}


@router.get("/service-reports/{report}", response=ReportOut, summary="A service-desk report")
@unscoped("figures over the caller's own scope (WorkOrder.objects.restrict); the report "
          "tests prove another tenant's and another office's orders are never counted")
def service_report(request, report: ReportKey, period: Query[ReportQueryIn]):
    """volume, sla, times, backlog, callbacks, repeats, workload or register."""
    user = request.auth
    if not user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied(_("You may not see the service desk's reports."))
    try:
        checked = selectors.period_check(period.start, period.end, period.community)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", _("Some fields are not valid."),
                       {k: [str(m) for m in v] for k, v in exc.message_dict.items()}) from exc
    return _report_out(selectors.report(user, report.value, checked, page=period.page))


@router.get("/service-dashboards/{role}", response=DashboardOut,
            summary="The counts of a desk role's dashboard")
@unscoped("counts over the caller's own scope (WorkOrder.objects.restrict)")
def service_dashboard(request, role: RoleKey):
    """frontdesk, dispatcher, supervisor or manager: the role must be one of the caller's."""
    user = request.auth
    if role.value not in selectors.dashboard_roles(user):
        raise Http404
    return {"role": role.value, "counts": selectors.dashboard_counts(user)}
