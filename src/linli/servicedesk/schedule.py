"""Periodic tasks of the service desk, for ``CELERY_BEAT_SCHEDULE`` (seconds between runs)."""

import os

BEAT_SCHEDULE = {
    # The SLA scan must keep up with a 20-minute on-site clock (SVC-3, SVC-7).
    "servicedesk-sla-scan": {
        "task": "linli.servicedesk.tasks.scan_service_levels",
        "schedule": float(os.environ.get("SLA_SCAN_SECONDS", "60")),
    },
}
