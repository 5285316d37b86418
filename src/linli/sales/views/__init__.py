"""The sales screens, one module per part; their URL patterns joined here."""

from linli.sales.views import deals, projects

urlpatterns = [*projects.urlpatterns, *deals.urlpatterns]
