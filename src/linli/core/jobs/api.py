"""API of background jobs: follow a job's progress (PLAT-6)."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from linli.core.jobs import selectors
from linli.core.jobs.choices import JobStatus
from linli.core.jobs.models import JobRun
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import PathId

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: JobStatus
    total: int | None
    done: int
    percent: int | None
    message: str
    result: dict
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@router.get("/{job_id}", response=JobOut, summary="A background job and its progress")
@scoped(JobRun, "detail")
def job_detail(request, job_id: PathId):
    """The caller's own job, or any job of the organisation with core.view_jobrun."""
    return get_object_or_404(selectors.job_list(request.auth), pk=job_id)
