"""Services of people: ID numbers, phones, unit relations, ownership transfer, family."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.core.events import DomainEvent
from linli.directory.models import Person, PersonPhone, PersonRelation, UnitRelation
from linli.directory.services import people as services
from linli.directory.services.people import validate_id_number
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person, make_unit

pytestmark = pytest.mark.django_db

MANAGER_PERMS = [
    "directory.view_person", "directory.add_person", "directory.change_person",
    "directory.view_unit", "directory.view_unitrelation", "directory.add_unitrelation",
    "directory.change_unitrelation", "directory.add_personrelation",
    "directory.delete_personrelation", "directory.view_personrelation",
]


def _messages(exc_info, field):
    return exc_info.value.message_dict[field]


# --- ID numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),
    (" 110101198001010010 ", "110101198001010010"),
    ("110105200002290013", "110105200002290013"),  # 29 February of a leap year
])
def test_valid_id_numbers(raw, expected):
    assert validate_id_number(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("110105194912310021",
     "This ID number is not valid: its last character does not match the others. Please "
     "check it for typing errors."),
    ("110105190002290014",
     "The birth date in this ID number (characters 7 to 14: 19000229) is not a valid date."),
    ("110105199913310012",
     "The birth date in this ID number (characters 7 to 14: 19991331) is not a valid date."),
    ("110105491231002",
     "Old 15-digit ID numbers are not accepted; enter the 18-digit number from the current "
     "ID card."),
    ("1101051949123100", "An ID number has 18 characters; this one has 16."),
    ("11010519491231002Y", "An ID number has 17 digits followed by a digit or the letter X."),
])
def test_invalid_id_numbers(raw, message):
    with pytest.raises(ValidationError) as exc_info:
        validate_id_number(raw)
    assert exc_info.value.messages == [message]


@pytest.mark.parametrize("utc, day, later", [
    # 20:00 UTC on 6 December is 04:00 on 7 December in Shanghai.
    ("2026-12-06T20:00:00", "2026-12-07", False),
    ("2026-12-06T20:00:00", "2026-12-08", True),
    ("2026-12-06T20:00:00", "2026-12-06", False),
    ("2026-12-06T12:00:00", "2026-12-07", True),
    ("2026-12-06T12:00:00", "2026-12-05", False),
    ("2026-12-06T12:00:00", "1990-01-01", False),
])
def test_after_today_is_reckoned_by_the_sites_calendar(monkeypatch, settings, utc, day, later):
    settings.TIME_ZONE = "Asia/Shanghai"
    now = datetime.datetime.fromisoformat(utc).replace(tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    assert services.after_today(datetime.date.fromisoformat(day)) is later


def test_birthday_and_gender_come_from_the_id_number(world):
    woman = make_person(world, "王芳", id_number="11010519491231002X")  # 17th digit 2: even
    assert (woman.birthday, woman.gender) == (datetime.date(1949, 12, 31), "female")
    man = make_person(world, "赵六", id_number="110101198001010010")  # 17th digit 1: odd
    assert (man.birthday, man.gender) == (datetime.date(1980, 1, 1), "male")


def test_given_birthday_and_gender_are_kept(world):
    person = make_person(world, "钱七", id_number="11010519491231002X",
                         birthday=datetime.date(1950, 1, 1), gender="female")
    assert (person.birthday, person.gender) == (datetime.date(1950, 1, 1), "female")


def test_bad_id_number_refuses_the_person(world):
    with pytest.raises(ValidationError) as exc_info:
        make_person(world, "孙八", id_number="110105491231002")
    assert _messages(exc_info, "id_number") == [
        "Old 15-digit ID numbers are not accepted; enter the 18-digit number from the current "
        "ID card."]
    assert Person.objects.count() == 0


def test_same_id_number_twice_is_stored(world):
    make_person(world, "甲", id_number="11010519491231002X")
    make_person(world, "乙", id_number="11010519491231002X")
    assert Person.objects.filter(id_number="11010519491231002X").count() == 2


# --- people and phones ----------------------------------------------------------------------

def test_person_create_fills_keys_and_phones(world):
    person = make_person(world, "曾小明", phones=["138 0013 8000", "+86 13800138000",
                                                  {"number": "010-12345678", "kind": "home",
                                                   "is_preferred": True}],
                         tags=["VIP", " VIP ", "业委会"])
    assert (person.name_pinyin, person.name_initials) == ("zengxiaoming", "zxm")
    assert person.tags == ["VIP", "业委会"]
    phones = list(PersonPhone.objects.filter(person=person).order_by("id").values_list(
        "number", "last4", "kind", "is_preferred", "org_unit_id"))
    assert phones == [
        ("+8613800138000", "8000", "mobile", False, world.branch_a.pk),
        ("+861012345678", "5678", "home", True, world.branch_a.pk),
    ]


def test_first_phone_is_preferred_when_none_marked(world):
    person = make_person(world, phones=["13800138000", "13900139000"])
    assert list(person.phones.order_by("id").values_list("is_preferred", flat=True)) == [
        True, False]


def test_bad_phone_is_named_in_the_error(world):
    with pytest.raises(ValidationError) as exc_info:
        make_person(world, phones=["13800138000", "12345"])
    assert _messages(exc_info, "phones") == [
        "“12345” is not a valid phone number. Enter an 11-digit mobile number or a landline "
        "with its area code, e.g. 010-12345678."]
    assert Person.objects.count() == 0


def test_name_is_required(world):
    with pytest.raises(ValidationError) as exc_info:
        make_person(world, "  ")
    assert _messages(exc_info, "name") == ["Enter the person's name."]


def test_create_outside_scope_is_refused(world):
    actor = make_user(world.tenant, world.branch_b, MANAGER_PERMS)
    with pytest.raises(ValidationError) as exc_info:
        services.person_create(actor=actor, tenant=world.tenant, org_unit=world.branch_a,
                               name="张三")
    assert _messages(exc_info, "org_unit") == ["Choose a unit where you may manage people."]
    other = make_user(world.other_tenant, world.other_root, MANAGER_PERMS)
    with pytest.raises(PermissionDenied):
        services.person_create(actor=other, tenant=world.tenant, org_unit=world.branch_a,
                               name="张三")


def test_person_update_moves_phones_and_relations(world):
    person = make_person(world, phones=["13800138000"])
    actor = make_user(world.tenant, world.root, MANAGER_PERMS)
    services.person_update(actor=actor, person=person, org_unit=world.branch_b,
                           name="张三丰", phones=["13900139000", "13800138000"])
    person.refresh_from_db()
    assert (person.name, person.name_pinyin, person.org_unit_id) == (
        "张三丰", "zhangsanfeng", world.branch_b.pk)
    assert list(person.phones.order_by("id").values_list("number", "is_preferred",
                                                         "org_unit_id")) == [
        ("+8613800138000", False, world.branch_b.pk),
        ("+8613900139000", True, world.branch_b.pk),
    ]


def test_phone_add_remove_and_preferred(world):
    person = make_person(world, phones=["13800138000"])
    actor = make_user(world.tenant, world.branch_a, MANAGER_PERMS)
    second = services.person_phone_add(actor=actor, person=person, number="139-0013-9000",
                                       preferred=True)
    first = person.phones.get(number="+8613800138000")
    assert (first.is_preferred, second.is_preferred) == (False, True)
    services.person_phone_set_preferred(actor=actor, phone=first)
    assert list(person.phones.filter(is_preferred=True).values_list("number", flat=True)) == [
        "+8613800138000"]
    services.person_phone_remove(actor=actor, phone=person.phones.get(number="+8613800138000"))
    assert list(person.phones.values_list("number", "is_preferred")) == [
        ("+8613900139000", True)]
    with pytest.raises(ValidationError) as exc_info:
        services.person_phone_add(actor=actor, person=person, number="13900139000")
    assert _messages(exc_info, "number") == ["张三 already has this phone number."]
    with pytest.raises(ValidationError) as exc_info:
        services.person_phone_add(actor=actor, person=person, number="abc")
    assert _messages(exc_info, "number") == [
        "A phone number may contain only digits, spaces, dashes and a leading +."]


def test_phone_change_needs_the_right_at_the_person(world):
    person = make_person(world, phones=["13800138000"])
    sibling = make_user(world.tenant, world.branch_b, MANAGER_PERMS)
    with pytest.raises(PermissionDenied):
        services.person_phone_add(actor=sibling, person=person, number="13900139000")


# --- unit relations -------------------------------------------------------------------------

@pytest.fixture
def unit(world):
    community = make_community(world, "阳光花园")
    return make_unit(make_building(community, "3", floors=20), floor=15, number="1502")


def test_unit_relation_add_and_end(world, unit):
    person = make_person(world)
    actor = make_user(world.tenant, world.branch_a, MANAGER_PERMS)
    relation = services.unit_relation_add(actor=actor, person=person, unit=unit, role="owner",
                                          start_date=datetime.date(2020, 5, 1))
    assert (relation.org_unit_id, relation.end_date) == (world.branch_a.pk, None)
    with pytest.raises(ValidationError) as exc_info:
        services.unit_relation_add(actor=actor, person=person, unit=unit, role="owner")
    assert _messages(exc_info, "role") == ["张三 is already owner of 3-1502."]
    with pytest.raises(ValidationError) as exc_info:
        services.unit_relation_end(actor=actor, relation=relation,
                                   end_date=datetime.date(2019, 1, 1))
    assert _messages(exc_info, "end_date") == [
        "The end date is before the start date (2020-05-01)."]
    services.unit_relation_end(actor=actor, relation=relation,
                               end_date=datetime.date(2024, 1, 31))
    relation.refresh_from_db()
    assert relation.end_date == datetime.date(2024, 1, 31)
    with pytest.raises(ValidationError) as exc_info:
        services.unit_relation_end(actor=actor, relation=relation)
    assert _messages(exc_info, "end_date") == ["This relation already ended on 2024-01-31."]


def test_relation_to_another_tenants_unit_is_refused(world):
    foreign_community = make_community(world, "别人的小区", org_unit=world.other_root)
    foreign_unit = make_unit(make_building(foreign_community, "1"), floor=1, number="101")
    person = make_person(world)
    with pytest.raises(ValidationError) as exc_info:
        services.unit_relation_add(actor=None, person=person, unit=foreign_unit, role="owner")
    assert _messages(exc_info, "unit") == [
        "This unit belongs to another company's community; choose a unit of your own."]
    assert UnitRelation.objects.count() == 0


def test_relation_to_a_unit_outside_the_actors_scope_is_refused(world):
    hidden = make_community(world, "华南小区", org_unit=world.branch_b)
    hidden_unit = make_unit(make_building(hidden, "1"), floor=1, number="101")
    actor = make_user(world.tenant, world.branch_a, MANAGER_PERMS)
    with pytest.raises(ValidationError) as exc_info:
        services.unit_relation_add(actor=actor, person=make_person(world), unit=hidden_unit,
                                   role="resident")
    assert _messages(exc_info, "unit") == ["Choose a unit in a community you manage."]


def test_ownership_transfer_closes_and_opens_relations(world, unit):
    actor = make_user(world.tenant, world.branch_a, MANAGER_PERMS)
    old_owner, old_co = make_person(world, "张三"), make_person(world, "李四")
    services.unit_relation_add(actor=None, person=old_owner, unit=unit, role="owner",
                               start_date=datetime.date(2015, 1, 1))
    services.unit_relation_add(actor=None, person=old_co, unit=unit, role="co_owner",
                               start_date=datetime.date(2015, 1, 1))
    renter = make_person(world, "租客")
    services.unit_relation_add(actor=None, person=renter, unit=unit, role="renter")
    buyer, spouse = make_person(world, "王五"), make_person(world, "赵六")
    day = datetime.date(2024, 6, 1)
    opened = services.ownership_transfer(actor=actor, unit=unit, new_owners=[buyer, spouse],
                                         date=day)
    assert [(r.person.name, r.role, r.start_date) for r in opened] == [
        ("王五", "owner", day), ("赵六", "co_owner", day)]
    rows = UnitRelation.objects.filter(unit=unit).order_by("id")
    assert [(r.person.name, r.role, r.start_date, r.end_date) for r in rows] == [
        ("张三", "owner", datetime.date(2015, 1, 1), day),
        ("李四", "co_owner", datetime.date(2015, 1, 1), day),
        ("租客", "renter", None, None),
        ("王五", "owner", day, None),
        ("赵六", "co_owner", day, None),
    ]
    closed = UnitRelation.objects.get(person=old_owner)
    assert [h.history_type for h in closed.history.order_by("history_id")] == ["+", "~"]
    event = DomainEvent.objects.get(subject_id=unit.pk, verb="ownership_transferred")
    assert (event.old_value, event.new_value, event.actor_id) == ("张三, 李四", "王五, 赵六",
                                                                  actor.pk)
    assert event.data == {"date": "2024-06-01", "from": [old_owner.pk, old_co.pk],
                          "to": [buyer.pk, spouse.pk]}


def test_ownership_transfer_refusals(world, unit):
    owner = make_person(world, "张三")
    services.unit_relation_add(actor=None, person=owner, unit=unit, role="owner",
                               start_date=datetime.date(2020, 1, 1))
    buyer = make_person(world, "王五")
    with pytest.raises(ValidationError) as exc_info:
        services.ownership_transfer(actor=None, unit=unit, new_owners=[], date=None)
    assert exc_info.value.message_dict == {
        "new_owners": ["Choose at least one new owner."],
        "date": ["Enter the date of the transfer."]}
    with pytest.raises(ValidationError) as exc_info:
        services.ownership_transfer(actor=None, unit=unit, new_owners=[buyer],
                                    date=datetime.date(2019, 12, 31))
    assert _messages(exc_info, "date") == [
        "张三 became owner on 2020-01-01, after this transfer date."]
    foreigner = services.person_create(actor=None, tenant=world.other_tenant,
                                       org_unit=world.other_root, name="外人")
    with pytest.raises(ValidationError) as exc_info:
        services.ownership_transfer(actor=None, unit=unit, new_owners=[foreigner],
                                    date=datetime.date(2024, 1, 1))
    assert _messages(exc_info, "new_owners") == ["Choose people of your own company."]
    assert UnitRelation.objects.filter(unit=unit, end_date__isnull=True).count() == 1


def test_ownership_transfer_of_a_hidden_unit_is_refused(world, unit):
    sibling = make_user(world.tenant, world.branch_b, MANAGER_PERMS)
    with pytest.raises(PermissionDenied):
        services.ownership_transfer(actor=sibling, unit=unit,
                                    new_owners=[make_person(world, org_unit=world.branch_b)],
                                    date=datetime.date(2024, 1, 1))


# --- family ---------------------------------------------------------------------------------

def test_family_add_and_remove(world):
    actor = make_user(world.tenant, world.branch_a, MANAGER_PERMS)
    child, mother = make_person(world, "小明"), make_person(world, "王芳")
    tie = services.family_relation_add(actor=actor, person=child, relative=mother,
                                       kind="child")
    assert (tie.person_id, tie.relative_id, tie.kind, tie.org_unit_id) == (
        child.pk, mother.pk, "child", world.branch_a.pk)
    with pytest.raises(ValidationError) as exc_info:
        services.family_relation_add(actor=actor, person=mother, relative=child,
                                     kind="parent")
    assert _messages(exc_info, "relative") == ["王芳 and 小明 are already recorded as family."]
    services.family_relation_remove(actor=actor, relation=tie)
    assert PersonRelation.objects.count() == 0


def test_family_self_relation_is_refused(world):
    person = make_person(world)
    with pytest.raises(ValidationError) as exc_info:
        services.family_relation_add(actor=None, person=person, relative=person,
                                     kind="spouse")
    assert _messages(exc_info, "relative") == ["A person cannot be their own relative."]


def test_family_across_tenants_is_refused(world):
    person = make_person(world)
    foreigner = services.person_create(actor=None, tenant=world.other_tenant,
                                       org_unit=world.other_root, name="外人")
    with pytest.raises(ValidationError) as exc_info:
        services.family_relation_add(actor=None, person=person, relative=foreigner,
                                     kind="spouse")
    assert _messages(exc_info, "relative") == ["Choose a person of your own company."]
