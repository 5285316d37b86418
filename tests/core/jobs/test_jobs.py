"""PLAT-6: background jobs with progress, the progress bar, scope, the sweep."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from linli.celery import app
from linli.core.jobs import services
from linli.core.jobs.models import JobRun
from linli.core.jobs.services import job_finish, job_progress, job_start
from linli.core.jobs.tasks import job_task, sweep_jobs
from linli.core.notifications.models import Message
from linli.core.request_context import current
from tests.builders import make_user

pytestmark = pytest.mark.django_db

RUNS: list[tuple[int, str, object]] = []


@app.task(name="tests.jobs.count_rows")
@job_task
def count_rows(job, total, fail=""):
    RUNS.append((job.pk, current().channel, current().user))
    for done in range(1, total + 1):
        job_progress(job.pk, done, total, "Counting")
    if fail == "validation":
        raise ValidationError("Row 3: unknown unit.")
    if fail == "crash":
        raise RuntimeError("disk full")
    return {"url": "/imports/runs/1/", "rows": total}


@pytest.fixture(autouse=True)
def _fresh_runs():
    RUNS.clear()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _start(user, *args, **kwargs):
    return job_start(actor=user, kind="count", label="Count rows", task=count_rows,
                     args=list(args), **kwargs)


def test_job_runs_after_commit_reports_and_notifies(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant, language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(user, 5)
        assert JobRun.objects.get(pk=job.pk).status == "queued"
        assert RUNS == []
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent, job.message) == (
        "succeeded", 5, 5, 100, "Counting"
    )
    assert job.result == {"url": "/imports/runs/1/", "rows": 5}
    assert (job.task, job.args, job.requested_by_id) == ("tests.jobs.count_rows", [5], user.pk)
    assert job.started_at is not None and job.finished_at is not None
    assert [(job.pk, "job", user)] == RUNS
    [notice] = Message.objects.filter(recipient=user)
    assert (notice.subject, notice.body, notice.url) == (
        "已完成：Count rows", "Count rows 已完成。Counting", "/imports/runs/1/"
    )


def test_a_rolled_back_job_never_runs(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant)
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        _start(user, 3)
        raise RuntimeError("the import failed to save")
    assert (JobRun.objects.count(), callbacks, RUNS) == (0, [], [])


def test_a_validation_error_fails_the_job_with_its_message(world,
                                                           django_capture_on_commit_callbacks):
    user = make_user(world.tenant, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(user, 4, "validation")
    job.refresh_from_db()
    assert (job.status, job.message, job.done, job.total) == (
        "failed", "Row 3: unknown unit.", 4, 4
    )
    [notice] = Message.objects.filter(recipient=user)
    assert (notice.subject, notice.body, notice.url) == (
        "Failed: Count rows", "Count rows failed: Row 3: unknown unit.",
        reverse("jobs:detail", args=[job.pk]),
    )


def test_an_unexpected_error_fails_the_job_with_a_generic_message(
        world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(user, 1, "crash")
    job.refresh_from_db()
    assert (job.status, job.message) == (
        "failed", "The job stopped because of an error on our side."
    )


def test_a_duplicate_delivery_of_the_task_does_nothing(world, django_capture_on_commit_callbacks):
    user = make_user(world.tenant)
    with django_capture_on_commit_callbacks(execute=True):
        job = _start(user, 2)
    assert count_rows.apply(args=[job.pk, 2]).get() is None
    assert len(RUNS) == 1
    assert Message.objects.filter(recipient=user).count() == 1


def test_job_start_refusals(world):
    user = make_user(world.tenant)
    with pytest.raises(ValueError, match="JSON"):
        _start(user, object())
    with pytest.raises(PermissionDenied):
        _start(user, 1, tenant=world.other_tenant)
    with pytest.raises(ValueError, match="tenant"):
        job_start(actor=None, kind="x", label="x", task="tests.jobs.count_rows")
    assert JobRun.objects.count() == 0


def test_system_job_names_its_tenant(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(actor=None, tenant=world.tenant, kind="x", label="Nightly",
                        task="tests.jobs.count_rows", args=[1])
    job.refresh_from_db()
    assert (job.tenant_id, job.requested_by_id, job.status) == (world.tenant.pk, None, "succeeded")
    assert [(job.pk, "job", None)] == RUNS
    assert Message.objects.count() == 0


def test_progress_is_throttled(world, monkeypatch):
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t")
    clock = [100.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    assert job_progress(job.pk, 1, 1000) is True
    assert job_progress(job.pk, 2, 1000) is False  # same percent, same second
    assert job_progress(job.pk, 10, 1000, "Reading") is True  # 1 %
    clock[0] += 1.5
    assert job_progress(job.pk, 11, 1000) is True  # a second later
    assert job_progress(job.pk, 1000, 1000) is True  # the last row always
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.message) == ("running", 1000, 1000, "Reading")
    assert job.started_at is not None


def test_progress_after_the_end_changes_nothing(world):
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t")
    assert job_finish(job.pk, {"n": 1}) is True
    assert job_finish(job.pk, {"n": 2}) is False
    job_progress(job.pk, 5, 10)
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result) == ("succeeded", 0, None, {"n": 1})


def test_progress_partial_shows_the_percentage_and_polls(world):
    user = make_user(world.tenant, language="en")
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="Import units",
                                task="t", requested_by=user)
    job_progress(job.pk, 42, 100, "Checking rows")
    html = _client(user).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert '<span class="fw-bold" data-testid="job-percent">42%</span>' in html
    assert 'aria-valuenow="42"' in html and "width: 42%" in html
    assert f'hx-get="{reverse("jobs:progress", args=[job.pk])}" hx-trigger="every 1s"' in html
    assert "42 of 100 · Checking rows" in html


def test_progress_partial_of_a_queued_job_is_indeterminate(world):
    user = make_user(world.tenant, language="en")
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t",
                                requested_by=user)
    html = _client(user).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "progress-bar-indeterminate" in html and "Waiting to start…" in html
    assert 'data-testid="job-percent"></span>' in html


def test_finished_partial_stops_polling_and_links_the_result(world):
    user = make_user(world.tenant, language="en")
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t",
                                requested_by=user, total=3)
    job_finish(job.pk, {"url": "/imports/runs/9/"}, message="3 rows imported.")
    response = _client(user).get(reverse("jobs:progress", args=[job.pk]))
    html = response.content.decode()
    assert "hx-get" not in html and "hx-trigger" not in html
    assert '<a href="/imports/runs/9/" class="fw-bold">Open the result</a>' in html
    assert "100%" in html and "3 rows imported." in html
    assert "no-cache" in response["Cache-Control"]


def test_a_result_link_off_the_site_is_not_shown(world):
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t",
                                result={"url": "javascript:alert(1)"})
    other = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t",
                                  result={"url": "https://evil.example.com/"})
    assert (job.result_url, other.result_url) == ("", "")


def test_failed_partial_shows_the_reason(world):
    user = make_user(world.tenant, language="en")
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t",
                                requested_by=user)
    services.job_fail(job.pk, "Row 3: unknown unit.")
    html = _client(user).get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "Failed: Row 3: unknown unit." in html and "hx-trigger" not in html


def test_jobs_of_others_are_not_found(world):
    me = make_user(world.tenant)
    colleague_job = JobRun.objects.create(tenant=world.tenant, kind="x", label="x", task="t",
                                          requested_by=make_user(world.tenant))
    foreign_job = JobRun.objects.create(tenant=world.other_tenant, kind="x", label="x",
                                        task="t")
    outsider = make_user(world.other_tenant, superuser=True)
    for user, job in ((me, colleague_job), (me, foreign_job), (outsider, colleague_job)):
        client = _client(user)
        for name in ("jobs:detail", "jobs:progress"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404
        assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_with_view_permission_every_job_of_the_tenant_is_visible(world):
    supervisor = make_user(world.tenant, perms=["core.view_jobrun"])
    job = JobRun.objects.create(tenant=world.tenant, kind="x", label="Colleague's export",
                                task="t", requested_by=make_user(world.tenant))
    response = _client(supervisor).get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 200
    assert "Colleague&#x27;s export" in response.content.decode()


def test_job_list_shows_own_jobs(world):
    me = make_user(world.tenant, language="en")
    mine = JobRun.objects.create(tenant=world.tenant, kind="x", label="Mine", task="t",
                                 requested_by=me)
    JobRun.objects.create(tenant=world.tenant, kind="x", label="Theirs", task="t",
                          requested_by=make_user(world.tenant))
    response = _client(me).get(reverse("jobs:list"))
    assert [j.pk for j in response.context["jobs"]] == [mine.pk]
    empty = _client(make_user(world.tenant)).get(reverse("jobs:list"))
    assert "No background jobs" in empty.content.decode()


def test_api_returns_the_job(world):
    me = make_user(world.tenant)
    job = JobRun.objects.create(tenant=world.tenant, kind="import", label="Import", task="t",
                                requested_by=me)
    job_progress(job.pk, 1, 4, "Reading")
    body = _client(me).get(f"/api/v1/jobs/{job.pk}").json()
    assert body == {
        "id": job.pk, "kind": "import", "label": "Import", "status": "running", "total": 4,
        "done": 1, "percent": 25, "message": "Reading", "result": {},
        "created_at": body["created_at"], "started_at": body["started_at"], "finished_at": None,
    }


def test_sweep_requeues_lost_jobs_and_fails_silent_ones(world, settings):
    settings.JOBS_REQUEUE_AFTER_SECONDS = 300
    settings.JOBS_STALE_AFTER_SECONDS = 3600
    user = make_user(world.tenant, language="en")
    long_ago = timezone.now() - timedelta(hours=2)
    lost = JobRun.objects.create(tenant=world.tenant, kind="x", label="Lost", task=count_rows.name,
                                 args=[2], requested_by=user)
    JobRun.objects.create(tenant=world.tenant, kind="x", label="Fresh",
                          task=count_rows.name, args=[2], enqueued_at=timezone.now())
    silent = JobRun.objects.create(tenant=world.tenant, kind="x", label="Silent", task="t",
                                   status="running", requested_by=user)
    busy = JobRun.objects.create(tenant=world.tenant, kind="x", label="Busy", task="t",
                                 status="running")
    JobRun.objects.filter(pk=lost.pk).update(enqueued_at=long_ago)
    JobRun.objects.filter(pk=silent.pk).update(heartbeat_at=long_ago)
    JobRun.objects.filter(pk=busy.pk).update(heartbeat_at=timezone.now())
    assert sweep_jobs() == (1, 1)
    statuses = dict(JobRun.objects.values_list("label", "status"))
    assert statuses == {"Lost": "succeeded", "Fresh": "queued", "Silent": "failed",
                        "Busy": "running"}
    silent.refresh_from_db()
    assert silent.message == (
        "The job reported no progress for 60 minutes; its worker probably stopped. "
        "Start it again."
    )
