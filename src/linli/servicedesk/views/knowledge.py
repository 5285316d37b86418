"""The knowledge-base screens (SVC-13): the list with search and category filter, an article
with its version history, the article form, publish / archive / restore, the suggestions the
desk sees as it types a caller's question (htmx), and turning a resolved order into a draft.

Views parse the form, call one service or selector and render; articles are resolved through
the selectors (another tenant's or a reader's draft: 404), and a refused write is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.scoped_views import ScopedListView
from linli.servicedesk import selectors, services
from linli.servicedesk.choices import ArticleStatus
from linli.servicedesk.knowledge import selectors as kb
from linli.servicedesk.knowledge.forms import (
    ArticleForm,
    KnowledgeCategoryForm,
    KnowledgeFilterForm,
)
from linli.servicedesk.models import KnowledgeArticle

VIEW = "servicedesk.view_knowledgearticle"


class KnowledgeListView(PermissionRequiredMixin, ScopedListView):
    model = KnowledgeArticle
    permission_required = VIEW
    template_name = "servicedesk/knowledge/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_scoped_queryset(self):
        self.filter_form = KnowledgeFilterForm(self.request.GET or None,
                                               actor=self.request.user)
        return kb.article_list(self.request.user, self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({"filter_form": self.filter_form, "statuses": ArticleStatus,
                        "can_write": kb.can_write(self.request.user),
                        "searching": bool(self.filter_form.filters().get("q"))})
        return context


def _manage_rights(user, article) -> dict:
    editor = user.has_perm("servicedesk.publish_knowledgearticle", article)
    owner = article.owner_id == user.pk and user.has_perm(
        "servicedesk.change_knowledgearticle", article)
    return {"can_manage": editor or owner}


@login_required
@permission_required(VIEW, raise_exception=True)
def article_detail(request, pk):
    article = kb.article_get(request.user, pk)
    versions = list(kb.article_versions(article))
    chosen = request.GET.get("version")
    shown = next((v for v in versions if str(v.number) == chosen), None)
    return render(request, "servicedesk/knowledge/article_detail.html", {
        "article": article, "versions": versions, "shown_version": shown,
        "communities": kb.article_communities(article), "statuses": ArticleStatus,
        **_manage_rights(request.user, article)})


@login_required
@permission_required("servicedesk.add_knowledgearticle", raise_exception=True)
def article_create(request):
    user = request.user
    form = ArticleForm(request.POST or None, actor=user, initial={"owner": user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.knowledge_article_create(actor=user, tenant=user.tenant,
                                                        **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft “%(title)s” saved.") % {"title": article.title})
            return redirect("servicedesk:knowledge_detail", article.pk)
    return render(request, "servicedesk/knowledge/article_form.html", {
        "form": form, "title": _("New article"),
        "cancel_url": reverse("servicedesk:knowledge_list")})


@login_required
@permission_required("servicedesk.change_knowledgearticle", raise_exception=True)
def article_edit(request, pk):
    user = request.user
    article = kb.article_get(user, pk)
    form = ArticleForm(request.POST or None, actor=user, initial=ArticleForm.initial_of(article))
    if request.method == "POST" and form.is_valid():
        try:
            article = services.knowledge_article_update(article, actor=user,
                                                        **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved as version %(version)d.") % {
                "version": article.version})
            return redirect("servicedesk:knowledge_detail", article.pk)
    return render(request, "servicedesk/knowledge/article_form.html", {
        "form": form, "article": article,
        "title": _("Edit “%(title)s”") % {"title": article.title},
        "cancel_url": reverse("servicedesk:knowledge_detail", args=[article.pk])})


MOVES = {
    "publish": (services.knowledge_article_publish, _("Published: the front desk is offered it "
                                                      "now.")),
    "archive": (services.knowledge_article_archive, _("Archived: it is no longer offered.")),
    "restore": (services.knowledge_article_restore, _("Back to a draft.")),
}


@login_required
@require_POST
def article_move(request, pk, move):
    if move not in MOVES:
        raise Http404
    article = kb.article_get(request.user, pk)
    service, done = MOVES[move]
    try:
        service(article, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("servicedesk:knowledge_detail", article.pk)


def _question(request) -> tuple[str, int | None]:
    """The question to search: ``q`` when given, else the intake form's summary and details;
    and the caller's community."""
    get = request.GET
    if get.get("q", "").strip():
        text = get["q"]
    else:
        text = " ".join(v for k, v in get.items()
                        if k.endswith(("summary", "description")) and v.strip())
    community = next((v for k, v in get.items() if k.endswith("community")), "")
    return text, int(community) if str(community).isdigit() else None


