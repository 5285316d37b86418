"""The knowledge base (SVC-13): articles with versions, owners and statuses; the search the
desk runs as it types; answering a consultation from an article; drafts from resolved orders;
the count of answered consultations. Each refusal leaves everything as it was."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from linli.core.events import events_for
from linli.servicedesk import services
from linli.servicedesk.choices import ClockState
from linli.servicedesk.knowledge import selectors as kb
from linli.servicedesk.models import (
    Callback,
    KnowledgeAnswer,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
    WorkOrder,
    WorkOrderClock,
)
from linli.servicedesk.states import Status
from tests.builders import make_user
from tests.directory.builders import make_community
from tests.servicedesk.builders import FRONT_DESK, make_article

pytestmark = pytest.mark.django_db

DEPOSIT = ("装修押金什么时候退", "装修竣工验收合格后 30 日内，凭押金收据到服务中心办理退还。")


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def _shelf(desk, code="renovation"):
    return KnowledgeCategory.objects.get(tenant=desk.world.tenant, code=code)


def _consultation(desk, **extra):
    fields = {"actor": desk.frontdesk, "community": desk.community,
              "order_type": "consultation", "unit": desk.unit, "person": desk.owner,
              "summary": "装修押金怎么退"}
    return services.work_order_create(**{**fields, **extra})


# --- shelves --------------------------------------------------------------------------------

def test_every_tenant_starts_with_the_six_shelves(desk):
    shelves = list(KnowledgeCategory.objects.filter(tenant=desk.world.tenant)
                   .values_list("code", "name", "order_category__name"))
    assert shelves == [
        ("renovation", "装修手续", "装修手续"), ("parking-cards", "停车与门禁卡", "停车与门禁卡"),
        ("utilities", "水电气暖", None), ("surroundings", "周边配套", None),
        ("service", "服务内容", None), ("fees", "收费标准", "缴费")]
    # Installing again keeps what is there.
    assert services.knowledge_defaults_install(actor=None, tenant=desk.world.tenant) == 0


def test_a_shelf_is_renamed_and_names_stay_distinct(desk):
    tenant = desk.world.tenant
    shelf = _shelf(desk, "surroundings")
    services.knowledge_category_save(actor=desk.manager, tenant=tenant, category=shelf,
                                     name="周边学校与医院", code="surroundings", position=40)
    assert KnowledgeCategory.objects.get(pk=shelf.pk).name == "周边学校与医院"
    assert _errors(lambda: services.knowledge_category_save(
        actor=desk.manager, tenant=tenant, name="装修手续", code="")) == {
        "name": ["Another category has this name."],
        "code": ["Give the category a short code."]}
    with pytest.raises(PermissionDenied):
        services.knowledge_category_save(actor=desk.frontdesk, tenant=tenant, name="快递",
                                         code="parcels")
    assert KnowledgeCategory.objects.filter(tenant=tenant).count() == 6


# --- articles and versions ------------------------------------------------------------------

def test_an_article_is_written_as_a_draft_of_its_author(desk):
    article = make_article(desk, *DEPOSIT, keywords="押金 退还", publish=False)
    article.refresh_from_db()
    assert (article.status, article.version, article.owner, article.category.code) == (
        "draft", 1, desk.frontdesk, "renovation")
    assert list(article.versions.values_list("number", "title", "edited_by")) == [
        (1, DEPOSIT[0], desk.frontdesk.pk)]
    assert [e.verb for e in events_for(article)] == ["knowledge_article.created"]


def test_empty_title_or_answer_is_refused_and_nothing_is_written(desk):
    assert _errors(lambda: services.knowledge_article_create(
        actor=desk.frontdesk, tenant=desk.world.tenant, title="  ", body="",
        category=_shelf(desk))) == {
        "title": ["Give the article a title: the question it answers."],
        "body": ["Write the answer."]}
    assert _errors(lambda: services.knowledge_article_create(
        actor=desk.frontdesk, tenant=desk.world.tenant, title="停车", body="月卡 300 元",
        category=_shelf(desk), all_communities=False, communities=[])) == {
        "communities": ["Choose the communities it applies to, or all of them."]}
    assert KnowledgeArticle.objects.count() == 0
    assert KnowledgeArticleVersion.objects.count() == 0


def test_another_tenants_shelf_or_owner_is_refused(desk, world):
    theirs = other_tenants_article(world)
    assert _errors(lambda: services.knowledge_article_create(
        actor=desk.frontdesk, tenant=desk.world.tenant, title="停车", body="月卡 300 元",
        category=theirs.category, owner=theirs.owner)) == {
        "category": ["Choose one of the knowledge base's categories."],
        "owner": ["Choose an active user of your organisation as the owner."]}
    assert KnowledgeArticle.objects.filter(tenant=desk.world.tenant).count() == 0


def test_each_edit_is_a_new_version_and_the_article_stays_published(desk):
    article = make_article(desk, *DEPOSIT)
    services.knowledge_article_update(
        article, actor=desk.frontdesk, title=DEPOSIT[0], body=DEPOSIT[1] + "押金收据遗失需登报。",
        category=_shelf(desk), note="补充遗失收据的办法")
    services.knowledge_article_update(
        article, actor=desk.manager, title="装修押金的退还", body=article.body,
        category=_shelf(desk), keywords="押金")
    article.refresh_from_db()
    assert (article.version, article.status, article.title) == (3, "published", "装修押金的退还")
    assert [(v.number, v.title, v.note, v.edited_by) for v in kb.article_versions(article)] == [
        (3, "装修押金的退还", "", desk.manager),
        (2, DEPOSIT[0], "补充遗失收据的办法", desk.frontdesk),
        (1, DEPOSIT[0], "First version", desk.frontdesk)]


def test_an_edit_that_changes_nothing_is_refused(desk):
    article = make_article(desk, *DEPOSIT)
    assert _errors(lambda: services.knowledge_article_update(
        article, actor=desk.frontdesk, title=DEPOSIT[0], body=DEPOSIT[1],
        category=_shelf(desk))) == {"__all__": ["Nothing was changed."]}
    assert KnowledgeArticleVersion.objects.filter(article=article).count() == 1


def test_someone_elses_article_is_neither_edited_nor_published_by_a_plain_author(desk):
    colleague = make_user(desk.world.tenant, desk.world.branch_a, FRONT_DESK,
                          username="desk.he")
    article = make_article(desk, *DEPOSIT, publish=False)
    with pytest.raises(PermissionDenied):
        services.knowledge_article_publish(article, actor=colleague)
    with pytest.raises(PermissionDenied):
        services.knowledge_article_update(article, actor=colleague, title="改", body="改",
                                          category=_shelf(desk))
    article.refresh_from_db()
    assert (article.status, article.version, article.title) == ("draft", 1, DEPOSIT[0])
    # Its owner publishes it; the knowledge-base editor may archive anybody's.
    services.knowledge_article_publish(article, actor=desk.frontdesk)
    services.knowledge_article_archive(article, actor=desk.manager)
    article.refresh_from_db()
    assert article.status == "archived"
    assert [e.verb for e in events_for(article)] == [
        "knowledge_article.archived", "knowledge_article.published",
        "knowledge_article.created"]


def test_publishing_twice_or_editing_an_archived_article_is_refused(desk):
    article = make_article(desk, *DEPOSIT)
    assert _errors(lambda: services.knowledge_article_publish(article, actor=desk.manager)) == {
        "status": ["The article is “Published” already."]}
    services.knowledge_article_archive(article, actor=desk.manager)
    assert "status" in _errors(lambda: services.knowledge_article_update(
        article, actor=desk.manager, title="新", body="新", category=_shelf(desk)))
    services.knowledge_article_restore(article, actor=desk.manager)
    article.refresh_from_db()
    assert (article.status, article.version) == ("draft", 1)


# --- scope ----------------------------------------------------------------------------------

def other_tenants_article(world, title="装修押金的退还（乙）", body="乙公司的押金规定"):
    """A published article of the other tenant of ``world``, on its own seed shelf."""
    tenant = world.other_tenant
    services.knowledge_defaults_install(actor=None, tenant=tenant)
    owner = make_user(tenant, world.other_root, [], username="yi.kb")
    article = services.knowledge_article_create(
        actor=None, tenant=tenant, title=title, body=body, owner=owner,
        category=KnowledgeCategory.objects.get(tenant=tenant, code="renovation"))
    return services.knowledge_article_publish(article, actor=None)


def test_another_tenants_articles_never_appear(desk, world):
    theirs = other_tenants_article(world)
    mine = make_article(desk, *DEPOSIT)
    assert [a.pk for a in kb.article_suggestions(desk.frontdesk, "装修押金")] == [mine.pk]
    assert [a.pk for a in kb.article_list(desk.manager, {"q": "押金"})] == [mine.pk]
    with pytest.raises(Http404):
        kb.article_get(desk.frontdesk, theirs.pk)
    order = _consultation(desk)
    assert "article" in _errors(lambda: services.work_order_answer(
        order, actor=desk.frontdesk, article=theirs))
    order.refresh_from_db()
    assert order.status != Status.CLOSED


def test_people_who_do_not_write_articles_see_published_ones_only(desk):
    reader = make_user(desk.world.tenant, desk.world.branch_a,
                       ["servicedesk.view_knowledgearticle"], username="reader")
    draft = make_article(desk, "停车月卡怎么办", "带行驶证到服务中心", shelf="parking-cards",
                         publish=False)
    published = make_article(desk, *DEPOSIT)
    assert [a.pk for a in kb.article_list(reader)] == [published.pk]
    assert {a.pk for a in kb.article_list(desk.frontdesk)} == {draft.pk, published.pk}
    with pytest.raises(Http404):
        kb.article_get(reader, draft.pk)


# --- search ---------------------------------------------------------------------------------

@pytest.fixture
def shelf_of_answers(desk):
    """Articles whose words overlap, to see the ranking."""
    return {
        "deposit": make_article(desk, *DEPOSIT, keywords="押金 退还"),
        "permit": make_article(desk, "装修需要办理哪些手续",
                               "携带房产证、装修方案和装修公司资质到服务中心登记，缴纳装修押金。",
                               keywords="装修 备案 手续"),
        "card": make_article(desk, "门禁卡丢了怎么补办", "带身份证到服务中心补办，工本费 20 元。",
                             shelf="parking-cards", keywords="门禁卡 补卡"),
        "draft": make_article(desk, "装修押金可以抵物业费吗", "不可以。", publish=False),
    }


def test_a_question_finds_its_answer_first(desk, shelf_of_answers):
    found = kb.article_suggestions(desk.frontdesk, "请问我家装修的押金什么时候能退？")
    # The deposit article holds 装修, 押金 and 退 in its title; the permit article only
    # mentions the deposit in its answer; drafts are never offered.
    assert [a.pk for a in found] == [shelf_of_answers["deposit"].pk,
                                     shelf_of_answers["permit"].pk]
    assert [a.pk for a in kb.article_suggestions(desk.frontdesk, "门禁卡丢了")] == [
        shelf_of_answers["card"].pk]
    assert kb.article_suggestions(desk.frontdesk, "电梯坏了") == []
    assert kb.article_suggestions(desk.frontdesk, "   ") == []


def test_pinyin_finds_titles_and_keywords(desk, shelf_of_answers):
    assert [a.pk for a in kb.article_suggestions(desk.frontdesk, "menjinka")] == [
        shelf_of_answers["card"].pk]
    assert [a.pk for a in kb.article_suggestions(desk.frontdesk, "mjk")] == [
        shelf_of_answers["card"].pk]
    # A homophone typo (装休 for 装修) finds nothing as written, then the pinyin does.
    assert {a.pk for a in kb.article_suggestions(desk.frontdesk, "装休")} == {
        shelf_of_answers["deposit"].pk, shelf_of_answers["permit"].pk}


def test_an_article_for_some_communities_is_offered_there_only(desk, world):
    elsewhere = make_community(world, "金桂园")
    local = make_article(desk, "翠湖苑停车场月卡价格", "地面车位每月 300 元。",
                         shelf="parking-cards", communities=[desk.community])
    assert [a.pk for a in kb.article_suggestions(desk.frontdesk, "停车月卡",
                                                 community=desk.community)] == [local.pk]
    assert kb.article_suggestions(desk.frontdesk, "停车月卡", community=elsewhere) == []
    order = _consultation(desk, community=elsewhere, unit=None, person=None,
                          area="public_area", summary="停车月卡多少钱")
    assert _errors(lambda: services.work_order_answer(
        order, actor=desk.frontdesk, article=local)) == {
        "article": ["“翠湖苑停车场月卡价格” does not apply to 金桂园."]}


# --- answering a consultation ---------------------------------------------------------------

def test_a_consultation_answered_from_an_article_is_closed_at_once(desk, shelf_of_answers):
    order = _consultation(desk)
    article = shelf_of_answers["deposit"]
    services.work_order_answer(order, actor=desk.frontdesk, article=article)
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.resolution == f"Answered from the knowledge base: {article.title}"
    assert order.closed_at == order.resolved_at is not None
    answer = KnowledgeAnswer.objects.get(work_order=order)
    assert (answer.article, answer.article_version, answer.category.code,
            answer.answered_by) == (article, 1, "renovation", desk.frontdesk)
    assert not WorkOrderClock.objects.filter(
        work_order=order, state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()
    assert not Callback.objects.filter(work_order=order).exists()
    event = events_for(order).first()
    assert (event.verb, event.data) == ("work_order.answer", {"article": article.pk,
                                                              "version": 1})



def test_an_incident_answered_from_an_article_resolves_its_linked_orders(desk,
                                                                         shelf_of_answers):
    """Several callers ask about the same thing; the first call is the incident. Its answer
    reaches the other open orders, each of which goes on to its own callback; a linked order
    that is waiting cannot be resolved and is named on the incident."""
    parent = _consultation(desk)
    asked = _consultation(desk, summary="押金什么时候退", person=None, unit=None,
                          area="public_area")
    waiting = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner,
        summary="退押金前要先修好漏水")
    for child in (asked, waiting):
        services.work_order_cluster_link(child, actor=desk.frontdesk, parent=parent)
    services.work_order_assign(waiting, actor=desk.supervisor, handler=desk.technician)
    services.work_order_accept(waiting, actor=desk.technician)
    services.work_order_wait(waiting, actor=desk.technician, waiting_on="customer",
                             reason="等业主找收据")
    article = shelf_of_answers["deposit"]
    services.work_order_answer(parent, actor=desk.frontdesk, article=article)

    asked.refresh_from_db()
    waiting.refresh_from_db()
    assert asked.status == Status.RESOLVED
    assert asked.resolution == (f"Resolved with incident {parent.number}: "
                                f"Answered from the knowledge base: {article.title}")
    assert asked.callbacks.count() == 1
    assert waiting.status == Status.WAITING
    skipped = [e for e in events_for(parent) if e.verb == "work_order.cluster_not_resolved"]
    assert [(e.new_value, e.data["skipped"]) for e in skipped] == [
        (waiting.number, [{"number": waiting.number, "reason": "Waiting"}])]

def test_only_open_consultations_and_published_articles_answer(desk, shelf_of_answers):
    repair = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type="repair",
        category=desk.category("漏水"), unit=desk.unit, person=desk.owner, summary="漏水")
    assert _errors(lambda: services.work_order_answer(
        repair, actor=desk.frontdesk, article=shelf_of_answers["deposit"])) == {
        "order_type": ["Only a consultation is answered from the knowledge base."]}
    order = _consultation(desk)
    assert _errors(lambda: services.work_order_answer(
        order, actor=desk.frontdesk, article=shelf_of_answers["draft"])) == {
        "article": ["“装修押金可以抵物业费吗” is not published; choose a published article."]}
    services.work_order_answer(order, actor=desk.frontdesk, article=shelf_of_answers["deposit"])
    assert _errors(lambda: services.work_order_answer(
        order, actor=desk.frontdesk, article=shelf_of_answers["permit"])) == {
        "status": ["A work order that is “Closed” cannot be given “Answer from the knowledge "
                   "base”."]}
    repair.refresh_from_db()
    assert repair.status != Status.CLOSED
    assert list(KnowledgeAnswer.objects.values_list("work_order", "article")) == [
        (order.pk, shelf_of_answers["deposit"].pk)]


def test_a_technician_may_not_answer_someone_elses_consultation(desk, shelf_of_answers):
    order = _consultation(desk)
    with pytest.raises(PermissionDenied):
        services.work_order_answer(order, actor=desk.technician,
                                   article=shelf_of_answers["deposit"])
    assert not KnowledgeAnswer.objects.exists()


def test_intake_answered_registers_and_closes_or_writes_nothing(desk, shelf_of_answers):
    before = WorkOrder.objects.count()
    fields = {"actor": desk.frontdesk, "community": desk.community, "unit": desk.unit,
              "person": desk.owner, "summary": "装修押金怎么退"}
    assert _errors(lambda: services.work_order_create_answered(
        article=shelf_of_answers["draft"], order_type="consultation", **fields)) == {
        "article": ["“装修押金可以抵物业费吗” is not published; choose a published article."]}
    assert _errors(lambda: services.work_order_create_answered(
        article=shelf_of_answers["deposit"], order_type="repair", **fields)) == {
        "order_type": ["Only a consultation is answered from the knowledge base."]}
    assert WorkOrder.objects.count() == before
    order = services.work_order_create_answered(
        article=shelf_of_answers["deposit"], order_type="consultation", **fields)
    assert order.status == Status.CLOSED
    assert WorkOrder.objects.count() == before + 1


# --- drafts from resolved orders (the weekly case review) -----------------------------------

def _resolved(desk, category, summary, resolution):
    order = services.work_order_create(
        actor=desk.frontdesk, community=desk.community, order_type=category.order_type,
        category=category, unit=desk.unit, person=desk.owner, summary=summary)
    services.work_order_resolve(order, actor=None, resolution=resolution)
    return order


def test_a_resolved_order_becomes_a_draft_on_its_categorys_shelf(desk):
    order = _resolved(desk, desk.category("停车与门禁卡"), "临时车辆怎么进小区",
                      "访客车辆在岗亭登记车牌，前 2 小时免费。")
    article = services.knowledge_article_draft_from_order(actor=desk.frontdesk, order=order)
    article.refresh_from_db()
    assert (article.status, article.title, article.body, article.category.code,
            article.source_order, article.owner, article.all_communities) == (
        "draft", "临时车辆怎么进小区", "访客车辆在岗亭登记车牌，前 2 小时免费。",
        "parking-cards", order, desk.frontdesk, False)
    assert list(article.communities.all()) == [desk.community]
    assert events_for(order).first().verb == "work_order.knowledge_draft"
    assert _errors(lambda: services.knowledge_article_draft_from_order(
        actor=desk.frontdesk, order=order)) == {
        "status": ["An article was made from this order already."]}


def test_an_open_order_does_not_become_an_article(desk):
    order = _consultation(desk)
    assert _errors(lambda: services.knowledge_article_draft_from_order(
        actor=desk.frontdesk, order=order)) == {
        "status": ["Only a resolved or closed order with a resolution becomes an article."]}
    assert KnowledgeArticle.objects.count() == 0


def test_an_order_without_a_shelf_lands_on_the_first_one(desk):
    order = _resolved(desk, desk.category("漏水"), "卫生间漏水", "更换密封圈")
    article = services.knowledge_article_draft_from_order(actor=desk.manager, order=order)
    assert (article.category.code, article.keywords) == ("renovation", "漏水")


# --- the report -----------------------------------------------------------------------------

def test_answered_consultations_are_counted_per_article_category_and_period(
        desk, shelf_of_answers):
    deposit, card = shelf_of_answers["deposit"], shelf_of_answers["card"]
    for article in (deposit, deposit, card):
        services.work_order_answer(_consultation(desk), actor=desk.frontdesk, article=article)
    today = timezone.localdate()
    assert [(c.key, c.label, c.answered) for c in kb.knowledge_answer_counts(
        desk.manager, by="article")] == [(deposit.pk, deposit.title, 2),
                                         (card.pk, card.title, 1)]
    assert [(c.label, c.answered) for c in kb.knowledge_answer_counts(
        desk.manager, by="category")] == [("装修手续", 2), ("停车与门禁卡", 1)]
    assert [(c.key, c.answered) for c in kb.knowledge_answer_counts(
        desk.manager, by="day", date_from=today, date_to=today)] == [(today, 3)]
    assert kb.knowledge_answer_counts(desk.manager, by="month",
                                      date_to=today - dt.timedelta(days=40)) == []
    # Someone who sees none of the orders counts none of them.
    outsider = make_user(desk.world.tenant, desk.world.branch_b,
                         ["servicedesk.view_workorder"], username="outsider")
    assert kb.knowledge_answer_counts(outsider, by="article") == []
