from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, with the headers of the template "
                    "in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check the file first and let me confirm before anything is saved"),
        required=False, initial=True,
        help_text=_("Untick to import at once when the file has no errors."),
    )
