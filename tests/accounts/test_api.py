"""PLAT-11 for accounts: /api/v1/org-units, users, memberships, roles, tokens."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import ApiToken, Membership, OrgUnit, User
from tests.builders import PASSWORD, make_role, make_user

pytestmark = pytest.mark.django_db


class Api:
    """A client that sends a bearer token and JSON."""

    def __init__(self, user):
        _token, self.key = services.api_token_create(actor=user, user=user, name="test")
        self.client = Client()

    def _headers(self, extra):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.key}", **extra}

    def get(self, path, params=None, **extra):
        return self.client.get("/api/v1" + path, params or {}, **self._headers(extra))

    def post(self, path, data, **extra):
        body = data if isinstance(data, str) else json.dumps(data)
        return self.client.post("/api/v1" + path, body, content_type="application/json",
                                **self._headers(extra))

    def patch(self, path, data):
        return self.client.patch("/api/v1" + path, json.dumps(data),
                                 content_type="application/json", **self._headers({}))

    def delete(self, path):
        return self.client.delete("/api/v1" + path, **self._headers({}))


@pytest.fixture
def admin(world):
    return make_user(world.tenant, superuser=True, username="admin")


@pytest.fixture
def api(admin):
    return Api(admin)


# --- authentication and the error format ----------------------------------------------------

def test_without_authentication_the_answer_is_401(world):
    response = Client().get("/api/v1/users")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated",
                               "message": "Authentication required.", "fields": {}}


def test_token_authentication_works(api, admin):
    response = api.get("/me")
    assert response.status_code == 200
    assert (response.json()["username"], response.json()["id"]) == ("admin", admin.pk)
    assert ApiToken.objects.get(user=admin).last_used_at is not None


def test_session_authentication_works_for_reads(world, admin):
    client = Client()
    client.force_login(admin)
    assert client.get("/api/v1/org-units").json()["count"] == 4


def test_an_expired_token_is_refused_with_its_reason(world, admin):
    api = Api(admin)
    ApiToken.objects.filter(user=admin).update(expires_at=timezone.now() - timedelta(days=1))
    response = api.get("/me")
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated",
                               "message": "This API token has expired or was revoked.",
                               "fields": {}}


def test_malformed_json_is_a_400(api):
    response = api.post("/org-units", '{"name": ')
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request",
                               "message": "The request body is not valid JSON.", "fields": {}}


def test_wrong_types_are_a_422_with_fields(api):
    response = api.post("/org-units", {"parent_id": "abc", "name": 5, "kind": "galaxy"})
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["message"]) == ("validation_error", "Some fields are not valid.")
    assert sorted(body["fields"]) == ["kind", "name", "parent_id"]


# --- org units ------------------------------------------------------------------------------

def test_org_unit_list_is_paginated(world, api):
    body = api.get("/org-units", {"size": 2}).json()
    assert (body["count"], body["page"], body["size"], body["pages"]) == (4, 1, 2, 2)
    assert [u["name"] for u in body["items"]] == ["物业甲", "华东分公司"]
    body = api.get("/org-units", {"size": 2, "page": 2}).json()
    assert [u["name"] for u in body["items"]] == ["工程部", "华南分公司"]
    assert [u["name"] for u in api.get("/org-units", {"kind": "department"}).json()["items"]
            ] == ["工程部"]


def test_org_unit_detail_and_scope(world, api):
    body = api.get(f"/org-units/{world.team_a1.pk}").json()
    assert body == {
        "id": world.team_a1.pk, "parent_id": world.branch_a.pk, "name": "工程部", "code": "",
        "kind": "department", "path": world.team_a1.path, "depth": 2, "is_active": True,
        "member_count": 0,
    }
    outsider = Api(make_user(world.other_tenant, superuser=True))
    response = outsider.get(f"/org-units/{world.team_a1.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_org_unit_create_and_patch(world, api):
    response = api.post("/org-units", {"parent_id": world.branch_a.pk, "name": "客服中心",
                                       "kind": "project", "code": "KF"})
    assert response.status_code == 201
    unit_id = response.json()["id"]
    assert (response.json()["name"], response.json()["depth"]) == ("客服中心", 2)
    response = api.patch(f"/org-units/{unit_id}", {"name": "客服中心一部",
                                                   "parent_id": world.branch_b.pk})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["parent_id"], response.json()["code"]) == (
        "客服中心一部", world.branch_b.pk, "KF")
    response = api.patch(f"/org-units/{unit_id}", {"is_active": False})
    assert response.json()["is_active"] is False


def test_org_unit_refusals_are_422_with_fields(world, api):
    response = api.patch(f"/org-units/{world.root.pk}", {"is_active": False})
    assert response.status_code == 422
    assert response.json()["fields"] == {"is_active": ["The root unit cannot be deactivated."]}
    response = api.post("/org-units", {"parent_id": world.other_root.pk, "name": "X",
                                       "kind": "team"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"parent_id": ["Choose a unit of your own organisation."]}
    response = api.patch(f"/org-units/{world.branch_a.pk}", {"parent_id": world.team_a1.pk})
    assert response.json()["fields"] == {"parent": ["A unit cannot move under itself."]}


def test_org_unit_create_out_of_scope_is_403(world):
    manager = Api(make_user(world.tenant, world.branch_a,
                            ["accounts.view_orgunit", "accounts.add_orgunit"]))
    response = manager.post("/org-units", {"parent_id": world.team_a1.pk, "name": "班组",
                                           "kind": "team"})
    assert response.status_code == 201
    response = manager.post("/org-units", {"parent_id": world.branch_b.pk, "name": "越权",
                                           "kind": "team"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"parent_id": ["Choose a unit of your own organisation."]}
    assert not OrgUnit.objects.filter(name="越权").exists()


# --- users ----------------------------------------------------------------------------------

def test_user_list_filters_and_masks_mobiles(world, api):
    make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"], username="zhang",
              mobile="13812345678")
    body = api.get("/users", {"q": "zhang"}).json()
    assert body["count"] == 1
    assert (body["items"][0]["username"], body["items"][0]["mobile"]) == ("zhang",
                                                                          "138****5678")
    assert [u["username"] for u in api.get("/users", {"sort": "-username"}).json()["items"]
            ] == ["zhang", "admin"]


def test_user_list_of_a_branch_manager_hides_the_sibling_branch(world):
    make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"], username="east")
    south = make_user(world.tenant, world.branch_b, ["accounts.view_orgunit"],
                      username="south")
    manager = Api(make_user(world.tenant, world.branch_a, ["accounts.view_user"],
                            username="mgr"))
    assert [u["username"] for u in manager.get("/users").json()["items"]] == ["east", "mgr"]
    assert manager.get(f"/users/{south.pk}").status_code == 404


def test_user_create_with_membership(world, api):
    role = make_role(world.tenant, ["accounts.view_orgunit"])
    response = api.post("/users", {"username": "api.user", "password": PASSWORD,
                                   "display_name": "接口用户", "org_unit_id": world.team_a1.pk,
                                   "role_id": role.pk})
    assert response.status_code == 201
    user = User.objects.get(username="api.user")
    assert response.json()["id"] == user.pk
    assert list(user.memberships.values_list("org_unit_id", "role_id")) == [
        (world.team_a1.pk, role.pk)]


def test_user_create_with_a_weak_password_is_422(world, api):
    response = api.post("/users", {"username": "weak", "password": "password123"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"password": ["This password is too common."]}
    assert not User.objects.filter(username="weak").exists()


def test_idempotency_key_replays_the_first_answer(world, api):
    payload = {"username": "once", "password": PASSWORD}
    first = api.post("/users", payload, HTTP_IDEMPOTENCY_KEY="create-once-1")
    again = api.post("/users", payload, HTTP_IDEMPOTENCY_KEY="create-once-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert User.objects.filter(username="once").count() == 1
    other = api.post("/users", {"username": "twice", "password": PASSWORD},
                     HTTP_IDEMPOTENCY_KEY="create-once-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert not User.objects.filter(username="twice").exists()


def test_another_tenants_user_is_not_found(world):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    outsider = Api(make_user(world.other_tenant, superuser=True))
    assert outsider.get(f"/users/{member.pk}").status_code == 404
    assert outsider.get(f"/users/{member.pk}/memberships").status_code == 404


# --- memberships and roles ------------------------------------------------------------------

def test_membership_add_list_and_remove(world, api):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    role = make_role(world.tenant, ["accounts.view_user"], code="viewer")
    response = api.post(f"/users/{member.pk}/memberships", {
        "org_unit_id": world.branch_b.pk, "role_id": role.pk, "valid_from": "2026-01-01"})
    assert response.status_code == 201
    created = response.json()
    assert (created["org_unit_name"], created["role_name"], created["valid_from"]) == (
        "华南分公司", "viewer", "2026-01-01")
    listed = api.get(f"/users/{member.pk}/memberships").json()
    assert [m["org_unit_name"] for m in listed] == ["工程部", "华南分公司"]
    response = api.delete(f"/users/{member.pk}/memberships/{created['id']}")
    assert response.status_code == 204
    assert list(member.memberships.values_list("org_unit_id", flat=True)) == [world.team_a1.pk]


def test_membership_refusals(world, api):
    member = make_user(world.tenant)
    response = api.post(f"/users/{member.pk}/memberships", {
        "org_unit_id": world.root.pk, "role_id": 999999})
    assert response.status_code == 422
    assert response.json()["fields"] == {"role_id": ["Choose a role of your own organisation."]}
    response = api.post(f"/users/{member.pk}/memberships", {
        "org_unit_id": world.root.pk, "role_id": "x", "valid_from": "not a date"})
    assert response.status_code == 422
    assert sorted(response.json()["fields"]) == ["role_id", "valid_from"]


def test_membership_delete_of_another_tenant_is_not_found(world):
    member = make_user(world.tenant, world.team_a1, ["accounts.view_orgunit"])
    membership = member.memberships.get()
    outsider = Api(make_user(world.other_tenant, superuser=True))
    response = outsider.delete(f"/users/{member.pk}/memberships/{membership.pk}")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_role_list(world, api):
    make_role(world.tenant, ["accounts.view_user", "accounts.view_orgunit"], code="desk")
    make_role(world.other_tenant, ["accounts.view_user"], code="theirs")
    body = api.get("/roles").json()
    assert body["count"] == 1
    assert body["items"][0] | {"id": 0} == {
        "id": 0, "name": "desk", "code": "desk", "description": "",
        "permissions": ["accounts.view_orgunit", "accounts.view_user"], "membership_count": 0,
    }


# --- tokens ---------------------------------------------------------------------------------

def test_token_create_list_and_revoke(world, admin, api):
    response = api.post("/tokens", {"name": "报表", "days": 7})
    assert response.status_code == 201
    created = response.json()
    assert created["key"].startswith("ll_") and created["prefix"] == created["key"][:10]
    listed = api.get("/tokens").json()
    assert [t["name"] for t in listed["items"]] == ["报表", "test"]
    assert "key" not in listed["items"][0]
    assert api.delete(f"/tokens/{created['id']}").status_code == 204
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {created['key']}")
    assert response.status_code == 401


def test_token_of_another_user_is_not_found(world, api):
    other = make_user(world.tenant)
    token, _key = services.api_token_create(actor=other, user=other, name="theirs")
    assert api.delete(f"/tokens/{token.pk}").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_days_out_of_range_is_422(api):
    response = api.post("/tokens", {"name": "x", "days": 5000})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["days"]
