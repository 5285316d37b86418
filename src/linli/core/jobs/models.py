"""Background jobs with progress (PLAT-6).

A ``JobRun`` is the row the UI follows while a Celery task works: the task reports ``done`` of
``total`` through ``linli.core.jobs.services.job_progress`` and ends with ``job_finish`` or
``job_fail``. Progress is written with queryset updates many times a minute, so the model keeps
no simple-history table: its own columns (who asked, when it started and ended, the outcome) are
the audit record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from linli.core.jobs.choices import FINISHED, JobStatus
from linli.core.tenancy import TenantOwned

__all__ = ["JobRun"]


class JobRun(TenantOwned):
    kind = models.CharField(_("kind"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # The task and its arguments, so a job whose enqueue a broker outage lost can be sent again.
    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "requested_by", "created_at"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None while the total is unknown."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)

    @property
    def result_url(self) -> str:
        """The link to the job's outcome; only a path on this site, so a result cannot carry a
        ``javascript:`` or foreign link into the page."""
        url = self.result.get("url") if isinstance(self.result, dict) else None
        if isinstance(url, str) and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
            return url
        return ""
