"""The working calendar (PLAT-4): day overrides, business hours and which years are entered.

Whether a date is a working day is decided, most specific first, by: the tenant's own
``CalendarDay`` override, the platform's ``PlatformCalendarDay`` rows (and, for a year whose
platform schedule was entered as a whole, the weekday rule instead of the package), the
``chinesecalendar`` package, and finally plain Monday-to-Friday. The computation lives in
``working.py``; ``selectors.calendar_for`` builds it per tenant.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.audit import history
from linli.core.tenancy import Tenant, TenantOwned, TimeStamped

__all__ = [
    "DEFAULT_DAY_END",
    "DEFAULT_DAY_START",
    "BusinessHours",
    "CalendarDay",
    "CalendarDayKind",
    "CalendarRevision",
    "CalendarYear",
    "CalendarYearSource",
    "PlatformCalendarDay",
]

DEFAULT_DAY_START = dt.time(8, 30)
DEFAULT_DAY_END = dt.time(17, 30)


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKING_DAY = "working_day", _("Working day")


class CalendarYearSource(models.TextChoices):
    PACKAGE = "package", _("Official calendar (built in)")
    IMPORTED = "imported", _("Imported")
    MANUAL = "manual", _("Entered by hand")


class CalendarDay(TenantOwned, TimeStamped):
    """A tenant's own decision about one date; beats every other source for that tenant."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "date"], name="calendarday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == CalendarDayKind.WORKING_DAY


class PlatformCalendarDay(TimeStamped):
    """A platform-wide day of the official schedule, entered by platform administrators for
    years (or corrections) the ``chinesecalendar`` package does not have."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = history()

    class Meta:
        verbose_name = _("platform calendar day")
        verbose_name_plural = _("platform calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == CalendarDayKind.WORKING_DAY


class CalendarYear(TimeStamped):
    """Marks a year whose official schedule has been entered (imported or by hand).

    ``tenant`` empty: the platform entered it for everybody, and for that year the platform's
    rows replace the package. With a tenant: that tenant entered it for itself (its rows are
    overrides), which silences the unknown-year warning for that tenant only.
    """

    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("tenant"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=16, choices=CalendarYearSource.choices)

    history = history()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(tenant__isnull=True),
                name="calendaryear_unique_platform_year",
            ),
            models.UniqueConstraint(
                fields=["tenant", "year"], condition=models.Q(tenant__isnull=False),
                name="calendaryear_unique_tenant_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.get_source_display()})"


class BusinessHours(TenantOwned):
    """A tenant's business hours in local time; without a row the defaults apply."""

    tenant = models.OneToOneField(
        Tenant, on_delete=models.PROTECT, related_name="+", verbose_name=_("tenant")
    )
    day_start = models.TimeField(_("day starts"), default=DEFAULT_DAY_START)
    day_end = models.TimeField(_("day ends"), default=DEFAULT_DAY_END)
    lunch_start = models.TimeField(_("lunch break starts"), null=True, blank=True)
    lunch_end = models.TimeField(_("lunch break ends"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = history()

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_start__lt=models.F("day_end")),
                name="businesshours_start_before_end",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(lunch_start__isnull=True, lunch_end__isnull=True)
                    | models.Q(
                        lunch_start__gt=models.F("day_start"),
                        lunch_start__lt=models.F("lunch_end"),
                        lunch_end__lt=models.F("day_end"),
                    )
                ),
                name="businesshours_lunch_inside_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day_start:%H:%M}–{self.day_end:%H:%M}"

    def clean(self) -> None:
        errors = business_hours_errors(
            self.day_start, self.day_end, self.lunch_start, self.lunch_end
        )
        if errors:
            raise ValidationError(errors)


def business_hours_errors(day_start, day_end, lunch_start, lunch_end) -> dict[str, list[str]]:
    """Field errors of a set of business hours (empty when they are valid)."""
    errors: dict[str, list[str]] = {}
    if day_start is None:
        errors["day_start"] = [_("Enter the time the working day starts.")]
    if day_end is None:
        errors["day_end"] = [_("Enter the time the working day ends.")]
    if errors:
        return errors
    if day_start >= day_end:
        errors["day_end"] = [_("The working day must end after it starts.")]
        return errors
    if (lunch_start is None) != (lunch_end is None):
        field = "lunch_end" if lunch_end is None else "lunch_start"
        errors[field] = [_("Enter both ends of the lunch break, or neither.")]
    elif lunch_start is not None:
        if lunch_start >= lunch_end:
            errors["lunch_end"] = [_("The lunch break must end after it starts.")]
        elif not (day_start < lunch_start and lunch_end < day_end):
            errors["lunch_start"] = [_("The lunch break must lie inside the working day.")]
    return errors


class CalendarRevision(models.Model):
    """A token changed on every calendar write, so each process can tell with one small query
    whether the working calendars it keeps in memory are stale. ``key`` is "platform" or
    "tenant:<id>"."""

    key = models.CharField(max_length=40, unique=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.key}={self.token}"
