"""Writes of the working calendar (PLAT-4): override days, business hours, schedule imports.

``tenant`` None means the platform-wide schedule, which only platform administrators
(superusers) change; a tenant's calendar needs ``core.change_calendarday`` in that tenant.
Every write changes the revision token so cached calendars in all processes are rebuilt.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.calendar.importers import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_NOTE_LENGTH,
    ScheduleLine,
    parse_schedule,
)
from linli.core.calendar.models import (
    BusinessHours,
    CalendarDay,
    CalendarDayKind,
    CalendarRevision,
    CalendarYear,
    CalendarYearSource,
    PlatformCalendarDay,
    business_hours_errors,
)
from linli.core.calendar.selectors import CHANGE_PERMISSION, forget_calendars, revision_key
from linli.core.request_context import Channel, acting
from linli.core.tenancy import Tenant


def _require_change(actor, tenant: Tenant | None) -> None:
    """System calls (actor None) may do anything."""
    if actor is None:
        return
    if tenant is None:
        if not actor.is_superuser:
            raise PermissionDenied(_("Only platform administrators change the platform calendar."))
        return
    if actor.tenant_id != tenant.pk or not actor.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied(_("You do not have permission to do this."))


def _changed(tenant: Tenant | None) -> None:
    """New revision token for the tenant (or the platform); drop this process's copies now
    and again after commit, so no reader keeps a calendar built from uncommitted rows."""
    tenant_id = tenant.pk if tenant is not None else None
    CalendarRevision.objects.update_or_create(
        key=revision_key(tenant_id), defaults={"token": uuid.uuid4().hex}
    )
    forget_calendars(tenant_id)
    transaction.on_commit(lambda: forget_calendars(tenant_id))


def _clean_day(day, kind: str, note: str) -> tuple[dt.date, str, str]:
    errors: dict[str, list[str]] = {}
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        errors["date"] = [_("Enter a date.")]
    elif not (FIRST_YEAR <= day.year <= LAST_YEAR):
        errors["date"] = [_("Enter a date between %(first)d and %(last)d.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR}]
    if kind not in CalendarDayKind.values:
        errors["kind"] = [_("Choose holiday or working day.")]
    note = (note or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [_("At most %(max)d characters.") % {"max": MAX_NOTE_LENGTH}]
    if errors:
        raise ValidationError(errors)
    return day, kind, note


def _day_model(tenant: Tenant | None):
    return PlatformCalendarDay if tenant is None else CalendarDay


def _owner_filter(tenant: Tenant | None) -> dict:
    return {} if tenant is None else {"tenant": tenant}


@transaction.atomic
def calendar_day_save(*, actor, tenant: Tenant | None, day: dt.date, kind: str, note: str = ""
                      ) -> CalendarDay | PlatformCalendarDay:
    """Set the override of one date (creating or replacing it)."""
    _require_change(actor, tenant)
    day, kind, note = _clean_day(day, kind, note)
    model = _day_model(tenant)
    entry = model.objects.filter(date=day, **_owner_filter(tenant)).first()
    if entry is None:
        entry = model(date=day, **_owner_filter(tenant))
    entry.kind, entry.note = kind, note
    entry.save()
    _changed(tenant)
    return entry


@transaction.atomic
def calendar_day_delete(*, actor, entry: CalendarDay | PlatformCalendarDay) -> None:
    tenant = entry.tenant if isinstance(entry, CalendarDay) else None
    _require_change(actor, tenant)
    entry.delete()
    _changed(tenant)


@transaction.atomic
def business_hours_save(*, actor, tenant: Tenant, day_start: dt.time, day_end: dt.time,
                        lunch_start: dt.time | None = None, lunch_end: dt.time | None = None
                        ) -> BusinessHours:
    _require_change(actor, tenant)
    errors = business_hours_errors(day_start, day_end, lunch_start, lunch_end)
    if errors:
        raise ValidationError(errors)
    hours, _created = BusinessHours.objects.update_or_create(
        tenant=tenant,
        defaults={"day_start": day_start, "day_end": day_end, "lunch_start": lunch_start,
                  "lunch_end": lunch_end},
    )
    _changed(tenant)
    return hours


@transaction.atomic
def calendar_year_mark(*, actor, tenant: Tenant | None, year: int) -> CalendarYear:
    """Declare a year's schedule complete after entering its days by hand."""
    _require_change(actor, tenant)
    if not (FIRST_YEAR <= year <= LAST_YEAR):
        raise ValidationError({"year": [_("Enter a year between %(first)d and %(last)d.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR}]})
    marked, _created = CalendarYear.objects.get_or_create(
        tenant=tenant, year=year, defaults={"source": CalendarYearSource.MANUAL}
    )
    _changed(tenant)
    return marked


@transaction.atomic
def calendar_year_unmark(*, actor, tenant: Tenant | None, year: int) -> None:
    """Forget that a year's schedule was entered; its days stay as single overrides."""
    _require_change(actor, tenant)
    for marked in CalendarYear.objects.filter(tenant=tenant, year=year):
        marked.delete()
    _changed(tenant)


@dataclass
class ImportPlan:
    """What an import does (or, in a dry run, would do)."""

    lines: list[ScheduleLine]
    years: list[int]
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0  # platform days of the imported years missing from the file
    complete_years: list[int] = field(default_factory=list)
    dry_run: bool = True


@transaction.atomic
def calendar_import(*, actor, tenant: Tenant | None, text: str, complete_year: bool = False,
                    dry_run: bool = False) -> ImportPlan:
    """Import a schedule (format: ``linli.core.calendar.importers``); all or nothing.

    For the platform (``tenant`` None) the file is the complete official schedule of each year
    it mentions: the platform's days of those years are replaced and the years marked as
    imported, so the package no longer decides them. For a tenant the lines become overrides
    (added or updated; other overrides stay), and with ``complete_year`` the years are marked
    as entered by that tenant. Any bad line refuses the whole file with line-numbered errors.
    """
    _require_change(actor, tenant)
    parsed = parse_schedule(text or "")
    if parsed.errors:
        raise ValidationError({"text": parsed.error_messages()})
    years = parsed.years
    mark_years = tenant is None or complete_year
    plan = ImportPlan(lines=parsed.lines, years=years, dry_run=dry_run,
                      complete_years=years if mark_years else [])
    model = _day_model(tenant)
    wanted = {line.date for line in parsed.lines}
    rows = model.objects.filter(**_owner_filter(tenant))
    # The platform's file replaces its whole years; a tenant's other overrides stay.
    rows = rows.filter(date__year__in=years) if tenant is None else rows.filter(date__in=wanted)
    existing = {entry.date: entry for entry in rows}
    stale = [entry for day, entry in existing.items() if day not in wanted]
    plan.removed = len(stale)
    for line in parsed.lines:
        entry = existing.get(line.date)
        if entry is None:
            plan.added += 1
        elif (entry.kind, entry.note) == (line.kind, line.note):
            plan.unchanged += 1
        else:
            plan.changed += 1
    if dry_run:
        return plan
    with acting(actor, Channel.IMPORT):
        for entry in stale:
            entry.delete()
        for line in parsed.lines:
            entry = existing.get(line.date)
            if entry is None:
                model(date=line.date, kind=line.kind, note=line.note,
                      **_owner_filter(tenant)).save()
            elif (entry.kind, entry.note) != (line.kind, line.note):
                entry.kind, entry.note = line.kind, line.note
                entry.save()
        for year in plan.complete_years:
            marked = CalendarYear.objects.filter(tenant=tenant, year=year).first()
            if marked is None:
                CalendarYear.objects.create(
                    tenant=tenant, year=year, source=CalendarYearSource.IMPORTED
                )
            elif marked.source != CalendarYearSource.IMPORTED:
                marked.source = CalendarYearSource.IMPORTED
                marked.save()
        _changed(tenant)
    return plan
