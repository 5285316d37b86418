"""The work-order list with its export, the work-order page (SVC-5 … SVC-9, SVC-12) with the
moves the user may make now, the printable dispatch slip (SVC-14), and the one endpoint that
makes a move.

Views parse the form, call one service or selector and render. Orders are resolved through
the selectors (out of scope and missing: 404); a move the user may not make is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.idempotent_forms import idempotent_form
from linli.core.personal_data.masking import mask_phone
from linli.core.planner import written_join_order
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries
from linli.core.templatetags.linli_ui import sort_param
from linli.core.timeline import timeline_for
from linli.servicedesk import selectors, slip_pdf
from linli.servicedesk.choices import CallbackStatus, OrderType, Priority, QuoteStatus
from linli.servicedesk.choices import ReviewStatus as Review
from linli.servicedesk.field import selectors as field_selectors
from linli.servicedesk.forms import WorkOrderFilterForm
from linli.servicedesk.knowledge import selectors as kb
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services.knowledge import may_become_article
from linli.servicedesk.slips import COPIES, log_unmasked, order_url, slips_for
from linli.servicedesk.states import OPEN, Action, Status
from linli.servicedesk.views import queues
from linli.servicedesk.views.moves import MOVES, move_form, offers

TABS = ("overview", "timeline", "history")
SORTS = {"number": "number", "created": "created_at", "priority": "priority",
         "status": "status"}


def _room(order) -> str:
    return order.unit.room_code if order.unit_id else ""


# --- the list -------------------------------------------------------------------------------

class WorkOrderListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = WorkOrder
    permission_required = "servicedesk.view_workorder"
    template_name = "servicedesk/work_order_list.html"
    context_object_name = "orders"
    export_filename = _lazy("work-orders")
    export_columns = [
        ExportColumn(pgettext_lazy("work order", "Number"), "number"),
        ExportColumn(_lazy("Registered"), "created_at"),
        ExportColumn(_lazy("Type"), "get_order_type_display"),
        ExportColumn(_lazy("Category"), lambda o: str(o.category or "")),
        ExportColumn(_lazy("Status"), "get_status_display"),
        ExportColumn(_lazy("Priority"), "priority"),
        ExportColumn(_lazy("Community"), "community.name"),
        ExportColumn(_lazy("Room"), _room),
        ExportColumn(_lazy("Caller"), "caller_name"),
        ExportColumn(_lazy("Phone"), lambda o: mask_phone(o.caller_phone)),
        ExportColumn(_lazy("Summary"), "summary"),
        ExportColumn(_lazy("Channel"), "get_channel_display"),
        ExportColumn(_lazy("Department"), lambda o: str(o.department or "")),
        ExportColumn(_lazy("Handler"), lambda o: str(o.handler or "")),
        ExportColumn(_lazy("Escalation line"), "escalation_level"),
        ExportColumn(_lazy("Resolved"), "resolved_at"),
        ExportColumn(_lazy("Closed"), "closed_at"),
    ]

    def get_scoped_queryset(self):
        self.filter_form = WorkOrderFilterForm(self.request.GET or None,
                                               actor=self.request.user)
        qs = selectors.work_order_list(self.request.user, self.filter_form.filters())
        return qs.order_by(sort_param(self.request, SORTS, "-created_at"), "-pk")

    def get_context_data(self, **kwargs):
        # The count and the page's rows, a join per column, read here (core/planner.py).
        with written_join_order():
            context = super().get_context_data(**kwargs)
            page = context["page_obj"]
            page.object_list = context["orders"] = list(page.object_list)
        context.update({
            "filter_form": self.filter_form,
            "drilled": self.filter_form.drilled(),
            "statuses": Status,
            "priorities": Priority,
            "columns": [
                {"label": pgettext("work order", "Number"), "sort": "number"},
                {"label": _("Summary")},
                {"label": _("Status"), "sort": "status"},
                {"label": _("Priority"), "sort": "priority"},
                {"label": _("Community · room")},
                {"label": _("Department · handler")},
                {"label": _("Registered"), "sort": "created"},
            ],
        })
        return context


# --- the page -------------------------------------------------------------------------------

def detail_context(request, order, bound=None) -> dict:
    """Everything the order's page shows; ``bound`` is a move's form sent back with errors."""
    user = request.user
    tab = request.GET.get("tab")
    tab = tab if tab in TABS else "overview"
    allowed = selectors.work_order_actions(user, order)
    context = {
        "order": order,
        "tab": tab,
        "statuses": Status,
        "priorities": Priority,
        "callback_statuses": CallbackStatus,
        "is_complaint": order.order_type == OrderType.COMPLAINT,
        "is_paid": order.order_type == OrderType.PAID_SERVICE,
        "review_label": Review(order.review_status).label if order.review_status else "",
        "quote_label": QuoteStatus(order.quote_status).label if order.quote_status else "",
        "clocks": selectors.clock_views(order),
        "offers": offers(user, order, allowed, bound),
        "open_move": bound.prefix if bound is not None else "",
        "failed_move": bound if bound is not None and bound.errors else None,
        "failed_label": MOVES[bound.prefix].label if bound is not None else "",
        "callbacks": selectors.callbacks_of(user, order),
        "reworks": list(selectors.rework_orders(user, order)),
        "rework_of": (selectors.work_order_find(user, order.rework_of_id)
                      if order.rework_of_id else None),
    }
    if tab == "overview":
        context.update(_cluster_context(user, order, allowed))
        context["field_record"] = field_selectors.field_record(order)
    context["knowledge"] = knowledge_context(user, order, allowed)
    if tab == "timeline":
        context["timeline"] = timeline_for(user, order)
    if tab == "history":
        context["history"] = history_entries(order)
    return context


def _cluster_context(user, order, allowed) -> dict:
    """The order's incident or the reports linked under it, and the incidents it may join
    (SVC-11)."""
    children = list(selectors.cluster_children(user, order))
    suggestions = []
    if "cluster_link" in allowed:
        suggestions = selectors.cluster_suggestions(user, order, has_children=bool(children))
    return {
        "cluster_parent": (selectors.work_order_find(user, order.cluster_parent_id)
                           if order.cluster_parent_id else None),
        "cluster_children": children,
        # Children left behind by the incident's resolution (their status kept them).
        "cluster_left_open": ([c for c in children if c.status in OPEN]
                              if order.resolved_at is not None else []),
        "cluster_suggestions": suggestions,
    }


def knowledge_context(user, order, allowed: list[str]) -> dict:
    """The knowledge base on the order's page (SVC-13): suggested articles while a
    consultation may be answered, the article that answered it, and whether the order may
    become a draft article (resolved or closed, for those who write articles)."""
    is_consultation = order.order_type == OrderType.CONSULTATION
    found = {"can_answer": Action.ANSWER in allowed, "suggestions": [], "answer": None,
             "can_draft": (may_become_article(order)
                           and user.has_perm("servicedesk.add_knowledgearticle"))}
    if found["can_answer"] and user.has_perm("servicedesk.view_knowledgearticle"):
        found["suggestions"] = kb.article_suggestions(
            user, f"{order.summary} {order.description}", community=order.community_id)
        found["question"] = order.summary
    if is_consultation and order.status == Status.CLOSED:
        found["answer"] = kb.answer_of(order)
    return found


class WorkOrderDetailView(ScopedDetailView):
    model = WorkOrder
    template_name = "servicedesk/work_order_detail.html"
    context_object_name = "order"

    def get_object(self, queryset=None):
        return selectors.work_order_get(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(detail_context(self.request, self.object))
        return context


@login_required
def work_order_slip(request, pk):
    """The dispatch slip (派工单) to print: the order, the place, the clocks, room to sign."""
    order = selectors.work_order_get(request.user, pk)
    slips = slips_for(request.user, [order], order_url(request))
    log_unmasked(request.user, slips, label=_("Dispatch slip"))
    return render(request, "servicedesk/work_order_slip.html", {
        "order": order, "slips": slips, "copies": COPIES})


@login_required
def work_order_slip_pdf(request, pk):
    """The dispatch slip as a PDF: one A4 page holding the three copies."""
    order = selectors.work_order_get(request.user, pk)
    return slip_pdf.pdf_response(
        request.user, slips_for(request.user, [order], order_url(request)),
        filename=f"{order.number}.pdf", title=f"{_('Dispatch slip')} {order.number}",
        label=_("Dispatch slip"))


# --- making a move --------------------------------------------------------------------------

def _next_url(request, order) -> str:
    """Back to the list the move was made from, else the order's page — or the list of
    orders when the move took the order out of the user's sight (a transfer, a return)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    if selectors.work_order_find(request.user, order.pk) is None:
        return reverse("servicedesk:work_order_list")
    return reverse("servicedesk:work_order_detail", args=[order.pk])


