from django.contrib import admin
from django.urls import include, path

from linli.api import api

urlpatterns = [
    path("", include("linli.core.urls")),
    path("", include("linli.core.personal_data.urls")),
    path("settings/calendar/", include("linli.core.calendar.urls")),
    path("notifications/", include("linli.core.notifications.urls")),
    path("jobs/", include("linli.core.jobs.urls")),
    path("imports/", include("linli.core.exchange.urls")),
    path("accounts/", include("linli.accounts.urls_auth")),
    path("directory/", include("linli.directory.urls")),
    path("service/", include("linli.servicedesk.urls")),
    path("outreach/", include("linli.outreach.urls")),
    path("sales/", include("linli.sales.urls")),
    path("org/", include("linli.accounts.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
