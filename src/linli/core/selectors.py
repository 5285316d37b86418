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
    raw: list[tuple[object, list[tuple[object, object, object]]]] = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None and record.history_type == "~":
            for field in _audited_fields(record):
                old, new = getattr(previous, field.attname), getattr(record, field.attname)
                if old != new:
                    changed.append((field, old, new))
        raw.append((record, changed))
    names = _related_names(change for _record, changed in raw for change in changed)
    return [HistoryEntry(
        at=record.history_date,
        user=str(record.history_user) if record.history_user else str(_("system")),
        channel=record.get_history_channel_display(),
        action=str(_ACTIONS.get(record.history_type, record.history_type)),
        changes=[FieldChange(str(field.verbose_name), _value_text(field, old, names),
                             _value_text(field, new, names)) for field, old, new in changed],
    ) for record, changed in raw]


def _related_names(changes) -> dict[tuple[type, object], str]:
    """Display names of the rows foreign keys pointed at, one query per related model."""
    wanted: dict[type, set] = {}
    for field, old, new in changes:
        if field.is_relation and field.many_to_one:
            wanted.setdefault(field.related_model, set()).update(v for v in (old, new) if v)
    names = {}
    for model, ids in wanted.items():
        for row in model._base_manager.filter(pk__in=ids):
            names[(model, row.pk)] = str(row)
    return names


def _value_text(field, value, names) -> str:
    if field.is_relation and field.many_to_one and value:
        return names.get((field.related_model, value), f"#{value}")
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return _display(value)


def _audited_fields(record) -> list:
    """Editable fields, plus those a model names in ``history_extra_fields``: fields only its
    services set (a status, a handler) are not editable in forms but belong in the history."""
    extra = set(getattr(record.instance_type, "history_extra_fields", ()))
    return [f for f in record.tracked_fields
            if (f.editable or f.name in extra) and not f.primary_key]


def _display(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)
