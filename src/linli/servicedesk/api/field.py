"""API of the field worker's record of an order (SVC-14): photos before and after (multipart
upload, the stored picture and its thumbnail), materials used, a note on the timeline and the
customer's signature (a PNG, as a canvas gives it).

The order is found in the caller's scope (out of scope or missing: 404); writing needs the
handler's rights on the order (403 otherwise) and an open order (422). A photo upload sent
again with the same ``Idempotency-Key`` header answers 200 with the photo of the first send
instead of storing a second copy; the JSON writes are replayed by the API's idempotency layer.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from linli.core.private_files import private_file_response
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import PathId
from linli.servicedesk import selectors, services
from linli.servicedesk.api import lookups
from linli.servicedesk.field import selectors as field_selectors
from linli.servicedesk.field.models import PhotoStage
from linli.servicedesk.models import WorkOrder, WorkOrderPhoto, WorkOrderSignature

router = Router(tags=["service desk: field work"])

PHOTO_FILE = {200: {"description": "The photo (JPEG)", "content": {"image/jpeg": {}}}}
SIGNATURE_FILE = {200: {"description": "The signature (PNG)", "content": {"image/png": {}}}}


def _name(user) -> str | None:
    return str(user) if user is not None else None


class FieldPhotoOut(Schema):
    id: int
    stage: Literal["before", "after"]
    width: int
    height: int
    size: int = Field(description="Bytes of the stored JPEG")
    taken_by_id: int | None
    taken_by_name: str | None = None
    created_at: datetime

    @staticmethod
    def resolve_taken_by_name(obj) -> str | None:
        return _name(obj.taken_by) if obj.taken_by_id else None


class FieldMaterialOut(Schema):
    id: int
    name: str
    quantity: Decimal
    unit: str
    recorded_by_id: int | None
    created_at: datetime


class FieldSignatureOut(Schema):
    signer_name: str
    signed_at: datetime
    captured_by_id: int | None


class FieldRecordOut(Schema):
    work_order_id: int
    arrived_at: datetime | None = Field(description="The arrival check-in (stops the on-site "
                                                    "clock)")
    photos: list[FieldPhotoOut]
    materials: list[FieldMaterialOut]
    signature: FieldSignatureOut | None


class FieldMaterialIn(Schema):
    name: str = Field(max_length=100)
    quantity: Decimal = Field(gt=0, le=99999, decimal_places=2)
    unit: str = Field("", max_length=20)


class FieldNoteIn(Schema):
    note: str = Field(max_length=1000)


class FieldNoteOut(Schema):
    work_order_id: int
    note: str


class FieldSignatureIn(Schema):
    signer_name: str = Field(max_length=100)
    image: str = Field(max_length=700_000, description="The PNG as a data URL "
                                                       "(data:image/png;base64,…) or base64")


class PhotoSize(Schema):
    size: Literal["full", "thumb"] = "full"


def _order(request, order_id: int) -> WorkOrder:
    return selectors.work_order_get(request.auth, order_id)


def _record(order: WorkOrder) -> dict:
    record = field_selectors.field_record(order)
    return {"work_order_id": order.pk, "arrived_at": order.arrived_at,
            "photos": record.photos, "materials": record.materials,
            "signature": record.signature}


@router.get("/work-orders/{order_id}/field", response=FieldRecordOut,
            summary="The order's field record")
@scoped(WorkOrder, "detail")
def field_record(request, order_id: PathId):
    """Arrival time, photos before and after, materials and the customer's signature."""
    return _record(_order(request, order_id))


@router.post("/work-orders/{order_id}/photos", response={200: FieldPhotoOut, 201: FieldPhotoOut},
             summary="Add a photo")
def photo_add(request, order_id: PathId, stage: Form[PhotoStage], image: File[UploadedFile]):
    """A JPEG, PNG or WebP picture up to the configured size (12 MB by default); stored
    upright as a JPEG without its metadata, with a thumbnail."""
    order = _order(request, order_id)
    photo, created = lookups.call(
        services.photo_add, order, actor=request.auth, stage=stage.value, upload=image,
        client_key=request.headers.get("Idempotency-Key", ""))
    return Status(201 if created else 200, photo)


@router.get("/work-orders/{order_id}/photos/{photo_id}/image", response={200: None},
            openapi_extra={"responses": PHOTO_FILE}, summary="A photo's picture")
@scoped(WorkOrderPhoto, "detail")
def photo_image(request, order_id: PathId, photo_id: PathId, query: Query[PhotoSize]):
    photo = field_selectors.photo_of(_order(request, order_id), photo_id)
    return private_file_response(
        photo.thumbnail if query.size == "thumb" else photo.image, "image/jpeg")


@router.delete("/work-orders/{order_id}/photos/{photo_id}", response={204: None},
               summary="Remove a photo")
def photo_remove(request, order_id: PathId, photo_id: PathId):
    photo = field_selectors.photo_of(_order(request, order_id), photo_id)
    lookups.call(services.photo_remove, photo, actor=request.auth)
    return Status(204, None)


@router.post("/work-orders/{order_id}/materials", response={201: FieldMaterialOut},
             summary="Record a material used")
def material_add(request, order_id: PathId, payload: FieldMaterialIn):
    material = lookups.call(services.material_add, _order(request, order_id),
                            actor=request.auth, name=payload.name, quantity=payload.quantity,
                            unit=payload.unit)
    return Status(201, material)


@router.delete("/work-orders/{order_id}/materials/{material_id}", response={204: None},
               summary="Remove a material")
def material_remove(request, order_id: PathId, material_id: PathId):
    material = field_selectors.material_of(_order(request, order_id), material_id)
    lookups.call(services.material_remove, material, actor=request.auth)
    return Status(204, None)


@router.post("/work-orders/{order_id}/notes", response={201: FieldNoteOut},
             summary="Add a note from the field")
def note_add(request, order_id: PathId, payload: FieldNoteIn):
    order = lookups.call(services.work_order_note, _order(request, order_id),
                         actor=request.auth, note=payload.note)
    return Status(201, {"work_order_id": order.pk, "note": payload.note.strip()})


@router.post("/work-orders/{order_id}/signature", response={201: FieldSignatureOut},
             summary="Record the customer's signature")
def signature_capture(request, order_id: PathId, payload: FieldSignatureIn):
    """Signing again replaces the earlier signature."""
    signature = lookups.call(services.signature_capture, _order(request, order_id),
                             actor=request.auth, signer_name=payload.signer_name,
                             image=payload.image)
    return Status(201, signature)


@router.get("/work-orders/{order_id}/signature.png", response={200: None},
            openapi_extra={"responses": SIGNATURE_FILE}, summary="The customer's signature")
@scoped(WorkOrderSignature, "detail")
def signature_image(request, order_id: PathId):
    signature = field_selectors.signature_of(_order(request, order_id))
    return private_file_response(signature.image, "image/png")
