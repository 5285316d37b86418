"""The outreach screens, one module per part; their URL patterns joined here."""

from linli.outreach.views import distribution, registry

app_name = "outreach"
urlpatterns = [*registry.urlpatterns, *distribution.urlpatterns]
