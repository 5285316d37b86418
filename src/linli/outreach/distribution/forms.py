"""Forms of the edition, distribution, promotion and subsidy screens (OUT-5–7). They check
shapes only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import UnitChoiceField
from linli.accounts.selectors import units_where
from linli.outreach import selectors as registry_selectors
from linli.outreach.choices import CallOutcome, DeclineReason, EditionKind, Rollout
from linli.outreach.distribution import selectors
from linli.outreach.forms import AgentChoiceField
from linli.outreach.states import PromotionStage

MONTH_WIDGET = forms.DateInput(attrs={"type": "date"})


class EditionForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Kept by"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=EditionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    version = forms.CharField(label=_("Major version"), max_length=20, required=False,
                              help_text=_("For a handbook, e.g. “3”."))
    month = forms.DateField(label=_("Month"), widget=MONTH_WIDGET,
                            help_text=_("Any day of the month it is for."))
    has_new_content = forms.BooleanField(label=_("New content this month"), required=False,
                                         initial=True)
    file = forms.FileField(label=_("Document (PDF, Word, PowerPoint)"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_edition")


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    department = forms.CharField(label=_("Owner department"), max_length=100)
    day_of_month = forms.IntegerField(
        label=_("Day of month"), required=False, min_value=1, max_value=31,
        help_text=_("1 to 31; a day past the month's end is its last day. Empty: irregular, "
                    "the date is chosen each time."))
    active = forms.BooleanField(label=_("Active"), required=False)


class ChannelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        day = (_("day %(day)d") % {"day": obj.day_of_month} if obj.day_of_month
               else _("irregular"))
        return f"{obj.name} · {obj.department} · {day}"


class DistributionForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Run by"), queryset=None)
    edition = forms.ModelChoiceField(label=_("Edition"), queryset=None)
    channel = ChannelChoiceField(label=_("Channel"), queryset=None)
    chosen_date = forms.DateField(label=_("Day (irregular channels)"), required=False,
                                  widget=MONTH_WIDGET)
    agent = AgentChoiceField(label=_("Handed out by agent"), queryset=None, required=False)
    rollout = forms.ChoiceField(label=_("Roll-out"), choices=Rollout.choices,
                                initial=Rollout.NATIONAL)
    cities = forms.CharField(label=_("Pilot cities"), required=False, max_length=1000,
                             help_text=_("Separated by commas."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, "outreach.add_distribution")
        self.fields["edition"].queryset = selectors.edition_choices(actor)
        self.fields["channel"].queryset = selectors.channel_list(actor).filter(active=True)
        self.fields["agent"].queryset = registry_selectors.agent_choices(actor)

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["cities"] = [c for c in data["cities"].replace("，", ",").split(",") if c.strip()]
        return data


class CallbackForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallOutcome.choices)
    received = forms.BooleanField(label=_("Received the handbook"), required=False)
    opinion = forms.CharField(label=_("Opinion"), required=False, max_length=2000)
    decline_reason = forms.ChoiceField(
        label=_("Declines"), required=False,
        choices=[("", _("— does not decline —")), *DeclineReason.choices])


class PromotionMoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Move to"), choices=PromotionStage.choices)
    reason = forms.ChoiceField(label=_("Reason declined"), required=False,
                               choices=[("", "—"), *DeclineReason.choices])


class FunnelFilterForm(forms.Form):
    group_by = forms.ChoiceField(label=_("By"), required=False,
                                 choices=[("city", _("City")), ("agent", _("Agent"))])
    rollout = forms.ChoiceField(label=_("Roll-out"), required=False,
                                choices=[("", _("Pilot and national")), *Rollout.choices])
    stage = forms.ChoiceField(label=_("Stage"), required=False,
                              choices=[("", _("All stages")), *PromotionStage.choices])


class SubsidyRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    min_companies = forms.IntegerField(label=_("At least property companies"), min_value=0,
                                       initial=20)
    min_offices = forms.IntegerField(label=_("At least management offices"), min_value=0,
                                     initial=30)
    amount = forms.DecimalField(label=_("Amount per round (yuan)"), min_value=0,
                                max_digits=10, decimal_places=2)
    valid_from = forms.DateField(label=_("Valid from"), widget=MONTH_WIDGET)
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=MONTH_WIDGET)


class StatementForm(forms.Form):
    agent = AgentChoiceField(label=_("Agent"), queryset=None)
    month = forms.DateField(label=_("Month"), widget=MONTH_WIDGET,
                            help_text=_("Any day of the month."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = registry_selectors.agent_choices(actor)
