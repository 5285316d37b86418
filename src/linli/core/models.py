"""All models of the core app, defined next to the code that owns them."""

from linli.core.calendar.models import *  # noqa: F403
from linli.core.events import DomainEvent
from linli.core.exchange.models import *  # noqa: F403
from linli.core.idempotency import IdempotencyRecord
from linli.core.jobs.models import *  # noqa: F403
from linli.core.notifications.models import *  # noqa: F403
from linli.core.personal_data.models import *  # noqa: F403
from linli.core.tenancy import Tenant

__all__ = ["DomainEvent", "IdempotencyRecord", "Tenant"]
