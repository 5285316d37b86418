"""Export any list to Excel (.xlsx) or CSV with its current filters (PLAT-7).

``export_response(rows, columns, filename, fmt)`` streams in constant memory: querysets are read
with ``.iterator(chunk_size=2000)``, CSV goes out row by row, and the .xlsx is written by a
write-only workbook into a temporary file. Text that a spreadsheet would run as a formula
(= + - @, tab, CR at the start) is made inert with a leading single quote.

List views add ``ExportMixin``; ``?export=xlsx`` or ``?export=csv`` then exports exactly the
rows of the view's ``get_queryset()`` (filters and ordering included, no pagination).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from linli.core.planner import export_planning

FORMATS = ("xlsx", "csv")
CHUNK_SIZE = 2000
# Characters that make Excel, WPS or LibreOffice treat a cell as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_BOM = "\ufeff"
MAX_SHEET_TITLE = 31


@dataclass(frozen=True)
class ExportColumn:
    """One column: a (translatable) header and where the value comes from.

    ``accessor`` is an attribute path ("org_unit.name"; dict keys work too, and a method at the
    end of the path is called, e.g. "get_status_display") or a callable ``accessor(obj)``.
    """

    header: str | Promise
    accessor: str | Callable[[Any], Any]

    def value(self, obj: Any) -> Any:
        if callable(self.accessor):
            return self.accessor(obj)
        value = obj
        for part in self.accessor.split("."):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, Mapping) else getattr(value, part)
        return value() if callable(value) else value


def inert(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a formula trigger gets a leading quote."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell_value(value: Any, for_xlsx: bool) -> Any:
    """A value as the spreadsheet should hold it: numbers and dates stay typed, text is inert."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal):
        return value if for_xlsx else str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.replace(tzinfo=None, microsecond=0)
        return value if for_xlsx else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value if for_xlsx else value.isoformat()
    text = str(value)
    if for_xlsx:
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return inert(text)


def _iterate(rows: Iterable[Any]) -> Iterator[Any]:
    if not isinstance(rows, QuerySet):
        yield from rows
        return
    # Every row is read, through a cursor: planned for all of them, not for the first few,
    # and run without compiling it first (core/planner.py).
    with export_planning(rows.db):
        yield from rows.iterator(chunk_size=CHUNK_SIZE)


def export_filename(base: str, fmt: str) -> str:
    """"用户-20260301.xlsx": the base name, today's local date and the format."""
    return f"{base}-{timezone.localdate():%Y%m%d}.{fmt}"


class _Echo:
    """A file-like object whose write returns the text, so csv.writer feeds a generator."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterable[Any], columns: list[ExportColumn], headers: list[str],
                language: str | None) -> Iterator[str]:
    # The response is streamed after the view returned, so the request's language is pinned.
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield CSV_BOM + writer.writerow([inert(h) for h in headers])
        for obj in _iterate(rows):
            yield writer.writerow([_cell_value(c.value(obj), for_xlsx=False) for c in columns])


def write_xlsx(rows: Iterable[Any], columns: list[ExportColumn], title: str, file) -> None:
    """Write a one-sheet workbook into the binary ``file`` (write-only: constant memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    headers = [str(c.header) for c in columns]
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(12, len(header.encode("gbk", "replace")) + 4), 60
        )
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=inert(ILLEGAL_CHARACTERS_RE.sub("", header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for obj in _iterate(rows):
        sheet.append([_cell_value(c.value(obj), for_xlsx=True) for c in columns])
    workbook.save(file)


def sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip()
    return cleaned[:MAX_SHEET_TITLE] or "Sheet1"


def export_response(rows: Iterable[Any], columns: list[ExportColumn], filename: str,
                    fmt: str) -> FileResponse | StreamingHttpResponse:
    """A download of ``rows`` as ``fmt`` ("xlsx" or "csv"); ``filename`` without extension."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    name = export_filename(filename, fmt)
    if fmt == "csv":
        headers = [str(c.header) for c in columns]
        response = StreamingHttpResponse(
            _csv_stream(rows, columns, headers, translation.get_language()),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    # An anonymous temporary file: removed by the OS when the response closes it.
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    write_xlsx(rows, columns, filename, file)
    file.seek(0)
    return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


class ExportMixin:
    """For ScopedListView subclasses: ``?export=xlsx|csv`` downloads the current filtered list.

    ``export_columns`` lists the columns; ``export_filename`` names the file (translatable);
    ``export_permission`` ("app.codename"), when set, is needed on top of the view's own
    permission, e.g. for lists with personal data.
    """

    export_columns: list[ExportColumn] = []
    export_filename: str | Promise = "export"
    export_permission: str | None = None

    def get_export_columns(self) -> list[ExportColumn]:
        return list(self.export_columns)

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt is None:
            return super().get(request, *args, **kwargs)
        if fmt not in FORMATS:
            return HttpResponseBadRequest(_("Unknown export format. Use xlsx or csv."))
        if self.export_permission and not request.user.has_perm(self.export_permission):
            raise PermissionDenied(_("You do not have permission to export this list."))
        return export_response(
            self.get_queryset(), self.get_export_columns(), str(self.export_filename), fmt
        )
