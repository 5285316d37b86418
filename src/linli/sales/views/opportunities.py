"""Web views of opportunities (SAL-2) and lost deals (SAL-4): turning a lead into an
opportunity, the opportunity page (stage history with time in stage, visits, viewings,
follow-ups, losing with a reason), the pipeline board whose drag-and-drop goes through the
stage transition, the manager's review of lost opportunities, the lost-reason catalogue, and
each rep's calendar feed of viewings (iCalendar, at a secret address).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Calendar, Event

from linli.accounts.forms import add_service_errors
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.timeline import timeline_for
from linli.sales import selectors, services
from linli.sales.forms import (
    AppointmentForm,
    FollowUpForm,
    LoseForm,
    LostReasonForm,
    OpportunityForm,
    ReviewForm,
    VisitForm,
)
from linli.sales.models import LostReason, Opportunity
from linli.sales.states import (
    LostAppliesTo,
    LostReview,
    Stage,
)
from linli.sales.views.shared import form_page


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def opportunity_create(request, lead_pk):
    lead = selectors.lead_get(request.user, lead_pk)
    form = OpportunityForm(request.POST or None, initial={"needs": lead.needs})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(actor=request.user, lead=lead, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Opportunity opened."))
            return redirect("sales:opportunity_detail", pk=opportunity.pk)
    return form_page(request, form, _("Turn the lead of %(name)s into an opportunity") % {
        "name": lead.person.name}, reverse("sales:lead_detail", args=[lead.pk]))


def _reasons(user, stage: str):
    return selectors.lost_reason_list(user, {"applies_to": LostAppliesTo.OPPORTUNITY,
                                             "stage": stage, "active": True})


def _project_units(user, opportunity):
    return selectors.sale_unit_list(user, {"project": opportunity.project_id}).select_related(
        "unit")


class OpportunityDetailView(ScopedDetailView):
    model = Opportunity
    template_name = "sales/opportunity_detail.html"
    context_object_name = "opportunity"

    def get_scoped_queryset(self):
        return selectors.opportunity_list(self.request.user).select_related(
            "lead", "reviewed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, opportunity = self.request.user, self.object
        rights = selectors.opportunity_rights(user, opportunity)
        may_move = rights.may_move
        units = _project_units(user, opportunity) if may_move else None
        context.update({
            "history": selectors.stage_history(opportunity),
            "visits": selectors.visit_list(user, opportunity)[:20],
            "appointments": selectors.appointment_list(user, {"opportunity": opportunity.pk}),
            "units_shown": opportunity.units_shown.select_related("unit"),
            "subscriptions": selectors.opportunity_subscriptions(user, opportunity),
            "moves": rights.moves,
            "may_move": may_move,
            "may_subscribe": rights.may_subscribe,
            "lose_form": LoseForm(reasons=_reasons(user, opportunity.stage))
            if may_move else None,
            "visit_form": VisitForm(sale_units=units) if may_move else None,
            "appointment_form": AppointmentForm(sale_units=units) if may_move else None,
            "follow_up_form": FollowUpForm() if may_move else None,
            "review_form": ReviewForm(reps=selectors.reps_of(user, opportunity))
            if (opportunity.review == LostReview.PENDING
                and user.has_perm("sales.decide_lead", opportunity)) else None,
            "timeline": timeline_for(user, opportunity, limit=30),
        })
        return context


def _back(request, opportunity):
    return redirect("sales:opportunity_detail", pk=opportunity.pk)


@login_required
@require_POST
def opportunity_move(request, pk):
    """A stage move from the opportunity page or a drop on the pipeline board (htmx: the
    board is answered again, with the refusal as a message)."""
    user = request.user
    opportunity = selectors.opportunity_get(user, pk)
    to = request.POST.get("to", "")
    reason = None
    if to == Stage.LOST:
        reason = selectors.lost_reason_find(user, request.POST.get("reason", ""))
    try:
        services.opportunity_transition(
            actor=user, opportunity=opportunity, to=to, reason=reason,
            competitor=request.POST.get("competitor", "")[:200],
            note=request.POST.get("note", "")[:500])
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, PermissionDenied) and not request.htmx:
            raise
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("%(name)s moved to %(stage)s.") % {
            "name": opportunity.person.name, "stage": Stage(to).label})
    if request.htmx:
        return _board_response(request)
    return _back(request, opportunity)


@login_required
@require_POST
def opportunity_action(request, pk):
    """The forms of the opportunity page: visit, appointment, follow-up, review."""
    user = request.user
    opportunity = selectors.opportunity_get(user, pk)
    action = request.POST.get("action", "")
    if action in ("appointment_done", "appointment_cancelled"):
        return _appointment_close(request, opportunity, done=action == "appointment_done")
    units = _project_units(user, opportunity)
    forms = {"visit": VisitForm(request.POST, sale_units=units),
             "appointment": AppointmentForm(request.POST, sale_units=units),
             "follow_up": FollowUpForm(request.POST),
             "review": ReviewForm(request.POST, reps=selectors.reps_of(user, opportunity))}
    form = forms.get(action)
    if form is None:
        messages.error(request, _("Choose what to do."))
        return _back(request, opportunity)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return _back(request, opportunity)
    data = form.cleaned_data
    try:
        if action == "visit":
            services.visit_register(actor=user, opportunity=opportunity,
                                    companions=data["companions"], note=data["note"],
                                    sale_units=data["sale_units"])
        elif action == "appointment":
            services.appointment_book(actor=user, opportunity=opportunity,
                                      starts_at=data["starts_at"], minutes=data["minutes"],
                                      place=data["place"], sale_units=data["sale_units"],
                                      note=data["note"])
        elif action == "follow_up":
            services.opportunity_follow_up(actor=user, opportunity=opportunity,
                                           note=data["note"], next_step=data["next_step"],
                                           follow_up_at=data["follow_up_at"])
        else:
            rep = selectors.colleague_find(user, data["rep"]) if data["rep"] else None
            services.lost_review(actor=user, opportunity=opportunity,
                                 reassign=request.POST.get("decision") == "reassign", rep=rep,
                                 note=data["note"])
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Saved."))
    if action == "review" and request.POST.get("next") == "lost":
        return redirect("sales:lost")
    return _back(request, opportunity)


def _appointment_close(request, opportunity, done: bool):
    appointment = selectors.appointment_of(request.user, opportunity,
                                           request.POST.get("appointment"))
    if appointment is None:
        messages.error(request, _("Choose a viewing of this opportunity."))
        return _back(request, opportunity)
    try:
        services.appointment_close(actor=request.user, appointment=appointment, done=done)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Viewing marked done; its units count as shown.") if done
                         else _("Viewing cancelled."))
    return _back(request, opportunity)


# --- the pipeline board ---------------------------------------------------------------------

def _board_context(request) -> dict:
    mine = request.GET.get("mine", request.POST.get("mine")) == "1"
    return {"columns": selectors.pipeline_board(request.user, {"mine": mine}), "mine": mine,
            "lost_stage": Stage.LOST}


def _board_response(request):
    return render(request, "sales/partials/board.html", _board_context(request))


@login_required
@permission_required("sales.view_opportunity", raise_exception=True)
def board(request):
    return render(request, "sales/board.html", _board_context(request))


# --- lost deals and their review ------------------------------------------------------------

class LostListView(PermissionRequiredMixin, ScopedListView):
    model = Opportunity
    permission_required = "sales.view_opportunity"
    template_name = "sales/lost_list.html"
    context_object_name = "opportunities"

    def get_scoped_queryset(self):
        review = self.request.GET.get("review", LostReview.PENDING)
        return selectors.opportunity_list(self.request.user, {
            "stage": Stage.LOST,
            "review": review if review in LostReview.values and review else None})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_review"] = self.request.user.has_perm("sales.decide_lead")
        context["reviews"] = [r for r in LostReview if r.value]
        context["pending"] = LostReview.PENDING
        return context


# --- the lost-reason catalogue --------------------------------------------------------------

class LostReasonListView(PermissionRequiredMixin, ScopedListView):
    model = LostReason
    permission_required = "sales.view_lostreason"
    template_name = "sales/lost_reason_list.html"
    context_object_name = "reasons"
    paginate_by = 100

    def get_scoped_queryset(self):
        return selectors.lost_reason_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["stages"] = dict(Stage.choices)
        context["can_add"] = user.has_perm("sales.add_lostreason")
        context["can_change"] = user.has_perm("sales.change_lostreason")
        return context


@login_required
@permission_required("sales.add_lostreason", raise_exception=True)
def lost_reason_create(request):
    form = LostReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lost_reason_create(actor=request.user, tenant=request.user.tenant,
                                        **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lost reason added."))
            return redirect("sales:lost_reasons")
    return form_page(request, form, _("New lost reason"), reverse("sales:lost_reasons"))


@login_required
@require_POST
@permission_required("sales.add_lostreason", raise_exception=True)
def lost_reasons_install(request):
    count = services.lost_reasons_install(tenant=request.user.tenant)
    messages.success(request, _("%(count)d default reasons added.") % {"count": count})
    return redirect("sales:lost_reasons")


@login_required
@require_POST
def lost_reason_toggle(request, pk):
    reason = selectors.lost_reason_get(request.user, pk)
    services.lost_reason_set_active(actor=request.user, reason=reason,
                                    active=not reason.is_active)
    return redirect("sales:lost_reasons")


# --- calendar feeds of viewings --------------------------------------------------------------

@login_required
@permission_required("sales.work_lead", raise_exception=True)
def calendar(request):
    if request.method == "POST":
        services.calendar_feed_renew(actor=request.user)
        messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("sales:calendar")
    token = services.calendar_feed_token(actor=request.user)
    return render(request, "sales/calendar.html", {
        "feed_url": request.build_absolute_uri(reverse("sales:calendar_feed", args=[token])),
        "appointments": selectors.appointment_list(request.user, {"mine": True}).filter(
            starts_at__gte=timezone.now() - dt.timedelta(days=1))[:50]})


def calendar_feed(request, token):
    """The rep's viewings as iCalendar; the secret token is the only key (calendar apps do
    not sign in)."""
    found = selectors.feed_appointments(token[:64])
    if found is None:
        raise Http404
    rep, appointments = found
    cal = Calendar()
    cal.add("prodid", "-//Linli//Sales viewings//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Viewings of %(rep)s") % {"rep": rep})
    for appointment in appointments:
        opportunity = appointment.opportunity
        event = Event()
        event.add("uid", f"linli-appointment-{appointment.pk}@{request.get_host()}")
        event.add("dtstamp", appointment.updated_at)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.starts_at + dt.timedelta(minutes=appointment.minutes))
        event.add("summary", _("Viewing: %(customer)s · %(project)s") % {
            "customer": opportunity.person.name, "project": opportunity.project.name})
        rooms = ", ".join(u.unit.room_code for u in appointment.sale_units.all())
        event.add("description", " · ".join(p for p in (rooms, appointment.note) if p))
        if appointment.place:
            event.add("location", appointment.place)
        event.add("status", "CANCELLED" if appointment.status == "cancelled" else "CONFIRMED")
        event.add("url", request.build_absolute_uri(
            reverse("sales:opportunity_detail", args=[opportunity.pk])))
        cal.add_component(event)
    return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")


urlpatterns = [
    path("leads/<int:lead_pk>/opportunity/", opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", OpportunityDetailView.as_view(), name="opportunity_detail"),
    path("opportunities/<int:pk>/move/", opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/action/", opportunity_action, name="opportunity_action"),
    path("pipeline/", board, name="board"),
    path("lost/", LostListView.as_view(), name="lost"),
    path("lost-reasons/", LostReasonListView.as_view(), name="lost_reasons"),
    path("lost-reasons/new/", lost_reason_create, name="lost_reason_create"),
    path("lost-reasons/install/", lost_reasons_install, name="lost_reasons_install"),
    path("lost-reasons/<int:pk>/toggle/", lost_reason_toggle, name="lost_reason_toggle"),
    path("calendar/", calendar, name="calendar"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
]
