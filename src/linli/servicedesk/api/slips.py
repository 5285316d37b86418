"""API of dispatch slips (SVC-14): one order's three-part slip and a department's day of
slips, as PDF (application/pdf), the same documents the screens print.

The order and the department are found in the caller's scope (out of scope or missing: 404);
a day that is not a date or lies out of reach, or too many orders for one document, is a 422.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from linli.accounts.models import OrgUnit
from linli.core.restapi.errors import ApiError
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import PathId
from linli.servicedesk import selectors, slip_pdf, slips
from linli.servicedesk.api import lookups
from linli.servicedesk.models import WorkOrder

router = Router(tags=["service desk"])

PDF = {200: {"description": "The slips as a PDF: one A4 page per order holding its three "
                            "copies", "content": {"application/pdf": {}}}}


class SlipDay(Schema):
    day: date | None = Field(None, description="The local day; default today")


@router.get("/work-orders/{order_id}/slip.pdf", response={200: None},
            openapi_extra={"responses": PDF}, summary="The order's dispatch slip (PDF)")
@scoped(WorkOrder, "detail")
def work_order_slip_pdf(request, order_id: PathId):
    """The caller's phone is masked unless the caller may see personal data at the order
    (then the print is written to the access log)."""
    actor = request.auth
    order = selectors.work_order_get(actor, order_id)
    return slip_pdf.pdf_response(
        actor, slips.slips_for(actor, [order], slips.order_url(request)),
        filename=f"{order.number}.pdf", title=f"{_('Dispatch slip')} {order.number}",
        label=_("Dispatch slip"))


@router.get("/departments/{department_id}/slips.pdf", response={200: None},
            openapi_extra={"responses": PDF},
            summary="A department's day of dispatch slips (PDF)")
@scoped(OrgUnit, "detail")
def department_slips_pdf(request, department_id: PathId, filters: Query[SlipDay]):
    """Every order of the department (and the units below it) the caller sees that was
    handed to it or one of its workers on the day, or whose appointment or a running clock
    falls on it; most urgent first. No order: one page saying so. More than 200: 422."""
    actor = request.auth
    department = selectors.slip_department_get(actor, department_id)
    day = filters.day or timezone.localdate()
    if not slips.day_in_range(day):
        raise lookups.invalid("day", slips.day_out_of_range())
    try:
        found = slips.department_day_slips(actor, department, day, slips.order_url(request))
    except ValidationError as exc:
        raise ApiError(422, "too_many_orders", " ".join(exc.messages)) from exc
    title = slips.day_title(department, day)
    return slip_pdf.pdf_response(
        actor, found, title=title, label=title,
        filename=f"slips-{department.pk}-{day.isoformat()}.pdf",
        empty_message=slips.day_empty_message(department, day))
