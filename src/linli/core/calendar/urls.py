from django.urls import path

from linli.core.calendar import views

app_name = "calendar"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("hours/", views.hours, name="hours"),
    path("import/", views.import_schedule, name="import"),
    path("days/add/", views.day_add, name="day_add"),
    path("days/<str:day>/", views.day_edit, name="day_edit"),
    path("days/<str:day>/delete/", views.day_delete, name="day_delete"),
    path("years/<int:year>/", views.year_mark, name="year_mark"),
    path("platform/", views.platform, name="platform"),
    path("platform/days/add/", views.platform_day_add, name="platform_day_add"),
    path("platform/days/<str:day>/", views.platform_day_edit, name="platform_day_edit"),
    path("platform/days/<str:day>/delete/", views.platform_day_delete,
         name="platform_day_delete"),
]
