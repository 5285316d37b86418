"""Screens of partner outreach (OUT-1, OUT-4): the registry, agents and cities by type.

Views parse the form, call one service or selector and render. Out of scope and missing are
the same 404; visible but not allowed is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.personal_data.phones import display_phone
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries
from linli.core.templatetags.linli_ui import sort_param
from linli.directory.selectors.organizations import contacts_of
from linli.outreach import selectors, services
from linli.outreach.choices import (
    CALL_OUTCOME_BADGES,
    CITY_TYPE_BADGES,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
)
from linli.outreach.forms import (
    AgentEditForm,
    AgentFilterForm,
    AgentForm,
    AgentStatusForm,
    AssignForm,
    CallForm,
    CampaignForm,
    CityFilterForm,
    HandoverForm,
    PartnerFilterForm,
    PartnerForm,
    PartnerProfileForm,
    StatisticsFilterForm,
)
from linli.outreach.models import Agent, Campaign, Partner

PROFILE_FIELDS = ("signing_status", "agent", "qualification", "households", "occupancy_rate",
                  "opted_out")


def _phone_book(actor, organization) -> dict:
    """The organisation's landline and visible contacts, with phones as people read them."""
    return {"landline": display_phone(organization.landline), "contacts": [
        {"contact": c, "mobile": display_phone(c.mobile), "landline": display_phone(c.landline)}
        for c in contacts_of(actor, organization)]}


def _form_page(request, form, title: str, cancel_url: str):
    return render(request, "directory/organizations/form_page.html",
                  {"form": form, "title": title, "cancel_url": cancel_url})


