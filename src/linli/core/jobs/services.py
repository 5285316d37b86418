"""Writes of background jobs (PLAT-6): start, report progress, finish, fail.

A service that starts long work calls ``job_start`` inside its transaction; the task is queued
once that commits and receives the job id as its first argument::

    job = job_start(actor=user, kind="import", label=_("Import users"),
                    task=import_users, args=[run.pk])

    @app.task(bind=True)
    def import_users(self, job_id, run_id):
        for done, row in enumerate(rows, 1):
            ...
            job_progress(job_id, done, len(rows), _("Importing"))
        job_finish(job_id, {"url": reverse("exchange:preview", args=[run_id])})

or, shorter, decorate the body with ``linli.core.jobs.tasks.job_task`` which claims the job,
runs inside ``acting(requester, Channel.JOB)`` and finishes or fails it.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.celery import app
from linli.core.jobs.choices import JobStatus
from linli.core.jobs.models import JobRun
from linli.core.notifications.catalogue import register_event
from linli.core.notifications.services import notify

logger = logging.getLogger(__name__)

OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)
PROGRESS_MIN_SECONDS = 1.0

register_event(
    "jobs.succeeded",
    label=gettext_lazy("A background job finished"),
    subject={"en": "Finished: {{ label }}", "zh-hans": "已完成：{{ label }}"},
    body={"en": "{{ label }} finished. {{ message }}",
          "zh-hans": "{{ label }} 已完成。{{ message }}"},
)
register_event(
    "jobs.failed",
    label=gettext_lazy("A background job failed"),
    subject={"en": "Failed: {{ label }}", "zh-hans": "失败：{{ label }}"},
    body={"en": "{{ label }} failed: {{ message }}", "zh-hans": "{{ label }} 失败：{{ message }}"},
)

# Per worker process: job id → (monotonic time, percent) of the last progress write.
_last_progress: dict[int, tuple[float, int]] = {}


def _task_name(task) -> str:
    return task if isinstance(task, str) else task.name


@transaction.atomic
def job_start(*, actor, kind: str, label: str, task, args: list | tuple = (),
              tenant=None) -> JobRun:
    """Record a job and queue ``task(job_id, *args)`` once the caller's transaction commits.

    ``task`` is a Celery task or its name; ``args`` must be JSON values (they are stored so the
    sweep can queue the job again after a broker outage). ``tenant`` defaults to the actor's;
    system jobs (actor None) name it. The calling service has already checked the actor's right
    to the work itself.
    """
    tenant_id = getattr(tenant, "pk", None) or getattr(actor, "tenant_id", None)
    if tenant_id is None:
        raise ValueError("job_start needs an actor of a tenant or a tenant")
    if actor is not None and actor.tenant_id != tenant_id:
        raise PermissionDenied(_("You do not have permission to do this."))
    args = list(args)
    try:
        json.dumps(args)
    except TypeError as exc:
        raise ValueError(f"job arguments must be JSON values: {exc}") from exc
    job = JobRun.objects.create(
        tenant_id=tenant_id, kind=kind, label=str(label)[:200],
        requested_by=actor if getattr(actor, "pk", None) else None,
        task=_task_name(task), args=args, enqueued_at=timezone.now(),
    )
    # robust: a broker outage must not fail the committed request; the sweep queues it again.
    transaction.on_commit(lambda: enqueue(job.pk, job.task, args), robust=True)
    return job


def enqueue(job_id: int, task: str, args: list) -> None:
    """Send the job's task (through the registered task object, so eager mode applies)."""
    app.signature(task, args=[job_id, *args]).apply_async()


def job_claim(job_id: int) -> JobRun | None:
    """Move a queued job to running; None when it is not queued any more (already taken by a
    duplicate delivery of the task, finished, or failed)."""
    now = timezone.now()
    claimed = JobRun.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    return JobRun.objects.select_related("requested_by").get(pk=job_id)