@login_required
@permission_required(VIEW, raise_exception=True)
def article_suggest(request):
    """The articles that answer the question being typed (htmx panel of intake and of a
    consultation's page). On an order's page (``order``) each offers the answer move."""
    text, community = _question(request)
    order = None
    if str(request.GET.get("order", "")).isdigit():
        order = selectors.work_order_get(request.user, request.GET["order"])
        community = order.community_id
    return render(request, "servicedesk/knowledge/partials/suggestions.html", {
        "suggestions": kb.article_suggestions(request.user, text, community=community),
        "question": text.strip(), "order": order,
        "mode": "order" if order is not None else "intake"})


@login_required
@require_POST
@permission_required("servicedesk.add_knowledgearticle", raise_exception=True)
def draft_from_order(request, pk):
    """The weekly case review: the order becomes a draft article, opened for editing."""
    order = selectors.work_order_get(request.user, pk)
    try:
        article = services.knowledge_article_draft_from_order(actor=request.user, order=order)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("servicedesk:work_order_detail", order.pk)
    messages.success(request, _("Draft “%(title)s” made from %(number)s: check it and publish "
                                "it.") % {"title": article.title, "number": order.number})
    return redirect("servicedesk:knowledge_edit", article.pk)


@login_required
@permission_required("servicedesk.view_knowledgecategory", raise_exception=True)
def category_list(request):
    """The knowledge base's categories (seeded per company, then the company's own)."""
    return render(request, "servicedesk/knowledge/category_list.html", {
        "shelves": kb.knowledge_category_rows(request.user)})


@login_required
def category_form(request, pk=None):
    user = request.user
    if not user.has_perm(f"servicedesk.{'change' if pk else 'add'}_knowledgecategory"):
        raise PermissionDenied
    shelf = kb.knowledge_category_get(user, pk, "change") if pk else None
    initial = KnowledgeCategoryForm.initial_of(shelf) if shelf else None
    form = KnowledgeCategoryForm(request.POST or None, actor=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.knowledge_category_save(actor=user, tenant=user.tenant, category=shelf,
                                             **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Category saved."))
            return redirect("servicedesk:knowledge_categories")
    return render(request, "servicedesk/configuration/form_page.html", {
        "form": form, "title": _("Edit “%(name)s”") % {"name": shelf.name} if shelf
        else _("New knowledge-base category"),
        "cancel_url": reverse("servicedesk:knowledge_categories")})


urlpatterns = [
    path("knowledge/categories/", category_list, name="knowledge_categories"),
    path("knowledge/categories/new/", category_form, name="knowledge_category_new"),
    path("knowledge/categories/<int:pk>/edit/", category_form,
         name="knowledge_category_edit"),
    path("knowledge/", KnowledgeListView.as_view(), name="knowledge_list"),
    path("knowledge/new/", article_create, name="knowledge_create"),
    path("knowledge/suggest/", article_suggest, name="knowledge_suggest"),
    path("knowledge/<int:pk>/", article_detail, name="knowledge_detail"),
    path("knowledge/<int:pk>/edit/", article_edit, name="knowledge_edit"),
    path("knowledge/<int:pk>/<slug:move>/", article_move, name="knowledge_move"),
    path("orders/<int:pk>/draft-article/", draft_from_order, name="knowledge_draft_from_order"),
]
