"""Partner outreach: the platform company's registry of property companies and management
offices, and the regional agents who sell to them (OUT-1, OUT-4).

The companies, offices and agents themselves are directory organisations (name, city,
address, contacts with E.164 phones); outreach keeps a one-to-one profile next to each:
``Partner`` for a property company or management office (signing status, agent, quality
attributes), ``Agent`` for an agent (status, mode, credit limit). Profiles copy their
organisation's tenant and org unit, so scope checks never need a join. Later parts of the
outreach module (corrections, editions, promotion stages, subsidies) hang off ``Partner``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import OrgScoped, TenantOwned, TimeStamped
from linli.outreach.choices import (
    AGENT_STATUS_BADGES,
    CALL_OUTCOME_BADGES,
    CONTENT_STATUS_BADGES,
    CORRECTION_STATUS_BADGES,
    RECIPIENT_STATUS_BADGES,
    REVIEW_PHASE_BADGES,
    AgentMode,
    AgentStatus,
    AnswerReason,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    ChannelMedium,
    ContentChannel,
    ContentKind,
    ContentStatus,
    CorrectionField,
    CorrectionSource,
    CorrectionStatus,
    DeclineReason,
    EditionKind,
    Qualification,
    RecipientStatus,
    ReviewPhase,
    Rollout,
    SigningStatus,
)
from linli.outreach.states import (
    DISTRIBUTION_BADGES,
    PROMOTION_BADGES,
    STATEMENT_BADGES,
    DistributionStatus,
    PromotionStage,
    StatementStatus,
)


class Agent(OrgScoped, TimeStamped):
    """A regional agent (代理商): a directory organisation of kind agent."""

    organization = models.OneToOneField(
        "directory.Organization", on_delete=models.PROTECT, related_name="agent_profile",
        verbose_name=_("organisation"),
    )
    status = models.CharField(_("status"), max_length=20, choices=AgentStatus.choices,
                              default=AgentStatus.OPERATING, db_index=True)
    mode = models.CharField(_("operating mode"), max_length=20, choices=AgentMode.choices,
                            default=AgentMode.FULL_PLATFORM)
    credit_limit = models.DecimalField(_("credit limit"), max_digits=12, decimal_places=2,
                                       default=0, validators=[MinValueValidator(0)])
    notes = models.TextField(_("notes"), blank=True)

    history = history()

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["organization__name_pinyin", "pk"]

    def __str__(self) -> str:
        return self.organization.name

    @property
    def status_badge(self) -> str:
        return AGENT_STATUS_BADGES.get(self.status, "secondary")


class Partner(OrgScoped, TimeStamped):
    """A property company or management office in the registry (OUT-1)."""

    organization = models.OneToOneField(
        "directory.Organization", on_delete=models.PROTECT, related_name="partner_profile",
        verbose_name=_("organisation"),
    )
    signing_status = models.CharField(_("signing status"), max_length=20,
                                      choices=SigningStatus.choices,
                                      default=SigningStatus.PROSPECTIVE, db_index=True)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="companies", verbose_name=_("agent"))
    qualification = models.CharField(_("qualification"), max_length=10,
                                     choices=Qualification.choices, default=Qualification.NONE)
    households = models.PositiveIntegerField(_("households under management"), null=True,
                                             blank=True)
    occupancy_rate = models.DecimalField(
        _("occupancy rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    opted_out = models.BooleanField(_("opted out of mailings"), default=False)

    history = history()

    class Meta:
        verbose_name = _("partner company")
        verbose_name_plural = _("partner companies")
        ordering = ["organization__name_pinyin", "pk"]
        indexes = [models.Index(fields=["tenant", "signing_status", "qualification"])]

    def __str__(self) -> str:
        return self.organization.name


class PartnerFilter(TenantOwned, TimeStamped):
    """A saved selection of the registry, e.g. "quality unsigned" (优质未签约)."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    params = models.JSONField(_("criteria"), default=dict)

    history = history()

    class Meta:
        verbose_name = _("saved partner filter")
        verbose_name_plural = _("saved partner filters")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"],
                                               name="partner_filter_code_unique")]

    def __str__(self) -> str:
        return self.name


