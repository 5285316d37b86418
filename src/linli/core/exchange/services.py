"""Writes of the import framework: upload and check a file (the dry run), confirm it, write it.

Nothing of the imported data is written until the user confirms; then every row is checked
again and written in one transaction, inside ``acting(user, Channel.IMPORT)`` so history and
events carry the import channel. Files with more than IMPORT_BACKGROUND_ROWS rows are written
by a background job that reports its progress.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.core.exchange import imports
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.imports import ImportContext, ImportDefinition, Outcome, get_importer
from linli.core.exchange.models import ImportRun
from linli.core.exchange.readers import ImportFileError, check_upload
from linli.core.jobs.services import job_progress, job_start
from linli.core.request_context import Channel, acting

logger = logging.getLogger(__name__)

WRITE_TASK = "linli.core.exchange.tasks.import_run_write_task"


def background_rows() -> int:
    return int(getattr(settings, "IMPORT_BACKGROUND_ROWS", 1000))


def _require(actor, definition: ImportDefinition) -> None:
    if actor is None or actor.tenant_id is None or not actor.has_perm(definition.permission):
        raise PermissionDenied(_("You do not have permission to run this import."))


def _apply(run: ImportRun, outcome: Outcome) -> None:
    run.row_count = outcome.row_count
    run.invalid_row_count = outcome.invalid_row_count
    run.error_count = outcome.error_count
    run.errors = [e.as_dict() for e in outcome.errors]


def _file_error(run: ImportRun, message: str) -> None:
    run.status = ImportStatus.FAILED
    run.message = message
    run.finished_at = timezone.now()


def import_upload(*, actor, key: str, upload, dry_run: bool = True) -> ImportRun:
    """Store the uploaded file as a run and check every row (nothing of its data is written).

    A file that cannot be used as a whole (wrong type, too big, damaged, too many rows, missing
    columns) raises ValidationError on "file"; its run is kept as failed, without the file.
    With ``dry_run=False`` a file without errors is imported at once (``import_confirm``).
    """
    definition = get_importer(key)
    _require(actor, definition)
    name = getattr(upload, "name", "") or ""
    try:
        check_upload(name, upload.size)
    except ImportFileError as exc:
        raise ValidationError({"file": [exc.message]}) from exc
    run = ImportRun.objects.create(
        tenant_id=actor.tenant_id, definition=key, original_name=name[-255:], file=upload,
        uploaded_by=actor,
    )
    context = ImportContext(actor=actor, tenant=actor.tenant)
    try:
        with run.file.open("rb") as file:
            outcome = imports.check(definition, file, name, context)
    except ImportFileError as exc:
        run.file.delete(save=False)
        _file_error(run, exc.message)
        run.save()
        raise ValidationError({"file": [exc.message]}) from exc
    _apply(run, outcome)
    run.preview = outcome.preview
    run.ignored_headers = outcome.ignored_headers
    run.status = ImportStatus.VALIDATED
    run.save()
    if not dry_run and run.can_confirm:
        return import_confirm(actor=actor, run=run)
    return run


def _refusal(run: ImportRun) -> str:
    if run.status == ImportStatus.IMPORTED:
        return _("This file has already been imported.")
    if run.status == ImportStatus.IMPORTING:
        return _("This file is being imported.")
    if run.status == ImportStatus.FAILED:
        return _("This import failed. Correct the file and upload it again.")
    if run.error_count:
        return _("The file has errors. Correct them and upload the file again; nothing is "
                 "imported while any row has an error.")
    return _("The file has no data rows.")


def import_confirm(*, actor, run: ImportRun) -> ImportRun:
    """Import a checked run: at once, or through a background job for large files."""
    definition = get_importer(run.definition)
    _require(actor, definition)
    if actor.tenant_id != run.tenant_id:
        raise PermissionDenied(_("You do not have permission to run this import."))
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if not locked.can_confirm:
            raise ValidationError(_refusal(locked))
        if locked.row_count <= background_rows():
            return _write_locked(locked, definition, actor)
        job = job_start(
            actor=actor, kind="import",
            label=_("Import %(name)s: %(file)s") % {"name": definition.name,
                                                    "file": locked.original_name},
            task=WRITE_TASK, args=[locked.pk],
        )
        locked.status = ImportStatus.IMPORTING
        locked.job_id = job.pk
        locked.save(update_fields=["status", "job_id"])
        return locked


def import_run_write(*, run_id: int, actor, job_id: int) -> ImportRun:
    """The background job's work on a run that ``import_confirm`` handed over.

    The rows are checked again first, outside any transaction, so the job's progress is
    visible while it runs; then they are written in one transaction (the second half of the
    progress bar moves at its end, as the rows become visible to others only then).
    """
    run = ImportRun.objects.get(pk=run_id)
    if run.status != ImportStatus.IMPORTING:
        return run
    if actor is None or actor.tenant_id != run.tenant_id:
        _file_error(run, _("The user who confirmed this import no longer exists."))
        run.save()
        return run
    definition = get_importer(run.definition)
    total = run.row_count * 2
    context = ImportContext(actor=actor, tenant=actor.tenant)
    try:
        with run.file.open("rb") as file:
            outcome = imports.check(
                definition, file, run.original_name, context,
                lambda done: job_progress(job_id, done, total, _("Checking rows")),
            )
    except (ImportFileError, OSError) as exc:
        _unreadable(run, exc)
        return run
    if outcome.error_count:
        _apply(run, outcome)
        run.status = ImportStatus.FAILED
        run.finished_at = timezone.now()
        run.message = _nothing_imported(outcome)
        run.save()
        return run
    job_progress(job_id, outcome.row_count, total, _("Saving rows"))
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run_id)
        if locked.status != ImportStatus.IMPORTING:
            return locked
        return _write_locked(locked, definition, actor)


def _nothing_imported(outcome: Outcome) -> str:
    return ngettext(
        "Nothing was imported: %(count)s row has errors.",
        "Nothing was imported: %(count)s rows have errors.",
        outcome.invalid_row_count,
    ) % {"count": outcome.invalid_row_count}


def _unreadable(run: ImportRun, exc: Exception) -> None:
    logger.warning("Import run %s: the stored file cannot be read: %s", run.pk, exc)
    if isinstance(exc, ImportFileError):
        message = exc.message
    else:
        message = _("The uploaded file is no longer available. Upload it again.")
    _file_error(run, message)
    run.save()


def _write_locked(run: ImportRun, definition: ImportDefinition, actor) -> ImportRun:
    """Check and write every row in a savepoint that is undone when any row fails; the run's
    own outcome is saved either way. The caller holds the run's row lock."""
    context = ImportContext(actor=actor, tenant=actor.tenant)
    with acting(actor, Channel.IMPORT):
        try:
            with transaction.atomic():
                with run.file.open("rb") as file:
                    outcome = imports.write(definition, file, run.original_name, context)
                if outcome.error_count:
                    transaction.set_rollback(True)
        except (ImportFileError, OSError) as exc:
            _unreadable(run, exc)
            return run
    _apply(run, outcome)
    run.finished_at = timezone.now()
    if outcome.error_count:
        run.status = ImportStatus.FAILED
        run.written_count = 0
        run.message = _nothing_imported(outcome)
    else:
        run.status = ImportStatus.IMPORTED
        run.written_count = outcome.written_count
        run.message = ""
    run.save()
    return run
