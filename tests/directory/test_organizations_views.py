"""DIR-3: the organisation screens — list, export, detail with masked contacts, forms, scope."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from linli.directory.models import Community, Contact, Organization
from linli.directory.services import organizations as services
from tests.builders import make_user

pytestmark = pytest.mark.django_db

EDITOR_PERMS = ["directory.view_organization", "directory.add_organization",
                "directory.change_organization", "directory.view_contact",
                "directory.add_contact", "directory.change_contact", "directory.delete_contact",
                "directory.view_community"]
VIEW_PERMS = ["directory.view_organization", "directory.view_contact"]


def org(world, name, kind="property_company", unit=None, **fields):
    return services.organization_create(actor=None, tenant=world.tenant,
                                        org_unit=unit or world.branch_a, kind=kind, name=name,
                                        **fields)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def listed(response) -> list[str]:
    return re.findall(r'<a href="/directory/organizations/\d+/">([^<]+)</a>', text(response))


@pytest.fixture
def editor(world):
    return make_user(world.tenant, world.branch_a, EDITOR_PERMS, username="editor")


@pytest.fixture
def company(world):
    company = org(world, "中建物业", city="深圳", credit_code="91440300708461136T",
                  landline="0755-88888888")
    services.contact_add(actor=None, organization=company, name="张三",
                         role="legal_representative", mobile="13812345678",
                         landline="010-12345678", qq="10001")
    return company


# --- list and export ------------------------------------------------------------------------

def test_list_filters_sorts_and_hides_sibling_branches(world, editor, company):
    org(world, "碧桂园服务", city="广州")
    org(world, "安居地产", kind="developer", city="深圳")
    org(world, "华南代理", kind="agent", unit=world.branch_b)
    client = client_for(editor)
    url = reverse("directory:organizations")
    response = client.get(url)
    assert response.status_code == 200
    assert listed(response) == ["安居地产", "碧桂园服务", "中建物业"]
    assert "华南代理" not in text(response)
    assert "+86 755 8888 8888" not in text(response) and "0755 8888 8888" in text(response)
    assert listed(client.get(url, {"city": "深圳"})) == ["安居地产", "中建物业"]
    assert listed(client.get(url, {"kind": "developer"})) == ["安居地产"]
    assert listed(client.get(url, {"q": "bgy"})) == ["碧桂园服务"]
    assert listed(client.get(url, {"sort": "-name"})) == ["中建物业", "碧桂园服务", "安居地产"]
    assert listed(client.get(url, {"city": "不存在"})) == ["安居地产", "碧桂园服务", "中建物业"]


def test_list_needs_the_view_right(world):
    member = make_user(world.tenant, world.root, ["directory.view_contact"])
    assert client_for(member).get(reverse("directory:organizations")).status_code == 403


def test_list_shows_an_empty_state(world, editor):
    response = client_for(editor).get(reverse("directory:organizations"))
    assert "No organisations match these filters." in text(response)


def test_export_keeps_the_filters_and_masks_contacts_mobiles(world, editor, company):
    services.contact_add(actor=None, organization=company, name="李四", mobile="13900001111")
    org(world, "碧桂园服务", city="广州")
    response = client_for(editor).get(reverse("directory:organizations"),
                                      {"city": "深圳", "export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode().removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["Name", "Kind", "Parent company", "Unified social credit code",
                       "Province", "City", "District", "Company address", "Landline",
                       "E-mail", "Website", "Contacts", "Created"]
    assert len(rows) == 2
    assert rows[1][:12] == [
        "中建物业", "Property company", "", "91440300708461136T", "", "深圳", "", "",
        "0755 8888 8888", "", "", "张三 (Legal representative, 138****5678); "
        "李四 (Staff, 139****1111)"]
    assert "13812345678" not in content and "13900001111" not in content


def test_export_of_another_tenant_has_no_rows_of_ours(world, company):
    outsider = make_user(world.other_tenant, world.other_root, EDITOR_PERMS, superuser=True)
    response = client_for(outsider).get(reverse("directory:organizations"),
                                        {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert "中建物业" not in content


# --- detail ---------------------------------------------------------------------------------

def test_detail_shows_contacts_masked_branches_and_communities(world, editor, company):
    org(world, "中建物业南山管理处", kind="management_office", parent=company)
    Community.objects.create(tenant=world.tenant, org_unit=world.branch_a, name="金色家园",
                             property_company=company)
    response = client_for(editor).get(reverse("directory:organization_detail",
                                              args=[company.pk]))
    assert response.status_code == 200
    page = text(response)
    assert "138****5678" in page and "010-****5678" in page
    assert "13812345678" not in page and "12345678" not in page.replace("****5678", "")
    assert "Legal representative" in page and "QQ 10001" in page
    assert "中建物业南山管理处" in page and "金色家园" in page
    assert "0755 8888 8888" in page and "91440300708461136T" in page
    # The editor may not see personal data unmasked: no reveal button.
    assert 'hx-post="/reveal/"' not in page
    assert reverse("directory:contact_add", args=[company.pk]) in page
    assert reverse("directory:organization_edit", args=[company.pk]) in page


def test_detail_offers_reveal_to_those_who_may(world, company):
    revealer = make_user(world.tenant, world.root, [*VIEW_PERMS, "core.reveal_personal_data"])
    page = text(client_for(revealer).get(reverse("directory:organization_detail",
                                                 args=[company.pk])))
    contact = Contact.objects.get(name="张三")
    assert f'"model": "directory.contact", "id": "{contact.pk}", "field": "mobile"' in page
    # Viewers without write rights get no edit links.
    assert reverse("directory:organization_edit", args=[company.pk]) not in page
    assert reverse("directory:contact_edit", args=[contact.pk]) not in page


def test_reveal_of_a_contact_mobile_goes_through_the_scope(world, company):
    contact = Contact.objects.get(name="张三")
    revealer = make_user(world.tenant, world.root, [*VIEW_PERMS, "core.reveal_personal_data"])
    response = client_for(revealer).post(reverse("reveal"), {
        "model": "directory.contact", "id": contact.pk, "field": "mobile"})
    assert response.status_code == 200 and "138 1234 5678" in text(response)
    sibling = make_user(world.tenant, world.branch_b, [*VIEW_PERMS, "core.reveal_personal_data"])
    response = client_for(sibling).post(reverse("reveal"), {
        "model": "directory.contact", "id": contact.pk, "field": "mobile"})
    assert "13812345678" not in text(response) and "138 1234 5678" not in text(response)


def test_history_tab_lists_the_changes(world, editor, company):
    services.organization_update(actor=editor, organization=company, city="广州")
    page = text(client_for(editor).get(
        reverse("directory:organization_detail", args=[company.pk]) + "?tab=history"))
    assert "changed" in page and "深圳" in page and "广州" in page and "created" in page


def test_detail_is_404_outside_the_scope(world, company):
    url = reverse("directory:organization_detail", args=[company.pk])
    sibling = make_user(world.tenant, world.branch_b, EDITOR_PERMS)
    outsider = make_user(world.other_tenant, world.other_root, EDITOR_PERMS, superuser=True)
    for user in (sibling, outsider):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).get(
            reverse("directory:organization_edit", args=[company.pk])).status_code == 404


# --- create and edit ------------------------------------------------------------------------

def test_create_from_the_screen(world, editor):
    client = client_for(editor)
    url = reverse("directory:organization_create")
    page = text(client.get(url))
    assert "华东分公司" in page and "华南分公司" not in page
    response = client.post(url, {
        "org_unit": world.branch_a.pk, "kind": "developer", "name": "安居地产",
        "credit_code": "91330100716105852f", "landline": "020 12345678", "website": "anju.cn",
    })
    created = Organization.objects.get(name="安居地产")
    assert response.status_code == 302
    assert response.url == reverse("directory:organization_detail", args=[created.pk])
    assert (created.credit_code, created.landline, created.website, created.name_initials) == (
        "91330100716105852F", "+862012345678", "https://anju.cn", "ajdc")


def test_create_shows_the_services_messages_on_the_fields(world, editor):
    developer = org(world, "安居地产", kind="developer")
    response = client_for(editor).post(reverse("directory:organization_create"), {
        "org_unit": world.branch_a.pk, "kind": "management_office", "name": "某管理处",
        "parent": developer.pk, "credit_code": "91440300708461136A", "email": "x@",
    })
    assert response.status_code == 200
    page = text(response)
    assert "its check character does not match" in page
    assert "A management office belongs to a property company" in page
    assert "Enter a valid e-mail address, e.g. name@example.com." in page
    assert not Organization.objects.filter(name="某管理处").exists()


def test_create_needs_the_add_right(world):
    viewer = make_user(world.tenant, world.root, VIEW_PERMS)
    assert client_for(viewer).get(reverse("directory:organization_create")).status_code == 403


def test_edit_from_the_screen(world, editor, company):
    client = client_for(editor)
    url = reverse("directory:organization_edit", args=[company.pk])
    page = text(client.get(url))
    assert 'value="中建物业"' in page and 'value="91440300708461136T"' in page
    response = client.post(url, {"org_unit": world.team_a1.pk, "kind": "property_company",
                                 "name": "中建物业服务", "city": "深圳", "landline": ""})
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.org_unit_id, company.landline, company.credit_code) == (
        "中建物业服务", world.team_a1.pk, "", "")
    assert Contact.objects.get(name="张三").org_unit_id == world.team_a1.pk


def test_edit_is_403_for_a_viewer(world, company):
    viewer = make_user(world.tenant, world.root, VIEW_PERMS)
    response = client_for(viewer).get(reverse("directory:organization_edit",
                                              args=[company.pk]))
    assert response.status_code == 403


# --- contacts -------------------------------------------------------------------------------

def test_add_a_contact_and_see_the_errors(world, editor, company):
    client = client_for(editor)
    url = reverse("directory:contact_add", args=[company.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "李四", "role": "legal_representative",
                                 "qq": "12", "wechat": "li si"})
    page = text(response)
    assert response.status_code == 200
    assert "张三 is already the legal representative of this organisation" in page
    assert "A QQ number has 5 to 12 digits and does not start with 0." in page
    assert "A WeChat ID has 6 to 20 characters" in page
    response = client.post(url, {"name": "李四", "role": "staff", "mobile": "139-0000-1111"})
    assert response.status_code == 302
    assert response.url == reverse("directory:organization_detail", args=[company.pk]) + (
        "#contacts")
    assert Contact.objects.get(name="李四").mobile == "+8613900001111"


def test_edit_and_remove_a_contact(world, editor, company):
    contact = Contact.objects.get(name="张三")
    client = client_for(editor)
    url = reverse("directory:contact_edit", args=[contact.pk])
    assert 'value="张三"' in text(client.get(url))
    response = client.post(url, {"name": "张三丰", "role": "person_in_charge",
                                 "mobile": "13812345678"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.role, contact.landline, contact.qq) == (
        "张三丰", "person_in_charge", "", "")
    remove = reverse("directory:contact_remove", args=[contact.pk])
    assert client.get(remove).status_code == 405
    response = client.post(remove, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="contacts"' in text(response) and "No contacts you may see." in text(response)
    assert not Contact.objects.exists()


def test_contact_screens_refuse_outsiders_and_viewers(world, company):
    contact = Contact.objects.get(name="张三")
    viewer = make_user(world.tenant, world.root, VIEW_PERMS)
    sibling = make_user(world.tenant, world.branch_b, EDITOR_PERMS)
    urls = [reverse("directory:contact_add", args=[company.pk]),
            reverse("directory:contact_edit", args=[contact.pk]),
            reverse("directory:contact_remove", args=[contact.pk])]
    for url in urls:
        assert client_for(viewer).post(url, {"name": "x"}).status_code == 403
        assert client_for(sibling).post(url, {"name": "x"}).status_code == 404
    assert list(Contact.objects.values_list("name", flat=True)) == ["张三"]


def test_a_merged_organisation_points_to_the_one_it_was_merged_into(world, editor, company):
    duplicate = org(world, "中建物业有限公司")
    duplicate.merged_into = company
    duplicate.save(update_fields=["merged_into"])
    page = text(client_for(editor).get(reverse("directory:organization_detail",
                                               args=[duplicate.pk])))
    target = reverse("directory:organization_detail", args=[company.pk])
    assert f'This organisation was merged into <a href="{target}">中建物业</a>.' in page
    assert listed(client_for(editor).get(reverse("directory:organizations"))) == ["中建物业"]
