"""Forms of the directory's search part: the field choices of a merge."""

from __future__ import annotations

from django import forms

from linli.directory.selectors.duplicates import DUPLICATE, SURVIVOR, FieldRow


class MergeForm(forms.Form):
    """One "keep which value" choice per field where the two records differ; a field left
    unanswered takes the merge's default (the kept record's value unless it is blank)."""

    def __init__(self, *args, rows: list[FieldRow], **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            if row.differs:
                self.fields[row.name] = forms.ChoiceField(
                    label=row.label, initial=row.default, widget=forms.RadioSelect,
                    required=False,
                    choices=[(SURVIVOR, row.survivor), (DUPLICATE, row.duplicate)],
                )

    def choices(self) -> dict[str, str]:
        return {name: side for name, side in self.cleaned_data.items() if side}
