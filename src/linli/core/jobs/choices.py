"""Statuses of background jobs, with the colour of their badge in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")

    @property
    def badge(self) -> str:
        return {"queued": "secondary", "running": "blue", "succeeded": "green",
                "failed": "red"}[self.value]


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED)
