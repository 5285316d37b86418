"""Screens of personal data handling: global search, the access log, revealing a value."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.middleware import client_ip
from linli.core.personal_data import selectors, services
from linli.core.personal_data.forms import AccessLogFilterForm, RevealForm
from linli.core.personal_data.models import AccessLog
from linli.core.personal_data.phones import display_phone
from linli.core.personal_data.revealable import revealable
from linli.core.scoped_views import ScopedListView


@require_GET
@login_required
def search(request):
    results = selectors.search(request.user, request.GET.get("q"))
    return render(request, "personal_data/search.html", {"results": results})


@require_GET
@login_required
def search_suggest(request):
    query, hits = selectors.search_hits(request.user, request.GET.get("q"))
    return render(
        request, "personal_data/partials/search_suggest.html", {"query": query, "hits": hits}
    )


class AccessLogListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = AccessLog
    permission_required = "core.view_accesslog"
    template_name = "personal_data/access_log.html"
    context_object_name = "entries"
    export_filename = gettext_lazy("personal-data-access-log")
    export_columns = [
        ExportColumn(gettext_lazy("Time"), "occurred_at"),
        ExportColumn(gettext_lazy("User"), "user"),
        ExportColumn(gettext_lazy("Action"), "get_action_display"),
        ExportColumn(gettext_lazy("Record type"), "subject_type.name"),
        ExportColumn(gettext_lazy("Record"), "subject_label"),
        ExportColumn(gettext_lazy("Field"), "field"),
        ExportColumn(gettext_lazy("IP address"), "ip"),
        ExportColumn(gettext_lazy("Channel"), "channel"),
        ExportColumn(gettext_lazy("Note"), "note"),
    ]

    def get_filter_form(self) -> AccessLogFilterForm:
        if not hasattr(self, "_filter_form"):
            users = selectors.access_log_users(self.request.user)
            self._filter_form = AccessLogFilterForm(self.request.GET or None, users=users)
        return self._filter_form

    def get_scoped_queryset(self):
        return selectors.access_log_list(self.request.user, **self.get_filter_form().filters())

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.get_filter_form(), **kwargs)


@require_POST
@login_required
def reveal(request):
    """The unmasked value as an htmx fragment that replaces the masked one."""
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _reveal_refused(request, _("This value cannot be shown."))
    data = form.cleaned_data
    try:
        value = services.reveal(
            actor=request.user, model_label=data["model"], pk=data["id"], field=data["field"],
            ip=client_ip(request),
        )
    except ValidationError as exc:
        return _reveal_refused(request, " ".join(exc.messages))
    entry = revealable(data["model"], data["field"])
    shown = display_phone(value) if entry.kind == "phone" else value
    return render(request, "personal_data/partials/revealed.html", {"value": shown})


def _reveal_refused(request, message: str):
    return render(
        request, "personal_data/partials/reveal_refused.html", {"message": message}, status=400
    )