def _partial(request, name: str, order, bound=None):
    """The htmx answer of a move made from a list row: the row again (with errors, or as it
    is after the move)."""
    user = request.user
    if name == "card":
        row = queues.card_row(user, queues.card_order(user, order), bound)
        return render(request, "servicedesk/partials/order_card.html",
                      {"row": row, "statuses": Status, "priorities": Priority})
    if name == "queue":
        fresh = selectors.queue_list(user).filter(pk=order.pk).first() or order
        return render(request, "servicedesk/partials/queue_row.html",
                      {"row": queues.queue_row(user, fresh, bound), "priorities": Priority})
    if name == "quarantine":
        return render(request, "servicedesk/partials/quarantine_row.html",
                      {"row": queues.quarantine_row(user, order, bound)})
    if name == "callback":
        callback = selectors.callback_get(user, request.POST.get("callback_id"))
        return render(request, "servicedesk/partials/callback_row.html",
                      {"row": queues.callback_row(user, callback, bound)})
    raise Http404


PARTIALS = ("card", "queue", "quarantine", "callback")


@login_required
@require_POST
@idempotent_form
def work_order_act(request, pk, move):
    """Make ``move`` on the order: the form's input goes to the move's service."""
    if move not in MOVES:
        raise Http404
    order = selectors.work_order_get(request.user, pk)
    spec = MOVES[move]
    form = move_form(move, order, request.user, request.POST)
    partial = request.POST.get("partial", "")
    partial = partial if request.htmx and partial in PARTIALS else ""
    if form.is_valid():
        try:
            order = spec.service(order, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, spec.aliases)
        else:
            messages.success(request, _("%(number)s · %(move)s: done. Status: %(status)s.") % {
                "number": order.number, "move": spec.label,
                "status": Status(order.status).label})
            if partial:
                return _partial(request, partial, order)
            return redirect(_next_url(request, order))
    if partial:
        return _partial(request, partial, order, form)
    context = detail_context(request, order, form)
    return render(request, "servicedesk/work_order_detail.html", context)


urlpatterns = [
    path("orders/", WorkOrderListView.as_view(), name="work_order_list"),
    path("orders/<int:pk>/", WorkOrderDetailView.as_view(), name="work_order_detail"),
    path("orders/<int:pk>/slip/", work_order_slip, name="work_order_slip"),
    path("orders/<int:pk>/slip/pdf/", work_order_slip_pdf, name="work_order_slip_pdf"),
    path("orders/<int:pk>/<slug:move>/", work_order_act, name="work_order_act"),
]
