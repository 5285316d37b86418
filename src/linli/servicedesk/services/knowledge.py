"""Writes of the knowledge base (SVC-13): its shelves, articles with a version per saved edit,
publishing and archiving, drafts made from resolved orders (the weekly case review), and
answering a consultation from an article, which closes it at once through the state machine.

Who may do what: ``add_knowledgearticle`` writes new articles; ``change_knowledgearticle``
edits, publishes and archives the articles one owns; ``publish_knowledgearticle`` (the
knowledge-base editor) does so for anybody's. Answering is a work-order move
(``Action.ANSWER``), allowed to those who take calls.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.core.events import record_event
from linli.directory.models import Community
from linli.servicedesk.choices import ArticleStatus, OrderType
from linli.servicedesk.knowledge import selectors as kb
from linli.servicedesk.knowledge.models import (
    KnowledgeAnswer,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
)
from linli.servicedesk.knowledge.search_keys import article_keys
from linli.servicedesk.models import Category, WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.services.lifecycle import Change, transition
from linli.servicedesk.states import Action, Status

TITLE_MAX, KEYWORDS_MAX, NOTE_MAX = 200, 200, 200

# The shelves every tenant starts with: (code, name, position, the consultation category of
# the seed configuration whose orders they answer).
SEED_SHELVES = [
    ("renovation", "装修手续", 10, "装修手续"),
    ("parking-cards", "停车与门禁卡", 20, "停车与门禁卡"),
    ("utilities", "水电气暖", 30, None),
    ("surroundings", "周边配套", 40, None),
    ("service", "服务内容", 50, None),
    ("fees", "收费标准", 60, "缴费"),
]


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


# --- shelves --------------------------------------------------------------------------------

def knowledge_defaults_install(*, actor, tenant) -> int:
    """The seed shelves of ``tenant`` (idempotent: what exists, by code, is kept). Returns how
    many were made."""
    shared.require_any(actor, ("add_knowledgecategory",), None)
    made = 0
    for code, name, position, order_category in SEED_SHELVES:
        linked = (Category.objects.filter(tenant=tenant, order_type=OrderType.CONSULTATION,
                                          name=order_category).first()
                  if order_category else None)
        if KnowledgeCategory.objects.filter(tenant=tenant, name=name).exclude(
                code=code).exists():
            continue  # renamed into another shelf's name: leave the tenant's choice alone
        _shelf, created = KnowledgeCategory.objects.get_or_create(
            tenant=tenant, code=code,
            defaults={"name": name, "position": position, "order_category": linked})
        made += created
    return made


def knowledge_category_save(*, actor, tenant, name: str, code: str, position: int = 100,
                            order_category: Category | None = None, is_active: bool = True,
                            category: KnowledgeCategory | None = None) -> KnowledgeCategory:
    """Add a shelf, or change one (``category``)."""
    shared.require_any(actor, ("change_knowledgecategory" if category else
                               "add_knowledgecategory",), category)
    errors: dict[str, list[str]] = {}
    name, code = (name or "").strip(), (code or "").strip()
    if not name:
        errors["name"] = [_("Name the category.")]
    if not code:
        errors["code"] = [_("Give the category a short code.")]
    if order_category is not None and order_category.tenant_id != tenant.pk:
        errors["order_category"] = [_("Choose a category of your own desk.")]
    if category is not None and category.tenant_id != tenant.pk:
        raise _deny(_("You do not have permission to do this."))
    taken = kb.knowledge_category_taken(tenant.pk, name=name, code=code, exclude=category)
    if name and taken["name"]:
        errors.setdefault("name", []).append(_("Another category has this name."))
    if code and taken["code"]:
        errors.setdefault("code", []).append(_("Another category has this code."))
    if errors:
        raise ValidationError(errors)
    shelf = category or KnowledgeCategory(tenant=tenant)
    shelf.name, shelf.code, shelf.position = name, code, position
    shelf.order_category, shelf.is_active = order_category, bool(is_active)
    shelf.save()
    return shelf


# --- articles -------------------------------------------------------------------------------

def _clean(*, tenant_id: int, title: str, body: str, keywords: str, category, owner,
           all_communities: bool, communities) -> dict:
    errors: dict[str, list[str]] = {}
    title, body = (title or "").strip(), (body or "").strip()
    keywords = " ".join((keywords or "").split())
    if not title:
        errors["title"] = [_("Give the article a title: the question it answers.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("Keep the title within %(limit)d characters.") % {"limit": TITLE_MAX}]
    if not body:
        errors["body"] = [_("Write the answer.")]
    if len(keywords) > KEYWORDS_MAX:
        errors["keywords"] = [_("Keep the keywords within %(limit)d characters.")
                              % {"limit": KEYWORDS_MAX}]
    if (not isinstance(category, KnowledgeCategory) or category.tenant_id != tenant_id
            or not category.is_active):
        errors["category"] = [_("Choose one of the knowledge base's categories.")]
    if (not isinstance(owner, User) or owner.tenant_id != tenant_id or not owner.is_active):
        errors["owner"] = [_("Choose an active user of your organisation as the owner.")]
    communities = list(communities or [])
    if any(not isinstance(c, Community) or c.tenant_id != tenant_id for c in communities):
        errors["communities"] = [_("Choose communities of your own.")]
    if not all_communities and not communities:
        errors["communities"] = [_("Choose the communities it applies to, or all of them.")]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body, "keywords": keywords, "category": category,
            "owner": owner, "all_communities": bool(all_communities),
            "communities": [] if all_communities else communities}


def knowledge_article_index(article: KnowledgeArticle) -> None:
    """Derive a saved article's search keys from its text (PostgreSQL: the weighted vector).
    The services call it on every save; bulk loaders (the benchmark) call it after theirs."""
    keys = article_keys(article.title, article.keywords, article.body)
    article.search_text = keys.search_text
    article.search_pinyin = keys.search_pinyin
    article.search_initials = keys.search_initials
    fields = ["search_text", "search_pinyin", "search_initials"]
    KnowledgeArticle.objects.filter(pk=article.pk).update(**{f: getattr(article, f)
                                                             for f in fields})
    if connection.vendor == "postgresql":
        def part(text: str, weight: str) -> SearchVector:
            return SearchVector(Value(text), weight=weight, config="simple")

        head = part(keys.vector_title, "A") + part(keys.vector_keywords, "B")
        KnowledgeArticle.objects.filter(pk=article.pk).update(
            search_head=head, search_vector=head + part(keys.vector_body, "C"))


def _snapshot(article: KnowledgeArticle, *, actor, note: str = "") -> KnowledgeArticleVersion:
    return KnowledgeArticleVersion.objects.create(
        tenant_id=article.tenant_id, article=article, number=article.version,
        category=article.category, title=article.title, body=article.body,
        keywords=article.keywords, note=(note or "").strip()[:NOTE_MAX],
        edited_by=actor if getattr(actor, "pk", None) else None)


def knowledge_article_create(*, actor, tenant, title: str, body: str,
                             category: KnowledgeCategory, keywords: str = "",
                             owner: User | None = None, all_communities: bool = True,
                             communities=(), source_order: WorkOrder | None = None,
                             note: str = "") -> KnowledgeArticle:
    """A new draft (version 1); its owner is the author unless another is named."""
    shared.require_any(actor, ("add_knowledgearticle",), None)
    if actor is not None and actor.tenant_id != tenant.pk:
        raise _deny(_("You do not have permission to do this."))
    data = _clean(tenant_id=tenant.pk, title=title, body=body, keywords=keywords,
                  category=category, owner=owner or actor, all_communities=all_communities,
                  communities=communities)
    communities = data.pop("communities")
    with transaction.atomic():
        article = KnowledgeArticle(tenant=tenant, source_order=source_order, **data)
        article.save()
        article.communities.set(communities)
        _snapshot(article, actor=actor, note=note or _("First version"))
        knowledge_article_index(article)
        record_event(article, "knowledge_article.created", actor=actor,
                     new=ArticleStatus.DRAFT.label, note=article.title)
    return article


def _may_manage(actor, article: KnowledgeArticle) -> None:
    """The owner (with the right to edit articles) or a knowledge-base editor."""
    if actor is None:
        return
    if actor.has_perm("servicedesk.publish_knowledgearticle", article):
        return
    if article.owner_id == actor.pk and actor.has_perm(
            "servicedesk.change_knowledgearticle", article):
        return
    raise _deny(_("Only the article's owner or a knowledge-base editor may do this."))


def knowledge_article_update(article: KnowledgeArticle, *, actor, title: str, body: str,
                             category: KnowledgeCategory, keywords: str = "",
                             owner: User | None = None, all_communities: bool = True,
                             communities=(), note: str = "") -> KnowledgeArticle:
    """Save an edit as the next version; a published article stays published with the new
    text. Handing it to another owner is the editor's or the current owner's call."""
    with transaction.atomic():
        locked = kb.article_for_update(article)
        _may_manage(actor, locked)
        if locked.status == ArticleStatus.ARCHIVED:
            raise shared.invalid("status", _("An archived article is not edited; restore it "
                                             "to a draft first."))
        data = _clean(tenant_id=locked.tenant_id, title=title, body=body, keywords=keywords,
                      category=category, owner=owner or locked.owner,
                      all_communities=all_communities, communities=communities)
        communities = data.pop("communities")
        old_communities = set(locked.communities.values_list("pk", flat=True))
        unchanged = (all(getattr(locked, f) == v for f, v in data.items())
                     and old_communities == {c.pk for c in communities})
        if unchanged:
            raise shared.invalid("__all__", _("Nothing was changed."))
        for name, value in data.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
        locked.communities.set(communities)
        _snapshot(locked, actor=actor, note=note)
        knowledge_article_index(locked)
        record_event(locked, "knowledge_article.updated", actor=actor,
                     old=f"v{locked.version - 1}", new=f"v{locked.version}", note=note)
    _follow(article, locked)
    return locked


def _follow(article: KnowledgeArticle, locked: KnowledgeArticle) -> None:
    for field in KnowledgeArticle._meta.concrete_fields:
        setattr(article, field.attname, getattr(locked, field.attname))


def _move(article: KnowledgeArticle, *, actor, sources: set[str], target: str, verb: str,
          refusal: str, note: str = "") -> KnowledgeArticle:
    with transaction.atomic():
        locked = kb.article_for_update(article)
        _may_manage(actor, locked)
        if locked.status not in sources:
            raise shared.invalid("status", refusal % {
                "status": ArticleStatus(locked.status).label})
        old = locked.status
        now = timezone.now()
        locked.status = target
        fields = ["status", "updated_at"]
        if target == ArticleStatus.PUBLISHED:
            locked.published_at = now
            fields.append("published_at")
        if target == ArticleStatus.ARCHIVED:
            locked.archived_at = now
            fields.append("archived_at")
        locked.save(update_fields=fields)
        record_event(locked, verb, actor=actor, old=ArticleStatus(old).label,
                     new=ArticleStatus(target).label, note=(note or "").strip(),
                     data={"version": locked.version})
    _follow(article, locked)
    return locked


def knowledge_article_publish(article: KnowledgeArticle, *, actor, note: str = ""
                              ) -> KnowledgeArticle:
    """Offer the article to the front desk (a draft, or an archived one brought back)."""
    return _move(article, actor=actor, sources={ArticleStatus.DRAFT, ArticleStatus.ARCHIVED},
                 target=ArticleStatus.PUBLISHED, verb="knowledge_article.published",
                 refusal=_("The article is “%(status)s” already."), note=note)


def knowledge_article_archive(article: KnowledgeArticle, *, actor, note: str = ""
                              ) -> KnowledgeArticle:
    """Withdraw the article from the front desk; answers already given keep pointing at it."""
    return _move(article, actor=actor, sources={ArticleStatus.DRAFT, ArticleStatus.PUBLISHED},
                 target=ArticleStatus.ARCHIVED, verb="knowledge_article.archived",
                 refusal=_("The article is “%(status)s” already."), note=note)


def knowledge_article_restore(article: KnowledgeArticle, *, actor) -> KnowledgeArticle:
    """Bring an archived article back as a draft, to be edited before it is published."""
    return _move(article, actor=actor, sources={ArticleStatus.ARCHIVED},
                 target=ArticleStatus.DRAFT, verb="knowledge_article.restored",
                 refusal=_("Only an archived article is restored; this one is “%(status)s”."))


REVIEWABLE = frozenset({Status.RESOLVED, Status.CALLBACK, Status.CLOSED})


def may_become_article(order: WorkOrder) -> bool:
    """Whether the case review may turn the order into a draft: resolved or closed, with a
    resolution to copy."""
    return order.status in REVIEWABLE and bool(order.resolution.strip())


def knowledge_article_draft_from_order(*, actor, order: WorkOrder) -> KnowledgeArticle:
    """The weekly case review: a resolved or closed order becomes a draft article, its title
    the order's summary, its answer the resolution, on the shelf of the order's category."""
    if not may_become_article(order):
        raise shared.invalid("status", _(
            "Only a resolved or closed order with a resolution becomes an article."))
    if kb.article_made_from(order):
        raise shared.invalid("status", _("An article was made from this order already."))
    shelf = (kb.knowledge_category_for_order(order)
             or kb.knowledge_category_default(order.tenant_id))
    if shelf is None:
        raise shared.invalid("category", _(
            "The knowledge base has no category yet: add one first."))
    keywords = order.category.name if order.category_id else ""
    with transaction.atomic():
        article = knowledge_article_create(
            actor=actor, tenant=order.tenant, title=order.summary, body=order.resolution,
            category=shelf, keywords=keywords, all_communities=False,
            communities=[order.community], source_order=order,
            note=_("Drafted from work order %(number)s") % {"number": order.number})
        record_event(order, "work_order.knowledge_draft", actor=actor, new=article.title,
                     data={"article": article.pk})
    return article


# --- answering a consultation ---------------------------------------------------------------

def _answerable(article: KnowledgeArticle, order: WorkOrder) -> KnowledgeArticle:
    if not isinstance(article, KnowledgeArticle) or article.tenant_id != order.tenant_id:
        raise shared.invalid("article", _("Choose a published article of the knowledge base."))
    if article.status != ArticleStatus.PUBLISHED:
        raise shared.invalid("article", _("“%(title)s” is not published; choose a published "
                                          "article.") % {"title": article.title})
    if not article.all_communities and not article.communities.filter(
            pk=order.community_id).exists():
        raise shared.invalid("article", _("“%(title)s” does not apply to %(community)s.")
                             % {"title": article.title, "community": order.community})
    return article


def work_order_answer(order: WorkOrder, *, actor, article: KnowledgeArticle, note: str = ""
                      ) -> WorkOrder:
    """Answer a consultation from a published article: the answer is recorded (for the
    reports) and the order is closed at once; its clocks stop, no callback is due. A
    consultation that is an incident's parent passes the answer on: its open linked orders
    are resolved with it, as when an incident is resolved, and each goes on to its own
    callback (services.clusters.resolve_children)."""
    from linli.servicedesk.services.callbacks import call_off_callbacks
    from linli.servicedesk.services.clusters import resolve_children

    def apply(locked, now):
        if locked.order_type != OrderType.CONSULTATION:
            raise shared.invalid("order_type", _(
                "Only a consultation is answered from the knowledge base."))
        chosen = _answerable(article, locked)
        KnowledgeAnswer.objects.create(
            tenant_id=locked.tenant_id, work_order=locked, article=chosen,
            article_version=chosen.version, category_id=chosen.category_id,
            answered_by=actor if getattr(actor, "pk", None) else None, answered_at=now)
        text = (note or "").strip()
        locked.resolution = _("Answered from the knowledge base: %(title)s") % {
            "title": chosen.title} + (f"\n{text}" if text else "")
        locked.resolved_at = locked.closed_at = now
        shared.stop_clocks(locked, shared.WORK_CLOCKS, now)
        call_off_callbacks(locked)
        return Change(fields={"resolution", "resolved_at", "closed_at"},
                      new=f"{Status.CLOSED.label} · {chosen.title}", note=text,
                      data={"article": chosen.pk, "version": chosen.version},
                      after=[lambda o: resolve_children(o, actor=actor)])
    return transition(order, Action.ANSWER, actor=actor, apply=apply)


def work_order_create_answered(*, actor, article: KnowledgeArticle, **order) -> WorkOrder:
    """Intake of a consultation answered on the call: the order is registered and closed
    with the article's answer in one go — or, when either step is refused, not at all."""
    if order.get("order_type") != OrderType.CONSULTATION:
        raise shared.invalid("order_type", _(
            "Only a consultation is answered from the knowledge base."))
    from linli.servicedesk.services.intake import work_order_create

    with transaction.atomic():
        created = work_order_create(actor=actor, **order)
        return work_order_answer(created, actor=actor, article=article)

