"""What a technician or housekeeper records on site (SVC-14). Each row belongs to its order's
tenant and org unit, so it is seen by exactly those who see the order."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.tenancy import OrgScoped


class PhotoStage(models.TextChoices):
    BEFORE = "before", _("Before the work")
    AFTER = "after", _("After the work")


def _path(kind: str, instance, suffix: str) -> str:
    # Random names: a stored file's name says nothing of whose home it shows.
    return f"servicedesk/{kind}/{instance.tenant_id}/{uuid.uuid4().hex}{suffix}"


def photo_path(instance, filename: str) -> str:
    return _path("photos", instance, ".jpg")


def signature_path(instance, filename: str) -> str:
    return _path("signatures", instance, ".png")


class WorkOrderPhoto(OrgScoped):
    work_order = models.ForeignKey("servicedesk.WorkOrder", on_delete=models.CASCADE,
                                   related_name="photos", verbose_name=_("work order"))
    stage = models.CharField(_("stage"), max_length=10, choices=PhotoStage.choices)
    # The picture as taken (turned upright, re-encoded as JPEG without its metadata) and a
    # small copy for lists; both written by services.field.
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=photo_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size (bytes)"))
    # The Idempotency-Key of the upload, so that a phone resending it adds no second copy.
    client_key = models.CharField(max_length=200, blank=True, editable=False)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("taken by"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work-order photo")
        verbose_name_plural = _("work-order photos")
        ordering = ["stage", "created_at", "pk"]
        constraints = [models.UniqueConstraint(
            fields=["work_order", "client_key"], condition=~models.Q(client_key=""),
            name="work_order_photo_unique_key")]

    def __str__(self) -> str:
        return f"{self.work_order_id}:{self.stage}:{self.pk}"


class WorkOrderMaterial(OrgScoped):
    work_order = models.ForeignKey("servicedesk.WorkOrder", on_delete=models.CASCADE,
                                   related_name="materials", verbose_name=_("work order"))
    name = models.CharField(_("material"), max_length=100)
    quantity = models.DecimalField(_("quantity"), max_digits=9, decimal_places=2)
    unit = models.CharField(_("unit of measure"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material used")
        verbose_name_plural = _("materials used")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity} {self.unit}".strip()


class WorkOrderSignature(OrgScoped):
    """The customer's signature for the work (one per order; signing again replaces it)."""

    work_order = models.OneToOneField("servicedesk.WorkOrder", on_delete=models.CASCADE,
                                      related_name="signature", verbose_name=_("work order"))
    signer_name = models.CharField(_("signed by"), max_length=100)
    image = models.FileField(_("signature"), upload_to=signature_path, max_length=200)
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("captured by"))
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        verbose_name = _("customer's signature")
        verbose_name_plural = _("customers' signatures")

    def __str__(self) -> str:
        return f"{self.work_order_id}:{self.signer_name}"
