"""Forms of the sales screens: they parse input; the services check the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import add_service_errors
from linli.directory.choices import Orientation
from linli.sales.choices import ChangeKind, PaymentMethod, PlanKind
from linli.sales.models import MAX_AREA, MAX_UNIT_PRICE, MIN_AREA
from linli.sales.reports.selectors import filters_check
from linli.sales.states import (
    AssignmentMethod,
    Intention,
    LeadChannel,
    LostAppliesTo,
    ProjectStatus,
    RuleKind,
    SaleStatus,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class ProjectForm(forms.Form):
    community = forms.ModelChoiceField(None, label=_("Community"))
    name = forms.CharField(label=_("Name"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    launch_date = forms.DateField(label=_("Launch date"), required=False, widget=DATE)
    presale_permit = forms.CharField(label=_("Pre-sale permit number"), max_length=100,
                                     required=False)

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class EnlistForm(forms.Form):
    building = forms.ModelChoiceField(None, label=_("Building"))
    batch = forms.CharField(label=_("Batch"), max_length=50, required=False)
    built_area = forms.DecimalField(
        label=_("Sale area of units without a built area (m²)"), required=False,
        max_digits=9, decimal_places=2, min_value=MIN_AREA, max_value=MAX_AREA)
    orientation = forms.ChoiceField(label=_("Orientation of units without one"),
                                    choices=_blank(Orientation.choices), required=False)

    def __init__(self, *args, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class ChartFilterForm(forms.Form):
    project = forms.ModelChoiceField(None, label=_("Project"),
                                     required=False)
    building = forms.ModelChoiceField(None, label=_("Building"),
                                      required=False)
    status = forms.ChoiceField(label=_("Sale status"), choices=_blank(SaleStatus.choices),
                               required=False)
    orientation = forms.ChoiceField(label=_("Orientation"), choices=_blank(Orientation.choices),
                                    required=False)
    floor_from = forms.IntegerField(label=_("From floor"), required=False, min_value=-10,
                                    max_value=200)
    floor_to = forms.IntegerField(label=_("To floor"), required=False, min_value=-10,
                                  max_value=200)
    area_from = forms.DecimalField(label=_("Area from (m²)"), required=False, min_value=0,
                                   max_value=MAX_AREA, max_digits=9, decimal_places=2)
    area_to = forms.DecimalField(label=_("Area to (m²)"), required=False, min_value=0,
                                 max_value=MAX_AREA, max_digits=9, decimal_places=2)

    def __init__(self, *args, projects=None, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["building"].queryset = buildings

    def filters(self) -> dict:
        if not self.is_valid():
            return {"project": -1}  # invalid filters show nothing rather than everything
        data = dict(self.cleaned_data)
        for key in ("project", "building"):
            data[key] = data[key].pk if data[key] else None
        return data


class PriceListTermsForm(forms.Form):
    """What a price list says, as it is created and edited (ending it: its last day)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    batch = forms.CharField(label=_("Batch"), max_length=50, required=False,
                            help_text=_("Leave empty for the whole building."))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=DATE,
                               help_text=_("Leave empty while the list has no end."))
    base_price = forms.DecimalField(label=_("Base price per m²"), max_digits=14,
                                    decimal_places=2, min_value=1, max_value=MAX_UNIT_PRICE)
    floor_price = forms.DecimalField(label=_("Floor price per m²"), max_digits=14,
                                     decimal_places=2, min_value=0, max_value=MAX_UNIT_PRICE,
                                     required=False)
    reference_floor = forms.IntegerField(label=_("Reference floor"), initial=1, min_value=-10,
                                         max_value=200)


