from linli.sales.views import urlpatterns  # noqa: F401

app_name = "sales"
