"""The work queues of the desk: the dispatcher queue (journey 2), a worker's own orders on a
phone (journey 3), the quarantine of unidentified contacts (SVC-10) and the due callbacks
(journey 4).

The queue, "my orders" and the quarantine are work lists of one role each (filtered by state,
handler or due time, and behind that role's permission), so they are not scope-sweep list
endpoints; they read through the scoped selectors all the same, and their scope is tested in
tests/servicedesk/test_views.py. The callback list is a plain scoped list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import ListView

from linli.core.planner import written_join_order
from linli.core.scoped_views import ScopedListView
from linli.core.templatetags.linli_ui import sort_param
from linli.servicedesk import selectors
from linli.servicedesk.choices import CallbackStatus, Priority
from linli.servicedesk.forms import CallbackFilterForm, QueueFilterForm
from linli.servicedesk.models import Callback
from linli.servicedesk.states import Action, Status
from linli.servicedesk.views.moves import Offer, move_form, offers

# The moves a worker makes from the phone card; the others are on the order's page.
CARD_MOVES = (Action.ACCEPT, Action.ARRIVE, Action.START, Action.RESUME, Action.RESOLVE)


class AnyPermissionMixin(PermissionRequiredMixin):
    """Lets in users holding any one of ``permission_required``."""

    def has_permission(self) -> bool:
        return any(self.request.user.has_perm(p) for p in self.get_permission_required())


def due_state(order, now=None) -> str:
    """"breached", "warned" or "" for a queue row (annotated by ``selectors.queue_list``)."""
    now = now or timezone.now()
    next_due = getattr(order, "next_due", None)
    next_warn = getattr(order, "next_warn", None)
    if (next_due is not None and next_due <= now) or getattr(order, "was_breached", False):
        return "breached"
    if next_warn is not None and next_warn <= now:
        return "warned"
    return ""


ROW_CLASS = {"breached": "table-danger", "warned": "table-warning", "": ""}
CARD_CLASS = {"breached": "border-danger", "warned": "border-warning", "": ""}


@dataclass
class QueueRow:
    order: object
    state: str
    offers: list[Offer]
    suggested: object | None = None
    # Whom the assign offer lists: the staff of the order's department.
    staff: list = field(default_factory=list)

    @property
    def row_class(self) -> str:
        return ROW_CLASS[self.state]

    @property
    def card_class(self) -> str:
        return CARD_CLASS[self.state]

    @property
    def card_target(self) -> str:
        return f"#order-card-{self.order.pk}"

    def offer(self, name: str) -> Offer | None:
        return next((o for o in self.offers if o.name == name), None)


def queue_rows(user, orders, bound=None, now=None) -> list[QueueRow]:
    """The rows of the dispatcher queue. What rows share — the staff of their departments,
    the departments they suggest — is read once for the whole page, not once a row."""
    desk = selectors.DeskChoices(user)
    rows = [QueueRow(order, due_state(order, now),
                     offers(user, order, selectors.work_order_actions(user, order), bound,
                            only=(Action.DISPATCH, Action.ASSIGN), desk=desk))
            for order in orders]
    staff = selectors.desk_staff_by_department(
        user, [row.order.department for row in rows if row.offer(Action.ASSIGN) is not None])
    suggested_ids = {}
    for row in rows:
        dispatch = row.offer(Action.DISPATCH)
        if dispatch is not None and row.order.department_id is None:
            suggested_ids[row.order.pk] = _suggested_id(row.order, dispatch.form)
    departments = selectors.departments_by_id(user, suggested_ids.values())
    for row in rows:
        row.staff = staff.get(row.order.department_id, [])
        row.suggested = departments.get(suggested_ids.get(row.order.pk))
    return rows


def _suggested_id(order, form) -> int | None:
    """The department a one-click dispatch of ``order`` offers. A fresh dispatch form has
    looked it up already (as its initial department); one sent back with errors has not."""
    if form.is_bound:
        department = form.desk.suggested(order)
        return department.pk if department is not None else None
    return form.fields["department"].initial


def queue_row(user, order, bound=None, now=None) -> QueueRow:
    """One row of the queue (the htmx answer of a move made from it)."""
    return queue_rows(user, [order], bound, now)[0]


def card_row(user, order, bound=None, now=None) -> QueueRow:
    allowed = selectors.work_order_actions(user, order)
    return QueueRow(order, due_state(order, now), offers(user, order, allowed, bound,
                                                         only=CARD_MOVES))


def card_order(user, order):
    """The order as "my orders" shows it (with its due times), or the order itself once it
    has left the list (e.g. resolved)."""
    return selectors.queue_list(user, {"mine": True}).filter(pk=order.pk).first() or order


# --- the dispatcher queue -------------------------------------------------------------------

class QueueView(LoginRequiredMixin, AnyPermissionMixin, ListView):
    permission_required = ("servicedesk.dispatch_workorder", "servicedesk.assign_workorder")
    template_name = "servicedesk/queue.html"
    context_object_name = "orders"
    paginate_by = 25

    def get_queryset(self):
        self.filter_form = QueueFilterForm(self.request.GET or None, actor=self.request.user)
        filters = self.filter_form.filters()
        filters["sort"] = self.request.GET.get("sort", "")
        return selectors.queue_list(self.request.user, filters)

    def get_context_data(self, **kwargs):
        now = timezone.now()
        # The page's orders are read here (count and page), with a join per column.
        with written_join_order():
            context = super().get_context_data(**kwargs)
            rows = queue_rows(self.request.user, context["orders"], now=now)
        context.update({
            "filter_form": self.filter_form,
            "priorities": Priority,
            "rows": rows,
            "columns": [
                {"label": pgettext("work order", "Number"), "sort": "number"},
                {"label": _("Summary")},
                {"label": _("Priority"), "sort": "priority"},
                {"label": _("Next due"), "sort": "due"},
                {"label": _("Department · handler")},
                {"label": _("Dispatch or assign")},
            ],
        })
        return context


# --- my orders ------------------------------------------------------------------------------

class MyOrdersView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "servicedesk.work_workorder"
    template_name = "servicedesk/my_orders.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return selectors.queue_list(self.request.user, {"mine": True})

    def get_context_data(self, **kwargs):
        now = timezone.now()
        with written_join_order():
            context = super().get_context_data(**kwargs)
            context["rows"] = [card_row(self.request.user, o, now=now)
                               for o in context["orders"]]
        context.update(statuses=Status, priorities=Priority)
        return context


# --- quarantine -----------------------------------------------------------------------------

class QuarantineView(LoginRequiredMixin, AnyPermissionMixin, ListView):
    permission_required = ("servicedesk.verify_workorder", "servicedesk.dispatch_workorder")
    template_name = "servicedesk/quarantine.html"
    context_object_name = "orders"
    paginate_by = 20

    def get_queryset(self):
        return selectors.quarantine_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()
        context["q"] = q
        context["rows"] = quarantine_rows(self.request.user, context["orders"], q=q)
        return context


def quarantine_rows(user, orders, bound=None, q: str = "") -> list[dict]:
    """The quarantined orders, each with the form that identifies its contact; the people
    the forms offer are looked up for the whole page at once."""
    verifiable = [order for order in orders
                  if Action.VERIFY in selectors.work_order_actions(user, order)]
    candidates = selectors.verify_candidates_for(user, verifiable, q) if bound is None else {}
    forms = {order.pk: bound or move_form(Action.VERIFY, order, user,
                                          candidates=candidates[order.pk])
             for order in verifiable}
    return [{"order": order, "form": forms.get(order.pk)} for order in orders]


def quarantine_row(user, order, bound=None, q: str = "") -> dict:
    """One quarantined order (the htmx answer of its verification)."""
    return quarantine_rows(user, [order], bound, q)[0]


# --- callbacks ------------------------------------------------------------------------------

class CallbackListView(PermissionRequiredMixin, ScopedListView):
    model = Callback
    permission_required = "servicedesk.view_callback"
    template_name = "servicedesk/callback_list.html"
    context_object_name = "callbacks"

    def get_scoped_queryset(self):
        self.filter_form = CallbackFilterForm(self.request.GET or None)
        qs = selectors.callback_list(self.request.user, self.filter_form.filters())
        return qs.order_by(sort_param(self.request, {"due": "due_at", "attempts": "attempts"},
                                      "due_at"), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "filter_form": self.filter_form,
            "rows": [callback_row(self.request.user, c) for c in context["callbacks"]],
            "columns": [
                {"label": _("Due"), "sort": "due"},
                {"label": _("Work order")},
                {"label": _("Caller")},
                {"label": pgettext("work order", "Resolution")},
                {"label": _("Attempts"), "sort": "attempts", "class": "text-end"},
                {"label": _("Outcome")},
            ],
        })
        return context


def callback_row(user, callback, bound=None) -> dict:
    """A retry is offered again once it is due; until then the row shows the last attempt."""
    order = callback.work_order
    now = timezone.now()
    callable_now = callback.status == CallbackStatus.DUE or (
        callback.status == CallbackStatus.RETRY and callback.due_at <= now)
    form = None
    if bound is not None or (callable_now and Action.CALLBACK in
                             selectors.work_order_actions(user, order)):
        form = bound or move_form(Action.CALLBACK, order, user)
    return {"callback": callback, "order": order, "form": form,
            "overdue": callable_now and callback.due_at <= now}


urlpatterns = [
    path("queue/", QueueView.as_view(), name="queue"),
    path("mine/", MyOrdersView.as_view(), name="my_orders"),
    path("quarantine/", QuarantineView.as_view(), name="quarantine"),
    path("callbacks/", CallbackListView.as_view(), name="callback_list"),
]
