"""Periodic tasks of partner outreach, for ``CELERY_BEAT_SCHEDULE``."""

import os

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Business development updates the companies' contacts once a month (seed §2.2.1).
    "outreach-contact-update-reminder": {
        "task": "linli.outreach.tasks.remind_contact_update",
        "schedule": crontab(minute=0, hour=1, day_of_month=1),
    },
    # Scheduled distributions go out on their day; hourly is soon enough for a day's work
    # (seconds between runs).
    "outreach-send-due-distributions": {
        "task": "linli.outreach.tasks.send_due_distributions",
        "schedule": float(os.environ.get("OUTREACH_SEND_SECONDS", "3600")),
    },
}
