"""The import wizard screens: upload → preview → confirm → result, downloads, and scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from linli.accounts.models import User
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.models import ImportRun
from linli.core.exchange.services import import_upload
from tests.builders import make_role, make_unit, make_user
from tests.core.exchange.conftest import xlsx_bytes, xlsx_upload

ADMIN_PERMS = ["accounts.add_user", "accounts.add_membership", "accounts.view_orgunit"]
HEADER = ["Username", "Display name", "Organisation unit", "Role"]
GOOD = [HEADER, ["zhangsan", "张三", "华东分公司", "front-desk"],
        ["lisi", "李四", "华东分公司/工程部", "front-desk"]]
BAD = [HEADER, ["zhangsan", "张三", "华东分公司", "nope"],
       *[[f"user{i}", "", "火星分公司", "front-desk"] for i in range(60)]]


@pytest.fixture
def admin(world):
    make_role(world.tenant, ["accounts.view_orgunit"], code="front-desk")
    return make_user(world.tenant, world.root, ADMIN_PERMS, username="hr-admin")


@pytest.fixture
def signed_in(client, admin):
    client.force_login(admin)
    return client


def upload(client, rows, name="users.xlsx", dry_run=True):
    data = {"file": SimpleUploadedFile(name, xlsx_bytes(rows))}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/imports/users/", data)


@pytest.mark.django_db
def test_upload_page_needs_the_imports_permission(client, world, admin):
    assert client.get("/imports/users/").status_code == 302
    client.force_login(make_user(world.tenant, world.root, ["accounts.view_user"]))
    assert client.get("/imports/users/").status_code == 403
    client.force_login(admin)
    page = client.get("/imports/users/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Import: Users" in html
    assert 'href="/imports/users/template/"' in html
    assert client.get("/imports/nothing/").status_code == 404


@pytest.mark.django_db
def test_upload_check_preview_confirm_result(signed_in):
    response = upload(signed_in, GOOD)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/imports/runs/{run.pk}/"
    assert not User.objects.filter(username="zhangsan").exists()

    preview = signed_in.get(response["Location"]).content.decode()
    assert "No errors found. Confirm to import all 2 rows." in preview
    assert '<div class="h2 m-0" data-count="rows">2</div>' in preview
    assert "<td>华东分公司/工程部</td>" in preview
    assert 'data-testid="confirm-import">' in preview  # enabled: no "disabled" attribute

    confirmed = signed_in.post(f"/imports/runs/{run.pk}/confirm/")
    assert confirmed["Location"] == f"/imports/runs/{run.pk}/result/"
    result = signed_in.get(confirmed["Location"]).content.decode()
    assert "2 rows imported." in result
    assert User.objects.filter(username__in=["zhangsan", "lisi"]).count() == 2
    again = signed_in.post(f"/imports/runs/{run.pk}/confirm/", follow=True)
    assert "This file has already been imported." in again.content.decode()


@pytest.mark.django_db
def test_errors_disable_confirm_and_download_as_a_report(signed_in):
    response = upload(signed_in, BAD)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/runs/{run.pk}/"
    preview = signed_in.get(response["Location"]).content.decode()
    assert 'data-testid="confirm-import" disabled aria-disabled="true">' in preview
    assert f'href="/imports/runs/{run.pk}/errors/"' in preview
    assert "<td>No role with this code.</td>" not in preview  # messages are in red cells
    assert '<td class="text-danger">No role with this code.</td>' in preview
    assert "1 / 2" in preview  # 61 errors, 50 a page

    refused = signed_in.post(f"/imports/runs/{run.pk}/confirm/", follow=True)
    assert "The file has errors." in refused.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()

    report = signed_in.get(f"/imports/runs/{run.pk}/errors/")
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Row", "Column", "Value", "Message")
    assert rows[1] == (2, "Role", "nope", "No role with this code.")
    assert rows[2] == (3, "Organisation unit", "火星分公司",
                       "No active unit with this code or path where you may add members.")
    assert len(rows) == 62


@pytest.mark.django_db
def test_the_error_table_pages_through_htmx(signed_in):
    upload(signed_in, BAD)
    run = ImportRun.objects.get()
    page = signed_in.get(f"/imports/runs/{run.pk}/?errors_page=2", HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert html.startswith('<div id="import-errors"')
    assert "<html" not in html
    assert html.count('<td class="text-danger">') == 11
    assert "2 / 2" in html


@pytest.mark.django_db
def test_an_unusable_file_is_a_form_error(signed_in):
    response = signed_in.post("/imports/users/", {
        "file": SimpleUploadedFile("users.xlsx", b"this is not a workbook"), "dry_run": "on",
    })
    assert response.status_code == 200
    assert "This file is not a valid Excel workbook (.xlsx)." in response.content.decode()
    response = signed_in.post("/imports/users/", {"dry_run": "on"})
    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_without_dry_run_a_clean_file_goes_straight_to_the_result(signed_in):
    response = upload(signed_in, GOOD, dry_run=False)
    run = ImportRun.objects.get()
    assert response["Location"] == f"/imports/runs/{run.pk}/result/"
    assert run.status == ImportStatus.IMPORTED


@pytest.mark.django_db
def test_template_download(signed_in):
    response = signed_in.get("/imports/users/template/")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == "Username"


@pytest.mark.django_db
def test_runs_of_others_are_not_found(client, world, admin):
    run = import_upload(actor=admin, key="users", upload=xlsx_upload(GOOD))
    urls = [f"/imports/runs/{run.pk}/", f"/imports/runs/{run.pk}/result/",
            f"/imports/runs/{run.pk}/errors/"]
    outsider = make_user(world.other_tenant, world.other_root, [*ADMIN_PERMS,
                                                                "core.view_importrun"])
    colleague = make_user(world.tenant, world.root, ADMIN_PERMS)
    for user in (outsider, colleague):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], user
        assert client.post(f"/imports/runs/{run.pk}/confirm/").status_code == 404
        assert "users.xlsx" not in client.get("/imports/").content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_an_auditor_sees_the_tenants_runs_but_cannot_confirm_them(client, world, admin):
    run = import_upload(actor=admin, key="users", upload=xlsx_upload(GOOD, "员工名单.xlsx"))
    auditor = make_user(world.tenant, make_unit(world.root), ["core.view_importrun"])
    client.force_login(auditor)
    listing = client.get("/imports/").content.decode()
    assert "员工名单.xlsx" in listing
    assert "hr-admin" in listing
    preview = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "员工名单.xlsx" in preview
    assert "confirm-import" not in preview
    assert client.post(f"/imports/runs/{run.pk}/confirm/").status_code == 403


@pytest.mark.django_db
def test_run_list_offers_the_imports_the_user_may_run(signed_in):
    html = signed_in.get("/imports/").content.decode()
    assert 'href="/imports/users/"' in html
    assert "No imports yet" in html
