"""Celery tasks of partner outreach: the monthly contact update reminder (OUT-3) and sending
the distributions whose day has come (OUT-5)."""

from linli.celery import app
from linli.core.request_context import Channel, acting
from linli.outreach.services import distributions_send_due, update_reminder_send


@app.task(ignore_result=True)
def remind_contact_update() -> dict:
    """Remind business development to update the companies' contacts; safe to run twice in a
    month (each person is reminded once a month)."""
    with acting(None, Channel.JOB):
        return {"sent": update_reminder_send()}


@app.task(ignore_result=True)
def send_due_distributions() -> int:
    """Send every scheduled distribution whose day has come; safe to run twice (a sent one
    is no longer scheduled). Returns how many were sent."""
    with acting(None, Channel.JOB):
        return len(distributions_send_due())
