"""Forms of the sales screens: they parse input; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.directory.choices import Orientation
from linli.sales.models import MAX_AREA, MAX_UNIT_PRICE, MIN_AREA
from linli.sales.states import ProjectStatus, RuleKind, SaleStatus

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


class PriceListForm(forms.Form):
    project = forms.ModelChoiceField(None, label=_("Project"))
    building = forms.ModelChoiceField(None, label=_("Building"))
    name = forms.CharField(label=_("Name"), max_length=200)
    batch = forms.CharField(label=_("Batch"), max_length=50, required=False,
                            help_text=_("Leave empty for the whole building."))
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=DATE)
    base_price = forms.DecimalField(label=_("Base price per m²"), max_digits=14,
                                    decimal_places=2, min_value=1, max_value=MAX_UNIT_PRICE)
    floor_price = forms.DecimalField(label=_("Floor price per m²"), max_digits=14,
                                     decimal_places=2, min_value=0, max_value=MAX_UNIT_PRICE,
                                     required=False)
    reference_floor = forms.IntegerField(label=_("Reference floor"), initial=1, min_value=-10,
                                         max_value=200)
    seed_rules = forms.BooleanField(
        label=_("Start with the standard rules (area, floor, orientation, contract total)"),
        required=False, initial=True)

    def __init__(self, *args, projects=None, buildings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["building"].queryset = buildings


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
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
    valid_from = forms.DateField(label=_("Effective from"), required=False, widget=DATE)
    valid_to = forms.DateField(label=_("Effective until"), required=False, widget=DATE)


class QuoteForm(forms.Form):
    agreed = forms.ModelMultipleChoiceField(None, required=False,
                                            label=_("Agreed discounts"),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, agreed=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed"].queryset = agreed


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
