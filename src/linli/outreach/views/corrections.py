"""Screens of the contact correction (OUT-3): the companies by phase, one company's review
(corrections, verification, moves, the agent's answer), each agent's list to correct with its
.xlsx export, and the monthly spot checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.exchange.exports import ExportColumn, export_response
from linli.core.personal_data.phones import display_phone
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.timeline import timeline_for
from linli.outreach import selectors, services
from linli.outreach.choices import REVIEW_PHASE_BADGES, CorrectionStatus, ReviewPhase
from linli.outreach.forms import (
    AnswerForm,
    CorrectionForm,
    ReviewFilterForm,
    ReviewOpenForm,
    ReviewPhaseForm,
    SpotCheckForm,
    VerifyForm,
)
from linli.outreach.models import ContactReview, SpotCheck
from linli.outreach.states import REVIEW_TRANSITIONS
from linli.outreach.views.registry import _act, _for_change, _form_page, _phone_book, _written


class ReviewListView(PermissionRequiredMixin, ScopedListView):
    model = ContactReview
    permission_required = "outreach.view_contactreview"
    template_name = "outreach/review_list.html"
    context_object_name = "reviews"

    def get_scoped_queryset(self):
        actor = self.request.user
        self.filter_form = ReviewFilterForm(self.request.GET, actor=actor)
        return selectors.review_list(actor, self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = selectors.review_phase_counts(self.request.user)
        context.update(filter_form=self.filter_form, phases=[
            (phase.value, phase.label, REVIEW_PHASE_BADGES[phase.value], counts[phase.value])
            for phase in ReviewPhase])
        return context


class ReviewDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = ContactReview
    permission_required = "outreach.view_contactreview"
    template_name = "outreach/review_detail.html"
    context_object_name = "review"

    def get_scoped_queryset(self):
        return selectors.review_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor, review = self.request.user, self.object
        can_change = actor.has_perm("outreach.change_contactreview", review)
        can_correct = (review.phase != ReviewPhase.IN_USE
                       and actor.has_perm("outreach.add_contactcorrection", review))
        can_answer = (review.phase == ReviewPhase.SORT_CORRECT and (
            can_change or actor.has_perm("outreach.answer_contactreview", review)))
        context.update(_phone_book(actor, review.partner.organization))
        context.update({
            "corrections": selectors.corrections_of(actor, review),
            "can_change": can_change, "can_correct": can_correct, "can_answer": can_answer,
            "can_verify": can_change and review.phase == ReviewPhase.VERIFY,
            "next_phases": [(p, ReviewPhase(p).label) for p in ReviewPhase.values
                            if p in REVIEW_TRANSITIONS[review.phase]],
            "correction_form": CorrectionForm(), "phase_form": ReviewPhaseForm(),
            "answer_form": AnswerForm(), "verify_form": VerifyForm(),
            "proposed": CorrectionStatus.PROPOSED,
            "timeline": timeline_for(actor, review, limit=30),
        })
        return context


def _review_for(request, pk, permission: str) -> ContactReview:
    return _for_change(request, selectors.review_get(request.user, pk), permission)


@login_required
@permission_required("outreach.add_contactreview", raise_exception=True)
def review_open(request):
    """Phase one: put the companies of a campaign with the chosen outcomes on the list."""
    actor = request.user
    form = ReviewOpenForm(request.POST or None, actor=actor)

    def write(data):
        partners = selectors.review_candidates(actor, data["campaign"], data["outcomes"])
        return services.reviews_open(actor=actor, tenant=actor.tenant, partners=partners)

    count = _written(request, form, write)
    if count is not None:
        messages.success(request, _("%(count)d companies put on the correction list.") % {
            "count": count})
        return redirect("outreach:reviews")
    return _form_page(request, form, _("Put companies on the correction list"),
                      reverse("outreach:reviews"))


@login_required
@require_POST
def review_phase(request, pk):
    review = _review_for(request, pk, "outreach.change_contactreview")
    _act(request, lambda data: services.review_transition(actor=request.user, review=review,
                                                          **data),
         lambda moved: _("%(name)s moved to “%(phase)s”.") % {
             "name": review.partner.organization.name,
             "phase": ReviewPhase(moved.phase).label},
         form=ReviewPhaseForm(request.POST), invalid=_("Choose a phase from the list."))
    return redirect("outreach:review_detail", pk=review.pk)


@login_required
@require_POST
def correction_add(request, pk):
    review = _review_for(request, pk, "outreach.add_contactcorrection")
    _act(request, lambda data: services.correction_record(
        actor=request.user, partner=review.partner, **data),
        lambda _correction: _("Correction recorded; verify it by calling the company."),
        form=CorrectionForm(request.POST), invalid=_("Choose the field and give the value."))
    return redirect("outreach:review_detail", pk=review.pk)


@login_required
@require_POST
def correction_verify(request, pk):
    actor = request.user
    correction = _for_change(request, selectors.correction_get(actor, pk),
                             "outreach.change_contactcorrection")
    _act(request, lambda data: services.correction_verify(actor=actor, correction=correction,
                                                          **data),
         lambda done: _("Correction accepted and written to the directory.")
         if done.status == CorrectionStatus.ACCEPTED else _("Correction rejected."),
         form=VerifyForm(request.POST), invalid=_("Accept or reject the correction."))
    return redirect("outreach:review_detail", pk=correction.review_id)


@login_required
@require_POST
def review_answer(request, pk):
    actor = request.user
    review = selectors.review_get(actor, pk)
    form = AnswerForm(request.POST)
    _act(request, lambda _data: services.review_answer(actor=actor, review=review,
                                                       **form.service_arguments()),
         lambda _review: _("Answer recorded."), form=form,
         invalid=_("Choose the answer from the list."))
    return redirect("outreach:review_detail", pk=review.pk)


# --- an agent's list to correct ---------------------------------------------------------------

WORKLIST_COLUMNS = [
    ExportColumn(gettext_lazy("Company"), "partner.organization.name"),
    ExportColumn(gettext_lazy("City"), "partner.organization.city"),
    ExportColumn(gettext_lazy("Agent"), "agent.organization.name"),
    ExportColumn(gettext_lazy("Current landline"),
                 lambda r: display_phone(r.partner.organization.landline)),
    ExportColumn(gettext_lazy("Current e-mail"), "partner.organization.email"),
    *(ExportColumn(label, lambda _r: "") for label in (
        gettext_lazy("Answer"), gettext_lazy("Corrected contact person"),
        gettext_lazy("Corrected mobile"), gettext_lazy("Corrected landline"),
        gettext_lazy("Corrected e-mail"), gettext_lazy("Note"))),
]


@login_required
@permission_required("outreach.view_contactreview", raise_exception=True)
def agent_worklist(request, pk):
    """The agent's companies to correct; ``?export=xlsx`` downloads them as a sheet to answer
    and import back."""
    actor = request.user
    agent = selectors.agent_get(actor, pk)
    reviews = selectors.agent_worklist(actor, agent)
    if request.GET.get("export") == "xlsx":
        return export_response(reviews, WORKLIST_COLUMNS,
                               f"{agent.organization.name}-{_('to correct')}", "xlsx")
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    return render(request, "outreach/agent_worklist.html", {
        "agent": agent, "page_obj": page, "reviews": page.object_list,
        "can_import": actor.has_perm("outreach.answer_contactreview"),
    })


# --- spot checks ------------------------------------------------------------------------------

class SpotCheckListView(PermissionRequiredMixin, ScopedListView):
    model = SpotCheck
    permission_required = "outreach.view_spotcheck"
    template_name = "outreach/spot_check_list.html"
    context_object_name = "checks"

    def get_scoped_queryset(self):
        return selectors.spot_checks(self.request.user)


class SpotCheckDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = SpotCheck
    permission_required = "outreach.view_spotcheck"
    template_name = "outreach/spot_check_detail.html"
    context_object_name = "check"

    def get_scoped_queryset(self):
        return selectors.spot_checks(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["companies"] = selectors.spot_check_companies(self.request.user, self.object)
        return context


@login_required
@permission_required("outreach.add_spotcheck", raise_exception=True)
def spot_check_create(request):
    actor = request.user
    form = SpotCheckForm(request.POST or None, actor=actor)
    check = _written(request, form, lambda data: services.spot_check_draw(
        actor=actor, tenant=actor.tenant, **data))
    if check is not None:
        messages.success(request, _("%(count)d companies drawn (seed %(seed)d).") % {
            "count": len(check.sample), "seed": check.seed})
        return redirect("outreach:spot_check_detail", pk=check.pk)
    return _form_page(request, form, _("Draw this month's spot check"),
                      reverse("outreach:spot_checks"))


urlpatterns = [
    path("corrections/", ReviewListView.as_view(), name="reviews"),
    path("corrections/open/", review_open, name="review_open"),
    path("corrections/<int:pk>/", ReviewDetailView.as_view(), name="review_detail"),
    path("corrections/<int:pk>/phase/", review_phase, name="review_phase"),
    path("corrections/<int:pk>/add/", correction_add, name="correction_add"),
    path("corrections/<int:pk>/answer/", review_answer, name="review_answer"),
    path("corrections/changes/<int:pk>/verify/", correction_verify, name="correction_verify"),
    path("corrections/agents/<int:pk>/", agent_worklist, name="agent_worklist"),
    path("spot-checks/", SpotCheckListView.as_view(), name="spot_checks"),
    path("spot-checks/new/", spot_check_create, name="spot_check_create"),
    path("spot-checks/<int:pk>/", SpotCheckDetailView.as_view(), name="spot_check_detail"),
]