def _for_change(request, obj, permission: str):
    """``obj`` (already resolved in scope) when the user holds ``permission`` on it; visible
    but not allowed is a 403."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))
    return obj


def _written(request, form, write):
    """What ``write(cleaned_data)`` returns for a valid POST of ``form``; None when there is
    nothing to write yet or the service refused (its errors are then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _act(request, write, success, form=None, invalid: str = "") -> None:
    """A POST action: ``write(cleaned_data)`` and the ``success(result)`` message, or the
    service's refusal (``invalid`` when the form is not valid) as an error message."""
    if form is not None and not form.is_valid():
        messages.error(request, invalid)
        return
    try:
        result = write(form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success(result))


# --- partners -------------------------------------------------------------------------------

class PartnerListView(PermissionRequiredMixin, ScopedListView):
    model = Partner
    permission_required = "outreach.view_partner"
    template_name = "outreach/partner_list.html"
    context_object_name = "partners"

    def get_scoped_queryset(self):
        actor = self.request.user
        self.filter_form = PartnerFilterForm(self.request.GET, actor=actor)
        sort = sort_param(self.request, {k: k for k in selectors.PARTNER_SORTS}, "")
        return selectors.partner_list(actor, self.filter_form.filters(sort))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["columns"] = [
            {"label": _("Name"), "sort": "name"}, {"label": _("City"), "sort": "city"},
            {"label": _("Signing status")}, {"label": _("Agent")},
            {"label": _("Qualification")},
            {"label": _("Households"), "sort": "households"},
            {"label": _("Occupancy rate"), "sort": "occupancy"},
        ]
        return context


class PartnerDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = Partner
    permission_required = "outreach.view_partner"
    template_name = "outreach/partner_detail.html"
    context_object_name = "partner"

    def get_scoped_queryset(self):
        return selectors.partners_visible(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor, partner = self.request.user, self.object
        tab = "history" if self.request.GET.get("tab") == "history" else "overview"
        context.update(_phone_book(actor, partner.organization))
        context.update({
            "tab": tab,
            "can_change": actor.has_perm("outreach.change_partner", partner),
            "history": history_entries(partner) if tab == "history" else [],
        })
        return context


@login_required
@permission_required("outreach.add_partner", raise_exception=True)
def partner_create(request):
    actor = request.user
    form = PartnerForm(request.POST or None, actor=actor)
    partner = _written(request, form, lambda data: services.partner_create(
        actor=actor, tenant=actor.tenant, **data))
    if partner is not None:
        messages.success(request, _("“%(name)s” added to the registry.") % {
            "name": partner.organization.name})
        return redirect("outreach:partner_detail", pk=partner.pk)
    return _form_page(request, form, _("New partner company"), reverse("outreach:partners"))


@login_required
def partner_edit(request, pk):
    actor = request.user
    partner = _for_change(request, selectors.partner_get(actor, pk), "outreach.change_partner")
    initial = {name: getattr(partner, name) for name in PROFILE_FIELDS}
    form = PartnerProfileForm(request.POST or None, actor=actor, initial=initial)
    if _written(request, form, lambda data: services.partner_update(
            actor=actor, partner=partner, **data)):
        messages.success(request, _("Registry entry saved."))
        return redirect("outreach:partner_detail", pk=partner.pk)
    title = _("Edit %(name)s") % {"name": partner.organization.name}
    return _form_page(request, form, title,
                      reverse("outreach:partner_detail", args=[partner.pk]))


# --- agents ---------------------------------------------------------------------------------

class AgentListView(PermissionRequiredMixin, ScopedListView):
    model = Agent
    permission_required = "outreach.view_agent"
    template_name = "outreach/agent_list.html"
    context_object_name = "agents"

    def get_scoped_queryset(self):
        self.filter_form = AgentFilterForm(self.request.GET)
        return selectors.agent_list(self.request.user, self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["columns"] = [
            {"label": _("Name")}, {"label": _("City")}, {"label": _("Status")},
            {"label": _("Operating mode")}, {"label": _("Credit limit")},
            {"label": _("Companies")}, {"label": _("Signed")},
        ]
        return context


class AgentDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = Agent
    permission_required = "outreach.view_agent"
    template_name = "outreach/agent_detail.html"
    context_object_name = "agent"

    def get_scoped_queryset(self):
        return selectors.agent_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor, agent = self.request.user, self.object
        tab = self.request.GET.get("tab")
        tab = tab if tab in ("history", "companies") else "companies"
        can_change = actor.has_perm("outreach.change_agent", agent)
        companies = Paginator(selectors.agent_companies(actor, agent), 25).get_page(
            self.request.GET.get("page"))
        context.update({
            "tab": tab, "can_change": can_change,
            "page_obj": companies, "companies": companies.object_list,
            "status_form": AgentStatusForm(initial={"status": agent.status}),
            "handover_form": HandoverForm(actor=actor, agent=agent) if can_change else None,
            "can_hand_over": can_change and agent.status in services.HANDOVER_FROM
            and agent.company_count,
            "history": history_entries(agent) if tab == "history" else [],
        })
        return context


@login_required
@permission_required("outreach.add_agent", raise_exception=True)
def agent_create(request):
    actor = request.user
    form = AgentForm(request.POST or None, actor=actor)
    agent = _written(request, form, lambda data: services.agent_create(
        actor=actor, tenant=actor.tenant, **data))
    if agent is not None:
        messages.success(request, _("Agent “%(name)s” created.") % {
            "name": agent.organization.name})
        return redirect("outreach:agent_detail", pk=agent.pk)
    return _form_page(request, form, _("New agent"), reverse("outreach:agents"))


def _agent_for_change(request, pk) -> Agent:
    return _for_change(request, selectors.agent_get(request.user, pk), "outreach.change_agent")


@login_required
def agent_edit(request, pk):
    agent = _agent_for_change(request, pk)
    form = AgentEditForm(request.POST or None, initial={
        "mode": agent.mode, "credit_limit": agent.credit_limit, "notes": agent.notes})
    if _written(request, form, lambda data: services.agent_update(
            actor=request.user, agent=agent, **data)):
        messages.success(request, _("Agent saved."))
        return redirect("outreach:agent_detail", pk=agent.pk)
    title = _("Edit %(name)s") % {"name": agent.organization.name}
    return _form_page(request, form, title, reverse("outreach:agent_detail", args=[agent.pk]))


@login_required
@require_POST
def agent_status(request, pk):
    agent = _agent_for_change(request, pk)
    _act(request, lambda data: services.agent_transition(actor=request.user, agent=agent,
                                                         **data),
         lambda _agent: _("Status changed."), form=AgentStatusForm(request.POST),
         invalid=_("Choose a status from the list."))
    return redirect("outreach:agent_detail", pk=agent.pk)


@login_required
@require_POST
def agent_handover(request, pk):
    actor = request.user
    agent = _agent_for_change(request, pk)
    form = HandoverForm(request.POST, actor=actor, agent=agent)
    _act(request, lambda data: services.agent_handover(
        actor=actor, from_agent=agent, to_agent=data["to_agent"], note=data["note"]),
        lambda count: _("%(count)d companies handed over to %(agent)s.") % {
            "count": count, "agent": form.cleaned_data["to_agent"].organization.name},
        form=form, invalid=_("Choose the agent who takes the companies over."))
    return redirect("outreach:agent_detail", pk=agent.pk)


# --- cities ---------------------------------------------------------------------------------

@login_required
@permission_required("outreach.view_agent", raise_exception=True)
def city_list(request):
    form = CityFilterForm(request.GET)
    form.is_valid()
    all_rows = selectors.city_rows(request.user)
    rows = selectors.of_city_type(all_rows, form.cleaned_data.get("type"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "outreach/city_list.html", {
        "filter_form": form, "page_obj": page, "rows": page.object_list,
        "totals": [(t, n, CITY_TYPE_BADGES[t]) for t, n in selectors.city_type_totals(all_rows)],
    })


@login_required
@permission_required("outreach.view_agent", raise_exception=True)
def city_detail(request, city):
    actor = request.user
    row = selectors.city_get(actor, city)
    return render(request, "outreach/city_detail.html", {
        "row": row, "agents": selectors.agent_list(actor, {"city": city}),
    })


# --- callback campaigns (OUT-2) -------------------------------------------------------------

class CampaignListView(PermissionRequiredMixin, ScopedListView):
    model = Campaign
    permission_required = "outreach.view_campaign"
    template_name = "outreach/campaign_list.html"
    context_object_name = "campaigns"

    def get_scoped_queryset(self):
        return selectors.campaign_list(self.request.user)


def _outcome_rows(row) -> list[dict]:
    """A statistics row as the outcome table shows it: the two levels and their outcomes."""
    cells = {outcome: (count, share) for outcome, count, share in row.cells}
    return [{"group": str(group), "outcomes": [
        {"value": o.value, "label": o.label, "badge": CALL_OUTCOME_BADGES[o.value],
         "count": cells[o.value][0], "share": cells[o.value][1]} for o in outcomes]}
        for group, outcomes in selectors.OUTCOME_GROUPS]


class CampaignDetailView(PermissionRequiredMixin, ScopedDetailView):
    model = Campaign
    permission_required = "outreach.view_campaign"
    template_name = "outreach/campaign_detail.html"
    context_object_name = "campaign"

    def get_scoped_queryset(self):
        return selectors.campaign_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        actor, campaign = self.request.user, self.object
        status = self.request.GET.get("status", "")
        tasks = selectors.call_tasks(actor, campaign, {"status": status if status in
                                                       CallTaskStatus.values else ""})
        page = Paginator(tasks, 25).get_page(self.request.GET.get("page"))
        table = selectors.call_statistics(actor, campaign=campaign)
        can_change = actor.has_perm("outreach.change_campaign", campaign)
        running = campaign.status == CampaignStatus.RUNNING
        context.update({
            "page_obj": page, "tasks": page.object_list, "status": status,
            "statuses": CallTaskStatus.choices, "total": table.total,
            "outcome_groups": _outcome_rows(table.total), "can_change": can_change,
            "can_complete": can_change and running,
            "can_call": running and actor.has_perm("outreach.call_calltask", campaign),
            "assign_form": AssignForm(actor=actor) if can_change else None,
        })
        return context


@login_required
@permission_required("outreach.add_campaign", raise_exception=True)
def campaign_create(request):
    actor = request.user
    form = CampaignForm(request.POST or None, actor=actor)
    campaign = _written(request, form, lambda _data: services.campaign_create(
        actor=actor, tenant=actor.tenant, **form.service_arguments()))
    if campaign is not None:
        messages.success(request, _("Campaign “%(name)s” created with %(count)d companies.")
                         % {"name": campaign.name, "count": campaign.tasks.count()})
        return redirect("outreach:campaign_detail", pk=campaign.pk)
    return _form_page(request, form, _("New callback campaign"), reverse("outreach:campaigns"))


@login_required
@require_POST
def campaign_assign(request, pk):
    actor = request.user
    campaign = selectors.campaign_get(actor, pk)
    _act(request, lambda data: services.campaign_assign(
        actor=actor, campaign=campaign, callers=list(data["callers"])),
        lambda count: _("%(count)d calls assigned.") % {"count": count},
        form=AssignForm(request.POST, actor=actor), invalid=_("Choose at least one caller."))
    return redirect("outreach:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_complete(request, pk):
    campaign = selectors.campaign_get(request.user, pk)
    _act(request, lambda _data: services.campaign_complete(actor=request.user,
                                                           campaign=campaign),
         lambda _campaign: _("Campaign completed."))
    return redirect("outreach:campaign_detail", pk=campaign.pk)


@login_required
@permission_required("outreach.call_calltask", raise_exception=True)
def call_screen(request, pk):
    """The caller's screen: the next company to call, its contacts, the script, the form."""
    actor = request.user
    campaign = selectors.campaign_get(actor, pk)
    task = selectors.next_call(actor, campaign)
    context = {"campaign": campaign, "task": task, "form": CallForm()}
    if task is not None:
        context.update(_phone_book(actor, task.partner.organization),
                       attempts=list(selectors.attempts_of(actor, task)))
    return render(request, "outreach/call_screen.html", context)


@login_required
@require_POST
def call_log(request, pk):
    actor = request.user
    task = selectors.call_task_get(actor, pk)
    _act(request, lambda data: services.call_record(actor=actor, task=task, **data),
         lambda attempt: _("Call to %(name)s logged: %(outcome)s.") % {
             "name": task.partner.organization.name,
             "outcome": CallOutcome(attempt.outcome).label},
         form=CallForm(request.POST), invalid=_("Choose the outcome of the call."))
    return redirect("outreach:call_screen", pk=task.campaign_id)


@login_required
@permission_required("outreach.view_calltask", raise_exception=True)
def statistics(request):
    actor = request.user
    form = StatisticsFilterForm(request.GET, actor=actor)
    form.is_valid()
    data = form.cleaned_data
    campaign = selectors.campaign_find(actor, data["campaign"]) if data.get("campaign") else None
    table = selectors.call_statistics(
        actor, campaign=campaign, group_by=data.get("group_by", ""),
        exclude_litigation=data.get("exclude_litigation", False), phase=data.get("phase", ""),
        city=data.get("city", ""), agent=data.get("agent"))
    return render(request, "outreach/statistics.html", {
        "filter_form": form, "table": table, "outcome_groups": _outcome_rows(table.total),
        "outcomes": [(o.value, o.label) for o in CallOutcome], "rows": table.rows,
    })


urlpatterns = [
    path("partners/", PartnerListView.as_view(), name="partners"),
    path("partners/new/", partner_create, name="partner_create"),
    path("partners/<int:pk>/", PartnerDetailView.as_view(), name="partner_detail"),
    path("partners/<int:pk>/edit/", partner_edit, name="partner_edit"),
    path("agents/", AgentListView.as_view(), name="agents"),
    path("agents/new/", agent_create, name="agent_create"),
    path("agents/<int:pk>/", AgentDetailView.as_view(), name="agent_detail"),
    path("agents/<int:pk>/edit/", agent_edit, name="agent_edit"),
    path("agents/<int:pk>/status/", agent_status, name="agent_status"),
    path("agents/<int:pk>/handover/", agent_handover, name="agent_handover"),
    path("cities/", city_list, name="cities"),
    path("cities/<str:city>/", city_detail, name="city_detail"),
    path("campaigns/", CampaignListView.as_view(), name="campaigns"),
    path("campaigns/new/", campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/assign/", campaign_assign, name="campaign_assign"),
    path("campaigns/<int:pk>/complete/", campaign_complete, name="campaign_complete"),
    path("campaigns/<int:pk>/call/", call_screen, name="call_screen"),
    path("calls/<int:pk>/", call_log, name="call_log"),
    path("statistics/", statistics, name="statistics"),
]
