# Job tasks run eagerly in these tests, like the outbox's.
from tests.core.notifications.conftest import _eager_tasks  # noqa: F401
