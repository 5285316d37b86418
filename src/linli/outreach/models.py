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
    REVIEW_PHASE_BADGES,
    AgentMode,
    AgentStatus,
    AnswerReason,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    ContentChannel,
    ContentKind,
    ContentStatus,
    CorrectionField,
    CorrectionSource,
    CorrectionStatus,
    Qualification,
    ReviewPhase,
    SigningStatus,
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
