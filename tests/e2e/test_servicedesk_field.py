"""Browser test of the field worker's page on a phone (SVC-14): from "my orders" a technician
opens an order, accepts it, checks in on arrival, uploads a photo, records a material, writes
a note while the phone is offline (kept and sent once the network is back), has the customer
sign on the screen and resolves the order.

Set LINLI_SCREENSHOT_DIR=docs/img to refresh the user guide's screenshot.
"""

import io
import os

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from tests.e2e.conftest import CHROMIUM

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

from PIL import Image  # noqa: E402

from linli.core.events import DomainEvent  # noqa: E402
from linli.core.services import user_language_set  # noqa: E402
from linli.servicedesk import services  # noqa: E402
from linli.servicedesk.models import WorkOrder, WorkOrderPhoto, WorkOrderSignature  # noqa: E402
from tests.builders import make_world  # noqa: E402
from tests.e2e.test_servicedesk import PHONE, _go, _signed_in  # noqa: E402
from tests.servicedesk.builders import make_desk  # noqa: E402


@pytest.fixture
def order(transactional_db):
    desk = make_desk(make_world())
    user_language_set(actor=desk.technician, user=desk.technician, language="en")
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        caller_name="王建国", summary="厨房水管漏水", urgency="high", impact="medium")
    services.work_order_assign(order, actor=desk.supervisor, handler=desk.technician)
    return order


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 140, 200)).save(out, "JPEG")
    return out.getvalue()


def _sign(page) -> None:
    pad = page.locator("[data-testid=signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + box["height"] / 2
                        + (15 if step % 2 else -15))
    page.mouse.up()


def test_a_technician_works_an_order_on_the_phone(browser, live_server, order,
                                                  screenshot_dir):
    page = _signed_in(browser, live_server, "tech.sun", viewport=PHONE, is_mobile=True,
                      has_touch=True)
    _go(page, live_server, "my_orders")
    page.locator(f"#order-card-{order.pk} [data-testid=open-field]").click()
    expect(page.locator("[data-testid=field-order]")).to_contain_text("厨房水管漏水")

    page.locator("[data-testid=move-accept]").click()
    expect(page.locator("[data-testid=move-arrive]")).to_be_visible()
    page.locator("[data-testid=move-arrive]").click()
    expect(page.locator("[data-testid=arrived]")).to_contain_text("Arrived on site at")

    page.locator("[data-testid=photo-form] input[name=image]").set_input_files(
        {"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": _photo()})
    page.locator("[data-testid=photo-upload]").click()
    thumbnail = page.locator("[data-testid=photos-before] [data-testid=photo] img")
    expect(thumbnail).to_have_count(1)
    expect(page.get_by_text("Photo added.")).to_be_visible()
    thumbnail.scroll_into_view_if_needed()  # it loads lazily
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 480

    form = page.locator("[data-testid=material-form]")
    form.locator("input[name=name]").fill("PPR 水管接头")
    form.locator("input[name=quantity]").fill("2")
    form.locator("input[name=unit]").fill("个")
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=material]")).to_contain_text("PPR 水管接头")

    # The network drops: the note is kept on the phone and sent when it is back.
    page.context.set_offline(True)
    page.locator("[data-testid=note-form] textarea[name=note]").fill("已关闭厨房进水总阀")
    page.locator("[data-testid=note-form] button[type=submit]").click()
    expect(page.locator("[data-testid=offline-queue]")).to_be_visible()
    assert not DomainEvent.objects.filter(verb="work_order.note").exists()
    page.context.set_offline(False)
    expect(page.locator("[data-testid=offline-queue]")).to_be_hidden(timeout=15_000)
    notes = DomainEvent.objects.filter(verb="work_order.note", subject_id=order.pk)
    assert list(notes.values_list("note", flat=True)) == ["已关闭厨房进水总阀"]

    _sign(page)
    page.locator("[data-testid=signature-save]").click()
    expect(page.locator("[data-testid=signature-saved]")).to_contain_text("王建国")
    page.screenshot(path=str(screenshot_dir / "servicedesk-field-phone.png"), full_page=True)

    page.locator("summary", has_text="Resolve").click()
    page.locator("textarea[name='resolve-resolution']").fill("更换水管接头，已试水无渗漏")
    page.locator("[data-testid=move-resolve]").click()
    expect(page.locator("[data-testid=card-done]")).to_be_visible()

    order = WorkOrder.objects.get(pk=order.pk)
    assert order.status == "resolved" and order.arrived_at is not None
    assert WorkOrderPhoto.objects.filter(work_order=order, stage="before").count() == 1
    assert WorkOrderSignature.objects.get(work_order=order).signer_name == "王建国"
