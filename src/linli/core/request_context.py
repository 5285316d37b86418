"""Who is acting, and through which channel, for the current unit of work.

Set by the web middleware, the API, importers and background jobs; read by the audit history
and the domain-event writer so that every change records its actor and channel even when no
HTTP request exists.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass


class Channel:
    WEB = "web"
    API = "api"
    IMPORT = "import"
    JOB = "job"
    SYSTEM = "system"

    CHOICES = [
        (WEB, "web"),
        (API, "API"),
        (IMPORT, "import"),
        (JOB, "job"),
        (SYSTEM, "system"),
    ]


@dataclass(frozen=True)
class ActingContext:
    user: object | None = None
    channel: str = Channel.SYSTEM
    ip: str | None = None


_NOBODY = ActingContext()
_current: contextvars.ContextVar[ActingContext | None] = contextvars.ContextVar(
    "linli_acting_context", default=None
)


def current() -> ActingContext:
    return _current.get() or _NOBODY


def identify(user) -> None:
    """Name the acting user once authentication is known (API token auth runs after the
    middleware opened the context); the enclosing ``acting`` block restores the old value."""
    context = current()
    _current.set(ActingContext(user=user, channel=context.channel, ip=context.ip))


@contextlib.contextmanager
def acting(user=None, channel: str = Channel.SYSTEM, ip: str | None = None) -> Iterator[None]:
    token = _current.set(ActingContext(user=user, channel=channel, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)
