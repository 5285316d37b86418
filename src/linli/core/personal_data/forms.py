"""Forms of personal data handling: the access-log filters and the reveal request."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.personal_data.models import AccessAction


class AccessLogFilterForm(forms.Form):
    user = forms.TypedChoiceField(label=_("User"), required=False, coerce=int, empty_value=None)
    action = forms.ChoiceField(
        label=_("Action"), required=False,
        choices=[("", _("All actions")), *AccessAction.choices],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("All users"))] + [(u.pk, str(u)) for u in users]

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters only: a wrong date is reported and the other filters still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "user_id": data.get("user"),
            "action": data.get("action") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to") if "date_to" not in self.errors else None,
        }


class RevealForm(forms.Form):
    model = forms.CharField(max_length=100)
    id = forms.CharField(max_length=64)
    field = forms.CharField(max_length=64)
