"""Forms of the outreach screens. They check shapes only; the services check the rules and
their ValidationErrors are put back on the form with ``add_service_errors``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import UnitChoiceField
from linli.accounts.selectors import units_where, visible_users
from linli.directory.choices import OrganizationKind
from linli.outreach import selectors, services
from linli.outreach.choices import (
    AgentMode,
    AgentStatus,
    AnswerReason,
    CallOutcome,
    CityType,
    ContentChannel,
    ContentKind,
    ContentStatus,
    CorrectionField,
    CorrectionSource,
    Qualification,
    ReviewPhase,
    SigningStatus,
)


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.organization.name} ({obj.get_status_display()})"


def _city_and_agent_choices(form, actor) -> None:
    """The city and agent filters of a list: the visible companies' cities, the agents."""
    form.fields["city"].choices = [("", _("All cities")), *(
        (c, c) for c in selectors.partner_cities(actor))]
    form.fields["agent"].choices = [("", _("All agents")), *(
        (str(a.pk), a.organization.name) for a in selectors.agent_choices(actor))]


class PartnerFilterForm(forms.Form):
    saved = forms.ChoiceField(label=_("Saved filter"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    city = forms.ChoiceField(label=_("City"), required=False)
    signing_status = forms.ChoiceField(
        label=_("Signing status"), required=False,
        choices=[("", _("All")), *SigningStatus.choices])
    qualification = forms.ChoiceField(
        label=_("Qualification"), required=False,
        choices=[("", _("All")), *Qualification.choices])

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved"].choices = [("", _("None")), *(
            (f.code, f.name) for f in selectors.saved_filters(actor))]
        self.fields["city"].choices = [("", _("All cities")), *(
            (c, c) for c in selectors.partner_cities(actor))]

    def filters(self, sort: str = "") -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {key: data.get(key, "") for key in
                ("saved", "q", "city", "signing_status", "qualification")} | {"sort": sort}


