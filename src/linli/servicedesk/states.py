"""The work-order lifecycle (SVC-6): statuses and the moves allowed between them.

Only ``services.transition`` sets ``WorkOrder.status``, and only along ``TRANSITIONS``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    QUARANTINED = "quarantined", _("Quarantined")
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Appointment agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    RESOLVED = "resolved", _("Resolved")
    CALLBACK = "callback", _("Callback under way")
    REOPENED = "reopened", _("Reopened · rework")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", pgettext_lazy("work order", "Cancelled")

    @property
    def badge(self) -> str:
        return {
            "quarantined": "purple", "new": "blue", "accepted": "azure", "scheduled": "cyan",
            "in_progress": "indigo", "waiting": "yellow", "resolved": "teal",
            "callback": "lime", "reopened": "orange", "closed": "green",
            "cancelled": "secondary",
        }[self.value]


S = Status
OPEN = frozenset({S.QUARANTINED, S.NEW, S.ACCEPTED, S.SCHEDULED, S.IN_PROGRESS, S.WAITING})
# Work is finished but the order is not: it waits for its callback or its rework.
AFTER_WORK = frozenset({S.RESOLVED, S.CALLBACK, S.REOPENED})
FINAL = frozenset({S.CLOSED, S.CANCELLED})
WORKING = frozenset({S.NEW, S.ACCEPTED, S.SCHEDULED, S.IN_PROGRESS})


class Action(models.TextChoices):
    VERIFY = "verify", _("Verify the contact")
    DISPATCH = "dispatch", _("Dispatch")
    ASSIGN = "assign", _("Assign a worker")
    TRANSFER = "transfer", pgettext_lazy("action", "Transfer")
    RETURN = "return", _("Return to the dispatcher")
    ACCEPT = "accept", _("Accept")
    SCHEDULE = "schedule", _("Agree an appointment")
    ARRIVE = "arrive", _("Arrived on site")
    START = "start", _("Start work")
    WAIT = "wait", _("Wait for customer / third party")
    RESUME = "resume", _("Resume")
    RESOLVE = "resolve", _("Resolve")
    CALLBACK = "callback", _("Record a callback")
    REWORK = "rework", _("Reopen for rework")
    RESTORE = "restore", _("Back to resolved: the rework was cancelled")
    CLOSE = "close", _("Close")
    CANCEL = "cancel", pgettext_lazy("action", "Cancel")
    ESCALATE = "escalate", _("Escalate")
    ANSWER = "answer", _("Answer from the knowledge base")


A = Action
# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    A.VERIFY: (frozenset({S.QUARANTINED}), S.NEW),
    # A dispatch or transfer hands the order to someone who has to accept it again.
    A.DISPATCH: (frozenset({S.NEW}), S.NEW),
    A.ASSIGN: (frozenset({S.NEW, S.ACCEPTED}), S.NEW),
    A.TRANSFER: (WORKING, S.NEW),
    A.RETURN: (frozenset({S.NEW, S.ACCEPTED}), S.NEW),
    A.ACCEPT: (frozenset({S.NEW}), S.ACCEPTED),
    A.SCHEDULE: (frozenset({S.ACCEPTED, S.SCHEDULED}), S.SCHEDULED),
    A.ARRIVE: (frozenset({S.ACCEPTED, S.SCHEDULED}), S.IN_PROGRESS),
    A.START: (frozenset({S.ACCEPTED, S.SCHEDULED}), S.IN_PROGRESS),
    A.WAIT: (frozenset({S.ACCEPTED, S.SCHEDULED, S.IN_PROGRESS}), S.WAITING),
    A.RESUME: (frozenset({S.WAITING}), S.IN_PROGRESS),
    A.RESOLVE: (frozenset({S.NEW, S.ACCEPTED, S.SCHEDULED, S.IN_PROGRESS}), S.RESOLVED),
    # The outcome decides: reached and satisfied closes, not reached stays in callback,
    # unsatisfied reopens (services.work_order_callback picks the target).
    A.CALLBACK: (frozenset({S.RESOLVED, S.CALLBACK}), None),
    A.REWORK: (frozenset({S.RESOLVED, S.CALLBACK, S.CLOSED}), S.REOPENED),
    # The system's move when an order's only open rework is cancelled: the work stands as it
    # was resolved, and the customer is called back again.
    A.RESTORE: (frozenset({S.REOPENED}), S.RESOLVED),
    A.CLOSE: (frozenset({S.RESOLVED, S.CALLBACK, S.REOPENED}), S.CLOSED),
    A.CANCEL: (frozenset({S.QUARANTINED, S.NEW, S.ACCEPTED, S.SCHEDULED, S.WAITING}),
               S.CANCELLED),
    A.ESCALATE: (OPEN - {S.QUARANTINED}, None),
    # A consultation answered at once with a published knowledge-base article (SVC-13): no
    # work, no callback. Nobody needs to be identified to be told a standard answer, so a
    # quarantined consultation may be answered too.
    A.ANSWER: (OPEN, S.CLOSED),
}
CALLBACK_TARGETS = frozenset({S.CLOSED, S.CALLBACK, S.REOPENED})


def allowed(action: str, status: str) -> bool:
    sources, _target = TRANSITIONS[action]
    return status in sources


def target_of(action: str, status: str) -> str:
    _sources, target = TRANSITIONS[action]
    return status if target is None else target


def actions_from(status: str) -> list[str]:
    return [action for action, (sources, _t) in TRANSITIONS.items() if status in sources]
