"""Service-desk data (SVC-1 … SVC-10, SVC-12).

Configuration (service levels and their clocks, the priority matrix, categories, routing rules,
the desk policy) is tenant-wide data with validity dates, edited by administrators. Work orders
are org-scoped: ``org_unit`` is the unit currently responsible — the handling department once
dispatched, else the management office of the community — so a department sees what it
handles and the office sees everything below it. Due times live in ``WorkOrderClock`` rows,
stored and indexed so the breach scan reads only rows that are due.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import OrgScoped, TenantOwned, TimeStamped
from linli.servicedesk.choices import (
    Area,
    CallbackOutcome,
    CallbackStatus,
    ClockKind,
    ClockState,
    ClockUnit,
    ComplaintSubject,
    ContactChannel,
    ContactDirection,
    IntakeChannel,
    Level,
    OrderType,
    Priority,
    QuoteStatus,
    ReviewStatus,
    Severity,
    WaitingOn,
)
from linli.servicedesk.states import Status

MONEY = {"max_digits": 12, "decimal_places": 2}


class Validity(models.Model):
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True


# --- configuration --------------------------------------------------------------------------

class ServiceLevel(TenantOwned, Validity, TimeStamped):
    """A set of clocks (SVC-3). Chosen by the category, else by order type × priority."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    order_type = models.CharField(_("order type"), max_length=20, choices=OrderType.choices,
                                  blank=True, help_text=_("Empty: any type."))
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices,
                                blank=True, help_text=_("Empty: any priority."))
    for_formal_complaints = models.BooleanField(_("for formal complaints"), default=False)
    warning_share = models.DecimalField(
        _("warn at share of the clock"), max_digits=3, decimal_places=2, default=Decimal("0.75"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("0.99"))])
    callback_hours = models.PositiveSmallIntegerField(
        _("callback within (hours after the resolution deadline)"), default=24)

    history = history()

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"],
                                               name="service_level_unique_code")]

    def __str__(self) -> str:
        return self.name


class ServiceClock(TenantOwned):
    """One clock of a service level: e.g. on site within 20 calendar minutes."""

    service_level = models.ForeignKey(ServiceLevel, on_delete=models.CASCADE,
                                      related_name="clocks", verbose_name=_("service level"))
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=7, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01"))])
    unit = models.CharField(_("time unit"), max_length=20, choices=ClockUnit.choices,
                            default=ClockUnit.CALENDAR_HOURS)

    history = history()

    class Meta:
        verbose_name = _("service clock")
        verbose_name_plural = _("service clocks")
        ordering = ["service_level", "kind"]
        constraints = [models.UniqueConstraint(fields=["service_level", "kind"],
                                               name="service_clock_unique_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.get_unit_display()}"


class PriorityRule(TenantOwned, Validity):
    """One cell of the urgency × impact matrix (SVC-3)."""

    urgency = models.CharField(_("urgency"), max_length=10, choices=Level.choices)
    impact = models.CharField(_("impact"), max_length=10, choices=Level.choices)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)

    history = history()

    class Meta:
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority matrix")
        ordering = ["urgency", "impact"]

    def __str__(self) -> str:
        return f"{self.get_urgency_display()} × {self.get_impact_display()} → {self.priority}"


class Category(TenantOwned, Validity):
    """A node of the category tree (repair → plumbing → leak) with its defaults (SVC-2)."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent category"))
    order_type = models.CharField(_("order type"), max_length=20, choices=OrderType.choices)
    name = models.CharField(_("name"), max_length=100)
    default_department = models.ForeignKey(
        "accounts.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("default department"))
    default_priority = models.CharField(_("default priority"), max_length=2,
                                        choices=Priority.choices, blank=True)
    service_level = models.ForeignKey(ServiceLevel, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="categories",
                                      verbose_name=_("service level"))
    default_area = models.CharField(_("default area"), max_length=20, choices=Area.choices,
                                    blank=True)

    history = history()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order_type", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class RoutingRule(TenantOwned, Validity):
    """Type × category × area × community/building → department, team, housekeeper (SVC-4).

    The most specific active rule wins (more conditions set), then the lower ``position``.
    """

    position = models.PositiveIntegerField(_("position"), default=100)
    order_type = models.CharField(_("order type"), max_length=20, choices=OrderType.choices,
                                  blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+", verbose_name=_("category"),
                                 help_text=_("Matches the category and everything below it."))
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    community = models.ForeignKey("directory.Community", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("community"))
    building = models.ForeignKey("directory.Building", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("building"))
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("department"))
    team = models.ForeignKey("accounts.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("team"))
    to_housekeeper = models.BooleanField(
        _("hand to the unit's housekeeper"), default=False,
        help_text=_("The housekeeper of the unit's zone becomes the handler."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.note or f"#{self.pk} → {self.department}"


class DeskPolicy(TenantOwned):
    """The desk's own tunable rules, one row per tenant (defaults when there is none)."""

    repeat_complaint_hours = models.PositiveSmallIntegerField(
        _("a second complaint within (hours) becomes formal"), default=4)
    quarantine_clocks_from_intake = models.BooleanField(
        _("quarantined orders' clocks run from intake"), default=False,
        help_text=_("Off: the clocks start when the contact is verified."))
    callback_retry_hours = models.PositiveSmallIntegerField(
        _("retry a callback not reached after (hours)"), default=24)
    callback_max_attempts = models.PositiveSmallIntegerField(
        _("callback attempts before giving up"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)])
    unsatisfied_at_most = models.PositiveSmallIntegerField(
        _("a satisfaction of at most this opens rework"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)])
    duplicate_window_hours = models.PositiveSmallIntegerField(
        _("suggest open orders registered within (hours) as likely duplicates"), default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("Same category, same building (or community): offered at intake to link "
                    "to one incident."))

    history = history()

    class Meta:
        verbose_name = _("desk policy")
        verbose_name_plural = _("desk policies")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="desk_policy_one")]


