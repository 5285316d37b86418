"""Periodic tasks of the platform core, for ``CELERY_BEAT_SCHEDULE`` (seconds between runs)."""

import os

BEAT_SCHEDULE = {
    "notifications-deliver-due": {
        "task": "linli.core.notifications.tasks.deliver_due_messages",
        "schedule": float(os.environ.get("NOTIFICATIONS_SWEEP_SECONDS", "30")),
    },
    "jobs-sweep": {
        "task": "linli.core.jobs.tasks.sweep_jobs",
        "schedule": 60.0,
    },
}
