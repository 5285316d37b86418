"""Forms of the working-calendar screens; the services do the checking that matters."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from linli.core.calendar.importers import MAX_NOTE_LENGTH
from linli.core.calendar.models import CalendarDayKind

TARGET_TENANT = "tenant"
TARGET_PLATFORM = "platform"
TARGET_CHOICES = [
    (TARGET_TENANT, _("My organisation (overrides)")),
    (TARGET_PLATFORM, _("Platform: the official schedule for every organisation")),
]
MAX_UPLOAD_BYTES = 1024 * 1024


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")  # what <input type="time"> expects


class BootstrapForm(forms.Form):
    """Adds the Bootstrap classes the shared field template expects."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.fields.values():
            widget = bound.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()


class CalendarDayForm(BootstrapForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"},
                                                     format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDayKind.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE_LENGTH,
        help_text=_("For example 元旦 or 春节调休."),
    )


class BusinessHoursForm(BootstrapForm):
    day_start = forms.TimeField(label=_("Working day starts"), widget=TimeInput())
    day_end = forms.TimeField(label=_("Working day ends"), widget=TimeInput())
    lunch_start = forms.TimeField(
        label=_("Lunch break starts"), required=False, widget=TimeInput(),
        help_text=_("Leave both lunch fields empty when there is no lunch break."),
    )
    lunch_end = forms.TimeField(label=_("Lunch break ends"), required=False, widget=TimeInput())


class CalendarImportForm(BootstrapForm):
    """Paste the schedule or upload it as a UTF-8 (or GB18030) text/CSV file."""

    target = forms.ChoiceField(label=_("Import into"), choices=TARGET_CHOICES,
                               initial=TARGET_TENANT)
    text = forms.CharField(
        label=_("Schedule"), required=False,
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace",
                                     "placeholder": "2027-01-01,holiday,元旦"}),
    )
    file = forms.FileField(label=_("…or a file"), required=False)
    complete_year = forms.BooleanField(
        label=_("This is the complete official schedule of its year(s)"), required=False,
        help_text=_("Marks the years as entered for your organisation, which silences the "
                    "missing-schedule warning. A platform import is always complete."),
    )

    def __init__(self, *args, platform_allowed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not platform_allowed:
            del self.fields["target"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            limit = getattr(settings, "LINLI_CALENDAR_IMPORT_MAX_BYTES", MAX_UPLOAD_BYTES)
            if upload.size > limit:
                raise forms.ValidationError(
                    {"file": _("The file is larger than %(size)d KB.") % {"size": limit // 1024}}
                )
            raw = upload.read()
            try:
                cleaned["text"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    cleaned["text"] = raw.decode("gb18030")
                except UnicodeDecodeError:
                    raise forms.ValidationError(
                        {"file": _("The file is not UTF-8 or GB18030 text.")}
                    ) from None
        if not (cleaned.get("text") or "").strip() and "file" not in self.errors:
            raise forms.ValidationError(_("Paste the schedule or choose a file."))
        cleaned["target"] = cleaned.get("target") or TARGET_TENANT
        return cleaned
