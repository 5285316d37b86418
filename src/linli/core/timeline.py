"""The timeline registry (DIR-4): modules contribute entries to a record's timeline without the
module that shows the timeline importing them.

A provider is ``provider(user, subject) -> list[TimelineEntry]`` and must return only what the
user may see (use the module's selectors). Domain events of the subject are always included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from linli.core.events import events_for


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # short key, e.g. "event", "work_order", "callback"
    title: str
    detail: str = ""
    actor: str = ""
    url: str = ""
    badge: str = "secondary"
    extra: dict = field(default_factory=dict)


_providers: dict[str, Callable] = {}
_verb_labels: dict[str, str] = {}


def register_timeline_provider(key: str, provider: Callable) -> None:
    _providers[key] = provider


def register_verb_labels(labels: dict[str, str]) -> None:
    """Human titles (lazy translations) for domain-event verbs such as "work_order.routed"."""
    _verb_labels.update(labels)


def timeline_for(user, subject, limit: int = 100) -> list[TimelineEntry]:
    """Entries of every provider plus the subject's own domain events, newest first."""
    entries = [_event_entry(e) for e in events_for(subject)[:limit]]
    for provider in _providers.values():
        entries.extend(provider(user, subject))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def _event_entry(event) -> TimelineEntry:
    change = f"{event.old_value} → {event.new_value}" if event.old_value or event.new_value else ""
    return TimelineEntry(
        at=event.occurred_at, kind="event",
        title=str(_verb_labels.get(event.verb, event.verb.replace("_", " "))),
        detail=" · ".join(p for p in (change, event.note) if p),
        actor=str(event.actor) if event.actor else str(_("system")),
        extra={"channel": event.get_channel_display()},
    )
