"""The dispatch slip (派工单, SVC-14): what one order's three-part slip shows, for the print
view and the PDF alike (servicedesk/slip_pdf.py draws it).

A slip carries the caller's phone masked unless the printing user may see personal data at the
order; a print that shows any phone unmasked is written to the personal-data access log, as an
export of unmasked data is. The QR code links to the order's page.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

from linli.core.personal_data.masking import mask_phone
from linli.core.personal_data.models import AccessAction
from linli.core.personal_data.phones import display_phone
from linli.core.personal_data.services import REVEAL_PERMISSION, access_log_write
from linli.servicedesk import selectors
from linli.servicedesk.models import WorkOrder

# The three parts of the form: who keeps each.
COPIES = (
    (gettext_lazy("Dispatch copy"), gettext_lazy("kept by the service desk")),
    (gettext_lazy("Worker copy"), gettext_lazy("returned to the desk when the work is done")),
    (gettext_lazy("Customer copy"), gettext_lazy("left with the customer")),
)
# A day's batch prints at most this many orders; more is a mistake or a job for filters.
BATCH_LIMIT = 200
# Years a day of slips may be asked for (as the API's dates).
FIRST_YEAR, LAST_YEAR = 2000, 2199


@dataclass
class Slip:
    order: WorkOrder
    url: str  # the order's page, absolute: the QR code's target
    phone: str  # masked unless the printing user may see it
    phone_shown: bool
    clocks: list  # selectors.ClockView

    @property
    def where(self) -> str:
        order = self.order
        place = order.community.name
        if order.unit_id:
            place += f" {order.unit.room_code}"
        elif order.building_id:
            place += f" {order.building}"
        if order.location:
            place += f" · {order.location}"
        return place

    @property
    def kind(self) -> str:
        label = self.order.get_order_type_display()
        return f"{label} · {self.order.category}" if self.order.category_id else label

    @cached_property
    def qr_svg(self) -> SafeString:
        return qr_svg(self.url)


def slips_for(user, orders, url_of: Callable[[WorkOrder], str]) -> list[Slip]:
    """The slips of ``orders`` as ``user`` prints them; ``url_of`` makes an order's absolute
    URL (the request knows the host)."""
    now = timezone.now()
    slips = []
    for order in orders:
        shown = bool(order.caller_phone) and user.has_perm(REVEAL_PERMISSION, order)
        slips.append(Slip(order=order, url=url_of(order),
                          phone=(display_phone(order.caller_phone) if shown
                                 else mask_phone(order.caller_phone)),
                          phone_shown=shown, clocks=selectors.clock_views(order, now)))
    return slips


def log_unmasked(actor, slips: list[Slip], *, label: str, note: str = "") -> None:
    """Record in the access log that ``actor`` printed unmasked phones, if any slip shows one:
    the order itself for one slip, else one row naming the batch."""
    shown = [slip for slip in slips if slip.phone_shown]
    if not shown:
        return
    # One row either way: nothing to keep together in a transaction.
    if len(slips) == 1:
        access_log_write(actor=actor, action=AccessAction.EXPORT, subject=shown[0].order,
                         field="caller_phone", note=note or label)
    else:
        numbers = ", ".join(slip.order.number for slip in shown)
        access_log_write(actor=actor, action=AccessAction.EXPORT, label=label,
                         field="caller_phone", note=f"{note} {numbers}".strip())

def qr_drawing(url: str, size: float) -> Drawing:
    """A QR code of ``url``, ``size`` points square (medium error correction: a slip gets
    creased and stamped)."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_svg(url: str, size: int = 96) -> SafeString:
    """The QR code of ``url`` as inline SVG for the print view: one path of the dark runs of
    each row (a few kilobytes, drawn by the server, so the page needs no script)."""
    widget = QrCodeWidget(url, barLevel="M")
    widget.qr.make()
    modules = widget.qr.modules
    count = len(modules) + 2 * QUIET_ZONE
    runs = []
    for r, row in enumerate(modules):
        c = 0
        for dark, group in itertools.groupby(bool(cell) for cell in row):
            length = len(list(group))
            if dark:
                runs.append(f"M{c + QUIET_ZONE} {r + QUIET_ZONE}h{length}v1h-{length}z")
            c += length
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-hidden="true" width="{}" '
        'height="{}" viewBox="0 0 {} {}" shape-rendering="crispEdges">'
        '<rect width="100%" height="100%" fill="#fff"/><path d="{}" fill="#000"/></svg>',
        size, size, count, count, "".join(runs))


def day_in_range(day: dt.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def day_out_of_range() -> str:
    return _("Choose a day between the years %(first)d and %(last)d.") % {
        "first": FIRST_YEAR, "last": LAST_YEAR}


def department_day_slips(user, department, day: dt.date,
                         url_of: Callable[[WorkOrder], str]) -> list[Slip]:
    """The slips of ``selectors.department_day_orders``; more than BATCH_LIMIT orders is a
    ValidationError (code "too_many_orders") and nothing prints."""
    orders = list(selectors.department_day_orders(user, department, day)[:BATCH_LIMIT + 1])
    if len(orders) > BATCH_LIMIT:
        raise ValidationError(_("More than %(limit)d work orders match: print them in smaller "
                                "groups, e.g. team by team.") % {"limit": BATCH_LIMIT},
                              code="too_many_orders")
    return slips_for(user, orders, url_of)


def day_title(department, day: dt.date) -> str:
    return _("Dispatch slips of %(department)s on %(day)s") % {
        "department": department.name, "day": date_format(day, "Y-m-d")}


def day_empty_message(department, day: dt.date) -> str:
    return _("No work orders of %(department)s were dispatched or are due on %(day)s.") % {
        "department": department.name, "day": date_format(day, "Y-m-d")}


def order_url(request) -> Callable[[WorkOrder], str]:
    """The absolute URL of an order's page, for the slip's QR code."""
    return lambda order: request.build_absolute_uri(
        reverse("servicedesk:work_order_detail", args=[order.pk]))

