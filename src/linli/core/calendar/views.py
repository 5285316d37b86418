"""Screens of the working calendar under /settings/calendar/ (PLAT-4)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.calendar import selectors, services
from linli.core.calendar.forms import (
    TARGET_PLATFORM,
    BusinessHoursForm,
    CalendarDayForm,
    CalendarImportForm,
)
from linli.core.calendar.importers import parse_date
from linli.core.calendar.models import DEFAULT_DAY_END, DEFAULT_DAY_START


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def _require_platform(user) -> None:
    if not user.is_superuser:
        raise PermissionDenied(_("Only platform administrators change the platform calendar."))


def _date_or_404(value: str) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise Http404
    return day


def _month_of(value: str | None) -> dt.date:
    """The first day of ``?month=YYYY-MM``, or of the current month."""
    if value:
        day = parse_date(f"{value}-01")
        if day is not None:
            return day
    return timezone.localdate().replace(day=1)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def overview(request):
    user = request.user
    _require(user, selectors.VIEW_PERMISSION)
    first = _month_of(request.GET.get("month"))
    month = selectors.calendar_month(user.tenant_id, first.year, first.month)
    context = {
        "month": month,
        "can_change": user.has_perm(selectors.CHANGE_PERMISSION),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "calendar/partials/month.html", context)
    this_year = timezone.localdate().year
    context.update({
        "hours": selectors.business_hours_for(user.tenant_id),
        "overrides": selectors.override_list(user),
        "years": selectors.year_statuses(user.tenant_id, [this_year, this_year + 1]),
        "unknown_years": selectors.unknown_years(user.tenant_id),
        "is_platform_admin": user.is_superuser,
    })
    return render(request, "calendar/overview.html", context)


@login_required
def day_add(request):
    _require(request.user, selectors.CHANGE_PERMISSION)
    initial_day = parse_date(request.GET.get("date", "")) or timezone.localdate()
    return _day_form(request, tenant=request.user.tenant, initial_day=initial_day,
                     entry=None, fixed_date=False)


@login_required
def day_edit(request, day: str):
    _require(request.user, selectors.CHANGE_PERMISSION)
    date = _date_or_404(day)
    entry = selectors.override_find(request.user, date)
    return _day_form(request, tenant=request.user.tenant, initial_day=date, entry=entry,
                     fixed_date=True)


@login_required
def platform_day_add(request):
    _require_platform(request.user)
    initial_day = parse_date(request.GET.get("date", "")) or timezone.localdate()
    return _day_form(request, tenant=None, initial_day=initial_day, entry=None,
                     fixed_date=False)


@login_required
def platform_day_edit(request, day: str):
    _require_platform(request.user)
    date = _date_or_404(day)
    return _day_form(request, tenant=None, initial_day=date,
                     entry=selectors.platform_day_find(date), fixed_date=True)


def _day_form(request, *, tenant, initial_day: dt.date, entry, fixed_date: bool):
    initial = {"date": initial_day, "kind": entry.kind if entry else "holiday",
               "note": entry.note if entry else ""}
    form = CalendarDayForm(request.POST or None, initial=initial)
    if fixed_date:
        form.fields["date"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.calendar_day_save(
                actor=request.user, tenant=tenant, day=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"], note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Saved %(date)s.") % {"date": saved.date.isoformat()})
            if tenant is None:
                return redirect("calendar:platform")
            return redirect(f"{reverse('calendar:overview')}?month={saved.date:%Y-%m}")
    day_info = selectors.calendar_for(request.user.tenant_id).day_info(initial_day)
    return render(request, "calendar/day_form.html", {
        "form": form, "entry": entry, "is_platform": tenant is None, "day": initial_day,
        "day_info": day_info, "fixed_date": fixed_date,
    })


@login_required
@require_POST
def day_delete(request, day: str):
    _require(request.user, selectors.CHANGE_PERMISSION)
    entry = selectors.override_get(request.user, _date_or_404(day), "change")
    services.calendar_day_delete(actor=request.user, entry=entry)
    messages.success(request, _("Removed the override of %(date)s.") % {
        "date": entry.date.isoformat()})
    return redirect(f"{reverse('calendar:overview')}?month={entry.date:%Y-%m}")


@login_required
@require_POST
def platform_day_delete(request, day: str):
    _require_platform(request.user)
    entry = selectors.platform_day_get(_date_or_404(day))
    services.calendar_day_delete(actor=request.user, entry=entry)
    messages.success(request, _("Removed the platform day %(date)s.") % {
        "date": entry.date.isoformat()})
    return redirect("calendar:platform")


@login_required
def platform(request):
    _require_platform(request.user)
    this_year = timezone.localdate().year
    return render(request, "calendar/platform.html", {
        "days": selectors.platform_day_list(),
        "years": selectors.year_statuses(request.user.tenant_id, [this_year, this_year + 1]),
    })


@login_required
def hours(request):
    user = request.user
    _require(user, selectors.CHANGE_PERMISSION)
    current = selectors.business_hours_row(user.tenant_id)
    initial = {
        "day_start": current.day_start if current else DEFAULT_DAY_START,
        "day_end": current.day_end if current else DEFAULT_DAY_END,
        "lunch_start": current.lunch_start if current else None,
        "lunch_end": current.lunch_end if current else None,
    }
    form = BusinessHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_hours_save(actor=user, tenant=user.tenant, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Business hours saved."))
            return redirect("calendar:overview")
    return render(request, "calendar/hours.html", {"form": form})


@login_required
def import_schedule(request):
    """Step 1 (``action=preview``): parse and show what would change; step 2
    (``action=confirm``): write everything or nothing."""
    user = request.user
    _require(user, selectors.CHANGE_PERMISSION)
    form = CalendarImportForm(request.POST or None, request.FILES or None,
                              platform_allowed=user.is_superuser)
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        platform_target = data["target"] == TARGET_PLATFORM
        confirm = request.POST.get("action") == "confirm"
        try:
            plan = services.calendar_import(
                actor=user, tenant=None if platform_target else user.tenant, text=data["text"],
                complete_year=data["complete_year"], dry_run=not confirm,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if confirm:
                messages.success(request, _(
                    "Imported %(count)d days: %(added)d added, %(changed)d changed, "
                    "%(removed)d removed."
                ) % {"count": len(plan.lines), "added": plan.added, "changed": plan.changed,
                     "removed": plan.removed})
                return redirect("calendar:platform" if platform_target else "calendar:overview")
    return render(request, "calendar/import.html", {
        "form": form, "plan": plan, "is_platform_admin": user.is_superuser,
        "text": form.cleaned_data.get("text", "") if form.is_bound and plan else "",
    })


@login_required
@require_POST
def year_mark(request, year: int):
    user = request.user
    platform_target = request.POST.get("target") == TARGET_PLATFORM
    if platform_target:
        _require_platform(user)
    else:
        _require(user, selectors.CHANGE_PERMISSION)
    tenant = None if platform_target else user.tenant
    try:
        if request.POST.get("action") == "unmark":
            services.calendar_year_unmark(actor=user, tenant=tenant, year=year)
            messages.success(request, _("%(year)d is no longer marked as entered.") % {
                "year": year})
        else:
            services.calendar_year_mark(actor=user, tenant=tenant, year=year)
            messages.success(request, _("%(year)d is marked as entered.") % {"year": year})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("calendar:platform" if platform_target else "calendar:overview")
