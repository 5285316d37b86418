from linli.servicedesk.views import (
    clusters,
    configuration,
    contacts,
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
    *orders.urlpatterns,
    *slips.urlpatterns,
    *queues.urlpatterns,
    *contacts.urlpatterns,
    *configuration.urlpatterns,
    *reports.urlpatterns,
]
