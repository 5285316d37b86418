from django.urls import path

from linli.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language_switch, name="language_switch"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
