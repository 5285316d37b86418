"""PLAT-11 framework behaviour every endpoint inherits: error format, localisation, guards."""

import hashlib
import json

import pytest
from django.test import Client

from linli.accounts.models import User
from linli.core.idempotency import IdempotencyRecord
from tests.accounts.test_api import Api
from tests.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    return Api(make_user(world.tenant, superuser=True, username="admin"))


def test_openapi_and_docs_are_served(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/org-units" in paths and "/api/v1/me" in paths
    assert client.get("/api/docs").status_code == 200


def test_validation_messages_follow_the_callers_language(api):
    english = api.get("/users", {"role": "abc"})
    chinese = api.get("/users", {"role": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.status_code == chinese.status_code == 422
    assert english.json() == {"code": "validation_error", "message": "Some fields are not valid.",
                              "fields": {"role": ["Enter a whole number."]}}
    assert chinese.json()["message"] == "部分字段无效。"
    assert chinese.json()["fields"]["role"] != ["Enter a whole number."]


def test_ids_beyond_64_bits_are_refused_not_crashed(api):
    for path, params, field in [("/org-units/99999999999999999999999", {}, "unit_id"),
                                ("/users", {"role": "-71710955138622053941248"}, "role")]:
        response = api.get(path, params)
        assert response.status_code == 422
        assert list(response.json()["fields"]) == [field]


def test_nul_characters_are_refused_before_the_database(api):
    response = api.post("/users", {"username": "nul\u0000user", "password": PASSWORD})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert api.get("/users", {"q": "a\x00b"}).status_code == 422


def test_pagination_shape_and_bounds(api):
    page = api.get("/org-units", {"page": 1, "size": 2}).json()
    assert set(page) == {"items", "count", "page", "size", "pages"}
    assert (page["page"], page["size"]) == (1, 2)
    assert len(page["items"]) == min(2, page["count"])
    assert api.get("/org-units", {"size": 201}).status_code == 422
    assert api.get("/org-units", {"page": 0}).status_code == 422


def test_an_idempotency_key_in_flight_answers_409(world, api):
    # The first request with this key has started and not answered yet.
    admin = make_user(world.tenant, superuser=True, username="admin2")
    payload = {"username": "late", "password": PASSWORD}
    body = json.dumps(payload).encode()
    IdempotencyRecord.objects.create(
        user=admin, key="k1", method="POST", path="/api/v1/users",
        request_hash=hashlib.sha256(b"/api/v1/users\0" + body).hexdigest(),
    )
    response = Api(admin).post("/users", payload, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert not User.objects.filter(username="late").exists()


def test_session_api_writes_need_the_csrf_token(world):
    admin = make_user(world.tenant, superuser=True, username="admin3")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/api/v1/org-units", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_a_multipart_body_without_boundary_is_a_400(api):
    response = api.client.post("/api/v1/imports/users", b"junk",
                               content_type="multipart/form-data",
                               HTTP_AUTHORIZATION=f"Bearer {api.key}")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
