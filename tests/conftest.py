import os

os.environ.setdefault("LINLI_TESTING", "1")

import pytest

from tests.builders import make_world


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Argon2 is the production hasher; tests use a fast one so hundreds of users stay cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    # The product defaults to Chinese; tests read English unless they ask for zh-hans
    # (e.g. with translation.override or the language cookie), so assertions stay exact.
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_calendars():
    # Calendars are cached per process; each test starts from the database it builds.
    from linli.core.calendar.selectors import forget_calendars

    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture
def world(db):
    return make_world()
