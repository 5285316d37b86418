"""Statuses of import runs, with the colour of their badge in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATED = "validated", _("Checked")
    IMPORTING = "importing", _("Importing")
    FAILED = "failed", _("Failed")
    IMPORTED = "imported", _("Imported")


IMPORT_STATUS_BADGE = {
    ImportStatus.UPLOADED: "secondary",
    ImportStatus.VALIDATED: "blue",
    ImportStatus.IMPORTING: "azure",
    ImportStatus.FAILED: "red",
    ImportStatus.IMPORTED: "green",
}
