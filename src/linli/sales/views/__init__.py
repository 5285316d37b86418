"""The sales screens, one module per part; their URL patterns joined here."""

from linli.sales.views import deals, leads, opportunities, projects, reports

urlpatterns = [*projects.urlpatterns, *leads.urlpatterns, *opportunities.urlpatterns,
               *deals.urlpatterns, *reports.urlpatterns]
