"""The dispatch slip as a PDF (SVC-14): one A4 page per order holding the form's three copies,
one above the other with cut lines between them, each with the order's QR code.

Text is set in reportlab's built-in CID font STSong-Light (Adobe's Song for simplified
Chinese), which every PDF reader has, so no font file ships with the product and the text can
be searched and copied. Labels follow the active language; long texts are shortened to keep
each copy on its third of the page (the order's page has them in full).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from linli.servicedesk.slips import COPIES, Slip, log_unmasked, qr_drawing

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 28
COPY_HEIGHT = PAGE_HEIGHT / 3
PAD = 12
QR_SIZE = 64
BODY = ParagraphStyle("slip", fontName=FONT, fontSize=8.5, leading=10.5, wordWrap="CJK")
LABEL = ParagraphStyle("slip-label", parent=BODY, textColor=colors.HexColor("#444444"))
# Characters of the order's content that fit a copy; the rest is on the order's page.
CONTENT_CHARS = 180
RESOLUTION_CHARS = 120


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# Characters the CID font has no glyph for, and the ones it has that look the same.
GLYPHS = str.maketrans({"\u00b7": "\u30fb", "\u203a": ">", "\u2022": "\u30fb"})


def _glyphs(text) -> str:
    return str(text or "").translate(GLYPHS)


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(_glyphs(text)), style)


def _clocks(slip: Slip) -> str:
    parts = [f"{view.clock.get_kind_display()} {_moment(view.clock.due_at)}"
             for view in slip.clocks]
    if slip.order.appointment_at:
        parts.append(f"{_('Appointment')} {_moment(slip.order.appointment_at)}")
    return "; ".join(parts) or "—"


def _table(slip: Slip, width: float) -> Table:
    order = slip.order
    content = order.summary + (f" — {order.description}" if order.description else "")
    label = lambda text: _p(text, LABEL)  # noqa: E731
    rows = [
        [label(pgettext("work order", "Number")), _p(order.number),
         label(_("Registered")), _p(_moment(order.created_at))],
        [label(_("Type")), _p(slip.kind), label(_("Priority")), _p(order.get_priority_display())],
        [label(_("Where")), _p(slip.where), "", ""],
        [label(_("Caller")), _p(order.caller_name or "—"), label(_("Phone")),
         _p(slip.phone or "—")],
        [label(_("What")), _p(_short(content, CONTENT_CHARS)), "", ""],
        [label(_("Department")), _p(order.department or "—"), label(_("Handler")),
         _p(order.handler or "—")],
        [label(_("Due")), _p(_clocks(slip)), "", ""],
        [label(_("Arrived")), _p(_moment(order.arrived_at)), label(_("Finished")),
         _p(_moment(order.resolved_at))],
        [label(_("Work done")), _p(_short(order.resolution, RESOLUTION_CHARS)), "", ""],
        [label(_("Materials used")), "", "", ""],
        [label(_("Customer's signature")), "", label(_("Worker's signature")), ""],
    ]
    spans = [("SPAN", (1, r), (3, r)) for r in (2, 4, 6, 8, 9)]
    label_width = 58
    value_width = (width - 2 * label_width) / 2
    heights = [None] * len(rows)
    heights[8], heights[9], heights[10] = 34, 34, 32
    table = Table(rows, colWidths=[label_width, value_width, label_width, value_width],
                  rowHeights=heights)
    table.setStyle(TableStyle([
        *spans,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#666666")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("BACKGROUND", (2, 0), (2, 1), colors.HexColor("#f2f2f2")),
        ("BACKGROUND", (2, 3), (2, 3), colors.HexColor("#f2f2f2")),
        ("BACKGROUND", (2, 5), (2, 5), colors.HexColor("#f2f2f2")),
        ("BACKGROUND", (2, 7), (2, 7), colors.HexColor("#f2f2f2")),
        ("BACKGROUND", (2, 10), (2, 10), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _copy(pdf: canvas.Canvas, slip: Slip, index: int, tenant_name: str) -> None:
    """Copy ``index`` (0: the top third) of ``slip``."""
    top = PAGE_HEIGHT - index * COPY_HEIGHT
    copy, keeper = COPIES[index]
    left = MARGIN
    right = PAGE_WIDTH - MARGIN
    pdf.setFont(FONT, 13)
    pdf.drawString(left, top - PAD - 11, _glyphs(f"{_('Dispatch slip')}  {slip.order.number}"))
    pdf.setFont(FONT, 8)
    pdf.drawString(left, top - PAD - 24, _glyphs(
        f"{tenant_name}  {_('Copy %(n)s of 3') % {'n': index + 1}}: {copy} ({keeper})"))
    renderPDF.draw(qr_drawing(slip.url, QR_SIZE), pdf, right - QR_SIZE, top - PAD - QR_SIZE)
    width = right - left - QR_SIZE - 6
    table = _table(slip, width)
    _w, height = table.wrapOn(pdf, width, COPY_HEIGHT)
    table.drawOn(pdf, left, top - PAD - 30 - height)
    if index < len(COPIES) - 1:
        pdf.saveState()
        pdf.setDash(3, 3)
        pdf.setStrokeColor(colors.HexColor("#999999"))
        pdf.line(MARGIN / 2, top - COPY_HEIGHT, PAGE_WIDTH - MARGIN / 2, top - COPY_HEIGHT)
        pdf.restoreState()


def render(slips: list[Slip], *, title: str, tenant_name: str = "",
           empty_message: str = "") -> bytes:
    """The slips as one PDF: a page per order, or one page saying ``empty_message``."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setCreator("Linli")
    for slip in slips:
        for index in range(len(COPIES)):
            _copy(pdf, slip, index, tenant_name)
        pdf.showPage()
    if not slips:
        pdf.setFont(FONT, 14)
        pdf.drawString(MARGIN, PAGE_HEIGHT - 2 * MARGIN, _glyphs(title))
        pdf.setFont(FONT, 10)
        pdf.drawString(MARGIN, PAGE_HEIGHT - 2 * MARGIN - 24, _glyphs(empty_message))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pdf_response(actor, slips: list[Slip], *, filename: str, title: str, label: str,
                 empty_message: str = "") -> HttpResponse:
    """The slips as a PDF to open inline (the browser's viewer prints it); a print showing
    unmasked phones is written to the access log first."""
    log_unmasked(actor, slips, label=label)
    tenant = getattr(actor, "tenant", None)
    content = render(slips, title=title, tenant_name=str(tenant or ""),
                     empty_message=empty_message)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
