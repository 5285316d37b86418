from linli.servicedesk.views import (
    clusters,
    configuration,
    contacts,
    field,
    intake,
    knowledge,
    orders,
    queues,
    reports,
    slips,
)

app_name = "servicedesk"
urlpatterns = [
    *intake.urlpatterns,
    *clusters.urlpatterns,
    *knowledge.urlpatterns,
    *field.urlpatterns,
    *orders.urlpatterns,
    *slips.urlpatterns,
    *queues.urlpatterns,
    *contacts.urlpatterns,
    *configuration.urlpatterns,
    *reports.urlpatterns,
]
