"""Screens of the knowledge base (SVC-13): the list with search, filter, pagination and empty
state; an article with its versions; the form; publish and archive; the suggestions on intake
and on a consultation's page; answering from them; drafts from resolved orders. Errors write
nothing; another tenant's articles are a 404."""

import pytest
from django.urls import reverse

from linli.servicedesk import services
from linli.servicedesk.models import KnowledgeAnswer, KnowledgeArticle, KnowledgeCategory, WorkOrder
from linli.servicedesk.states import Status
from tests.builders import make_user
from tests.servicedesk.builders import FRONT_DESK, make_article
from tests.servicedesk.test_knowledge import DEPOSIT, other_tenants_article
from tests.servicedesk.test_views import HTMX, _client, _html

pytestmark = pytest.mark.django_db



@pytest.fixture
def articles(desk):
    return {"deposit": make_article(desk, *DEPOSIT, keywords="押金 退还"),
            "card": make_article(desk, "门禁卡丢了怎么补办",
                                 "带身份证到服务中心补办，工本费 20 元。",
                                 shelf="parking-cards", keywords="门禁卡"),
            "draft": make_article(desk, "装修垃圾怎么清运", "袋装后放到指定地点。", publish=False)}


def test_the_list_searches_and_filters(desk, articles):
    client = _client(desk.frontdesk)
    url = reverse("servicedesk:knowledge_list")
    html = _html(client.get(url))
    assert all(a.title in html for a in articles.values())
    html = _html(client.get(url, {"q": "门禁卡补办"}))
    assert "门禁卡丢了怎么补办" in html and DEPOSIT[0] not in html
    shelf = KnowledgeCategory.objects.get(tenant=desk.world.tenant, code="renovation")
    response = client.get(url, {"category": shelf.pk, "status": "draft"})
    assert [a.pk for a in response.context["articles"]] == [articles["draft"].pk]
    html = _html(client.get(url, {"q": "电梯困人"}))
    assert "No article answers this." in html


def test_the_list_pages_and_is_empty_for_a_new_desk(desk):
    client = _client(desk.frontdesk)
    assert "No articles here yet." in _html(client.get(reverse("servicedesk:knowledge_list")))
    for n in range(21):
        make_article(desk, f"常见问题{n}", "答复", publish=False)
    response = client.get(reverse("servicedesk:knowledge_list"))
    assert (len(response.context["articles"]), response.context["paginator"].count) == (20, 21)
    assert len(client.get(reverse("servicedesk:knowledge_list"), {"page": 2}
                          ).context["articles"]) == 1


def test_an_article_shows_its_current_version_and_its_history(desk, articles):
    article = articles["deposit"]
    services.knowledge_article_update(article, actor=desk.frontdesk, title=article.title,
                                      body="新的退还办法", category=article.category,
                                      keywords=article.keywords, note="改了退还时间")
    client = _client(desk.frontdesk)
    url = reverse("servicedesk:knowledge_detail", args=[article.pk])
    html = _html(client.get(url))
    assert "新的退还办法" in html and "Current version (2)" in html
    assert "改了退还时间" in html
    html = _html(client.get(url, {"version": 1}))
    assert DEPOSIT[1] in html and "Version 1" in html


def test_an_article_is_written_edited_and_published_from_the_screens(desk):
    client = _client(desk.frontdesk)
    shelf = KnowledgeCategory.objects.get(tenant=desk.world.tenant, code="fees")
    form = {"title": "物业费怎么交", "category": shelf.pk, "keywords": "物业费 缴费",
            "body": "可在服务中心或 app 缴纳。", "owner": desk.frontdesk.pk,
            "all_communities": "on"}
    response = client.post(reverse("servicedesk:knowledge_create"), form)
    article = KnowledgeArticle.objects.get()
    assert response["Location"] == reverse("servicedesk:knowledge_detail", args=[article.pk])
    response = client.post(reverse("servicedesk:knowledge_edit", args=[article.pk]),
                           {**form, "body": "可在服务中心、app 或银行代扣缴纳。",
                            "note": "加了代扣"})
    assert response.status_code == 302
    client.post(reverse("servicedesk:knowledge_move", args=[article.pk, "publish"]))
    article.refresh_from_db()
    assert (article.status, article.version, article.body) == (
        "published", 2, "可在服务中心、app 或银行代扣缴纳。")


