"""Web views of the directory's property part: communities, buildings (the unit grid), units,
layouts and housekeeper zones.

Views parse the form, call one service or selector and render; the services check rights and
rules. Objects are resolved inside the actor's scope (out of scope and missing: 404); visible
but not allowed is a 403.
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

from linli.accounts.forms import add_service_errors
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.scoped_views import ScopedDetailView, ScopedListView
from linli.core.selectors import history_entries
from linli.core.timeline import timeline_for
from linli.directory.choices import UnitRole, UnitStatus
from linli.directory.forms.property import (
    BuildingForm,
    CommunityFilterForm,
    CommunityForm,
    GenerateUnitsForm,
    LayoutForm,
    SectionForm,
    UnitForm,
    ZoneForm,
)
from linli.directory.models import Building, Community, Unit
from linli.directory.selectors import property as selectors
from linli.directory.services import property as services


def _percent(rate) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"


def _allowed(request, permission: str, obj) -> None:
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _form_page(request, form, title: str, cancel: str, cancel_pk: int | None = None):
    """A page with one form; Cancel leads to the URL named ``cancel`` (of ``cancel_pk``)."""
    cancel_url = reverse(cancel, args=[cancel_pk] if cancel_pk is not None else [])
    return render(request, "directory/property/form_page.html",
                  {"form": form, "title": title, "cancel_url": cancel_url})


# --- communities ----------------------------------------------------------------------------

class CommunityListView(PermissionRequiredMixin, ExportMixin, ScopedListView):
    model = Community
    permission_required = "directory.view_community"
    template_name = "directory/property/community_list.html"
    context_object_name = "communities"
    export_filename = _lazy("communities")
    export_columns = [
        ExportColumn(_lazy("Name"), "name"),
        ExportColumn(_lazy("Type"), "get_kind_display"),
        ExportColumn(_lazy("Province"), "province"),
        ExportColumn(_lazy("City"), "city"),
        ExportColumn(_lazy("District"), "district"),
        ExportColumn(_lazy("Address"), "address"),
        ExportColumn(_lazy("Organisation unit"), "org_unit.name"),
        ExportColumn(_lazy("Buildings"), "building_count"),
        ExportColumn(_lazy("Units"), "unit_count"),
        ExportColumn(_lazy("Delivered units"), "delivered_count"),
        ExportColumn(_lazy("Occupancy rate"), lambda c: _percent(c.occupancy_rate)),
        ExportColumn(_lazy("Renovation rate"), lambda c: _percent(c.renovation_rate)),
    ]

    def get_scoped_queryset(self):
        self.filter_form = CommunityFilterForm(self.request.GET, actor=self.request.user)
        return selectors.community_list(
            self.request.user, self.filter_form.filters(self.request.GET.get("sort", "")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["columns"] = [
            {"label": _("Name"), "sort": "name"},
            {"label": _("City"), "sort": "city"},
            {"label": _("Type")},
            {"label": _("Units"), "sort": "units", "class": "text-end"},
            {"label": _("Occupancy"), "sort": "occupancy", "class": "text-end"},
            {"label": _("Renovation"), "sort": "renovation", "class": "text-end"},
        ]
        return context


class CommunityDetailView(ScopedDetailView):
    model = Community
    template_name = "directory/property/community_detail.html"
    context_object_name = "community"

    def get_scoped_queryset(self):
        return selectors.community_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, community = self.request.user, self.object
        tab = self.request.GET.get("tab")
        context.update({
            "tab": tab if tab in ("history", "timeline") else "overview",
            "tree": selectors.community_tree(user, community),
            "zones": selectors.zone_list(user, {"community": community.pk}),
            "layouts": selectors.layout_list(user, community),
            "can_change": user.has_perm("directory.change_community", community),
            "can_add_building": user.has_perm("directory.add_building", community),
            "can_edit_zones": user.has_perm("directory.change_zone", community),
            "can_add_zone": user.has_perm("directory.add_zone", community),
            "can_add_layout": user.has_perm("directory.add_layout", community),
            "can_change_layout": user.has_perm("directory.change_layout", community),
        })
        if context["tab"] == "history":
            context["history"] = history_entries(community)
        if context["tab"] == "timeline":
            context["timeline"] = timeline_for(user, community)
        return context


@login_required
@permission_required("directory.add_community", raise_exception=True)
def community_create(request):
    form = CommunityForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(
                actor=request.user, org_unit=form.cleaned_data["org_unit"],
                **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Community “%(name)s” created.") % {
                "name": community.name})
            return redirect("directory:community_detail", pk=community.pk)
    return _form_page(request, form, _("New community"), "directory:communities")


@login_required
def community_edit(request, pk):
    community = selectors.community_get(request.user, pk)
    _allowed(request, "directory.change_community", community)
    fields = ["org_unit", *services.COMMUNITY_FIELDS]
    initial = {f: getattr(community, f) for f in fields}
    form = CommunityForm(request.POST or None, actor=request.user, initial=initial,
                         permission="directory.change_community")
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(actor=request.user, community=community,
                                      org_unit=form.cleaned_data["org_unit"],
                                      **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Community “%(name)s” saved.") % {
                "name": community.name})
            return redirect("directory:community_detail", pk=community.pk)
    return _form_page(request, form, _("Edit community"), "directory:community_detail",
                      cancel_pk=community.pk)


# --- buildings ------------------------------------------------------------------------------

@login_required
def building_create(request, pk):
    community = selectors.community_get(request.user, pk)
    _allowed(request, "directory.add_building", community)
    form = BuildingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            building = services.building_create(actor=request.user, community=community,
                                                 **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(building)s created.") % {"building": building})
            return redirect("directory:building_detail", pk=building.pk)
    return _form_page(request, form, _("New building in %(community)s") % {
        "community": community.name}, "directory:community_detail", cancel_pk=community.pk)


@login_required
def building_edit(request, pk):
    building = selectors.building_get(request.user, pk)
    _allowed(request, "directory.change_building", building)
    initial = {f: getattr(building, f) for f in services.BUILDING_FIELDS}
    form = BuildingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.building_update(actor=request.user, building=building,
                                     **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(building)s saved.") % {"building": building})
            return redirect("directory:building_detail", pk=building.pk)
    return _form_page(request, form, _("Edit %(building)s") % {"building": building},
                      "directory:building_detail", cancel_pk=building.pk)


class BuildingDetailView(ScopedDetailView):
    """The building's floors × units grid, coloured by status."""

    model = Building
    template_name = "directory/property/building_detail.html"
    context_object_name = "building"

    def get_scoped_queryset(self):
        return selectors.building_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, building = self.request.user, self.object
        context.update({
            "grid": selectors.building_grid(user, building),
            "can_change": user.has_perm("directory.change_building", building),
            "can_add_units": user.has_perm("directory.add_unit", building),
            "can_add_section": user.has_perm("directory.add_section", building),
        })
        return context


