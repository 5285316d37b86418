"""Screens of the content calendar (OUT-8): a month's entries by planned date with filters,
one entry with its status moves and history, the entry forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries
from linli.outreach import selectors, services
from linli.outreach.choices import ContentStatus
from linli.outreach.forms import (
    ContentCreateForm,
    ContentFilterForm,
    ContentForm,
    ContentStatusForm,
)
from linli.outreach.models import ContentItem
from linli.outreach.states import CONTENT_TRANSITIONS
from linli.outreach.views.registry import _act, _for_change, _form_page, _written

EDITABLE = ("title", "kind", "topic", "channel", "planned_on", "owner", "notes")


class ContentListView(PermissionRequiredMixin, ScopedListView):
    """The calendar: the entries of a month (this month unless filtered), day by day."""

    model = ContentItem
    permission_required = "outreach.view_contentitem"
    template_name = "outreach/content_list.html"
    context_object_name = "items"
    paginate_by = 200

    def get_scoped_queryset(self):
        self.filter_form = ContentFilterForm(self.request.GET)
        filters = self.filter_form.filters()
        if not filters["month"] and "month" not in self.request.GET:
            filters["month"] = timezone.localdate().replace(day=1)
        self.month = filters["month"]
        return selectors.content_list(self.request.user, filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        days: dict = {}
        for item in context["items"]:
            days.setdefault(item.planned_on, []).append(item)
        context.update(filter_form=self.filter_form, month=self.month,
                       days=sorted(days.items()))
        return context


class ContentDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = ContentItem
    permission_required = "outreach.view_contentitem"
    template_name = "outreach/content_detail.html"
    context_object_name = "item"

    def get_scoped_queryset(self):
        return selectors.content_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.object
        context.update({
            "can_change": self.request.user.has_perm("outreach.change_contentitem", item),
            "next_statuses": [(s, ContentStatus(s).label) for s in ContentStatus.values
                              if s in CONTENT_TRANSITIONS[item.status]],
            "status_form": ContentStatusForm(), "history": history_entries(item),
        })
        return context


@login_required
@permission_required("outreach.add_contentitem", raise_exception=True)
def content_create(request):
    actor = request.user
    form = ContentCreateForm(request.POST or None, actor=actor)
    item = _written(request, form, lambda data: services.content_create(
        actor=actor, tenant=actor.tenant, **data))
    if item is not None:
        messages.success(request, _("“%(title)s” planned.") % {"title": item.title})
        return redirect("outreach:content_detail", pk=item.pk)
    return _form_page(request, form, _("Plan content"), reverse("outreach:content"))


@login_required
def content_edit(request, pk):
    actor = request.user
    item = _for_change(request, selectors.content_get(actor, pk), "outreach.change_contentitem")
    form = ContentForm(request.POST or None, actor=actor,
                       initial={name: getattr(item, name) for name in EDITABLE})
    if _written(request, form, lambda data: services.content_update(actor=actor, item=item,
                                                                    **data)):
        messages.success(request, _("Entry saved."))
        return redirect("outreach:content_detail", pk=item.pk)
    return _form_page(request, form, _("Edit %(name)s") % {"name": item.title},
                      reverse("outreach:content_detail", args=[item.pk]))


@login_required
@require_POST
def content_status(request, pk):
    actor = request.user
    item = _for_change(request, selectors.content_get(actor, pk), "outreach.change_contentitem")
    _act(request, lambda data: services.content_transition(actor=actor, item=item, **data),
         lambda moved: _("“%(title)s” is now “%(status)s”.") % {
             "title": moved.title, "status": ContentStatus(moved.status).label},
         form=ContentStatusForm(request.POST), invalid=_("Choose a status from the list."))
    return redirect("outreach:content_detail", pk=item.pk)


urlpatterns = [
    path("content/", ContentListView.as_view(), name="content"),
    path("content/new/", content_create, name="content_create"),
    path("content/<int:pk>/", ContentDetailView.as_view(), name="content_detail"),
    path("content/<int:pk>/edit/", content_edit, name="content_edit"),
    path("content/<int:pk>/status/", content_status, name="content_status"),
]
