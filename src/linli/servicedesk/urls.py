from linli.servicedesk.views import configuration, contacts, intake, knowledge, orders, queues

app_name = "servicedesk"
urlpatterns = [
    *intake.urlpatterns,
    *knowledge.urlpatterns,
    *orders.urlpatterns,
    *queues.urlpatterns,
    *contacts.urlpatterns,
    *configuration.urlpatterns,
]
