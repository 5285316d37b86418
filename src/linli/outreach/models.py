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
    AgentMode,
    AgentStatus,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    Qualification,
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
