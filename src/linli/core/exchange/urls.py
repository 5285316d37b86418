from django.urls import path

from linli.core.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.ImportRunListView.as_view(), name="runs"),
    path("runs/<int:pk>/", views.ImportPreviewView.as_view(), name="preview"),
    path("runs/<int:pk>/result/", views.ImportResultView.as_view(), name="result"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/errors/", views.errors, name="errors"),
    path("<slug:key>/", views.upload, name="upload"),
    path("<slug:key>/template/", views.template, name="template"),
]
