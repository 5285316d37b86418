"""Reads of the sales reports (SAL-6), one module per report over the shared ``filters`` and
``cohorts``: each report is a few grouped queries over the viewer's scoped querysets
(``restrict``), whatever the number of rows counted, and comes out in the shape of
``core.reports``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from linli.core import reports
from linli.core.reports import Report
from linli.sales.reports.selectors.filters import FIELDS, Filters, filters_check
from linli.sales.reports.selectors.funnel import funnel
from linli.sales.reports.selectors.lost import lost
from linli.sales.reports.selectors.receivables import receivables
from linli.sales.reports.selectors.reps import reps
from linli.sales.reports.selectors.sell_through import sell_through

__all__ = ["FIELDS", "PERMISSIONS", "REPORTS", "REPORT_TITLES", "SNAPSHOTS", "Filters",
           "filters_check", "report", "reports_for", "require_report"]

REPORTS = {"funnel": funnel, "lost": lost, "reps": reps, "sell-through": sell_through,
           "receivables": receivables}
REPORT_TITLES = {"funnel": _("Funnel"), "lost": _("Lost deals"), "reps": _("Rep performance"),
                 "sell-through": _("Sell-through"), "receivables": _("Receivables")}
# The permission that opens each report: the one to see the records it is mostly about (the
# figures count only the records of each kind the viewer may see).
PERMISSIONS = {"funnel": "sales.view_opportunity", "lost": "sales.view_opportunity",
               "reps": "sales.view_opportunity", "sell-through": "sales.view_saleunit",
               "receivables": "sales.view_contract"}
# The reports that list rows rather than count them, read a page at a time.
PAGED = {"receivables"}
# The reports of the state today rather than of a period or a day.
SNAPSHOTS = {key for key, fields in FIELDS.items() if "start" not in fields
             and "as_of" not in fields}


def require_report(user, key: str) -> None:
    """PermissionDenied unless ``user`` may open report ``key``."""
    if not user.has_perm(PERMISSIONS[key]):
        raise PermissionDenied(gettext("You may not see this report."))


def reports_for(user) -> list[str]:
    """The reports ``user`` may open, in the menu's order."""
    return [key for key in REPORTS if user.has_perm(PERMISSIONS[key])]


def report(user, key: str, filters: Filters, *, page: int | str | None = 1) -> Report:
    """Report ``key``; a listing report (``PAGED``) holds page ``page`` of its rows, or all of
    them when ``page`` is None."""
    return reports.run(REPORTS, PAGED, user, key, filters, page)
