import pytest

from tests.builders import make_user
from tests.servicedesk.builders import DESK, make_desk


@pytest.fixture
def desk(world):
    return make_desk(world)


@pytest.fixture
def outsider(desk):
    """A superuser of the other tenant: sees nothing of tenant A."""
    return make_user(desk.world.other_tenant, desk.world.other_root, DESK, superuser=True)


@pytest.fixture
def sibling(desk):
    """A desk user of tenant A's other branch."""
    return make_user(desk.world.tenant, desk.world.branch_b, DESK)


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of this test alone: what a test uploads can be counted."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}
    return tmp_path / "media"
