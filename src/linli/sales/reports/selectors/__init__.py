"""Reads of the sales reports (SAL-6), one module per report over the shared ``filters`` and
``cohorts``: each report is a few grouped queries over the viewer's scoped querysets
(``restrict``), whatever the number of rows counted, and comes out in the shape of
``core.reports``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from linli.core import reports
from linli.core.reports import Report
from linli.sales.reports.selectors.filters import FIELDS, Filters, filters_check
from linli.sales.reports.selectors.funnel import funnel
from linli.sales.reports.selectors.lost import lost
from linli.sales.reports.selectors.receivables import receivables
from linli.sales.reports.selectors.reps import reps
from linli.sales.reports.selectors.sell_through import sell_through

__all__ = ["FIELDS", "PERMISSIONS", "REPORTS", "REPORT_TITLES", "Filters", "filters_check",
           "report", "reports_for"]

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


def reports_for(user) -> list[str]:
    """The reports ``user`` may open, in the menu's order."""
    return [key for key in REPORTS if user.has_perm(PERMISSIONS[key])]


def report(user, key: str, filters: Filters, *, page: int | str | None = 1) -> Report:
    """Report ``key``; a listing report (``PAGED``) holds page ``page`` of its rows, or all of
    them when ``page`` is None."""
    return reports.run(REPORTS, PAGED, user, key, filters, page)
