"""The events modules can notify about, with their default templates in code.

A module declares its events once, at start-up (``AppConfig.ready``) or at the top of the module
that sends them::

    register_event(
        "servicedesk.work_order_assigned",
        label=_("Work order assigned to me"),
        subject={"en": "Work order {{ number }}", "zh-hans": "工单 {{ number }}"},
        body={"en": "{{ summary }} was assigned to you.", "zh-hans": "{{ summary }} 已派给您。"},
    )

Subject and body are Django template strings rendered with the context given to ``notify``.
A tenant may override them per channel and language with ``NotificationTemplate`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class EventDefinition:
    key: str
    label: str
    subject: dict[str, str]
    body: dict[str, str]

    def source(self, language: str) -> tuple[str, str]:
        """(subject, body) in ``language``, else in the site's default language."""
        if language not in self.body:
            language = settings.LANGUAGE_CODE
        return self.subject.get(language, ""), self.body[language]


_events: dict[str, EventDefinition] = {}


def register_event(key: str, *, subject: dict[str, str], body: dict[str, str],
                   label=None) -> EventDefinition:
    """Declare an event and its default texts, one per language of ``settings.LANGUAGES``."""
    languages = {code for code, _name in settings.LANGUAGES}
    missing = languages - set(body)
    if missing:
        raise ValueError(f"Event {key!r} has no body in {', '.join(sorted(missing))}")
    definition = EventDefinition(key=key, label=label or key, subject=dict(subject),
                                 body=dict(body))
    _events[key] = definition
    return definition


def event_definition(key: str) -> EventDefinition:
    try:
        return _events[key]
    except KeyError:
        raise LookupError(f"Notification event {key!r} is not registered") from None


def registered_events() -> list[EventDefinition]:
    return sorted(_events.values(), key=lambda e: e.key)
