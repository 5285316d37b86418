from linli.servicedesk.views import configuration, contacts, intake, orders, queues, slips

app_name = "servicedesk"
urlpatterns = [
    *intake.urlpatterns,
    *orders.urlpatterns,
    *slips.urlpatterns,
    *queues.urlpatterns,
    *contacts.urlpatterns,
    *configuration.urlpatterns,
]
