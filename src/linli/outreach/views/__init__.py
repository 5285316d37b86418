"""The outreach screens, one module per part; their URL patterns joined here."""

from linli.outreach.views import content, corrections, distribution, filters, registry

app_name = "outreach"
urlpatterns = [*registry.urlpatterns, *corrections.urlpatterns, *content.urlpatterns,
               *filters.urlpatterns, *distribution.urlpatterns]
