"""Screens of people (DIR-2) and the 360° person page (DIR-4).

Views parse the form, call one service or selector and render. Out of scope and missing are
the same 404 (objects are resolved through the selectors); visible but not allowed is a 403.
Personal data is masked on the server; the person page offers logged reveal buttons.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.personal_data.masking import mask_id, mask_phone
from linli.core.personal_data.models import AccessAction
from linli.core.personal_data.phones import display_phone
from linli.core.personal_data.services import REVEAL_PERMISSION, access_log_write
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries
from linli.directory.choices import UnitRole
from linli.directory.forms.people import (
    FamilyForm,
    OwnershipTransferForm,
    PersonFilterForm,
    PersonForm,
    PhoneForm,
    RelationEndForm,
    RelationForm,
)
from linli.directory.models import Person
from linli.directory.selectors import people as selectors
from linli.directory.services import people as services

CANDIDATE_LIMIT = 20
FORM_PAGE = "directory/people/form_page.html"


def _detail_url(person_id: int, tab: str = "") -> str:
    url = reverse("directory:person_detail", args=[person_id])
    return f"{url}?tab={tab}" if tab else url


def _forbidden() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def _form_page(request, form, title: str, cancel_url: str, **extra):
    return render(request, FORM_PAGE, {"form": form, "title": title, "cancel_url": cancel_url,
                                       **extra})


# --- the list -------------------------------------------------------------------------------

class _Export:
    """Export cells: unmasked only for rows where the exporting user may see personal data."""

    def __init__(self, user):
        self.user = user

    def _open(self, person: Person) -> bool:
        return self.user.has_perm(REVEAL_PERMISSION, person)

    def phones(self, person: Person) -> str:
        show = display_phone if self._open(person) else mask_phone
        return ", ".join(show(p.number) for p in person.phones.all())

    def id_number(self, person: Person) -> str:
        return person.id_number if self._open(person) else mask_id(person.id_number)


def _units(person: Person) -> str:
    return "; ".join(f"{r.unit.community.name} {r.unit.room_code} ({r.get_role_display()})"
                     for r in person.current_relations)


class PersonListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = Person
    permission_required = "directory.view_person"
    template_name = "directory/people/person_list.html"
    context_object_name = "people"
    export_filename = _lazy("people")

    def get_filter_form(self) -> PersonFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = PersonFilterForm(self.request.GET or None,
                                                 actor=self.request.user)
        return self._filter_form

    def get_scoped_queryset(self):
        filters = self.get_filter_form().filters(self.request.GET.get("sort", ""))
        return selectors.person_list(self.request.user, filters, with_units=True)

    def get_export_columns(self) -> list[ExportColumn]:
        cells = _Export(self.request.user)
        return [
            ExportColumn(_lazy("Name"), "name"),
            ExportColumn(_lazy("Gender"), "get_gender_display"),
            ExportColumn(_lazy("Birthday"), "birthday"),
            ExportColumn(_lazy("Phones"), cells.phones),
            ExportColumn(_lazy("ID number"), cells.id_number),
            ExportColumn(_lazy("Units"), _units),
            ExportColumn(_lazy("Occupation"), "occupation"),
            ExportColumn(_lazy("Tags"), lambda p: ", ".join(p.tags)),
            ExportColumn(_lazy("Managed by"), "org_unit.name"),
        ]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") in ("xlsx", "csv") and request.user.has_perm(
            REVEAL_PERMISSION
        ):
            # The file may carry unmasked phones and ID numbers: the access log records it.
            access_log_write(actor=request.user, action=AccessAction.EXPORT,
                             label=str(_("People")), note=request.GET.urlencode()[:255])
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        context["columns"] = [
            {"label": _("Name"), "sort": "name"},
            {"label": _("Phone")},
            {"label": _("Units")},
            {"label": _("Tags")},
            {"label": _("Added"), "sort": "created"},
        ]
        context["unit_roles"] = UnitRole
        context["rows"] = [
            {"person": p, "phone": selectors.preferred_phone(p)} for p in context["people"]
        ]
        return context


# --- the 360° page --------------------------------------------------------------------------

TABS = ("overview", "timeline", "history")


class PersonDetailView(ScopedDetailView):
    model = Person
    template_name = "directory/people/person_detail.html"
    context_object_name = "person"

    def get_scoped_queryset(self):
        return selectors.person_queryset(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, person = self.request.user, self.object
        tab = self.request.GET.get("tab")
        tab = tab if tab in TABS else "overview"
        view = selectors.person_360(user, person)
        context.update({
            "tab": tab,
            "view": view,
            "unit_roles": UnitRole,
            "owner_roles": services.OWNER_ROLES,
            "history": history_entries(person) if tab == "history" else [],
            "satisfaction_points": [
                {"date": day.isoformat(), "score": float(score)} for day, score in
                view.satisfaction
            ],
            "can_change": user.has_perm("directory.change_person", person),
            "can_relate": user.has_perm("directory.add_unitrelation", person),
            "can_end_relation": user.has_perm("directory.change_unitrelation", person),
            "can_add_family": user.has_perm("directory.add_personrelation", person),
            "can_remove_family": user.has_perm("directory.delete_personrelation", person),
        })
        return context


# --- create and edit ------------------------------------------------------------------------

def _person_for(request, pk, permission: str) -> Person:
    person = selectors.person_get(request.user, pk)
    if not request.user.has_perm(permission, person):
        raise _forbidden()
    return person


def _came_from(request) -> str:
    """The local page that sent the user to add a person (``next``), if any."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _with_search(url: str, q: str) -> str:
    """``url`` with its search ``q`` set: the page that sent the user finds the new person."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "q"] + [("q", q)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@login_required
@permission_required("directory.add_person", raise_exception=True)
def person_create(request):
    form = PersonForm(request.POST or None, actor=request.user,
                      permission="directory.add_person")
    came_from = _came_from(request)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user, tenant=request.user.tenant,
                org_unit=form.cleaned_data["org_unit"], **form.person_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": person.name})
            if came_from:
                return redirect(_with_search(came_from, person.name))
            return redirect("directory:person_detail", pk=person.pk)
    return _form_page(request, form, _("New person"), came_from or reverse("directory:people"))


@login_required
def person_edit(request, pk):
    person = _person_for(request, pk, "directory.change_person")
    initial = {field: getattr(person, field) for field in services.PERSON_FIELDS}
    initial.update(org_unit=person.org_unit_id, tags=", ".join(person.tags))
    form = PersonForm(request.POST or None, initial=initial, actor=request.user,
                      permission="directory.change_person", with_phones=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person,
                                   org_unit=form.cleaned_data["org_unit"],
                                   **form.person_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": person.name})
            return redirect("directory:person_detail", pk=person.pk)
    return _form_page(request, form, _("Edit %(name)s") % {"name": person.name},
                      _detail_url(person.pk))


# --- phones ---------------------------------------------------------------------------------

def _phone_action(request, person: Person) -> tuple[PhoneForm, bool]:
    """Run the posted phone action; the add form (with any errors) and whether it worked."""
    action = request.POST.get("action", "add")
    form = PhoneForm(request.POST if action == "add" else None)
    try:
        if action == "add":
            if not form.is_valid():
                return form, False
            services.person_phone_add(
                actor=request.user, person=person, number=form.cleaned_data["number"],
                kind=form.cleaned_data["kind"], preferred=form.cleaned_data["preferred"],
            )
            messages.success(request, _("Phone added."))
            return PhoneForm(), True
        phone = selectors.phone_get(request.user, person, request.POST.get("phone"))
        if action == "remove":
            services.person_phone_remove(actor=request.user, phone=phone)
            messages.success(request, _("Phone removed."))
        elif action == "preferred":
            services.person_phone_set_preferred(actor=request.user, phone=phone)
            messages.success(request, _("Preferred phone changed."))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return form, False
    return form, True


@login_required
def person_phones(request, pk):
    """The phones of a person with add / remove / make-preferred actions (htmx or plain)."""
    person = _person_for(request, pk, "directory.change_person")
    form, done = PhoneForm(), True
    if request.method == "POST":
        form, done = _phone_action(request, person)
        if done and not request.htmx:
            return redirect("directory:person_phones", pk=person.pk)
    context = {"person": person, "form": form,
               "phones": selectors.phone_views(person)}
    template = ("directory/people/partials/phones.html" if request.htmx
                else "directory/people/phones.html")
    return render(request, template, context, status=200 if done else 422)


# --- unit relations -------------------------------------------------------------------------

@login_required
def relation_add(request, pk):
    person = _person_for(request, pk, "directory.add_unitrelation")
    form = RelationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_relation_add(actor=request.user, person=person, unit=data["unit"],
                                       role=data["role"], start_date=data["start_date"])
        except ValidationError as exc:
            add_service_errors(form, exc, {"unit": "room_code"})
        else:
            messages.success(request, _("Unit relation added."))
            return redirect("directory:person_detail", pk=person.pk)
    return _form_page(request, form, _("Relate %(name)s to a unit") % {"name": person.name},
                      _detail_url(person.pk))


@login_required
def relation_end(request, pk):
    relation = selectors.unit_relation_get(request.user, pk)
    if not request.user.has_perm("directory.change_unitrelation", relation):
        raise _forbidden()
    form = RelationEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_relation_end(actor=request.user, relation=relation,
                                       end_date=form.cleaned_data["end_date"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit relation ended."))
            return redirect("directory:person_detail", pk=relation.person_id)
    return _form_page(request, form, _("End: %(relation)s") % {"relation": relation},
                      _detail_url(relation.person_id), submit_label=_("End relation"))


def _candidates(request, extra=(), exclude: int | None = None) -> list[Person]:
    """People to offer in a picker: the ``extra`` ones, those matching ?q=, those posted."""
    actor = request.user
    found = list(extra)
    q = request.GET.get("q", "").strip()
    if q:
        found += list(selectors.person_list(actor, {"q": q})[:CANDIDATE_LIMIT])
    posted = [int(v) for key in ("new_owners", "relative") for v in request.POST.getlist(key)
              if v.isdigit()]
    found += selectors.people_find(actor, posted)
    unique: dict[int, Person] = {}
    for person in found:
        if person.pk != exclude:
            unique.setdefault(person.pk, person)
    return list(unique.values())


@login_required
def unit_ownership_transfer(request, pk):
    unit = selectors.unit_get(request.user, pk)
    if not request.user.has_perm("directory.add_unitrelation"):
        raise _forbidden()
    people = selectors.unit_people(request.user, unit)
    form = OwnershipTransferForm(request.POST or None, actor=request.user,
                                 candidates=_candidates(request, [r.person for r in people]))
    if request.method == "POST" and form.is_valid():
        try:
            services.ownership_transfer(actor=request.user, unit=unit,
                                        new_owners=form.owners(),
                                        date=form.cleaned_data["date"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Ownership of %(unit)s transferred.") % {
                "unit": unit.room_code})
            return redirect(request.path)
    owners = [r for r in people if r.role in services.OWNER_ROLES]
    return render(request, "directory/people/ownership_transfer.html", {
        "unit": unit, "form": form, "owners": owners, "q": request.GET.get("q", ""),
    })


# --- family ---------------------------------------------------------------------------------

@login_required
def family_add(request, pk):
    person = _person_for(request, pk, "directory.add_personrelation")
    form = FamilyForm(request.POST or None, actor=request.user,
                      candidates=_candidates(request, exclude=person.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.family_relation_add(actor=request.user, person=person,
                                         relative=form.cleaned_data["relative"],
                                         kind=form.cleaned_data["kind"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Family relation added."))
            return redirect("directory:person_detail", pk=person.pk)
    return _form_page(request, form, _("Add family of %(name)s") % {"name": person.name},
                      _detail_url(person.pk), search=True, q=request.GET.get("q", ""))


@login_required
@require_POST
def family_remove(request, pk):
    relation = selectors.family_relation_get(request.user, pk)
    # Back to the page the removal was started from: either side of the tie.
    side = request.POST.get("person", "")
    person_id = relation.relative_id if side == str(relation.relative_id) else relation.person_id
    try:
        services.family_relation_remove(actor=request.user, relation=relation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Family relation removed."))
    return redirect("directory:person_detail", pk=person_id)


urlpatterns = [
    path("people/", PersonListView.as_view(), name="people"),
    path("people/new/", person_create, name="person_create"),
    path("people/<int:pk>/", PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", person_edit, name="person_edit"),
    path("people/<int:pk>/phones/", person_phones, name="person_phones"),
    path("people/<int:pk>/units/add/", relation_add, name="relation_add"),
    path("people/<int:pk>/family/add/", family_add, name="family_add"),
    path("unit-relations/<int:pk>/end/", relation_end, name="relation_end"),
    path("family/<int:pk>/remove/", family_remove, name="family_remove"),
    path("units/<int:pk>/ownership-transfer/", unit_ownership_transfer,
         name="unit_ownership_transfer"),
]
