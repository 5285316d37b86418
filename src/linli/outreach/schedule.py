"""Periodic tasks of partner outreach, for ``CELERY_BEAT_SCHEDULE`` (seconds between runs)."""

import os

BEAT_SCHEDULE = {
    # Scheduled distributions go out on their day; hourly is soon enough for a day's work.
    "outreach-send-due-distributions": {
        "task": "linli.outreach.tasks.send_due_distributions",
        "schedule": float(os.environ.get("OUTREACH_SEND_SECONDS", "3600")),
    },
}
