"""Switching the interface language per user (PLAT-10)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from linli.core.middleware import LANGUAGE_SESSION_KEY
from linli.core.services import user_language_set
from tests.builders import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def _switch(client, language, next_url="/"):
    return client.post(reverse("language_switch"), {"language": language, "next": next_url})


def test_switch_to_english_changes_the_page_and_persists(client, world, chinese):
    user = make_user(world.tenant)
    client.force_login(user)
    before = client.get(reverse("password_change"))
    assert '<html lang="zh-hans">' in before.content.decode()
    assert "旧密码" in before.content.decode()  # Django's own Chinese label of the field

    response = _switch(client, "en", reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.session[LANGUAGE_SESSION_KEY] == "en"
    user.refresh_from_db()
    assert user.language == "en"

    after = client.get(reverse("password_change"))
    html = after.content.decode()
    assert '<html lang="en">' in html
    assert "Old password" in html
    assert after["Content-Language"] == "en"


def test_switch_back_to_chinese(client, world, chinese):
    user = make_user(world.tenant, language="en")
    client.force_login(user)
    _switch(client, "zh-hans")
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert "旧密码" in client.get(reverse("password_change")).content.decode()


def test_saved_language_survives_sign_out_and_sign_in(client, world, chinese):
    user = make_user(world.tenant, username="wang.fang")
    client.force_login(user)
    _switch(client, "en")
    client.post(reverse("logout"))
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.post(reverse("login"), {"username": "wang.fang", "password": PASSWORD})
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_history_records_the_language_change(client, world):
    user = make_user(world.tenant)
    client.force_login(user)
    _switch(client, "en")
    latest = user.history.order_by("-history_id").first()
    assert latest.language == "en"
    assert latest.history_channel == "web"


def test_anonymous_switch_sets_session_and_cookie_only(client, chinese):
    assert '<html lang="zh-hans">' in client.get(reverse("login")).content.decode()
    response = _switch(client, "en", reverse("login"))
    assert response["Location"] == reverse("login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login"))
    assert '<html lang="en">' in page.content.decode()
    assert "Password" in page.content.decode()


def test_language_buttons_are_on_the_login_page(client):
    html = client.get(reverse("login")).content.decode()
    assert 'name="language" value="zh-hans"' in html
    assert 'name="language" value="en"' in html


def test_unknown_language_is_a_clear_400(client, world):
    user = make_user(world.tenant)
    client.force_login(user)
    response = _switch(client, "fr")
    assert response.status_code == 400
    assert response.context["message"] == "Choose one of the offered languages."
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_foreign_next_url_is_ignored(client, world):
    client.force_login(make_user(world.tenant))
    response = _switch(client, "en", "https://evil.example.com/")
    assert response["Location"] == reverse("home")


def test_get_is_not_allowed(client):
    assert client.get(reverse("language_switch")).status_code == 405


def test_unknown_language_in_the_session_is_ignored(client, world, chinese):
    client.force_login(make_user(world.tenant))
    session = client.session
    session[LANGUAGE_SESSION_KEY] = "xx"
    session.save()
    assert '<html lang="zh-hans">' in client.get(reverse("home")).content.decode()


def test_service_refuses_someone_elses_language(world):
    user = make_user(world.tenant)
    other = make_user(world.tenant)
    with pytest.raises(PermissionDenied):
        user_language_set(actor=other, user=user, language="en")
    with pytest.raises(PermissionDenied):
        user_language_set(actor=None, user=user, language="en")
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_service_refuses_an_unknown_language(world):
    user = make_user(world.tenant)
    with pytest.raises(ValidationError) as error:
        user_language_set(actor=user, user=user, language="de")
    assert error.value.message_dict == {"language": ["Choose one of the offered languages."]}


def test_service_saves_once_and_only_on_change(world):
    user = make_user(world.tenant)
    count = user.history.count()
    user_language_set(actor=user, user=user, language="zh-hans")
    assert user.history.count() == count
    user_language_set(actor=user, user=user, language="en")
    assert user.history.count() == count + 1
