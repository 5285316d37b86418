"""The outreach screens, one module per part; their URL patterns joined here."""

from linli.outreach.views import registry

app_name = "outreach"
urlpatterns = [*registry.urlpatterns]