class Campaign(OrgScoped, TimeStamped):
    """A callback campaign (回访): a call list built from a filter, its callers' script and the
    retry rules by outcome (OUT-2)."""

    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase"), max_length=50, blank=True,
                             help_text=_("E.g. “first round”, “second round”."))
    status = models.CharField(_("status"), max_length=20, choices=CampaignStatus.choices,
                              default=CampaignStatus.RUNNING)
    script = models.TextField(_("script"), blank=True)
    # outcome → {"max_attempts": n, "wait_hours": h}; an outcome without a rule ends the task.
    retry_rules = models.JSONField(_("retry rules"), default=dict, blank=True)
    source = models.JSONField(_("call list source"), default=dict, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = history()

    class Meta:
        verbose_name = _("callback campaign")
        verbose_name_plural = _("callback campaigns")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class CallTask(OrgScoped, TimeStamped):
    """One company on a campaign's call list, with its caller and where it stands; the
    outcome is that of its last attempt. Changed only by ``services.call_transition``."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks",
                                 verbose_name=_("campaign"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="call_tasks",
                                verbose_name=_("company"))
    caller = models.ForeignKey("accounts.User", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("caller"))
    status = models.CharField(_("status"), max_length=10, choices=CallTaskStatus.choices,
                              default=CallTaskStatus.PENDING, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices,
                               blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_call_at = models.DateTimeField(_("call again after"), null=True, blank=True)

    class Meta:
        verbose_name = _("call task")
        verbose_name_plural = _("call tasks")
        ordering = ["campaign", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "partner"],
                                               name="call_task_once_per_campaign")]
        permissions = [("call_calltask", "Can call the companies of a call list")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.partner}"

    @property
    def outcome_badge(self) -> str:
        return CALL_OUTCOME_BADGES.get(self.outcome, "secondary")


class CallAttempt(OrgScoped):
    """One call made (or imported from a call sheet), with its outcome."""

    task = models.ForeignKey(CallTask, on_delete=models.CASCADE, related_name="attempt_log",
                             verbose_name=_("call task"))
    caller = models.ForeignKey("accounts.User", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("caller"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices)
    phone = models.CharField(_("phone called"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    called_at = models.DateTimeField(_("called at"))

    class Meta:
        verbose_name = _("call attempt")
        verbose_name_plural = _("call attempts")
        ordering = ["task", "called_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task} · {self.outcome}"


# --- contact corrections (OUT-3) and the content calendar (OUT-8) ---------------------------

class ContactReview(OrgScoped, TimeStamped):
    """A company's contact correction (联系方式纠正), tracked through its three phases: sort and
    correct → verify → in use. Its agent (as when the review opened) gets it on its list and
    answers with a reason. The phase changes only through ``services.review_transition``."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE,
                                   related_name="contact_review", verbose_name=_("company"))
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="contact_reviews", verbose_name=_("agent"))
    phase = models.CharField(_("phase"), max_length=20, choices=ReviewPhase.choices,
                             default=ReviewPhase.SORT_CORRECT, db_index=True)
    phase_changed_at = models.DateTimeField(_("phase since"), null=True, blank=True)
    reason = models.CharField(_("agent's answer"), max_length=20, choices=AnswerReason.choices,
                              blank=True)
    answer_note = models.TextField(_("answer note"), blank=True)
    answered_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = _("contact review")
        verbose_name_plural = _("contact reviews")
        ordering = ["partner__organization__name_pinyin", "pk"]
        permissions = [("answer_contactreview", "Can answer the companies to correct"),
                       ("update_contactreview", "Keeps the contacts up to date each month")]

    def __str__(self) -> str:
        return str(self.partner)

    @property
    def phase_badge(self) -> str:
        return REVIEW_PHASE_BADGES.get(self.phase, "secondary")


class ContactCorrection(OrgScoped, TimeStamped):
    """One corrected value of a company's contact details: the field, the value before and
    after, where it comes from and who verified it. Accepted, it is written to the directory."""

    review = models.ForeignKey(ContactReview, on_delete=models.CASCADE,
                               related_name="corrections", verbose_name=_("contact review"))
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE,
                                related_name="contact_corrections", verbose_name=_("company"))
    contact = models.ForeignKey("directory.Contact", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("contact"))
    field = models.CharField(_("field"), max_length=20, choices=CorrectionField.choices)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300)
    source = models.CharField(_("source"), max_length=20, choices=CorrectionSource.choices)
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PROPOSED, db_index=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    verified_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact correction")
        verbose_name_plural = _("contact corrections")
        ordering = ["review", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_field_display()}"

    @property
    def status_badge(self) -> str:
        return CORRECTION_STATUS_BADGES.get(self.status, "secondary")


class SpotCheck(OrgScoped, TimeStamped):
    """A month's spot check by customer service: 3–5 companies per city and agent, drawn with
    a recorded seed (the same seed draws the same companies), called through a campaign."""

    month = models.DateField(_("month"))
    seed = models.BigIntegerField(_("seed"))
    per_group = models.PositiveSmallIntegerField(_("companies per city and agent"))
    sample = models.JSONField(_("companies drawn"), default=list)
    campaign = models.OneToOneField(Campaign, on_delete=models.PROTECT,
                                    related_name="spot_check", verbose_name=_("campaign"))
    created_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-month", "-pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "month"],
                                               name="spot_check_once_a_month")]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")


