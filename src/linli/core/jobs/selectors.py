"""Reads of background jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from linli.core.jobs.models import JobRun
from linli.core.scope import scope_for


def job_list(user) -> QuerySet[JobRun]:
    """Jobs the user may follow: every job of the tenant with core.view_jobrun, else the
    user's own; newest first."""
    scope = scope_for(user)
    if scope is None:
        return JobRun.objects.none()
    if scope.has_perm("core.view_jobrun"):
        jobs = JobRun.objects.restrict(user, "view")
    else:
        jobs = JobRun.objects.filter(tenant_id=scope.tenant_id, requested_by_id=user.pk)
    return jobs.select_related("requested_by").order_by("-created_at", "-id")
