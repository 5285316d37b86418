from django.conf import settings
from django.urls import path

from linli.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language_switch, name="language_switch"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]

if settings.LINLI_BENCH_VIEWS:
    urlpatterns.append(path("bench/ceiling/<int:pk>", views.bench_ceiling, name="bench_ceiling"))
