"""Celery task of the import framework: write a large confirmed import as a background job."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from linli.celery import app
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_run_write
from linli.core.jobs.tasks import job_task


@app.task(ignore_result=True)
@job_task
def import_run_write_task(job, run_id: int) -> dict:
    run = import_run_write(run_id=run_id, actor=job.requested_by, job_id=job.pk)
    if run.status != ImportStatus.IMPORTED:
        # Fails the job with the run's message; the run's page lists the row errors.
        raise ValidationError(run.message or str(run.get_status_display()))
    return {"url": reverse("exchange:result", args=[run.pk])}
