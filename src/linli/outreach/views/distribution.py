"""Screens of editions and distribution (OUT-5), the promotion funnel (OUT-6) and agent
subsidies (OUT-7). Views parse the form, call one service or selector and render; out of
scope and missing are the same 404, visible but not allowed a 403."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.private_files import private_file_response
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.outreach import download_links, services
from linli.outreach.distribution import selectors
from linli.outreach.distribution.forms import (
    CallbackForm,
    ChannelForm,
    DistributionForm,
    EditionForm,
    FunnelFilterForm,
    PromotionMoveForm,
    StatementForm,
    SubsidyRuleForm,
)
from linli.outreach.models import Distribution, Edition, Promotion, SubsidyStatement
from linli.outreach.states import (
    DISTRIBUTION_TRANSITIONS,
    FUNNEL,
    PROMOTION_TRANSITIONS,
    STATEMENT_TRANSITIONS,
    DistributionStatus,
    PromotionStage,
    StatementStatus,
)
from linli.outreach.views.registry import _act, _form_page, _written

# --- editions -------------------------------------------------------------------------------


class EditionListView(PermissionRequiredMixin, ScopedListView):
    model = Edition
    permission_required = "outreach.view_edition"
    template_name = "outreach/edition_list.html"
    context_object_name = "editions"

    def get_scoped_queryset(self):
        return selectors.edition_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["channels"] = list(selectors.channel_list(self.request.user))
        return context


class EditionDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = Edition
    permission_required = "outreach.view_edition"
    template_name = "outreach/edition_detail.html"
    context_object_name = "edition"

    def get_scoped_queryset(self):
        return selectors.edition_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["distributions"] = selectors.distribution_list(
            self.request.user, {"edition": self.object.pk})
        return context


@login_required
@permission_required("outreach.add_edition", raise_exception=True)
def edition_create(request):
    actor = request.user
    form = EditionForm(request.POST or None, request.FILES or None, actor=actor)
    edition = _written(request, form, lambda data: services.edition_create(
        actor=actor, tenant=actor.tenant, **data))
    if edition is not None:
        messages.success(request, _("Edition “%(title)s” created.") % {"title": edition.title})
        return redirect("outreach:edition_detail", pk=edition.pk)
    return _form_page(request, form, _("New edition"), reverse("outreach:editions"))


def _document(edition: Edition):
    """The edition's stored document as a download, named after the edition."""
    if not edition.file:
        raise Http404
    response = private_file_response(edition.file, edition.content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{edition.pk}-{edition.file_name}")
    return response


@login_required
@permission_required("outreach.view_edition", raise_exception=True)
def edition_file(request, pk):
    """The edition's document, to those who may see the edition."""
    return _document(selectors.edition_get(request.user, pk))


def edition_download(request, token):
    """The edition's document for the holder of a company's signed link from its e-mail: no
    sign-in (the companies have no account); a changed or expired link, or an edition
    without a document, gets a page that says so."""
    try:
        recipient = services.recipient_download(token=token)
    except download_links.LinkExpired:
        return _link_page(request, 410, _("This download link has expired"), _(
            "Download links in our e-mails work for %(days)d days. Ask the platform's "
            "customer service for a new copy.") % {"days": settings.OUTREACH_DOWNLOAD_LINK_DAYS})
    except download_links.LinkInvalid:
        return _link_page(request, 404, _("This download link is not valid"), _(
            "The link is incomplete or was changed. Open it again from the e-mail, copying "
            "the whole address, or ask the platform's customer service for a new copy."))
    except download_links.NoDocument:
        return _link_page(request, 404, _("There is no document to download"), _(
            "This edition has no document yet. Ask the platform's customer service for a "
            "copy."))
    return _document(recipient.distribution.edition)


def _link_page(request, status: int, title: str, text: str):
    return render(request, "outreach/download_link.html", {"title": title, "text": text},
                  status=status)


@login_required
@permission_required("outreach.change_distributionchannel", raise_exception=True)
def channel_edit(request, pk):
    actor = request.user
    channel = selectors.channel_get(actor, pk)
    form = ChannelForm(request.POST or None, initial={
        "name": channel.name, "department": channel.department,
        "day_of_month": channel.day_of_month, "active": channel.active})
    saved = _written(request, form, lambda data: services.channel_update(
        actor=actor, channel=channel, **data))
    if saved is not None:
        messages.success(request, _("Channel “%(name)s” saved.") % {"name": saved.name})
        return redirect("outreach:editions")
    return _form_page(request, form, channel.name, reverse("outreach:editions"))


# --- distributions --------------------------------------------------------------------------

class StatusTabsListView(PermissionRequiredMixin, ScopedListView):
    """A list with one tab per status (``outreach/partials/status_tabs.html``): ``statuses``
    are the choices, ``list_selector(actor, filters)`` reads the rows."""

    statuses: type = DistributionStatus

    def status(self) -> str:
        status = self.request.GET.get("status", "")
        return status if status in self.statuses.values else ""

    def get_scoped_queryset(self):
        return type(self).list_selector(self.request.user, {"status": self.status()})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(statuses=self.statuses.choices, status=self.status())
        return context


class DistributionListView(StatusTabsListView):
    model = Distribution
    permission_required = "outreach.view_distribution"
    template_name = "outreach/distribution_list.html"
    context_object_name = "distributions"
    list_selector = selectors.distribution_list


MOVES = {"schedule": DistributionStatus.SCHEDULED, "send": DistributionStatus.SENT,
         "unschedule": DistributionStatus.DRAFT, "cancel": DistributionStatus.CANCELLED}
MOVE_LABELS = {"schedule": _("Schedule"), "send": _("Send now"),
               "unschedule": _("Back to draft"), "cancel": _("Cancel")}


class DistributionDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = Distribution
    permission_required = "outreach.view_distribution"
    template_name = "outreach/distribution_detail.html"
    context_object_name = "distribution"

    def get_scoped_queryset(self):
        return selectors.distribution_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor, distribution = self.request.user, self.object
        recipients = list(selectors.recipients_of(actor, distribution))
        allowed = DISTRIBUTION_TRANSITIONS[distribution.status]
        can_change = actor.has_perm("outreach.change_distribution", distribution)
        context.update(
            recipients=recipients, counts=selectors.delivery_counts(recipients),
            moves=[(slug, str(MOVE_LABELS[slug])) for slug, to in MOVES.items()
                   if to in allowed] if can_change else [],
            can_call=actor.has_perm("outreach.call_calltask", distribution),
            callback_form=CallbackForm(),
        )
        return context


@login_required
@permission_required("outreach.add_distribution", raise_exception=True)
def distribution_create(request):
    actor = request.user
    form = DistributionForm(request.POST or None, actor=actor,
                            initial={"edition": request.GET.get("edition")})
    distribution = _written(request, form, lambda _data: services.distribution_create(
        actor=actor, tenant=actor.tenant, **form.service_arguments()))
    if distribution is not None:
        messages.success(request, _("Distribution created for %(day)s.") % {
            "day": distribution.scheduled_for.isoformat()})
        return redirect("outreach:distribution_detail", pk=distribution.pk)
    return _form_page(request, form, _("New distribution"), reverse("outreach:distributions"))


@login_required
@require_POST
def distribution_move(request, pk, move):
    actor = request.user
    if move not in MOVES:
        raise Http404
    distribution = selectors.distribution_get(actor, pk)
    _act(request, lambda _data: services.distribution_transition(
        actor=actor, distribution=distribution, to=MOVES[move]),
        lambda moved: _("The distribution is now %(status)s.") % {
            "status": moved.get_status_display().lower()})
    return redirect("outreach:distribution_detail", pk=distribution.pk)


@login_required
@require_POST
def recipient_callback(request, pk):
    actor = request.user
    recipient = selectors.recipient_get(actor, pk)
    _act(request, lambda data: services.distribution_callback(
        actor=actor, recipient=recipient, **data),
        lambda _r: _("Callback of %(name)s logged.") % {
            "name": recipient.partner.organization.name},
        form=CallbackForm(request.POST), invalid=_("Choose the outcome of the call."))
    return redirect("outreach:distribution_detail", pk=recipient.distribution_id)


# --- promotion ------------------------------------------------------------------------------

class PromotionListView(PermissionRequiredMixin, ScopedListView):
    """The funnel by city or agent, and the companies with their stage."""

    model = Promotion
    permission_required = "outreach.view_promotion"
    template_name = "outreach/funnel.html"
    context_object_name = "promotions"

    def get_scoped_queryset(self):
        self.filter_form = FunnelFilterForm(self.request.GET)
        self.filter_form.is_valid()
        self.filters = self.filter_form.cleaned_data
        return selectors.promotion_list(self.request.user, {
            "stage": self.filters.get("stage"), "rollout": self.filters.get("rollout")})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.promotion_funnel(self.request.user,
                                          group_by=self.filters.get("group_by") or "city",
                                          rollout=self.filters.get("rollout") or "")
        for promotion in context["promotions"]:
            promotion.moves = [(s, PromotionStage(s).label)
                               for s in PROMOTION_TRANSITIONS[promotion.stage]]
        context.update(filter_form=self.filter_form, total=rows[0], rows=rows[1:],
                       stages=[(s.value, s.label) for s in FUNNEL],
                       move_form=PromotionMoveForm())
        return context


@login_required
@require_POST
def promotion_move(request, pk):
    actor = request.user
    promotion = selectors.promotion_get(actor, pk)
    _act(request, lambda data: services.promotion_transition(
        actor=actor, promotion=promotion, to=data["to"], reason=data["reason"]),
        lambda moved: _("%(name)s is now at “%(stage)s”.") % {
            "name": promotion.partner.organization.name, "stage": moved.get_stage_display()},
        form=PromotionMoveForm(request.POST), invalid=_("Choose the stage."))
    return redirect(reverse("outreach:funnel") + "?" + request.GET.urlencode())


# --- subsidies ------------------------------------------------------------------------------

class StatementListView(StatusTabsListView):
    model = SubsidyStatement
    permission_required = "outreach.view_subsidystatement"
    template_name = "outreach/statement_list.html"
    context_object_name = "statements"
    statuses = StatementStatus
    list_selector = selectors.statement_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rules"] = list(selectors.subsidy_rule_list(self.request.user))
        return context


STATEMENT_MOVES = {"approve": StatementStatus.APPROVED, "pay": StatementStatus.PAID}
STATEMENT_MOVE_LABELS = {"approve": _("Approve"), "pay": _("Mark as paid")}


class StatementDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = SubsidyStatement
    permission_required = "outreach.view_subsidystatement"
    template_name = "outreach/statement_detail.html"
    context_object_name = "statement"

    def get_scoped_queryset(self):
        return selectors.statement_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor, statement = self.request.user, self.object
        allowed = STATEMENT_TRANSITIONS[statement.status]
        context.update(
            lines=selectors.statement_lines(actor, statement),
            moves=[(slug, str(STATEMENT_MOVE_LABELS[slug]))
                   for slug, to in STATEMENT_MOVES.items() if to in allowed]
            if actor.has_perm("outreach.approve_subsidystatement", statement) else [])
        return context


@login_required
@permission_required("outreach.add_subsidystatement", raise_exception=True)
def statement_create(request):
    actor = request.user
    form = StatementForm(request.POST or None, actor=actor)
    statement = _written(request, form, lambda data: services.statement_build(
        actor=actor, **data))
    if statement is not None:
        messages.success(request, _("Statement built: %(total)s yuan.") % {
            "total": statement.total})
        return redirect("outreach:statement_detail", pk=statement.pk)
    return _form_page(request, form, _("New subsidy statement"), reverse("outreach:statements"))


@login_required
@require_POST
def statement_move(request, pk, move):
    actor = request.user
    if move not in STATEMENT_MOVES:
        raise Http404
    statement = selectors.statement_get(actor, pk)
    _act(request, lambda _data: services.statement_transition(
        actor=actor, statement=statement, to=STATEMENT_MOVES[move]),
        lambda moved: _("The statement is now “%(status)s”.") % {
            "status": moved.get_status_display()})
    return redirect("outreach:statement_detail", pk=statement.pk)


@login_required
@permission_required("outreach.add_subsidyrule", raise_exception=True)
def subsidy_rule_create(request):
    actor = request.user
    form = SubsidyRuleForm(request.POST or None)
    rule = _written(request, form, lambda data: services.subsidy_rule_create(
        actor=actor, tenant=actor.tenant, **data))
    if rule is not None:
        messages.success(request, _("Subsidy rule “%(name)s” added.") % {"name": rule.name})
        return redirect("outreach:statements")
    return _form_page(request, form, _("New subsidy rule"), reverse("outreach:statements"))


urlpatterns = [
    path("editions/", EditionListView.as_view(), name="editions"),
    path("editions/new/", edition_create, name="edition_create"),
    path("editions/<int:pk>/", EditionDetailView.as_view(), name="edition_detail"),
    path("editions/<int:pk>/file/", edition_file, name="edition_file"),
    path("download/<str:token>/", edition_download, name="edition_download"),
    path("channels/<int:pk>/edit/", channel_edit, name="channel_edit"),
    path("distributions/", DistributionListView.as_view(), name="distributions"),
    path("distributions/new/", distribution_create, name="distribution_create"),
    path("distributions/<int:pk>/", DistributionDetailView.as_view(),
         name="distribution_detail"),
    path("distributions/<int:pk>/<slug:move>/", distribution_move, name="distribution_move"),
    path("recipients/<int:pk>/callback/", recipient_callback, name="recipient_callback"),
    path("promotion/", PromotionListView.as_view(), name="funnel"),
    path("promotion/<int:pk>/move/", promotion_move, name="promotion_move"),
    path("subsidies/", StatementListView.as_view(), name="statements"),
    path("subsidies/new/", statement_create, name="statement_create"),
    path("subsidies/rules/new/", subsidy_rule_create, name="subsidy_rule_create"),
    path("subsidies/<int:pk>/", StatementDetailView.as_view(), name="statement_detail"),
    path("subsidies/<int:pk>/<slug:move>/", statement_move, name="statement_move"),
]
