"""The service-desk reports (SVC-15) with their charts, drill-down and exports, the printable
monthly complaint register, and the dashboard of each desk role.

The figures come from ``reports.selectors``; each figure links to the order list with the
filters that show the orders it counts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from linli.core import reports
from linli.core.exchange.exports import FORMATS, export_response
from linli.core.reports import EXPORT_COLUMNS, chart_data, export_rows, tables
from linli.servicedesk.forms import MonthForm, ReportForm
from linli.servicedesk.reports import selectors

REPORT_PERMISSION = "servicedesk.report_workorder"
DESCRIPTIONS = {
    "volume": _("Orders registered by type, category, community, channel and day."),
    "sla": _("Each clock met, breached or still running."),
    "times": _("How long the first response and the resolution took."),
    "backlog": _("Open orders by how long ago they were registered."),
    "callbacks": _("Callback rate and the satisfaction customers gave."),
    "repeats": _("Callers who complained more than once."),
    "workload": _("Orders received, resolved and open per department and person."),
    "register": _("Every complaint of the period with its handling and outcome."),
}


def order_list_url(drill: dict | None) -> str:
    if not drill:
        return ""
    # ``figure`` only makes the list say that it shows the orders behind a figure.
    return f"{reverse('servicedesk:work_order_list')}?{urlencode({**drill, 'figure': 'on'})}"


@login_required
@permission_required(REPORT_PERMISSION, raise_exception=True)
def report_index(request):
    reports = [{"key": key, "title": title, "description": DESCRIPTIONS[key]}
               for key, title in selectors.REPORT_TITLES.items()]
    return render(request, "servicedesk/reports/index.html", {"reports": reports})


@login_required
@permission_required(REPORT_PERMISSION, raise_exception=True)
def report_page(request, key: str):
    """One report for a period and community: charts and tables whose figures lead to the
    orders counted, or its figures as a download (?export=xlsx or csv)."""
    if key not in selectors.REPORTS:
        raise Http404
    form = ReportForm(request.GET or None, actor=request.user)
    period = form.checked_period()
    fmt = request.GET.get("export")
    if fmt is not None and fmt not in FORMATS:
        return HttpResponseBadRequest(_("Unknown export format. Use xlsx or csv."))
    if period is None:
        if fmt is not None:
            errors = "; ".join(str(m) for messages in form.errors.values() for m in messages)
            return HttpResponseBadRequest(errors)
        return render(request, "servicedesk/reports/report.html", {
            "form": form, "key": key, "title": selectors.REPORT_TITLES[key], "report": None},
            status=400)
    report = selectors.report(request.user, key, period,
                              page=None if fmt is not None else request.GET.get("page", 1))
    if fmt is not None:
        name = _("report-%(report)s-%(start)s-%(end)s") % {
            "report": report.title, "start": period.start.isoformat(),
            "end": period.end.isoformat()}
        return export_response(export_rows(report), EXPORT_COLUMNS, name, fmt)
    query = {k: v for k, v in request.GET.items() if k in ("start", "end", "community")}
    return render(request, "servicedesk/reports/report.html", {
        "form": form, "key": key, "title": report.title, "report": report,
        "tables": tables(report, order_list_url), "charts": chart_data(report, order_list_url),
        "query": urlencode(query),
    })


@login_required
@permission_required(REPORT_PERMISSION, raise_exception=True)
def complaint_register_print(request):
    """The monthly complaint register (投诉登记表) to print."""
    form = MonthForm(request.GET or None, actor=request.user)
    period = form.checked_period()
    complaints = (selectors.complaint_register(request.user, period)
                  if period is not None else [])
    return render(request, "servicedesk/reports/complaint_register.html", {
        "form": form, "period": period, "complaints": complaints},
        status=200 if period is not None else 400)


# --- dashboards ------------------------------------------------------------------------------

ROLE_TITLES = {"frontdesk": _("Front desk"), "dispatcher": _("Dispatcher"),
               "supervisor": _("Department supervisor"),
               "manager": _("Project manager")}


def _tiles(role: str, counts: dict) -> list[selectors.Tile]:
    """What each role acts on, the most pressing first, each with the list it leads to."""
    orders = reverse("servicedesk:work_order_list")
    today = reports.default_period()[1].isoformat()

    def tile(key, label, url, colour):
        return selectors.Tile(key, label, counts[key], url, colour)

    breached = tile("breached", _("Breached"), f"{orders}?breached=on", "red")
    due_soon = tile("due_soon", _("Due within 2 hours"), f"{orders}?due_soon=on", "orange")
    callbacks = tile("callbacks_due", _("Callbacks due today"),
                     f"{reverse('servicedesk:callback_list')}?due_today=on", "blue")
    if role == "frontdesk":
        return [callbacks,
                tile("quarantined", _("Contacts to verify"),
                     reverse("servicedesk:quarantine"), "purple"),
                tile("after_work", _("Waiting for callback or rework"),
                     f"{orders}?after_work=on", "teal"),
                tile("today", _("Registered today"),
                     f"{orders}?created_from={today}&created_to={today}", "secondary")]
    if role == "dispatcher":
        return [tile("unassigned", _("Not dispatched"),
                     f"{reverse('servicedesk:queue')}?unassigned=on", "red"),
                breached, due_soon,
                tile("quarantined", _("Contacts to verify"),
                     reverse("servicedesk:quarantine"), "purple")]
    if role == "supervisor":
        return [tile("no_handler", _("No worker yet"), f"{orders}?no_handler=on", "red"),
                breached, due_soon,
                tile("waiting", _("Waiting for customer or third party"),
                     f"{orders}?status=waiting", "yellow")]
    return [breached, due_soon,
            tile("review", _("Replies to approve"), f"{orders}?review=pending", "purple"),
            tile("formal", _("Open formal complaints"),
                 f"{orders}?formal=on&open=on", "orange"),
            callbacks,
            tile("open", _("Open orders"), f"{orders}?open=on", "secondary")]


@login_required
@permission_required("servicedesk.view_workorder", raise_exception=True)
def dashboard_home(request):
    """Leads each user to the dashboard of their widest desk role (a worker to their own
    orders)."""
    roles = selectors.dashboard_roles(request.user)
    if roles:
        return redirect("servicedesk:dashboard_role", role=roles[0])
    if request.user.has_perm("servicedesk.work_workorder"):
        return redirect("servicedesk:my_orders")
    return redirect("servicedesk:work_order_list")


@login_required
@permission_required("servicedesk.view_workorder", raise_exception=True)
def dashboard(request, role: str):
    if role not in selectors.ROLES:
        raise Http404
    roles = selectors.dashboard_roles(request.user)
    if role not in roles:
        raise PermissionDenied(_("This dashboard is for another role."))
    counts = selectors.dashboard_counts(request.user)
    return render(request, "servicedesk/reports/dashboard.html", {
        "role": role, "role_title": ROLE_TITLES[role],
        "roles": [(r, ROLE_TITLES[r]) for r in roles],
        "tiles": _tiles(role, counts),
        "orders": selectors.dashboard_orders(request.user, role),
        "load": (selectors.dashboard_load(request.user)
                 if role in ("supervisor", "manager") else []),
        "can_report": request.user.has_perm(REPORT_PERMISSION),
    })


urlpatterns = [
    path("reports/", report_index, name="report_index"),
    path("reports/complaints/print/", complaint_register_print, name="complaint_register"),
    path("reports/<slug:key>/", report_page, name="report"),
    path("dashboard/", dashboard_home, name="dashboard"),
    path("dashboard/<slug:role>/", dashboard, name="dashboard_role"),
]