class ContentItem(OrgScoped, TimeStamped):
    """An entry of the content calendar of the platform's own media (OUT-8): an article,
    handbook issue, newspaper issue or video on a topic, for a channel, with its owner and
    planned date. Its status changes only through ``services.content_transition``."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ContentKind.choices)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ContentChannel.choices)
    status = models.CharField(_("status"), max_length=20, choices=ContentStatus.choices,
                              default=ContentStatus.PLANNED, db_index=True)
    planned_on = models.DateField(_("planned date"), db_index=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    owner = models.ForeignKey("accounts.User", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("owner"))
    notes = models.TextField(_("notes"), blank=True)

    history = history()

    class Meta:
        verbose_name = _("content calendar entry")
        verbose_name_plural = _("content calendar entries")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def status_badge(self) -> str:
        return CONTENT_STATUS_BADGES.get(self.status, "secondary")


# --- editions, distribution, promotion and subsidies (OUT-5, OUT-6, OUT-7) -------------------

def edition_file_path(instance, filename: str) -> str:
    # A random name under the tenant: the stored file is served only through a checked view.
    return f"outreach/editions/{instance.tenant_id}/{uuid.uuid4().hex}{Path(filename).suffix[:10]}"


class Edition(OrgScoped, TimeStamped):
    """One edition to hand out: a product handbook of a major version, or a month's
    newsletter, with its file (stored privately)."""

    kind = models.CharField(_("kind"), max_length=20, choices=EditionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("major version"), max_length=20, blank=True,
                               help_text=_("For a handbook, e.g. “3”."))
    month = models.DateField(_("month"), help_text=_("The first day of the month it is for."))
    has_new_content = models.BooleanField(
        _("new content this month"), default=True,
        help_text=_("Without new content nothing is printed: e-mail only."))
    file = models.FileField(_("file"), upload_to=edition_file_path, max_length=200,
                            blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)

    history = history()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-month", "-pk"]

    def __str__(self) -> str:
        return self.title


class DistributionChannel(TenantOwned, TimeStamped):
    """A way editions reach the companies, with the department that owns it and its day of
    the month (none: irregular). Data, so a tenant tunes its own."""

    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    medium = models.CharField(_("medium"), max_length=20, choices=ChannelMedium.choices)
    department = models.CharField(_("owner department"), max_length=100)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of month"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("1 to 31; a day past the month's end is its last day. Empty: irregular, "
                    "the date is chosen each time."))
    active = models.BooleanField(_("active"), default=True)

    history = history()

    class Meta:
        verbose_name = _("distribution channel")
        verbose_name_plural = _("distribution channels")
        ordering = ["day_of_month", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"],
                                               name="distribution_channel_code_unique")]

    def __str__(self) -> str:
        return self.name


class Distribution(OrgScoped, TimeStamped):
    """An edition sent through one channel on one day to the target companies. Its status
    changes only through ``services.distribution_transition``."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT,
                                related_name="distributions", verbose_name=_("edition"))
    channel = models.ForeignKey(DistributionChannel, on_delete=models.PROTECT,
                                related_name="distributions", verbose_name=_("channel"))
    status = models.CharField(_("status"), max_length=20, choices=DistributionStatus.choices,
                              default=DistributionStatus.DRAFT, db_index=True)
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="distributions", verbose_name=_("handed out by"))
    rollout = models.CharField(_("roll-out"), max_length=10, choices=Rollout.choices,
                               default=Rollout.NATIONAL)
    cities = models.JSONField(_("pilot cities"), default=list, blank=True)
    callback_campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("callback campaign"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    history = history()

    class Meta:
        verbose_name = _("distribution")
        verbose_name_plural = _("distributions")
        ordering = ["-scheduled_for", "-pk"]

    def __str__(self) -> str:
        return f"{self.edition} · {self.channel}"

    @property
    def status_badge(self) -> str:
        return DISTRIBUTION_BADGES.get(self.status, "secondary")


class DistributionRecipient(OrgScoped):
    """One company on a distribution's list and how its copy fared; an e-mail's delivery is
    its outbox message's, and ``downloaded_at`` when the company first opened its signed
    download link. ``confirmed_at``: the callback confirmed receipt."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE,
                                     related_name="recipients",
                                     verbose_name=_("distribution"))
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT,
                                related_name="distributions_received",
                                verbose_name=_("company"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RecipientStatus.choices,
                              default=RecipientStatus.QUEUED)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    message = models.ForeignKey("core.Message", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    call_task = models.ForeignKey(CallTask, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("callback"))
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    # When the company first opened its e-mail's download link (recorded once).
    downloaded_at = models.DateTimeField(_("first downloaded at"), null=True, blank=True)
    subsidy_line = models.ForeignKey("SubsidyLine", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="recipients")

    class Meta:
        verbose_name = _("distribution recipient")
        verbose_name_plural = _("distribution recipients")
        ordering = ["distribution", "pk"]
        constraints = [models.UniqueConstraint(fields=["distribution", "partner"],
                                               name="distribution_recipient_once")]

    def __str__(self) -> str:
        return f"{self.distribution} · {self.partner}"

    @property
    def delivery(self) -> tuple[str, str]:
        """(status, reason): an e-mail's from its outbox message, else the row's own."""
        message = self.message
        if message is None:
            return self.status, self.reason
        if message.status == "sent":
            return RecipientStatus.SENT, ""
        if message.status in ("failed", "dead"):
            return RecipientStatus.FAILED, message.last_error
        return RecipientStatus.QUEUED, ""

    @property
    def delivery_status(self) -> str:
        return self.delivery[0]

    @property
    def delivery_reason(self) -> str:
        return self.delivery[1]

    @property
    def delivery_label(self) -> str:
        return RecipientStatus(self.delivery_status).label

    @property
    def delivery_badge(self) -> str:
        return RECIPIENT_STATUS_BADGES[self.delivery_status]


class Promotion(OrgScoped, TimeStamped):
    """A company's place in the promotion flow (OUT-6); the stage changes only through
    ``services.promotion_transition``."""

    partner = models.OneToOneField(Partner, on_delete=models.PROTECT, related_name="promotion",
                                   verbose_name=_("company"))
    stage = models.CharField(_("stage"), max_length=20, choices=PromotionStage.choices,
                             default=PromotionStage.MAILED, db_index=True)
    rollout = models.CharField(_("roll-out"), max_length=10, choices=Rollout.choices,
                               default=Rollout.NATIONAL)
    decline_reason = models.CharField(_("reason declined"), max_length=20, blank=True,
                                      choices=DeclineReason.choices)
    decline_confirmed = models.BooleanField(_("confirmed by callback"), default=False)
    mailed_at = models.DateTimeField(_("first mailed at"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("stage reached at"), null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["partner__organization__name_pinyin", "pk"]

    def __str__(self) -> str:
        return f"{self.partner} · {self.get_stage_display()}"

    @property
    def stage_badge(self) -> str:
        return PROMOTION_BADGES.get(self.stage, "secondary")


class SubsidyRule(TenantOwned, TimeStamped):
    """What an agent earns for a round of handing out (OUT-7): at least so many property
    companies and management offices confirmed in one distribution → an amount. Validity
    periods of one tenant's rules never overlap."""

    name = models.CharField(_("name"), max_length=100)
    min_companies = models.PositiveIntegerField(_("at least property companies"))
    min_offices = models.PositiveIntegerField(_("at least management offices"))
    amount = models.DecimalField(_("amount per round"), max_digits=10, decimal_places=2,
                                 validators=[MinValueValidator(0)])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True,
                                help_text=_("Empty: until further notice."))

    history = history()

    class Meta:
        verbose_name = _("subsidy rule")
        verbose_name_plural = _("subsidy rules")
        ordering = ["-valid_from", "-pk"]

    def __str__(self) -> str:
        return self.name


