"""Forms of the people screens. Choices of people, units and communities are scoped to the
signed-in user; the services re-check everything the forms let through."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.forms import UnitChoiceField
from linli.accounts.selectors import units_where
from linli.directory.choices import (
    ContactChannel,
    FamilyRelation,
    Gender,
    IncomeBand,
    PhoneKind,
    Purpose,
    UnitRole,
)
from linli.directory.selectors import people as selectors

DATE = forms.DateInput(attrs={"type": "date"})


def _person_label(person) -> str:
    phone = selectors.preferred_phone(person)
    return f"{person.name} · {phone.last4}" if phone else person.name


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={
                            "placeholder": _("Name, pinyin, last 4 digits, room…")}))
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int,
                                       empty_value=None)
    role = forms.ChoiceField(label=_("Role"), required=False,
                             choices=[("", _("Any role")), *UnitRole.choices])
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", _("All communities"))] + [
            (c.pk, c.name) for c in selectors.communities_for_filter(actor)]

    def filters(self, sort: str = "") -> dict:
        """The valid filters only: a wrong value is reported and the others still apply."""
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        return {"q": data.get("q") or "", "community": data.get("community"),
                "role": data.get("role") or "", "tag": data.get("tag") or "", "sort": sort}


class PersonForm(forms.Form):
    org_unit = UnitChoiceField(label=_("Managed by"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    phones = forms.CharField(
        label=_("Phones"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One number per line; the first one is the preferred number."),
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=Gender.choices)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=30,
                                help_text=_("Birthday and gender are read from it when left "
                                            "empty."))
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=DATE)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=100)
    income_band = forms.ChoiceField(label=_("Income"), required=False,
                                    choices=[("", "—"), *IncomeBand.choices])
    household_size = forms.IntegerField(label=_("Household size"), required=False,
                                        min_value=1, max_value=50)
    hobbies = forms.CharField(label=_("Hobbies"), required=False, max_length=300)
    pets = forms.CharField(label=_("Pets"), required=False, max_length=200)
    holidays = forms.CharField(label=_("Holidays they care about"), required=False,
                               max_length=200)
    preferred_channel = forms.ChoiceField(label=_("Preferred contact channel"),
                                          required=False,
                                          choices=[("", "—"), *ContactChannel.choices])
    preferred_time = forms.CharField(label=_("Preferred contact time"), required=False,
                                     max_length=100)
    purpose = forms.ChoiceField(label=_("Investment or self-use"), required=False,
                                choices=[("", "—"), *Purpose.choices])
    is_decision_maker = forms.BooleanField(label=_("Decision maker"), required=False)
    has_mortgage = forms.NullBooleanField(label=_("Has a mortgage"), required=False,
                                          widget=forms.NullBooleanSelect)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400,
                           help_text=_("Separate tags with commas."))
    notes = forms.CharField(label=_("Notes"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    is_verified = forms.BooleanField(label=_("Identity verified"), required=False)

    def __init__(self, *args, actor, permission: str, with_phones: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units_where(actor, permission)
        if not with_phones:
            del self.fields["phones"]

    def person_fields(self) -> dict:
        """The cleaned values as the services take them."""
        data = dict(self.cleaned_data)
        data.pop("org_unit")
        if "phones" in data:
            data["phones"] = [line for line in data["phones"].splitlines() if line.strip()]
        data["tags"] = data.get("tags") or ""
        return data


class PhoneForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=30)
    kind = forms.ChoiceField(label=_("Kind"), choices=PhoneKind.choices,
                             initial=PhoneKind.MOBILE)
    preferred = forms.BooleanField(label=_("Preferred number"), required=False)


class RelationForm(forms.Form):
    community = forms.TypedChoiceField(label=_("Community"), coerce=int)
    room_code = forms.CharField(label=_("Room"), max_length=60,
                                help_text=_("Building-section-room, e.g. 3-2-1502."))
    role = forms.ChoiceField(label=_("Role"), choices=UnitRole.choices)
    start_date = forms.DateField(label=_("From"), required=False, widget=DATE)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["community"].choices = [("", "—")] + [
            (c.pk, c.name) for c in selectors.communities_for_filter(actor)]

    def clean(self):
        data = super().clean()
        if data.get("community") and data.get("room_code"):
            data["unit"] = selectors.unit_find(self.actor, data["community"], data["room_code"])
            if data["unit"] is None:
                self.add_error("room_code", _("There is no unit %(code)s in this community.")
                               % {"code": data["room_code"]})
        return data


class RelationEndForm(forms.Form):
    end_date = forms.DateField(label=_("Until"), widget=DATE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"end_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class _PeopleChoices:
    """Validates against every person the actor may view but lists only ``candidates``, so a
    tenant with many thousands of people does not get a select with all of them."""

    def _limit(self, name: str, candidates) -> None:
        field = self.fields[name]
        field.widget.choices = [(p.pk, _person_label(p)) for p in candidates]


class OwnershipTransferForm(_PeopleChoices, forms.Form):
    new_owners = forms.ModelMultipleChoiceField(
        label=_("New owners"), queryset=None, widget=forms.CheckboxSelectMultiple,
        help_text=_("The first one ticked becomes the owner, the others co-owners."),
    )
    date = forms.DateField(label=_("Date of transfer"), widget=DATE)

    def __init__(self, *args, actor, candidates, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["new_owners"].queryset = selectors.person_queryset(actor)
        self._limit("new_owners", candidates)
        self.order = [int(v) for v in self.data.getlist("new_owners") if v.isdigit()] \
            if self.is_bound else []

    def owners(self) -> list:
        """The chosen people in the order they were ticked."""
        chosen = {p.pk: p for p in self.cleaned_data["new_owners"]}
        return [chosen[pk] for pk in self.order if pk in chosen]


class FamilyForm(_PeopleChoices, forms.Form):
    relative = forms.ModelChoiceField(label=_("Relative"), queryset=None,
                                      widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("This person is the relative's"),
                             choices=FamilyRelation.choices)

    def __init__(self, *args, actor, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative"].queryset = selectors.person_queryset(actor)
        self._limit("relative", candidates)
