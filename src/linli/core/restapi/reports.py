"""The JSON of a report (``core.reports``) that every module's report API answers with: its
headline figures, its sections of rows of cells and, for a listing, which page of rows it is.

Plain pydantic models: they are validated from the dicts of ``report_parts`` alone, and a
year's listing has some 100,000 cells, which ninja Schemas (made to read model instances too)
check several times slower.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from linli.core.reports import Report


class CellOut(BaseModel):
    value: Any
    drill: dict[str, str] | None = Field(
        None, description="Filters of the module's list returning the rows counted")


class RowOut(BaseModel):
    key: str
    label: str
    cells: list[CellOut]


class ColumnOut(BaseModel):
    key: str
    label: str


class ReportSectionOut(BaseModel):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class FigureOut(BaseModel):
    label: str
    value: Any


class ReportPagingOut(BaseModel):
    page: int
    size: int
    count: int = Field(description="Rows in the whole listing")
    pages: int


def report_parts(report: Report) -> dict:
    """The title, figures, sections and paging of ``report`` as the output models read them."""
    paging = report.paging
    return {
        "report": report.key, "title": str(report.title),
        "figures": [{"label": str(label), "value": value} for label, value in report.figures],
        "sections": [{
            "key": s.key, "title": str(s.title),
            "columns": [{"key": k, "label": str(label)} for k, label in s.columns],
            "rows": [{"key": r.key, "label": r.label,
                      "cells": [{"value": c.value, "drill": c.drill} for c in r.cells]}
                     for r in s.rows]} for s in report.sections],
        "paging": None if paging is None else {
            "page": paging.number, "size": paging.paginator.per_page,
            "count": paging.paginator.count, "pages": paging.paginator.num_pages},
    }
