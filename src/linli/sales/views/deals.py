"""Web views of sales deals (SAL-3): queue numbers, subscriptions (from a unit of the
sales-control chart) and their changes, contracts with their payment plan, payments, online
filing and the area settlement.

Views parse the form, call one service or selector and render; the services check rights and
rules. Objects are resolved inside the actor's scope (out of scope and missing: 404).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.timeline import timeline_for
from linli.directory.selectors import people as people_selectors
from linli.sales import selectors, services
from linli.sales.choices import LineKind, PlanKind
from linli.sales.forms import (
    CancelForm,
    ContractForm,
    FilingForm,
    OpportunitySubscriptionForm,
    PaymentForm,
    QueueConvertForm,
    QueueNumberForm,
    ReasonForm,
    SettlementForm,
    SubscriptionChangeForm,
    SubscriptionForm,
)
from linli.sales.models import Contract, QueueNumber, Subscription
from linli.sales.services.shared import require
from linli.sales.states import (
    ApprovalStatus,
    ContractStatus,
    ProjectStatus,
    QueueStatus,
    SaleStatus,
    SubscriptionStatus,
)
from linli.sales.views.shared import form_page

# How many people a buyer search lists.
CANDIDATES = 10


def _buyer_page(request, form, title: str, cancel_url: str, intro: str = ""):
    """A form page with a buyer search above the form (``q`` kept in the form's action)."""
    q = request.GET.get("q", "")[:100]
    return render(request, "sales/buyer_form.html", {
        "form": form, "title": title, "cancel_url": cancel_url, "intro": intro, "q": q,
        "action": f"?{urlencode({'q': q})}"})


def _buyer_kwargs(request) -> dict:
    """The people a buyer form validates against and the candidates the search ``q`` finds."""
    q = request.GET.get("q", "").strip()[:100]
    people = people_selectors.person_queryset(request.user)
    candidates = (people_selectors.person_list(request.user, {"q": q})[:CANDIDATES] if q
                  else [])
    return {"people": people, "candidates": candidates}


def _act(request, write, success: str, form=None) -> bool:
    """A POST action: ``write(cleaned_data)`` then the ``success`` message, or the form's or
    the service's refusal as an error message. True when it was written."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return False
    try:
        write(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


# --- queue numbers --------------------------------------------------------------------------

class QueueNumberListView(PermissionRequiredMixin, ScopedListView):
    model = QueueNumber
    permission_required = "sales.view_queuenumber"
    template_name = "sales/queue_number_list.html"
    context_object_name = "queue_numbers"

    def get_scoped_queryset(self):
        status = self.request.GET.get("status")
        return selectors.queue_number_list(self.request.user, {
            "status": status if status in QueueStatus.values else None})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("sales.change_queuenumber")
        return context


@login_required
@permission_required("sales.add_queuenumber", raise_exception=True)
def queue_number_create(request):
    user = request.user
    projects = selectors.project_list(user, {"status": ProjectStatus.PREPARING})
    form = QueueNumberForm(request.POST or None, projects=projects, **_buyer_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            queue_number = services.queue_number_take(
                actor=user, project=data["project"], person=data["person"],
                deposit=data["deposit"], note=data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Queue number %(number)s given to %(name)s.") % {
                "number": queue_number.number, "name": queue_number.person.name})
            return redirect("sales:queue_numbers")
    return _buyer_page(request, form, _("New queue number"), reverse("sales:queue_numbers"))


@login_required
def queue_number_refund(request, pk):
    queue_number = selectors.queue_number_get(request.user, pk)
    require(request.user, "sales.change_queuenumber", queue_number)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.queue_number_refund(actor=request.user, queue_number=queue_number,
                                         note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Queue deposit refunded."))
            return redirect("sales:queue_numbers")
    return form_page(request, form, _("Refund queue number %(number)s") % {
        "number": queue_number.number}, reverse("sales:queue_numbers"))


@login_required
def queue_number_convert(request, pk):
    user = request.user
    queue_number = selectors.queue_number_get(user, pk)
    require(user, "sales.add_subscription", queue_number)
    units = selectors.sale_unit_list(user, {"project": queue_number.project_id,
                                            "status": SaleStatus.AVAILABLE})
    form = QueueConvertForm(request.POST or None, units=units,
                            initial={"deposit": queue_number.deposit})
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.queue_number_convert(
                actor=user, queue_number=queue_number, sale_unit=form.cleaned_data["sale_unit"],
                deposit=form.cleaned_data["deposit"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("sales:subscription_detail", pk=subscription.pk)
    return form_page(request, form, _("Subscribe queue number %(number)s (%(name)s)") % {
        "number": queue_number.number, "name": queue_number.person.name},
        reverse("sales:queue_numbers"))


# --- subscriptions --------------------------------------------------------------------------

class SubscriptionListView(PermissionRequiredMixin, ScopedListView):
    model = Subscription
    permission_required = "sales.view_subscription"
    template_name = "sales/subscription_list.html"
    context_object_name = "subscriptions"

    def get_scoped_queryset(self):
        status = self.request.GET.get("status")
        return selectors.subscription_list(self.request.user, {
            "status": status if status in SubscriptionStatus.values else None,
            "q": self.request.GET.get("q", "")[:100]})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = SubscriptionStatus.choices
        return context


class SubscriptionDetailView(ScopedDetailView):
    model = Subscription
    template_name = "sales/subscription_detail.html"
    context_object_name = "subscription"

    def get_scoped_queryset(self):
        return selectors.subscription_list(self.request.user).select_related(
            "contract", "queue_number", "lost_reason", "opportunity")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, sub = self.request.user, self.object
        active = sub.status == SubscriptionStatus.ACTIVE
        context.update({
            "changes": selectors.subscription_changes(user, sub),
            "can_change": active and user.has_perm("sales.change_subscription", sub),
            "can_decide": user.has_perm("sales.approve_subscription", sub),
            "can_contract": active and user.has_perm("sales.add_contract", sub),
            "contract": getattr(sub, "contract", None),
            "lost_reasons": _lost_reasons(user, "subscription") if active and user.has_perm(
                "sales.change_subscription", sub) else [],
            "timeline": timeline_for(user, sub, limit=20),
        })
        return context


def _subscribe(request, form, success: str, **kwargs):
    """Write the subscription of a valid subscription form: its detail page, or None with the
    refusal on the form."""
    data = form.cleaned_data
    try:
        subscription = services.subscription_create(
            actor=request.user, deposit=data["deposit"], quote=data["quote"],
            on=data["subscribed_on"], buyer_name=data["buyer_name"], **kwargs)
    except ValidationError as exc:
        add_service_errors(form, exc, {"sale_unit_id": "sale_unit", "quote_id": "quote"})
        return None
    messages.success(request, success % {"unit": subscription.sale_unit.unit.room_code,
                                         "number": subscription.number})
    return redirect("sales:subscription_detail", pk=subscription.pk)


@login_required
def subscription_create(request, pk):
    """Subscribe the unit ``pk`` (reached from the sales-control chart)."""
    user = request.user
    sale_unit = selectors.sale_unit_get(user, pk)
    require(user, "sales.add_subscription", sale_unit)
    quotes = selectors.quote_list(user, {"sale_unit": sale_unit.pk}).exclude(
        approval__in=[ApprovalStatus.PENDING, ApprovalStatus.REJECTED])
    form = SubscriptionForm(request.POST or None, quotes=quotes, **_buyer_kwargs(request),
                            initial={"subscribed_on": timezone.localdate(),
                                     "quote": quotes.first()})
    if request.method == "POST" and form.is_valid():
        done = _subscribe(request, form, _("%(unit)s is subscribed: %(number)s."),
                          sale_unit=sale_unit, person=form.cleaned_data["person"])
        if done:
            return done
    price = sale_unit.list_total
    intro = (_("List price: %(price)s yuan.") % {"price": f"{price:,.0f}"}) if price else ""
    return _buyer_page(request, form, _("Subscribe %(unit)s") % {
        "unit": sale_unit.unit.room_code},
        reverse("sales:sale_unit_detail", args=[sale_unit.pk]), intro)


@login_required
def opportunity_subscribe(request, pk):
    """Subscribe a unit for the opportunity ``pk``: its customer buys, the opportunity is won."""
    user = request.user
    opportunity = selectors.opportunity_get(user, pk)
    back = reverse("sales:opportunity_detail", args=[opportunity.pk])
    if not selectors.opportunity_rights(user, opportunity).may_subscribe:
        messages.error(request, _("A unit is subscribed for an opportunity once it is "
                                  "negotiating, by someone who may subscribe units."))
        return redirect(back)
    units, quotes = selectors.deal_choices(user, opportunity)
    form = OpportunitySubscriptionForm(request.POST or None, units=units, quotes=quotes,
                                       initial={"subscribed_on": timezone.localdate(),
                                                "quote": quotes.first()})
    if request.method == "POST" and form.is_valid():
        done = _subscribe(request, form,
                          _("%(unit)s is subscribed: %(number)s; the opportunity is won."),
                          sale_unit=form.cleaned_data["sale_unit"], person=opportunity.person,
                          opportunity=opportunity)
        if done:
            return done
    return form_page(request, form, _("Subscribe a unit for %(name)s") % {
        "name": opportunity.person.name}, back)


@login_required
@require_POST
def subscription_cancel(request, pk):
    sub = selectors.subscription_get(request.user, pk)
    _act(request, lambda data: services.subscription_cancel(
        actor=request.user, subscription=sub, reason=data["reason"], note=data["note"]),
        _("Subscription cancelled; the unit is on sale again."),
        CancelForm(request.POST, reasons=_lost_reasons(request.user, "subscription")))
    return redirect("sales:subscription_detail", pk=sub.pk)


@login_required
def subscription_change_create(request, pk):
    user = request.user
    sub = selectors.subscription_get(user, pk)
    require(user, "sales.change_subscription", sub)
    units = selectors.sale_unit_list(user, {"project": sub.sale_unit.project_id,
                                            "status": SaleStatus.AVAILABLE})
    form = SubscriptionChangeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_change_request(
                actor=user, subscription=sub, kind=data["kind"], reason=data["reason"],
                sale_unit=data["sale_unit"], total=data["total"], buyer_name=data["buyer_name"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The change waits for a manager's approval."))
            return redirect("sales:subscription_detail", pk=sub.pk)
    return form_page(request, form, _("Change subscription %(number)s") % {
        "number": sub.number}, reverse("sales:subscription_detail", args=[sub.pk]))


@login_required
@require_POST
def subscription_change_decide(request, pk):
    change = selectors.subscription_change_get(request.user, pk)
    approve = request.POST.get("decision") == "approve"
    _act(request, lambda data: services.subscription_change_decide(
        actor=request.user, change=change, approve=approve,
        note=request.POST.get("note", "")[:300]),
        _("Change approved and applied.") if approve else _("Change rejected."))
    return redirect("sales:subscription_detail", pk=change.subscription_id)


# --- contracts ------------------------------------------------------------------------------

def _plan_lines(data: dict, total) -> list[services.LineIn]:
    """The plan lines of the contract form: one full payment, the typed instalments, or the
    down payment on signing day and the loan when it is expected."""
    signed_on, kind = data["signed_on"], data["plan_kind"]
    if kind == PlanKind.INSTALMENTS:
        return [services.LineIn(LineKind.INSTALMENT, day, amount)
                for day, amount in data["instalments"]]
    if kind == PlanKind.MORTGAGE:
        lines = []
        if data["down_payment"] is not None:
            lines.append(services.LineIn(LineKind.DOWN_PAYMENT, signed_on,
                                         data["down_payment"]))
        if data["loan_amount"] is not None:
            lines.append(services.LineIn(
                LineKind.LOAN, data["loan_due_on"] or signed_on + dt.timedelta(days=30),
                data["loan_amount"]))
        return lines
    return [services.LineIn(LineKind.FULL, signed_on, total)]


@login_required
def contract_create(request, pk):
    user = request.user
    sub = selectors.subscription_get(user, pk)
    require(user, "sales.add_contract", sub)
    form = ContractForm(request.POST or None, initial={
        "signed_on": timezone.localdate(), "plan_kind": PlanKind.MORTGAGE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                actor=user, subscription=sub, plan_kind=data["plan_kind"],
                lines=_plan_lines(data, sub.total), signed_on=data["signed_on"],
                loan_amount=data["loan_amount"], bank=data["bank"],
                down_payment=data["down_payment"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contract %(number)s signed.") % {
                "number": contract.number})
            return redirect("sales:contract_detail", pk=contract.pk)
    return form_page(request, form, _("Contract for %(number)s · %(unit)s · %(total)s yuan") % {
        "number": sub.number, "unit": sub.sale_unit.unit.room_code,
        "total": f"{sub.total:,.0f}"}, reverse("sales:subscription_detail", args=[sub.pk]))


class ContractListView(PermissionRequiredMixin, ScopedListView):
    model = Contract
    permission_required = "sales.view_contract"
    template_name = "sales/contract_list.html"
    context_object_name = "contracts"

    def get_scoped_queryset(self):
        status = self.request.GET.get("status")
        return selectors.contract_list(self.request.user, {
            "status": status if status in ContractStatus.values else None,
            "q": self.request.GET.get("q", "")[:100]})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = ContractStatus.choices
        return context


class ContractDetailView(ScopedDetailView):
    model = Contract
    template_name = "sales/contract_detail.html"
    context_object_name = "contract"

    def get_scoped_queryset(self):
        return selectors.contract_list(self.request.user).select_related(
            "lost_reason").prefetch_related("lines")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, contract = self.request.user, self.object
        lines = sorted(contract.lines.all(), key=lambda line: line.seq)
        rights = selectors.contract_rights(user, contract)
        today = timezone.localdate()
        context.update({
            "lines": lines,
            "receivable": sum(line.receivable for line in lines),
            "payments": selectors.payment_list(user, {"contract": contract.pk}),
            "can_pay": rights.can_pay,
            "can_file": rights.can_file,
            "can_settle": rights.can_settle,
            "can_cancel": rights.can_cancel,
            "payment_form": PaymentForm(lines=contract.lines.all(),
                                        initial={"paid_on": today}),
            "filing_form": FilingForm(initial={"filed_on": today}),
            "settlement_form": SettlementForm(initial={"settled_on": today}),
            "lost_reasons": _lost_reasons(user, "contract") if rights.can_cancel else [],
            "timeline": timeline_for(user, contract, limit=20),
        })
        return context


def _contract_action(request, pk, write, success: str, form_class):
    contract = selectors.contract_get(request.user, pk)
    form = form_class(request.POST, **({"lines": contract.lines.all()}
                                      if form_class is PaymentForm else {}))
    _act(request, lambda data: write(contract, data), success, form)
    return redirect("sales:contract_detail", pk=contract.pk)


@login_required
@require_POST
def payment_create(request, pk):
    return _contract_action(request, pk, lambda contract, data: services.payment_record(
        actor=request.user, contract=contract, line=data["line"], amount=data["amount"],
        paid_on=data["paid_on"], method=data["method"], reference=data["reference"]),
        _("Payment recorded."), PaymentForm)


@login_required
@require_POST
def contract_file(request, pk):
    return _contract_action(request, pk, lambda contract, data: services.contract_file(
        actor=request.user, contract=contract, filing_number=data["filing_number"],
        filed_on=data["filed_on"]), _("Filing recorded; the unit is filed."), FilingForm)


@login_required
@require_POST
def contract_settle(request, pk):
    return _contract_action(request, pk, lambda contract, data: services.contract_settle(
        actor=request.user, contract=contract, measured_area=data["measured_area"],
        on=data["settled_on"]), _("Area settled."), SettlementForm)


@login_required
@require_POST
def contract_cancel(request, pk):
    contract = selectors.contract_get(request.user, pk)
    _act(request, lambda data: services.contract_cancel(
        actor=request.user, contract=contract, reason=data["reason"], note=data["note"]),
        _("Contract cancelled; the unit is on sale again."),
        CancelForm(request.POST, reasons=_lost_reasons(request.user, "contract")))
    return redirect("sales:contract_detail", pk=contract.pk)


def _lost_reasons(user, applies_to: str):
    """The catalogue's reasons a subscription or contract can be lost for (SAL-4)."""
    return selectors.lost_reason_list(user, {"applies_to": applies_to, "active": True})


urlpatterns = [
    path("queue-numbers/", QueueNumberListView.as_view(), name="queue_numbers"),
    path("queue-numbers/new/", queue_number_create, name="queue_number_create"),
    path("queue-numbers/<int:pk>/refund/", queue_number_refund, name="queue_number_refund"),
    path("queue-numbers/<int:pk>/convert/", queue_number_convert, name="queue_number_convert"),
    path("units/<int:pk>/subscribe/", subscription_create, name="subscription_create"),
    path("subscriptions/", SubscriptionListView.as_view(), name="subscriptions"),
    path("opportunities/<int:pk>/subscribe/", opportunity_subscribe,
         name="opportunity_subscribe"),
    path("subscriptions/<int:pk>/", SubscriptionDetailView.as_view(),
         name="subscription_detail"),
    path("subscriptions/<int:pk>/cancel/", subscription_cancel, name="subscription_cancel"),
    path("subscriptions/<int:pk>/changes/new/", subscription_change_create,
         name="subscription_change_create"),
    path("subscription-changes/<int:pk>/decision/", subscription_change_decide,
         name="subscription_change_decide"),
    path("subscriptions/<int:pk>/contract/", contract_create, name="contract_create"),
    path("contracts/", ContractListView.as_view(), name="contracts"),
    path("contracts/<int:pk>/", ContractDetailView.as_view(), name="contract_detail"),
    path("contracts/<int:pk>/payments/new/", payment_create, name="payment_create"),
    path("contracts/<int:pk>/filing/", contract_file, name="contract_file"),
    path("contracts/<int:pk>/settlement/", contract_settle, name="contract_settle"),
    path("contracts/<int:pk>/cancel/", contract_cancel, name="contract_cancel"),
]
