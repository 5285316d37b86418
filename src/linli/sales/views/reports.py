"""The sales reports (SAL-6): one page per report with its filters, charts, tables and its
download to Excel or CSV. The figures come from ``reports.selectors``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.exchange.exports import FORMATS, export_response
from linli.core.reports import EXPORT_COLUMNS, chart_data, export_rows, tables
from linli.sales import selectors as sales_selectors
from linli.sales.forms import SalesReportForm
from linli.sales.reports import selectors
from linli.sales.reports.selectors.filters import project_choices

# The menu's permission: the reports are mostly about the pipeline.
MENU_PERMISSION = "sales.view_opportunity"
DESCRIPTIONS = {
    "funnel": gettext_lazy("Leads, opportunities by the stage they reached, subscriptions and "
                           "contracts, with the conversion between the steps."),
    "lost": gettext_lazy("Lost opportunities, subscriptions and contracts by stage, reason and "
                         "competitor."),
    "reps": gettext_lazy("Each rep's leads, opportunities, wins, deals, contracted amount and "
                         "payments."),
    "sell-through": gettext_lazy("Units by sale status, share sold, revenue and payments per "
                                 "building."),
    "receivables": gettext_lazy("Deposits held and what the payment plans have due, paid, "
                                "outstanding and overdue."),
}


@login_required
@permission_required(MENU_PERMISSION, raise_exception=True)
def report_index(request):
    """The first report the user may open."""
    return redirect("sales:report", key=selectors.reports_for(request.user)[0])


@login_required
def report_page(request, key: str):
    """One report with its filters, or its figures as a download (?export=xlsx or csv)."""
    if key not in selectors.REPORTS:
        raise Http404
    selectors.require_report(request.user, key)
    fields = selectors.FIELDS[key]
    form = SalesReportForm(
        request.GET or None, actor=request.user, fields=fields,
        projects=project_choices(request.user) if "project" in fields else [],
        reps=sales_selectors.sales_staff(request.user) if "rep" in fields else [])
    filters = form.checked_filters()
    fmt = request.GET.get("export")
    if fmt is not None and fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown export format. Use xlsx or csv."))
    context = {"form": form, "key": key, "title": selectors.REPORT_TITLES[key],
               "tabs": [(k, selectors.REPORT_TITLES[k])
                        for k in selectors.reports_for(request.user)],
               "description": DESCRIPTIONS[key], "report": None,
               "snapshot": key in selectors.SNAPSHOTS, "dated": "as_of" in fields}
    if filters is None:
        if fmt is not None:
            errors = "; ".join(str(m) for messages in form.errors.values() for m in messages)
            return HttpResponseBadRequest(errors)
        return render(request, "sales/reports/report.html", context, status=400)
    report = selectors.report(request.user, key, filters,
                              page=None if fmt is not None else request.GET.get("page", 1))
    if fmt is not None:
        name = _("sales-report-%(report)s") % {"report": report.title}
        return export_response(export_rows(report), EXPORT_COLUMNS, name, fmt)
    query = {k: v for k, v in request.GET.items() if k in fields}
    return render(request, "sales/reports/report.html", {
        **context, "report": report, "tables": tables(report),
        "charts": chart_data(report), "query": urlencode(query)})


urlpatterns = [
    path("reports/", report_index, name="reports"),
    path("reports/<slug:key>/", report_page, name="report"),
]
