"""OUT-5 channels as data: listed, added and changed through the API and the screen with their
owner department and day of the month (1–31, or none for an irregular channel); a day past a
short month's end is its last day, rolled to a working day; bad input and other tenants."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from linli.outreach import services
from linli.outreach.models import DistributionChannel
from tests.builders import make_user
from tests.directory.test_organizations_api import Api
from tests.outreach.distribution_builders import DISTRIBUTOR, channel, make_edition

pytestmark = pytest.mark.django_db

CHANNEL_KEEPER = [*DISTRIBUTOR, "outreach.add_distributionchannel",
                  "outreach.change_distributionchannel"]


@pytest.fixture
def keeper(world):
    return make_user(world.tenant, world.root, CHANNEL_KEEPER, username="keeper")


def _rows(api) -> list[tuple]:
    return [(c["code"], c["department"], c["day_of_month"], c["active"])
            for c in api.get("/outreach/distribution-channels").json()]


def test_api_adds_and_changes_channels(world, keeper):
    services.channels_install(tenant=world.tenant)
    api = Api(keeper)
    created = api.post("/outreach/distribution-channels", {
        "code": "douyin", "name": "抖音", "medium": "social", "department": "市场部"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["code"], body["medium"], body["day_of_month"], body["active"]) == (
        "douyin", "social", None, True)
    month_end = api.post("/outreach/distribution-channels", {
        "code": "email-month-end", "name": "月末邮件", "medium": "email",
        "department": " 商务部 ", "day_of_month": 31}).json()
    assert (month_end["department"], month_end["day_of_month"]) == ("商务部", 31)
    changed = api.patch(f"/outreach/distribution-channels/{body['id']}",
                        {"day_of_month": 20, "department": "运营推广部"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["day_of_month"], changed.json()["department"]) == (20, "运营推广部")
    # null makes it irregular again; a field not sent stays as it was.
    again = api.patch(f"/outreach/distribution-channels/{body['id']}",
                      {"day_of_month": None, "active": False}).json()
    assert (again["day_of_month"], again["active"], again["name"]) == (None, False, "抖音")
    assert _rows(api) == [
        ("paper", "业务拓展部、客服部、代理商", 10, True), ("email", "商务部", 13, True),
        ("website", "市场部", 13, True), ("email-month-end", "商务部", 31, True),
        ("wechat-weibo", "运营推广部", None, True), ("qq-groups", "业务拓展部、客服部", None, True),
        ("douyin", "运营推广部", None, False)]


@pytest.mark.parametrize(("payload", "fields"), [
    ({"day_of_month": 0}, {"day_of_month": [
        "Give a day of the month from 1 to 31, or none for an irregular channel."]}),
    ({"day_of_month": 32}, {"day_of_month": [
        "Give a day of the month from 1 to 31, or none for an irregular channel."]}),
    ({"code": "email"}, {"code": ["Your organisation already has a channel with this code."]}),
])
def test_api_refuses_bad_channels_and_writes_nothing(world, keeper, payload, fields):
    services.channels_install(tenant=world.tenant)
    api = Api(keeper)
    answer = api.post("/outreach/distribution-channels", {
        "code": "new", "name": "新渠道", "medium": "email", "department": "商务部", **payload})
    assert answer.status_code == 422, answer.content
    assert answer.json()["fields"] == fields
    assert DistributionChannel.objects.filter(tenant=world.tenant).count() == 5


def test_api_refuses_a_bad_change_and_keeps_the_channel(world, keeper):
    email = channel(world, "email")
    api = Api(keeper)
    for day in (0, 32, 1000):
        answer = api.patch(f"/outreach/distribution-channels/{email.pk}", {"day_of_month": day})
        assert answer.status_code == 422, answer.content
        assert answer.json()["fields"] == {"day_of_month": [
            "Give a day of the month from 1 to 31, or none for an irregular channel."]}
    unknown = api.post("/outreach/distribution-channels", {
        "code": "fax", "name": "传真", "medium": "fax", "department": "商务部"})
    assert unknown.status_code == 422
    email.refresh_from_db()
    assert (email.day_of_month, email.medium) == (13, "email")


def test_channels_of_another_tenant_are_out_of_reach(world, keeper):
    email = channel(world, "email")
    stranger = make_user(world.other_tenant, world.other_root, CHANNEL_KEEPER)
    api = Api(stranger)
    assert api.get("/outreach/distribution-channels").json() == []
    assert api.patch(f"/outreach/distribution-channels/{email.pk}",
                     {"day_of_month": 1}).status_code == 404
    # The same code is free in another organisation, and stays there.
    assert api.post("/outreach/distribution-channels", {
        "code": "email", "name": "邮件", "medium": "email", "department": "商务部",
        "day_of_month": 5}).status_code == 201
    email.refresh_from_db()
    assert email.day_of_month == 13
    assert [c["day_of_month"] for c in Api(keeper).get(
        "/outreach/distribution-channels").json() if c["code"] == "email"] == [13]


def test_adding_or_changing_needs_the_right(world):
    email = channel(world, "email")
    api = Api(make_user(world.tenant, world.root, DISTRIBUTOR))
    assert api.post("/outreach/distribution-channels", {
        "code": "new", "name": "新渠道", "medium": "email",
        "department": "商务部"}).status_code == 403
    assert api.patch(f"/outreach/distribution-channels/{email.pk}",
                     {"day_of_month": 1}).status_code == 403
    with pytest.raises(ValidationError):
        services.channel_update(actor=None, channel=email, name="  ")


@pytest.mark.parametrize(("month", "expected"), [
    # April has 30 days: the 31st is the 30th, a Thursday.
    (dt.date(2026, 4, 1), dt.date(2026, 4, 30)),
    # 31 January 2026 is a Saturday: the next working day is Monday 2 February.
    (dt.date(2026, 1, 1), dt.date(2026, 2, 2)),
    # February 2026 has 28 days: the 28th is a Saturday, a make-up working day of the Spring
    # Festival, so it stays.
    (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
])
def test_a_day_past_the_months_end_is_its_last_day(world, keeper, month, expected):
    month_end = services.channel_create(actor=keeper, tenant=world.tenant, code="month-end",
                                        name="月末邮件", medium="email", department="商务部",
                                        day_of_month=31)
    distribution = services.distribution_create(
        actor=keeper, tenant=world.tenant, org_unit=world.root,
        edition=make_edition(world, month=month), channel=month_end)
    assert distribution.scheduled_for == expected


def test_channel_screen_takes_days_up_to_31(world, keeper):
    email = channel(world, "email")
    client = Client()
    client.force_login(keeper)
    url = f"/outreach/channels/{email.pk}/edit/"
    form = {"name": "电子邮件", "department": "商务部", "active": "on"}
    refused = client.post(url, {**form, "day_of_month": "32"})
    assert "Ensure this value is less than or equal to 31." in refused.content.decode()
    assert client.post(url, {**form, "day_of_month": "31"}).status_code == 302
    email.refresh_from_db()
    assert email.day_of_month == 31
