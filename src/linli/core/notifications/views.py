"""Inbox, unread badge and the administrators' outbox (PLAT-5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import ListView

from linli.core.notifications import selectors, services
from linli.core.notifications.choices import MessageChannel, MessageStatus
from linli.core.notifications.forms import OutboxFilterForm
from linli.core.notifications.models import Message
from linli.core.scoped_views import ScopedListView

# htmx stops polling when an answer has this status (the session ended).
HTMX_STOP_POLLING = 286


class InboxView(LoginRequiredMixin, ListView):
    """The caller's own messages: not a scoped list of tenant data (the scope sweep's insider
    is not their recipient), like the API's ``@unscoped`` inbox."""

    template_name = "notifications/inbox.html"
    context_object_name = "inbox"
    paginate_by = 25

    def get_queryset(self):
        return selectors.inbox(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_count"] = selectors.unread_count(self.request.user)
        return context


@login_required
@require_POST
def mark_read(request, pk: int):
    message = services.message_mark_read(actor=request.user, message_id=pk)
    if request.htmx:
        response = render(request, "notifications/partials/inbox_item.html", {"item": message})
        response["HX-Trigger"] = "notifications-changed"
        return response
    return redirect("notifications:inbox")


@login_required
@require_GET
def open_message(request, pk: int):
    """Follow a message's link; opening it marks it read."""
    message = services.message_mark_read(actor=request.user, message_id=pk)
    return redirect(message.url or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.message_mark_all_read(actor=request.user)
    messages.success(request, ngettext(
        "%(count)d notification marked read.", "%(count)d notifications marked read.", count
    ) % {"count": count})
    return redirect("notifications:inbox")


@require_GET
def badge(request):
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    return render(request, "notifications/partials/badge.html",
                  {"unread_count": selectors.unread_count(request.user)})


class OutboxView(PermissionRequiredMixin, ScopedListView):
    model = Message
    permission_required = "core.view_message"
    template_name = "notifications/outbox.html"
    context_object_name = "outbox"

    def get_scoped_queryset(self):
        self.filter_form = OutboxFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.outbox(
            self.request.user, channel=filters.get("channel", ""),
            status=filters.get("status", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["outbox"] = selectors.with_display_addresses(
            self.request.user, context["outbox"]
        )
        context.update(
            filter_form=self.filter_form, channels=MessageChannel, statuses=MessageStatus,
            can_retry=self.request.user.has_perm("core.change_message"),
        )
        return context


@login_required
@require_POST
def retry(request, pk: int):
    try:
        services.message_retry(actor=request.user, message_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message will be sent again."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(back)
    return redirect("notifications:outbox")
