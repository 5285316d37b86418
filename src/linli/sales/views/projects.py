"""Web views of sales: projects, the sales-control chart (SAL-3), units on sale, price lists
with their rules and the re-pricing preview, quotes and their approval (SAL-5).

Views parse the form, call one service or selector and render; the services check rights and
rules. Objects are resolved inside the actor's scope (out of scope and missing: 404); visible
but not allowed is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.timeline import timeline_for
from linli.directory.selectors import property as property_selectors
from linli.sales import selectors, services
from linli.sales.forms import (
    ChartFilterForm,
    DecisionForm,
    EnlistForm,
    PriceListForm,
    PriceListTermsForm,
    ProjectForm,
    QuoteForm,
    RuleEndForm,
    RuleForm,
    RuleRevisionForm,
)
from linli.sales.models import PriceList, Quote, SalesProject, SaleUnit
from linli.sales.services.shared import require
from linli.sales.states import ApprovalStatus, SaleStatus
from linli.sales.views.shared import form_page

# --- projects -------------------------------------------------------------------------------

class ProjectListView(PermissionRequiredMixin, ScopedListView):
    model = SalesProject
    permission_required = "sales.view_salesproject"
    template_name = "sales/project_list.html"
    context_object_name = "projects"

    def get_scoped_queryset(self):
        return selectors.project_list(self.request.user, {"q": self.request.GET.get("q")})


class ProjectDetailView(ScopedDetailView):
    model = SalesProject
    template_name = "sales/project_detail.html"
    context_object_name = "project"

    def get_scoped_queryset(self):
        return selectors.project_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        context.update({
            "buildings": selectors.sale_buildings(user, project.pk),
            "price_lists": selectors.price_list_list(user, {"project": project.pk}),
            "can_enlist": user.has_perm("sales.add_saleunit", project),
            "can_add_price_list": user.has_perm("sales.add_pricelist", project),
            "timeline": timeline_for(user, project, limit=20),
        })
        return context


@login_required
@permission_required("sales.add_salesproject", raise_exception=True)
def project_create(request):
    form = ProjectForm(request.POST or None, communities=property_selectors.community_list(
        request.user).order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.project_create(
                actor=request.user, community=data["community"], name=data["name"],
                status=data["status"], launch_date=data["launch_date"],
                presale_permit=data["presale_permit"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Sales project “%(name)s” created.") % {
                "name": project.name})
            return redirect("sales:project_detail", pk=project.pk)
    return form_page(request, form, _("New sales project"), reverse("sales:projects"))


@login_required
def project_enlist(request, pk):
    project = selectors.project_get(request.user, pk)
    require(request.user, "sales.add_saleunit", project)
    form = EnlistForm(request.POST or None, buildings=property_selectors.building_list(
        request.user, {"community": project.community_id}))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.units_enlist(
                actor=request.user, project=project, building=data["building"],
                batch=data["batch"], built_area=data["built_area"],
                orientation=data["orientation"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(count)d units put on sale.") % {"count": count})
            return redirect("sales:project_detail", pk=project.pk)
    return form_page(request, form, _("Put a building of %(project)s on sale") % {
        "project": project.name}, reverse("sales:project_detail", args=[project.pk]))


# --- the sales-control chart and units on sale ----------------------------------------------

def _money(value) -> str:
    return "" if value is None else f"{value:,.0f}"


class ChartView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    """The sales-control chart (销控表): buildings × floors × units coloured by sale status,
    with the list price on hover; the export lists the same units, one per row."""

    model = SaleUnit
    permission_required = "sales.view_saleunit"
    template_name = "sales/chart.html"
    context_object_name = "sale_units"
    paginate_by = None
    export_filename = _lazy("sales-control chart")
    export_columns = [
        ExportColumn(_lazy("Project"), "project.name"),
        ExportColumn(_lazy("Building"), "building.number"),
        ExportColumn(_lazy("Floor"), "floor"),
        ExportColumn(_lazy("Room code"), "unit.room_code"),
        ExportColumn(_lazy("Batch"), "batch"),
        ExportColumn(_lazy("Sale area (m²)"), "built_area"),
        ExportColumn(_lazy("Orientation"), "get_orientation_display"),
        ExportColumn(_lazy("Sale status"), "get_status_display"),
        ExportColumn(_lazy("List price per m²"), "list_unit_price"),
        ExportColumn(_lazy("List price"), "list_total"),
    ]

    def get_scoped_queryset(self):
        user = self.request.user
        projects = selectors.project_list(user)
        project_id = self.request.GET.get("project")
        buildings = selectors.sale_buildings(
            user, int(project_id) if (project_id or "").isdigit() and len(project_id) < 18
            else None)
        self.filter_form = ChartFilterForm(self.request.GET, projects=projects,
                                           buildings=buildings)
        return selectors.sale_unit_list(user, self.filter_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["chart"] = selectors.chart(context["sale_units"])
        return context


class SaleUnitDetailView(ScopedDetailView):
    model = SaleUnit
    template_name = "sales/sale_unit_detail.html"
    context_object_name = "sale_unit"

    def get_scoped_queryset(self):
        return selectors.sale_unit_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, sale_unit = self.request.user, self.object
        deal = selectors.subscription_live(user, sale_unit)
        context.update({
            "moves": selectors.sale_unit_moves(user, sale_unit),
            "quotes": selectors.quote_list(user, {"sale_unit": sale_unit.pk})[:20],
            "can_quote": user.has_perm("sales.add_quote", sale_unit),
            "can_subscribe": sale_unit.status in (SaleStatus.AVAILABLE, SaleStatus.RESERVED)
            and user.has_perm("sales.add_subscription", sale_unit),
            "deal": deal,
            "timeline": timeline_for(user, sale_unit, limit=20),
        })
        return context


@login_required
@require_POST
def sale_unit_move(request, pk):
    sale_unit = selectors.sale_unit_get(request.user, pk)
    try:
        services.sale_unit_transition(actor=request.user, sale_unit=sale_unit,
                                      to=request.POST.get("to", ""),
                                      note=request.POST.get("note", "")[:300])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(unit)s is now %(status)s.") % {
            "unit": sale_unit.unit.room_code, "status": SaleStatus(sale_unit.status).label})
    return redirect("sales:sale_unit_detail", pk=sale_unit.pk)


@login_required
def quote_create(request, pk):
    sale_unit = selectors.sale_unit_get(request.user, pk)
    require(request.user, "sales.add_quote", sale_unit)
    today = timezone.localdate()
    price_list = selectors.price_list_for(request.user, sale_unit, today)
    agreed = (selectors.agreed_choices(request.user, price_list, today) if price_list
              else selectors.rule_list(request.user).none())
    form = QuoteForm(request.POST or None, agreed=agreed)
    if request.method == "POST" and form.is_valid():
        try:
            quote = services.quote_create(actor=request.user, sale_unit=sale_unit,
                                          price_list=price_list, on=today,
                                          agreed=list(form.cleaned_data["agreed"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if quote.approval == ApprovalStatus.PENDING:
                messages.warning(request, _("The price is below the floor price: the quote "
                                            "waits for a manager's approval."))
            return redirect("sales:quote_detail", pk=quote.pk)
    if price_list is None and request.method == "GET":
        messages.error(request, _("No price list of this building is valid today."))
    return form_page(request, form, _("Quote for %(unit)s") % {
        "unit": sale_unit.unit.room_code}, reverse("sales:sale_unit_detail", args=[pk]))


# --- price lists ----------------------------------------------------------------------------

class PriceListListView(PermissionRequiredMixin, ScopedListView):
    model = PriceList
    permission_required = "sales.view_pricelist"
    template_name = "sales/price_list_list.html"
    context_object_name = "price_lists"

    def get_scoped_queryset(self):
        return selectors.price_list_list(self.request.user)


class PriceListDetailView(ScopedDetailView):
    model = PriceList
    template_name = "sales/price_list_detail.html"
    context_object_name = "price_list"

    def get_scoped_queryset(self):
        return selectors.price_list_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, price_list = self.request.user, self.object
        context.update({
            "rules": selectors.rule_list(user, {"price_list": price_list.pk}),
            "can_change": user.has_perm("sales.change_pricelist", price_list),
            "rule_form": RuleForm(),
        })
        return context


@login_required
@permission_required("sales.add_pricelist", raise_exception=True)
def price_list_create(request):
    user = request.user
    form = PriceListForm(request.POST or None, projects=selectors.project_list(user),
                         buildings=property_selectors.building_list(user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        seed = data.pop("seed_rules")
        try:
            price_list = services.price_list_create(actor=user, **data)
            if seed:
                services.seed_rules_install(actor=user, price_list=price_list)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Price list “%(name)s” created.") % {
                "name": price_list.name})
            return redirect("sales:price_list_detail", pk=price_list.pk)
    return form_page(request, form, _("New price list"), reverse("sales:price_lists"))


@login_required
def rule_add(request, pk):
    price_list = selectors.price_list_get(request.user, pk)
    require(request.user, "sales.change_pricelist", price_list)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_add(actor=request.user, price_list=price_list, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule added."))
            return redirect("sales:price_list_detail", pk=price_list.pk)
    return form_page(request, form, _("New rule of %(list)s") % {"list": price_list.name},
                      reverse("sales:price_list_detail", args=[price_list.pk]))


@login_required
def price_list_update(request, pk):
    """Edit a price list: its terms, and ending it by giving its last day."""
    price_list = selectors.price_list_get(request.user, pk)
    require(request.user, "sales.change_pricelist", price_list)
    fields = list(PriceListTermsForm.base_fields)
    form = PriceListTermsForm(request.POST or None,
                              initial={f: getattr(price_list, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.price_list_update(actor=request.user, price_list=price_list,
                                       **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Price list “%(name)s” saved.") % {
                "name": price_list.name})
            return redirect("sales:price_list_detail", pk=price_list.pk)
    return form_page(request, form, _("Edit %(list)s") % {"list": price_list.name},
                     reverse("sales:price_list_detail", args=[price_list.pk]))


def _rule_of(request, pk):
    rule = selectors.rule_get(request.user, pk)
    require(request.user, "sales.change_pricelist", rule)
    return rule


def _rule_page(request, rule, form, end_form, status: int = 200):
    """The rule's page of change: its new-version form and its end form."""
    return render(request, "sales/rule_revise.html",
                  {"rule": rule, "form": form, "end_form": end_form}, status=status)


