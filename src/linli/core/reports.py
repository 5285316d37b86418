"""What every module's reports share: the checked period of local days, the shape of a report
(headline figures and sections of rows of cells), percentages, the rows of its export and the
data its charts are drawn from.

A module's report selectors fill a ``Report``; its screen renders the sections with
``core/report_sections.html`` (tables, empty states and ECharts charts drawn by
``static/js/report-charts.js``), its export goes through ``core.exchange.exports`` with
``EXPORT_COLUMNS`` and ``export_rows``, and its API returns the same sections as JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.exchange.exports import ExportColumn
from linli.core.planner import report_planning

EARLIEST = dt.date(2000, 1, 1)
LONGEST_DAYS = 366

# --- the period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Local days ``start`` … ``end``, both included."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return midnight(self.start)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period."""
        return midnight(self.end + dt.timedelta(days=1))


def midnight(day: dt.date) -> dt.datetime:
    """The aware start of local day ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def default_period() -> tuple[dt.date, dt.date]:
    """This month so far: the first of the month to today."""
    today = timezone.localdate()
    return today.replace(day=1), today


def last_twelve_months() -> tuple[dt.date, dt.date]:
    """The longest period a report covers, ending today: today's date about a year ago (365
    days back) to today."""
    today = timezone.localdate()
    return today - dt.timedelta(days=LONGEST_DAYS - 1), today


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def days_check(start: dt.date | None, end: dt.date | None,
               default: Callable[[], tuple[dt.date, dt.date]] = default_period,
               ) -> tuple[dt.date, dt.date]:
    """The days asked for, or a ValidationError naming the field at fault (``start`` or
    ``end``). A missing day is filled in: both missing, the ``default`` period; the start
    alone, up to today (or to the end of its month, when it is after today); the end alone,
    from the first of its month."""
    default_start, default_end = default()
    today = timezone.localdate()
    latest = today + dt.timedelta(days=LONGEST_DAYS)
    for name, day in (("start", start), ("end", end)):
        if day is not None and day > latest:
            raise ValidationError({name: _("A report ends within a year from today at the "
                                           "latest.")})
    if start is None and end is None:
        start, end = default_start, default_end
    start = start or end.replace(day=1)
    end = end or (max(start, today) if start <= today
                  else month_period(start.year, start.month)[1])
    if start < EARLIEST:
        raise ValidationError({"start": _("A report starts on 1 January 2000 at the earliest.")})
    if end < start:
        raise ValidationError({"end": _("The end comes before the start.")})
    if (end - start).days + 1 > LONGEST_DAYS:
        raise ValidationError({"end": _("A report covers at most 366 days; choose a shorter "
                                        "period.")})
    return start, end


# --- the shape of a report ------------------------------------------------------------------


@dataclass
class Cell:
    value: Any
    drill: dict[str, str] | None = None  # filters of the list showing the rows counted


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Section:
    key: str
    title: str | Promise
    columns: list[tuple[str, str | Promise]]
    rows: list[Row] = field(default_factory=list)
    chart: str = "bar"  # bar, stack, line, pie or "" (a table only)
    note: str | Promise = ""
    # The columns the chart draws (all when empty): a table may show counts and percentages
    # side by side, a chart only the counts.
    chart_columns: tuple[str, ...] = ()
    paging: Page | None = None  # a listing section's page of rows; None: every row


@dataclass
class Report:
    key: str
    title: str | Promise
    period: Any  # the module's checked filters: a Period or one that extends it
    sections: list[Section]
    figures: list[tuple[str | Promise, Any]] = field(default_factory=list)  # headline numbers

    @property
    def paging(self) -> Page | None:
        """A listing report's page of rows (its listing section's); None: every row."""
        return next((s.paging for s in self.sections if s.paging is not None), None)


def run(readers: dict[str, Callable[..., Report]], paged: set[str], user, key: str, period,
        page: int | str | None) -> Report:
    """Report ``key`` of a module's ``readers`` for ``user`` over ``period``, planned as a
    report; a listing report (in ``paged``) holds page ``page`` of its rows, or all of them
    when ``page`` is None."""
    with report_planning():
        if key in paged:
            return readers[key](user, period, page=page)
        return readers[key](user, period)


def percent(part: int | Decimal, whole: int | Decimal) -> str:
    """``part`` of ``whole`` to one decimal ("42.9%"), or "—" when there is no whole."""
    return f"{100 * part / whole:.1f}%" if whole else "—"


# --- presenting a report --------------------------------------------------------------------

EXPORT_COLUMNS = [
    # "Section" alone is a building's section (单元) in the directory's catalogue.
    ExportColumn(pgettext_lazy("part of a report", "Section"), "section"),
    ExportColumn(_("Label"), "label"),
    ExportColumn(_("Measure"), "measure"),
    ExportColumn(_("Value"), "value"),
]


def export_rows(report: Report) -> list[dict]:
    """The report as rows of the export (``EXPORT_COLUMNS``): its figures, then every cell
    of every section."""
    rows = [{"section": str(report.title), "label": str(label), "measure": "", "value": value}
            for label, value in report.figures]
    for section in report.sections:
        for row in section.rows:
            for (_key, column), cell in zip(section.columns, row.cells, strict=True):
                rows.append({"section": str(section.title), "label": row.label,
                             "measure": str(column), "value": cell.value})
    return rows


def _no_link(drill: dict | None) -> str:
    return ""


def chart_data(report: Report, link: Callable[[dict | None], str] = _no_link) -> list[dict]:
    """What the page's charts read: per section its labels, its series and the link of every
    point (``link(cell.drill)``: the drill-down on click)."""
    charts = []
    for section in report.sections:
        if not section.chart or not section.rows:
            continue
        charts.append({
            "key": section.key, "type": section.chart,
            "labels": [row.label for row in section.rows],
            "series": [{"name": str(label),
                        "values": [_plain(row.cells[i].value) for row in section.rows],
                        "links": [link(row.cells[i].drill) for row in section.rows]}
                       for i, (key, label) in enumerate(section.columns)
                       if not section.chart_columns or key in section.chart_columns],
        })
    return charts


def _plain(value: Any) -> Any:
    """A number as a chart reads it (JSON has no decimals)."""
    return float(value) if isinstance(value, Decimal) else value


def tables(report: Report, link: Callable[[dict | None], str] = _no_link) -> list[dict]:
    """The sections as the page's tables: each cell with the link of its drill-down."""
    return [{"section": section,
             "rows": [{"label": row.label,
                       "cells": [{"value": cell.value, "url": link(cell.drill)}
                                 for cell in row.cells]} for row in section.rows]}
            for section in report.sections]
