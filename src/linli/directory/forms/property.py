"""Forms of the property screens: communities, buildings, sections, layouts, units, zones.

Forms parse what people type; the services decide. Their ValidationErrors come back onto the
form with ``add_service_errors``.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import UnitChoiceField
from linli.accounts.selectors import units_where
from linli.directory.choices import (
    CommunityKind,
    DecorationStatus,
    OrganizationKind,
    Orientation,
    UnitStatus,
    UnitUse,
)
from linli.directory.selectors import property as selectors

_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _blank(label) -> list[tuple[str, str]]:
    return [("", label)]


# --- communities ----------------------------------------------------------------------------

class CommunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or pinyin")}))
    city = forms.ChoiceField(label=_("City"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=_blank(_("All types")) + list(CommunityKind.choices))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = _blank(_("All cities")) + [
            (c, c) for c in selectors.community_cities(actor)]

    def filters(self, sort: str = "") -> dict:
        """The selector's filters; an invalid filter is dropped rather than failing the list."""
        self.is_valid()
        data = self.cleaned_data
        return {"q": data.get("q", ""), "city": data.get("city", ""),
                "kind": data.get("kind", ""), "sort": sort}


class CommunityForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=CommunityKind.choices)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6,
                                  min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6,
                                   min_value=-180, max_value=180, required=False)
    developer = forms.ModelChoiceField(label=_("Developer"), queryset=None, required=False)
    property_company = forms.ModelChoiceField(label=_("Property company"), queryset=None,
                                              required=False)
    management_office = forms.ModelChoiceField(label=_("Management office"), queryset=None,
                                               required=False)
    price_level = forms.DecimalField(label=_("Average price per m²"), max_digits=12,
                                     decimal_places=2, min_value=0, required=False)
    total_units = forms.IntegerField(label=_("Planned units"), min_value=0, required=False)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    property_phone = forms.CharField(label=_("Property service phone"), max_length=20,
                                     required=False)

    ORG_KINDS = {"developer": OrganizationKind.DEVELOPER,
                 "property_company": OrganizationKind.PROPERTY_COMPANY,
                 "management_office": OrganizationKind.MANAGEMENT_OFFICE}

    def __init__(self, *args, actor, permission: str = "directory.add_community", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, permission)
        for name, kind in self.ORG_KINDS.items():
            self.fields[name].queryset = selectors.organization_choices(actor, kind)

    def service_fields(self) -> dict:
        """Everything but the org unit, as the services take it."""
        data = dict(self.cleaned_data)
        data.pop("org_unit")
        for name in ("province", "city", "district", "address", "property_phone"):
            data[name] = data[name] or ""
        return data


# --- buildings and sections -----------------------------------------------------------------

