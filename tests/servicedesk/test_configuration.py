"""The service desk's configuration (SVC-2 … SVC-4): the writers of categories, the priority
matrix, the desk policy, the deactivations and the first install; the screens an administrator
tunes it with; the categories' POST and PUT. Bad input writes nothing; another tenant's user
gets 404 and a user without the permission 403."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from linli.servicedesk import selectors, services
from linli.servicedesk.models import (
    Category,
    DeskPolicy,
    PriorityRule,
    RoutingRule,
    ServiceClock,
    ServiceLevel,
)
from tests.builders import make_unit, make_user
from tests.servicedesk.builders import SEE

pytestmark = pytest.mark.django_db

CONFIG = [*SEE, *[f"servicedesk.{a}_{m}" for m in ("servicelevel", "serviceclock",
                                                     "routingrule", "category", "priorityrule",
                                                     "deskpolicy")
                  for a in ("view", "add", "change")]]


@pytest.fixture
def config_admin(desk):
    return make_user(desk.world.tenant, desk.world.root, CONFIG, username="cfg.admin",
                     display_name="配置管理员")


@pytest.fixture
def outsider(desk):
    """A superuser of the other tenant: sees nothing of tenant A."""
    return make_user(desk.world.other_tenant, desk.world.other_root, CONFIG, superuser=True)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def _snapshot(tenant) -> tuple:
    """Everything the configuration writers can change, to prove a refusal wrote nothing."""
    return (list(ServiceLevel.objects.filter(tenant=tenant).order_by("pk").values()),
            list(ServiceClock.objects.filter(tenant=tenant).order_by("pk").values()),
            list(RoutingRule.objects.filter(tenant=tenant).order_by("pk").values()),
            list(Category.objects.filter(tenant=tenant).order_by("pk").values()),
            list(PriorityRule.objects.filter(tenant=tenant).order_by("pk").values()),
            list(DeskPolicy.objects.filter(tenant=tenant).values()))


# --- category_save --------------------------------------------------------------------------

def test_category_save_creates_and_changes_a_node(desk, config_admin):
    tenant = desk.world.tenant
    water = desk.category("水电")
    level = ServiceLevel.objects.get(tenant=tenant, code="urgent-repair")
    pipe = services.category_save(
        actor=config_admin, tenant=tenant, order_type="repair", name=" 水管爆裂 ", parent=water,
        default_priority="P1", default_area="public_facility",
        default_department=desk.departments["engineering"], service_level=level,
        valid_from=dt.date(2030, 1, 1))
    pipe.refresh_from_db()
    assert (str(pipe), pipe.default_priority, pipe.default_area, pipe.default_department,
            pipe.service_level, pipe.valid_from, pipe.is_active) == (
        "水电 › 水管爆裂", "P1", "public_facility", desk.departments["engineering"], level,
        dt.date(2030, 1, 1), True)
    services.category_save(actor=config_admin, tenant=tenant, category=pipe,
                           order_type="repair", name="爆管", parent=None, is_active=False)
    pipe.refresh_from_db()
    assert (pipe.name, pipe.parent, pipe.default_priority, pipe.service_level,
            pipe.is_active) == ("爆管", None, "", None, False)


def test_category_save_refuses_bad_input_and_writes_nothing(desk, config_admin):
    world, tenant = desk.world, desk.world.tenant
    water, leak = desk.category("水电"), desk.category("漏水")
    before = _snapshot(tenant)
    assert _errors(lambda: services.category_save(
        actor=config_admin, tenant=tenant, order_type="complaint", name="漏水投诉", parent=water,
        default_department=make_unit(world.other_root, "外部门", kind="department"),
        valid_from=dt.date(2030, 2, 1), valid_until=dt.date(2030, 1, 1))) == {
        "parent": ["The parent category belongs to another order type."],
        "default_department": ["Choose one of your organisation's own."],
        "valid_until": ["The end comes before the start."]}
    assert _errors(lambda: services.category_save(
        actor=config_admin, tenant=tenant, category=water, order_type="repair", name="水电",
        parent=leak)) == {
        "parent": ["A category cannot be placed below itself or its subcategories."]}
    assert _errors(lambda: services.category_save(
        actor=config_admin, tenant=tenant, category=water, order_type="complaint",
        name="水电")) == {
        "order_type": ["This category has subcategories: its order type cannot change."]}
    assert _errors(lambda: services.category_save(
        actor=config_admin, tenant=tenant, order_type="repair", name="停水", parent=water)) == {
        "name": ["Another category of this type has this name at the same place."]}
    assert _errors(lambda: services.category_save(
        actor=config_admin, tenant=tenant, order_type="leak", name=" ",
        default_priority="P9")) == {
        "name": ["Enter the name."], "order_type": ["Choose the type."],
        "default_priority": ["Choose the priority."]}
    assert _snapshot(tenant) == before


def test_category_save_needs_the_permission_and_the_tenant(desk, outsider):
    tenant = desk.world.tenant
    with pytest.raises(PermissionDenied):
        services.category_save(actor=desk.frontdesk, tenant=tenant, order_type="repair",
                               name="门锁")
    with pytest.raises(PermissionDenied):
        services.category_save(actor=outsider, tenant=tenant, order_type="repair", name="门锁")
    assert not Category.objects.filter(name="门锁").exists()


# --- the matrix, the policy, routing overlaps, deactivation ---------------------------------

def test_priority_matrix_save_takes_over_the_seed_and_changes_cells_in_place(desk,
                                                                             config_admin):
    tenant = desk.world.tenant
    PriorityRule.objects.filter(tenant=tenant).delete()
    grid = selectors.priority_matrix(config_admin)
    assert [[(c.priority, c.is_default) for c in row] for row in grid] == [
        [("P1", True), ("P2", True), ("P3", True)],
        [("P2", True), ("P3", True), ("P4", True)],
        [("P3", True), ("P4", True), ("P5", True)]]
    cells = {(c.urgency, c.impact): c.priority for row in grid for c in row}
    services.priority_matrix_save(actor=config_admin, tenant=tenant,
                                  cells={**cells, ("low", "low"): "P4"})
    assert PriorityRule.objects.filter(tenant=tenant).count() == 9
    assert selectors.priority_for(tenant.pk, "low", "low") == "P4"
    first_ids = set(PriorityRule.objects.filter(tenant=tenant).values_list("pk", flat=True))
    services.priority_matrix_save(actor=config_admin, tenant=tenant,
                                  cells={**cells, ("high", "low"): "P2"})
    assert set(PriorityRule.objects.filter(tenant=tenant).values_list("pk", flat=True)) == (
        first_ids)
    assert (selectors.priority_for(tenant.pk, "high", "low"),
            selectors.priority_for(tenant.pk, "low", "low")) == ("P2", "P5")
    before = _snapshot(tenant)
    assert _errors(lambda: services.priority_matrix_save(
        actor=config_admin, tenant=tenant, cells={**cells, ("high", "high"): "P0"})) == {
        "high_high": ["Choose the priority."]}
    with pytest.raises(PermissionDenied):
        services.priority_matrix_save(actor=desk.frontdesk, tenant=tenant, cells=cells)
    assert _snapshot(tenant) == before


def test_desk_policy_save(desk, config_admin):
    tenant = desk.world.tenant
    values = {"repeat_complaint_hours": 6, "quarantine_clocks_from_intake": True,
              "callback_retry_hours": 12, "callback_max_attempts": 5, "unsatisfied_at_most": 3}
    services.desk_policy_save(actor=config_admin, tenant=tenant, **values)
    services.desk_policy_save(actor=config_admin, tenant=tenant,
                              **{**values, "repeat_complaint_hours": 8})
    policy = selectors.desk_policy(tenant.pk)
    assert (policy.repeat_complaint_hours, policy.quarantine_clocks_from_intake,
            policy.callback_retry_hours, policy.callback_max_attempts,
            policy.unsatisfied_at_most) == (8, True, 12, 5, 3)
    assert DeskPolicy.objects.filter(tenant=tenant).count() == 1
    assert _errors(lambda: services.desk_policy_save(
        actor=config_admin, tenant=tenant, **{**values, "callback_max_attempts": 11,
                                              "unsatisfied_at_most": 0})) == {
        "callback_max_attempts": ["Ensure this value is less than or equal to 10."],
        "unsatisfied_at_most": ["Ensure this value is greater than or equal to 1."]}
    assert _errors(lambda: services.desk_policy_save(
        actor=config_admin, tenant=tenant, **{**values, "callback_retry_hours": 0})) == {
        "callback_retry_hours": ["Enter at least 1 hour."]}
    with pytest.raises(PermissionDenied):
        services.desk_policy_save(actor=desk.frontdesk, tenant=tenant, **values)
    assert selectors.desk_policy(tenant.pk).repeat_complaint_hours == 8


def test_routing_rule_with_the_same_conditions_and_overlapping_dates_is_refused(desk,
                                                                                config_admin):
    tenant = desk.world.tenant
    rule = dict(actor=config_admin, tenant=tenant, department=desk.departments["service"],
                order_type="suggestion", community=desk.community, position=7)
    first = services.routing_rule_save(**rule, valid_until=dt.date(2030, 6, 30))
    count = RoutingRule.objects.filter(tenant=tenant).count()
    assert _errors(lambda: services.routing_rule_save(
        **rule, valid_from=dt.date(2030, 6, 1))) == {"position": [
            f"Active rule #{first.pk} has the same conditions and position and is valid on "
            "some of the same days; change the position or the dates."]}
    assert RoutingRule.objects.filter(tenant=tenant).count() == count
    services.routing_rule_save(**rule, valid_from=dt.date(2030, 7, 1))
    services.routing_rule_save(**{**rule, "position": 8})
    # Changing the rule itself is no clash with itself.
    services.routing_rule_save(**rule, rule=first, valid_until=dt.date(2030, 6, 29))
    assert RoutingRule.objects.filter(tenant=tenant).count() == count + 2


def test_deactivations(desk, config_admin):
    tenant = desk.world.tenant
    level = ServiceLevel.objects.get(tenant=tenant, code="general")
    rule = RoutingRule.objects.filter(tenant=tenant).order_by("pk").first()
    category = desk.category("门窗")
    with pytest.raises(PermissionDenied):
        services.service_level_deactivate(actor=desk.frontdesk, level=level)
    services.service_level_deactivate(actor=config_admin, level=level)
    services.routing_rule_deactivate(actor=config_admin, rule=rule)
    services.category_deactivate(actor=config_admin, category=category)
    assert [type(r).objects.get(pk=r.pk).is_active for r in (level, rule, category)] == [
        False, False, False]


NO_MATRIX = "servicedesk.add_priorityrule"


def test_first_install_once(world):
    tenant = world.tenant
    admin = make_user(tenant, superuser=True)
    engineering = world.team_a1
    foreign = make_unit(world.other_root, "外部门", kind="department")
    assert _errors(lambda: services.desk_configuration_install(
        actor=admin, tenant=tenant, departments={"engineering": foreign})) == {
        "engineering": ["Choose one of your organisation's own."]}
    with pytest.raises(PermissionDenied):
        services.desk_configuration_install(
            actor=make_user(tenant, world.root, [p for p in CONFIG if p != NO_MATRIX]),
            tenant=tenant, departments={})
    assert not selectors.desk_configured(tenant.pk)
    counts = services.desk_configuration_install(
        actor=admin, tenant=tenant, departments={"engineering": engineering, "service": None})
    # Only engineering's categories and the two engineering routes get a rule.
    assert counts == {"levels": 9, "categories": 19, "routes": 10, "knowledge_categories": 6}
    assert ServiceLevel.objects.filter(tenant=tenant).count() == 9
    assert PriorityRule.objects.filter(tenant=tenant).count() == 9
    assert set(RoutingRule.objects.filter(tenant=tenant).values_list(
        "department", flat=True)) == {engineering.pk}
    before = _snapshot(tenant)
    assert _errors(lambda: services.desk_configuration_install(
        actor=admin, tenant=tenant, departments={"engineering": engineering})) == {
        "__all__": ["The service desk is configured already: change its levels, categories "
                    "and routing rules one by one."]}
    assert _snapshot(tenant) == before


# --- the screens ----------------------------------------------------------------------------

def test_the_index_is_in_the_sidebar_of_administrators_only(desk, config_admin):
    index = reverse("servicedesk:config_index")
    page = _client(config_admin).get(index)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{index}"' in html
    for name in ("config_levels", "config_rules", "config_categories", "config_matrix",
                 "config_policy"):
        assert reverse(f"servicedesk:{name}") in html
    # Configured already: no install offered.
    assert 'data-testid="seed-install"' not in html
    front = _client(desk.frontdesk)
    assert f'href="{index}"' not in front.get(reverse("servicedesk:work_order_list")
                                              ).content.decode()
    assert front.get(index).status_code == 403


def test_install_from_the_index(world):
    tenant = world.tenant
    service = make_unit(world.branch_a, "客服部", kind="department")
    admin = make_user(tenant, superuser=True)
    client = _client(admin)
    index = reverse("servicedesk:config_index")
    page = client.get(index)
    html = page.content.decode()
    assert 'data-testid="seed-install"' in html
    # The departments are preselected by their names.
    assert page.context["install_form"]["service"].initial == service.pk
    assert page.context["install_form"]["engineering"].initial == world.team_a1.pk
    install = reverse("servicedesk:config_install")
    response = client.post(install, {"service": service.pk,
                                     "engineering": world.other_root.pk})
    assert response.status_code == 400
    assert not selectors.desk_configured(tenant.pk)
    response = client.post(install, {"service": service.pk, "engineering": world.team_a1.pk},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The seed configuration is installed: 9 service levels, 19 categories, 17 routing "
        "rules and the priority matrix."]
    assert 'data-testid="seed-install"' not in response.content.decode()
    before = _snapshot(tenant)
    response = client.post(install, {"service": service.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The service desk is configured already: change its levels, categories and routing "
        "rules one by one."]
    assert _snapshot(tenant) == before


def _level_post(**extra) -> dict:
    data = {"code": "vip", "name": "VIP 业主", "order_type": "repair", "priority": "P1",
            "warning_share": "0.5", "callback_hours": "12", "is_active": "on",
            "clocks-TOTAL_FORMS": "4", "clocks-INITIAL_FORMS": "0",
            "clocks-MIN_NUM_FORMS": "0", "clocks-MAX_NUM_FORMS": "4",
            "clocks-0-kind": "response", "clocks-0-amount": "15",
            "clocks-0-unit": "calendar_minutes",
            "clocks-1-kind": "resolution", "clocks-1-amount": "2",
            "clocks-1-unit": "working_days"}
    for i in range(2, 4):
        data[f"clocks-{i}-unit"] = "calendar_hours"
    data.update(extra)
    return data


def test_service_level_screens(desk, config_admin):
    client = _client(config_admin)
    tenant = desk.world.tenant
    listing = client.get(reverse("servicedesk:config_levels")).content.decode()
    assert "紧急维修" in listing and "On-site arrival 20 Calendar minutes" in listing
    response = client.post(reverse("servicedesk:config_level_create"), _level_post())
    assert response.status_code == 302, response.context["form"].errors
    level = ServiceLevel.objects.get(tenant=tenant, code="vip")
    assert sorted(level.clocks.values_list("kind", "amount", "unit")) == [
        ("resolution", Decimal("2.00"), "working_days"),
        ("response", Decimal("15.00"), "calendar_minutes")]
    edit = reverse("servicedesk:config_level_edit", args=[level.pk])
    page = client.get(edit)
    assert [(f["kind"].value(), f["amount"].value()) for f in page.context["clocks"]][:3] == [
        ("response", Decimal("15.00")), ("resolution", Decimal("2.00")), (None, None)]
    before = _snapshot(tenant)
    # A clock of 0 minutes, and one of the same kind twice: errors on the rows, nothing saved.
    response = client.post(edit, _level_post(**{
        "clocks-INITIAL_FORMS": "2", "clocks-0-amount": "0",
        "clocks-2-kind": "response", "clocks-2-amount": "5"}))
    assert response.status_code == 200
    clocks = response.context["clocks"]
    assert clocks.forms[0].errors == {
        "amount": ["Ensure this value is greater than or equal to 0.01."]}
    assert clocks.non_form_errors() == ["Each clock may appear once."]
    assert _snapshot(tenant) == before
    response = client.post(edit, _level_post(**{
        "clocks-INITIAL_FORMS": "2", "clocks-0-amount": "10", "clocks-1-DELETE": "on",
        "clocks-2-kind": "on_site", "clocks-2-amount": "30"}))
    assert response.status_code == 302
    assert sorted(level.clocks.values_list("kind", "amount")) == [
        ("on_site", Decimal("30.00")), ("response", Decimal("10.00"))]
    response = client.post(reverse("servicedesk:config_level_deactivate", args=[level.pk]))
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.is_active is False


def test_routing_rule_screens(desk, config_admin):
    client = _client(config_admin)
    tenant = desk.world.tenant
    page = client.get(reverse("servicedesk:config_rule_create"))
    form = page.context["form"]
    # Only this tenant's units and communities are offered.
    assert desk.world.other_root not in form.fields["department"].queryset
    assert list(form.fields["community"].queryset) == [desk.community]
    data = {"position": "5", "order_type": "complaint",
            "category": desk.category("环境卫生").pk, "community": desk.community.pk,
            "department": desk.departments["environment"].pk, "note": "翠湖苑卫生投诉",
            "is_active": "on"}
    response = client.post(reverse("servicedesk:config_rule_create"), data)
    assert response.status_code == 302
    rule = RoutingRule.objects.get(tenant=tenant, note="翠湖苑卫生投诉")
    listing = client.get(reverse("servicedesk:config_rules")).content.decode()
    # By position: 5 comes before the seed's 10 and 50.
    assert listing.index('data-rule="') == listing.index(f'data-rule="{rule.pk}"')
    edit = reverse("servicedesk:config_rule_edit", args=[rule.pk])
    before = _snapshot(tenant)
    response = client.post(edit, {**data, "order_type": "repair",
                                  "team": desk.departments["security"].pk})
    assert response.context["form"].errors == {
        "team": ["The team must be part of the department."],
        "category": ["This category belongs to another order type."]}
    response = client.post(edit, {**data, "department": desk.world.other_root.pk})
    assert list(response.context["form"].errors) == ["department"]
    assert _snapshot(tenant) == before
    response = client.post(edit, {**data, "area": "public_area", "position": "6"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.area, rule.position) == ("public_area", 6)


def test_category_screens(desk, config_admin):
    client = _client(config_admin)
    tenant = desk.world.tenant
    listing = client.get(reverse("servicedesk:config_categories")).content.decode()
    assert listing.index("水电") < listing.index("漏水")
    data = {"order_type": "repair", "parent": desk.category("水电").pk, "name": "水管爆裂",
            "default_priority": "P1", "default_department": desk.departments["engineering"].pk,
            "is_active": "on"}
    before = _snapshot(tenant)
    response = client.post(reverse("servicedesk:config_category_create"),
                           {**data, "order_type": "complaint"})
    assert response.context["form"].errors == {
        "parent": ["The parent category belongs to another order type."]}
    assert _snapshot(tenant) == before
    response = client.post(reverse("servicedesk:config_category_create"), data)
    assert response.status_code == 302
    pipe = Category.objects.get(tenant=tenant, name="水管爆裂")
    assert (pipe.parent, pipe.default_priority) == (desk.category("水电"), "P1")
    response = client.post(reverse("servicedesk:config_category_edit", args=[pipe.pk]),
                           {**data, "name": "爆管"})
    assert response.status_code == 302
    pipe.refresh_from_db()
    assert pipe.name == "爆管"


def test_matrix_and_policy_screens(desk, config_admin):
    client = _client(config_admin)
    tenant = desk.world.tenant
    matrix = reverse("servicedesk:config_matrix")
    form = client.get(matrix).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    assert data["high_high"] == "P1"
    response = client.post(matrix, {**data, "low_low": "P4"})
    assert response.status_code == 302
    assert selectors.priority_for(tenant.pk, "low", "low") == "P4"
    response = client.post(matrix, {**data, "low_low": "P9"})
    assert response.status_code == 200
    assert selectors.priority_for(tenant.pk, "low", "low") == "P4"
    policy = reverse("servicedesk:config_policy")
    assert client.get(policy).context["form"]["repeat_complaint_hours"].value() == 4
    values = {"repeat_complaint_hours": "6", "callback_retry_hours": "12",
              "callback_max_attempts": "3", "unsatisfied_at_most": "2"}
    response = client.post(policy, {**values, "callback_max_attempts": "11"})
    assert response.context["form"].errors == {
        "callback_max_attempts": ["Ensure this value is less than or equal to 10."]}
    assert not DeskPolicy.objects.filter(tenant=tenant).exists()
    assert client.post(policy, values).status_code == 302
    assert selectors.desk_policy(tenant.pk).repeat_complaint_hours == 6
    # The window of likely duplicates (SVC-11): left empty it stays as it is.
    assert selectors.desk_policy(tenant.pk).duplicate_window_hours == 24
    response = client.post(policy, {**values, "duplicate_window_hours": "0"})
    assert response.context["form"].errors == {
        "duplicate_window_hours": ["Ensure this value is greater than or equal to 1."]}
    assert client.post(policy, {**values, "duplicate_window_hours": "48"}).status_code == 302
    assert selectors.desk_policy(tenant.pk).duplicate_window_hours == 48


def test_out_of_scope_and_without_permission(desk, config_admin, outsider):
    tenant = desk.world.tenant
    level = ServiceLevel.objects.get(tenant=tenant, code="general")
    rule = RoutingRule.objects.filter(tenant=tenant).order_by("pk").first()
    category = desk.category("门窗")
    before = _snapshot(tenant)
    records = {"level": level, "rule": rule, "category": category}
    # Sees every configuration record, may change none.
    reader = make_user(tenant, desk.world.root, [*SEE, *[
        f"servicedesk.view_{m}" for m in ("servicelevel", "routingrule", "priorityrule",
                                          "deskpolicy")]])
    other, front = _client(outsider), _client(reader)
    for key, record in records.items():
        for action in ("edit", "deactivate"):
            url = reverse(f"servicedesk:config_{key}_{action}", args=[record.pk])
            assert other.post(url, {"name": "x"}).status_code == 404, url
            assert front.post(url, {"name": "x"}).status_code == 403, url
    for name in ("config_level_create", "config_rule_create", "config_category_create",
                 "config_matrix", "config_policy", "config_index", "config_install"):
        assert front.post(reverse(f"servicedesk:{name}"), {}).status_code == 403, name
    # The other tenant's administrator tunes only their own tenant.
    assert other.post(reverse("servicedesk:config_matrix"), {
        f"{u}_{i}": "P5" for u in ("high", "medium", "low") for i in ("high", "medium", "low")
    }).status_code == 302
    assert _snapshot(tenant) == before
    listing = other.get(reverse("servicedesk:config_levels")).content.decode()
    assert "紧急维修" not in listing


# --- the categories' API --------------------------------------------------------------------

def _api(user):
    client = _client(user)

    def send(method, path, data):
        return getattr(client, method)(f"/api/v1{path}", json.dumps(data),
                                       content_type="application/json")
    return send


def test_category_api(desk, config_admin, outsider):
    send = _api(config_admin)
    water = desk.category("水电")
    payload = {"order_type": "repair", "name": "水管爆裂", "parent_id": water.pk,
               "default_priority": "P1", "default_area": "public_facility",
               "default_department_id": desk.departments["engineering"].pk}
    response = send("post", "/categories", payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["full_name"], body["depth"], body["default_priority"],
            body["service_level_id"]) == ("水电 › 水管爆裂", 1, "P1", None)
    response = send("put", f"/categories/{body['id']}", {**payload, "name": "爆管",
                                                         "is_active": False})
    assert (response.json()["name"], response.json()["is_active"]) == ("爆管", False)
    response = send("post", "/categories", {**payload, "order_type": "complaint",
                                            "name": "x"})
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "parent_id": ["The parent category belongs to another order type."]}
    response = send("post", "/categories", {**payload, "name": "y",
                                            "service_level_id": 10**9})
    assert response.json()["fields"] == {
        "service_level_id": ["Choose a service level you can see."]}
    assert _api(desk.frontdesk)("post", "/categories", payload).status_code == 403
    assert _api(outsider)("put", f"/categories/{body['id']}", payload).status_code == 404
    assert Category.objects.filter(name__in=["x", "y", "水管爆裂"]).count() == 0
    assert Category.objects.get(pk=body["id"]).name == "爆管"

