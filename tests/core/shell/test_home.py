"""The home page and the sidebar of the shell (PLAT-12)."""

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from linli.core import modules, selectors
from linli.core.modules import MenuItem, Module, ShellWarning
from linli.core.selectors import Counter
from tests.builders import make_user

pytestmark = pytest.mark.django_db

DIRECTORY = Module(key="test_directory", label="Test directory", icon="address-book", order=10,
                   items=(MenuItem("People", "password_change", "accounts.view_user", "users"),))
REPORTS = Module(key="test_reports", label="Test reports", icon="chart-bar", order=20,
                 items=(MenuItem("Dashboards", "home", "accounts.view_role", "chart-pie"),
                        MenuItem("Broken link", "no_such_url_name", None, "bug")))


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(modules, "_modules", {})
    modules.register_module(DIRECTORY)
    modules.register_module(REPORTS)


@pytest.fixture
def no_counters(monkeypatch):
    monkeypatch.setattr(selectors, "_counter_providers", [])


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_home_without_memberships_shows_the_empty_state(client, world, no_counters):
    user = make_user(world.tenant, display_name="李雷")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="empty-state"' in html
    assert "Your account has no roles yet" in html
    assert 'data-testid="home-counter"' not in html
    assert '<p class="text-secondary mt-n2 mb-4" data-testid="tenant-name">物业甲</p>' in html
    assert response.context["greeting"] in {"Good morning", "Good afternoon", "Good evening"}
    assert "李雷" in html


def test_home_of_a_superuser_has_no_empty_state(client, world, no_counters):
    client.force_login(make_user(world.tenant, superuser=True))
    response = client.get(reverse("home"))
    assert response.context["has_roles"] is True
    assert 'data-testid="empty-state"' not in response.content.decode()


def test_home_shows_the_users_counters(client, world, monkeypatch, no_counters):
    user = make_user(world.tenant)
    seen = []

    def provider(u):
        seen.append(u)
        return [Counter("Open work orders", 7, "/work-orders/")]

    selectors.register_home_counter(provider)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert seen == [user]
    assert '<div class="h1 mb-1">7</div>' in html
    assert '<div class="text-secondary">Open work orders</div>' in html
    assert 'href="/work-orders/"' in html


def test_sidebar_lists_only_the_modules_the_user_may_use(client, world, registered, no_counters):
    user = make_user(world.tenant, world.branch_a, perms=["accounts.view_user"])
    client.force_login(user)
    response = client.get(reverse("home"))
    # Reports is not shown: its "Dashboards" needs accounts.view_role and its item open to
    # everybody names no URL, so nothing in it would lead anywhere.
    assert [(module.key, [item.label for item in items])
            for module, items in response.context["shell_modules"]] == [
        ("test_directory", ["People"])]
    html = response.content.decode()
    assert 'data-module="test_directory"' in html
    assert f'href="{reverse("password_change")}"' in html
    assert 'data-module="test_reports"' not in html
    assert "Dashboards" not in html
    assert "Broken link" not in html
    assert 'data-testid="empty-state"' not in html


def test_menu_links_follow_the_path_the_site_is_served_under(client, world, registered,
                                                             no_counters):
    user = make_user(world.tenant, world.branch_a, perms=["accounts.view_user"])
    client.force_login(user)
    home, people = reverse("home"), reverse("password_change")
    for prefix in ("", "/linli", ""):
        with override_script_prefix(f"{prefix}/"):
            html = client.get(home).content.decode()
        # The sidebar, the module's card on the home page and the account menu.
        assert html.count(f'href="{prefix}{people}"') == 3, prefix


def test_user_with_both_permissions_sees_both_modules(client, world, registered):
    user = make_user(world.tenant, world.branch_b,
                     perms=["accounts.view_user", "accounts.view_role"])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert [(module.key, [item.label for item in items])
            for module, items in response.context["shell_modules"]] == [
        ("test_directory", ["People"]), ("test_reports", ["Dashboards"])]


def test_sidebar_hides_modules_without_permission(client, world, registered, no_counters):
    user = make_user(world.tenant, world.branch_a, perms=["accounts.view_orgunit"])
    client.force_login(user)
    response = client.get(reverse("home"))
    assert list(response.context["shell_modules"]) == []
    html = response.content.decode()
    assert "Test directory" not in html
    assert "Test reports" not in html
    assert "Your modules" not in html
    assert 'data-testid="empty-state"' not in html  # the user has a role, just not these


def test_sidebar_opens_the_module_of_the_current_page(client, world, registered):
    user = make_user(world.tenant, world.branch_a, perms=["accounts.view_user"])
    client.force_login(user)
    html = client.get(reverse("password_change")).content.decode()
    assert '<div class="dropdown-menu show" id="module-test_directory">' in html
    assert 'aria-current="page"' in html


def test_another_tenants_user_without_roles_sees_no_module(client, world, registered):
    stranger = make_user(world.other_tenant)
    client.force_login(stranger)
    response = client.get(reverse("home"))
    assert list(response.context["shell_modules"]) == []
    assert "Test directory" not in response.content.decode()


def test_shell_parts_on_every_page(client, world):
    user = make_user(world.tenant)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "hx-headers='{\"X-CSRFToken\": \"" in html
    assert f'action="{reverse("logout")}"' in html
    assert f'href="{reverse("password_change")}"' in html
    assert f'action="{reverse("language_switch")}"' in html
    assert "/static/vendor/tabler/css/tabler.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "cdn" not in html.lower()


def test_warnings_from_the_registry_are_shown(client, world, monkeypatch):
    user = make_user(world.tenant)
    monkeypatch.setattr(modules, "_warning_providers", [])
    modules.register_warning_provider(lambda u: [
        ShellWarning("No official holidays for 2031 yet.", url="/settings/calendar/"),
        ShellWarning("SMS sending is failing.", level="danger"),
    ] if u == user else [])
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert ('<div class="alert alert-warning mb-2" role="alert">\n        '
            '<i class="ti ti-alert-triangle me-2" aria-hidden="true"></i>'
            '<a href="/settings/calendar/" class="alert-link">'
            "No official holidays for 2031 yet.</a>") in html
    assert '<div class="alert alert-danger mb-2" role="alert">' in html
    assert "SMS sending is failing." in html

    client.force_login(make_user(world.tenant))
    assert "linli-warnings" not in client.get(reverse("home")).content.decode()


@pytest.mark.urls("tests.core.shell.urls")
def test_messages_are_toasts(client, world):
    client.force_login(make_user(world.tenant))
    response = client.get("/shell-test/messages/", follow=True)
    html = response.content.decode()
    assert ('<div class="toast show align-items-center border-0 linli-toast text-bg-success"'
            in html)
    assert ('<div class="toast show align-items-center border-0 linli-toast text-bg-danger"'
            in html)
    assert '<div class="toast-body">Saved the work order.</div>' in html
    assert '<div class="toast-body">The SMS could not be sent.</div>' in html
    assert html.count('data-linli-autohide="true"') == 1  # the error stays until closed
