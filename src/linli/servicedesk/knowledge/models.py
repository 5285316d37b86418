"""Knowledge base of standard answers (SVC-13): categories, articles with their versions and
an owner, and the record of each consultation answered from an article.

An article belongs to a tenant and applies to all of its communities or to the ones listed.
Every saved edit writes a new ``KnowledgeArticleVersion``; the article row holds the current
text and the search keys derived from it (see ``knowledge.search_keys``). On PostgreSQL the
article also carries weighted ``tsvector``s behind GIN indexes (migration 0003), the fast
path of the search; SQLite searches the plain keys.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import TenantOwned, TimeStamped
from linli.servicedesk.choices import ArticleStatus


class KnowledgeCategory(TenantOwned):
    """A shelf of the knowledge base (renovation procedures, parking and owner cards, …)."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    order_category = models.ForeignKey(
        "servicedesk.Category", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("work-order category"),
        help_text=_("Orders of this category are offered this shelf's articles first, and "
                    "their drafts land here."))
    is_active = models.BooleanField(_("active"), default=True)

    history = history()

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="knowledge_category_code"),
            models.UniqueConstraint(fields=["tenant", "name"], name="knowledge_category_name"),
        ]

    def __str__(self) -> str:
        return self.name


class KnowledgeArticle(TenantOwned, TimeStamped):
    """A standard answer (知识库). Only published articles are offered to the front desk."""

    category = models.ForeignKey(KnowledgeCategory, on_delete=models.PROTECT,
                                 related_name="articles", verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True,
        help_text=_("Words callers use for this, separated by spaces (e.g. 装修 押金 备案)."))
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("owner"),
                              help_text=_("The person responsible for keeping it right."))
    all_communities = models.BooleanField(_("all communities"), default=True)
    communities = models.ManyToManyField("directory.Community", blank=True, related_name="+",
                                         verbose_name=_("communities"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True,
                                        editable=False)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    source_order = models.ForeignKey(
        "servicedesk.WorkOrder", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("from work order"), editable=False)
    # Search keys, derived on every save (knowledge.search_keys.article_keys).
    search_text = models.TextField(editable=False, default="")
    search_pinyin = models.TextField(editable=False, default="")
    search_initials = models.CharField(max_length=400, editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # Title and keywords only: small enough to rank the many articles a common word matches
    # within the desk's time budget; the answer's words are searched when these find too few.
    search_head = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("publish_knowledgearticle", _("Publish and archive any knowledge article")),
        ]
        indexes = [models.Index(fields=["tenant", "status", "category"],
                                name="knowledge_article_shelf")]

    def __str__(self) -> str:
        return self.title


class KnowledgeArticleVersion(TenantOwned):
    """One saved state of an article's text (version 1 is the first save)."""

    article = models.ForeignKey(KnowledgeArticle, on_delete=models.CASCADE,
                                related_name="versions", verbose_name=_("article"))
    number = models.PositiveIntegerField(_("version"))
    category = models.ForeignKey(KnowledgeCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("edited by"))
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"],
                                               name="knowledge_version_number")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class KnowledgeAnswer(TenantOwned):
    """A consultation answered from the knowledge base: which article (and which version of
    it) answered which order, counted in the reports."""

    work_order = models.OneToOneField("servicedesk.WorkOrder", on_delete=models.CASCADE,
                                      related_name="knowledge_answer",
                                      verbose_name=_("work order"))
    article = models.ForeignKey(KnowledgeArticle, on_delete=models.PROTECT,
                                related_name="answers", verbose_name=_("article"))
    article_version = models.PositiveIntegerField(_("article version"))
    category = models.ForeignKey(KnowledgeCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("category"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer from the knowledge base")
        verbose_name_plural = _("answers from the knowledge base")
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["tenant", "answered_at"],
                                name="knowledge_answer_when")]

    def __str__(self) -> str:
        return f"{self.work_order_id} ← {self.article_id}"
