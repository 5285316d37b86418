"""Celery tasks of sales: the public pool of unworked leads and follow-up reminders."""

from linli.celery import app
from linli.sales.services import follow_up_reminders, pool_unworked


@app.task(ignore_result=True)
def pool_unworked_leads() -> int:
    """Move leads not worked within the tenant's pool period to the public pool."""
    return pool_unworked()


@app.task(ignore_result=True)
def remind_follow_ups() -> int:
    """Tell owners of opportunities whose follow-up is due."""
    return follow_up_reminders()