def job_progress(job_id: int, done: int, total: int | None = None, message: str = "") -> bool:
    """Report progress; cheap to call per row: it writes at most once a second or when the
    whole percent changes (and always for the last row). Returns whether it wrote."""
    now = time.monotonic()
    percent = done * 100 // total if total else 0
    last = _last_progress.get(job_id)
    if last is not None and done != total and (
        now - last[0] < PROGRESS_MIN_SECONDS and percent == last[1]
    ):
        return False
    changes = {
        "done": done, "status": JobStatus.RUNNING, "heartbeat_at": timezone.now(),
        "started_at": Coalesce(F("started_at"), timezone.now()),
    }
    if total is not None:
        changes["total"] = total
    if message:
        changes["message"] = str(message)[:500]
    JobRun.objects.filter(pk=job_id, status__in=OPEN).update(**changes)
    _last_progress[job_id] = (now, percent)
    return True


def job_finish(job_id: int, result: dict | None = None, message: str = "") -> bool:
    """Mark the job succeeded with its ``result`` (``result["url"]``: a page of the outcome) and
    tell the requester in the inbox. Returns False when the job was already finished."""
    now = timezone.now()
    with transaction.atomic():
        changes = {
            "status": JobStatus.SUCCEEDED, "finished_at": now, "heartbeat_at": now,
            "result": result or {}, "done": Coalesce(F("total"), F("done")),
            "started_at": Coalesce(F("started_at"), now),
        }
        if message:
            changes["message"] = str(message)[:500]
        if not JobRun.objects.filter(pk=job_id, status__in=OPEN).update(**changes):
            return False
        _tell_requester(job_id, "jobs.succeeded")
    _last_progress.pop(job_id, None)
    return True


def job_fail(job_id: int, message: str) -> bool:
    """Mark the job failed with a message the requester can read. False if already finished."""
    now = timezone.now()
    with transaction.atomic():
        if not JobRun.objects.filter(pk=job_id, status__in=OPEN).update(
            status=JobStatus.FAILED, finished_at=now, message=str(message)[:500]
        ):
            return False
        _tell_requester(job_id, "jobs.failed")
    _last_progress.pop(job_id, None)
    return True


def _tell_requester(job_id: int, event: str) -> None:
    job = JobRun.objects.select_related("requested_by").get(pk=job_id)
    if job.requested_by is None:
        return
    url = job.result_url or reverse("jobs:detail", args=[job.pk])
    notify(
        tenant=job.tenant_id, event=event, recipients=[job.requested_by],
        context={"label": job.label, "message": job.message, "url": url},
        dedup_key=f"job:{job.pk}:{job.status}",
    )


def jobs_sweep(*, now=None, requeue_after: float, stale_after: float) -> tuple[int, int]:
    """Queue again the jobs still queued ``requeue_after`` seconds after their last enqueue
    (the broker lost them), and fail the running jobs silent for ``stale_after`` seconds (their
    worker died). Returns (requeued, failed)."""
    now = now or timezone.now()
    requeued = 0
    for job in JobRun.objects.filter(
        status=JobStatus.QUEUED, enqueued_at__lt=now - timedelta(seconds=requeue_after)
    ).only("pk", "task", "args"):
        JobRun.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(enqueued_at=now)
        try:
            enqueue(job.pk, job.task, job.args)
        except Exception:  # the broker is still down: the next sweep tries again
            logger.exception("Could not queue job %s again", job.pk)
            continue
        requeued += 1
    stale_ids = list(
        JobRun.objects.filter(
            status=JobStatus.RUNNING,
            heartbeat_at__lt=now - timedelta(seconds=stale_after),
        ).values_list("pk", flat=True)
    )
    minutes = round(stale_after / 60)
    failed = 0
    for job_id in stale_ids:
        failed += job_fail(job_id, _(
            "The job reported no progress for %(minutes)s minutes; its worker probably "
            "stopped. Start it again."
        ) % {"minutes": minutes})
    return requeued, failed
