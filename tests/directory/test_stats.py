"""Community profile statistics (DIR-6): exact distributions on a small fixture, the page, its
export and scope."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.directory.selectors.stats import community_profile
from linli.directory.services import people as people_services
from linli.directory.services import property as property_services
from tests.builders import make_user
from tests.directory.builders import make_building, make_community, make_person, make_units

pytestmark = pytest.mark.django_db

VIEW = ["directory.view_community", "directory.view_person", "directory.view_unit"]


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day + datetime.timedelta(days=days)


def relate(person, unit, role, start=None, end=None):
    relation = people_services.unit_relation_add(actor=None, person=person, unit=unit, role=role,
                                                 start_date=start)
    if end:
        people_services.unit_relation_end(actor=None, relation=relation, end_date=end)
    return relation


@pytest.fixture
def estate(world):
    community = make_community(world, name="阳光花园")
    units = make_units(make_building(community, "1", floors=3), units_per_floor=2)
    for unit, status in zip(units, ["occupied", "occupied", "rented", "vacant"], strict=False):
        property_services.unit_set_status(actor=None, unit=unit, status=status)
    elsewhere = make_units(make_building(make_community(world, name="别处"), "1", floors=1),
                           units_per_floor=1)
    people = {
        "a": make_person(world, "甲", occupation="教师", birthday=years_ago(25),
                         household_size=3),
        "b": make_person(world, "乙", occupation="教师", birthday=years_ago(25, days=1),
                         household_size=5),
        "c": make_person(world, "丙", occupation="工程师", birthday=datetime.date(1950, 6, 15)),
        "d": make_person(world, "丁", household_size=7),
        "e": make_person(world, "戊", occupation="司机", birthday=datetime.date(1990, 3, 1),
                         household_size=1),
        "f": make_person(world, "己", occupation="医生"),
        "g": make_person(world, "庚", occupation="律师", org_unit=world.branch_b),
    }
    relate(people["a"], units[0], "owner")
    relate(people["b"], units[0], "co_owner", start=datetime.date(2019, 1, 1))
    relate(people["c"], units[2], "renter", start=datetime.date(2022, 1, 1))
    relate(people["d"], units[1], "resident")
    relate(people["e"], units[2], "renter", start=datetime.date(2020, 1, 1),
           end=datetime.date(2022, 6, 30))
    relate(people["f"], elsewhere[0], "owner")
    relate(people["g"], units[3], "owner")
    return community


def test_profile_of_the_current_year_is_exact(world, estate):
    branch_user = make_user(world.tenant, world.branch_a, VIEW)
    profile = community_profile(branch_user, estate, timezone.localdate().year)
    assert profile.reference_date == timezone.localdate()
    assert profile.people == 4
    assert profile.occupation == [("教师", 2), ("工程师", 1), ("Not recorded", 1)]
    assert profile.age == [("Under 25", 1), ("25–34", 1), ("35–44", 0), ("45–54", 0),
                           ("55–64", 0), ("65 and over", 1), ("Not recorded", 1)]
    assert profile.household_size == [("1", 0), ("2", 0), ("3", 1), ("4", 0), ("5+", 2),
                                      ("Not recorded", 1)]
    assert profile.tenure == [("Owners", 2), ("Renters", 1), ("Residents", 1)]
    assert profile.occupancy == [("Unsold", 2), ("Sold", 0), ("Delivered", 0), ("Occupied", 2),
                                 ("Rented", 1), ("Vacant", 1)]
    # A user of the whole company also sees 庚 of the other branch.
    admin = make_user(world.tenant, world.root, VIEW)
    profile = community_profile(admin, estate, timezone.localdate().year)
    assert (profile.people, profile.tenure[0]) == (5, ("Owners", 3))
    assert ("律师", 1) in profile.occupation


def test_an_earlier_year_counts_the_relations_of_that_year(world, estate):
    profile = community_profile(make_user(world.tenant, world.branch_a, VIEW), estate, 2021)
    assert profile.reference_date == datetime.date(2021, 12, 31)
    # 丙 rents only from 2022; 戊 rented until mid-2022, so on 31 December 2021 still did.
    assert profile.people == 4
    assert profile.occupation == [("教师", 2), ("司机", 1), ("Not recorded", 1)]
    assert profile.tenure == [("Owners", 2), ("Renters", 1), ("Residents", 1)]


def test_occupations_beyond_the_top_ten_are_other(world):
    community = make_community(world, name="大社区")
    units = make_units(make_building(community, "1", floors=1), units_per_floor=1)
    names = ["A", "A", "A", "B", "B", *[f"J{n:02d}" for n in range(10)]]
    for index, occupation in enumerate(names):
        relate(make_person(world, f"人{index}", occupation=occupation), units[0], "resident")
    profile = community_profile(make_user(world.tenant, world.root, VIEW), community, 2025)
    assert profile.occupation == [("A", 3), ("B", 2), *[(f"J{n:02d}", 1) for n in range(8)],
                                  ("Other", 2)]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_chooser_charts_and_export(world, estate):
    client = client_for(make_user(world.tenant, world.branch_a, VIEW))
    page = client.get(reverse("directory:statistics"))
    assert page.status_code == 200
    assert "阳光花园" in page.content.decode()
    year = timezone.localdate().year
    chosen = client.get(reverse("directory:statistics"), {"community": estate.pk, "year": "x"})
    url = reverse("directory:statistics_community", args=[estate.pk])
    assert chosen.headers["Location"] == f"{url}?year={year}"
    page = client.get(url, {"year": year})
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="occupancy"' in body and "vendor/echarts/echarts.min.js" in body
    assert [c["key"] for c in page.context["charts"]] == ["occupation", "age", "household_size",
                                                          "tenure", "occupancy"]
    export = client.get(url, {"year": year, "export": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ("Chart", "Label", "Count")
    assert ("Owners and renters", "Owners", 2) in rows
    assert ("Unit status", "Occupied", 2) in rows
    assert len(rows) == 1 + 3 + 7 + 6 + 3 + 6


def test_another_tenants_community_is_404_and_the_permission_is_needed(world, estate):
    other = make_community(world, name="乙方小区", org_unit=world.other_root)
    outsider = client_for(make_user(world.other_tenant, world.other_root, VIEW))
    assert outsider.get(reverse("directory:statistics_community",
                                args=[estate.pk])).status_code == 404
    assert outsider.get(reverse("directory:statistics_community",
                                args=[other.pk])).status_code == 200
    sibling = client_for(make_user(world.tenant, world.branch_b, VIEW))
    assert sibling.get(reverse("directory:statistics_community",
                               args=[estate.pk])).status_code == 404
    clerk = client_for(make_user(world.tenant, world.root, ["directory.view_person"]))
    assert clerk.get(reverse("directory:statistics")).status_code == 403