@login_required
def rule_revise(request, pk):
    """A new version of a rule from a day on; the page also ends the rule."""
    rule = _rule_of(request, pk)
    form = RuleRevisionForm.of(rule, request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        effective = data.pop("effective")
        try:
            services.rule_revise(actor=request.user, rule=rule, effective=effective, **data)
        except ValidationError as exc:
            add_service_errors(form, exc, {"valid_from": "effective"})
        else:
            messages.success(request, _("Rule revised: the new version takes effect on "
                                        "%(day)s.") % {"day": effective})
            return redirect("sales:price_list_detail", pk=rule.price_list_id)
    return _rule_page(request, rule, form, RuleEndForm(
        initial={"last_day": rule.valid_to or timezone.localdate()}))


@login_required
@require_POST
def rule_end(request, pk):
    rule = _rule_of(request, pk)
    form = RuleEndForm(request.POST)
    if form.is_valid():
        try:
            services.rule_end(actor=request.user, rule=rule,
                              last_day=form.cleaned_data["last_day"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rule ended: its last day is %(day)s.") % {
                "day": form.cleaned_data["last_day"]})
            return redirect("sales:price_list_detail", pk=rule.price_list_id)
    return _rule_page(request, rule, RuleRevisionForm.of(rule, today=timezone.localdate()),
                      form, status=400)


@login_required
def price_list_reprice(request, pk):
    """GET: what re-pricing the building would change; POST: do it, all in one go."""
    price_list = selectors.price_list_get(request.user, pk)
    if request.method == "POST":
        require(request.user, "sales.change_pricelist", price_list)
        count = services.reprice_apply(actor=request.user, price_list=price_list)
        messages.success(request, _("%(count)d prices changed.") % {"count": count})
        return redirect("sales:price_list_detail", pk=price_list.pk)
    rows = services.reprice_preview(price_list)
    return render(request, "sales/reprice.html", {
        "price_list": price_list, "rows": rows,
        "changed": services.reprice_changed(rows),
        "can_change": request.user.has_perm("sales.change_pricelist", price_list)})


# --- quotes ---------------------------------------------------------------------------------

class QuoteListView(PermissionRequiredMixin, ScopedListView):
    model = Quote
    permission_required = "sales.view_quote"
    template_name = "sales/quote_list.html"
    context_object_name = "quotes"

    def get_scoped_queryset(self):
        approval = self.request.GET.get("approval")
        return selectors.quote_list(self.request.user, {
            "approval": approval if approval in ApprovalStatus.values else None})


class QuoteDetailView(ScopedDetailView):
    model = Quote
    template_name = "sales/quote_detail.html"
    context_object_name = "quote"

    def get_scoped_queryset(self):
        return selectors.quote_list(self.request.user).prefetch_related("agreed_rules")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        quote = self.object
        context.update({
            "steps": selectors.quote_steps(quote),
            "can_decide": quote.approval == ApprovalStatus.PENDING
            and self.request.user.has_perm("sales.approve_quote", quote),
            "decision_form": DecisionForm(),
        })
        return context


@login_required
@require_POST
def quote_decide(request, pk):
    quote = selectors.quote_get(request.user, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.quote_decide(actor=request.user, quote=quote,
                              approve=request.POST.get("decision") == "approve",
                              note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("sales:quote_detail", pk=quote.pk)


urlpatterns = [
    path("", ProjectListView.as_view(), name="projects"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<int:pk>/", ProjectDetailView.as_view(), name="project_detail"),
    path("projects/<int:pk>/units/add/", project_enlist, name="project_enlist"),
    path("chart/", ChartView.as_view(), name="chart"),
    path("units/<int:pk>/", SaleUnitDetailView.as_view(), name="sale_unit_detail"),
    path("units/<int:pk>/move/", sale_unit_move, name="sale_unit_move"),
    path("units/<int:pk>/quotes/new/", quote_create, name="quote_create"),
    path("price-lists/", PriceListListView.as_view(), name="price_lists"),
    path("price-lists/new/", price_list_create, name="price_list_create"),
    path("price-lists/<int:pk>/", PriceListDetailView.as_view(), name="price_list_detail"),
    path("price-lists/<int:pk>/edit/", price_list_update, name="price_list_update"),
    path("price-lists/<int:pk>/rules/add/", rule_add, name="rule_add"),
    path("price-rules/<int:pk>/revise/", rule_revise, name="rule_revise"),
    path("price-rules/<int:pk>/end/", rule_end, name="rule_end"),
    path("price-lists/<int:pk>/reprice/", price_list_reprice, name="price_list_reprice"),
    path("quotes/", QuoteListView.as_view(), name="quotes"),
    path("quotes/<int:pk>/", QuoteDetailView.as_view(), name="quote_detail"),
    path("quotes/<int:pk>/decision/", quote_decide, name="quote_decide"),
]
