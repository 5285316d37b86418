"""Periodic tasks of sales, for ``CELERY_BEAT_SCHEDULE`` (seconds between runs)."""

BEAT_SCHEDULE = {
    # Unworked leads go to the public pool (SAL-1); the period is in days, hourly is plenty.
    "sales-pool-unworked-leads": {
        "task": "linli.sales.tasks.pool_unworked_leads",
        "schedule": 3600.0,
    },
    # Follow-up reminders of opportunities (SAL-2).
    "sales-follow-up-reminders": {
        "task": "linli.sales.tasks.remind_follow_ups",
        "schedule": 300.0,
    },
}
