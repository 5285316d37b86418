"""Screens of the directory's search part: duplicate candidates and merging them (DIR-5).

The global search box itself belongs to the core; the directory only registers providers.
Records are resolved through the selectors (out of scope and missing: 404); the merge service
decides whether the actor may merge (403 otherwise) and refuses what cannot be merged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from linli.accounts.forms import add_service_errors
from linli.core.scoped_views import ScopedListView
from linli.directory.forms.search import MergeForm
from linli.directory.models import Person
from linli.directory.selectors import duplicates as selectors
from linli.directory.services import merge as services


@dataclass(frozen=True)
class _Kind:
    key: str
    permission: str
    merge_url: str
    detail_url: str
    fields: tuple[str, ...]


PEOPLE = _Kind("people", "directory.view_person", "directory:person_merge",
               "directory:person_detail", selectors.PERSON_MERGE_FIELDS)
ORGANIZATIONS = _Kind("organizations", "directory.view_organization",
                      "directory:organization_merge", "directory:organization_detail",
                      selectors.ORGANIZATION_MERGE_FIELDS)
KINDS = {kind.key: kind for kind in (PEOPLE, ORGANIZATIONS)}


class DuplicateListView(PermissionRequiredMixin, ScopedListView):
    """Candidate groups of people (default) or organisations (``?kind=organizations``)."""

    model = Person
    template_name = "directory/search/duplicates.html"
    context_object_name = "groups"

    @property
    def kind(self) -> _Kind:
        return KINDS.get(self.request.GET.get("kind", ""), PEOPLE)

    def get_permission_required(self):
        return [self.kind.permission]

    def get_scoped_queryset(self):
        if self.kind is ORGANIZATIONS:
            return selectors.organization_duplicate_groups(self.request.user)
        return selectors.person_duplicate_groups(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["kind"] = self.kind.key
        context["tabs"] = [
            {"key": kind.key, "active": kind is self.kind,
             "label": _("People") if kind is PEOPLE else _("Organisations")}
            for kind in KINDS.values() if user.has_perm(kind.permission)
        ]
        context["rows"] = [
            {"group": group, "merges": [
                {"url": reverse(self.kind.merge_url, args=[group.members[0].pk, other.pk]),
                 "name": other.name}
                for other in group.members[1:]
            ]}
            for group in context["groups"]
        ]
        return context


def _preview_rows(form: MergeForm, rows: list[selectors.FieldRow]) -> list[dict]:
    table = []
    for row in rows:
        options = list(form[row.name]) if row.name in form.fields else []
        table.append({"row": row, "options": options,
                      "errors": form.errors.get(row.name, [])})
    return table


def _merge(request, kind: _Kind, survivor, duplicate, plan, service):
    actor = request.user
    rows = selectors.field_rows(actor, survivor, duplicate, kind.fields)
    # An empty POST (no differing fields, or all left to their defaults) still merges.
    form = MergeForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=actor, survivor=survivor, duplicate=duplicate, choices=form.choices())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(duplicate)s” was merged into “%(survivor)s”.") % {
                "duplicate": duplicate.name, "survivor": survivor.name})
            return redirect(kind.detail_url, survivor.pk)
    return render(request, f"directory/search/{kind.key}_merge.html", {
        "survivor": survivor, "duplicate": duplicate, "form": form,
        "rows": _preview_rows(form, rows), "plan": plan,
        "can_merge": selectors.can_merge(actor, survivor, duplicate),
        "same_record": survivor.pk == duplicate.pk,
        "swap_url": reverse(kind.merge_url, args=[duplicate.pk, survivor.pk]),
        "duplicates_url": reverse("directory:duplicates") + f"?kind={kind.key}",
        "detail_url": kind.detail_url,
    })


@login_required
def person_merge(request, pk, duplicate_pk):
    """Preview (GET) and carry out (POST) merging person ``duplicate_pk`` into ``pk``."""
    survivor, duplicate = selectors.merge_pair_people(request.user, pk, duplicate_pk)
    plan = selectors.person_merge_plan(survivor, duplicate)
    return _merge(request, PEOPLE, survivor, duplicate, plan, services.person_merge)


@login_required
def organization_merge(request, pk, duplicate_pk):
    """Preview (GET) and carry out (POST) merging organisation ``duplicate_pk`` into ``pk``."""
    survivor, duplicate = selectors.merge_pair_organizations(request.user, pk, duplicate_pk)
    plan = selectors.organization_merge_plan(survivor, duplicate)
    return _merge(request, ORGANIZATIONS, survivor, duplicate, plan,
                  services.organization_merge)


urlpatterns = [
    path("duplicates/", DuplicateListView.as_view(), name="duplicates"),
    path("people/<int:pk>/merge/<int:duplicate_pk>/", person_merge, name="person_merge"),
    path("organizations/<int:pk>/merge/<int:duplicate_pk>/", organization_merge,
         name="organization_merge"),
]
