from linli.servicedesk.views import contacts, intake, orders, queues

app_name = "servicedesk"
urlpatterns = [
    *intake.urlpatterns,
    *orders.urlpatterns,
    *queues.urlpatterns,
    *contacts.urlpatterns,
]
