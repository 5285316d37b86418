"""Runs the scope sweep over every registered endpoint (see tests/scope_sweep.py)."""

import json

import pytest
from django.test import Client

from linli.accounts.models import User
from tests import scope_factories  # noqa: F401  (registers the factories)
from tests.builders import make_user
from tests.scope_sweep import FACTORIES, api_endpoints, web_endpoints

API_ENDPOINTS, UNMARKED = api_endpoints()
ENDPOINTS = API_ENDPOINTS + web_endpoints()


def test_every_api_get_declares_its_scope():
    assert UNMARKED == []


def test_every_scoped_model_has_a_factory():
    missing = sorted({e.model.__name__ for e in ENDPOINTS if e.model not in FACTORIES})
    assert missing == []


def _all_view_perms():
    from django.contrib.auth.models import Permission

    return [f"{p.content_type.app_label}.{p.codename}"
            for p in Permission.objects.select_related("content_type")
            if p.codename.startswith(("view_", "reveal_"))]


def _get(client: Client, endpoint, obj):
    url = endpoint.url_for(obj)
    if endpoint.query:
        url += ("&" if "?" in url else "?") + endpoint.query
    return client.get(url)


def _visible(response, marker: str) -> bool:
    if response.status_code != 200:
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        return marker in json.dumps(response.json(), ensure_ascii=False)
    return marker in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.source}:{e.kind}:{e.path}")
def test_outsiders_see_nothing(world, endpoint):
    obj, marker = FACTORIES[endpoint.model](world)
    if endpoint.query == "q=":
        endpoint = type(endpoint)(endpoint.source, endpoint.path, endpoint.model, endpoint.kind,
                                  "q=" + marker)
    perms = _all_view_perms()
    insider = make_user(world.tenant, world.root, perms)
    other_tenant = make_user(world.other_tenant, world.other_root, perms, superuser=True)
    sibling = make_user(world.tenant, world.branch_b, perms)

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    # The positive control: the sweep can fail, because an insider does see the record.
    seen = _get(client_for(insider), endpoint, obj)
    assert seen.status_code == 200, seen.content[:300]
    if endpoint.kind != "detail" or endpoint.source == "web":
        assert _visible(seen, marker)

    outsiders = [other_tenant]
    # Users are seen through their memberships' units, like org-scoped rows.
    if getattr(endpoint.model, "scope_by_org_unit", False) or endpoint.model is User:
        outsiders.append(sibling)
    for outsider in outsiders:
        response = _get(client_for(outsider), endpoint, obj)
        if endpoint.kind == "detail":
            assert response.status_code == 404, (outsider, response.status_code)
        else:
            assert response.status_code in (200, 403, 404)
            assert not _visible(response, marker)
