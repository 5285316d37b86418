"""Web views of the directory's import/statistics part: the community profile statistics
(DIR-6). The imports themselves run on the exchange pages (exchange:runs, exchange:upload with
the keys directory-units, directory-people and directory-organizations)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from linli.core.exchange.exports import ExportColumn, export_response
from linli.directory.selectors import stats as selectors

EXPORT_COLUMNS = [
    ExportColumn(_lazy("Chart"), "chart"),
    ExportColumn(_lazy("Label"), "label"),
    ExportColumn(_lazy("Count"), "count"),
]


def _year(request) -> int:
    """The year asked for; anything else (missing, not a number, out of range) is this year."""
    years = selectors.stats_years()
    typed = request.GET.get("year", "")
    return int(typed) if typed.isdigit() and int(typed) in years else years[0]


@login_required
@permission_required("directory.view_community", raise_exception=True)
def statistics(request):
    """Choose a community; the choice leads to its profile page."""
    chosen = request.GET.get("community", "")
    if chosen.isdigit():
        url = reverse("directory:statistics_community", args=[int(chosen)])
        return redirect(f"{url}?year={_year(request)}")
    return render(request, "directory/exchange/statistics.html", {
        "communities": selectors.stats_communities(request.user),
        "years": selectors.stats_years(), "year": _year(request),
    })


@login_required
@permission_required("directory.view_community", raise_exception=True)
def statistics_community(request, pk: int):
    """The profile of one community as charts, or its numbers as a download (?export=xlsx)."""
    community = selectors.stats_community_get(request.user, pk)
    profile = selectors.community_profile(request.user, community, _year(request))
    if request.GET.get("export") in ("xlsx", "csv"):
        rows = [{"chart": title, "label": label, "count": count}
                for _key, title, data in profile.sections() for label, count in data]
        name = _("statistics-%(community)s-%(year)d") % {"community": community.name,
                                                         "year": profile.year}
        return export_response(rows, EXPORT_COLUMNS, name, request.GET["export"])
    charts = [{"key": key, "title": title, "pairs": data,
               "labels": [label for label, _n in data],
               "values": [count for _label, count in data],
               "total": sum(count for _label, count in data)}
              for key, title, data in profile.sections()]
    return render(request, "directory/exchange/statistics_community.html", {
        "profile": profile, "community": community, "charts": charts,
        "years": selectors.stats_years(),
        "communities": selectors.stats_communities(request.user),
    })


urlpatterns = [
    path("statistics/", statistics, name="statistics"),
    path("statistics/<int:pk>/", statistics_community, name="statistics_community"),
]
