"""Clusters and hot spots (SVC-11): the likely duplicates shown while intake is filled in (htmx),
and the hot-spot view of complaints and repairs by day, building and category, with its chart,
drill-down to the orders and export.

Linking and unlinking an order are moves of the order's page (views.moves); intake links the
order it registers to the incident chosen among the suggestions.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _lazy

from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.scoped_views import ScopedListView
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors
from linli.servicedesk.choices import OrderType
from linli.servicedesk.forms import HotSpotFilterForm
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.states import Status

NONE = "none"


def _digits(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _parent_choice(request) -> int | None:
    """The incident chosen at intake: a click's ``choose`` (``none`` drops it) or the form's
    hidden field as sent with it."""
    if "choose" in request.GET:
        return _digits(request.GET["choose"])
    return _digits(request.GET.get("order-cluster_parent"))


@login_required
@permission_required("servicedesk.add_workorder", raise_exception=True)
def intake_suggestions(request):
    """Open orders that likely report the same incident as the one being registered (htmx):
    the same category and building (or community) within the desk policy's window."""
    user = request.user
    community = _digits(request.GET.get("order-community"))
    building = _digits(request.GET.get("order-building"))
    category = _digits(request.GET.get("order-category"))
    community = property_selectors.community_find(user, community) if community else None
    building = property_selectors.building_find(user, building) if building else None
    category = selectors.category_find(user, category) if category else None
    suggestions = []
    if community is not None and category is not None:
        suggestions = selectors.duplicate_suggestions(user, community=community,
                                                      building=building, category=category)
    wanted = _parent_choice(request)
    chosen = next((o for o in suggestions if o.pk == wanted), None)
    return render(request, "servicedesk/partials/intake_suggestions.html", {
        "ready": community is not None and category is not None,
        "suggestions": suggestions, "chosen": chosen, "statuses": Status,
        "can_link": user.has_perm("servicedesk.dispatch_workorder"),
        "hours": selectors.desk_policy(user.tenant_id).duplicate_window_hours,
    })


def _building(row) -> str:
    if not row["building_id"]:
        return ""
    return row["building__name"] or str(_lazy("Building %(number)s") % {
        "number": row["building__number"]})


def _category(row) -> str:
    if not row["category_id"]:
        return ""
    parent = row["category__parent__name"]
    return f"{parent} › {row['category__name']}" if parent else row["category__name"]


def _type(row) -> str:
    return str(OrderType(row["order_type"]).label)


class HotSpotView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    """Complaints and repairs counted by day × building × category over a period: a heatmap
    of days and buildings, the table of hot spots (most orders first) and, for a chosen row,
    its orders."""

    model = WorkOrder
    permission_required = "servicedesk.view_workorder"
    template_name = "servicedesk/hot_spots.html"
    context_object_name = "rows"
    paginate_by = 50
    export_filename = _lazy("hot-spots")
    export_columns = [
        ExportColumn(_lazy("Day"), "day"),
        ExportColumn(_lazy("Community"), "community__name"),
        ExportColumn(_lazy("Building"), _building),
        ExportColumn(_lazy("Category"), _category),
        ExportColumn(_lazy("Type"), _type),
        ExportColumn(_lazy("Orders"), "orders"),
        ExportColumn(_lazy("Linked to an incident"), "linked"),
        ExportColumn(_lazy("Incidents"), "incidents"),
    ]

    def get_scoped_queryset(self):
        self.filter_form = HotSpotFilterForm(self.request.GET or None, actor=self.request.user)
        self.filters = self.filter_form.filters()
        if self.filters is None:
            return selectors.hot_spots_none(self.request.user)
        return selectors.hot_spots(self.request.user, **self.filters)

    def _drill(self):
        day = self.request.GET.get("day")
        if self.filters is None or not day:
            return None
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            return None
        building = self.request.GET.get("building", NONE)
        category = self.request.GET.get("category", NONE)
        return {
            "day": day,
            "orders": list(selectors.hot_spot_drill(
                self.request.user, day=day, community=self.filters.get("community"),
                building_id=_digits(building), category_id=_digits(category),
                order_type=self.filters.get("order_type", ""))[:200]),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["rows"])
        summaries = selectors.hot_spot_summaries(self.request.user, rows) if rows else {}
        for row in rows:
            row["building_label"] = _building(row)
            row["category_label"] = _category(row)
            row["type_label"] = _type(row)
            row["summary"] = summaries.get(row["latest"], "")
        context.update({
            "filter_form": self.filter_form,
            "table_rows": rows,
            "chart": (selectors.hot_spot_grid(self.request.user, **self.filters)
                      if self.filters is not None else None),
            "drill": self._drill(),
            "statuses": Status,
            "none": NONE,
            "period": self.filters,
        })
        return context


urlpatterns = [
    path("intake/suggestions/", intake_suggestions, name="intake_suggestions"),
    path("hot-spots/", HotSpotView.as_view(), name="hot_spots"),
]
