"""Choices of partner outreach (OUT-1, OUT-2, OUT-4), with their UI badge colours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    PROSPECTIVE = "prospective", _("Prospective")


class Qualification(models.TextChoices):
    """The property-service qualification grade (物业服务企业资质等级)."""

    GRADE_1 = "grade_1", _("Grade 1")
    GRADE_2 = "grade_2", _("Grade 2")
    GRADE_3 = "grade_3", _("Grade 3")
    NONE = "none", _("No grade")


# The built-in saved filter of the registry, "quality unsigned" (优质未签约).
QUALITY_UNSIGNED = "quality-unsigned"
QUALITY_UNSIGNED_PARAMS = {
    "signing_status": SigningStatus.PROSPECTIVE.value,
    "qualifications": [Qualification.GRADE_1.value, Qualification.GRADE_2.value],
    "households_min": 1000, "occupancy_min": 60, "exclude_opted_out": True,
}


class AgentStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    PARTLY_OPERATING = "partly_operating", _("Partly operating")
    WATCHING = "watching", _("Watching")
    EXITING = "exiting", _("Exiting")
    EXITED = "exited", _("Exited")
    IN_LITIGATION = "in_litigation", _("In litigation")


AGENT_STATUS_BADGES = {
    "operating": "green", "partly_operating": "lime", "watching": "yellow",
    "exiting": "orange", "exited": "secondary", "in_litigation": "red",
}


class AgentMode(models.TextChoices):
    FULL_PLATFORM = "full_platform", _("Full platform")
    NON_MALL = "non_mall", _("Non-mall")


class CityType(models.IntegerChoices):
    AGENT_LED = 1, _("Type 1: all agents operating")
    MIXED = 2, _("Type 2: agents partly operating")
    PLATFORM_LED = 3, _("Type 3: agents watching or exited")


CITY_TYPE_BADGES = {1: "green", 2: "yellow", 3: "red"}


class CallOutcome(models.TextChoices):
    """The two-level outcome of a call: reached {connected, refused}, not reached {no answer,
    unreachable or wrong number} (seed §2.1)."""

    CONNECTED = "connected", _("Connected")
    REFUSED = "refused", _("Refused")
    NO_ANSWER = "no_answer", _("No answer")
    UNREACHABLE = "unreachable", _("Unreachable or wrong number")

    @property
    def reached(self) -> bool:
        return self in (CallOutcome.CONNECTED, CallOutcome.REFUSED)


CALL_OUTCOME_BADGES = {"connected": "green", "refused": "orange", "no_answer": "yellow",
                       "unreachable": "red"}


class CampaignStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")


class CallTaskStatus(models.TextChoices):
    """Where a company of a call list stands: not called yet, to be called again (by the
    retry rule of its last outcome), or done (connected, or out of retries)."""

    PENDING = "pending", _("To call")
    RETRY = "retry", _("To call again")
    DONE = "done", _("Done")


# --- editions, distribution, promotion and subsidies (OUT-5, OUT-6, OUT-7) -------------------

class EditionKind(models.TextChoices):
    HANDBOOK = "handbook", _("Product handbook")
    NEWSLETTER = "newsletter", _("Newsletter")


class ChannelMedium(models.TextChoices):
    """How a channel reaches the companies; only paper and e-mail have recipients."""

    PAPER = "paper", _("Paper (mailed)")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Website")
    SOCIAL = "social", _("Social media and groups")


class Rollout(models.TextChoices):
    PILOT = "pilot", _("Pilot cities")
    NATIONAL = "national", _("National roll-out")


class RecipientStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


RECIPIENT_STATUS_BADGES = {"queued": "secondary", "sent": "green", "failed": "red"}


class DeclineReason(models.TextChoices):
    """Why a company is left out of later mailings (seed §3.5.2 备注)."""

    UNWILLING = "unwilling", _("Unwilling to join")
    UNSUITABLE = "unsuitable", _("Not suitable")
    OTHER_PLATFORM = "other_platform", _("Works with another platform")