class SubsidyStatement(OrgScoped, TimeStamped):
    """An agent's subsidies of one month: every counted round, approved before it is paid."""

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="statements",
                              verbose_name=_("agent"))
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=10, choices=StatementStatus.choices,
                              default=StatementStatus.DRAFT, db_index=True)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=0)
    approved_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = _("subsidy statement")
        verbose_name_plural = _("subsidy statements")
        ordering = ["-month", "pk"]
        constraints = [models.UniqueConstraint(fields=["agent", "month"],
                                               name="subsidy_statement_once_a_month")]
        permissions = [("approve_subsidystatement", "Can approve and pay subsidy statements")]

    def __str__(self) -> str:
        return f"{self.agent} · {self.month:%Y-%m}"

    @property
    def status_badge(self) -> str:
        return STATEMENT_BADGES.get(self.status, "secondary")


class SubsidyLine(OrgScoped):
    """One round of a statement: a distribution the agent handed out, the confirmed companies
    and offices counted (its recipients point here) and the amount its rule gives."""

    statement = models.ForeignKey(SubsidyStatement, on_delete=models.CASCADE,
                                  related_name="lines", verbose_name=_("statement"))
    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("distribution"))
    rule = models.ForeignKey(SubsidyRule, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("rule"))
    companies = models.PositiveIntegerField(_("property companies"))
    offices = models.PositiveIntegerField(_("management offices"))
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("subsidy line")
        verbose_name_plural = _("subsidy lines")
        ordering = ["statement", "pk"]

    def __str__(self) -> str:
        return f"{self.statement} · {self.distribution}"
