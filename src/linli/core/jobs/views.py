"""Background jobs: the user's list, a job's page, and the progress bar fragment (PLAT-6)."""

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from linli.core.jobs import selectors
from linli.core.jobs.choices import JobStatus
from linli.core.jobs.models import JobRun
from linli.core.scoped_views import ScopedDetailView, ScopedListView


class JobListView(ScopedListView):
    model = JobRun
    template_name = "jobs/list.html"
    context_object_name = "jobs"

    def get_scoped_queryset(self):
        return selectors.job_list(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=JobStatus, **kwargs)


class JobDetailView(ScopedDetailView):
    model = JobRun
    template_name = "jobs/detail.html"
    context_object_name = "job"

    def get_scoped_queryset(self):
        return selectors.job_list(self.request.user)


@method_decorator(never_cache, name="dispatch")
class JobProgressView(JobDetailView):
    """The progress partial; htmx polls it every second until the job has finished."""

    template_name = "jobs/partials/progress.html"