class OrderSequence(TenantOwned):
    """The last order number given out per tenant and day (numbers like GD20261204-0007)."""

    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "day"],
                                               name="order_sequence_unique_day")]


# --- work orders ----------------------------------------------------------------------------

def registered_now():
    """``timezone.now()`` looked up when called: the demo's replay of a past year stands in
    for ``timezone.now`` (linli.demo.servicedesk)."""
    return timezone.now()


class WorkOrder(OrgScoped, TimeStamped):
    # Registered when intake says (the time its clocks start from), not when the row is
    # written: a default, not ``auto_now_add``, so the order is written once.
    created_at = models.DateTimeField(_("created at"), default=registered_now, db_index=True,
                                      editable=False)
    number = models.CharField(_("number"), max_length=20, editable=False)
    order_type = models.CharField(_("type"), max_length=20, choices=OrderType.choices)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("category"))
    area = models.CharField(_("area"), max_length=20, choices=Area.choices,
                            default=Area.PRIVATE_UNIT)
    channel = models.CharField(_("channel"), max_length=20, choices=IntakeChannel.choices,
                               default=IntakeChannel.PHONE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.NEW, editable=False)
    # Where and who (the "five clears": who, where, what, since when, how urgent).
    community = models.ForeignKey("directory.Community", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("community"))
    building = models.ForeignKey("directory.Building", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("building"))
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("unit"))
    person = models.ForeignKey("directory.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("caller"))
    caller_name = models.CharField(_("caller's name"), max_length=100, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    location = models.CharField(_("where exactly"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=200)
    description = models.TextField(_("what happened"), blank=True)
    since = models.CharField(_("since when"), max_length=100, blank=True)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Level.choices,
                               default=Level.MEDIUM)
    impact = models.CharField(_("impact"), max_length=10, choices=Level.choices,
                              default=Level.LOW)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices,
                                editable=False)
    service_level = models.ForeignKey(ServiceLevel, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("service level"), editable=False)
    # Responsibility: exactly one handler once dispatched (SVC-5).
    department = models.ForeignKey("accounts.OrgUnit", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("department"), editable=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("handler"), editable=False)
    escalation_level = models.PositiveSmallIntegerField(_("escalation line"), default=1,
                                                        editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("registered by"), editable=False)
    # Moments of the lifecycle.
    verified_at = models.DateTimeField(_("contact verified at"), null=True, blank=True,
                                       editable=False)
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True,
                                          editable=False)
    arrived_at = models.DateTimeField(_("arrived on site at"), null=True, blank=True,
                                      editable=False)
    waiting_on = models.CharField(_("waiting on"), max_length=20, choices=WaitingOn.choices,
                                  blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    interim_measure = models.TextField(_("interim measure"), blank=True, editable=False)
    committed_at = models.DateTimeField(_("committed fix time"), null=True, blank=True,
                                        editable=False)
    rework_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="reworks", verbose_name=_("rework of"),
                                  editable=False)
    # One incident reported by several callers (SVC-11): the children follow their parent's
    # resolution. Unrelated to ``rework_of``; one level only (services.clusters).
    cluster_parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="cluster_children",
        verbose_name=_("incident (parent order)"), editable=False, db_index=True)
    # Complaints (SVC-9).
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                blank=True)
    complaint_subject = models.CharField(_("complaint about"), max_length=20,
                                         choices=ComplaintSubject.choices, blank=True)
    is_formal = models.BooleanField(_("formal complaint"), default=False, editable=False)
    is_sensitive = models.BooleanField(_("sensitive / public opinion"), default=False)
    # Housing-quality complaints go to the developer, property-service ones stay here.
    responsible_party = models.ForeignKey(
        "directory.Organization", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("responsible party"), editable=False)
    review_status = models.CharField(_("reply review"), max_length=10,
                                     choices=ReviewStatus.choices, blank=True, editable=False)
    reply = models.TextField(_("reply to the complainant"), blank=True, editable=False)
    # Paid services (SVC-12).
    quote_amount = models.DecimalField(_("quoted price"), null=True, blank=True,
                                       editable=False, **MONEY)
    quote_note = models.CharField(_("quote details"), max_length=200, blank=True,
                                  editable=False)
    quote_status = models.CharField(_("quote"), max_length=10, choices=QuoteStatus.choices,
                                    blank=True, editable=False)
    charge_amount = models.DecimalField(_("charged"), null=True, blank=True, editable=False,
                                        **MONEY)
    charged_at = models.DateTimeField(_("charged at"), null=True, blank=True, editable=False)

    history = history()
    history_extra_fields = ("status", "department", "handler", "escalation_level", "priority",
                            "service_level", "appointment_at", "arrived_at", "waiting_on",
                            "resolved_at", "resolution", "closed_at", "interim_measure",
                            "committed_at", "is_formal", "review_status", "reply",
                            "responsible_party", "quote_amount", "quote_status",
                            "charge_amount", "verified_at", "cluster_parent")

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("dispatch_workorder", _("Dispatch, transfer and return work orders")),
            ("assign_workorder", _("Assign work orders to workers (supervisor)")),
            ("work_workorder", _("Work on work orders assigned to me")),
            ("approve_workorder", _("Approve complaint replies and receive escalations")),
            ("callback_workorder", _("Call customers back")),
            ("verify_workorder", _("Verify quarantined contacts")),
            ("report_workorder", _("See the service desk's reports")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="work_order_unique_number"),
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "created_at"]),
            models.Index(fields=["handler", "status"]),
            models.Index(fields=["org_unit", "status"]),
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["unit", "created_at"]),
            models.Index(fields=["caller_phone", "created_at"]),
            # Reports read a period of registrations of a tenant, or of a user's org units.
            models.Index(fields=["tenant", "created_at"], name="work_order_report_period"),
            models.Index(fields=["org_unit", "created_at"], name="work_order_org_period"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.summary}"

    @property
    def is_open(self) -> bool:
        from linli.servicedesk.states import FINAL
        return self.status not in FINAL


