"""Screens of organisations and their contacts (DIR-3).

Views parse the form, call one service or selector and render. Out of scope and missing are
the same 404 (objects are resolved through the selectors); visible but not allowed is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.personal_data.masking import mask_phone
from linli.core.personal_data.phones import display_phone
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries
from linli.core.templatetags.linli_ui import sort_param
from linli.directory.choices import ContactRole, OrganizationKind
from linli.directory.forms.organizations import (
    ContactForm,
    OrganizationFilterForm,
    OrganizationForm,
)
from linli.directory.models import Contact, Organization
from linli.directory.selectors import organizations as selectors
from linli.directory.services import organizations as services

KIND_BADGES = {
    OrganizationKind.PROPERTY_COMPANY: "blue", OrganizationKind.MANAGEMENT_OFFICE: "azure",
    OrganizationKind.DEVELOPER: "orange", OrganizationKind.AGENT: "purple",
    OrganizationKind.MERCHANT: "green", OrganizationKind.DECORATION_COMPANY: "teal",
}
ROLE_BADGES = {
    ContactRole.LEGAL_REPRESENTATIVE: "red", ContactRole.PERSON_IN_CHARGE: "blue",
    ContactRole.STAFF: "secondary",
}
ORGANIZATION_FIELDS = (
    "kind", "name", "parent", "credit_code", "province", "city", "district", "address",
    "mailing_address", "landline", "email", "website", "notes",
)
CONTACT_FIELDS = ("name", "role", "title", "mobile", "landline", "email", "qq", "wechat",
                  "address")


def _contacts_summary(organization: Organization) -> str:
    """"张三 (Legal representative, 138****1234); …" — mobiles masked, as on the screen."""
    parts = []
    for contact in organization.visible_contacts:
        details = ", ".join(p for p in (contact.get_role_display(), mask_phone(contact.mobile))
                            if p)
        parts.append(f"{contact.name} ({details})")
    return "; ".join(parts)


class OrganizationListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = Organization
    permission_required = "directory.view_organization"
    template_name = "directory/organizations/organization_list.html"
    context_object_name = "organizations"
    export_filename = _lazy("organisations")
    export_columns = [
        ExportColumn(_lazy("Name"), "name"),
        ExportColumn(_lazy("Kind"), "get_kind_display"),
        ExportColumn(_lazy("Parent company"), "parent.name"),
        ExportColumn(_lazy("Unified social credit code"), "credit_code"),
        ExportColumn(_lazy("Province"), "province"),
        ExportColumn(_lazy("City"), "city"),
        ExportColumn(_lazy("District"), "district"),
        ExportColumn(_lazy("Company address"), "address"),
        ExportColumn(_lazy("Landline"), lambda org: display_phone(org.landline)),
        ExportColumn(_lazy("E-mail"), "email"),
        ExportColumn(_lazy("Website"), "website"),
        ExportColumn(_lazy("Contacts"), _contacts_summary),
        ExportColumn(_lazy("Created"), "created_at"),
    ]

    def get_scoped_queryset(self):
        actor = self.request.user
        self.filter_form = OrganizationFilterForm(self.request.GET, actor=actor)
        sort = sort_param(self.request, {k: k for k in selectors.ORGANIZATION_SORTS}, "")
        filters = self.filter_form.filters(sort)
        if self.request.GET.get("export") is not None:
            return selectors.organization_list_with_contacts(actor, filters)
        return selectors.organization_list(actor, filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["rows"] = [
            {"organization": org, "badge": KIND_BADGES.get(org.kind, "secondary"),
             "landline": display_phone(org.landline)}
            for org in context["organizations"]
        ]
        context["columns"] = [
            {"label": _("Name"), "sort": "name"},
            {"label": _("Kind"), "sort": "kind"},
            {"label": _("Parent company")},
            {"label": _("City"), "sort": "city"},
            {"label": _("Landline")},
            {"label": _("Unified social credit code")},
        ]
        return context


def _detail_context(request, organization: Organization) -> dict:
    actor = request.user
    tab = "history" if request.GET.get("tab") == "history" else "overview"
    detail = selectors.organization_detail_for(actor, organization)
    return {
        "organization": organization,
        "tab": tab,
        "kind_badge": KIND_BADGES.get(organization.kind, "secondary"),
        "region": " ".join(p for p in (organization.province, organization.city,
                                       organization.district) if p),
        "landline": display_phone(organization.landline),
        "contacts": [{"contact": c, "badge": ROLE_BADGES.get(c.role, "secondary")}
                     for c in detail.contacts],
        "branches": [{"organization": b, "badge": KIND_BADGES.get(b.kind, "secondary")}
                     for b in detail.branches],
        "communities": detail.communities,
        "can_change": actor.has_perm("directory.change_organization", organization),
        "can_add_contact": actor.has_perm("directory.add_contact", organization),
        "can_change_contact": actor.has_perm("directory.change_contact", organization),
        "can_delete_contact": actor.has_perm("directory.delete_contact", organization),
        "history": history_entries(organization) if tab == "history" else [],
    }


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "directory/organizations/organization_detail.html"
    context_object_name = "organization"

    def get_scoped_queryset(self):
        return selectors.organizations_visible(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_detail_context(self.request, self.object))
        return context


def _form_page(request, form, title: str, cancel_url: str, status: int = 200):
    return render(request, "directory/organizations/form_page.html",
                  {"form": form, "title": title, "cancel_url": cancel_url}, status=status)


@login_required
@permission_required("directory.add_organization", raise_exception=True)
def organization_create(request):
    actor = request.user
    form = OrganizationForm(request.POST or None, actor=actor,
                            initial={"kind": request.GET.get("kind"),
                                     "parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organization = services.organization_create(
                actor=actor, tenant=actor.tenant, org_unit=data["org_unit"],
                **{name: data[name] for name in ORGANIZATION_FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation “%(name)s” created.") % {
                "name": organization.name})
            return redirect("directory:organization_detail", pk=organization.pk)
    return _form_page(request, form, _("New organisation"), reverse("directory:organizations"))


def _organization_for_change(request, pk) -> Organization:
    organization = selectors.organization_get(request.user, pk)
    if not request.user.has_perm("directory.change_organization", organization):
        raise PermissionDenied(_("You do not have permission to do this."))
    return organization


@login_required
def organization_edit(request, pk):
    actor = request.user
    organization = _organization_for_change(request, pk)
    initial = {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}
    initial["org_unit"] = organization.org_unit_id
    form = OrganizationForm(request.POST or None, actor=actor, organization=organization,
                            initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.organization_update(
                actor=actor, organization=organization, org_unit=data["org_unit"],
                **{name: data[name] for name in ORGANIZATION_FIELDS},
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Organisation “%(name)s” saved.") % {
                "name": data["name"]})
            return redirect("directory:organization_detail", pk=organization.pk)
    return _form_page(request, form, _("Edit organisation"),
                      reverse("directory:organization_detail", args=[organization.pk]))


# --- contacts -------------------------------------------------------------------------------

def _contacts_url(organization_id: int) -> str:
    return reverse("directory:organization_detail", args=[organization_id]) + "#contacts"


@login_required
def contact_add(request, pk):
    actor = request.user
    organization = selectors.organization_get(actor, pk)
    if not actor.has_perm("directory.add_contact", organization):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_add(actor=actor, organization=organization,
                                           **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact “%(name)s” added.") % {"name": contact.name})
            return redirect(_contacts_url(organization.pk))
    title = _("New contact of %(organization)s") % {"organization": organization.name}
    return _form_page(request, form, title, _contacts_url(organization.pk))


def _contact_for(request, pk, permission: str) -> Contact:
    contact = selectors.contact_get(request.user, pk)
    if not request.user.has_perm(permission, contact):
        raise PermissionDenied(_("You do not have permission to do this."))
    return contact


@login_required
def contact_edit(request, pk):
    contact = _contact_for(request, pk, "directory.change_contact")
    initial = {name: getattr(contact, name) for name in CONTACT_FIELDS}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contact “%(name)s” saved.") % {
                "name": form.cleaned_data["name"]})
            return redirect(_contacts_url(contact.organization_id))
    title = _("Edit contact of %(organization)s") % {"organization": contact.organization.name}
    return _form_page(request, form, title, _contacts_url(contact.organization_id))


@login_required
@require_POST
def contact_remove(request, pk):
    contact = _contact_for(request, pk, "directory.delete_contact")
    organization = contact.organization
    services.contact_remove(actor=request.user, contact=contact)
    messages.success(request, _("Contact “%(name)s” removed.") % {"name": contact.name})
    if request.htmx:
        return render(request, "directory/organizations/partials/contacts.html",
                      _detail_context(request, organization))
    return redirect(_contacts_url(organization.pk))


urlpatterns = [
    path("organizations/", OrganizationListView.as_view(), name="organizations"),
    path("organizations/new/", organization_create, name="organization_create"),
    path("organizations/<int:pk>/", OrganizationDetailView.as_view(),
         name="organization_detail"),
    path("organizations/<int:pk>/edit/", organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/contacts/new/", contact_add, name="contact_add"),
    path("organizations/contacts/<int:pk>/edit/", contact_edit, name="contact_edit"),
    path("organizations/contacts/<int:pk>/remove/", contact_remove, name="contact_remove"),
]
