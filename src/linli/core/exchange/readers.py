"""Read an uploaded .xlsx or .csv as numbered rows, refusing what cannot be read with a message
the user can act on (never a server error).

Rows are numbered as the spreadsheet shows them (the header is usually row 1). Cells come back
normalised: text stripped, whole-number floats as int, other floats as Decimal, dates and
booleans as they are, empty cells as "".
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

ZIP_MAGIC = b"PK\x03\x04"
# Excel 97-2003 files and password-protected workbooks are OLE2 compound documents.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXTENSIONS = (".xlsx", ".csv")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file as a whole cannot be used; ``message`` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))


def check_upload(name: str, size: int) -> None:
    """Refuse a file by its name and size before it is stored."""
    if PurePath(name or "").suffix.lower() not in EXTENSIONS:
        raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > max_bytes():
        limit = filesizeformat(max_bytes())
        raise ImportFileError(
            _("The file is %(size)s; files up to %(limit)s can be imported. Split it into "
              "smaller files.") % {"size": filesizeformat(size), "limit": limit}
        )


def normalise(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        # Our own exports protect formulas with a leading quote; reading them back drops it.
        if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_TRIGGERS):
            return text[1:]
        return text
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return Decimal(repr(value))
    if isinstance(value, bool | int | Decimal | dt.date | dt.time):
        return value
    return str(value).strip()


def display(value: Any) -> str:
    """A normalised cell as text, for previews and error reports."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def is_blank(cells: list) -> bool:
    return all(c == "" for c in cells)


@dataclass
class Table:
    """The header (its row number and cell texts) and an iterator of (row number, cells)."""

    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, list]]


@contextlib.contextmanager
def open_table(file, name: str) -> Iterator[Table]:
    """The first sheet of an .xlsx, or a CSV, as a Table. Raises ImportFileError.

    Iterating the rows also raises ImportFileError: when the file breaks part-way or holds
    more than IMPORT_MAX_ROWS data rows.
    """
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(OLE2_MAGIC):
        raise ImportFileError(
            _("This is an Excel 97-2003 (.xls) or a password-protected workbook. Open it in "
              "Excel or WPS, remove any password and save it as an Excel workbook (.xlsx).")
        )
    if head.startswith(ZIP_MAGIC):
        with _xlsx_rows(file) as rows:
            yield _table(rows)
        return
    if PurePath(name or "").suffix.lower() == ".xlsx":
        raise ImportFileError(_not_xlsx())
    yield _table(_csv_rows(file))


def _not_xlsx() -> str:
    return _("This file is not a valid Excel workbook (.xlsx). Open it in Excel or WPS, "
             "save it as an Excel workbook (.xlsx) and upload it again.")


def _table(rows: Iterator[tuple[int, list]]) -> Table:
    for number, cells in rows:
        if not is_blank(cells):
            width = len(cells)
            while width and cells[width - 1] == "":
                width -= 1
            return Table(number, [display(c) for c in cells[:width]],
                         _limited(rows, width))
    raise ImportFileError(_("The file has no header row and no data."))


def _limited(rows: Iterator[tuple[int, list]], width: int) -> Iterator[tuple[int, list]]:
    limit = max_rows()
    count = 0
    for number, cells in rows:
        cells = cells[:width]
        if is_blank(cells):
            continue
        count += 1
        if count > limit:
            raise ImportFileError(
                _("The file has more than %(limit)s data rows. Split it into smaller files.")
                % {"limit": f"{limit:,}"}
            )
        cells.extend([""] * (width - len(cells)))
        yield number, cells


def max_unpacked_bytes() -> int:
    # A zip "bomb" of a few MB can unpack to gigabytes of XML; a real workbook of the largest
    # upload we take unpacks to a fraction of this.
    return int(getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 25 * max_bytes()))


def _check_unpacked_size(file) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_not_xlsx()) from exc
    finally:
        file.seek(0)
    if unpacked > max_unpacked_bytes():
        raise ImportFileError(
            _("This workbook unpacks to %(size)s, more than can be imported. Split it into "
              "smaller files.") % {"size": filesizeformat(unpacked)}
        )


@contextlib.contextmanager
def _xlsx_rows(file) -> Iterator[Iterator[tuple[int, list]]]:
    # calamine (Rust) reads a sheet some twenty times faster than openpyxl, and its XML reader
    # expands no entities.
    _check_unpacked_size(file)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        if not workbook.sheet_names:
            raise ImportFileError(_("The workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
    except ImportFileError:
        raise
    except Exception as exc:  # a broken zip or XML raises many kinds of errors; all mean "corrupt"
        raise ImportFileError(_not_xlsx()) from exc
    try:
        yield _xlsx_iter(sheet)
    finally:
        workbook.close()


def _xlsx_iter(sheet) -> Iterator[tuple[int, list]]:
    # Rows come from the sheet's first row, columns from its first used column: the empty
    # columns before it are put back so that positions are what Excel shows.
    lead = [""] * sheet.start[1] if sheet.start else []
    try:
        for number, row in enumerate(sheet.iter_rows(), start=1):
            yield number, lead + [normalise(v) for v in row]
    except ImportFileError:
        raise
    except Exception as exc:  # idem: damage inside the sheet shows up while reading rows
        raise ImportFileError(
            _("The workbook is damaged and cannot be read completely. Open it in Excel or WPS, "
              "save it again as .xlsx and upload it again.")
        ) from exc


def _decode(data: bytes) -> str:
    # Excel's "CSV UTF-8" writes a BOM, plain "CSV" on Chinese Windows writes GB18030/GBK.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("The text encoding of this CSV file is not recognised. Save it as \"CSV UTF-8\" and "
          "upload it again.")
    )


def _csv_rows(file) -> Iterator[tuple[int, list]]:
    text = _decode(file.read(max_bytes() + 1))
    if "\x00" in text:
        raise ImportFileError(_("This is not a text CSV file. Upload an .xlsx or a CSV file."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [normalise(v) for v in row]
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file is malformed (%(error)s). Save it again from Excel and upload it "
              "again.") % {"error": exc}
        ) from exc
