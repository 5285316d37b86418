"""Screens of people: list, export, the 360° page, forms, phones, relations, family."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from linli.core.personal_data.models import AccessLog
from linli.directory.models import Person, PersonRelation, UnitRelation
from linli.directory.services import people as services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person, make_unit

pytestmark = pytest.mark.django_db

PERMS = [
    "directory.view_person", "directory.add_person", "directory.change_person",
    "directory.view_unit", "directory.view_community", "directory.view_unitrelation",
    "directory.add_unitrelation", "directory.change_unitrelation",
    "directory.view_personrelation", "directory.add_personrelation",
    "directory.delete_personrelation",
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def unit(world):
    community = make_community(world, "阳光花园")
    return make_unit(make_building(community, "3", floors=20), floor=15, number="1502")


def test_list_shows_masked_phones_and_filters(world, unit):
    zhang = make_person(world, "张三", phones=["13800138000"])
    make_person(world, "李四", phones=["13900139000"])
    services.unit_relation_add(actor=None, person=zhang, unit=unit, role="owner")
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    response = client.get(reverse("directory:people"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "138****8000" in html and "13800138000" not in html
    assert "3-1502" in html
    response = client.get(reverse("directory:people"), {"q": "8000"})
    assert [p.name for p in response.context["people"]] == ["张三"]


def test_list_needs_the_view_permission(world):
    client = _client(make_user(world.tenant, world.branch_a, ["directory.view_unit"]))
    assert client.get(reverse("directory:people")).status_code == 403


def test_export_is_masked_without_the_reveal_permission(world):
    make_person(world, "张三", phones=["13800138000"], id_number="11010519491231002X")
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    response = client.get(reverse("directory:people"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "138****8000" in body and "110***********002X" in body
    assert "13800138000" not in body
    assert AccessLog.objects.count() == 0


def test_export_with_the_reveal_permission_is_unmasked_and_logged(world):
    make_person(world, "张三", phones=["13800138000"], id_number="11010519491231002X")
    make_person(world, "华南", phones=["13900139000"], org_unit=world.branch_b)
    user = make_user(world.tenant, world.branch_a, [*PERMS, "core.reveal_personal_data"])
    response = _client(user).get(reverse("directory:people"), {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "138 0013 8000" in body and "11010519491231002X" in body
    assert "139" not in body  # the other branch's person is not exported at all
    log = AccessLog.objects.get()
    assert (log.user_id, log.action, log.subject_label, log.note) == (
        user.pk, "export", "People", "export=csv")


def test_person_page_masks_and_offers_reveal(world, unit):
    person = make_person(world, "张三", phones=["13800138000"], id_number="11010519491231002X")
    services.unit_relation_add(actor=None, person=person, unit=unit, role="owner")
    url = reverse("directory:person_detail", args=[person.pk])
    html = _client(make_user(world.tenant, world.branch_a, PERMS)).get(url).content.decode()
    assert "138****8000" in html and "110***********002X" in html
    assert "13800138000" not in html and "11010519491231002X" not in html
    assert "3-1502" in html
    assert "No satisfaction scores yet" in html
    assert 'hx-post="/reveal/"' not in html
    revealer = make_user(world.tenant, world.branch_a, [*PERMS, "core.reveal_personal_data"])
    html = _client(revealer).get(url).content.decode()
    assert "/reveal/" in html
    assert "13800138000" not in html


def test_person_page_tabs(world):
    person = make_person(world, "张三")
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    url = reverse("directory:person_detail", args=[person.pk])
    assert client.get(url, {"tab": "history"}).context["tab"] == "history"
    assert client.get(url, {"tab": "timeline"}).context["tab"] == "timeline"
    assert client.get(url, {"tab": "nonsense"}).context["tab"] == "overview"


def test_person_page_scope(world):
    person = make_person(world, "张三")
    url = reverse("directory:person_detail", args=[person.pk])
    sibling = make_user(world.tenant, world.branch_b, PERMS)
    assert _client(sibling).get(url).status_code == 404
    other = make_user(world.other_tenant, world.other_root, PERMS, superuser=True)
    assert _client(other).get(url).status_code == 404


def test_create_person(world):
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    response = client.post(reverse("directory:person_create"), {
        "org_unit": world.branch_a.pk, "name": "张三", "phones": "138 0013 8000\n12345",
        "gender": "", "has_mortgage": "unknown",
    })
    assert response.status_code == 200
    assert response.context["form"].errors == {"phones": [
        "“12345” is not a valid phone number. Enter an 11-digit mobile number or a landline "
        "with its area code, e.g. 010-12345678."]}
    response = client.post(reverse("directory:person_create"), {
        "org_unit": world.branch_a.pk, "name": "张三", "phones": "138 0013 8000",
        "id_number": "11010519491231002X", "tags": "VIP, 业委会", "has_mortgage": "true",
    })
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:person_detail", args=[person.pk])
    assert (person.gender, person.birthday, person.tags, person.has_mortgage) == (
        "female", datetime.date(1949, 12, 31), ["VIP", "业委会"], True)


def test_create_person_in_another_branch_is_refused(world):
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    response = client.post(reverse("directory:person_create"),
                           {"org_unit": world.branch_b.pk, "name": "张三"})
    assert response.status_code == 200
    assert "org_unit" in response.context["form"].errors
    assert Person.objects.count() == 0


def test_edit_person(world):
    person = make_person(world, "张三")
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    url = reverse("directory:person_edit", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"org_unit": world.branch_a.pk, "name": "张三丰",
                                 "occupation": "教师", "has_mortgage": "unknown"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.name, person.occupation) == ("张三丰", "教师")
    viewer = make_user(world.tenant, world.branch_a, ["directory.view_person"])
    assert _client(viewer).get(url).status_code == 403


def test_phones_page_with_htmx(world):
    person = make_person(world, "张三", phones=["13800138000"])
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    url = reverse("directory:person_phones", args=[person.pk])
    assert "138****8000" in client.get(url).content.decode()
    response = client.post(url, {"action": "add", "number": "13900139000", "kind": "mobile",
                                 "preferred": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "139****9000" in response.content.decode()
    assert list(person.phones.order_by("id").values_list("number", "is_preferred")) == [
        ("+8613800138000", False), ("+8613900139000", True)]
    response = client.post(url, {"action": "add", "number": "12", "kind": "mobile"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    first = person.phones.get(number="+8613800138000")
    response = client.post(url, {"action": "remove", "phone": first.pk})
    assert response.status_code == 302
    assert list(person.phones.values_list("number", "is_preferred")) == [
        ("+8613900139000", True)]


def test_relation_add_and_end(world, unit):
    person = make_person(world, "张三")
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    url = reverse("directory:relation_add", args=[person.pk])
    response = client.post(url, {"community": unit.community_id, "room_code": "3-9999",
                                 "role": "owner"})
    assert response.context["form"].errors == {
        "room_code": ["There is no unit 3-9999 in this community."]}
    response = client.post(url, {"community": unit.community_id, "room_code": "3-1502",
                                 "role": "owner", "start_date": "2020-05-01"})
    assert response.status_code == 302
    relation = UnitRelation.objects.get()
    assert (relation.unit_id, relation.role, relation.start_date) == (
        unit.pk, "owner", datetime.date(2020, 5, 1))
    response = client.post(reverse("directory:relation_end", args=[relation.pk]),
                           {"end_date": "2024-01-31"})
    assert response.status_code == 302
    relation.refresh_from_db()
    assert relation.end_date == datetime.date(2024, 1, 31)


def test_ownership_transfer_page(world, unit):
    owner, buyer = make_person(world, "张三"), make_person(world, "王五", phones=["13900139000"])
    services.unit_relation_add(actor=None, person=owner, unit=unit, role="owner",
                               start_date=datetime.date(2015, 1, 1))
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    url = reverse("directory:unit_ownership_transfer", args=[unit.pk])
    response = client.get(url, {"q": "王五"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "张三" in html and "王五 · 9000" in html
    response = client.post(url, {"new_owners": [buyer.pk], "date": "2024-06-01"})
    assert response.status_code == 302
    assert [(r.person.name, r.role, r.end_date) for r in
            UnitRelation.objects.filter(unit=unit).order_by("id")] == [
        ("张三", "owner", datetime.date(2024, 6, 1)), ("王五", "owner", None)]
    sibling = make_user(world.tenant, world.branch_b, PERMS)
    assert _client(sibling).get(url).status_code == 404


def test_family_add_and_remove(world):
    person, spouse = make_person(world, "张三"), make_person(world, "王芳")
    client = _client(make_user(world.tenant, world.branch_a, PERMS))
    url = reverse("directory:family_add", args=[person.pk])
    assert "王芳" in client.get(url, {"q": "王芳"}).content.decode()
    response = client.post(url, {"relative": person.pk, "kind": "spouse"})
    assert "relative" in response.context["form"].errors
    response = client.post(url, {"relative": spouse.pk, "kind": "spouse"})
    assert response.status_code == 302
    tie = PersonRelation.objects.get()
    response = client.post(reverse("directory:family_remove", args=[tie.pk]),
                           {"person": spouse.pk})
    assert response["Location"] == reverse("directory:person_detail", args=[spouse.pk])
    assert PersonRelation.objects.count() == 0
