"""The service desk's configuration screens (SVC-2 … SVC-4): service levels with their clocks,
routing rules, the category tree, the priority matrix, the desk policy, and the seed install
for a tenant that has none yet.

The configuration is tenant-wide. Lists read through the scoped selectors; a record is found
inside them, so another tenant's record is a 404, and a visible record the user may not change
is a 403. Every write is one service call, whose errors come back to the form.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.scoped_views import ScopedListView
from linli.servicedesk import configuration_forms as config_forms
from linli.servicedesk import selectors, services
from linli.servicedesk.choices import ClockKind
from linli.servicedesk.models import Category, RoutingRule, ServiceLevel

# The configuration screens: URL name, the permission that opens them (from the index), icon,
# title and what they hold. (gettext_lazy by its own name: makemessages finds no alias.)
SCREENS = (
    ("servicedesk:config_levels", "servicedesk.change_servicelevel", "clock-hour-4",
     gettext_lazy("Service levels"),
     gettext_lazy("The clocks of each level: response, dispatch, on-site arrival and "
                  "resolution.")),
    ("servicedesk:config_rules", "servicedesk.change_routingrule", "route",
     gettext_lazy("Routing rules"),
     gettext_lazy("Which department (or housekeeper) gets an order, by type, category, area "
                  "and place.")),
    ("servicedesk:config_categories", "servicedesk.change_category", "category",
     gettext_lazy("Categories"),
     gettext_lazy("The category tree of each order type with its defaults.")),
    ("servicedesk:config_matrix", "servicedesk.change_priorityrule", "grid-dots",
     gettext_lazy("Priority matrix"), gettext_lazy("The priority of each urgency × impact.")),
    ("servicedesk:config_policy", "servicedesk.change_deskpolicy", "adjustments",
     gettext_lazy("Desk policy"),
     gettext_lazy("Repeat complaints, quarantine, callback retries and the unsatisfied "
                  "score.")),
)
CONFIG_PERMISSIONS = tuple(screen[1] for screen in SCREENS)


def _require(user, *permissions: str) -> None:
    if not any(user.has_perm(p) for p in permissions):
        raise PermissionDenied(_("You do not have permission to do this."))


def _form_page(request, template: str, context: dict):
    return render(request, f"servicedesk/configuration/{template}", context)


def _edit_page(request, form, save, done, *, title, after: str, cancel: str,
               template: str = "form_page.html", intro: str = ""):
    """A valid POST of ``form`` goes to ``save(**form.service_kwargs())``, then to ``after``
    with the message ``done(saved)``; otherwise (or with the service's errors) the form."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(**form.service_kwargs())
        except ValidationError as exc:
            config_forms.attach_errors(form, exc)
        else:
            messages.success(request, done(saved))
            return redirect(after)
    return _form_page(request, template, {"form": form, "title": title, "intro": intro,
                                          "cancel_url": reverse(cancel)})


# --- the index and the seed install ---------------------------------------------------------

def _screens(user) -> list[dict]:
    return [{"url": reverse(url), "icon": icon, "label": label, "text": text}
            for url, permission, icon, label, text in SCREENS if user.has_perm(permission)]


def _may_install(user) -> bool:
    return all(user.has_perm(f"servicedesk.add_{m}")
               for m in ("servicelevel", "category", "routingrule", "priorityrule"))


def _index_page(request, install_form=None, status: int = 200):
    user = request.user
    _require(user, *CONFIG_PERMISSIONS)
    configured = selectors.desk_configured(user.tenant_id)
    if configured or not _may_install(user):
        install_form = None
    elif install_form is None:
        install_form = config_forms.SeedInstallForm(actor=user)
    return render(request, "servicedesk/configuration/index.html", {
        "screens": _screens(user), "configured": configured, "install_form": install_form,
    }, status=status)


@login_required
def config_index(request):
    return _index_page(request)


@login_required
@require_POST
def config_install(request):
    """Installs the seed; refused (with the reason) once the tenant has a configuration."""
    user = request.user
    form = config_forms.SeedInstallForm(request.POST, actor=user)
    if not form.is_valid():
        return _index_page(request, form, status=400)
    try:
        counts = services.desk_configuration_install(actor=user, tenant=user.tenant,
                                                     departments=form.departments())
    except ValidationError as exc:
        if selectors.desk_configured(user.tenant_id):
            messages.error(request, " ".join(exc.messages))
            return redirect("servicedesk:config_index")
        config_forms.attach_errors(form, exc)
        return _index_page(request, form, status=400)
    messages.success(request, _(
        "The seed configuration is installed: %(levels)d service levels, %(categories)d "
        "categories, %(routes)d routing rules and the priority matrix.") % counts)
    return redirect("servicedesk:config_index")


# --- service levels -------------------------------------------------------------------------

class _ConfigListView(PermissionRequiredMixin, ScopedListView):
    """A list of one kind of configuration record, with its "new" button for those who may
    add one and its row actions for those who may change them (``kind``: the model name)."""

    kind = ""
    title = ""
    new_label = ""
    new_url_name = ""

    def get_permission_required(self):
        return (f"servicedesk.view_{self.kind}",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update({
            "title": self.title, "new_label": self.new_label,
            "new_url": reverse(self.new_url_name),
            "can_add": user.has_perm(f"servicedesk.add_{self.kind}"),
            "can_change": user.has_perm(f"servicedesk.change_{self.kind}"),
        })
        return context


def _clock_summary(level: ServiceLevel) -> list[str]:
    clocks = sorted(level.clocks.all(), key=lambda c: ClockKind.values.index(c.kind))
    return [f"{c.get_kind_display()} {c.amount.normalize():f} {c.get_unit_display()}"
            for c in clocks]


class ServiceLevelListView(_ConfigListView):
    model = ServiceLevel
    kind = "servicelevel"
    title = gettext_lazy("Service levels")
    new_label = gettext_lazy("New service level")
    new_url_name = "servicedesk:config_level_create"
    template_name = "servicedesk/configuration/level_list.html"
    context_object_name = "levels"
    paginate_by = 50

    def get_scoped_queryset(self):
        return selectors.service_level_list(self.request.user).order_by("code", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [{"level": level, "clocks": _clock_summary(level)}
                           for level in context["levels"]]
        return context


def _level_for_change(request, pk) -> ServiceLevel:
    level = selectors.service_level_get(request.user, pk)
    _require(request.user, "servicedesk.change_servicelevel")
    return level


def _level_form(request, level: ServiceLevel | None):
    user = request.user
    _require(user, "servicedesk.change_servicelevel" if level else "servicedesk.add_servicelevel")
    data = request.POST if request.method == "POST" else None
    form = config_forms.ServiceLevelForm(
        data, initial=config_forms.level_initial(level) if level else {"is_active": True})
    clocks = config_forms.ClockFormSet(
        data, prefix="clocks", initial=config_forms.clock_initial(level) if level else None)
    if data is not None and form.is_valid() & clocks.is_valid():
        try:
            saved = services.service_level_save(
                actor=user, tenant=user.tenant, level=level, clocks=clocks.clocks(),
                **form.service_kwargs())
        except ValidationError as exc:
            rest = clocks.attach_errors(exc)
            if rest is not None:
                config_forms.attach_errors(form, rest)
        else:
            messages.success(request, _("Service level “%(name)s” saved.") % {
                "name": saved.name})
            return redirect("servicedesk:config_levels")
    title = _("Edit service level") if level else _("New service level")
    return _form_page(request, "level_form.html", {
        "form": form, "clocks": clocks, "title": title, "level": level,
        "cancel_url": reverse("servicedesk:config_levels")})


@login_required
def level_create(request):
    return _level_form(request, None)


@login_required
def level_edit(request, pk):
    return _level_form(request, _level_for_change(request, pk))


@login_required
@require_POST
def level_deactivate(request, pk):
    level = _level_for_change(request, pk)
    services.service_level_deactivate(actor=request.user, level=level)
    messages.success(request, _("Service level “%(name)s” deactivated.") % {"name": level.name})
    return redirect("servicedesk:config_levels")


# --- routing rules --------------------------------------------------------------------------

class RoutingRuleListView(_ConfigListView):
    model = RoutingRule
    kind = "routingrule"
    title = gettext_lazy("Routing rules")
    new_label = gettext_lazy("New routing rule")
    new_url_name = "servicedesk:config_rule_create"
    template_name = "servicedesk/configuration/rule_list.html"
    context_object_name = "rules"
    paginate_by = 50

    def get_scoped_queryset(self):
        return selectors.routing_rule_rows(self.request.user)


def _rule_for_change(request, pk) -> RoutingRule:
    rule = selectors.routing_rule_get(request.user, pk)
    _require(request.user, "servicedesk.change_routingrule")
    return rule


def _rule_form(request, rule: RoutingRule | None):
    user = request.user
    _require(user, "servicedesk.change_routingrule" if rule else "servicedesk.add_routingrule")
    form = config_forms.RoutingRuleForm(
        request.POST if request.method == "POST" else None, actor=user,
        initial=config_forms.rule_initial(rule) if rule else {"position": 100,
                                                              "is_active": True})
    return _edit_page(
        request, form,
        partial(services.routing_rule_save, actor=user, tenant=user.tenant, rule=rule),
        lambda saved: _("Routing rule #%(id)d saved.") % {"id": saved.pk},
        title=_("Edit routing rule") if rule else _("New routing rule"),
        after="servicedesk:config_rules", cancel="servicedesk:config_rules")


@login_required
def rule_create(request):
    return _rule_form(request, None)


@login_required
def rule_edit(request, pk):
    return _rule_form(request, _rule_for_change(request, pk))


@login_required
@require_POST
def rule_deactivate(request, pk):
    rule = _rule_for_change(request, pk)
    services.routing_rule_deactivate(actor=request.user, rule=rule)
    messages.success(request, _("Routing rule #%(id)d deactivated.") % {"id": rule.pk})
    return redirect("servicedesk:config_rules")


# --- categories -----------------------------------------------------------------------------

class CategoryListView(_ConfigListView):
    """The tree, each parent before its children (not paginated: a tenant has tens of
    categories, not thousands)."""

    model = Category
    kind = "category"
    title = gettext_lazy("Categories")
    new_label = gettext_lazy("New category")
    new_url_name = "servicedesk:config_category_create"
    template_name = "servicedesk/configuration/category_list.html"
    context_object_name = "categories"
    paginate_by = None

    def get_scoped_queryset(self):
        return selectors.category_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [{"category": c, "depth": depth, "indent": depth * 1.5}
                           for c, depth in selectors.category_tree(self.request.user)]
        return context


def _category_for_change(request, pk) -> Category:
    category = selectors.category_get(request.user, pk)
    _require(request.user, "servicedesk.change_category")
    return category


def _category_form(request, category: Category | None):
    user = request.user
    _require(user, "servicedesk.change_category" if category else "servicedesk.add_category")
    initial = (config_forms.category_initial(category) if category else
               {"is_active": True, "order_type": request.GET.get("order_type"),
                "parent": request.GET.get("parent")})
    form = config_forms.CategoryForm(request.POST if request.method == "POST" else None,
                                     actor=user, initial=initial)
    return _edit_page(
        request, form,
        partial(services.category_save, actor=user, tenant=user.tenant, category=category),
        lambda saved: _("Category “%(name)s” saved.") % {"name": saved.name},
        title=_("Edit category") if category else _("New category"),
        after="servicedesk:config_categories", cancel="servicedesk:config_categories")


@login_required
def category_create(request):
    return _category_form(request, None)


@login_required
def category_edit(request, pk):
    return _category_form(request, _category_for_change(request, pk))


@login_required
@require_POST
def category_deactivate(request, pk):
    category = _category_for_change(request, pk)
    services.category_deactivate(actor=request.user, category=category)
    messages.success(request, _("Category “%(name)s” deactivated.") % {"name": category.name})
    return redirect("servicedesk:config_categories")


# --- the priority matrix and the desk policy ------------------------------------------------

@login_required
def priority_matrix(request):
    user = request.user
    _require(user, "servicedesk.change_priorityrule")
    form = config_forms.PriorityMatrixForm(
        request.POST if request.method == "POST" else None,
        grid=selectors.priority_matrix(user))
    return _edit_page(
        request, form, partial(services.priority_matrix_save, actor=user, tenant=user.tenant),
        lambda _saved: _("The priority matrix is saved."), title=_("Priority matrix"),
        after="servicedesk:config_matrix", cancel="servicedesk:config_index",
        template="matrix.html")


@login_required
def desk_policy(request):
    user = request.user
    _require(user, "servicedesk.change_deskpolicy", "servicedesk.add_deskpolicy")
    form = config_forms.DeskPolicyForm(
        request.POST if request.method == "POST" else None,
        initial=config_forms.policy_initial(selectors.desk_policy(user.tenant_id)))
    return _edit_page(
        request, form, partial(services.desk_policy_save, actor=user, tenant=user.tenant),
        lambda _saved: _("The desk policy is saved."), title=_("Desk policy"),
        after="servicedesk:config_policy", cancel="servicedesk:config_index",
        intro=_("Defaults apply until the policy is first saved."))


urlpatterns = [
    path("configuration/", config_index, name="config_index"),
    path("configuration/install/", config_install, name="config_install"),
    path("configuration/levels/", ServiceLevelListView.as_view(), name="config_levels"),
    path("configuration/levels/new/", level_create, name="config_level_create"),
    path("configuration/levels/<int:pk>/edit/", level_edit, name="config_level_edit"),
    path("configuration/levels/<int:pk>/deactivate/", level_deactivate,
         name="config_level_deactivate"),
    path("configuration/routing/", RoutingRuleListView.as_view(), name="config_rules"),
    path("configuration/routing/new/", rule_create, name="config_rule_create"),
    path("configuration/routing/<int:pk>/edit/", rule_edit, name="config_rule_edit"),
    path("configuration/routing/<int:pk>/deactivate/", rule_deactivate,
         name="config_rule_deactivate"),
    path("configuration/categories/", CategoryListView.as_view(), name="config_categories"),
    path("configuration/categories/new/", category_create, name="config_category_create"),
    path("configuration/categories/<int:pk>/edit/", category_edit,
         name="config_category_edit"),
    path("configuration/categories/<int:pk>/deactivate/", category_deactivate,
         name="config_category_deactivate"),
    path("configuration/priority-matrix/", priority_matrix, name="config_matrix"),
    path("configuration/policy/", desk_policy, name="config_policy"),
]
