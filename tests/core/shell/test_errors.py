"""Error pages: styled, translated, inside the shell for signed-in users (PLAT-12)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.shell.urls")]


def test_unknown_url_is_the_404_page_for_visitors(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert [t.name for t in response.templates][:3] == ["404.html", "error_page.html",
                                                          "base_minimal.html"]
    html = response.content.decode()
    assert "Page not found" in html
    assert "This page does not exist, or it is not part of the data you may see." in html
    assert 'class="empty-header">404</div>' in html


def test_unknown_url_is_the_404_page_inside_the_shell(client, world):
    client.force_login(make_user(world.tenant))
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "base.html" in [t.name for t in response.templates]
    assert 'class="navbar navbar-vertical' in response.content.decode()


def test_403_page(client, world):
    client.force_login(make_user(world.tenant))
    response = client.get("/shell-test/forbidden/")
    assert response.status_code == 403
    assert "Your roles do not allow this." in response.content.decode()


def test_400_page(client):
    response = client.get("/shell-test/bad-request/")
    assert response.status_code == 400
    assert "The page could not understand what was sent." in response.content.decode()


def test_500_page_without_context():
    client = Client(raise_request_exception=False)
    response = client.get("/shell-test/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "This is a fault on our side and it has been logged." in html
    assert "/static/vendor/tabler/css/tabler.min.css" in html


def test_csrf_failure_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("language_switch"), {"language": "en"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_error_pages_are_chinese_by_default(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert '<html lang="zh-hans">' in response.content.decode()
