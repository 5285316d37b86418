"""The JSON API: one NinjaAPI assembled from every app's router (PLAT-11).

Endpoints live under /api/v1/; the OpenAPI document is /api/openapi.json, docs /api/docs.
"""

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from linli.core.restapi import errors
from linli.core.restapi.auth import api_auth
from linli.core.restapi.rendering import UTCJSONRenderer

api = NinjaAPI(
    title="Linli API",
    version="1",
    description="邻里 Linli JSON API. Authenticate with a session cookie (plus CSRF token) or "
    "`Authorization: Bearer <token>`; tokens are created on the user's profile page.",
    auth=api_auth,
    renderer=UTCJSONRenderer(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

# (url prefix, router path): each app exposes `router` from its api.py.
ROUTERS = [
    ("v1/", "linli.core.api.router"),
    ("v1/calendar/", "linli.core.calendar.api.router"),
    ("v1/notifications/", "linli.core.notifications.api.router"),
    ("v1/jobs/", "linli.core.jobs.api.router"),
    ("v1/imports/", "linli.core.exchange.api.router"),
    ("v1/", "linli.core.personal_data.api.router"),
    ("v1/", "linli.accounts.api.router"),
    ("v1/", "linli.directory.api.router"),
    ("v1/", "linli.servicedesk.api.router"),
    ("v1/outreach/", "linli.outreach.api.router"),
    ("v1/", "linli.sales.api.router"),
]

for prefix, dotted in ROUTERS:
    api.add_router(prefix, import_string(dotted))
