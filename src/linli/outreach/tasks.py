"""Celery tasks of partner outreach: the monthly contact update reminder (OUT-3)."""

from linli.celery import app
from linli.outreach.services import update_reminder_send


@app.task(ignore_result=True)
def remind_contact_update() -> dict:
    """Remind business development to update the companies' contacts; safe to run twice in a
    month (each person is reminded once a month)."""
    return {"sent": update_reminder_send()}