class WorkOrderClock(TenantOwned):
    """One running target of an order: its due time, warning time, pauses and outcome."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    unit = models.CharField(_("time unit"), max_length=20, choices=ClockUnit.choices)
    amount = models.DecimalField(_("amount"), max_digits=7, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=ClockState.choices,
                             default=ClockState.RUNNING)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("escalate to the manager at"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused for (seconds)"), default=0)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work-order clock")
        verbose_name_plural = _("work-order clocks")
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["work_order", "kind"],
                                               name="work_order_clock_unique_kind")]
        # The breach scan reads only running clocks by due, warning or escalation time.
        indexes = [
            models.Index(fields=["due_at"], name="clock_running_due",
                         condition=Q(state="running", breached_at__isnull=True)),
            models.Index(fields=["warn_at"], name="clock_running_warn",
                         condition=Q(state="running", warned_at__isnull=True)),
            models.Index(fields=["escalate_at"], name="clock_escalate",
                         condition=Q(state="running", escalate_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.work_order_id}:{self.kind}"


class Callback(OrgScoped, TimeStamped):
    """The follow-up call of a resolved order (SVC-8): due, attempts, outcome, satisfaction."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE,
                                   related_name="callbacks", verbose_name=_("work order"))
    status = models.CharField(_("status"), max_length=10, choices=CallbackStatus.choices,
                              default=CallbackStatus.DUE)
    due_at = models.DateTimeField(_("due at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallbackOutcome.choices,
                               blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("called by"))
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)

    history = history()

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at"]
        indexes = [models.Index(fields=["tenant", "status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.work_order} · {self.get_status_display()}"


class ContactLog(OrgScoped, TimeStamped):
    """Every inbound or outbound call or visit at the desk (来电来访登记, SVC-1)."""

    direction = models.CharField(_("direction"), max_length=10,
                                 choices=ContactDirection.choices,
                                 default=ContactDirection.INBOUND)
    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices,
                               default=ContactChannel.PHONE)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    community = models.ForeignKey("directory.Community", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("community"))
    unit = models.ForeignKey("directory.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("unit"))
    person = models.ForeignKey("directory.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("person"))
    caller_name = models.CharField(_("name"), max_length=100, blank=True)
    caller_phone = models.CharField(_("phone"), max_length=20, blank=True)
    content = models.TextField(_("content"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("handled by"))
    follow_up = models.CharField(_("follow-up"), max_length=200, blank=True)
    work_order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="contact_logs", verbose_name=_("work order"))

    history = history()

    class Meta:
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["tenant", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.caller_name or self.caller_phone}"


# The knowledge base (SVC-13) lives in its own module; importing it here registers its models.
# So does the field worker's record of an order (SVC-14).
from linli.servicedesk.field.models import (  # noqa: E402, F401
    PhotoStage,
    WorkOrderMaterial,
    WorkOrderPhoto,
    WorkOrderSignature,
)
from linli.servicedesk.knowledge.models import (  # noqa: E402, F401
    KnowledgeAnswer,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
)
