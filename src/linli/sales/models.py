"""Real-estate sales (SAL-3, SAL-5): projects on sale, their saleable units, price lists with
their rules, and quotes; queue numbers, subscriptions, contracts, payment plans and payments
(SAL-3); leads, opportunities and lost deals (SAL-1, SAL-2, SAL-4).

A sales project puts a directory community (its buildings and units) on sale; it does not copy
them. A ``SaleUnit`` points at one directory unit and carries what only selling needs: the sale
area, the orientation the price uses, the sale status and the current list price. Every row
copies the project's org unit so that scope checks never need a join.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import OrgScoped, TenantOwned, TimeStamped
from linli.directory.choices import Orientation
from linli.sales.choices import ChangeKind, LineKind, PaymentMethod, PlanKind
from linli.sales.states import (
    AppointmentStatus,
    ApprovalStatus,
    AssignmentMethod,
    ContractStatus,
    DisputeStatus,
    Intention,
    LeadChannel,
    LeadStatus,
    LostAppliesTo,
    LostReview,
    ProjectStatus,
    QueueStatus,
    RuleKind,
    SaleStatus,
    Stage,
    SubscriptionStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
AREA = {"max_digits": 9, "decimal_places": 2}
FACTOR = {"max_digits": 6, "decimal_places": 4}
# No home is smaller or larger than this; anything outside is a typing error.
MIN_AREA, MAX_AREA = 1, 10000
MAX_UNIT_PRICE = 10_000_000


class SalesProject(OrgScoped, TimeStamped):
    """A community (楼盘) put on sale, possibly in phases (one project per phase)."""

    community = models.ForeignKey("directory.Community", on_delete=models.PROTECT,
                                  related_name="sales_projects", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices,
                              default=ProjectStatus.PREPARING)
    launch_date = models.DateField(_("launch date"), null=True, blank=True)
    presale_permit = models.CharField(_("pre-sale permit number"), max_length=100, blank=True)

    history = history()

    class Meta:
        verbose_name = _("sales project")
        verbose_name_plural = _("sales projects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="sales_project_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SaleUnit(OrgScoped, TimeStamped):
    """A directory unit on sale in a project, with its sale data and status."""

    project = models.ForeignKey(SalesProject, on_delete=models.CASCADE, related_name="units",
                                verbose_name=_("sales project"))
    unit = models.OneToOneField("directory.Unit", on_delete=models.PROTECT,
                                related_name="sale", verbose_name=_("unit"))
    # Copies of the directory unit's place, for the chart and the price list's filters.
    building = models.ForeignKey("directory.Building", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("building"))
    floor = models.SmallIntegerField(_("floor"))
    batch = models.CharField(_("batch"), max_length=50, blank=True)
    built_area = models.DecimalField(
        _("sale area (m²)"), **AREA,
        validators=[MinValueValidator(MIN_AREA), MaxValueValidator(MAX_AREA)])
    orientation = models.CharField(_("orientation"), max_length=20, blank=True,
                                   choices=Orientation.choices)
    status = models.CharField(_("sale status"), max_length=20, choices=SaleStatus.choices,
                              default=SaleStatus.AVAILABLE, editable=False)
    # The list price the last re-pricing gave (before agreed discounts), and from which list.
    list_unit_price = models.DecimalField(_("list price per m²"), null=True, blank=True,
                                          editable=False, **MONEY)
    list_total = models.DecimalField(_("list price"), null=True, blank=True, editable=False,
                                     **MONEY)
    price_list = models.ForeignKey("PriceList", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False,
                                   verbose_name=_("price list"))

    history = history()

    class Meta:
        verbose_name = _("unit on sale")
        verbose_name_plural = _("units on sale")
        ordering = ["project", "building__sort_key", "-floor", "unit__number"]
        indexes = [models.Index(fields=["project", "building", "status"])]

    def __str__(self) -> str:
        return str(self.unit)


class PriceList(OrgScoped, TimeStamped):
    """The prices of one building (or of a batch of it) for a period (SAL-5).

    The price per m² of a unit is (base price × area coefficient + floor steps) × orientation
    coefficient; see docs/user-guide/sales-pricing.md for the whole pipeline and rounding.
    """

    project = models.ForeignKey(SalesProject, on_delete=models.CASCADE,
                                related_name="price_lists", verbose_name=_("sales project"))
    building = models.ForeignKey("directory.Building", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("building"))
    name = models.CharField(_("name"), max_length=200)
    batch = models.CharField(_("batch"), max_length=50, blank=True,
                             help_text=_("Leave empty for the whole building."))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    base_price = models.DecimalField(
        _("base price per m²"), **MONEY,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNIT_PRICE)])
    floor_price = models.DecimalField(
        _("floor price per m²"), null=True, blank=True, **MONEY,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_UNIT_PRICE)],
        help_text=_("A quote below this price (times the area) needs a manager's approval."))
    reference_floor = models.SmallIntegerField(
        _("reference floor"), default=1, validators=[MinValueValidator(-10),
                                                     MaxValueValidator(200)],
        help_text=_("The floor whose price has no floor step; each floor above adds the step "
                    "of its band."))

    history = history()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["project", "building__sort_key", "-valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=F("valid_from")),
                                   name="price_list_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceRule(OrgScoped):
    """One step of a price list's pipeline, as data (SAL-5).

    ``lower``/``upper`` bound the band the rule applies to: the sale area in m² for area rules
    (lower included, upper excluded), floors for floor steps (both included), the contract total
    for contract-level discounts (applies when the total is above ``lower``). ``factor``
    multiplies, ``amount`` is the floor step in yuan per m² per floor. A change makes a new
    version effective from a date; the old version ends the day before.
    """

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="rules",
                                   verbose_name=_("price list"))
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    lower = models.DecimalField(_("from"), null=True, blank=True, **MONEY)
    upper = models.DecimalField(_("to"), null=True, blank=True, **MONEY)
    orientation = models.CharField(_("orientation"), max_length=20, blank=True,
                                   choices=Orientation.choices)
    factor = models.DecimalField(
        _("coefficient"), null=True, blank=True, **FACTOR,
        validators=[MinValueValidator(0), MaxValueValidator(10)])
    amount = models.DecimalField(_("amount per m² per floor"), null=True, blank=True, **MONEY)
    valid_from = models.DateField(_("effective from"))
    valid_to = models.DateField(_("effective until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The rule this one is a later version of (the first version points at nothing).
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="next_version", editable=False)

    history = history()

    class Meta:
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        ordering = ["price_list", "kind", "lower", "orientation", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=F("valid_from")),
                                   name="price_rule_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class Quote(OrgScoped, TimeStamped):
    """A priced offer for one unit on one day, with every step of the calculation (SAL-5).

    The steps are kept as computed, so a quote reads the same after its rules change.
    """

    number = models.CharField(_("number"), max_length=30, editable=False)
    sale_unit = models.ForeignKey(SaleUnit, on_delete=models.CASCADE, related_name="quotes",
                                  verbose_name=_("unit"))
    price_list = models.ForeignKey(PriceList, on_delete=models.PROTECT, related_name="quotes",
                                   verbose_name=_("price list"))
    person = models.ForeignKey("directory.Person", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("customer"))
    priced_on = models.DateField(_("priced on"))
    area = models.DecimalField(_("area (m²)"), **AREA)
    steps = models.JSONField(_("steps"), default=list, editable=False)
    unit_price = models.DecimalField(_("price per m²"), **MONEY)
    list_total = models.DecimalField(_("total before discounts"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    floor_total = models.DecimalField(_("floor price"), null=True, blank=True, **MONEY)
    agreed_rules = models.ManyToManyField(PriceRule, blank=True, related_name="+",
                                          verbose_name=_("agreed discounts"))
    approval = models.CharField(_("approval"), max_length=20, choices=ApprovalStatus.choices,
                                default=ApprovalStatus.NOT_NEEDED, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    editable=False, verbose_name=_("decided by"))
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    approval_note = models.CharField(_("approval note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   editable=False, verbose_name=_("quoted by"))

    history = history(m2m_fields=[agreed_rules])

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_quote", "Can approve a quote below the floor price")]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="quote_unique_number"),
        ]

    def __str__(self) -> str:
        return self.number


# --- deals: queue numbers, subscriptions, contracts, payment plans and payments (SAL-3) ------

class QueueNumber(OrgScoped, TimeStamped):
    """A queue number (预约排号) taken before a project's launch, with a small refundable
    deposit; after launch the numbers become subscriptions in number order."""

    project = models.ForeignKey(SalesProject, on_delete=models.CASCADE,
                                related_name="queue_numbers", verbose_name=_("sales project"))
    number = models.PositiveIntegerField(_("queue number"), editable=False)
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("customer"))
    deposit = models.DecimalField(_("queue deposit"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=QueueStatus.choices,
                              default=QueueStatus.WAITING, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   verbose_name=_("taken by"))

    history = history()

    class Meta:
        verbose_name = _("queue number")
        verbose_name_plural = _("queue numbers")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"],
                                    name="queue_number_unique_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.project} #{self.number}"


class Subscription(OrgScoped, TimeStamped):
    """A subscription (认购): a buyer reserves a unit with a deposit at an agreed price."""

    number = models.CharField(_("number"), max_length=30, editable=False)
    sale_unit = models.ForeignKey(SaleUnit, on_delete=models.PROTECT,
                                  related_name="subscriptions", verbose_name=_("unit"))
    quote = models.ForeignKey(Quote, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("quote"))
    queue_number = models.OneToOneField(QueueNumber, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="subscription",
                                        verbose_name=_("queue number"))
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("buyer"))
    # The opportunity the sale is credited to (SAL-2): subscribing wins it.
    opportunity = models.ForeignKey("sales.Opportunity", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="subscriptions",
                                    editable=False, verbose_name=_("opportunity"))
    buyer_name = models.CharField(_("buyer name"), max_length=200)
    subscribed_on = models.DateField(_("subscribed on"))
    area = models.DecimalField(_("area (m²)"), **AREA)
    total = models.DecimalField(_("price"), **MONEY)
    deposit = models.DecimalField(_("deposit"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=SubscriptionStatus.choices,
                              default=SubscriptionStatus.ACTIVE, editable=False)
    cancel_note = models.CharField(_("reason for cancelling"), max_length=500, blank=True,
                                   editable=False)
    lost_reason = models.ForeignKey("sales.LostReason", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    editable=False, verbose_name=_("lost reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   verbose_name=_("subscribed by"))

    history = history()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-subscribed_on", "-id"]
        permissions = [("approve_subscription",
                        "Can approve a change of unit, price or buyer of a subscription")]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"],
                                    name="subscription_unique_number"),
            # Belt and braces behind the row lock: one live subscription per unit.
            models.UniqueConstraint(fields=["sale_unit"],
                                    condition=Q(status__in=["active", "contracted"]),
                                    name="subscription_one_live_per_unit"),
        ]

    def __str__(self) -> str:
        return self.number


class SubscriptionChange(OrgScoped, TimeStamped):
    """A requested change of a subscription's unit, price or buyer name, applied only once a
    manager approves it; the request and the decision are kept."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="changes", verbose_name=_("subscription"))
    kind = models.CharField(_("change"), max_length=20, choices=ChangeKind.choices)
    old_value = models.CharField(_("before"), max_length=200, editable=False)
    new_value = models.CharField(_("after"), max_length=200, editable=False)
    new_sale_unit = models.ForeignKey(SaleUnit, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("new unit"))
    new_total = models.DecimalField(_("new price"), null=True, blank=True, **MONEY)
    new_buyer_name = models.CharField(_("new buyer name"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    approval = models.CharField(_("approval"), max_length=20, choices=ApprovalStatus.choices,
                                default=ApprovalStatus.PENDING, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+", editable=False,
                                     verbose_name=_("requested by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("subscription change")
        verbose_name_plural = _("subscription changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subscription} · {self.get_kind_display()}"


class Contract(OrgScoped, TimeStamped):
    """A sales contract (签约) converted from a subscription, with its payment plan, online
    filing (网上备案) and the area settlement (面积补差) from the measured area."""

    number = models.CharField(_("number"), max_length=30, editable=False)
    subscription = models.OneToOneField(Subscription, on_delete=models.PROTECT,
                                        related_name="contract",
                                        verbose_name=_("subscription"))
    sale_unit = models.ForeignKey(SaleUnit, on_delete=models.PROTECT, related_name="contracts",
                                  verbose_name=_("unit"))
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("buyer"))
    buyer_name = models.CharField(_("buyer name"), max_length=200)
    signed_on = models.DateField(_("signed on"))
    area = models.DecimalField(_("contract area (m²)"), **AREA)
    total = models.DecimalField(_("price"), **MONEY)
    unit_price = models.DecimalField(_("price per m²"), **MONEY, editable=False)
    plan_kind = models.CharField(_("payment plan"), max_length=20, choices=PlanKind.choices)
    loan_amount = models.DecimalField(_("loan amount"), null=True, blank=True, **MONEY)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    down_payment = models.DecimalField(_("down payment"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices,
                              default=ContractStatus.SIGNED, editable=False)
    filing_number = models.CharField(_("filing number"), max_length=50, blank=True,
                                     editable=False)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, editable=False)
    # The area settlement (面积补差), once the measured area is known.
    measured_area = models.DecimalField(_("measured area (m²)"), null=True, blank=True,
                                        editable=False, **AREA)
    settlement_amount = models.DecimalField(
        _("area settlement"), null=True, blank=True, editable=False, **MONEY,
        help_text=_("Positive: the buyer pays; negative: refunded to the buyer."))
    developer_borne = models.DecimalField(_("borne by the developer"), null=True, blank=True,
                                          editable=False, **MONEY)
    settled_on = models.DateField(_("settled on"), null=True, blank=True, editable=False)
    cancel_note = models.CharField(_("reason for cancelling"), max_length=500, blank=True,
                                   editable=False)
    lost_reason = models.ForeignKey("sales.LostReason", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    editable=False, verbose_name=_("lost reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   verbose_name=_("signed by"))

    history = history()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "number"], name="contract_unique_number"),
        ]

    def __str__(self) -> str:
        return self.number


class PlanLine(OrgScoped):
    """One line of a contract's payment plan: what is due when; ``paid`` grows with the
    payments recorded against it (never above ``amount``)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines",
                                 verbose_name=_("contract"))
    seq = models.PositiveSmallIntegerField(_("line"))
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid = models.DecimalField(_("paid"), default=0, editable=False, **MONEY)

    class Meta:
        verbose_name = _("payment plan line")
        verbose_name_plural = _("payment plan lines")
        ordering = ["contract", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="plan_line_unique_seq"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(paid__lte=F("amount")),
                                   name="plan_line_paid_within_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.seq}"

    @property
    def receivable(self):
        return self.amount - self.paid


class Payment(OrgScoped, TimeStamped):
    """Money received against one line of a contract's payment plan."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments",
                                 verbose_name=_("contract"))
    line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="payments",
                             verbose_name=_("plan line"))
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False,
                                   verbose_name=_("recorded by"))

    history = history()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-id"]

    def __str__(self) -> str:
        return f"{self.contract} · {self.amount}"


