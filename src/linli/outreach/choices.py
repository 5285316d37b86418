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


# --- contact corrections (OUT-3) ------------------------------------------------------------

class ReviewPhase(models.TextChoices):
    """The three phases of a company's contact correction (seed §2.4)."""

    SORT_CORRECT = "sort_correct", _("Sort and correct")
    VERIFY = "verify", _("Verify")
    IN_USE = "in_use", _("In use")


REVIEW_PHASE_BADGES = {"sort_correct": "orange", "verify": "yellow", "in_use": "green"}


class CorrectionField(models.TextChoices):
    """What a correction changes (seed §2.2.1): the company's own landline, e-mail and
    addresses, or its contact person's name, phones, e-mail, QQ and WeChat."""

    LANDLINE = "landline", _("Company landline")
    EMAIL = "email", _("Company e-mail")
    ADDRESS = "address", _("Company address")
    MAILING_ADDRESS = "mailing_address", _("Mailing address")
    CONTACT_NAME = "contact_name", _("Contact person")
    CONTACT_MOBILE = "contact_mobile", _("Contact mobile")
    CONTACT_LANDLINE = "contact_landline", _("Contact landline")
    CONTACT_EMAIL = "contact_email", _("Contact e-mail")
    CONTACT_QQ = "contact_qq", _("Contact QQ")
    CONTACT_WECHAT = "contact_wechat", _("Contact WeChat")


class CorrectionSource(models.TextChoices):
    """Where a corrected value comes from (seed §2.3)."""

    AGENT = "agent", _("Agent")
    ONLINE_RESEARCH = "online_research", _("Online research")
    HANDBOOK_SUBSIDY = "handbook_subsidy", _("Handbook subsidy")
    CALLBACK = "callback", _("Callback")


class CorrectionStatus(models.TextChoices):
    PROPOSED = "proposed", _("To verify")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


CORRECTION_STATUS_BADGES = {"proposed": "yellow", "accepted": "green", "rejected": "red"}


class AnswerReason(models.TextChoices):
    """An agent's answer about one company of its list (seed §2.4: 更正及说明原因)."""

    CORRECTED = "corrected", _("Corrected")
    CONFIRMED = "confirmed", _("Contact is right")
    COMPANY_CLOSED = "company_closed", _("Company closed")
    CONTACT_UNKNOWN = "contact_unknown", _("Contact unknown")
    OTHER = "other", _("Other")


# --- content calendar (OUT-8) ---------------------------------------------------------------

class ContentKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    HANDBOOK_ISSUE = "handbook_issue", _("Handbook issue")
    NEWSPAPER = "newspaper", _("Newspaper issue")
    VIDEO = "video", _("Video")


class ContentChannel(models.TextChoices):
    """The platform's own media (seed §3.4)."""

    PAPER = "paper", _("Paper")
    EMAIL = "email", _("E-mail")
    WEBSITE = "website", _("Website")
    WECHAT = "wechat", _("WeChat official account")
    WEIBO = "weibo", _("Weibo")
    QQ_GROUP = "qq_group", _("QQ groups")


class ContentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DRAFTED = "drafted", _("Drafted")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")


CONTENT_STATUS_BADGES = {"planned": "secondary", "drafted": "yellow", "reviewed": "azure",
                         "published": "green"}


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
