"""Web views of leads (SAL-1): the list with the public pool, registration (a protected
customer is refused and the rep may take it to the manager), the lead page with its moves,
and the ownership disputes the manager decides.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.timeline import timeline_for
from linli.directory.choices import OrganizationKind
from linli.directory.selectors import organizations as organization_selectors
from linli.sales import selectors, services
from linli.sales.forms import (
    AssignForm,
    AssignmentRuleForm,
    DisputeForm,
    LeadForm,
    LeadPolicyForm,
    NoteForm,
)
from linli.sales.models import Lead, OwnershipDispute
from linli.sales.services.leads import protecting_lead
from linli.sales.services.shared import require
from linli.sales.states import DisputeStatus, LeadChannel, LeadStatus
from linli.sales.views.shared import form_page


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


class LeadListView(PermissionRequiredMixin, ScopedListView):
    model = Lead
    permission_required = "sales.view_lead"
    template_name = "sales/lead_list.html"
    context_object_name = "leads"

    def get_scoped_queryset(self):
        get = self.request.GET
        status = get.get("status") if get.get("status") in LeadStatus.values else None
        channel = get.get("channel") if get.get("channel") in LeadChannel.values else None
        return selectors.lead_list(self.request.user, {
            "q": (get.get("q") or "")[:100], "status": status, "channel": channel,
            "mine": get.get("mine") == "1", "pool": get.get("pool") == "1"})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        get = self.request.GET
        context.update({"statuses": LeadStatus.choices, "channels": LeadChannel.choices,
                        "pool": get.get("pool") == "1", "mine": get.get("mine") == "1",
                        "can_add": self.request.user.has_perm("sales.add_lead"),
                        "can_work": self.request.user.has_perm("sales.work_lead")})
        return context


@login_required
@permission_required("sales.add_lead", raise_exception=True)
def lead_create(request):
    user = request.user
    agencies = organization_selectors.organization_list(user, {"kind": OrganizationKind.AGENT})
    form = LeadForm(request.POST or None,
                    projects=selectors.project_list(user).order_by("name"),
                    agencies=agencies, initial={"channel": LeadChannel.WALK_IN})
    dispute_url = ""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # the form drops a field's value when it gets an error
        try:
            lead = services.lead_create(
                actor=user, project=data["project"], name=data["name"], phone=data["phone"],
                channel=data["channel"], source=data["source"], agency=data["agency"],
                is_vip=data["is_vip"], needs=data["needs"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            held = protecting_lead(
                data["project"], _normalised(data["phone"])) if data["phone"] else None
            if held is not None and held.owner_id != user.pk:
                dispute_url = reverse("sales:dispute_create") + "?" + urlencode(
                    {"project": data["project"].pk, "phone": data["phone"]})
        else:
            messages.success(request, _("Lead of %(name)s registered.") % {
                "name": lead.person.name})
            return redirect("sales:lead_detail", pk=lead.pk)
    return render(request, "sales/lead_form.html", {
        "form": form, "title": _("Register a lead"), "cancel_url": reverse("sales:leads"),
        "dispute_url": dispute_url})


def _normalised(phone: str) -> str:
    from linli.core.personal_data.phones import normalize_phone

    try:
        return normalize_phone(phone)
    except ValidationError:
        return ""


class LeadDetailView(ScopedDetailView):
    model = Lead
    template_name = "sales/lead_detail.html"
    context_object_name = "lead"

    def get_scoped_queryset(self):
        return selectors.lead_list(self.request.user).select_related("agency", "created_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, lead = self.request.user, self.object
        rights = selectors.lead_rights(user, lead)
        context.update({
            "opportunity": selectors.opportunity_list(user).filter(lead=lead).first(),
            "can_work": rights.can_work,
            "can_claim": rights.can_claim,
            "can_convert": rights.can_convert,
            "can_close": rights.can_close,
            "assign_form": AssignForm(reps=selectors.reps_of(user, lead))
            if rights.can_assign else None,
            "timeline": timeline_for(user, lead, limit=30),
        })
        return context


@login_required
@require_POST
def lead_move(request, pk):
    """The small moves of the lead page: work (a note), claim, assign, close."""
    lead = selectors.lead_get(request.user, pk)
    action = request.POST.get("action", "")
    try:
        if action == "work":
            services.lead_work(actor=request.user, lead=lead,
                               note=request.POST.get("note", "")[:300])
        elif action == "claim":
            services.lead_claim(actor=request.user, lead=lead)
        elif action == "assign":
            rep = selectors.colleague_find(request.user, request.POST.get("rep", ""))
            services.lead_assign(actor=request.user, lead=lead, rep=rep)
        elif action == "close":
            services.lead_close(actor=request.user, lead=lead,
                                note=request.POST.get("note", "")[:300])
        else:
            messages.error(request, _("Choose what to do."))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if action in ("work", "claim", "assign", "close"):
            messages.success(request, _("Lead updated."))
    if action == "claim" and request.POST.get("next") == "pool":
        return redirect(reverse("sales:leads") + "?pool=1")
    return redirect("sales:lead_detail", pk=lead.pk)


# --- ownership disputes (判客) --------------------------------------------------------------

class DisputeListView(PermissionRequiredMixin, ScopedListView):
    model = OwnershipDispute
    permission_required = "sales.view_ownershipdispute"
    template_name = "sales/dispute_list.html"
    context_object_name = "disputes"

    def get_scoped_queryset(self):
        status = self.request.GET.get("status")
        return selectors.dispute_list(self.request.user, {
            "status": status if status in DisputeStatus.values else None})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_decide"] = self.request.user.has_perm("sales.decide_lead")
        context["pending"] = DisputeStatus.PENDING
        return context


@login_required
@permission_required("sales.work_lead", raise_exception=True)
def dispute_create(request):
    user = request.user
    form = DisputeForm(request.POST or None, projects=selectors.project_list(user),
                       initial={"project": request.GET.get("project"),
                                "phone": request.GET.get("phone", "")[:40]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dispute_open(actor=user, project=data["project"], phone=data["phone"],
                                  reason=data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your dispute is with the sales manager."))
            return redirect("sales:leads")
    return form_page(request, form, _("Ask the sales manager to decide"),
                      reverse("sales:leads"))


@login_required
@require_POST
def dispute_decide(request, pk):
    dispute = selectors.dispute_get(request.user, pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.dispute_decide(actor=request.user, dispute=dispute,
                                transfer=request.POST.get("decision") == "transfer", note=note)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Dispute decided."))
    return redirect("sales:disputes")


urlpatterns = [
    path("leads/", LeadListView.as_view(), name="leads"),
    path("leads/new/", lead_create, name="lead_create"),
    path("leads/<int:pk>/", LeadDetailView.as_view(), name="lead_detail"),
    path("leads/<int:pk>/move/", lead_move, name="lead_move"),
    path("disputes/", DisputeListView.as_view(), name="disputes"),
    path("disputes/new/", dispute_create, name="dispute_create"),
    path("disputes/<int:pk>/decide/", dispute_decide, name="dispute_decide"),
]


# --- the lead rules: protection and pool periods, assignment rules ---------------------------

@login_required
@permission_required("sales.view_assignmentrule", raise_exception=True)
def lead_rules(request):
    user = request.user
    policy = services.lead_policy(user.tenant_id)
    can_change = user.has_perm("sales.change_leadpolicy")
    form = LeadPolicyForm(request.POST or None, initial={
        "protection_days": policy.protection_days, "pool_after_days": policy.pool_after_days})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.lead_policy_save(actor=user, tenant=user.tenant, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Lead rules saved."))
                return redirect("sales:lead_rules")
    return render(request, "sales/lead_rules.html", {
        "form": form if can_change else None, "policy": policy,
        "rules": selectors.assignment_rule_list(user),
        "can_add": user.has_perm("sales.add_assignmentrule"),
        "can_edit": user.has_perm("sales.change_assignmentrule")})


def _rule_form_page(request, form, staff, write, success: str, title: str):
    """The assignment-rule form: on a valid POST ``write(**fields)`` with the reps and the
    manager as users, then back to the lead rules."""
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        by_pk = {str(u.pk): u for u in staff}
        data["reps"] = [by_pk[pk] for pk in data["reps"]]
        data["manager"] = by_pk.get(data["manager"])
        try:
            write(**data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("sales:lead_rules")
    return form_page(request, form, title, reverse("sales:lead_rules"))


@login_required
@permission_required("sales.add_assignmentrule", raise_exception=True)
def assignment_rule_create(request):
    user = request.user
    staff = selectors.sales_staff(user)
    form = AssignmentRuleForm(request.POST or None, projects=selectors.project_list(user),
                              users=staff)
    return _rule_form_page(
        request, form, staff, lambda **data: services.assignment_rule_create(actor=user, **data),
        _("Assignment rule added."), _("New assignment rule"))


@login_required
def assignment_rule_edit(request, pk):
    user = request.user
    rule = selectors.assignment_rule_get(user, pk)
    require(user, "sales.change_assignmentrule", rule)
    staff = selectors.sales_staff(user)
    form = AssignmentRuleForm(
        request.POST or None, projects=selectors.project_list(user).filter(pk=rule.project_id),
        users=staff, initial={
            "project": rule.project_id, "name": rule.name, "method": rule.method,
            "channel": rule.channel, "for_vip": rule.for_vip,
            "reps": [str(u.pk) for u in rule.reps.all()],
            "manager": str(rule.manager_id or ""), "capacity": rule.capacity,
            "position": rule.position, "valid_from": rule.valid_from,
            "valid_to": rule.valid_to})
    # A rule stays with its project: make another rule for another project.
    form.fields["project"].disabled = True

    def write(*, project, **data):
        return services.assignment_rule_update(actor=user, rule=rule, **data)

    return _rule_form_page(request, form, staff, write, _("Assignment rule saved."),
                           _("Assignment rule %(name)s") % {"name": rule.name})


urlpatterns += [
    path("lead-rules/", lead_rules, name="lead_rules"),
    path("lead-rules/new/", assignment_rule_create, name="assignment_rule_create"),
    path("lead-rules/<int:pk>/edit/", assignment_rule_edit, name="assignment_rule_edit"),
]
