"""Forms of the field worker's page (SVC-14). They only parse; the services in
services/field.py judge the input and their errors are attached with ``add_service_errors``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.servicedesk.field.models import PhotoStage


class PhotoForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=PhotoStage.choices,
                              initial=PhotoStage.BEFORE, widget=forms.RadioSelect)
    image = forms.FileField(
        label=_("Photo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))


class MaterialForm(forms.Form):
    name = forms.CharField(label=_("Material"), max_length=100, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    unit = forms.CharField(label=_("Unit of measure"), max_length=20, required=False,
                           help_text=_("e.g. pcs, m, kg"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of the person signing"), max_length=100,
                                  required=False)
    image = forms.CharField(required=False, widget=forms.HiddenInput)