class BuildingForm(forms.Form):
    number = forms.CharField(label=_("Building number"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    floors_above = forms.IntegerField(label=_("Floors above ground"), min_value=1,
                                      max_value=200, initial=18)
    floors_below = forms.IntegerField(label=_("Floors below ground"), min_value=0,
                                      max_value=10, initial=0)
    delivery_date = forms.DateField(label=_("Delivery date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))


class SectionForm(forms.Form):
    number = forms.CharField(label=_("Section number"), max_length=20)


def _int_list(value: str, label: str) -> list[int]:
    items = [p for p in _LIST_SEPARATORS.split(value or "") if p]
    try:
        return [int(p) for p in items]
    except ValueError:
        raise ValidationError(
            _("Enter whole numbers separated by commas, e.g. %(example)s.") % {"example": label}
        ) from None


class GenerateUnitsForm(forms.Form):
    floor_from = forms.IntegerField(label=_("From floor"), initial=1)
    floor_to = forms.IntegerField(label=_("To floor"))
    units_per_floor = forms.IntegerField(label=_("Units per floor (per section)"), min_value=1,
                                         max_value=100, initial=2)
    sections = forms.CharField(
        label=_("Sections"), required=False, max_length=200,
        help_text=_("Section numbers separated by commas, e.g. 1, 2; empty for none."))
    skip_floors = forms.CharField(
        label=_("Floors to skip"), required=False, max_length=200,
        help_text=_("e.g. 4, 13, 14"))
    shop_floors = forms.CharField(
        label=_("Shop floors"), required=False, max_length=200,
        help_text=_("Units on these floors are shops, e.g. 1"))
    number_pattern = forms.CharField(
        label=_("Room number pattern"), max_length=50, initial="{floor}{index:02d}",
        help_text=_("{floor} is the floor, {index} the unit on the floor: "
                    "{floor}{index:02d} gives 1502."))
    built_area = forms.DecimalField(label=_("Built area (m²)"), max_digits=9, decimal_places=2,
                                    min_value=0, required=False)
    layout = forms.ModelChoiceField(label=_("Layout"), queryset=None, required=False)

    def __init__(self, *args, actor, building, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].queryset = selectors.layout_list(actor, building.community)
        self.fields["floor_to"].initial = building.floors_above
        existing = [s.number for s in selectors.section_list(actor, {"building": building.pk})]
        self.fields["sections"].initial = ", ".join(existing)

    def clean_sections(self) -> list[str]:
        return [p for p in _LIST_SEPARATORS.split(self.cleaned_data["sections"] or "") if p]

    def clean_skip_floors(self) -> list[int]:
        return _int_list(self.cleaned_data["skip_floors"], "4, 13, 14")

    def clean_shop_floors(self) -> list[int]:
        return _int_list(self.cleaned_data["shop_floors"], "1")


# --- layouts and units ----------------------------------------------------------------------

class LayoutForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    bedrooms = forms.IntegerField(label=_("Bedrooms"), min_value=0, max_value=50, initial=0)
    living_rooms = forms.IntegerField(label=_("Living rooms"), min_value=0, max_value=50,
                                      initial=0)
    bathrooms = forms.IntegerField(label=_("Bathrooms"), min_value=0, max_value=50, initial=0)
    built_area = forms.DecimalField(label=_("Built area (m²)"), max_digits=9, decimal_places=2,
                                    min_value=0, required=False)


class UnitForm(forms.Form):
    section = forms.ModelChoiceField(label=_("Section"), queryset=None, required=False,
                                     empty_label=_("No section"))
    floor = forms.IntegerField(label=_("Floor"))
    number = forms.CharField(label=_("Room number"), max_length=20)
    use = forms.ChoiceField(label=_("Use"), choices=UnitUse.choices)
    layout = forms.ModelChoiceField(label=_("Layout"), queryset=None, required=False)
    built_area = forms.DecimalField(label=_("Built area (m²)"), max_digits=9, decimal_places=2,
                                    min_value=0, required=False)
    measured_area = forms.DecimalField(label=_("Measured area (m²)"), max_digits=9,
                                       decimal_places=2, min_value=0, required=False)
    orientation = forms.ChoiceField(label=_("Orientation"), required=False,
                                    choices=_blank("—") + list(Orientation.choices))
    status = forms.ChoiceField(label=_("Status"), choices=UnitStatus.choices)
    decoration_status = forms.ChoiceField(label=_("Decoration"), required=False,
                                          choices=_blank("—") + list(DecorationStatus.choices))

    def __init__(self, *args, actor, building, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = selectors.section_list(actor, {"building": building.pk})
        self.fields["layout"].queryset = selectors.layout_list(actor, building.community)


# --- zones ----------------------------------------------------------------------------------

class SectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("Building %(building)s, section %(section)s") % {
            "building": obj.building.number, "section": obj.number}


class ZoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    housekeeper = forms.ModelChoiceField(label=_("Housekeeper"), queryset=None, required=False)
    public_phone = forms.CharField(label=_("Published phone"), max_length=20, required=False)
    buildings = forms.ModelMultipleChoiceField(
        label=_("Whole buildings"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    sections = SectionChoiceField(
        label=_("Single sections"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A section listed here belongs to this zone even when its building belongs "
                    "to another."))

    def __init__(self, *args, actor, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["housekeeper"].queryset = selectors.housekeeper_choices(actor)
        self.fields["buildings"].queryset = selectors.building_list(
            actor, {"community": community.pk})
        self.fields["sections"].queryset = selectors.section_list(
            actor, {"community": community.pk})
