"""Celery tasks of the service desk: the periodic SLA scan (SVC-7)."""

from linli.celery import app
from linli.servicedesk.services import sla_scan


@app.task(ignore_result=True)
def scan_service_levels() -> dict:
    """Warn, mark breaches and escalate; safe to run twice (each step is recorded once)."""
    result = sla_scan()
    return {"warned": result.warned, "breached": result.breached,
            "escalated": result.escalated}
