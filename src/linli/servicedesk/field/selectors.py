"""Reading an order's field record (SVC-14). The caller has found the order through
``selectors.work_order_get`` (in scope, visible to the user); what hangs off it is read by the
order's id."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import Http404

from linli.servicedesk.field.models import (
    PhotoStage,
    WorkOrderMaterial,
    WorkOrderPhoto,
    WorkOrderSignature,
)


@dataclass
class FieldRecord:
    before: list[WorkOrderPhoto] = field(default_factory=list)
    after: list[WorkOrderPhoto] = field(default_factory=list)
    materials: list[WorkOrderMaterial] = field(default_factory=list)
    signature: WorkOrderSignature | None = None

    @property
    def photos(self) -> list[WorkOrderPhoto]:
        return [*self.before, *self.after]

    @property
    def is_empty(self) -> bool:
        return not (self.before or self.after or self.materials or self.signature)


def field_record(order) -> FieldRecord:
    """The order's photos by stage, its materials and its signature (three queries)."""
    record = FieldRecord()
    for photo in order_photos(order):
        (record.before if photo.stage == PhotoStage.BEFORE else record.after).append(photo)
    record.materials = list(WorkOrderMaterial.objects.filter(  # scoped-query-ok: order checked
        work_order_id=order.pk).select_related("recorded_by").order_by("created_at", "pk"))
    record.signature = WorkOrderSignature.objects.filter(  # scoped-query-ok: order checked
        work_order_id=order.pk).select_related("captured_by").first()
    return record


def order_photos(order):
    return WorkOrderPhoto.objects.filter(  # scoped-query-ok: order checked
        work_order_id=order.pk).select_related("taken_by").order_by("stage", "created_at", "pk")


def photo_of(order, photo_id) -> WorkOrderPhoto:
    """One photo of ``order``; another order's, or none: 404."""
    photo = order_photos(order).filter(pk=photo_id).first() if str(photo_id).isdigit() else None
    if photo is None:
        raise Http404
    photo.work_order = order
    return photo


def material_of(order, material_id) -> WorkOrderMaterial:
    material = (WorkOrderMaterial.objects.filter(  # scoped-query-ok: order checked
        work_order_id=order.pk, pk=material_id).first()
        if str(material_id).isdigit() else None)
    if material is None:
        raise Http404
    material.work_order = order
    return material


def signature_of(order) -> WorkOrderSignature:
    signature = WorkOrderSignature.objects.filter(  # scoped-query-ok: order checked
        work_order_id=order.pk).first()
    if signature is None:
        raise Http404
    return signature


def navigation_url(order) -> str:
    """A link that opens the phone's map app (Amap's public URI, which hands over to the app
    when installed) at the order's community, by its coordinates when known."""
    community = order.community
    name = quote(community.name)
    if community.latitude is not None and community.longitude is not None:
        return (f"https://uri.amap.com/marker?position={community.longitude},"
                f"{community.latitude}&name={name}&coordinate=gaode&callnative=1")
    where = " ".join(p for p in (community.city, community.district, community.address,
                                 community.name) if p)
    return f"https://uri.amap.com/search?keyword={quote(where)}&callnative=1"
