"""Sign-in, lock-out, sign-out and password change pages (PLAT-10, PLAT-12)."""

import pytest
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils import translation

from linli.accounts.models import User
from linli.core.middleware import LANGUAGE_SESSION_KEY
from tests.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db

WRONG_EN = ("Please enter a correct username and password. "
            "Note that both fields may be case-sensitive.")


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def test_login_page_renders_the_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["registration/login.html",
                                                          "base_minimal.html"]
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'class="form-control"' in html


def test_login_success_goes_home_with_the_users_language(client, world, chinese):
    user = make_user(world.tenant, username="li.lei", language="en")
    response = client.post(reverse("login"), {"username": "li.lei", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[LANGUAGE_SESSION_KEY] == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.context["user"] == user
    assert '<html lang="en">' in home.content.decode()


def test_login_keeps_next(client, world):
    make_user(world.tenant, username="han.mei")
    target = reverse("password_change")
    response = client.post(f"{reverse('login')}?next={target}",
                           {"username": "han.mei", "password": PASSWORD, "next": target})
    assert response["Location"] == target


def test_login_failure_shows_the_message_in_english(client, world):
    make_user(world.tenant, username="li.lei")
    response = client.post(reverse("login"), {"username": "li.lei", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_EN]
    assert WRONG_EN in response.content.decode()
    assert LANGUAGE_SESSION_KEY not in client.session


def test_login_failure_message_is_chinese_by_default(client, world, chinese):
    make_user(world.tenant, username="li.lei")
    response = client.post(reverse("login"), {"username": "li.lei", "password": "wrong"})
    assert response.status_code == 200
    with translation.override("zh-hans"):
        expected = AuthenticationForm.error_messages["invalid_login"] % {
            "username": User._meta.get_field("username").verbose_name}
    assert expected.startswith("请输入")
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in response.content.decode()


def test_login_with_empty_fields_marks_both(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }
    assert response.content.decode().count("is-invalid") == 2


def test_five_failures_lock_the_account_with_the_friendly_page(client, world):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user(world.tenant, username="li.lei")
    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": "li.lei", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "li.lei", "password": "wrong"})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert ("Signing in failed 5 times in a row, so this account is locked on this computer "
            "for a while to protect it.") in html
    assert "Please try again in 15 minutes." in html
    # Even the right password is refused while the lock lasts.
    response = client.post(reverse("login"), {"username": "li.lei", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_back_to_the_login_page(client, world):
    user = make_user(world.tenant)
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_password_change_rejects_a_common_password(client, world):
    user = make_user(world.tenant)
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": ["This password is too common."]}
    assert "This password is too common." in response.content.decode()


def test_password_change_succeeds_and_shows_the_done_page(client, world):
    user = make_user(world.tenant)
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "Zhong-Guo-2027!",
        "new_password2": "Zhong-Guo-2027!"}, follow=True)
    assert response.redirect_chain == [(reverse("password_change_done"), 302)]
    assert 'data-testid="password-changed"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Zhong-Guo-2027!")


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('password_change')}"
