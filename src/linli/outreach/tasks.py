"""Celery tasks of partner outreach: sending the distributions whose day has come (OUT-5)."""

from linli.celery import app
from linli.core.request_context import Channel, acting
from linli.outreach.services import distributions_send_due


@app.task(ignore_result=True)
def send_due_distributions() -> int:
    """Send every scheduled distribution whose day has come; safe to run twice (a sent one
    is no longer scheduled). Returns how many were sent."""
    with acting(None, Channel.JOB):
        return len(distributions_send_due())
