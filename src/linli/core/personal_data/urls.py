"""Mounted at the site root without a namespace: the shell refers to "search" and
"search_suggest" by these plain names."""

from django.urls import path

from linli.core.personal_data import views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("access-log/", views.AccessLogListView.as_view(), name="access_log"),
    path("reveal/", views.reveal, name="reveal"),
]
