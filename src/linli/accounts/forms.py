"""Forms of the accounts screens. They check shapes only; the services check the rules and
their ValidationErrors are put back on the form with ``add_service_errors``. Templates render
the fields with ``{% bootstrap_field %}`` (linli_ui), which sets the Bootstrap classes."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.accounts import selectors
from linli.accounts.models import OrgUnitKind


def add_service_errors(form: forms.Form, error: ValidationError,
                       aliases: dict[str, str] | None = None) -> None:
    """Attach a service's ValidationError to the form: each field's messages to that field
    (or its alias), anything the form has no field for to the non-field errors."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        target = aliases.get(name, name)
        messages = [m for e in errors for m in e.messages]
        form.add_error(target if target in form.fields else None, messages)


class UnitChoiceField(forms.ModelChoiceField):
    """Units shown indented by depth, so a flat select still reads as the tree."""

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


# --- org units ------------------------------------------------------------------------------

class OrgUnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=50, required=False,
                           help_text=_("Optional short code, unique in your organisation."))
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgUnitKind.choices)


class OrgUnitCreateForm(OrgUnitForm):
    parent = UnitChoiceField(label=_("Parent unit"), queryset=None)
    field_order = ["parent", "name", "code", "kind"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = selectors.units_where(actor, "accounts.add_orgunit")


class OrgUnitMoveForm(forms.Form):
    new_parent = UnitChoiceField(label=_("New parent unit"), queryset=None)

    def __init__(self, *args, actor, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = selectors.move_targets(actor, unit)


# --- users ----------------------------------------------------------------------------------

class UserFilterForm(forms.Form):
    ACTIVE_CHOICES = [("", _("Active and inactive")), ("1", _("Active")), ("0", _("Inactive"))]

    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name or username")}))
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=None, required=False,
                               empty_label=_("All units"))
    role = forms.ModelChoiceField(label=_("Role"), queryset=None, required=False,
                                  empty_label=_("All roles"))
    active = forms.ChoiceField(label=_("Status"), choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.org_unit_list(actor).order_by("path")
        self.fields["role"].queryset = selectors.role_choices(actor)

    def filters(self, sort: str = "") -> dict:
        """The selector's filters; an invalid filter is dropped (validation keeps only the
        valid fields in cleaned_data) rather than failing the list."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "org_unit": data["org_unit"].pk if data.get("org_unit") else None,
            "role": data["role"].pk if data.get("role") else None,
            "active": data.get("active", ""),
            "sort": sort,
        }


class PasswordPairForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common or all-numeric password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class UserDetailsForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=30, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class UserCreateForm(UserDetailsForm, PasswordPairForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=None, required=False)
    role = forms.ModelChoiceField(label=_("Role"), queryset=None, required=False)
    field_order = ["username", "display_name", "email", "mobile", "language", "password1",
                   "password2", "org_unit", "role"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.units_where(actor, "accounts.add_user")
        self.fields["role"].queryset = selectors.role_choices(actor)
        if not selectors.holds_tenant_wide(actor, "accounts.add_user"):
            self.fields["org_unit"].required = self.fields["role"].required = True


class MembershipForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=None)
    role = forms.ModelChoiceField(label=_("Role"), queryset=None)
    valid_from = forms.DateField(label=_("Valid from"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.units_where(
            actor, "accounts.add_membership"
        )
        self.fields["role"].queryset = selectors.role_choices(actor)


# --- roles ----------------------------------------------------------------------------------

class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.SlugField(label=_("Code"), max_length=50,
                           help_text=_("Letters, digits, hyphens; unique in your organisation."))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    permissions = forms.MultipleChoiceField(label=_("Permissions"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].choices = [
            (selectors.permission_name(p), p.name) for p in selectors.grantable_permissions()
        ]


# --- profile and tokens ---------------------------------------------------------------------

class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. reporting")}))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=3650,
                              initial=settings.API_TOKEN_DEFAULT_DAYS)
