"""The knowledge base's API (SVC-13): list with search and filters, one article with its
versions, create, update, publish, archive, suggestions, answering a consultation, the answer
counts; the error format (422 with fields, 403, 404) and scope."""

import pytest
from django.utils import timezone

from linli.servicedesk import services
from linli.servicedesk.models import KnowledgeAnswer, KnowledgeArticle, KnowledgeCategory
from tests.builders import make_user
from tests.servicedesk.builders import FRONT_DESK, make_article
from tests.servicedesk.test_api import Api
from tests.servicedesk.test_knowledge import DEPOSIT, other_tenants_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def front(desk):
    return Api(desk.frontdesk)


def _shelf(desk, code="renovation"):
    return KnowledgeCategory.objects.get(tenant=desk.world.tenant, code=code)


def _payload(desk, **extra):
    return {"title": "物业费怎么交", "body": "可在服务中心或 app 缴纳。", "keywords": "物业费",
            "category_id": _shelf(desk, "fees").pk, **extra}


def test_an_article_is_written_edited_published_and_listed(desk, front):
    created = front.post("/knowledge/articles", _payload(desk))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["version"], body["owner_id"], body["category_name"]) == (
        "draft", 1, desk.frontdesk.pk, "收费标准")
    pk = body["id"]
    updated = front.put(f"/knowledge/articles/{pk}", _payload(
        desk, body="可在服务中心、app 或银行代扣缴纳。", note="加了代扣"))
    assert [(v["number"], v["note"]) for v in updated.json()["versions"]] == [
        (2, "加了代扣"), (1, "First version")]
    assert front.post(f"/knowledge/articles/{pk}/publish").json()["status"] == "published"
    listed = front.get("/knowledge/articles", {"q": "wuyefei"}).json()
    assert [a["id"] for a in listed["items"]] == [pk]
    assert front.get("/knowledge/articles", {"status": "draft"}).json()["items"] == []
    detail = front.get(f"/knowledge/articles/{pk}").json()
    assert (detail["version"], detail["body"]) == (2, "可在服务中心、app 或银行代扣缴纳。")


def test_bad_input_is_a_422_with_fields_and_nothing_is_written(desk, front, world):
    response = front.post("/knowledge/articles", _payload(desk, title="  ", body=""))
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "title": ["Give the article a title: the question it answers."],
        "body": ["Write the answer."]}
    theirs = other_tenants_article(world)
    response = front.post("/knowledge/articles", _payload(desk, category_id=theirs.category_id))
    assert (response.status_code, response.json()["fields"]) == (422, {
        "category_id": ["Choose one of the knowledge base's categories."]})
    response = front.post("/knowledge/articles", _payload(
        desk, all_communities=False, community_ids=[]))
    assert response.json()["fields"] == {
        "community_ids": ["Choose the communities it applies to, or all of them."]}
    assert KnowledgeArticle.objects.filter(tenant=desk.world.tenant).count() == 0


def test_publishing_someone_elses_article_is_a_403(desk):
    colleague = make_user(desk.world.tenant, desk.world.branch_a, FRONT_DESK, username="desk.he")
    draft = make_article(desk, *DEPOSIT, publish=False)
    response = Api(colleague).post(f"/knowledge/articles/{draft.pk}/publish")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_another_tenants_article_is_a_404_and_never_listed(desk, front, world):
    theirs = other_tenants_article(world)
    assert front.get(f"/knowledge/articles/{theirs.pk}").status_code == 404
    assert front.post(f"/knowledge/articles/{theirs.pk}/archive").status_code == 404
    assert front.get("/knowledge/articles").json()["items"] == []
    assert front.get("/knowledge/suggestions", {"q": "装修押金"}).json() == []


def test_suggestions_and_answering_a_consultation(desk, front):
    article = make_article(desk, *DEPOSIT, keywords="押金")
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="consultation",
        unit=desk.unit, person=desk.owner, summary="装修押金什么时候退")
    found = front.get("/knowledge/suggestions", {"q": "装修押金怎么退",
                                                  "community": desk.community.pk}).json()
    assert [(s["id"], s["category_name"]) for s in found] == [(article.pk, "装修手续")]
    detail = front.get(f"/work-orders/{order.pk}").json()
    assert "answer" in detail["allowed_actions"]
    answered = front.post(f"/knowledge/articles/{article.pk}/answer",
                          {"work_order_id": order.pk})
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "closed"
    again = front.post(f"/work-orders/{order.pk}/answer", {"article_id": article.pk})
    assert (again.status_code, again.json()["code"]) == (422, "invalid_transition")
    assert KnowledgeAnswer.objects.count() == 1
    today = timezone.localdate().isoformat()
    counts = front.get("/knowledge/answer-counts", {"by": "category", "date_from": today,
                                                    "date_to": today}).json()
    assert counts == [{"key": _shelf(desk).pk, "label": "装修手续", "answered": 1}]
    bad = front.get("/knowledge/answer-counts", {"date_from": today, "date_to": "2000-01-01"})
    assert bad.status_code == 422


def test_a_repair_is_not_answered_from_the_knowledge_base(desk, front):
    article = make_article(desk, *DEPOSIT)
    repair = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    assert "answer" not in front.get(f"/work-orders/{repair.pk}").json()["allowed_actions"]
    response = front.post(f"/work-orders/{repair.pk}/answer", {"article_id": article.pk})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "order_type": ["Only a consultation is answered from the knowledge base."]}
    repair.refresh_from_db()
    assert repair.status == "new"


def test_categories_are_added_and_changed_by_editors(desk):
    editor = Api(desk.manager)  # holds the knowledge editor's rights
    created = editor.post("/knowledge/categories", {
        "name": "快递与外卖", "code": "deliveries", "position": 70,
        "order_category_id": desk.category("漏水").pk})
    assert created.status_code == 201, created.content
    shelf = created.json()
    assert (shelf["code"], shelf["position"], shelf["is_active"]) == ("deliveries", 70, True)
    changed = editor.client.put(
        f"/api/v1/knowledge/categories/{shelf['id']}",
        '{"name": "快递外卖", "code": "deliveries", "is_active": false}',
        content_type="application/json")
    assert changed.status_code == 200 and changed.json()["name"] == "快递外卖"
    assert KnowledgeCategory.objects.get(pk=shelf["id"]).is_active is False

    taken = editor.post("/knowledge/categories", {"name": "快递外卖", "code": "deliveries"})
    assert taken.status_code == 422
    assert set(taken.json()["fields"]) == {"name", "code"}
    # The front desk writes articles but does not arrange the shelves.
    assert Api(desk.frontdesk).post("/knowledge/categories",
                                    {"name": "门禁", "code": "gates"}).status_code == 403
    assert not KnowledgeCategory.objects.filter(code="gates").exists()


def test_another_tenants_category_cannot_be_changed(desk, outsider):
    shelf = _shelf(desk)
    response = Api(outsider).client.put(
        f"/api/v1/knowledge/categories/{shelf.pk}", '{"name": "改名", "code": "x"}',
        content_type="application/json")
    assert response.status_code == 404
    shelf.refresh_from_db()
    assert shelf.name != "改名"
