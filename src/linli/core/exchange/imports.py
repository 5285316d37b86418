"""Import definitions and the engine that checks and writes them (PLAT-7).

A module declares what it imports in its ``importers.py``::

    class PersonImport(ImportDefinition):
        name = _("People")
        permission = "directory.add_person"
        columns = [ImportColumn("name", _("Name"), required=True, parser=text(100),
                                aliases=("姓名",)), ...]

        def validate_row(self, values, context): ...   # lookups, cross-field rules
        def write(self, rows, context): ...            # call the module's services

    register_importer("people", PersonImport())

``importers.py`` of every installed app is loaded on first use of the registry. The engine
reads the file (readers.py), matches headers in English or Chinese, parses every cell, calls
``validate_row`` and collects per-row errors with the row number and header the user sees in
Excel. A dry run writes nothing; the real run (services.import_run_write) writes every row in one
transaction, or none when any row fails.
"""

from __future__ import annotations

import abc
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from linli.core.exchange.exports import XLSX_CONTENT_TYPE, ExportColumn, inert, sheet_title
from linli.core.exchange.readers import (
    ImportFileError,
    Table,
    display,
    max_bytes,
    max_rows,
    open_table,
)
from linli.core.tenancy import Tenant

PREVIEW_ROWS = 20
PROGRESS_EVERY = 200


def max_stored_errors() -> int:
    return int(getattr(settings, "IMPORT_MAX_STORED_ERRORS", 1000))


