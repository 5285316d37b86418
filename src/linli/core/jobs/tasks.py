"""Celery tasks of background jobs: the ``job_task`` wrapper for job bodies, and the sweep."""

from __future__ import annotations

import functools
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.celery import app
from linli.core.jobs import services
from linli.core.request_context import Channel, acting

logger = logging.getLogger(__name__)


def job_task(body):
    """Run ``body(job, *args)`` as the work of a ``JobRun``; put it under ``@app.task`` (not
    bound: the body gets the job, not the task)::

        @app.task
        @job_task
        def export_units(job, filters):
            ...
            return {"url": file_url}

    The job is claimed first (a duplicate delivery of the task does nothing), the body runs
    inside ``acting(requester, Channel.JOB)``, and its return value (a dict) finishes the job.
    An exception fails the job: a ValidationError shows its messages, anything else a generic
    message (the details go to the log).
    """

    @functools.wraps(body)
    def run(job_id: int, *args, **kwargs):
        job = services.job_claim(job_id)
        if job is None:
            return None
        with acting(job.requested_by, Channel.JOB):
            try:
                result = body(job, *args, **kwargs)
            except ValidationError as exc:
                services.job_fail(job_id, " ".join(exc.messages))
                return None
            except Exception:  # the job must end as failed, whatever went wrong
                logger.exception("Job %s (%s) failed", job_id, job.task)
                services.job_fail(job_id, _("The job stopped because of an error on our side."))
                return None
            services.job_finish(job_id, result or {})
        return job_id

    return run


@app.task(bind=True, ignore_result=True)
def sweep_jobs(self) -> tuple[int, int]:
    """Queue again the jobs a broker outage lost; fail the jobs whose worker died."""
    with acting(None, Channel.JOB):
        return services.jobs_sweep(
            requeue_after=getattr(settings, "JOBS_REQUEUE_AFTER_SECONDS", 300),
            stale_after=getattr(settings, "JOBS_STALE_AFTER_SECONDS", 3600),
        )
