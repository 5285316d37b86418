"""DIR-3 over the API: /api/v1/organizations and their contacts."""

import json

import pytest
from django.test import Client

from linli.accounts import services as accounts
from linli.directory.models import Community, Contact, Organization
from linli.directory.services import organizations as services
from tests.builders import make_user

pytestmark = pytest.mark.django_db

EDITOR_PERMS = ["directory.view_organization", "directory.add_organization",
                "directory.change_organization", "directory.view_contact",
                "directory.add_contact", "directory.change_contact", "directory.delete_contact",
                "directory.view_community"]


class Api:
    """A client that sends a bearer token and JSON."""

    def __init__(self, user):
        _token, self.key = accounts.api_token_create(actor=user, user=user, name="test")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}

    def get(self, path, params=None):
        return self.client.get("/api/v1" + path, params or {}, **self.headers)

    def post(self, path, data):
        return self.client.post("/api/v1" + path, json.dumps(data),
                                content_type="application/json", **self.headers)

    def patch(self, path, data):
        return self.client.patch("/api/v1" + path, json.dumps(data),
                                 content_type="application/json", **self.headers)

    def delete(self, path):
        return self.client.delete("/api/v1" + path, **self.headers)


def org(world, name, kind="property_company", unit=None, **fields):
    return services.organization_create(actor=None, tenant=world.tenant,
                                        org_unit=unit or world.branch_a, kind=kind, name=name,
                                        **fields)


@pytest.fixture
def editor(world):
    return make_user(world.tenant, world.branch_a, EDITOR_PERMS)


@pytest.fixture
def api(editor):
    return Api(editor)


@pytest.fixture
def company(world):
    company = org(world, "中建物业", city="深圳")
    services.contact_add(actor=None, organization=company, name="张三",
                         role="legal_representative", mobile="13812345678",
                         landline="010-12345678")
    return company


def test_list_is_paginated_filtered_and_scoped(world, api, company):
    org(world, "安居地产", kind="developer", city="深圳")
    org(world, "碧桂园服务", city="广州")
    org(world, "华南代理", kind="agent", unit=world.branch_b)
    response = api.get("/organizations", {"size": 2})
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["pages"], [o["name"] for o in body["items"]]) == (
        3, 2, ["安居地产", "碧桂园服务"])
    assert [o["name"] for o in api.get("/organizations", {"city": "深圳"}).json()["items"]] == [
        "安居地产", "中建物业"]
    assert [o["name"] for o in api.get("/organizations",
                                       {"kind": "property_company", "sort": "-name"}
                                       ).json()["items"]] == ["中建物业", "碧桂园服务"]
    assert [o["name"] for o in api.get("/organizations", {"q": "zj"}).json()["items"]] == [
        "中建物业"]
    assert api.get("/organizations", {"kind": "bank"}).status_code == 422


def test_detail_has_masked_contacts_branches_and_communities(world, api, company):
    office = org(world, "中建物业南山管理处", kind="management_office", parent=company)
    Community.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="金色家园",
                             property_company=company, management_office=office)
    body = api.get(f"/organizations/{company.pk}").json()
    contact = Contact.objects.get(name="张三")
    assert body["name"] == "中建物业" and body["name_initials"] == "zjwy"
    assert body["contacts"] == [{
        "id": contact.pk, "organization_id": company.pk, "person_id": None, "name": "张三",
        "role": "legal_representative", "title": "", "mobile": "138****5678",
        "landline": "010-****5678", "email": "", "qq": "", "wechat": "", "address": "",
        "created_at": body["contacts"][0]["created_at"],
        "updated_at": body["contacts"][0]["updated_at"],
    }]
    assert body["branches"] == [{"id": office.pk, "kind": "management_office",
                                 "name": "中建物业南山管理处", "city": ""}]
    assert body["communities"] == [{"id": Community.objects.get().pk, "name": "金色家园",
                                    "roles": ["property_company"]}]
    office_body = api.get(f"/organizations/{office.pk}").json()
    assert (office_body["parent_id"], office_body["parent_name"]) == (company.pk, "中建物业")
    assert office_body["communities"][0]["roles"] == ["management_office"]