def _header_key(text: str) -> str:
    # "E-mail *", "email", "Ｅｍａｉｌ" and "e_mail" all name the same column.
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in folded if ch not in " \t*-_:：()（）")


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import.

    ``label`` is the header the template shows (translated); the file may also use ``key``,
    the label in any site language, or one of ``aliases`` (e.g. Chinese spellings). ``parser``
    turns a non-empty cell into a value or raises ValidationError; without one the cell text is
    used. An empty optional cell becomes ``default``.
    """

    key: str
    label: str | Promise
    required: bool = False
    parser: Callable[[Any], Any] | None = None
    aliases: tuple[str, ...] = ()
    help_text: str | Promise = ""
    example: str = ""
    default: Any = ""

    def header_keys(self) -> set[str]:
        names = {self.key, *self.aliases}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(self.label))
        return {_header_key(n) for n in names}


@dataclass
class ImportContext:
    """What a definition knows while it checks and writes: who imports into which tenant.

    ``cache`` holds lookups loaded once in ``prepare`` and what earlier rows of the file
    claimed (e.g. usernames), so the checks need no query per row.
    """

    actor: Any
    tenant: Tenant
    cache: dict = field(default_factory=dict)
    # The spreadsheet row being checked, for messages that point at an earlier row.
    row: int = 0


@dataclass
class ImportRow:
    number: int
    values: dict[str, Any]
    raw: dict[str, str]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value,
                "message": self.message}


@dataclass
class Outcome:
    row_count: int = 0
    invalid_row_count: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    written_count: int = 0

    def add_errors(self, errors: list[RowError]) -> None:
        if not errors:
            return
        self.invalid_row_count += 1
        self.error_count += len(errors)
        room = max_stored_errors() - len(self.errors)
        self.errors.extend(errors[:max(room, 0)])


class ImportDefinition(abc.ABC):
    """What one import reads and how it writes; see the module docstring."""

    key: str = ""
    name: str | Promise = ""
    description: str | Promise = ""
    permission: str = ""
    columns: list[ImportColumn] = []
    # Extra lines for the notes sheet of the template.
    notes: list[str | Promise] = []

    def prepare(self, context: ImportContext) -> None:  # noqa: B027  (an optional hook)
        """Load lookups into ``context.cache`` once, before the first row is checked."""

    def validate_row(self, values: dict[str, Any], context: ImportContext) -> dict[str, Any]:
        """Cross-field and lookup checks of one parsed row; returns the values to write
        (lookups may replace codes with objects). Raise ValidationError({column key: message})
        to point at a column, or ValidationError(message) for the whole row."""
        return values

    @abc.abstractmethod
    def write(self, rows: Iterable[ImportRow], context: ImportContext) -> None:
        """Write every row through the module's services. An error raised here (ValidationError
        or PermissionDenied) is reported at the row being written and undoes the import."""


_importers: dict[str, ImportDefinition] = {}
_discovered = False


def register_importer(key: str, definition: ImportDefinition) -> ImportDefinition:
    definition.key = key
    _importers[key] = definition
    return definition


def _registry() -> dict[str, ImportDefinition]:
    global _discovered
    if not _discovered:
        autodiscover_modules("importers")
        _discovered = True
    return _importers


def get_importer(key: str) -> ImportDefinition:
    definition = _registry().get(key)
    if definition is None:
        raise Http404(_("There is no import called “%(key)s”.") % {"key": key})
    return definition


def importers_for(user) -> list[ImportDefinition]:
    """The imports the user may run, by name."""
    usable = [d for d in _registry().values() if user.has_perm(d.permission)]
    return sorted(usable, key=lambda d: str(d.name))


# --- checking and writing ------------------------------------------------------------------

@dataclass
class _Layout:
    """Which file column feeds which import column, and the header text the user wrote."""

    index_of: dict[str, int]
    header_of: dict[str, str]

    def header(self, column: ImportColumn) -> str:
        return self.header_of.get(column.key, str(column.label))


def _layout(definition: ImportDefinition, table: Table, outcome: Outcome) -> _Layout:
    lookup: dict[str, ImportColumn] = {}
    for column in definition.columns:
        for name in column.header_keys():
            lookup[name] = column
    layout = _Layout({}, {})
    for index, header in enumerate(table.headers):
        if not header.strip():
            continue
        column = lookup.get(_header_key(header))
        if column is None:
            outcome.ignored_headers.append(header)
            continue
        if column.key in layout.header_of:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” both mean “%(label)s”. Keep one of "
                  "them.") % {"first": layout.header_of[column.key], "second": header,
                              "label": column.label}
            )
        layout.index_of[column.key] = index
        layout.header_of[column.key] = header
    missing = [str(c.label) for c in definition.columns
               if c.required and c.key not in layout.index_of]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. The header row must name them; the "
              "template shows the expected headers.") % {"columns": "、".join(missing)}
        )
    return layout


def _errors_from(exc: ValidationError | PermissionDenied, number: int, layout: _Layout,
                 columns: dict[str, ImportColumn], raw: dict[str, str]) -> list[RowError]:
    if isinstance(exc, PermissionDenied):
        message = str(exc) or _("You do not have permission to do this.")
        return [RowError(number, "", "", message)]
    if not hasattr(exc, "error_dict"):
        return [RowError(number, "", "", m) for m in exc.messages]
    errors = []
    for key, items in exc.error_dict.items():
        column = columns.get(key)
        header = layout.header(column) if column else ""
        value = raw.get(key, "") if column and key != NON_FIELD_ERRORS else ""
        errors.extend(RowError(number, header, value, m) for e in items for m in e.messages)
    return errors


def _checked_rows(definition: ImportDefinition, table: Table, layout: _Layout,
                  context: ImportContext, outcome: Outcome) -> Iterator[ImportRow]:
    """Every data row parsed and validated; errors go to ``outcome``, valid rows are yielded."""
    columns = {c.key: c for c in definition.columns}
    for number, cells in table.rows:
        outcome.row_count += 1
        context.row = number
        row_cells = {c.key: cells[i] if (i := layout.index_of.get(c.key)) is not None else ""
                     for c in definition.columns}
        raw = {key: display(cell) for key, cell in row_cells.items()}
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for column in definition.columns:
            cell = row_cells[column.key]
            if cell == "":
                if column.required:
                    errors.append(RowError(number, layout.header(column), "",
                                           _("This column is required.")))
                values[column.key] = column.default
                continue
            try:
                values[column.key] = column.parser(cell) if column.parser else display(cell)
            except ValidationError as exc:
                errors.extend(RowError(number, layout.header(column), raw[column.key], m)
                              for m in exc.messages)
        if not errors:
            try:
                values = definition.validate_row(values, context)
            except (ValidationError, PermissionDenied) as exc:
                errors = _errors_from(exc, number, layout, columns, raw)
        if errors:
            outcome.add_errors(errors)
            continue
        yield ImportRow(number, values, raw)


def check(definition: ImportDefinition, file, name: str, context: ImportContext,
          progress: Callable[[int], None] | None = None) -> Outcome:
    """The dry run: every row parsed and validated, the first valid rows kept for a preview,
    nothing written. Raises ImportFileError when the file as a whole cannot be used.
    ``progress(rows_done)`` is called every PROGRESS_EVERY rows."""
    outcome = Outcome()
    with open_table(file, name) as table:
        layout = _layout(definition, table, outcome)
        definition.prepare(context)
        reported = 0
        for row in _checked_rows(definition, table, layout, context, outcome):
            if len(outcome.preview) < PREVIEW_ROWS:
                outcome.preview.append(row.raw)
            if progress is not None and outcome.row_count - reported >= PROGRESS_EVERY:
                reported = outcome.row_count
                progress(reported)
    return outcome


def write(definition: ImportDefinition, file, name: str, context: ImportContext) -> Outcome:
    """Check every row again and hand the valid ones to ``definition.write``.

    The caller runs this inside one transaction and rolls it back when the outcome has errors:
    rows are written as they are checked, so after the first error nothing more is written but
    the remaining rows are still checked, to report every error at once.
    """
    outcome = Outcome()
    with open_table(file, name) as table:
        layout = _layout(definition, table, outcome)
        definition.prepare(context)
        checked = _checked_rows(definition, table, layout, context, outcome)
        current = ImportRow(0, {}, {})
        handed = 0

        def feed() -> Iterator[ImportRow]:
            nonlocal current, handed
            for row in checked:
                if outcome.error_count:
                    continue
                current = row
                handed += 1
                yield row

        columns = {c.key: c for c in definition.columns}
        try:
            definition.write(feed(), context)
        except (ValidationError, PermissionDenied) as exc:
            outcome.add_errors(_errors_from(exc, current.number, layout, columns, current.raw))
        except IntegrityError:
            # The database refused the row (a duplicate saved meanwhile); the transaction may
            # be unusable now, so the remaining rows are not checked.
            outcome.add_errors([RowError(
                current.number, "", "",
                _("This row conflicts with data saved meanwhile. Check the file again."),
            )])
            return outcome
        for _row in checked:
            pass
    outcome.written_count = 0 if outcome.error_count else handed
    return outcome


# --- downloads -----------------------------------------------------------------------------

def _text_column(sheet, index: int) -> None:
    # Text format keeps leading zeros and long numbers (mobiles, codes) as typed.
    sheet.column_dimensions[get_column_letter(index)].number_format = "@"


def template_response(definition: ImportDefinition) -> HttpResponse:
    """A downloadable .xlsx: the header row, one example row, and a notes sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(definition.name)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(definition.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=inert(str(column.label)))
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        if column.required:
            cell.fill = required_fill
        example = sheet.cell(row=2, column=index, value=inert(column.example))
        example.font = Font(italic=True, color="808080")
        example.number_format = "@"
        _text_column(sheet, index)
        sheet.column_dimensions[get_column_letter(index)].width = max(
            14, len(str(column.label).encode("gbk", "replace")) + 4
        )
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(sheet_title(_("Notes")))
    notes.append([_("Column"), _("Required"), _("Also accepted as header"), _("What to enter"),
                  _("Example")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in definition.columns:
        notes.append([
            inert(str(column.label)), _("Yes") if column.required else _("No"),
            inert(" / ".join(dict.fromkeys([column.key, *column.aliases]))),
            inert(str(column.help_text)), inert(column.example),
        ])
    notes.append([])
    general = [
        _("Row 1 holds the column headers: keep them. Columns may be in any order; unknown "
          "columns are ignored."),
        _("Row 2 is an example: replace it with your data or delete it."),
        _("Columns with a red header are required."),
        _("At most %(rows)s data rows and %(size)s MB per file.")
        % {"rows": f"{max_rows():,}", "size": max_bytes() // (1024 * 1024)},
        _("Nothing is saved until you have checked the file and confirmed the import; if any "
          "row has an error, no row is imported."),
        *[str(n) for n in definition.notes],
    ]
    for line in general:
        notes.append([inert(str(line))])
    for letter, width in zip("ABCDE", (18, 10, 28, 60, 20), strict=True):
        notes.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{definition.name}-{_('template')}.xlsx"
    )
    return response


ERROR_COLUMNS = [
    ExportColumn(gettext_lazy("Row"), "row"),
    ExportColumn(gettext_lazy("Column"), "column"),
    ExportColumn(gettext_lazy("Value"), "value"),
    ExportColumn(gettext_lazy("Message"), "message"),
]
