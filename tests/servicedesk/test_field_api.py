"""API of the field record (SVC-14): photo upload and its resend, the pictures, materials,
notes, the signature; bad input, other people's orders and other scopes."""

import io

import pytest
from PIL import Image

from linli.servicedesk.models import WorkOrderMaterial, WorkOrderPhoto
from linli.servicedesk.models import WorkOrderSignature as Signature
from tests.servicedesk.builders import signature_png, small_jpeg
from tests.servicedesk.test_api import API, Api
from tests.servicedesk.test_field import _files, _order

pytestmark = pytest.mark.django_db


def _upload(api: Api, order, stage="before", image=None, **extra):
    return api.client.post(f"{API}/work-orders/{order.pk}/photos",
                           {"stage": stage, "image": image or small_jpeg(640, 480)}, **extra)


def test_the_field_record_through_the_api(desk, media):
    order = _order(desk)
    tech = Api(desk.technician)
    created = _upload(tech, order, HTTP_IDEMPOTENCY_KEY="cam-1")
    assert created.status_code == 201, created.content
    photo = created.json()
    assert (photo["stage"], photo["width"], photo["height"]) == ("before", 640, 480)
    again = _upload(tech, order, HTTP_IDEMPOTENCY_KEY="cam-1")
    assert again.status_code == 200 and again.json()["id"] == photo["id"]
    assert WorkOrderPhoto.objects.count() == 1

    assert tech.post(f"/work-orders/{order.pk}/materials",
                     {"name": "水管接头", "quantity": "2", "unit": "个"}).status_code == 201
    assert tech.post(f"/work-orders/{order.pk}/notes", {"note": "已关总阀"}).status_code == 201
    signed = tech.post(f"/work-orders/{order.pk}/signature",
                       {"signer_name": "王建国", "image": signature_png()})
    assert signed.status_code == 201 and signed.json()["signer_name"] == "王建国"

    record = tech.get(f"/work-orders/{order.pk}/field").json()
    assert [p["id"] for p in record["photos"]] == [photo["id"]]
    assert [(m["name"], m["quantity"]) for m in record["materials"]] == [("水管接头", "2.00")]
    assert record["signature"]["signer_name"] == "王建国"

    thumb = tech.get(f"/work-orders/{order.pk}/photos/{photo['id']}/image", {"size": "thumb"})
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as small:
        assert max(small.size) <= 480
    png = tech.get(f"/work-orders/{order.pk}/signature.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"

    material = WorkOrderMaterial.objects.get()
    assert tech.client.delete(
        f"{API}/work-orders/{order.pk}/materials/{material.pk}").status_code == 204
    assert tech.client.delete(
        f"{API}/work-orders/{order.pk}/photos/{photo['id']}").status_code == 204
    assert not WorkOrderMaterial.objects.exists() and not WorkOrderPhoto.objects.exists()


def test_bad_input_is_a_clear_422_and_writes_nothing(desk, media):
    order = _order(desk)
    tech = Api(desk.technician)
    not_a_picture = io.BytesIO(b"plain text")
    not_a_picture.name = "a.jpg"
    response = _upload(tech, order, image=not_a_picture)
    assert response.status_code == 422
    assert "not a picture" in response.json()["fields"]["image"][0]
    assert _upload(tech, order, stage="during").status_code == 422
    blank = tech.post(f"/work-orders/{order.pk}/signature",
                      {"signer_name": "王建国", "image": signature_png(blank=True)})
    assert blank.status_code == 422 and "empty" in blank.json()["fields"]["image"][0]
    assert tech.post(f"/work-orders/{order.pk}/materials",
                     {"name": "接头", "quantity": "-3"}).status_code == 422
    assert tech.post(f"/work-orders/{order.pk}/notes", {"note": "  "}).status_code == 422
    assert not WorkOrderPhoto.objects.exists() and not Signature.objects.exists()
    assert not WorkOrderMaterial.objects.exists() and _files(media) == []


def test_someone_elses_order_is_403_and_another_scope_404(desk, media, outsider, sibling):
    order = _order(desk)
    _upload(Api(desk.technician), order)
    photo = WorkOrderPhoto.objects.get()
    plumber = Api(desk.plumber)  # same department, not the order's handler
    signed = plumber.post(f"/work-orders/{order.pk}/signature",
                          {"signer_name": "王建国", "image": signature_png()})
    assert signed.status_code == 403
    assert "not yours" in signed.json()["message"]
    assert _upload(plumber, order).status_code == 403
    assert not Signature.objects.exists() and WorkOrderPhoto.objects.count() == 1
    for user in (outsider, sibling):
        api = Api(user)
        assert api.get(f"/work-orders/{order.pk}/field").status_code == 404
        assert api.get(f"/work-orders/{order.pk}/photos/{photo.pk}/image").status_code == 404
        assert _upload(api, order).status_code == 404
    assert WorkOrderPhoto.objects.count() == 1