@login_required
def section_create(request, pk):
    building = selectors.building_get(request.user, pk)
    _allowed(request, "directory.add_section", building)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = services.section_create(actor=request.user, building=building,
                                              number=form.cleaned_data["number"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(section)s of %(building)s created.") % {
                "section": section, "building": building})
            return redirect("directory:building_detail", pk=building.pk)
    return _form_page(request, form, _("New section of %(building)s") % {
        "building": building}, "directory:building_detail", cancel_pk=building.pk)


@login_required
def building_generate_units(request, pk):
    building = selectors.building_get(request.user, pk)
    _allowed(request, "directory.add_unit", building)
    form = GenerateUnitsForm(request.POST or None, actor=request.user, building=building)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.units_generate(
                actor=request.user, building=building,
                floors=(data["floor_from"], data["floor_to"]),
                units_per_floor=data["units_per_floor"], sections=data["sections"] or None,
                skip_floors=data["skip_floors"], shop_floors=data["shop_floors"],
                number_pattern=data["number_pattern"], built_area=data["built_area"],
                layout=data["layout"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"floors": "floor_from"})
        else:
            messages.success(request, _("%(count)d units created.") % {"count": created})
            return redirect("directory:building_detail", pk=building.pk)
    return _form_page(request, form, _("Generate units of %(building)s") % {
        "building": building}, "directory:building_detail", cancel_pk=building.pk)


# --- units ----------------------------------------------------------------------------------

class UnitDetailView(ScopedDetailView):
    model = Unit
    template_name = "directory/property/unit_detail.html"
    context_object_name = "unit"

    def get_scoped_queryset(self):
        return selectors.unit_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tab = self.request.GET.get("tab")
        context.update({
            "detail": selectors.unit_detail(user, self.object.pk),
            "tab": tab if tab in ("history", "timeline") else "overview",
            "can_change": user.has_perm("directory.change_unit", self.object),
            "status_choices": UnitStatus,
            "role_choices": UnitRole,
        })
        if context["tab"] == "history":
            context["history"] = history_entries(self.object)
        if context["tab"] == "timeline":
            context["timeline"] = timeline_for(user, self.object)
        return context


