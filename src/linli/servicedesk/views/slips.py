"""A department's day of dispatch slips (SVC-14): the user picks a department they see orders
in and a day; the print view and the PDF hold a slip for every order handed to the department
that day or due (or booked) that day, most urgent first.

An unknown department, one of another tenant or outside the user's scope is a 404 for the PDF
and a form error on the print view; a malformed or far-off day, or more orders than
``slips.BATCH_LIMIT``, print nothing and say so (the PDF: 400).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.servicedesk import selectors, slip_pdf, slips
from linli.servicedesk.forms import SlipDayForm


@dataclass
class DayOfSlips:
    """What the form asked for and what it found: ``slips`` to print, or ``error`` saying why
    nothing prints."""

    form: SlipDayForm
    department: object | None = None
    day: object | None = None
    slips: list = field(default_factory=list)
    error: str = ""

    @property
    def title(self) -> str:
        if self.department is None:
            return _("Dispatch slips")
        return slips.day_title(self.department, self.day)

    @property
    def empty_message(self) -> str:
        return slips.day_empty_message(self.department, self.day)


def day_of_slips(request) -> DayOfSlips:
    user = request.user
    data = request.GET.copy()
    if data and not data.get("day"):
        data["day"] = timezone.localdate().isoformat()  # a department alone means today
    form = SlipDayForm(data or None, actor=user)
    found = DayOfSlips(form)
    if not form.is_valid():
        return found
    found.department = selectors.slip_department_get(user, form.cleaned_data["department"])
    found.day = form.cleaned_data["day"]
    try:
        found.slips = slips.department_day_slips(user, found.department, found.day,
                                                 slips.order_url(request))
    except ValidationError as exc:
        found.error = " ".join(exc.messages)
    return found


@login_required
@permission_required("servicedesk.view_workorder", raise_exception=True)
def department_slips(request):
    """The print view of a department's day, with the form that chooses it."""
    found = day_of_slips(request)
    slips.log_unmasked(request.user, found.slips, label=found.title)
    return render(request, "servicedesk/work_order_slip.html", {
        "day_of_slips": found, "form": found.form, "slips": found.slips,
        "copies": slips.COPIES, "pdf_query": request.GET.urlencode()})


@login_required
@permission_required("servicedesk.view_workorder", raise_exception=True)
def department_slips_pdf(request):
    """The PDF of a department's day: a page per order, or one page saying there is none."""
    found = day_of_slips(request)
    form = found.form
    if not form.is_bound or "department" in form.errors:
        # None chosen, or one the user may not see: as if it did not exist.
        raise Http404(_("Choose a department."))
    if found.department is None or found.error:
        # A malformed or far-off day, or too many orders (the print view says the same).
        raise BadRequest(found.error or " ".join(form.errors.get("day", [])))
    return slip_pdf.pdf_response(
        request.user, found.slips, title=found.title, label=found.title,
        filename=f"slips-{found.department.pk}-{found.day.isoformat()}.pdf",
        empty_message=found.empty_message)


urlpatterns = [
    path("slips/", department_slips, name="department_slips"),
    path("slips/pdf/", department_slips_pdf, name="department_slips_pdf"),
]
