"""The import API: check or import a file, follow a run; errors in the one API format."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.accounts.models import User
from linli.accounts.services import api_token_create
from linli.core.exchange.models import ImportRun
from tests.builders import make_role, make_user
from tests.core.exchange.conftest import csv_bytes, xlsx_bytes

ADMIN_PERMS = ["accounts.add_user", "accounts.add_membership", "accounts.view_orgunit"]
GOOD = [["username", "org_unit", "role"], ["api1", "华东分公司", "front-desk"]]


@pytest.fixture
def admin(world):
    make_role(world.tenant, ["accounts.view_orgunit"], code="front-desk")
    return make_user(world.tenant, world.root, ADMIN_PERMS)


def auth(user) -> dict:
    _token, key = api_token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, user, rows, dry_run="true", name="users.xlsx", key="users"):
    content = xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows)
    return client.post(f"/api/v1/imports/{key}",
                       {"file": SimpleUploadedFile(name, content), "dry_run": dry_run},
                       **auth(user))


@pytest.mark.django_db
def test_dry_run_returns_counts_and_row_errors(client, admin):
    rows = [*GOOD, ["api2", "火星", "front-desk"]]
    response = post(client, admin, rows)
    assert response.status_code == 200
    body = response.json()
    run = ImportRun.objects.get()
    assert body == {
        "id": run.pk, "definition": "users", "status": "validated", "file_name": "users.xlsx",
        "row_count": 2, "valid_count": 1, "error_count": 1, "written_count": 0,
        "errors": [{"row": 3, "column": "org_unit", "value": "火星",
                    "message": "No active unit with this code or path where you may add "
                               "members."}],
        "errors_truncated": False, "ignored_columns": [], "message": "", "job_id": None,
        "created_at": body["created_at"], "finished_at": None,
    }
    assert not User.objects.filter(username="api1").exists()


@pytest.mark.django_db
def test_import_without_dry_run_writes_the_rows(client, admin):
    response = post(client, admin, GOOD, dry_run="false", name="users.csv")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["written_count"]) == ("imported", 1)
    assert User.objects.get(username="api1").tenant_id == admin.tenant_id


@pytest.mark.django_db
def test_unusable_file_answers_422_on_file(client, admin):
    response = client.post("/api/v1/imports/users",
                           {"file": SimpleUploadedFile("u.xlsx", b"garbage")}, **auth(admin))
    assert response.status_code == 422
    message = ("This file is not a valid Excel workbook (.xlsx). Open it in Excel or WPS, save "
               "it as an Excel workbook (.xlsx) and upload it again.")
    assert response.json() == {"code": "validation_error", "message": "Some fields are not valid.",
                               "fields": {"file": [message]}}
    missing = client.post("/api/v1/imports/users", {"dry_run": "true"}, **auth(admin))
    assert missing.status_code == 422
    assert list(missing.json()["fields"]) == ["file"]


@pytest.mark.django_db
def test_refusals(client, world, admin):
    assert client.post("/api/v1/imports/users").status_code == 401
    assert post(client, admin, GOOD, key="nothing").json() == {
        "code": "not_found", "message": "Not found.", "fields": {},
    }
    clerk = make_user(world.tenant, world.root, ["accounts.view_user"])
    refused = post(client, clerk, GOOD)
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_run_detail_is_scoped(client, world, admin):
    run_id = post(client, admin, GOOD).json()["id"]
    own = client.get(f"/api/v1/imports/runs/{run_id}", **auth(admin))
    assert (own.status_code, own.json()["row_count"]) == (200, 1)
    outsider = make_user(world.other_tenant, world.other_root, ["core.view_importrun"],
                         superuser=True)
    other = client.get(f"/api/v1/imports/runs/{run_id}", **auth(outsider))
    assert (other.status_code, other.json()["code"]) == (404, "not_found")
    colleague = make_user(world.tenant, world.root, ADMIN_PERMS)
    assert client.get(f"/api/v1/imports/runs/{run_id}", **auth(colleague)).status_code == 404
