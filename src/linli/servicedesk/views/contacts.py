"""The contact log (来电来访登记, SVC-1): every call and visit by day, with filters and export,
and the day's printable log sheet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.personal_data.masking import mask_phone
from linli.core.scoped_views import ScopedListView
from linli.core.templatetags.linli_ui import sort_param
from linli.servicedesk import selectors
from linli.servicedesk.forms import ContactLogFilterForm, DayForm
from linli.servicedesk.models import ContactLog


def _room(entry) -> str:
    return entry.unit.room_code if entry.unit_id else ""


class ContactLogListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = ContactLog
    permission_required = "servicedesk.view_contactlog"
    template_name = "servicedesk/contact_log_list.html"
    context_object_name = "entries"
    paginate_by = 50
    export_filename = _lazy("contact-log")
    export_columns = [
        ExportColumn(_lazy("When"), "occurred_at"),
        ExportColumn(_lazy("Direction"), "get_direction_display"),
        ExportColumn(_lazy("Channel"), "get_channel_display"),
        ExportColumn(_lazy("Community"), lambda e: e.community.name if e.community_id else ""),
        ExportColumn(_lazy("Room"), _room),
        ExportColumn(_lazy("Name"), "caller_name"),
        ExportColumn(_lazy("Phone"), lambda e: mask_phone(e.caller_phone)),
        ExportColumn(_lazy("Content"), "content"),
        ExportColumn(_lazy("Follow-up"), "follow_up"),
        ExportColumn(_lazy("Handled by"), lambda e: str(e.handled_by or "")),
        ExportColumn(_lazy("Work order"), lambda e: e.work_order.number if e.work_order_id
                     else ""),
    ]

    def get_scoped_queryset(self):
        self.filter_form = ContactLogFilterForm(self.request.GET or None)
        qs = selectors.contact_log_list(self.request.user, self.filter_form.filters())
        return qs.order_by(sort_param(self.request, {"when": "occurred_at"}, "-occurred_at"),
                           "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "filter_form": self.filter_form,
            "print_day": (self.filter_form.cleaned_data.get("day")
                          if self.filter_form.is_bound and self.filter_form.is_valid()
                          else None),
            "columns": [
                {"label": _("When"), "sort": "when"},
                {"label": _("Direction · channel")},
                {"label": _("Caller")},
                {"label": _("Community · room")},
                {"label": _("Content")},
                {"label": _("Handled by")},
                {"label": _("Work order")},
            ],
        })
        return context


@login_required
@permission_required("servicedesk.view_contactlog", raise_exception=True)
def contact_log_print(request):
    """The day's call and visit log sheet (来电来访登记表), oldest first, to print."""
    day = DayForm(request.GET or None).day_or_today()
    user = request.user
    entries = selectors.contact_log_list(user, {"day": day}).order_by("occurred_at", "pk")
    orders = (selectors.orders_registered_on(user, day)
              if user.has_perm("servicedesk.view_workorder") else [])
    return render(request, "servicedesk/contact_log_print.html",
                  {"day": day, "entries": entries, "orders": orders})


urlpatterns = [
    path("contacts/", ContactLogListView.as_view(), name="contact_log_list"),
    path("contacts/print/", contact_log_print, name="contact_log_print"),
]
