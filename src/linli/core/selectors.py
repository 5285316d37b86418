"""Reads of the platform core."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Counter:
    label: str
    value: int
    url: str


_counter_providers = []


def register_home_counter(provider) -> None:
    """``provider(user) -> list[Counter]``; modules add their own counters to the home page."""
    _counter_providers.append(provider)


def home_counters(user) -> list[Counter]:
    counters: list[Counter] = []
    for provider in _counter_providers:
        counters.extend(provider(user))
    return counters


def _inbox_counter(user) -> list[Counter]:
    from linli.core.notifications.selectors import unread_count

    return [Counter(_("Unread notifications"), unread_count(user), reverse("notifications:inbox"))]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    user: str
    channel: str
    action: str
    changes: list[FieldChange]


_ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def history_entries(obj, limit: int = 50) -> list[HistoryEntry]:
    """The audit history of one record (PLAT-3), newest first, with field-level old → new.

    The caller has already resolved ``obj`` through a restricted queryset.
    """
    history = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(history[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(FieldChange(
                    str(getattr(field, "verbose_name", change.field)),
                    _display(change.old), _display(change.new),
                ))
        entries.append(HistoryEntry(
            at=record.history_date,
            user=str(record.history_user) if record.history_user else str(_("system")),
            channel=record.get_history_channel_display(),
            action=str(_ACTIONS.get(record.history_type, record.history_type)),
            changes=changes,
        ))
    return entries


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)
