from linli.directory.views import exchange, organizations, people, property, search

app_name = "directory"
urlpatterns = [
    *property.urlpatterns,
    *people.urlpatterns,
    *organizations.urlpatterns,
    *search.urlpatterns,
    *exchange.urlpatterns,
]
