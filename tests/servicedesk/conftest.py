import pytest

from tests.servicedesk.builders import make_desk


@pytest.fixture
def desk(world):
    return make_desk(world)
