"""State machines of partner outreach, as tables: from → the states it may move to. Each is
applied by one transition service (``services.review_transition``,
``services.content_transition``, ``services.distribution_transition``,
``services.promotion_transition``, ``services.statement_transition``); nothing else changes
these states.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.outreach.choices import ContentStatus, ReviewPhase

# A company's contact correction (OUT-3): sort and correct → verify → in use. A company whose
# corrections were rejected at verification goes back to be corrected again; a company in use
# is reopened when its contacts turn out wrong again (the monthly update, the spot check).
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewPhase.SORT_CORRECT: {ReviewPhase.VERIFY},
    ReviewPhase.VERIFY: {ReviewPhase.IN_USE, ReviewPhase.SORT_CORRECT},
    ReviewPhase.IN_USE: {ReviewPhase.SORT_CORRECT},
}

# A content calendar entry (OUT-8): planned → drafted → reviewed → published; review may send
# a draft back; a published entry is final.
CONTENT_TRANSITIONS: dict[str, set[str]] = {
    ContentStatus.PLANNED: {ContentStatus.DRAFTED},
    ContentStatus.DRAFTED: {ContentStatus.REVIEWED, ContentStatus.PLANNED},
    ContentStatus.REVIEWED: {ContentStatus.PUBLISHED, ContentStatus.DRAFTED},
    ContentStatus.PUBLISHED: set(),
}


# --- handbook distribution (OUT-5), promotion (OUT-6) and subsidy statements (OUT-7) ---

class DistributionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


DISTRIBUTION_BADGES = {"draft": "secondary", "scheduled": "blue", "sent": "green",
                       "cancelled": "red"}

D = DistributionStatus
DISTRIBUTION_TRANSITIONS: dict[str, frozenset[str]] = {
    D.DRAFT: frozenset({D.SCHEDULED, D.CANCELLED}),
    D.SCHEDULED: frozenset({D.SENT, D.DRAFT, D.CANCELLED}),
    D.SENT: frozenset(),
    D.CANCELLED: frozenset(),
}


class PromotionStage(models.TextChoices):
    """Where a company stands in the promotion flow (seed §3.5.2, 方案一), in order; declined
    is off the line: unwilling, unsuitable or with another platform."""

    MAILED = "mailed", _("Handbook mailed")
    RECEIVED = "received", _("Received")
    USING_SOFTWARE = "using_software", _("Using the software")
    HARDWARE = "hardware", _("Hardware installed and trained")
    RESIDENTS = "residents", _("Residents onboarded")
    MALL = "mall", _("Mall operating")
    REVENUE_SHARE = "revenue_share", _("Revenue share")
    DECLINED = "declined", _("Declined")


# The stages of the funnel, in order (declined is not one).
FUNNEL = [s for s in PromotionStage if s != PromotionStage.DECLINED]
PROMOTION_BADGES = {"mailed": "secondary", "received": "blue", "using_software": "azure",
                    "hardware": "indigo", "residents": "purple", "mall": "lime",
                    "revenue_share": "green", "declined": "red"}

P = PromotionStage
# One step forward at a time; any stage before revenue share may be declined, and a declined
# company that changes its mind starts again as mailed.
PROMOTION_TRANSITIONS: dict[str, frozenset[str]] = {
    **{stage: frozenset({FUNNEL[i + 1], P.DECLINED}) for i, stage in enumerate(FUNNEL[:-1])},
    P.REVENUE_SHARE: frozenset(),
    P.DECLINED: frozenset({P.MAILED}),
}


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


STATEMENT_BADGES = {"draft": "yellow", "approved": "blue", "paid": "green"}

S = StatementStatus
STATEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.APPROVED}),
    S.APPROVED: frozenset({S.PAID}),
    S.PAID: frozenset(),
}
