import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template import Context, Template
from django.test import RequestFactory

from linli.accounts import services as accounts
from linli.accounts.models import OrgUnit
from linli.core.personal_data import revealable as registry
from linli.core.personal_data.models import AccessLog
from linli.core.personal_data.services import reveal
from linli.core.request_context import Channel, acting
from tests.builders import make_role, make_unit, make_user

MOBILE = "+8613812341234"
VIEW_AND_REVEAL = ["accounts.view_user", "core.reveal_personal_data"]


@pytest.fixture
def target(world):
    return make_user(world.tenant, world.branch_a, ["accounts.view_orgunit"],
                     username="zhangsan", display_name="张三", mobile=MOBILE)


@pytest.fixture
def viewer(world):
    return make_user(world.tenant, world.root, VIEW_AND_REVEAL, username="auditor")


def _logs():
    return list(AccessLog.objects.values_list(
        "tenant_id", "user__username", "action", "subject_type__model", "subject_id",
        "subject_label", "field", "ip", "channel",
    ))


# --- the service ----------------------------------------------------------------------------

def test_reveal_returns_the_value_and_writes_one_log_row(world, target, viewer):
    with acting(viewer, Channel.WEB):
        value = reveal(actor=viewer, model_label="accounts.User", pk=target.pk, field="mobile",
                       ip="203.0.113.7")
    assert value == MOBILE
    assert _logs() == [(world.tenant.pk, "auditor", "reveal", "user", str(target.pk), "张三",
                        "mobile", "203.0.113.7", "web")]


def test_reveal_takes_the_ip_from_the_request_context_when_not_given(world, target, viewer):
    with acting(viewer, Channel.JOB, ip="198.51.100.1"):
        reveal(actor=viewer, model_label="accounts.user", pk=target.pk, field="mobile")
    assert list(AccessLog.objects.values_list("ip", "channel")) == [("198.51.100.1", "job")]


def test_reveal_without_the_permission_is_refused_and_not_logged(world, target):
    clerk = make_user(world.tenant, world.root, ["accounts.view_user"])
    with pytest.raises(PermissionDenied):
        reveal(actor=clerk, model_label="accounts.User", pk=target.pk, field="mobile",
               ip="203.0.113.7")
    assert AccessLog.objects.count() == 0


def test_reveal_of_another_tenants_user_is_not_found_and_not_logged(world):
    stranger = make_user(world.other_tenant, world.other_root, [], mobile=MOBILE)
    outsider = make_user(world.other_tenant, world.other_root, VIEW_AND_REVEAL)
    viewer = make_user(world.tenant, world.root, VIEW_AND_REVEAL)
    with pytest.raises(Http404):
        reveal(actor=viewer, model_label="accounts.User", pk=stranger.pk, field="mobile")
    assert AccessLog.objects.count() == 0
    # The other tenant's own auditor may, which proves the refusal is about the tenant.
    assert reveal(actor=outsider, model_label="accounts.User", pk=stranger.pk,
                  field="mobile") == MOBILE


def test_reveal_outside_the_viewers_subtree_is_not_found(world, target):
    sibling = make_user(world.tenant, world.branch_b, VIEW_AND_REVEAL)
    with pytest.raises(Http404):
        reveal(actor=sibling, model_label="accounts.User", pk=target.pk, field="mobile")
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize(("model_label", "field"), [
    ("accounts.User", "email"),
    ("accounts.User", "password"),
    ("accounts.Role", "name"),
    ("nosuch.Model", "mobile"),
    ("", ""),
])
def test_unregistered_fields_are_refused(world, target, viewer, model_label, field):
    with pytest.raises(ValidationError) as excinfo:
        reveal(actor=viewer, model_label=model_label, pk=target.pk, field=field)
    assert excinfo.value.message_dict == {"field": ["This field cannot be revealed."]}
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("pk", ["abc", None, 999_999])
def test_malformed_or_missing_ids_are_not_found(world, viewer, pk):
    with pytest.raises(Http404):
        reveal(actor=viewer, model_label="accounts.User", pk=pk, field="mobile")


def test_anonymous_actor_is_refused(world, target):
    with pytest.raises(PermissionDenied):
        reveal(actor=None, model_label="accounts.User", pk=target.pk, field="mobile")


@pytest.fixture
def unit_code_revealable(monkeypatch):
    # A model with an org unit, to prove the permission is checked at the record's unit.
    entry = registry.Revealable("accounts.orgunit", "code", "id")
    monkeypatch.setitem(registry._registry, ("accounts.orgunit", "code"), entry)


