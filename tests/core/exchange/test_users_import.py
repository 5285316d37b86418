"""The users import end to end: dry run, confirm, all-or-nothing, scope, background job."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.accounts import services as accounts
from linli.accounts.models import Membership, User
from linli.core.exchange import tasks  # noqa: F401  (registers the background import task)
from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.core.jobs.models import JobRun
from tests.builders import make_role, make_user
from tests.core.exchange.conftest import csv_upload, xlsx_upload

HEADER = ["用户名", "姓名", "邮箱", "手机号", "组织", "角色"]
ADMIN_PERMS = ["accounts.add_user", "accounts.add_membership", "accounts.view_orgunit",
               "accounts.view_user"]


@pytest.fixture
def setup(world):
    front_desk = make_role(world.tenant, ["accounts.view_orgunit"], code="front-desk")
    service_centre = accounts.org_unit_create(
        actor=None, tenant=world.tenant, parent=world.branch_a, name="客服中心",
        kind="department", code="KF-01",
    )
    other_unit = accounts.org_unit_create(
        actor=None, tenant=world.other_tenant, parent=world.other_root, name="乙方客服",
        kind="department", code="KF-99",
    )
    make_role(world.other_tenant, ["accounts.view_orgunit"], code="front-desk")
    admin = make_user(world.tenant, world.root, ADMIN_PERMS, username="hr-admin")
    return {"world": world, "role": front_desk, "centre": service_centre, "admin": admin,
            "other_unit": other_unit}


def good_rows():
    return [
        HEADER,
        ["zhangsan", "张三", "zhangsan@Example.COM", "138 1234 1234", "KF-01", "front-desk"],
        ["lisi", "李四", "", "", "华东分公司/工程部", "front-desk"],
        ["zhangsan", "", "", "", "物业甲/华南分公司", "FRONT-DESK"],
    ]


@pytest.mark.django_db
def test_dry_run_checks_every_row_and_writes_nothing(setup):
    users_before = User.objects.count()
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(good_rows()))
    assert run.status == ImportStatus.VALIDATED
    assert (run.row_count, run.error_count, run.invalid_row_count) == (3, 0, 0)
    assert run.can_confirm
    assert run.preview[0] == {
        "username": "zhangsan", "display_name": "张三", "email": "zhangsan@Example.COM",
        "mobile": "138 1234 1234", "org_unit": "KF-01", "role": "front-desk",
    }
    assert len(run.preview) == 3
    assert User.objects.count() == users_before
    assert run.tenant_id == setup["world"].tenant.pk
    assert run.uploaded_by == setup["admin"]
    assert run.file.name.startswith(f"imports/{run.tenant_id}/")


@pytest.mark.django_db
def test_confirm_creates_users_and_memberships_in_the_actors_tenant(setup):
    world = setup["world"]
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(good_rows()))
    run = import_confirm(actor=setup["admin"], run=run)
    assert run.status == ImportStatus.IMPORTED
    assert run.written_count == 3

    zhangsan = User.objects.get(username="zhangsan")
    assert zhangsan.tenant_id == world.tenant.pk
    assert (zhangsan.display_name, zhangsan.email, zhangsan.mobile) == (
        "张三", "zhangsan@example.com", "+8613812341234"
    )
    assert not zhangsan.has_usable_password()
    # One history row: created without a password, not created and then changed.
    assert zhangsan.history.count() == 1
    assert sorted(
        Membership.objects.filter(user=zhangsan).values_list("org_unit__name", "role__code")
    ) == [("华南分公司", "front-desk"), ("客服中心", "front-desk")]
    lisi = User.objects.get(username="lisi")
    assert list(Membership.objects.filter(user=lisi).values_list("org_unit", flat=True)) == [
        world.team_a1.pk
    ]
    # The history of the new users carries the import channel and the importing user.
    first = zhangsan.history.order_by("history_id").first()
    assert (first.history_channel, first.history_user_id) == ("import", setup["admin"].pk)


@pytest.mark.django_db
def test_per_row_errors_name_the_excel_row_column_and_reason(setup):
    accounts.user_create(actor=None, tenant=setup["world"].other_tenant, username="taken",
                         password="Linli-Test-2026!")
    rows = [
        HEADER,
        ["wangwu", "王五", "not-an-email", "12345", "KF-01", "front-desk"],
        [],
        ["Taken", "", "", "", "KF-99", "front-desk"],
        ["zhaoliu", "", "", "", "工程部", "no-such-role"],
        ["", "无名", "", "", "KF-01", "front-desk"],
    ]
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(rows))
    assert run.status == ImportStatus.VALIDATED
    assert (run.row_count, run.invalid_row_count, run.error_count) == (4, 4, 6)
    assert run.errors == [
        {"row": 2, "column": "邮箱", "value": "not-an-email",
         "message": "Enter a valid e-mail address."},
        {"row": 2, "column": "手机号", "value": "12345",
         "message": "“12345” is not a valid phone number. Enter an 11-digit mobile number or a "
                    "landline with its area code, e.g. 010-12345678."},
        # Row 3 is empty and skipped; the unit code of another tenant is unknown here.
        {"row": 4, "column": "组织", "value": "KF-99",
         "message": "No active unit with this code or path where you may add members."},
        {"row": 4, "column": "用户名", "value": "Taken", "message": "This username is taken."},
        {"row": 5, "column": "角色", "value": "no-such-role",
         "message": "No role with this code."},
        {"row": 6, "column": "用户名", "value": "", "message": "This column is required."},
    ]
    assert not run.can_confirm
    with pytest.raises(ValidationError) as refused:
        import_confirm(actor=setup["admin"], run=run)
    assert refused.value.messages == [
        "The file has errors. Correct them and upload the file again; nothing is imported "
        "while any row has an error."
    ]
    assert not User.objects.filter(username__in=["wangwu", "zhaoliu"]).exists()


@pytest.mark.django_db
def test_confirm_with_one_row_gone_bad_since_the_dry_run_writes_nothing(setup):
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(good_rows()))
    assert run.can_confirm
    # Someone takes one of the usernames between the check and the confirmation.
    accounts.user_create(actor=None, tenant=setup["world"].tenant, username="LiSi",
                         password="Linli-Test-2026!")
    users_before = User.objects.count()
    memberships_before = Membership.objects.count()

    run = import_confirm(actor=setup["admin"], run=run)
    assert run.status == ImportStatus.FAILED
    assert run.message == "Nothing was imported: 1 row has errors."
    assert run.errors == [{"row": 3, "column": "用户名", "value": "lisi",
                           "message": "This username is taken."}]
    assert run.written_count == 0
    assert User.objects.count() == users_before
    assert Membership.objects.count() == memberships_before
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_repeated_rows_must_agree_and_not_repeat_a_membership(setup):
    rows = [
        HEADER,
        ["zhangsan", "张三", "", "", "KF-01", "front-desk"],
        ["zhangsan", "张三丰", "", "", "KF-01", "front-desk"],
    ]
    run = import_upload(actor=setup["admin"], key="users", upload=csv_upload(rows))
    assert run.errors == [
        {"row": 3, "column": "姓名", "value": "张三丰",
         "message": "Differs from row 2 of the same user: leave it empty or repeat it."},
        {"row": 3, "column": "角色", "value": "front-desk",
         "message": "Row 2 already gives this user this role at this unit."},
    ]


@pytest.mark.django_db
def test_a_branch_manager_imports_only_into_their_subtree(setup):
    world = setup["world"]
    manager = make_user(world.tenant, world.branch_a, ADMIN_PERMS)
    rows = [
        HEADER,
        ["east1", "", "", "", "华东分公司/工程部", "front-desk"],
        ["south1", "", "", "", "华南分公司", "front-desk"],
    ]
    run = import_upload(actor=manager, key="users", upload=xlsx_upload(rows))
    assert run.errors == [
        {"row": 3, "column": "组织", "value": "华南分公司",
         "message": "No active unit with this code or path where you may add members."},
    ]


@pytest.mark.django_db
def test_roles_with_rights_the_importer_lacks_are_refused(setup):
    world = setup["world"]
    make_role(world.tenant, ["accounts.delete_user"], code="remover")
    rows = [HEADER, ["x1", "", "", "", "KF-01", "remover"]]
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(rows))
    assert run.errors == [
        {"row": 2, "column": "角色", "value": "remover",
         "message": "You cannot grant permissions you do not hold yourself: "
                    "accounts.delete_user"},
    ]


@pytest.mark.django_db
def test_ambiguous_unit_names_ask_for_more_path(setup):
    world = setup["world"]
    accounts.org_unit_create(actor=None, tenant=world.tenant, parent=world.branch_b,
                             name="工程部", kind="department")
    rows = [HEADER, ["x1", "", "", "", "工程部", "front-desk"],
            ["x2", "", "", "", "华南分公司 / 工程部", "front-desk"]]
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(rows))
    assert run.errors == [
        {"row": 2, "column": "组织", "value": "工程部",
         "message": "Several units have this name; give more of the path, or the unit's code."},
    ]


@pytest.mark.django_db
def test_without_the_permission_nothing_is_stored(setup):
    world = setup["world"]
    clerk = make_user(world.tenant, world.root, ["accounts.view_user"])
    with pytest.raises(PermissionDenied):
        import_upload(actor=clerk, key="users", upload=xlsx_upload(good_rows()))
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(good_rows()))
    with pytest.raises(PermissionDenied):
        import_confirm(actor=clerk, run=run)
    outsider = make_user(world.other_tenant, world.other_root, ADMIN_PERMS)
    with pytest.raises(PermissionDenied):
        import_confirm(actor=outsider, run=run)
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.django_db
def test_without_dry_run_a_clean_file_is_imported_at_once(setup):
    run = import_upload(actor=setup["admin"], key="users", upload=csv_upload(good_rows()),
                        dry_run=False)
    assert run.status == ImportStatus.IMPORTED
    assert User.objects.filter(username__in=["zhangsan", "lisi"]).count() == 2
    with pytest.raises(ValidationError) as again:
        import_confirm(actor=setup["admin"], run=run)
    assert again.value.messages == ["This file has already been imported."]


@pytest.mark.django_db
def test_a_large_import_runs_as_a_background_job(setup, settings,
                                                 django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 2
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(good_rows()))
    with django_capture_on_commit_callbacks(execute=True):
        handed = import_confirm(actor=setup["admin"], run=run)
    assert handed.status == ImportStatus.IMPORTING
    job = JobRun.objects.get(pk=handed.job_id)
    run.refresh_from_db()
    assert run.status == ImportStatus.IMPORTED
    assert run.written_count == 3
    assert (job.status, job.kind, job.requested_by_id) == ("succeeded", "import",
                                                           setup["admin"].pk)
    assert job.result == {"url": f"/imports/runs/{run.pk}/result/"}
    assert (job.done, job.total) == (6, 6)
    created = User.objects.get(username="zhangsan")
    assert created.history.order_by("history_id").first().history_channel == "import"


@pytest.mark.django_db
def test_a_background_import_that_finds_errors_fails_its_job(setup, settings,
                                                             django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 2
    run = import_upload(actor=setup["admin"], key="users", upload=xlsx_upload(good_rows()))
    accounts.user_create(actor=None, tenant=setup["world"].tenant, username="zhangsan",
                         password="Linli-Test-2026!")
    with django_capture_on_commit_callbacks(execute=True):
        handed = import_confirm(actor=setup["admin"], run=run)
    run.refresh_from_db()
    job = JobRun.objects.get(pk=handed.job_id)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {"row": 2, "column": "用户名", "value": "zhangsan", "message": "This username is taken."},
        {"row": 4, "column": "用户名", "value": "zhangsan", "message": "This username is taken."},
    ]
    assert (job.status, job.message) == ("failed", "Nothing was imported: 2 rows have errors.")
    assert not User.objects.filter(username="lisi").exists()
