"""The working-calendar API under /api/v1/calendar/ (PLAT-4).

Reads need ``core.view_calendarday``; writes ``core.change_calendarday``. Everything answers
for the caller's own tenant.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.calendar import selectors, services
from linli.core.calendar.models import CalendarDay, CalendarDayKind
from linli.core.restapi.errors import ApiError
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped, unscoped

router = Router(tags=["calendar"])

MAX_RANGE_DAYS = 366
MAX_WORKING_DAYS = 1000
MAX_BUSINESS_HOURS = 10000


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", _("Some fields are not valid."), {field: [message]})


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.utcoffset() is None:
        raise _invalid(field, _("Give the time zone, e.g. 2026-10-09T09:00:00+08:00 or …Z."))
    return value


class DayOut(Schema):
    date: dt.date
    is_working_day: bool
    kind: str = Field(description="workday, weekend, holiday or adjusted_workday")
    source: str = Field(description="tenant, platform, package or fallback (weekends only)")
    note: str


class DaysQuery(Schema):
    start: dt.date = Field(..., alias="from", description="First day, YYYY-MM-DD")
    end: dt.date = Field(..., alias="to", description="Last day (inclusive), at most 366 days on")


@router.get("/days", response=list[DayOut], summary="Working days of a date range")
@unscoped("the caller's own tenant calendar, computed; no row of another tenant is read")
def days(request, filters: Query[DaysQuery]):
    _require(request.auth, selectors.VIEW_PERMISSION)
    if filters.end < filters.start:
        raise _invalid("to", _("The end is before the start."))
    if (filters.end - filters.start).days >= MAX_RANGE_DAYS:
        raise _invalid("to", _("Ask for at most %(days)d days at a time.") % {
            "days": MAX_RANGE_DAYS})
    return selectors.calendar_days(request.auth.tenant_id, filters.start, filters.end)


class OverrideIn(Schema):
    date: dt.date
    kind: CalendarDayKind
    note: str = Field("", max_length=200)


class OverrideOut(Schema):
    date: dt.date
    kind: str
    note: str


@router.get("/overrides", response=list[OverrideOut], summary="The tenant's own overrides")
@scoped(CalendarDay, "list")
@paginate(PagePagination)
def overrides(request):
    _require(request.auth, selectors.VIEW_PERMISSION)
    return selectors.override_list(request.auth)


@router.post("/overrides", response={200: OverrideOut, 201: OverrideOut},
             summary="Set the override of one date (201 created, 200 replaced)")
def override_set(request, payload: OverrideIn):
    existed = selectors.override_find(request.auth, payload.date) is not None
    entry = services.calendar_day_save(
        actor=request.auth, tenant=request.auth.tenant, day=payload.date,
        kind=payload.kind.value, note=payload.note,
    )
    return Status(200 if existed else 201, entry)


@router.delete("/overrides/{day}", response={204: None}, summary="Remove the override of a date")
def override_delete(request, day: dt.date):
    entry = selectors.override_get(request.auth, day, "change")
    services.calendar_day_delete(actor=request.auth, entry=entry)
    return Status(204, None)


# Business hours are wall-clock times in the tenant's calendar zone, written "HH:MM".
WALL_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _hhmm(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _time(value: str | None) -> dt.time | None:
    return dt.time.fromisoformat(value) if value else None


class BusinessHoursOut(Schema):
    day_start: str = Field(..., pattern=WALL_CLOCK, examples=["08:30"])
    day_end: str = Field(..., pattern=WALL_CLOCK, examples=["17:30"])
    lunch_start: str | None = Field(None, pattern=WALL_CLOCK)
    lunch_end: str | None = Field(None, pattern=WALL_CLOCK)

    @staticmethod
    def of(hours) -> dict:
        return {field: _hhmm(getattr(hours, field))
                for field in ("day_start", "day_end", "lunch_start", "lunch_end")}


@router.get("/business-hours", response=BusinessHoursOut, summary="The tenant's business hours")
@unscoped("the caller's own tenant settings")
def business_hours(request):
    _require(request.auth, selectors.VIEW_PERMISSION)
    return BusinessHoursOut.of(selectors.business_hours_for(request.auth.tenant_id))


class BusinessHoursIn(Schema):
    day_start: str = Field(..., pattern=WALL_CLOCK, examples=["08:30"])
    day_end: str = Field(..., pattern=WALL_CLOCK, examples=["17:30"])
    lunch_start: str | None = Field(None, pattern=WALL_CLOCK,
                                    description="Empty with lunch_end: no lunch break")
    lunch_end: str | None = Field(None, pattern=WALL_CLOCK)


@router.put("/business-hours", response=BusinessHoursOut, summary="Change the business hours")
def business_hours_put(request, payload: BusinessHoursIn):
    hours = services.business_hours_save(
        actor=request.auth, tenant=request.auth.tenant,
        **{field: _time(value) for field, value in payload.dict().items()},
    )
    return BusinessHoursOut.of(hours)


class AddWorkingDaysQuery(Schema):
    date: dt.date
    n: int = Field(..., ge=-MAX_WORKING_DAYS, le=MAX_WORKING_DAYS,
                   description="Working days to add (negative: go back)")


class AddWorkingDaysOut(Schema):
    date: dt.date
    n: int
    result: dt.date


@router.get("/add-working-days", response=AddWorkingDaysOut,
            summary="The n-th working day after a date")
@unscoped("a calculation on the caller's own tenant calendar")
def add_working_days(request, params: Query[AddWorkingDaysQuery]):
    _require(request.auth, selectors.VIEW_PERMISSION)
    working = selectors.calendar_for(request.auth.tenant_id)
    return {"date": params.date, "n": params.n,
            "result": working.add_working_days(params.date, params.n)}


class AddBusinessHoursQuery(Schema):
    at: dt.datetime = Field(..., description="An instant with its time zone (ISO 8601)")
    hours: Decimal = Field(..., ge=0, le=MAX_BUSINESS_HOURS, max_digits=9, decimal_places=4)


class AddBusinessHoursOut(Schema):
    at: dt.datetime
    hours: Decimal
    result: dt.datetime = Field(description="UTC")


@router.get("/add-business-hours", response=AddBusinessHoursOut,
            summary="The instant after some business hours")
@unscoped("a calculation on the caller's own tenant calendar")
def add_business_hours(request, params: Query[AddBusinessHoursQuery]):
    _require(request.auth, selectors.VIEW_PERMISSION)
    at = _aware(params.at, "at")
    result = selectors.calendar_for(request.auth.tenant_id).add_business_hours(at, params.hours)
    return {"at": at.astimezone(dt.UTC), "hours": params.hours, "result": result}
