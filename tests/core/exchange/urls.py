"""The site's URLs plus a tiny exporting list view over org units, for the export tests."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import OrgUnit
from linli.core.exchange.exports import ExportColumn, ExportMixin
from linli.core.scoped_views import ScopedListView


class UnitExportView(ExportMixin, ScopedListView):
    model = OrgUnit
    paginate_by = 1
    template_name = "components/empty_state.html"
    export_filename = "组织"
    export_columns = [
        ExportColumn(_("Name"), "name"),
        ExportColumn(_("Parent"), "parent.name"),
        ExportColumn(_("Kind"), "get_kind_display"),
        ExportColumn(_("Depth"), lambda unit: unit.depth),
    ]

    def get_queryset(self):
        units = super().get_queryset()
        if query := self.request.GET.get("q"):
            units = units.filter(name__contains=query)
        return units.order_by("-name")


class PersonalExportView(UnitExportView):
    export_permission = "core.reveal_personal_data"


urlpatterns = [
    path("test/units/", UnitExportView.as_view(), name="test_units"),
    path("test/personal/", PersonalExportView.as_view(), name="test_personal"),
    path("", include("linli.urls")),
]
