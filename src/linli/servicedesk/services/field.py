"""The field worker's record of an order (SVC-14): photos before and after, materials used, a
work note and the customer's signature.

None of these moves the order's status; they are written by whoever may make the handler's
moves (the handler, or a supervisor or dispatcher of the order's office) while the order is
open and past quarantine, under the order's row lock, each with an event on its timeline.
Stored files are removed again when the write that made them fails, and old ones only once
their removal has committed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.servicedesk.field import images
from linli.servicedesk.field.models import (
    PhotoStage,
    WorkOrderMaterial,
    WorkOrderPhoto,
    WorkOrderSignature,
)
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.services.lifecycle import authorise
from linli.servicedesk.states import OPEN, Action, Status

FIELD_STATES = OPEN - {Status.QUARANTINED}
MAX_QUANTITY = Decimal("99999")


def may_record(actor, order: WorkOrder) -> bool:
    """Whether ``actor`` may add to the order's field record now (for the screens)."""
    try:
        _check(actor, order)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _check(actor, order: WorkOrder) -> None:
    try:
        authorise(actor, Action.RESOLVE, order)
    except PermissionDenied:
        raise PermissionDenied(_(
            "This order is not yours: only its handler, or a supervisor or dispatcher of its "
            "office, records its field work.")) from None
    if order.status not in FIELD_STATES:
        raise shared.invalid("status", _(
            "Photos, materials, notes and signatures are recorded while the order is open; "
            "this one is “%(status)s”.") % {"status": Status(order.status).label})


def _locked(order: WorkOrder, actor) -> WorkOrder:
    locked = shared.lock(order)
    _check(actor, locked)
    return locked


def _delete_files_on_commit(*files) -> None:
    names = [(f.storage, f.name) for f in files if f]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def _owned_by(order: WorkOrder) -> dict:
    return {"tenant_id": order.tenant_id, "org_unit_id": order.org_unit_id,
            "work_order": order}


# --- photos ---------------------------------------------------------------------------------

def photo_add(order: WorkOrder, *, actor, stage: str, upload,
              client_key: str = "") -> tuple[WorkOrderPhoto, bool]:
    """Add a photo taken before or after the work. Returns the photo and whether it is new:
    a resend with the same ``client_key`` gives back the photo of the first send."""
    client_key = (client_key or "").strip()[:200]
    if stage not in PhotoStage.values:
        raise shared.invalid("stage", _("Say whether the photo is from before or after the "
                                        "work."))
    picture = images.read_photo(upload)
    photo = WorkOrderPhoto(stage=stage, width=picture.width, height=picture.height,
                           size=len(picture.content), client_key=client_key,
                           taken_by=actor if getattr(actor, "pk", None) else None,
                           **_owned_by(order))
    try:
        with transaction.atomic():
            locked = _locked(order, actor)
            if client_key:
                earlier = WorkOrderPhoto.objects.filter(  # scoped-query-ok: order checked
                    work_order=locked, client_key=client_key).first()
                if earlier is not None:
                    return earlier, False
            if locked.photos.count() >= settings.LINLI_PHOTOS_PER_ORDER:
                raise shared.invalid("image", _(
                    "This order has %(count)d photos already, the most it may hold.")
                    % {"count": settings.LINLI_PHOTOS_PER_ORDER})
            photo.work_order = locked
            photo.image.save("photo.jpg", ContentFile(picture.content), save=False)
            photo.thumbnail.save("thumb.jpg", ContentFile(picture.thumbnail), save=False)
            photo.save()
            record_event(locked, "work_order.photo_added", actor=actor,
                         new=PhotoStage(stage).label, data={"photo": photo.pk, "stage": stage})
    except IntegrityError:
        # The same key sent twice at once: the other send stored it.
        _discard(photo)
        earlier = WorkOrderPhoto.objects.filter(  # scoped-query-ok: order checked
            work_order=order, client_key=client_key).first()
        if earlier is None:
            raise
        return earlier, False
    except BaseException:
        _discard(photo)
        raise
    return photo, True