class PartnerProfileForm(forms.Form):
    signing_status = forms.ChoiceField(label=_("Signing status"), choices=SigningStatus.choices)
    agent = AgentChoiceField(label=_("Agent"), queryset=None, required=False)
    qualification = forms.ChoiceField(label=_("Qualification"), choices=Qualification.choices)
    households = forms.IntegerField(label=_("Households under management"), min_value=0,
                                    max_value=10_000_000, required=False)
    occupancy_rate = forms.DecimalField(label=_("Occupancy rate (%)"), min_value=0,
                                        max_value=100, decimal_places=2, required=False)
    opted_out = forms.BooleanField(label=_("Opted out of mailings"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = selectors.agent_choices(actor)


class PartnerForm(PartnerProfileForm):
    """A new company or office: the directory's fields, a contact, then the registry entry."""

    org_unit = UnitChoiceField(label=_("Managed by"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        (OrganizationKind.PROPERTY_COMPANY, OrganizationKind.PROPERTY_COMPANY.label),
        (OrganizationKind.MANAGEMENT_OFFICE, OrganizationKind.MANAGEMENT_OFFICE.label)])
    name = forms.CharField(label=_("Name"), max_length=200)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    address = forms.CharField(label=_("Company address"), max_length=300, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    contact_name = forms.CharField(label=_("Contact"), max_length=100, required=False)
    contact_mobile = forms.CharField(label=_("Contact mobile"), max_length=30, required=False)
    contact_landline = forms.CharField(label=_("Contact landline"), max_length=30,
                                       required=False)
    field_order = ["org_unit", "kind", "name", "province", "city", "address", "landline",
                   "email", "contact_name", "contact_mobile", "contact_landline"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_partner")


class AgentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *AgentStatus.choices])

    def filters(self) -> dict:
        self.is_valid()
        return {"q": self.cleaned_data.get("q", ""),
                "status": self.cleaned_data.get("status", "")}


class AgentForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Managed by"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=30, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=AgentStatus.choices)
    mode = forms.ChoiceField(label=_("Operating mode"), choices=AgentMode.choices)
    credit_limit = forms.DecimalField(label=_("Credit limit"), min_value=0, max_digits=12,
                                      decimal_places=2, initial=0)
    contact_name = forms.CharField(label=_("Contact"), max_length=100, required=False)
    contact_mobile = forms.CharField(label=_("Contact mobile"), max_length=30, required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_agent")


class AgentEditForm(forms.Form):
    mode = forms.ChoiceField(label=_("Operating mode"), choices=AgentMode.choices)
    credit_limit = forms.DecimalField(label=_("Credit limit"), min_value=0, max_digits=12,
                                      decimal_places=2)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))


class AgentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=AgentStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class HandoverForm(forms.Form):
    to_agent = AgentChoiceField(label=_("Hand the companies over to"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, actor, agent, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agent"].queryset = selectors.handover_targets(actor, agent)


class CityFilterForm(forms.Form):
    type = forms.TypedChoiceField(label=_("City type"), required=False, coerce=int,
                                  empty_value=None,
                                  choices=[("", _("All types")), *CityType.choices])


# --- callback campaigns (OUT-2) -------------------------------------------------------------

RETRY_OUTCOMES = (CallOutcome.REFUSED, CallOutcome.NO_ANSWER, CallOutcome.UNREACHABLE)


class CampaignForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Run by"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    phase = forms.CharField(label=_("Phase"), max_length=50, required=False,
                            help_text=_("E.g. “first round”, “second round”."))
    source = forms.ChoiceField(label=_("Call list"))
    outcomes = forms.MultipleChoiceField(
        label=_("Outcomes to call again"), required=False, choices=CallOutcome.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a previous campaign: the companies whose last call had one of these "
                    "outcomes."))
    script = forms.CharField(label=_("Script shown to the callers"), required=False,
                             widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_campaign")
        self.fields["source"].choices = [
            ("signed", _("All signed companies")),
            *((f"saved:{f.code}", _("Saved filter: %(name)s") % {"name": f.name})
              for f in selectors.saved_filters(actor)),
            *((f"campaign:{c.pk}", _("Again from campaign: %(name)s") % {"name": c.name})
              for c in selectors.campaign_choices(actor)[:50]),
        ]
        for outcome in RETRY_OUTCOMES:
            rule = services.DEFAULT_RETRY_RULES[outcome.value]
            self.fields[f"max_{outcome.value}"] = forms.IntegerField(
                label=_("Calls at most after “%(outcome)s”") % {"outcome": outcome.label},
                min_value=1, max_value=services.MAX_ATTEMPTS, initial=rule["max_attempts"])
            self.fields[f"wait_{outcome.value}"] = forms.IntegerField(
                label=_("Hours before calling again after “%(outcome)s”") % {
                    "outcome": outcome.label},
                min_value=0, max_value=services.MAX_WAIT_HOURS, initial=rule["wait_hours"])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kind, _sep, value = data["source"].partition(":")
        source = {"kind": kind}
        if kind == "saved":
            source["code"] = value
        elif kind == "campaign":
            source.update(campaign=int(value), outcomes=data["outcomes"])
        rules = {o.value: {"max_attempts": data[f"max_{o.value}"],
                           "wait_hours": data[f"wait_{o.value}"]} for o in RETRY_OUTCOMES}
        return {"org_unit": data["org_unit"], "name": data["name"], "phase": data["phase"],
                "script": data["script"], "source": source, "retry_rules": rules}


class AssignForm(forms.Form):
    callers = forms.ModelMultipleChoiceField(label=_("Callers"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["callers"].queryset = visible_users(actor).filter(is_active=True)


class CallForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices,
                                widget=forms.RadioSelect)
    phone = forms.CharField(label=_("Number called"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class StatisticsFilterForm(forms.Form):
    campaign = forms.ChoiceField(label=_("Campaign"), required=False)
    group_by = forms.ChoiceField(label=_("By"), required=False, choices=[
        ("", _("Outcome only")), ("city", _("City")), ("agent", _("Agent")),
        ("phase", _("Phase")), ("campaign", _("Campaign"))])
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int,
                                   empty_value=None)
    exclude_litigation = forms.BooleanField(
        label=_("Leave out companies of agents in litigation"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", _("All campaigns")), *(
            (str(c.pk), c.name) for c in selectors.campaign_choices(actor)[:100])]
        _city_and_agent_choices(self, actor)
        self.fields["phase"].choices = [("", _("All phases")), *(
            (p, p) for p in selectors.campaign_phases(actor))]


# --- saved partner filters ------------------------------------------------------------------

class SavedFilterForm(forms.Form):
    """A saved selection of the registry: its code, name and criteria."""

    code = forms.SlugField(label=_("Code"), max_length=50,
                           help_text=_("Lower-case letters, digits and “-”, e.g. "
                                       "quality-unsigned."))
    name = forms.CharField(label=_("Name"), max_length=100)
    signing_status = forms.ChoiceField(label=_("Signing status"), required=False,
                                       choices=[("", _("All")), *SigningStatus.choices])
    qualifications = forms.MultipleChoiceField(
        label=_("Qualifications"), required=False, choices=Qualification.choices,
        widget=forms.CheckboxSelectMultiple)
    households_min = forms.IntegerField(label=_("Households at least"), min_value=0,
                                        max_value=10_000_000, required=False)
    occupancy_min = forms.IntegerField(label=_("Occupancy rate at least (%)"), min_value=0,
                                       max_value=100, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    agent_status = forms.ChoiceField(label=_("Agent status"), required=False,
                                     choices=[("", _("All")), *AgentStatus.choices])
    exclude_opted_out = forms.BooleanField(label=_("Leave out companies that opted out"),
                                           required=False)

    CRITERIA = ("signing_status", "qualifications", "households_min", "occupancy_min", "city",
                "agent_status", "exclude_opted_out")

    def __init__(self, *args, code_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if code_fixed:
            self.fields["code"].disabled = True

    def params(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in self.CRITERIA if data.get(key) not in (None, "", [])}


# --- contact corrections (OUT-3) ------------------------------------------------------------

class ReviewFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    phase = forms.ChoiceField(label=_("Phase"), required=False,
                              choices=[("", _("All phases")), *ReviewPhase.choices])
    city = forms.ChoiceField(label=_("City"), required=False)
    agent = forms.TypedChoiceField(label=_("Agent"), required=False, coerce=int,
                                   empty_value=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        _city_and_agent_choices(self, actor)

    def filters(self) -> dict:
        self.is_valid()
        return {key: self.cleaned_data.get(key) or "" for key in ("q", "phase", "city", "agent")}


class ReviewOpenForm(forms.Form):
    """Phase one: the companies of a callback campaign with the outcomes to correct."""

    campaign = forms.TypedChoiceField(label=_("From campaign"), coerce=int)
    outcomes = forms.MultipleChoiceField(
        label=_("Companies whose last call was"), choices=CallOutcome.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[CallOutcome.REFUSED, CallOutcome.NO_ANSWER, CallOutcome.UNREACHABLE])

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [
            (c.pk, c.name) for c in selectors.campaign_choices(actor)[:50]]


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=CorrectionField.choices)
    new_value = forms.CharField(label=_("Correct value"), max_length=300)
    source = forms.ChoiceField(label=_("Source"), choices=CorrectionSource.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReviewPhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Move to"), choices=ReviewPhase.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class VerifyForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Verdict"), coerce=lambda v: v == "1",
                                    choices=[("1", _("Accept")), ("0", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AnswerForm(forms.Form):
    reason = forms.ChoiceField(label=_("Answer"), choices=AnswerReason.choices)
    contact_name = forms.CharField(label=_("Corrected contact person"), max_length=100,
                                   required=False)
    mobile = forms.CharField(label=_("Corrected mobile"), max_length=30, required=False)
    landline = forms.CharField(label=_("Corrected landline"), max_length=30, required=False)
    email = forms.CharField(label=_("Corrected e-mail"), max_length=254, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    FIELDS = {"contact_name": CorrectionField.CONTACT_NAME,
              "mobile": CorrectionField.CONTACT_MOBILE, "landline": CorrectionField.LANDLINE,
              "email": CorrectionField.EMAIL}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"reason": data["reason"], "note": data["note"],
                "values": {f: data[k] for k, f in self.FIELDS.items() if data[k]}}


class SpotCheckForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Called by"), queryset=None)
    month = forms.DateField(label=_("Month"), help_text=_("Any day of the month."))
    per_group = forms.TypedChoiceField(label=_("Companies per city and agent"), coerce=int,
                                       choices=[(n, n) for n in services.SPOT_CHECK_SIZES])
    seed = forms.IntegerField(label=_("Seed"), required=False, min_value=0,
                              help_text=_("Empty: the month (e.g. 202603). The same seed draws "
                                          "the same companies."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_spotcheck")


# --- content calendar (OUT-8) ---------------------------------------------------------------

class ContentFilterForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All")), *ContentKind.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All")), *ContentChannel.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *ContentStatus.choices])
    topic = forms.CharField(label=_("Topic"), required=False, max_length=100)

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            return None
        try:
            return dt.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None

    def filters(self) -> dict:
        self.is_valid()
        data = self.cleaned_data
        return {key: data.get(key) or "" for key in ("month", "kind", "channel", "status",
                                                     "topic")}


class ContentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContentKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=100, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=ContentChannel.choices)
    planned_on = forms.DateField(label=_("Planned date"))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = visible_users(actor).filter(is_active=True)


class ContentCreateForm(ContentForm):
    org_unit = UnitChoiceField(label=_("Kept by"), queryset=None)
    field_order = ["org_unit"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, actor=actor, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_contentitem")


class ContentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ContentStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
