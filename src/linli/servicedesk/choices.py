"""Choices of the service desk, with their UI badge colours (Tabler colour names)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrderType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    REPAIR = "repair", _("Repair")
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")
    PAID_SERVICE = "paid_service", _("Paid service")


class Area(models.TextChoices):
    PRIVATE_UNIT = "private_unit", _("Private unit")
    PUBLIC_AREA = "public_area", _("Public area")
    PUBLIC_FACILITY = "public_facility", _("Public facility")


class IntakeChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    APP = "app", _("App / WeChat message")
    EMAIL = "email", _("E-mail")
    PATROL = "patrol", _("Patrol finding")
    MAINTENANCE_PLAN = "maintenance_plan", _("Maintenance plan")
    API = "api", _("API")


# Channels where the desk cannot see who is asking: such orders are quarantined until the
# contact is identified (SVC-10).
SELF_SERVICE_CHANNELS = frozenset({IntakeChannel.APP, IntakeChannel.EMAIL, IntakeChannel.API})


class Level(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 · urgent")
    P2 = "P2", _("P2 · important")
    P3 = "P3", _("P3 · secondary")
    P4 = "P4", _("P4 · general")
    P5 = "P5", _("P5 · low")

    @property
    def badge(self) -> str:
        return {"P1": "red", "P2": "orange", "P3": "yellow", "P4": "blue", "P5": "secondary"}[
            self.value]


class ClockKind(models.TextChoices):
    RESPONSE = "response", _("First response")
    DISPATCH = "dispatch", _("Transfer / dispatch")
    ON_SITE = "on_site", _("On-site arrival")
    RESOLUTION = "resolution", pgettext_lazy("clock", "Resolution")


class ClockUnit(models.TextChoices):
    CALENDAR_MINUTES = "calendar_minutes", _("Calendar minutes")
    CALENDAR_HOURS = "calendar_hours", _("Calendar hours")
    BUSINESS_HOURS = "business_hours", _("Business hours")
    WORKING_DAYS = "working_days", _("Working days")


class ClockState(models.TextChoices):
    RUNNING = "running", pgettext_lazy("clock", "Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", pgettext_lazy("clock", "Cancelled")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class ComplaintSubject(models.TextChoices):
    PROPERTY_SERVICE = "property_service", _("Property service")
    HOUSING_QUALITY = "housing_quality", _("Housing quality")


class ReviewStatus(models.TextChoices):
    NOT_NEEDED = "", _("Not needed")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")


class QuoteStatus(models.TextChoices):
    NONE = "", _("No quote")
    QUOTED = "quoted", _("Quoted")
    ACCEPTED = "accepted", pgettext_lazy("quote", "Accepted")
    DECLINED = "declined", _("Declined")
    CHARGED = "charged", _("Charged")


class WaitingOn(models.TextChoices):
    CUSTOMER = "customer", _("The customer")
    THIRD_PARTY = "third_party", _("A third party")


class CallbackOutcome(models.TextChoices):
    DONE = "done", _("Reached · done")
    REFUSED = "refused", _("Reached · refused")
    NO_ANSWER = "no_answer", _("Not reached · no answer")
    UNREACHABLE = "unreachable", _("Not reached · unreachable or wrong number")

    @property
    def reached(self) -> bool:
        return self in (CallbackOutcome.DONE, CallbackOutcome.REFUSED)


class CallbackStatus(models.TextChoices):
    DUE = "due", pgettext_lazy("callback", "Due")
    RETRY = "retry", _("Retry")
    DONE = "done", _("Done")
    GAVE_UP = "gave_up", _("Not reached, given up")
    # Called off without a call: the order was closed by hand, or reopened for rework (the
    # rework order gets its own callback).
    CANCELLED = "cancelled", pgettext_lazy("callback", "Called off")

    @property
    def badge(self) -> str:
        return {"due": "blue", "retry": "orange", "done": "green", "gave_up": "secondary",
                "cancelled": "secondary"}[self.value]


class ContactDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    VISIT = "visit", pgettext_lazy("contact channel", "Visit")
    MESSAGE = "message", _("App / WeChat message")
    EMAIL = "email", _("E-mail")


class ArticleStatus(models.TextChoices):
    """A knowledge-base article's status: only published articles reach the front desk."""

    DRAFT = "draft", pgettext_lazy("article", "Draft")
    PUBLISHED = "published", pgettext_lazy("article", "Published")
    ARCHIVED = "archived", pgettext_lazy("article", "Archived")

    @property
    def badge(self) -> str:
        return {"draft": "yellow", "published": "green", "archived": "secondary"}[self.value]
