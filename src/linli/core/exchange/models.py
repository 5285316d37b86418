"""Import runs (PLAT-7): one uploaded file, its dry-run outcome and, once confirmed, its import.

A run is its own audit record (who uploaded what, when, with which outcome), so it carries no
separate history table; the rows an import writes get history stamped with the import channel.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.exchange.choices import IMPORT_STATUS_BADGE, ImportStatus
from linli.core.tenancy import TenantOwned

__all__ = ["ImportRun"]


def import_file_path(run: ImportRun, filename: str) -> str:
    # A random name: the user's file name can hold anything; it is kept in original_name.
    suffix = PurePath(filename).suffix.lower()[:8]
    now = timezone.now()
    return f"imports/{run.tenant_id}/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportRun(TenantOwned):
    definition = models.CharField(_("import"), max_length=64)
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("uploaded by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    invalid_row_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    written_count = models.PositiveIntegerField(_("rows imported"), default=0)
    # [{"row", "column", "value", "message"}], at most IMPORT_MAX_STORED_ERRORS entries.
    errors = models.JSONField(_("error details"), default=list, blank=True)
    # The first valid rows as the user typed them: {column key: text}.
    preview = models.JSONField(_("preview"), default=list, blank=True)
    # Header cells of the file that match no column (shown so a typo is noticed).
    ignored_headers = models.JSONField(_("ignored columns"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    job_id = models.PositiveBigIntegerField(_("background job"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "uploaded_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.definition}: {self.original_name}"

    @property
    def status_badge(self) -> str:
        return IMPORT_STATUS_BADGE[self.status]

    @property
    def valid_count(self) -> int:
        return self.row_count - self.invalid_row_count

    @property
    def errors_truncated(self) -> bool:
        return self.error_count > len(self.errors)

    @property
    def can_confirm(self) -> bool:
        return (self.status == ImportStatus.VALIDATED and self.error_count == 0
                and self.row_count > 0)