# --- Leads and opportunities (SAL-1, SAL-2, SAL-4) ------------------------------------------
#
# A lead is a person who showed interest in a project through a channel; the person is the
# directory's (found by phone, or created through the directory's services). Who owns the
# customer is protected for the tenant's protection period (判客). A worked lead becomes an
# opportunity that moves through the pipeline stages; a lost one carries a reason of the
# catalogue and is reviewed by the manager.

class LeadPolicy(TenantOwned):
    """The tenant's tunable lead rules, one row per tenant (defaults when there is none)."""

    protection_days = models.PositiveSmallIntegerField(
        _("customer protection period (days)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("A customer owned by a rep or channel is not taken by another within "
                    "this many days of the last work on the lead."))
    pool_after_days = models.PositiveSmallIntegerField(
        _("move unworked leads to the public pool after (days)"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)])

    history = history()

    class Meta:
        verbose_name = _("lead policy")
        verbose_name_plural = _("lead policies")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="lead_policy_one")]


class AssignmentRule(OrgScoped, TimeStamped):
    """How new leads of a project are given to reps (SAL-1), as data with validity dates.

    The most specific valid rule wins: VIP rules apply to VIP leads only, a rule with a channel
    to that channel only; then the lower position.
    """

    project = models.ForeignKey(SalesProject, on_delete=models.CASCADE,
                                related_name="assignment_rules", verbose_name=_("sales project"))
    name = models.CharField(_("name"), max_length=100)
    method = models.CharField(_("method"), max_length=20, choices=AssignmentMethod.choices)
    channel = models.CharField(_("channel"), max_length=20, blank=True,
                               choices=LeadChannel.choices,
                               help_text=_("Leave empty for every channel."))
    for_vip = models.BooleanField(_("VIP leads only"), default=False)
    reps = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                  verbose_name=_("reps"))
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("business manager"))
    capacity = models.PositiveSmallIntegerField(
        _("open leads per rep"), default=50,
        validators=[MinValueValidator(1), MaxValueValidator(1000)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    # The rep who got the last lead of a round-robin rule.
    last_rep = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+", editable=False)

    history = history(m2m_fields=[reps])

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["project", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=F("valid_from")),
                                   name="assignment_rule_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Lead(OrgScoped, TimeStamped):
    """Interest of one person in one project, from one channel (SAL-1)."""

    project = models.ForeignKey(SalesProject, on_delete=models.PROTECT, related_name="leads",
                                verbose_name=_("sales project"))
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("customer"))
    phone = models.CharField(_("phone"), max_length=20, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=LeadChannel.choices)
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("The campaign, event, advertisement or referrer."))
    agency = models.ForeignKey("directory.Organization", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency"))
    is_vip = models.BooleanField(_("VIP"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices,
                              default=LeadStatus.NEW, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", editable=False,
                              verbose_name=_("owner"))
    last_worked_at = models.DateTimeField(_("last worked"), editable=False)
    needs = models.TextField(_("needs"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   editable=False, verbose_name=_("registered by"))

    history = history()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        permissions = [("work_lead", "Can work and claim leads"),
                       ("decide_lead", "Can decide ownership disputes and reassign")]
        indexes = [models.Index(fields=["tenant", "phone"]),
                   models.Index(fields=["tenant", "status", "last_worked_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"


class OwnershipDispute(OrgScoped, TimeStamped):
    """A refused claim of a protected customer that the claimant took to the manager (判客)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="disputes",
                             verbose_name=_("lead"))
    claimant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("claimant"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("owner at the claim"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=DisputeStatus.choices,
                              default=DisputeStatus.PENDING, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   editable=False, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ownership dispute")
        verbose_name_plural = _("ownership disputes")
        ordering = ["-created_at", "-id"]


class LostReason(TenantOwned, TimeStamped):
    """A reason a deal is lost, per kind of record and optionally per stage (SAL-4)."""

    applies_to = models.CharField(_("applies to"), max_length=20,
                                  choices=LostAppliesTo.choices)
    stage = models.CharField(_("stage"), max_length=20, blank=True,
                             help_text=_("Leave empty for every stage."))
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = history()

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["applies_to", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "applies_to", "stage", "name"],
                                               name="lost_reason_unique_name")]

    def __str__(self) -> str:
        return self.name


class Opportunity(OrgScoped, TimeStamped):
    """A worked lead moving through the pipeline (SAL-2)."""

    lead = models.OneToOneField(Lead, on_delete=models.PROTECT, related_name="opportunity",
                                verbose_name=_("lead"))
    project = models.ForeignKey(SalesProject, on_delete=models.PROTECT,
                                related_name="opportunities", verbose_name=_("sales project"))
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("customer"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", editable=False, verbose_name=_("owner"))
    is_vip = models.BooleanField(_("VIP"), default=False)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices,
                             default=Stage.NEW, editable=False)
    stage_entered_at = models.DateTimeField(_("in this stage since"), editable=False)
    intention = models.CharField(_("intention"), max_length=20, choices=Intention.choices,
                                 default=Intention.GENERAL)
    needs = models.TextField(_("needs"), blank=True)
    budget = models.DecimalField(_("budget"), null=True, blank=True, **MONEY,
                                 validators=[MinValueValidator(0)])
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    follow_up_at = models.DateTimeField(_("follow up at"), null=True, blank=True)
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    units_shown = models.ManyToManyField(SaleUnit, blank=True, related_name="+",
                                         verbose_name=_("units shown"))
    lost_reason = models.ForeignKey(LostReason, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False,
                                    verbose_name=_("lost reason"))
    lost_stage = models.CharField(_("lost at stage"), max_length=20, blank=True,
                                  choices=Stage.choices, editable=False)
    competitor = models.CharField(_("competitor"), max_length=200, blank=True, editable=False)
    lost_note = models.CharField(_("note on the loss"), max_length=500, blank=True,
                                 editable=False)
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True, editable=False)
    review = models.CharField(_("review"), max_length=20, choices=LostReview.choices,
                              blank=True, default=LostReview.NONE, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    editable=False, verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)

    history = history(m2m_fields=[units_shown])

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["tenant", "stage", "owner"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"


class StageMove(OrgScoped):
    """One move of an opportunity between stages, with the time spent in the stage it left."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="stage_moves", verbose_name=_("opportunity"))
    from_stage = models.CharField(_("from"), max_length=20, blank=True, choices=Stage.choices)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    moved_at = models.DateTimeField(_("moved at"))
    seconds_in_stage = models.PositiveIntegerField(_("time in the stage left (s)"), default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("moved by"))

    class Meta:
        verbose_name = _("stage move")
        verbose_name_plural = _("stage moves")
        ordering = ["opportunity", "moved_at", "id"]


class Visit(OrgScoped, TimeStamped):
    """A visit of the customer to the sales office (来访登记)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="visits", verbose_name=_("opportunity"))
    visited_at = models.DateTimeField(_("visited at"))
    companions = models.PositiveSmallIntegerField(_("people with them"), default=0,
                                                  validators=[MaxValueValidator(50)])
    note = models.CharField(_("note"), max_length=500, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("received by"))

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-id"]


class Appointment(OrgScoped, TimeStamped):
    """An appointment to view units, on the rep's calendar feed."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE,
                                    related_name="appointments", verbose_name=_("opportunity"))
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                            related_name="+", verbose_name=_("rep"))
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60,
        validators=[MinValueValidator(10), MaxValueValidator(480)])
    place = models.CharField(_("place"), max_length=200, blank=True)
    sale_units = models.ManyToManyField(SaleUnit, blank=True, related_name="+",
                                        verbose_name=_("units to view"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.BOOKED, editable=False)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "id"]


class CalendarFeed(TenantOwned):
    """The secret address of a rep's appointments as an iCalendar feed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
