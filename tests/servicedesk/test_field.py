"""The field worker's page (SVC-14): photos with size limits and thumbnails, materials, a
note, the customer's signature, resends that change nothing twice, and who may see and
write what."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from linli.core.events import DomainEvent
from linli.servicedesk import services
from linli.servicedesk.models import WorkOrder, WorkOrderMaterial, WorkOrderPhoto
from linli.servicedesk.models import WorkOrderSignature as Signature
from tests.builders import make_user
from tests.servicedesk.builders import DESK, TECHNICIAN, signature_png, small_jpeg

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _order(desk, *, accept=True) -> WorkOrder:
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="厨房水管漏水", urgency="high", impact="medium")
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    if accept:
        services.work_order_accept(order, actor=desk.technician)
    order.refresh_from_db()
    return order


def _url(name, order, *args):
    return reverse(f"servicedesk:{name}", args=[order.pk, *args])


def _files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- the page -------------------------------------------------------------------------------

def test_the_page_shows_where_to_go_and_the_one_tap_moves(desk):
    order = _order(desk)
    client = _client(desk.technician)
    page = client.get(_url("field_order", order))
    assert page.status_code == 200
    html = page.content.decode()
    assert "厨房水管漏水" in html and "3-2-1502" in html
    assert "uri.amap.com" in html
    assert "Not on site yet." in html
    assert 'data-move="arrive"' in html and 'name="idempotency_key"' in html
    # The card in "my orders" leads here.
    mine = client.get(reverse("servicedesk:my_orders")).content.decode()
    assert _url("field_order", order) in mine

    client.post(_url("work_order_act", order, "arrive"),
                {"next": _url("field_order", order), "idempotency_key": "arrive-1"})
    order.refresh_from_db()
    assert order.status == "in_progress" and order.arrived_at is not None
    html = client.get(_url("field_order", order)).content.decode()
    assert "Arrived on site at" in html
    # The on-site clock stopped at the arrival time.
    on_site = order.clocks.filter(kind="on_site").first()
    assert on_site is None or on_site.stopped_at == order.arrived_at


def test_a_tap_sent_twice_moves_the_order_once(desk):
    order = _order(desk)
    client = _client(desk.technician)
    data = {"next": _url("field_order", order), "idempotency_key": "arrive-twice"}
    first = client.post(_url("work_order_act", order, "arrive"), data)
    again = client.post(_url("work_order_act", order, "arrive"), data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert DomainEvent.objects.filter(verb="work_order.arrive", subject_id=order.pk).count() == 1
    # Without the key, the second tap is refused as the move no longer applies.
    data.pop("idempotency_key")
    refused = client.post(_url("work_order_act", order, "arrive"), data)
    assert refused.status_code == 200 and "cannot be given" in refused.content.decode()


def test_a_key_reused_for_other_input_is_refused(desk):
    order = _order(desk)
    client = _client(desk.technician)
    client.post(_url("field_note", order), {"note": "业主不在家", "idempotency_key": "k-1"})
    other = client.post(_url("field_note", order), {"note": "改约下午", "idempotency_key": "k-1"})
    assert other.status_code == 422
    assert DomainEvent.objects.filter(verb="work_order.note", subject_id=order.pk).count() == 1


# --- photos ---------------------------------------------------------------------------------

def test_a_photo_is_stored_upright_with_a_thumbnail(desk, media):
    order = _order(desk)
    client = _client(desk.technician)
    # Taken with the phone turned: EXIF orientation 6 means "rotate 90° to show".
    response = client.post(_url("field_photo_add", order), {
        "stage": "before", "image": small_jpeg(1200, 800, orientation=6),
        "idempotency_key": "photo-1"})
    assert response.status_code == 302
    photo = WorkOrderPhoto.objects.get(work_order=order)
    assert (photo.stage, photo.width, photo.height) == ("before", 800, 1200)
    assert photo.tenant_id == order.tenant_id and photo.org_unit_id == order.org_unit_id
    thumb = client.get(_url("work_order_photo_thumb", order, photo.pk))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as small:
        assert max(small.size) <= 480
    assert client.get(_url("work_order_photo", order, photo.pk)).status_code == 200
    html = client.get(_url("field_order", order)).content.decode()
    assert _url("work_order_photo_thumb", order, photo.pk) in html
    # The desk sees it on the order's page too.
    detail = _client(desk.frontdesk).get(_url("work_order_detail", order)).content.decode()
    assert 'data-testid="field-record"' in detail
    assert DomainEvent.objects.filter(verb="work_order.photo_added").count() == 1


def test_a_photo_sent_twice_is_stored_once(desk, media):
    order = _order(desk)
    client = _client(desk.technician)
    for _ in range(2):
        client.post(_url("field_photo_add", order), {
            "stage": "after", "image": small_jpeg(1200, 800), "idempotency_key": "photo-again"})
    assert WorkOrderPhoto.objects.filter(work_order=order).count() == 1
    assert len(_files(media)) == 2  # the photo and its thumbnail


def test_an_oversized_photo_is_refused_and_nothing_is_kept(desk, media, settings):
    settings.LINLI_PHOTO_MAX_BYTES = 20_000
    order = _order(desk)
    big = small_jpeg(3000, 3000)
    big.seek(0, 2)
    assert big.tell() > 20_000
    big.seek(0)
    response = _client(desk.technician).post(_url("field_photo_add", order),
                                             {"stage": "before", "image": big})
    assert response.status_code == 422
    assert "at most 19 KB are accepted" in response.content.decode()
    assert not WorkOrderPhoto.objects.exists() and _files(media) == []


@pytest.mark.parametrize("content", [b"%PDF-1.4 not a picture", b"", b"\xff\xd8\xff broken"])
def test_a_file_that_is_not_a_picture_is_refused(desk, media, content):
    order = _order(desk)
    upload = io.BytesIO(content)
    upload.name = "photo.jpg"
    response = _client(desk.technician).post(_url("field_photo_add", order),
                                             {"stage": "before", "image": upload})
    assert response.status_code == 422
    text = response.content.decode()
    assert "not a picture" in text or "Choose a photo" in text
    assert not WorkOrderPhoto.objects.exists() and _files(media) == []


def test_photos_per_order_are_limited(desk, media, settings):
    settings.LINLI_PHOTOS_PER_ORDER = 1
    order = _order(desk)
    client = _client(desk.technician)
    client.post(_url("field_photo_add", order), {"stage": "before", "image": small_jpeg(200, 200)})
    response = client.post(_url("field_photo_add", order),
                           {"stage": "after", "image": small_jpeg(200, 200)})
    assert response.status_code == 422 and "the most it may hold" in response.content.decode()
    assert WorkOrderPhoto.objects.count() == 1


def test_a_removed_photo_takes_its_files_with_it(desk, media, django_capture_on_commit_callbacks):
    order = _order(desk)
    client = _client(desk.technician)
    client.post(_url("field_photo_add", order), {"stage": "before", "image": small_jpeg(300, 300)})
    photo = WorkOrderPhoto.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("field_photo_remove", order, photo.pk))
    assert not WorkOrderPhoto.objects.exists() and _files(media) == []


def test_photos_are_seen_only_by_those_who_see_the_order(desk, media, outsider, sibling):
    order = _order(desk)
    _client(desk.technician).post(_url("field_photo_add", order),
                                  {"stage": "before", "image": small_jpeg(300, 300)})
    photo = WorkOrderPhoto.objects.get()
    for user in (outsider, sibling):
        client = _client(user)
        assert client.get(_url("work_order_photo", order, photo.pk)).status_code == 404
        assert client.get(_url("work_order_photo_thumb", order, photo.pk)).status_code == 404
        assert client.get(_url("field_order", order)).status_code == 404
    # Nor through another order of one's own.
    other = _order(desk)
    response = _client(desk.technician).get(_url("work_order_photo", other, photo.pk))
    assert response.status_code == 404


# --- materials, the note --------------------------------------------------------------------

def test_materials_are_recorded_with_clear_errors(desk):
    order = _order(desk)
    client = _client(desk.technician)
    client.post(_url("field_material_add", order),
                {"name": "PPR 水管接头", "quantity": "2", "unit": "个"})
    for bad, message in [({"name": "", "quantity": "1"}, "Name the material."),
                         ({"name": "生料带", "quantity": "abc"}, "as a number"),
                         ({"name": "生料带", "quantity": "-1"}, "more than zero"),
                         ({"name": "生料带", "quantity": "1.234"}, "two decimals")]:
        response = client.post(_url("field_material_add", order), bad)
        assert response.status_code == 422 and message in response.content.decode(), bad
    assert [(m.name, str(m.quantity), m.unit) for m in WorkOrderMaterial.objects.all()] == [
        ("PPR 水管接头", "2.00", "个")]
    material = WorkOrderMaterial.objects.get()
    client.post(_url("field_material_remove", order, material.pk))
    assert not WorkOrderMaterial.objects.exists()


def test_a_note_goes_to_the_timeline(desk):
    order = _order(desk)
    _client(desk.technician).post(_url("field_note", order), {"note": "业主下午三点在家"})
    event = DomainEvent.objects.get(verb="work_order.note", subject_id=order.pk)
    assert event.note == "业主下午三点在家" and event.actor == desk.technician
    timeline = _client(desk.frontdesk).get(_url("work_order_detail", order), {"tab": "timeline"})
    assert "业主下午三点在家" in timeline.content.decode()


# --- the signature --------------------------------------------------------------------------

def test_the_customer_signs_on_the_screen(desk, media):
    order = _order(desk)
    client = _client(desk.technician)
    response = client.post(_url("field_signature", order),
                           {"signer_name": "王建国", "image": signature_png()})
    assert response.status_code == 302
    signature = Signature.objects.get(work_order=order)
    assert signature.signer_name == "王建国" and signature.captured_by == desk.technician
    image = client.get(_url("work_order_signature", order))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    # Signing again replaces it.
    client.post(_url("field_signature", order), {"signer_name": "王太太",
                                                 "image": signature_png()})
    assert list(Signature.objects.values_list("signer_name", flat=True)) == ["王太太"]


@pytest.mark.parametrize("image, message", [
    ("", "sign on the screen first"),
    ("blank", "The signature is empty"),
    ("data:image/jpeg;base64,/9j/4AAQ", "must be a PNG"),
    ("data:image/png;base64,!!!notbase64", "could not be read"),
])
def test_a_bad_signature_is_refused(desk, media, image, message):
    order = _order(desk)
    if image == "blank":
        image = signature_png(blank=True)
    response = _client(desk.technician).post(_url("field_signature", order),
                                             {"signer_name": "王建国", "image": image})
    assert response.status_code == 422 and message in response.content.decode()
    assert not Signature.objects.exists() and _files(media) == []


def test_a_signature_on_someone_elses_order_is_refused(desk, media):
    order = _order(desk)  # the technician's, not the plumber's
    response = _client(desk.plumber).post(_url("field_signature", order),
                                          {"signer_name": "王建国", "image": signature_png()})
    assert response.status_code == 403
    assert "This order is not yours" in response.content.decode()
    assert not Signature.objects.exists() and _files(media) == []
    # The supervisor of the department may record for the worker.
    _client(desk.supervisor).post(_url("field_signature", order),
                                  {"signer_name": "王建国", "image": signature_png()})
    assert Signature.objects.count() == 1


def test_nothing_is_added_once_the_order_is_resolved(desk, media):
    order = _order(desk)
    services.work_order_resolve(order, actor=desk.technician, resolution="更换接头")
    client = _client(desk.technician)
    response = client.post(_url("field_note", order), {"note": "补充"})
    assert response.status_code == 422
    assert "recorded while the order is open" in response.content.decode()
    page = client.get(_url("field_order", order)).content.decode()
    assert 'data-testid="photo-form"' not in page and "Resolved." in page


def test_a_worker_without_the_order_cannot_open_its_field_page(desk):
    order = _order(desk)
    stranger = make_user(desk.world.tenant, desk.world.branch_b, TECHNICIAN,
                         username="tech.far")
    assert _client(stranger).get(_url("field_order", order)).status_code == 404
    assert _client(make_user(desk.world.tenant, desk.world.branch_a, DESK,
                             username="desk.near")).get(
        _url("field_order", order)).status_code == 200
