"""Screens of accounts: the org tree, users and their memberships, roles, the own profile.

Views parse the form, call one service or selector and render; the services check rights and
rules. Out of scope and missing are the same 404 (the selectors resolve objects inside the
actor's scope); visible but not allowed is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from linli.accounts import selectors, services
from linli.accounts.choices import ORG_UNIT_KIND_BADGES
from linli.accounts.forms import (
    MembershipForm,
    OrgUnitCreateForm,
    OrgUnitForm,
    OrgUnitMoveForm,
    PasswordPairForm,
    RoleForm,
    TokenForm,
    UserCreateForm,
    UserDetailsForm,
    UserFilterForm,
    add_service_errors,
)
from linli.accounts.models import OrgUnit, OrgUnitKind, Role, User
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.middleware import remember_language
from linli.core.personal_data.masking import mask_phone
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries

# --- org units ------------------------------------------------------------------------------


class OrgUnitTreeView(PermissionRequiredMixin, ScopedListView):
    model = OrgUnit
    permission_required = "accounts.view_orgunit"
    paginate_by = None
    template_name = "accounts/org_unit_tree.html"
    context_object_name = "units"

    def get_scoped_queryset(self):
        return selectors.org_unit_tree(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        units = list(context["units"])
        top = min((u.depth for u in units), default=0)
        context["rows"] = [
            {
                "unit": unit,
                "indent": unit.depth - top,
                "badge": ORG_UNIT_KIND_BADGES.get(unit.kind, "secondary"),
                "can_add": unit.is_active and user.has_perm("accounts.add_orgunit", unit),
                "can_change": user.has_perm("accounts.change_orgunit", unit),
            }
            for unit in units
        ]
        context["can_add_any"] = user.has_perm("accounts.add_orgunit")
        context["kind_choices"] = OrgUnitKind
        return context


def _unit_for_change(request, pk) -> OrgUnit:
    unit = selectors.org_unit_get(request.user, pk)
    if not request.user.has_perm("accounts.change_orgunit", unit):
        raise PermissionDenied(_("You do not have permission to do this."))
    return unit


@login_required
@permission_required("accounts.add_orgunit", raise_exception=True)
def org_unit_create(request):
    form = OrgUnitCreateForm(request.POST or None, actor=request.user,
                             initial={"parent": request.GET.get("parent"), "kind": "department"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.org_unit_create(
                actor=request.user, tenant=request.user.tenant, parent=data["parent"],
                name=data["name"], kind=data["kind"], code=data["code"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” created.") % {"name": unit.name})
            return redirect("accounts:org_units")
    return render(request, "accounts/form_page.html",
                  {"form": form, "title": _("New organisation unit")})


@login_required
def org_unit_edit(request, pk):
    unit = _unit_for_change(request, pk)
    initial = {"name": unit.name, "code": unit.code, "kind": unit.kind}
    form = OrgUnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.org_unit_update(actor=request.user, unit=unit, name=data["name"],
                                     kind=data["kind"], code=data["code"],
                                     is_active=unit.is_active)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit “%(name)s” saved.") % {"name": unit.name})
            return redirect("accounts:org_units")
    return render(request, "accounts/form_page.html",
                  {"form": form, "unit": unit, "title": _("Edit organisation unit")})


@login_required
def org_unit_move(request, pk):
    unit = _unit_for_change(request, pk)
    form = OrgUnitMoveForm(request.POST or None, actor=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_unit_move(actor=request.user, unit=unit,
                                   new_parent=form.cleaned_data["new_parent"])
        except ValidationError as exc:
            add_service_errors(form, exc, {"parent": "new_parent"})
        else:
            messages.success(request, _("Unit “%(name)s” moved.") % {"name": unit.name})
            return redirect("accounts:org_units")
    return render(request, "accounts/form_page.html",
                  {"form": form, "unit": unit, "title": _("Move “%(name)s”") % {
                      "name": unit.name}})


@login_required
@require_POST
def org_unit_set_active(request, pk, active: bool):
    unit = _unit_for_change(request, pk)
    try:
        services.org_unit_set_active(actor=request.user, unit=unit, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("Unit “%(name)s” reactivated.") if active else _(
            "Unit “%(name)s” deactivated.")
        messages.success(request, done % {"name": unit.name})
    return redirect("accounts:org_units")


# --- users ----------------------------------------------------------------------------------

def _membership_summary(user: User) -> str:
    return "; ".join(f"{m.org_unit.name} · {m.role.name}" for m in user.visible_memberships)


class UserListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = User
    permission_required = "accounts.view_user"
    template_name = "accounts/user_list.html"
    context_object_name = "accounts"
    export_filename = _lazy("users")
    export_columns = [
        ExportColumn(_lazy("Username"), "username"),
        ExportColumn(_lazy("Display name"), "display_name"),
        ExportColumn(_lazy("E-mail"), "email"),
        # Masked like on the screen: exports carry no unmasked personal data.
        ExportColumn(_lazy("Mobile"), lambda user: mask_phone(user.mobile)),
        ExportColumn(_lazy("Memberships"), _membership_summary),
        ExportColumn(_lazy("Active"), "is_active"),
        ExportColumn(_lazy("Joined"), "date_joined"),
        ExportColumn(_lazy("Last sign-in"), "last_login"),
    ]

    def get_scoped_queryset(self):
        self.filter_form = UserFilterForm(self.request.GET, actor=self.request.user)
        return selectors.user_list(
            self.request.user, self.filter_form.filters(self.request.GET.get("sort", ""))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["columns"] = [
            {"label": _("Username"), "sort": "username"},
            {"label": _("Display name"), "sort": "display_name"},
            {"label": _("Mobile")},
            {"label": _("Memberships")},
            {"label": _("Last sign-in"), "sort": "last_login"},
            {"label": _("Status")},
        ]
        return context


def user_detail_context(request, account: User, membership_form=None) -> dict:
    actor = request.user
    tab = "history" if request.GET.get("tab") == "history" else "profile"
    return {
        "account": account,
        "tab": tab,
        "memberships": selectors.memberships_of(actor, account),
        "membership_form": membership_form or (
            MembershipForm(actor=actor) if actor.has_perm("accounts.add_membership") else None
        ),
        "can_manage": selectors.user_manageable(actor, account),
        "history": history_entries(account) if tab == "history" else [],
    }


class UserDetailView(ScopedDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    # Not "user": that name belongs to the signed-in user in every template.
    context_object_name = "account"

    def get_scoped_queryset(self):
        return selectors.user_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(user_detail_context(self.request, self.object))
        return context


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request):
    form = UserCreateForm(request.POST or None, actor=request.user,
                          initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user, tenant=request.user.tenant, username=data["username"],
                password=data["password1"], display_name=data["display_name"],
                email=data["email"], mobile=data["mobile"], language=data["language"],
                org_unit=data["org_unit"], role=data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "password1"})
        else:
            messages.success(request, _("User “%(name)s” created.") % {"name": account})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/form_page.html",
                  {"form": form, "title": _("New user")})


def _user_for_change(request, pk) -> User:
    account = selectors.user_get(request.user, pk)
    if not selectors.user_manageable(request.user, account):
        raise PermissionDenied(_("You do not have permission to do this."))
    return account


@login_required
def user_edit(request, pk):
    account = _user_for_change(request, pk)
    initial = {"display_name": account.display_name, "email": account.email,
               "mobile": account.mobile, "language": account.language}
    form = UserDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("User “%(name)s” saved.") % {"name": account})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/form_page.html",
                  {"form": form, "account": account, "title": _("Edit user")})


@login_required
def user_password(request, pk):
    account = _user_for_change(request, pk)
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=account,
                                       password=form.cleaned_data["password1"])
        except ValidationError as exc:
            add_service_errors(form, exc, {"password": "password1"})
        else:
            messages.success(request, _("The password of “%(name)s” was changed.") % {
                "name": account})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/form_page.html",
                  {"form": form, "account": account, "title": _("Set a new password")})


@login_required
@require_POST
def user_set_active(request, pk, active: bool):
    account = selectors.user_get(request.user, pk)
    try:
        services.user_set_active(actor=request.user, user=account, active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = _("User “%(name)s” reactivated.") if active else _(
            "User “%(name)s” deactivated.")
        messages.success(request, done % {"name": account})
    return redirect("accounts:user_detail", pk=account.pk)


# --- memberships ----------------------------------------------------------------------------

def _memberships_response(request, account: User, form=None):
    context = user_detail_context(request, account, membership_form=form)
    if request.htmx:
        return render(request, "accounts/partials/memberships.html", context)
    if form is not None and form.errors:
        return render(request, "accounts/user_detail.html", context)
    return redirect("accounts:user_detail", pk=account.pk)


@login_required
@require_POST
def membership_add(request, pk):
    account = selectors.user_get(request.user, pk)
    form = MembershipForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Membership added."))
            form = None
    return _memberships_response(request, account, form)


@login_required
@require_POST
def membership_remove(request, pk):
    membership = selectors.membership_get(request.user, pk)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("Membership removed."))
    return _memberships_response(request, membership.user)


# --- roles ----------------------------------------------------------------------------------

class RoleListView(PermissionRequiredMixin, ScopedListView):
    model = Role
    permission_required = "accounts.view_role"
    paginate_by = None
    template_name = "accounts/role_list.html"
    context_object_name = "roles"

    def get_scoped_queryset(self):
        return selectors.role_list(self.request.user)


def _role_form_page(request, form, role=None):
    selected = set(form["permissions"].value() or [])
    return render(request, "accounts/role_form.html", {
        "form": form, "role": role, "matrix": selectors.permission_matrix(),
        "selected": selected,
        "title": _("Edit role") if role else _("New role"),
    })


def _role_save(request, form, role=None):
    data = form.cleaned_data
    try:
        saved = services.role_save(
            actor=request.user, tenant=request.user.tenant, role=role, name=data["name"],
            code=data["code"], description=data["description"],
            permissions=data["permissions"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, _("Role “%(name)s” saved.") % {"name": saved.name})
    return redirect("accounts:roles")


@login_required
@permission_required("accounts.add_role", raise_exception=True)
def role_create(request):
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _role_save(request, form)
        if response is not None:
            return response
    return _role_form_page(request, form)


@login_required
@permission_required("accounts.change_role", raise_exception=True)
def role_edit(request, pk):
    role = selectors.role_get(request.user, pk)
    initial = {"name": role.name, "code": role.code, "description": role.description,
               "permissions": selectors.role_permission_names(role)}
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _role_save(request, form, role)
        if response is not None:
            return response
    return _role_form_page(request, form, role)


@login_required
@require_POST
def role_delete(request, pk):
    role = selectors.role_get(request.user, pk)
    try:
        services.role_delete(actor=request.user, role=role)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role “%(name)s” deleted.") % {"name": role.name})
    return redirect("accounts:roles")


@login_required
@require_POST
@permission_required("accounts.add_role", raise_exception=True)
def role_presets_install(request):
    try:
        roles = services.role_presets_install(actor=request.user, tenant=request.user.tenant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(count)d standard roles are in place.") % {
            "count": len(roles)})
    return redirect("accounts:roles")


# --- own profile and API tokens -------------------------------------------------------------

def _profile_page(request, form=None, token_form=None, new_key=None, status=200):
    user = request.user
    return render(request, "accounts/profile.html", {
        "form": form or UserDetailsForm(initial={
            "display_name": user.display_name, "email": user.email, "mobile": user.mobile,
            "language": user.language}),
        "token_form": token_form or TokenForm(),
        "tokens": selectors.api_token_list(user),
        "memberships": selectors.own_memberships(user),
        "new_key": new_key,
    }, status=status)


@login_required
def profile(request):
    if request.method != "POST":
        return _profile_page(request)
    form = UserDetailsForm(request.POST)
    if form.is_valid():
        try:
            user = services.profile_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            response = redirect("accounts:profile")
            remember_language(request, response, user.language)
            messages.success(request, _("Your profile was saved."))
            return response
    return _profile_page(request, form=form)


def _tokens_response(request, token_form=None, new_key=None):
    if request.htmx:
        return render(request, "accounts/partials/tokens.html", {
            "token_form": token_form or TokenForm(),
            "tokens": selectors.api_token_list(request.user), "new_key": new_key,
        })
    return _profile_page(request, token_form=token_form, new_key=new_key)


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = services.api_token_create(actor=request.user, user=request.user,
                                                    **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # The key is rendered in this response only; it is never stored or redirected.
            return _tokens_response(request, new_key=key)
    return _tokens_response(request, token_form=form)


@login_required
@require_POST
def token_revoke(request, pk):
    token = selectors.api_token_get(request.user, pk)
    services.api_token_revoke(actor=request.user, token=token)
    if request.htmx:
        return _tokens_response(request)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect(reverse("accounts:profile") + "#tokens")
