"""API of the import framework: check or import a file, follow a run."""

from __future__ import annotations

from datetime import datetime

from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from linli.core.exchange.models import ImportRun
from linli.core.exchange.selectors import import_run_get
from linli.core.exchange.services import import_upload
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import PathId

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    value: str
    message: str


class ImportRunOut(Schema):
    id: int
    definition: str
    status: str
    file_name: str
    row_count: int
    valid_count: int
    error_count: int
    written_count: int
    errors: list[RowErrorOut]
    errors_truncated: bool
    ignored_columns: list[str]
    message: str
    job_id: int | None
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_file_name(run: ImportRun) -> str:
        return run.original_name

    @staticmethod
    def resolve_ignored_columns(run: ImportRun) -> list[str]:
        return run.ignored_headers


@router.post(
    "/{key}", response=ImportRunOut, summary="Check or import a file",
    description="Upload an .xlsx or .csv file as `file` (multipart). With `dry_run=true` (the "
    "default) every row is checked and nothing is saved; with `dry_run=false` a file without "
    "errors is imported (all rows or none; large files continue as a background job, see "
    "`job_id`). Per-row errors give the row number and header as the spreadsheet shows them. "
    "A file that cannot be used as a whole answers 422 with the reason on `file`.",
)
def import_file(request, key: str, file: File[UploadedFile], dry_run: Form[bool] = True):
    return import_upload(actor=request.auth, key=key, upload=file, dry_run=dry_run)


@router.get("/runs/{run_id}", response=ImportRunOut, summary="An import run")
@scoped(ImportRun, "detail")
def import_run_detail(request, run_id: PathId):
    return import_run_get(request.auth, run_id)
