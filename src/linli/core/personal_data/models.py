"""The personal-data access log (PLAT-9) and the permission to see unmasked personal data."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.request_context import Channel
from linli.core.tenancy import TenantOwned

__all__ = ["AccessAction", "AccessLog"]


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("Revealed")
    EXPORT = "export", _("Exported")
    ERASE = "erase", _("Erased")


class AccessLog(TenantOwned):
    """One access to personal data: who saw, exported or erased what, when, and from where.

    Rows are only ever added. The log is itself the audit record, so it carries no
    simple-history table of its own.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("record type"),
    )
    subject_id = models.CharField(_("record id"), max_length=64, blank=True)
    subject_label = models.CharField(_("record"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.CHOICES)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data access log")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "occurred_at"], name="accesslog_tenant_time"),
            models.Index(fields=["subject_type", "subject_id"], name="accesslog_subject"),
        ]
        permissions = [("reveal_personal_data", "See unmasked personal data")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.subject_label} {self.field}".strip()