class PriceListForm(PriceListTermsForm):
    project = forms.ModelChoiceField(None, label=_("Project"))
    building = forms.ModelChoiceField(None, label=_("Building"))
    seed_rules = forms.BooleanField(
        label=_("Start with the standard rules (area, floor, orientation, contract total)"),
        required=False, initial=True)
    field_order = ["project", "building"]

    def __init__(self, *args, projects=None, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["building"].queryset = buildings


class RuleTermsForm(forms.Form):
    """What a rule says, as it is added and as a new version of it is made."""

    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    lower = forms.DecimalField(label=_("From (m², floor or total)"), required=False,
                               max_digits=14, decimal_places=2)
    upper = forms.DecimalField(label=_("To (m² or floor)"), required=False, max_digits=14,
                               decimal_places=2)
    orientation = forms.ChoiceField(label=_("Orientation"), choices=_blank(Orientation.choices),
                                    required=False)
    factor = forms.DecimalField(label=_("Coefficient"), required=False, max_digits=6,
                                decimal_places=4)
    amount = forms.DecimalField(label=_("Step per m² per floor"), required=False,
                                max_digits=14, decimal_places=2)
    valid_to = forms.DateField(label=_("Effective until"), required=False, widget=DATE)


class RuleForm(RuleTermsForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    valid_from = forms.DateField(label=_("Effective from"), required=False, widget=DATE)
    field_order = ["kind", "name", "lower", "upper", "orientation", "factor", "amount",
                   "valid_from", "valid_to"]


class RuleRevisionForm(RuleTermsForm):
    """A new version of a rule from a day on, starting from the values of the one it follows."""

    effective = forms.DateField(label=_("New version effective from"), widget=DATE,
                                help_text=_("The current version ends the day before."))
    field_order = ["effective"]

    @classmethod
    def of(cls, rule, data=None, *, today):
        initial = {field: getattr(rule, field) for field in cls.base_fields
                   if field != "effective"}
        initial["effective"] = max(today, rule.valid_from + dt.timedelta(days=1))
        return cls(data, initial=initial)


class RuleEndForm(forms.Form):
    last_day = forms.DateField(label=_("Last day"), widget=DATE,
                               help_text=_("From the day after, the rule no longer prices any "
                                           "unit."))


class QuoteForm(forms.Form):
    agreed = forms.ModelMultipleChoiceField(None, required=False,
                                            label=_("Agreed discounts"),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, agreed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed"].queryset = agreed


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


# --- deals (SAL-3) --------------------------------------------------------------------------

MONEY_FIELD = {"max_digits": 14, "decimal_places": 2}


def _person_label(person) -> str:
    return f"{person.name} (#{person.pk})"


class BuyerChoiceForm(forms.Form):
    """A form with a buyer chosen among the people found by the page's search (``q``); the
    choice is validated against every visible person, the list shows the candidates only."""

    person = forms.ModelChoiceField(None, label=_("Buyer"), widget=forms.RadioSelect,
                                    error_messages={"required": _("Search and choose the "
                                                                  "buyer.")})

    def __init__(self, *args, people=None, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        field.queryset = people
        field.widget.choices = [(p.pk, _person_label(p)) for p in candidates]


class QueueNumberForm(BuyerChoiceForm):
    project = forms.ModelChoiceField(None, label=_("Project"))
    deposit = forms.DecimalField(label=_("Queue deposit"), min_value=0, **MONEY_FIELD)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class QueueConvertForm(forms.Form):
    sale_unit = forms.ModelChoiceField(None, label=_("Unit"))
    deposit = forms.DecimalField(label=_("Deposit"), **MONEY_FIELD)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sale_unit"].queryset = units


class SubscriptionTermsForm(forms.Form):
    """The terms of a subscription: the price (a quote, or the list price), the deposit, the
    name on it and the day."""

    quote = forms.ModelChoiceField(None, label=_("Quote"), required=False,
                                   help_text=_("Leave empty to subscribe at the list price."))
    deposit = forms.DecimalField(label=_("Deposit"), **MONEY_FIELD)
    buyer_name = forms.CharField(label=_("Buyer name on the subscription"), max_length=200,
                                 required=False,
                                 help_text=_("Leave empty to use the person's name."))
    subscribed_on = forms.DateField(label=_("Subscribed on"), widget=DATE)

    def __init__(self, *args, quotes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].queryset = quotes


class SubscriptionForm(BuyerChoiceForm, SubscriptionTermsForm):
    field_order = ["person"]


class OpportunitySubscriptionForm(SubscriptionTermsForm):
    """A subscription made for an opportunity: its customer is the buyer; the unit is one of
    the project's that can be subscribed, at a quote of it or its list price."""

    sale_unit = forms.ModelChoiceField(None, label=_("Unit"), error_messages={
        "required": _("Choose the unit."),
        "invalid_choice": _("Choose a unit of the project that can be subscribed.")})
    field_order = ["sale_unit"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sale_unit"].queryset = units
        self.fields["sale_unit"].label_from_instance = _unit_label


def _unit_label(sale_unit) -> str:
    price = sale_unit.list_total
    return f"{sale_unit.unit.room_code} · {sale_unit.built_area} m²" + (
        f" · {price:,.0f}" if price else "")


class ReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=500)


class CancelForm(ReasonForm):
    """Cancelling a subscription or contract: a reason of the lost-reason catalogue (SAL-4)
    and the note telling it."""

    reason = forms.ModelChoiceField(None, label=_("Lost reason"), error_messages={
        "required": _("Choose why it is lost."),
        "invalid_choice": _("Choose a lost reason of the catalogue.")})

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons


class SubscriptionChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Change"), choices=ChangeKind.choices)
    sale_unit = forms.ModelChoiceField(None, label=_("New unit"), required=False)
    total = forms.DecimalField(label=_("New price"), required=False, **MONEY_FIELD,
                               help_text=_("For a change of unit: leave empty for its list "
                                           "price."))
    buyer_name = forms.CharField(label=_("New buyer name"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sale_unit"].queryset = units


class ContractForm(forms.Form):
    """The contract of a subscription and its payment plan; instalments are typed one per line
    as "day amount" (e.g. "2026-03-01 300000")."""

    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    plan_kind = forms.ChoiceField(label=_("Payment plan"), choices=PlanKind.choices)
    down_payment = forms.DecimalField(label=_("Down payment"), required=False, **MONEY_FIELD)
    loan_amount = forms.DecimalField(label=_("Loan amount"), required=False, **MONEY_FIELD)
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    loan_due_on = forms.DateField(label=_("Loan expected on"), required=False, widget=DATE)
    instalments = forms.CharField(
        label=_("Instalments"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the due day and the amount, e.g. 2026-03-01 300000."))

    def clean_instalments(self):
        rows = []
        for n, text in enumerate((self.cleaned_data["instalments"] or "").splitlines(), 1):
            if not text.strip():
                continue
            parts = text.split()
            try:
                day, amount = dt.date.fromisoformat(parts[0]), Decimal(parts[1])
            except (IndexError, ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("Line %(n)s: write the due day and the amount, e.g. 2026-03-01 300000.")
                    % {"n": n}) from None
            rows.append((day, amount))
        return rows


class PaymentForm(forms.Form):
    line = forms.ModelChoiceField(None, label=_("Plan line"), required=False,
                                  empty_label=_("The first line with a balance"))
    amount = forms.DecimalField(label=_("Amount"), **MONEY_FIELD)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=[
        c for c in PaymentMethod.choices if c[0] != PaymentMethod.DEPOSIT])
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args, lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = lambda line: (
            f"{line.seq} · {line.get_kind_display()} · {line.due_on} · {line.receivable:,.2f}")


class FilingForm(forms.Form):
    filing_number = forms.CharField(label=_("Filing number"), max_length=50)
    filed_on = forms.DateField(label=_("Filed on"), widget=DATE)


class SettlementForm(forms.Form):
    measured_area = forms.DecimalField(label=_("Measured area (m²)"), max_digits=9,
                                       decimal_places=2)
    settled_on = forms.DateField(label=_("Settled on"), widget=DATE)


# --- leads and opportunities (SAL-1, SAL-2, SAL-4) ------------------------------------------

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LeadForm(forms.Form):
    project = forms.ModelChoiceField(None, label=_("Project"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    name = forms.CharField(label=_("Customer's name"), max_length=100, required=False,
                           help_text=_("Needed when nobody has this phone yet."))
    channel = forms.ChoiceField(label=_("Channel"), choices=LeadChannel.choices)
    source = forms.CharField(label=_("Source"), max_length=200, required=False,
                             help_text=_("The campaign, event, advertisement or referrer."))
    agency = forms.ModelChoiceField(None, label=_("Agency"), required=False)
    is_vip = forms.BooleanField(label=_("VIP"), required=False)
    needs = forms.CharField(label=_("Needs"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))

    def __init__(self, *args, projects=None, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["agency"].queryset = agencies


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300)


class AssignForm(forms.Form):
    rep = forms.ChoiceField(label=_("Rep"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, reps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].choices = _blank([(u.pk, str(u)) for u in reps])


class DisputeForm(forms.Form):
    project = forms.ModelChoiceField(None, label=_("Project"))
    phone = forms.CharField(label=_("Phone"), max_length=40)
    reason = forms.CharField(label=_("Why the customer is yours"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class OpportunityForm(forms.Form):
    intention = forms.ChoiceField(label=_("Intention level"), choices=Intention.choices,
                                  initial=Intention.GENERAL)
    needs = forms.CharField(label=_("Needs"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("Budget"), required=False, min_value=0,
                                max_digits=14, decimal_places=2)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    follow_up_at = forms.DateTimeField(label=_("Follow up at"), required=False,
                                       widget=DATETIME)


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=300)
    next_step = forms.CharField(label=_("Next step"), max_length=300, required=False)
    follow_up_at = forms.DateTimeField(label=_("Follow up at"), required=False,
                                       widget=DATETIME)


class LoseForm(forms.Form):
    reason = forms.ModelChoiceField(None, label=_("Lost reason"), required=False)
    competitor = forms.CharField(label=_("Competitor"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons


class VisitForm(forms.Form):
    companions = forms.IntegerField(label=_("People with them"), min_value=0, max_value=50,
                                    initial=0)
    sale_units = forms.ModelMultipleChoiceField(None, label=_("Units shown"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, sale_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sale_units"].queryset = sale_units


class AppointmentForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts at"), required=False, widget=DATETIME)
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=10, max_value=480,
                                 initial=60)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    sale_units = forms.ModelMultipleChoiceField(None, label=_("Units to view"), required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, sale_units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sale_units"].queryset = sale_units


class ReviewForm(forms.Form):
    rep = forms.ChoiceField(label=_("Reassign to"), required=False,
                            help_text=_("A VIP customer goes to you personally."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, reps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].choices = _blank([(u.pk, str(u)) for u in reps])


class LostReasonForm(forms.Form):
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=LostAppliesTo.choices)
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=_blank(
        [(s.value, s.label) for s in Stage if s not in (Stage.WON, Stage.LOST)]))
    name = forms.CharField(label=_("Name"), max_length=100)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000, initial=0)


class LeadPolicyForm(forms.Form):
    protection_days = forms.IntegerField(label=_("Customer protection period (days)"),
                                         min_value=1, max_value=365)
    pool_after_days = forms.IntegerField(
        label=_("Move unworked leads to the public pool after (days)"), min_value=1,
        max_value=365)


class AssignmentRuleForm(forms.Form):
    project = forms.ModelChoiceField(None, label=_("Project"))
    name = forms.CharField(label=_("Name"), max_length=100)
    method = forms.ChoiceField(label=_("Method"), choices=AssignmentMethod.choices)
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=_blank(LeadChannel.choices))
    for_vip = forms.BooleanField(label=_("VIP leads only"), required=False)
    reps = forms.MultipleChoiceField(label=_("Reps"), required=False)
    manager = forms.ChoiceField(label=_("Business manager"), required=False)
    capacity = forms.IntegerField(label=_("Open leads per rep"), min_value=1, max_value=1000,
                                  initial=50)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000, initial=0)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=DATE)

    def __init__(self, *args, projects=None, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        choices = [(u.pk, str(u)) for u in users]
        self.fields["reps"].choices = choices
        self.fields["manager"].choices = _blank(choices)


class SalesReportForm(forms.Form):
    """The filters of a sales report (SAL-6): only the fields the report uses
    (``reports.selectors.FIELDS``); checked by ``filters_check`` as the API's are."""

    start = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("Until"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    # Offered as lists, judged by ``filters_check`` alone (as the API's are).
    project = forms.IntegerField(label=_("Project"), required=False, widget=forms.Select)
    rep = forms.IntegerField(label=_("Rep"), required=False, widget=forms.Select)
    as_of = forms.DateField(label=_("As of"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, actor, fields: tuple[str, ...], projects, reps, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "project" in self.fields:
            self.fields["project"].widget.choices = [("", _("All projects")), *projects]
        if "rep" in self.fields:
            self.fields["rep"].widget.choices = [("", _("All reps")),
                                                 *((u.pk, str(u)) for u in reps)]
        self.actor = actor
        self.filters = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.filters = filters_check(self.actor, **{name: data.get(name)
                                                        for name in self.fields})
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data

    def checked_filters(self):
        """The filters asked for (the defaults when nothing was), or None when refused."""
        if not self.is_bound:
            return filters_check(self.actor)
        return self.filters if self.is_valid() else None
