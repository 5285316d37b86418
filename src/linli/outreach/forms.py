"""Forms of the outreach screens. They check shapes only; the services check the rules and
their ValidationErrors are put back on the form with ``add_service_errors``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import UnitChoiceField
from linli.accounts.selectors import units_where, visible_users
from linli.directory.choices import OrganizationKind
from linli.outreach import selectors, services
from linli.outreach.choices import (
    AgentMode,
    AgentStatus,
    CallOutcome,
    CityType,
    Qualification,
    SigningStatus,
)


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.organization.name} ({obj.get_status_display()})"


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
    exclude_litigation = forms.BooleanField(
        label=_("Leave out companies of agents in litigation"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", _("All campaigns")), *(
            (str(c.pk), c.name) for c in selectors.campaign_choices(actor)[:100])]
        self.fields["phase"].choices = [("", _("All phases")), *(
            (p, p) for p in selectors.campaign_phases(actor))]
