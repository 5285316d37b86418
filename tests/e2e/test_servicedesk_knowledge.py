"""Browser test of the knowledge base at intake (SVC-13): the front desk types a caller's
question, the matching article is suggested as it types, the desk picks it and registers the
consultation, which is answered from the article and closed at once.

Drives Debian's chromium through Playwright against pytest-django's live server (see
tests/e2e/test_servicedesk.py).
"""

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

from django.urls import reverse  # noqa: E402

from linli.core.services import user_language_set  # noqa: E402
from linli.servicedesk.models import KnowledgeAnswer, WorkOrder  # noqa: E402
from linli.servicedesk.states import Status  # noqa: E402
from tests.builders import make_world  # noqa: E402
from tests.e2e.test_servicedesk import _signed_in  # noqa: E402
from tests.servicedesk.builders import make_article, make_desk  # noqa: E402


@pytest.fixture
def desk(transactional_db):
    desk = make_desk(make_world())
    user_language_set(actor=desk.frontdesk, user=desk.frontdesk, language="en")
    return desk


def test_a_question_typed_at_intake_is_answered_from_the_knowledge_base(
        browser, live_server, desk, screenshot_dir):
    deposit = make_article(desk, "装修押金什么时候退",
                           "竣工验收合格后 30 日内，凭押金收据到服务中心办理退还。",
                           keywords="押金 退还")
    make_article(desk, "门禁卡丢了怎么补办", "带身份证到服务中心补办，工本费 20 元。",
                 shelf="parking-cards")
    page = _signed_in(browser, live_server, "desk.li")

    page.goto(f"{live_server.url}{reverse('servicedesk:intake')}")
    page.fill("#caller-q", "1502")
    page.press("#caller-q", "Enter")
    page.locator("[data-testid=choose-caller]").first.click()
    expect(page.locator("input[name='order-room_code']")).to_have_value("3-2-1502")
    # The desk types the question as the caller asks it; the answer is suggested meanwhile.
    page.locator("input[name='order-summary']").press_sequentially("请问装修押金什么时候能退",
                                                                  delay=20)
    suggestion = page.locator(f"[data-suggestion='{deposit.pk}']")
    expect(suggestion).to_contain_text("装修押金什么时候退")
    expect(page.locator("[data-testid=kb-suggestions]")).not_to_contain_text("门禁卡丢了")
    page.screenshot(path=str(screenshot_dir / "servicedesk-knowledge-intake.png"),
                    full_page=True)
    suggestion.locator(f"[data-kb-pick='{deposit.pk}']").click()
    expect(page.locator("[data-testid=kb-chosen]")).to_contain_text("装修押金什么时候退")
    expect(page.locator("select[name='order-order_type']")).to_have_value("consultation")
    page.click("[data-testid=register-order]")

    expect(page.locator("[data-testid=routed-to]")).to_contain_text(
        "Answered from the knowledge base and closed")
    expect(page.locator("[data-testid=registered]")).to_contain_text("Closed")
    order = WorkOrder.objects.get()
    assert (order.order_type, order.status, order.summary) == (
        "consultation", Status.CLOSED, "请问装修押金什么时候能退")
    assert KnowledgeAnswer.objects.get(work_order=order).article_id == deposit.pk

    # The order's page tells which article answered it.
    page.goto(f"{live_server.url}{reverse('servicedesk:work_order_detail', args=[order.pk])}")
    expect(page.locator("[data-testid=answered-with]")).to_contain_text("装修押金什么时候退")
    page.context.close()