def _unit_form_page(request, building, unit=None):
    initial = ({f: getattr(unit, f) for f in services.UNIT_FIELDS} if unit else
               {"status": UnitStatus.UNSOLD, "use": "residential"})
    form = UnitForm(request.POST or None, actor=request.user, building=building,
                    initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if unit is None:
                unit = services.unit_create(actor=request.user, building=building, **data)
            else:
                services.unit_update(actor=request.user, unit=unit, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Unit %(code)s saved.") % {"code": unit.room_code})
            return redirect("directory:unit_detail", pk=unit.pk)
    if unit is None:
        return _form_page(request, form, _("New unit in %(building)s") % {
            "building": building}, "directory:building_detail", cancel_pk=building.pk)
    return _form_page(request, form, _("Edit unit %(code)s") % {"code": unit.room_code},
                      "directory:unit_detail", cancel_pk=unit.pk)


@login_required
def unit_create(request, pk):
    building = selectors.building_get(request.user, pk)
    _allowed(request, "directory.add_unit", building)
    return _unit_form_page(request, building)


@login_required
def unit_edit(request, pk):
    unit = selectors.unit_get(request.user, pk)
    _allowed(request, "directory.change_unit", unit)
    return _unit_form_page(request, unit.building, unit)


# --- layouts --------------------------------------------------------------------------------

@login_required
def layout_create(request, pk):
    community = selectors.community_get(request.user, pk)
    _allowed(request, "directory.add_layout", community)
    return _layout_form_page(request, community)


@login_required
def layout_edit(request, pk):
    layout = selectors.layout_get(request.user, pk)
    _allowed(request, "directory.change_layout", layout)
    return _layout_form_page(request, layout.community, layout)


def _layout_form_page(request, community, layout=None):
    initial = ({f: getattr(layout, f) for f in ("name", "bedrooms", "living_rooms",
                                                 "bathrooms", "built_area")} if layout else {})
    form = LayoutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            layout = services.layout_save(actor=request.user, community=community,
                                          layout=layout, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Layout “%(name)s” saved.") % {"name": layout.name})
            return redirect("directory:community_detail", pk=community.pk)
    title = _("Edit layout") if layout else _("New layout of %(community)s") % {
        "community": community.name}
    return _form_page(request, form, title, "directory:community_detail",
                      cancel_pk=community.pk)


# --- zones ----------------------------------------------------------------------------------

class ZoneListView(ScopedDetailView):
    """The zones of one community with their buildings, sections and housekeepers."""

    model = Community
    template_name = "directory/property/zone_list.html"
    context_object_name = "community"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, community = self.request.user, self.object
        context.update({
            "zones": selectors.zone_list(user, {"community": community.pk}),
            "can_add": user.has_perm("directory.add_zone", community),
            "can_change": user.has_perm("directory.change_zone", community),
        })
        return context


def _zone_form_page(request, community, zone=None):
    initial = ({"name": zone.name, "housekeeper": zone.housekeeper,
                "public_phone": zone.public_phone, "buildings": list(zone.buildings.all()),
                "sections": list(zone.sections.all())} if zone else {})
    form = ZoneForm(request.POST or None, actor=request.user, community=community,
                    initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            zone = services.zone_save(actor=request.user, community=community, zone=zone,
                                      **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Zone “%(name)s” saved.") % {"name": zone.name})
            return redirect("directory:zone_list", pk=community.pk)
    title = _("Edit zone") if zone else _("New zone of %(community)s") % {
        "community": community.name}
    return _form_page(request, form, title, "directory:zone_list", cancel_pk=community.pk)


@login_required
def zone_create(request, pk):
    community = selectors.community_get(request.user, pk)
    _allowed(request, "directory.add_zone", community)
    return _zone_form_page(request, community)


@login_required
def zone_edit(request, pk):
    zone = selectors.zone_get(request.user, pk)
    _allowed(request, "directory.change_zone", zone)
    return _zone_form_page(request, zone.community, zone)


urlpatterns = [
    path("communities/", CommunityListView.as_view(), name="communities"),
    path("communities/new/", community_create, name="community_create"),
    path("communities/<int:pk>/", CommunityDetailView.as_view(), name="community_detail"),
    path("communities/<int:pk>/edit/", community_edit, name="community_edit"),
    path("communities/<int:pk>/buildings/new/", building_create, name="building_create"),
    path("communities/<int:pk>/layouts/new/", layout_create, name="layout_create"),
    path("communities/<int:pk>/zones/", ZoneListView.as_view(), name="zone_list"),
    path("communities/<int:pk>/zones/new/", zone_create, name="zone_create"),
    path("buildings/<int:pk>/", BuildingDetailView.as_view(), name="building_detail"),
    path("buildings/<int:pk>/edit/", building_edit, name="building_edit"),
    path("buildings/<int:pk>/sections/new/", section_create, name="section_create"),
    path("buildings/<int:pk>/generate-units/", building_generate_units,
         name="building_generate_units"),
    path("buildings/<int:pk>/units/new/", unit_create, name="unit_create"),
    path("units/<int:pk>/", UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", unit_edit, name="unit_edit"),
    path("layouts/<int:pk>/edit/", layout_edit, name="layout_edit"),
    path("zones/<int:pk>/edit/", zone_edit, name="zone_edit"),
]
