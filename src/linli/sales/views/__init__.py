"""The sales screens, one module per part; their URL patterns joined here."""

from linli.sales.views import deals, leads, opportunities, projects

urlpatterns = [*projects.urlpatterns, *leads.urlpatterns, *opportunities.urlpatterns,
               *deals.urlpatterns]
