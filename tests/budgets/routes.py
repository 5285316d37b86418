"""The endpoints that need a query budget, found rather than listed by hand, so a new list,
detail or report endpoint fails the coverage tests until it has a budget (NFR-1).

- API: every GET operation of the NinjaAPI (tests/scope_sweep.py finds them).
- Screens: every URL pattern outside /admin/ and /api/, except those in ``NOT_PAGES`` — forms,
  moves and other writes whose GET, if any, shows a form of fixed choices — each with the
  reason it needs no budget.
- Exports: every screen whose view exports its list (``ExportMixin``) needs a page with
  ``export=`` in its query string too.
"""

from __future__ import annotations

import re

from django.urls import get_resolver

from linli.core.exchange.exports import ExportMixin
from tests.scope_sweep import _walk, api_get_operations

# The last part of a route that makes it a form or a move rather than a page to read.
_WRITES = re.compile(
    r"/(new|edit|delete|add|remove|move|deactivate|reactivate|revoke|retry|read|read-all|"
    r"open|confirm|end|password|memberships|tokens|presets|generate-units|ownership-transfer|"
    r"merge/<int:duplicate_pk>|<slug:move>)/$")

NOT_PAGES = {
    "/language/": "switches the language (POST) and redirects",
    "/i18n/setlang/": "Django's language switch (POST)",
    "/reveal/": "reveals one personal-data value (POST), logged",
    "/accounts/logout/": "signs out (POST)",
    "/accounts/password/": "the password change form",
    "/accounts/password/done/": "a fixed confirmation page",
    "/settings/calendar/hours/": "the business-hours form",
    "/settings/calendar/import/": "the official-schedule import (POST)",
    "/settings/calendar/days/<str:day>/": "the form of one calendar override",
    "/settings/calendar/years/<int:year>/": "marks a year as entered (POST)",
    "/settings/calendar/platform/days/<str:day>/": "the form of one platform calendar day",
    "/imports/<slug:key>/": "the upload form of an import",
    "/directory/people/<int:pk>/phones/": "the phone form of a person (add, remove, prefer)",
    "/service/intake/log/": "logs a call (POST; a GET redirects to intake)",
    "/service/configuration/install/": "installs the seed configuration (POST)",
    "/service/orders/<int:pk>/draft-article/": "turns an order into a draft article (POST)",
    "/service/orders/<int:pk>/field/photos/": "uploads a field photo (POST)",
    "/service/orders/<int:pk>/field/materials/": "records a material used (POST)",
    "/service/orders/<int:pk>/field/note/": "adds a note from the field (POST)",
    "/service/orders/<int:pk>/field/signature/": "saves the customer's signature (POST)",
    "/outreach/agents/<int:pk>/status/": "changes an agent's status (POST)",
    "/outreach/agents/<int:pk>/handover/": "hands an agent's companies over (POST)",
    "/outreach/campaigns/<int:pk>/assign/": "shares a campaign's calls among callers (POST)",
    "/outreach/campaigns/<int:pk>/complete/": "completes a campaign (POST)",
    "/outreach/calls/<int:pk>/": "logs one call (POST)",
    "/outreach/corrections/<int:pk>/phase/": "moves a company to another correction phase "
                                             "(POST)",
    "/outreach/corrections/<int:pk>/answer/": "records an agent's answer (POST)",
    "/outreach/corrections/changes/<int:pk>/verify/": "accepts or rejects a correction (POST)",
    "/outreach/content/<int:pk>/status/": "moves a calendar entry to another status (POST)",
    "/outreach/editions/<int:pk>/file/": "serves an edition's stored document",
    "/outreach/download/<str:token>/": "serves an edition's document to the holder of a "
                                       "company's signed link (no sign-in)",
    "/outreach/recipients/<int:pk>/callback/": "logs the callback of one recipient (POST)",
    "/sales/quotes/<int:pk>/decision/": "approves or rejects a quote (POST)",
    "/sales/price-rules/<int:pk>/revise/": "the form of a rule's new version (and its end)",
    "/sales/units/<int:pk>/subscribe/": "the subscription form (its buyer search lists at "
                                        "most 10 people)",
    "/sales/opportunities/<int:pk>/subscribe/": "the subscription form of an opportunity "
                                                "(its project's units and quotes, one query "
                                                "each)",
    "/sales/queue-numbers/<int:pk>/refund/": "the refund form of a queue number",
    "/sales/queue-numbers/<int:pk>/convert/": "the form turning a queue number into a "
                                              "subscription",
    "/sales/subscriptions/<int:pk>/cancel/": "cancels a subscription (POST)",
    "/sales/subscriptions/<int:pk>/contract/": "the contract form of a subscription",
    "/sales/subscription-changes/<int:pk>/decision/": "approves or rejects a change (POST)",
    "/sales/contracts/<int:pk>/filing/": "records the online filing (POST)",
    "/sales/contracts/<int:pk>/settlement/": "settles the measured area (POST)",
    "/sales/contracts/<int:pk>/cancel/": "cancels a contract (POST)",
    "/sales/leads/<int:lead_pk>/opportunity/": "the form turning a lead into an opportunity",
    "/sales/disputes/<int:pk>/decide/": "decides an ownership dispute (POST)",
    "/sales/opportunities/<int:pk>/action/": "a visit, viewing, follow-up or review (POST)",
    "/sales/lost-reasons/install/": "installs the default lost reasons (POST)",
    "/sales/lost-reasons/<int:pk>/toggle/": "retires or re-uses a lost reason (POST)",
}


def api_routes() -> set[str]:
    return {path for path, _func in api_get_operations()}


def screen_routes() -> dict[str, type | None]:
    """Route → the view class (None for a function view) of every screen outside the API and
    the admin."""
    found = {}
    for route, callback in _walk(get_resolver().url_patterns):
        route = "/" + route.lstrip("^").rstrip("$")
        if route.startswith(("/admin/", "/api/")):
            continue
        found[route] = getattr(callback, "view_class", None)
    return found


def pages_needed() -> set[str]:
    return {route for route in screen_routes()
            if route not in NOT_PAGES and not _WRITES.search(route)}


def exports_needed() -> set[str]:
    return {route for route, view in screen_routes().items()
            if view is not None and issubclass(view, ExportMixin)}
