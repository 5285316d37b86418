"""Screens of the registry's saved filters: the list, and a form to add, change or remove one
(the same criteria the API takes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.outreach import selectors, services
from linli.outreach.forms import SavedFilterForm
from linli.outreach.views.registry import _act, _form_page, _written


@login_required
@permission_required("outreach.view_partnerfilter", raise_exception=True)
def filter_list(request):
    return render(request, "outreach/filter_list.html", {
        "filters": selectors.saved_filters(request.user),
        "can_change": request.user.has_perm("outreach.add_partnerfilter"),
    })


def _saved(actor, code: str, data: dict):
    return services.partner_filter_save(actor=actor, tenant=actor.tenant, code=code,
                                        name=data["name"], params=data["params"])


def _form_write(form, actor, code: str | None):
    def write(data):
        return _saved(actor, code or data["code"], {"name": data["name"],
                                                    "params": form.params()})
    return write


@login_required
@permission_required("outreach.add_partnerfilter", raise_exception=True)
def filter_create(request):
    actor = request.user
    form = SavedFilterForm(request.POST or None)
    if _written(request, form, _form_write(form, actor, None)):
        messages.success(request, _("Saved filter saved."))
        return redirect("outreach:filters")
    return _form_page(request, form, _("New saved filter"), reverse("outreach:filters"))


@login_required
@permission_required("outreach.add_partnerfilter", raise_exception=True)
def filter_edit(request, code):
    actor = request.user
    saved = selectors.saved_filter_get(actor, code)
    initial = {"code": saved.code, "name": saved.name, **saved.params}
    form = SavedFilterForm(request.POST or None, initial=initial, code_fixed=True)
    if _written(request, form, _form_write(form, actor, saved.code)):
        messages.success(request, _("Saved filter saved."))
        return redirect("outreach:filters")
    return _form_page(request, form, _("Edit %(name)s") % {"name": saved.name},
                      reverse("outreach:filters"))


@login_required
@require_POST
@permission_required("outreach.delete_partnerfilter", raise_exception=True)
def filter_delete(request, code):
    actor = request.user
    saved = selectors.saved_filter_get(actor, code)
    _act(request, lambda _data: services.partner_filter_delete(actor=actor, saved=saved),
         lambda _none: _("Saved filter removed."))
    return redirect("outreach:filters")


urlpatterns = [
    path("filters/", filter_list, name="filters"),
    path("filters/new/", filter_create, name="filter_create"),
    path("filters/<slug:code>/edit/", filter_edit, name="filter_edit"),
    path("filters/<slug:code>/delete/", filter_delete, name="filter_delete"),
]