def test_reveal_permission_is_checked_at_the_records_org_unit(world, unit_code_revealable):
    east = make_unit(world.branch_a, "东区")
    south = make_unit(world.branch_b, "南区")
    OrgUnit.objects.filter(pk=east.pk).update(code="EAST-0001")
    OrgUnit.objects.filter(pk=south.pk).update(code="SOUTH-0002")
    viewer = make_user(world.tenant, world.root, ["accounts.view_orgunit"])
    # Reveal granted only in branch B's subtree.
    accounts.membership_add(actor=None, user=viewer, org_unit=world.branch_b,
                            role=make_role(world.tenant, ["core.reveal_personal_data"]))
    assert reveal(actor=viewer, model_label="accounts.OrgUnit", pk=south.pk,
                  field="code") == "SOUTH-0002"
    with pytest.raises(PermissionDenied):
        reveal(actor=viewer, model_label="accounts.OrgUnit", pk=east.pk, field="code")
    assert list(AccessLog.objects.values_list("subject_label", "field")) == [("南区", "code")]


# --- the htmx view --------------------------------------------------------------------------

def test_reveal_view_returns_the_formatted_value_and_logs_the_ip(client, world, target, viewer):
    client.force_login(viewer)
    response = client.post("/reveal/", {"model": "accounts.user", "id": target.pk,
                                        "field": "mobile"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "138 1234 1234" in response.content.decode()
    assert list(AccessLog.objects.values_list("ip", "channel", "field")) == [
        ("127.0.0.1", "web", "mobile")
    ]


def test_reveal_view_refusals(client, world, target):
    clerk = make_user(world.tenant, world.root, ["accounts.view_user"])
    client.force_login(clerk)
    data = {"model": "accounts.user", "id": target.pk, "field": "mobile"}
    assert client.post("/reveal/", data).status_code == 403
    assert client.get("/reveal/", data).status_code == 405
    response = client.post("/reveal/", {**data, "field": "email"})
    assert response.status_code == 400
    assert "This field cannot be revealed." in response.content.decode()
    response = client.post("/reveal/", {"model": "accounts.user"})
    assert response.status_code == 400
    assert "This value cannot be shown." in response.content.decode()
    assert AccessLog.objects.count() == 0


def test_reveal_view_of_another_tenants_user_is_404(client, world, viewer):
    stranger = make_user(world.other_tenant, world.other_root, [], mobile=MOBILE)
    client.force_login(viewer)
    response = client.post("/reveal/", {"model": "accounts.user", "id": stranger.pk,
                                        "field": "mobile"})
    assert response.status_code == 404
    assert MOBILE not in response.content.decode()
    assert AccessLog.objects.count() == 0


def test_reveal_view_needs_sign_in(client, target):
    response = client.post("/reveal/", {"model": "accounts.user", "id": target.pk,
                                        "field": "mobile"})
    assert response.status_code == 302
    assert AccessLog.objects.count() == 0


# --- the API --------------------------------------------------------------------------------

def _post(client, payload):
    return client.post("/api/v1/reveal", json.dumps(payload), content_type="application/json")


def test_api_reveal(client, world, target, viewer):
    client.force_login(viewer)
    response = _post(client, {"model": "accounts.User", "id": target.pk, "field": "mobile"})
    assert response.status_code == 200
    assert response.json() == {"value": MOBILE}
    assert list(AccessLog.objects.values_list("channel", "ip")) == [("api", "127.0.0.1")]


def test_api_reveal_refusals(client, world, target):
    clerk = make_user(world.tenant, world.root, ["accounts.view_user"])
    stranger = make_user(world.other_tenant, world.other_root, [], mobile=MOBILE)
    client.force_login(clerk)
    response = _post(client, {"model": "accounts.User", "id": target.pk, "field": "mobile"})
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    response = _post(client, {"model": "accounts.User", "id": stranger.pk, "field": "mobile"})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found.", "fields": {}}
    response = _post(client, {"model": "accounts.User", "id": target.pk, "field": "email"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"field": ["This field cannot be revealed."]}
    response = _post(client, {"model": "accounts.User", "id": "x", "field": "mobile"})
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["id"]
    assert AccessLog.objects.count() == 0


def test_api_reveal_needs_authentication(client, target):
    response = _post(client, {"model": "accounts.User", "id": target.pk, "field": "mobile"})
    assert response.status_code == 401
    assert AccessLog.objects.count() == 0


# --- the template tags ----------------------------------------------------------------------

def _render(source: str, user, **context) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load personal_data %}" + source).render(
        Context({"request": request, **context})
    )


def test_reveal_button_shows_masked_value_and_button_to_permitted_users(world, target, viewer):
    html = _render("{% reveal_button target 'mobile' %}", viewer, target=target)
    assert "138****1234" in html
    assert MOBILE not in html and "13812341234" not in html
    assert 'hx-post="/reveal/"' in html
    assert f"reveal-accounts-user-{target.pk}-mobile" in html


def test_reveal_button_has_no_button_without_the_permission(world, target):
    clerk = make_user(world.tenant, world.root, ["accounts.view_user"])
    html = _render("{% reveal_button target 'mobile' %}", clerk, target=target)
    assert "138****1234" in html
    assert "hx-post" not in html


def test_mask_filters(world, viewer):
    html = _render("{{ phone|mask_phone }} {{ id|mask_id }} {{ name|mask_name }}", viewer,
                   phone=MOBILE, id="11010519491231002X", name="张三")
    assert html == "138****1234 110***********002X 张*"