def _discard(photo: WorkOrderPhoto) -> None:
    for stored in (photo.image, photo.thumbnail):
        if stored:
            stored.storage.delete(stored.name)


def photo_remove(photo: WorkOrderPhoto, *, actor) -> None:
    with transaction.atomic():
        locked = _locked(photo.work_order, actor)
        stage = PhotoStage(photo.stage).label
        _delete_files_on_commit(photo.image, photo.thumbnail)
        photo.delete()
        record_event(locked, "work_order.photo_removed", actor=actor, old=stage)


# --- materials ------------------------------------------------------------------------------

def _quantity(value) -> Decimal:
    try:
        quantity = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise shared.invalid("quantity", _("Enter the quantity as a number.")) from None
    if not quantity.is_finite() or quantity <= 0:
        raise shared.invalid("quantity", _("The quantity must be more than zero."))
    if quantity > MAX_QUANTITY or quantity != quantity.quantize(Decimal("0.01")):
        raise shared.invalid("quantity", _(
            "Enter a quantity up to 99999 with at most two decimals."))
    return quantity


def material_add(order: WorkOrder, *, actor, name: str, quantity,
                 unit: str = "") -> WorkOrderMaterial:
    name = (name or "").strip()
    if not name:
        raise shared.invalid("name", _("Name the material."))
    if len(name) > 100:
        raise shared.invalid("name", _("At most 100 characters."))
    unit = (unit or "").strip()
    if len(unit) > 20:
        raise shared.invalid("unit", _("At most 20 characters."))
    amount = _quantity(quantity)
    with transaction.atomic():
        locked = _locked(order, actor)
        material = WorkOrderMaterial.objects.create(
            name=name, quantity=amount, unit=unit,
            recorded_by=actor if getattr(actor, "pk", None) else None,
            **_owned_by(locked))
        record_event(locked, "work_order.material_added", actor=actor, new=str(material))
    return material


def material_remove(material: WorkOrderMaterial, *, actor) -> None:
    with transaction.atomic():
        locked = _locked(material.work_order, actor)
        text = str(material)
        material.delete()
        record_event(locked, "work_order.material_removed", actor=actor, old=text)


# --- the note and the signature -------------------------------------------------------------

def work_order_note(order: WorkOrder, *, actor, note: str) -> WorkOrder:
    """A line on the order's timeline from the field (e.g. "the resident was out; back at
    3 pm")."""
    text = (note or "").strip()
    if not text:
        raise shared.invalid("note", _("Write the note first."))
    if len(text) > 1000:
        raise shared.invalid("note", _("At most 1,000 characters."))
    with transaction.atomic():
        locked = _locked(order, actor)
        record_event(locked, "work_order.note", actor=actor, note=text)
    return locked


def signature_capture(order: WorkOrder, *, actor, signer_name: str,
                      image: str) -> WorkOrderSignature:
    """The customer signs for the work on the worker's screen; signing again replaces the
    earlier signature."""
    signer = (signer_name or "").strip()
    if not signer:
        raise shared.invalid("signer_name", _("Enter the name of the person signing."))
    if len(signer) > 100:
        raise shared.invalid("signer_name", _("At most 100 characters."))
    content = images.read_signature(image)
    signature = WorkOrderSignature(signer_name=signer, signed_at=timezone.now(),
                                   captured_by=actor if getattr(actor, "pk", None) else None,
                                   **_owned_by(order))
    try:
        with transaction.atomic():
            locked = _locked(order, actor)
            earlier = WorkOrderSignature.objects.filter(  # scoped-query-ok: order checked
                work_order=locked).first()
            if earlier is not None:
                _delete_files_on_commit(earlier.image)
                earlier.delete()
            signature.work_order = locked
            signature.image.save("signature.png", ContentFile(content), save=False)
            signature.save()
            record_event(locked, "work_order.signed", actor=actor, new=signer)
    except BaseException:
        if signature.image:
            signature.image.storage.delete(signature.image.name)
        raise
    return signature