def test_create_and_patch(world, api, company):
    response = api.post("/organizations", {
        "org_unit_id": world.branch_a.pk, "kind": "management_office", "name": "中建物业福田管理处",
        "parent_id": company.pk, "landline": "0755 12345678", "credit_code": "91110000802100433b",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    created = Organization.objects.get(pk=body["id"])
    assert (body["landline"], body["credit_code"], body["parent_name"], body["contacts"]) == (
        "+8675512345678", "91110000802100433B", "中建物业", [])
    response = api.patch(f"/organizations/{created.pk}", {"city": "深圳", "parent_id": None})
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["parent_id"]) == ("深圳", None)
    created.refresh_from_db()
    assert (created.name, created.landline, created.parent_id) == (
        "中建物业福田管理处", "+8675512345678", None)


def test_validation_errors_name_the_payload_fields(world, api, company):
    developer = org(world, "安居地产", kind="developer")
    response = api.post("/organizations", {
        "org_unit_id": world.branch_a.pk, "kind": "management_office", "name": "某管理处",
        "parent_id": developer.pk, "credit_code": "91440300708461136A", "email": "x@",
    })
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error", "message": "Some fields are not valid.",
        "fields": {
            "credit_code": ["This unified social credit code is not valid: its check character "
                            "does not match. Please check it for typing errors."],
            "email": ["Enter a valid e-mail address, e.g. name@example.com."],
            "parent_id": ["A management office belongs to a property company; choose a "
                          "property company as its parent."],
        },
    }
    foreign_unit = api.post("/organizations", {"org_unit_id": world.branch_b.pk,
                                               "kind": "developer", "name": "某地产"})
    assert foreign_unit.status_code == 422
    assert foreign_unit.json()["fields"] == {
        "org_unit_id": ["Choose a unit of your own organisation."]}
    unknown_parent = api.post("/organizations", {"org_unit_id": world.branch_a.pk,
                                                 "kind": "developer", "name": "某地产",
                                                 "parent_id": 999999})
    assert unknown_parent.status_code == 422
    assert unknown_parent.json()["fields"] == {
        "parent_id": ["Choose an organisation you can see."]}
    assert api.post("/organizations", {"org_unit_id": world.branch_a.pk, "kind": "developer",
                                       "name": ""}).status_code == 422
    assert Organization.objects.filter(name__in=["某管理处", "某地产"]).count() == 0


def test_other_tenants_and_sibling_branches_get_404(world, company):
    contact = Contact.objects.get(name="张三")
    for user in (make_user(world.tenant, world.branch_b, EDITOR_PERMS),
                 make_user(world.other_tenant, world.other_root, EDITOR_PERMS,
                           superuser=True)):
        api = Api(user)
        assert api.get("/organizations").json()["count"] == 0
        assert api.get(f"/organizations/{company.pk}").status_code == 404
        assert api.get(f"/organizations/{company.pk}/contacts").status_code == 404
        assert api.patch(f"/organizations/{company.pk}", {"name": "x"}).status_code == 404
        assert api.post(f"/organizations/{company.pk}/contacts",
                        {"name": "x"}).status_code == 404
        assert api.patch(f"/contacts/{contact.pk}", {"name": "x"}).status_code == 404
        assert api.delete(f"/contacts/{contact.pk}").status_code == 404
    company.refresh_from_db()
    assert company.name == "中建物业"
    assert list(Contact.objects.values_list("name", flat=True)) == ["张三"]


def test_contacts_crud(world, api, company):
    response = api.post(f"/organizations/{company.pk}/contacts", {
        "name": "李四", "role": "person_in_charge", "mobile": "139 0000 1111", "qq": "10001"})
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["mobile"], body["qq"]) == ("李四", "139****1111", "10001")
    assert Contact.objects.get(pk=body["id"]).mobile == "+8613900001111"
    listed = api.get(f"/organizations/{company.pk}/contacts").json()
    assert [(c["name"], c["role"]) for c in listed] == [
        ("张三", "legal_representative"), ("李四", "person_in_charge")]
    response = api.patch(f"/contacts/{body['id']}", {"role": "legal_representative"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"role": [
        "张三 is already the legal representative of this organisation; an organisation has "
        "only one."]}
    response = api.patch(f"/contacts/{body['id']}", {"wechat": "lisi_2026", "title": "经理"})
    assert (response.status_code, response.json()["wechat"], response.json()["qq"]) == (
        200, "lisi_2026", "10001")
    assert api.delete(f"/contacts/{body['id']}").status_code == 204
    assert list(Contact.objects.values_list("name", flat=True)) == ["张三"]


def test_contact_validation_over_the_api(world, api, company):
    response = api.post(f"/organizations/{company.pk}/contacts", {
        "name": "王五", "qq": "0001", "wechat": "w", "email": "wang@", "person_id": 999999})
    assert response.status_code == 422
    assert response.json()["fields"] == {"person_id": ["Choose a person you can see."]}
    response = api.post(f"/organizations/{company.pk}/contacts", {
        "name": "王五", "qq": "0001", "wechat": "w", "email": "wang@"})
    assert response.json()["fields"] == {
        "email": ["Enter a valid e-mail address, e.g. name@example.com."],
        "qq": ["A QQ number has 5 to 12 digits and does not start with 0."],
        "wechat": ["A WeChat ID has 6 to 20 characters: letters, digits, “_” and “-”."],
    }


def test_viewers_cannot_write(world, company):
    viewer = make_user(world.tenant, world.root, ["directory.view_organization",
                                                  "directory.view_contact"])
    api = Api(viewer)
    assert api.get(f"/organizations/{company.pk}").status_code == 200
    assert api.patch(f"/organizations/{company.pk}", {"name": "x"}).status_code == 403
    assert api.post(f"/organizations/{company.pk}/contacts", {"name": "x"}).status_code == 403
    contact = Contact.objects.get(name="张三")
    assert api.delete(f"/contacts/{contact.pk}").status_code == 403
