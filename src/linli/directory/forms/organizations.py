"""Forms of the organisation screens. They check shapes only; the services check the rules
(credit code, phones, e-mail, parent company, one legal representative) and their
ValidationErrors are put back on the form with ``add_service_errors``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import UnitChoiceField
from linli.accounts.selectors import units_where
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.selectors import organizations as selectors


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"placeholder": _("Name, pinyin or initials")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *OrganizationKind.choices])
    city = forms.ChoiceField(label=_("City"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities"))] + [
            (city, city) for city in selectors.organization_cities(actor)
        ]

    def filters(self, sort: str = "") -> dict:
        """The selector's filters; an invalid filter is dropped rather than failing the list."""
        self.is_valid()
        data = self.cleaned_data
        return {"q": data.get("q", ""), "kind": data.get("kind", ""),
                "city": data.get("city", ""), "sort": sort}


class OrganizationForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Managed by"), queryset=None,
                               help_text=_("The part of your organisation that keeps this "
                                           "record; its staff can see it."))
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganizationKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = ParentChoiceField(
        label=_("Parent company"), queryset=None, required=False,
        help_text=_("A management office belongs to a property company; a branch to a company "
                    "of its own kind."))
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30,
                                  required=False)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    address = forms.CharField(label=_("Company address"), max_length=300, required=False)
    mailing_address = forms.CharField(label=_("Mailing address"), max_length=300,
                                      required=False)
    landline = forms.CharField(label=_("Landline"), max_length=30, required=False,
                               help_text=_("With the area code, e.g. 010-12345678."))
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        permission = ("directory.change_organization" if organization is not None
                      else "directory.add_organization")
        self.fields["org_unit"].queryset = units_where(actor, permission)
        parents = selectors.parent_choices(actor)
        if organization is not None:
            parents = parents.exclude(pk=organization.pk)
        self.fields["parent"].queryset = parents


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices,
                             initial=ContactRole.STAFF)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=30, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    qq = forms.CharField(label=_("QQ"), max_length=20, required=False)
    wechat = forms.CharField(label=_("WeChat ID"), max_length=50, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
