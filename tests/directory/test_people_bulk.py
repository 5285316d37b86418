"""Saving many people at once: the import's batches keep relations across batches, write history
with the importer and the channel, cost the same statements for more rows, and the batch save
refuses what ``unit_relation_add`` refuses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.services import import_confirm, import_upload
from linli.directory.importers import people as people_import
from linli.directory.models import Person, PersonPhone, UnitRelation
from linli.directory.services import people as people_services
from linli.directory.services.people_bulk import RelationDraft, people_save_many
from tests.builders import make_user
from tests.core.exchange.conftest import xlsx_upload
from tests.directory.builders import make_building, make_community, make_person, make_units
from tests.directory.test_imports_bulk import id_number

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "性别", "身份证号", "手机", "小区", "房号", "身份", "开始日期"]
PERMS = ["directory.view_community", "directory.view_unit", "directory.view_person",
         "directory.add_person", "directory.add_unitrelation"]


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园")
    make_units(make_building(community, "1", floors=10, sections=2), units_per_floor=4)
    return community


@pytest.fixture
def importer(world):
    return make_user(world.tenant, world.branch_a, PERMS)


def confirm(actor, rows):
    run = import_upload(actor=actor, key="directory-people", upload=xlsx_upload(rows))
    assert run.errors == []
    return import_confirm(actor=actor, run=run)


def test_a_person_across_batches_keeps_every_unit_and_the_history_names_the_importer(
        world, estate, importer, monkeypatch):
    monkeypatch.setattr(people_import, "WRITE_BATCH", 2)
    rows = [HEADER,
            ["曾小明", "", id_number(1), "13800001111", "阳光花园", "1-1-101", "业主", ""],
            ["李四", "", id_number(2), "13800002222", "阳光花园", "1-1-102", "业主", ""],
            ["王五", "", "", "13800003333", "阳光花园", "1-1-103", "租户", ""],
            # The same person again, two batches after the first row saved them.
            ["曾小明", "", id_number(1), "", "阳光花园", "1-2-201", "共有人", ""],
            ["王五", "", "", "13800003333", "阳光花园", "1-2-202", "住户", ""]]
    run = confirm(importer, rows)
    assert (run.status, run.written_count) == (ImportStatus.IMPORTED, 5)
    assert Person.objects.count() == 3
    zeng = Person.objects.get(name="曾小明")
    assert sorted(UnitRelation.objects.filter(person=zeng).values_list(
        "unit__room_code", "role")) == [("1-1-101", "owner"), ("1-2-201", "co_owner")]
    wang = Person.objects.get(name="王五")
    assert UnitRelation.objects.filter(person=wang).count() == 2
    # Derived keys are the product's own: surname reading, last four digits, ID birthday.
    assert (zeng.name_pinyin, zeng.name_initials) == ("zengxiaoming", "zxm")
    assert zeng.birthday is not None and zeng.gender
    assert PersonPhone.objects.get(person=zeng).last4 == "1111"
    entry = zeng.history.get()
    assert (entry.history_type, entry.history_user_id, entry.history_channel) == (
        "+", importer.pk, "import")
    relation_history = UnitRelation.history.filter(person_id=zeng.pk)
    assert {h.history_channel for h in relation_history} == {"import"}
    # The keys came from the tables' own sequences: the next person saved the ordinary way
    # gets a key of their own.
    later = make_person(world, "后来者", phones=["13800009999"])
    assert later.pk > max(Person.objects.exclude(pk=later.pk).values_list("pk", flat=True))


def _rows(count: int) -> list[list]:
    codes = [f"1-{s}-{f}0{u}" for s in (1, 2) for f in range(1, 11) for u in range(1, 5)]
    return [HEADER] + [[f"住户{n}", "", id_number(n), f"139{n:08d}", "阳光花园", codes[n],
                        "住户", ""] for n in range(count)]


def test_writing_more_rows_costs_no_more_statements(world, estate, importer):
    counts = []
    for rows in (_rows(10), _rows(60)):
        run = import_upload(actor=importer, key="directory-people", upload=xlsx_upload(rows))
        with CaptureQueriesContext(connection) as queries:
            run = import_confirm(actor=importer, run=run)
        assert run.status == ImportStatus.IMPORTED
        counts.append(len(queries))
        UnitRelation.objects.all().delete()
        Person.objects.all().delete()
    # One row at a time took some twenty statements a row; now the statements are a batch's,
    # of which SQLite splits the widest INSERTs by its limit of parameters a statement.
    assert counts[1] < 60
    assert counts[1] - counts[0] <= 4


def _draft(world, name="张三"):
    return people_services.person_draft(actor=None, tenant=world.tenant,
                                        org_unit=world.branch_a, name=name,
                                        phones=["13800001111"])


def test_a_unit_of_another_company_is_refused_and_nothing_is_saved(world, estate):
    other = make_community(world, name="别家小区", org_unit=world.other_root)
    foreign = make_units(make_building(other, "9", floors=1))[0]
    draft = _draft(world)
    with pytest.raises(ValidationError) as error:
        people_save_many(actor=None, drafts=[draft],
                         relations=[RelationDraft(draft.person, foreign, "owner")])
    assert "another company" in str(error.value)
    assert Person.objects.count() == PersonPhone.objects.count() == 0


def test_a_unit_outside_the_actors_communities_is_refused(world, estate):
    elsewhere = make_community(world, name="南区", org_unit=world.branch_b)
    unit = make_units(make_building(elsewhere, "2", floors=1))[0]
    actor = make_user(world.tenant, world.branch_a, PERMS)
    draft = people_services.person_draft(actor=actor, tenant=world.tenant,
                                         org_unit=world.branch_a, name="张三")
    with pytest.raises(ValidationError) as error:
        people_save_many(actor=actor, drafts=[draft],
                         relations=[RelationDraft(draft.person, unit, "owner")])
    assert "community you manage" in str(error.value)
    assert Person.objects.count() == 0


def test_without_the_relation_right_nothing_is_saved(world, estate):
    actor = make_user(world.tenant, world.branch_a, ["directory.add_person",
                                                     "directory.view_unit"])
    draft = people_services.person_draft(actor=actor, tenant=world.tenant,
                                         org_unit=world.branch_a, name="张三")
    unit = estate.units.first()
    with pytest.raises(PermissionDenied):
        people_save_many(actor=actor, drafts=[draft],
                         relations=[RelationDraft(draft.person, unit, "owner")])
    assert Person.objects.count() == 0


def test_a_merged_person_gets_no_new_relation(world, estate):
    merged = make_person(world, "旧记录")
    survivor = make_person(world, "新记录")
    Person.objects.filter(pk=merged.pk).update(merged_into=survivor)
    merged.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        people_save_many(actor=None, drafts=[],
                         relations=[RelationDraft(merged, estate.units.first(), "owner")])
    assert "was merged" in str(error.value)
    assert UnitRelation.objects.count() == 0


def test_a_start_date_before_1900_is_refused(world, estate):
    import datetime
    draft = _draft(world)
    with pytest.raises(ValidationError) as error:
        people_save_many(actor=None, drafts=[draft], relations=[
            RelationDraft(draft.person, estate.units.first(), "owner",
                          datetime.date(523, 11, 6))])
    assert error.value.message_dict == {"start_date": ["Enter a date after 1900."]}
    assert Person.objects.count() == 0
    person = make_person(world, "李四")
    with pytest.raises(ValidationError) as error:
        people_services.unit_relation_add(actor=None, person=person, unit=estate.units.first(),
                                          role="owner", start_date=datetime.date(523, 11, 6))
    assert error.value.message_dict == {"start_date": ["Enter a date after 1900."]}
    assert UnitRelation.objects.count() == 0
