"""The sales screens, one module per part; their URL patterns joined here."""

from linli.sales.views import projects

urlpatterns = [*projects.urlpatterns]