def test_form_errors_are_shown_and_nothing_is_written(desk):
    client = _client(desk.frontdesk)
    response = client.post(reverse("servicedesk:knowledge_create"), {
        "title": "", "body": "", "owner": desk.frontdesk.pk, "all_communities": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "body", "category"}
    shelf = KnowledgeCategory.objects.get(tenant=desk.world.tenant, code="fees")
    response = client.post(reverse("servicedesk:knowledge_create"), {
        "title": "停车费", "body": "每月 300 元", "category": shelf.pk,
        "owner": desk.frontdesk.pk})
    assert response.context["form"].errors == {
        "communities": ["Choose the communities it applies to, or all of them."]}
    assert KnowledgeArticle.objects.count() == 0


def test_a_colleague_cannot_publish_someone_elses_article(desk, articles):
    colleague = make_user(desk.world.tenant, desk.world.branch_a, FRONT_DESK, username="desk.he")
    draft = articles["draft"]
    client = _client(colleague)
    html = _html(client.get(reverse("servicedesk:knowledge_detail", args=[draft.pk])))
    assert 'data-testid="publish-article"' not in html
    response = client.post(reverse("servicedesk:knowledge_move", args=[draft.pk, "publish"]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_another_tenants_article_is_not_found(desk, world):
    theirs = other_tenants_article(world)
    client = _client(desk.manager)
    assert client.get(reverse("servicedesk:knowledge_detail", args=[theirs.pk])
                      ).status_code == 404
    assert client.post(reverse("servicedesk:knowledge_move", args=[theirs.pk, "archive"])
                       ).status_code == 404
    html = _html(client.get(reverse("servicedesk:knowledge_suggest"), {"q": "装修押金"},
                            headers=HTMX))
    assert theirs.title not in html


# --- intake and the order page --------------------------------------------------------------

def test_intake_suggests_articles_as_the_question_is_typed(desk, articles):
    client = _client(desk.frontdesk)
    html = _html(client.get(reverse("servicedesk:intake")))
    assert 'data-testid="kb-panel"' in html
    html = _html(client.get(reverse("servicedesk:knowledge_suggest"), {
        "order-summary": "请问装修押金什么时候退", "order-description": "",
        "order-community": desk.community.pk}, headers=HTMX))
    assert f'data-kb-pick="{articles["deposit"].pk}"' in html
    assert articles["draft"].title not in html


def _intake_form(desk, **extra):
    return {"order-order_type": "consultation", "order-area": "private_unit",
            "order-channel": "phone", "order-community": desk.community.pk,
            "order-room_code": "3-2-1502", "order-person": desk.owner.pk,
            "order-caller_name": "王建国", "order-summary": "装修押金什么时候退",
            "order-urgency": "low", "order-impact": "low", **extra}


def test_intake_with_a_picked_article_registers_a_closed_consultation(desk, articles):
    response = _client(desk.frontdesk).post(reverse("servicedesk:intake"), _intake_form(
        desk, **{"order-knowledge_article": articles["deposit"].pk}))
    order = WorkOrder.objects.get()
    assert response.status_code == 302
    assert order.status == Status.CLOSED
    assert KnowledgeAnswer.objects.get().article == articles["deposit"]


def test_intake_with_a_draft_or_a_repair_writes_nothing(desk, articles):
    client = _client(desk.frontdesk)
    response = client.post(reverse("servicedesk:intake"), _intake_form(
        desk, **{"order-knowledge_article": articles["draft"].pk}))
    assert response.status_code == 200
    assert "Choose a published article of the knowledge base." in _html(response)
    response = client.post(reverse("servicedesk:intake"), _intake_form(
        desk, **{"order-knowledge_article": articles["deposit"].pk,
                 "order-order_type": "repair"}))
    assert response.context["order_form"].errors == {
        "order_type": ["Only a consultation is answered from the knowledge base."]}
    assert WorkOrder.objects.count() == 0


def test_a_consultations_page_offers_articles_and_answers_with_one(desk, articles):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="consultation",
        unit=desk.unit, person=desk.owner, summary="门禁卡丢了")
    client = _client(desk.frontdesk)
    url = reverse("servicedesk:work_order_detail", args=[order.pk])
    html = _html(client.get(url))
    assert f'data-testid="answer-with-{articles["card"].pk}"' in html
    response = client.post(reverse("servicedesk:work_order_act", args=[order.pk, "answer"]),
                           {"answer-article": articles["card"].pk})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    html = _html(client.get(url))
    assert 'data-testid="answered-with"' in html and articles["card"].title in html


def test_answering_a_closed_order_again_shows_why_and_changes_nothing(desk, articles):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="consultation",
        unit=desk.unit, person=desk.owner, summary="门禁卡丢了")
    services.work_order_answer(order, actor=desk.frontdesk, article=articles["card"])
    response = _client(desk.frontdesk).post(
        reverse("servicedesk:work_order_act", args=[order.pk, "answer"]),
        {"answer-article": articles["deposit"].pk})
    assert "cannot be given “Answer from the knowledge base”" in _html(response)
    assert KnowledgeAnswer.objects.get().article == articles["card"]


def test_a_resolved_order_is_turned_into_a_draft(desk):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="卫生间地漏反味")
    services.work_order_resolve(order, actor=None, resolution="加装防臭地漏芯")
    client = _client(desk.frontdesk)
    html = _html(client.get(reverse("servicedesk:work_order_detail", args=[order.pk])))
    assert 'data-testid="draft-article"' in html
    response = client.post(reverse("servicedesk:knowledge_draft_from_order", args=[order.pk]))
    article = KnowledgeArticle.objects.get()
    assert response["Location"] == reverse("servicedesk:knowledge_edit", args=[article.pk])
    assert (article.title, article.body, article.status) == (
        "卫生间地漏反味", "加装防臭地漏芯", "draft")


def test_an_editor_renames_a_category_and_the_desk_may_not(desk, world):
    shelf = KnowledgeCategory.objects.get(tenant=desk.world.tenant, code="surroundings")
    url = reverse("servicedesk:knowledge_category_edit", args=[shelf.pk])
    form = {"name": "周边学校与医院", "code": "surroundings", "position": 40,
            "order_category": "", "is_active": "on"}
    assert _client(desk.frontdesk).post(url, form).status_code == 403
    response = _client(desk.manager).post(url, {**form, "name": "装修手续"})
    assert response.context["form"].errors == {"name": ["Another category has this name."]}
    response = _client(desk.manager).post(url, form)
    assert response["Location"] == reverse("servicedesk:knowledge_categories")
    html = _html(_client(desk.frontdesk).get(reverse("servicedesk:knowledge_categories")))
    assert "周边学校与医院" in html
    theirs = other_tenants_article(world).category
    assert _client(desk.manager).get(reverse("servicedesk:knowledge_category_edit",
                                             args=[theirs.pk])).status_code == 404
