from linli.servicedesk.views import configuration, contacts, intake, orders, queues, reports

app_name = "servicedesk"
urlpatterns = [
    *intake.urlpatterns,
    *orders.urlpatterns,
    *queues.urlpatterns,
    *contacts.urlpatterns,
    *configuration.urlpatterns,
    *reports.urlpatterns,
]
