"""Intake (journey 1, SVC-1): find the caller by phone, its last 4 digits, room code or name;
see their units, family, open orders and last callback; register a work order with the "five
clears", or log a call that needs no order. After registering, the page shows where the order
went and the promised due times, so the desk can tell the caller at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from linli.accounts.forms import add_service_errors
from linli.directory.selectors import people as people_selectors
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors, services
from linli.servicedesk.choices import CallbackOutcome
from linli.servicedesk.forms import ContactLogForm, WorkOrderForm
from linli.servicedesk.states import Status

ORDER, LOG = "order", "log"


def _digits(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _initial(user, lookup) -> dict:
    """The caller's details as the forms' starting values."""
    initial: dict = {}
    person, unit = lookup.person, lookup.unit
    if unit is not None:
        initial.update(community=unit.community_id, room_code=unit.room_code,
                       building=unit.building_id)
    else:
        communities = list(people_selectors.communities_for_filter(user)[:2])
        if len(communities) == 1:
            initial["community"] = communities[0].pk
    if person is not None:
        initial.update(person=person.pk, caller_name=person.name)
    return initial


def _intake_page(request, order_form=None, log_form=None):
    user = request.user
    lookup = selectors.intake_lookup(user, request.GET.get("q", ""), request.GET.get("person"),
                                     request.GET.get("unit"))
    initial = _initial(user, lookup)
    if order_form is None:
        order_form = WorkOrderForm(initial=initial, actor=user, prefix=ORDER)
    if log_form is None and user.has_perm("servicedesk.add_contactlog"):
        log_form = ContactLogForm(initial=initial, actor=user, prefix=LOG)
    done_id = _digits(request.GET.get("done"))
    done = selectors.work_order_find(user, done_id) if done_id else None
    return render(request, "servicedesk/intake.html", {
        "lookup": lookup,
        "order_form": order_form,
        "log_form": log_form,
        "open_form": LOG if log_form is not None and log_form.is_bound else ORDER,
        "done": done,
        "done_clocks": selectors.clock_views(done) if done is not None else [],
        "statuses": Status,
        "outcomes": CallbackOutcome,
        "building_options_url": reverse("servicedesk:building_options"),
        "suggestions_url": reverse("servicedesk:intake_suggestions"),
        "cluster_parent": _digits(request.POST.get(f"{ORDER}-cluster_parent")),
        "knowledge_suggest_url": (reverse("servicedesk:knowledge_suggest")
                                  if user.has_perm("servicedesk.view_knowledgearticle")
                                  else ""),
        "chosen_article": (order_form.cleaned_data.get("article_obj")
                           if order_form.is_bound and hasattr(order_form, "cleaned_data")
                           else None),
    })


def _incident(request):
    """The incident chosen among the likely duplicates, if any, read in the user's scope
    (one no longer visible is refused with a message; the link checks the rest)."""
    pk = _digits(request.POST.get(f"{ORDER}-cluster_parent"))
    if pk is None:
        return None
    incident = selectors.work_order_find(request.user, pk)
    if incident is None:
        raise ValidationError({"cluster_parent": [
            _("The chosen incident is no longer open to you; choose again.")]})
    return incident


@login_required
@permission_required("servicedesk.add_workorder", raise_exception=True)
def intake(request):
    order_form = None
    if request.method == "POST":
        order_form = WorkOrderForm(request.POST, actor=request.user, prefix=ORDER)
        if order_form.is_valid():
            article = order_form.answered_with()
            try:
                if article is not None:
                    order = services.work_order_create_answered(
                        actor=request.user, article=article, **order_form.service_kwargs())
                else:
                    order = services.work_order_create(
                        actor=request.user, **order_form.service_kwargs(),
                        cluster_parent=_incident(request))
            except ValidationError as exc:
                add_service_errors(order_form, exc, {"unit": "room_code",
                                                     "article": "knowledge_article"})
            else:
                messages.success(request, _("Work order %(number)s registered.") % {
                    "number": order.number})
                return redirect(f"{reverse('servicedesk:intake')}?done={order.pk}")
    return _intake_page(request, order_form=order_form)


@login_required
@permission_required("servicedesk.add_contactlog", raise_exception=True)
def contact_log_add(request):
    if request.method != "POST":
        return redirect("servicedesk:intake")
    form = ContactLogForm(request.POST, actor=request.user, prefix=LOG)
    if form.is_valid():
        try:
            services.contact_log_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc, {"unit": "room_code"})
        else:
            messages.success(request, _("The call is in the contact log."))
            return redirect("servicedesk:intake")
    return _intake_page(request, log_form=form)


@login_required
@permission_required("servicedesk.add_workorder", raise_exception=True)
def building_options(request):
    """The building choices of the community chosen in the intake form (htmx)."""
    community = next((_digits(v) for k, v in request.GET.items() if k.endswith("community")),
                     None)
    buildings = (property_selectors.building_list(request.user, {"community": community})
                 if community else [])
    return render(request, "servicedesk/partials/building_options.html",
                  {"buildings": buildings})


urlpatterns = [
    path("intake/", intake, name="intake"),
    path("intake/log/", contact_log_add, name="contact_log_add"),
    path("intake/buildings/", building_options, name="building_options"),
]
