"""Replies to complainants (SVC-9): a sensitive or public-opinion complaint's reply waits for
a manager's approval before it is sent; any other reply goes out at once."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.servicedesk.choices import OrderType, ReviewStatus
from linli.servicedesk.models import WorkOrder
from linli.servicedesk.services import shared
from linli.servicedesk.states import FINAL


def work_order_reply_submit(order: WorkOrder, *, actor, reply: str) -> WorkOrder:
    with transaction.atomic():
        locked = shared.lock(order)
        shared.require_any(actor, ("change_workorder", "assign_workorder", "work_workorder"),
                           locked)
        if locked.order_type != OrderType.COMPLAINT:
            raise shared.invalid("reply", _("Only complaints get a reviewed reply."))
        if locked.status in FINAL:
            raise shared.invalid("status", _("The order is finished."))
        text = (reply or "").strip()
        if not text:
            raise shared.invalid("reply", _("Write the reply."))
        locked.reply = text
        if locked.is_sensitive:
            locked.review_status = ReviewStatus.PENDING
            locked.save(update_fields=["reply", "review_status", "updated_at"])
            record_event(locked, "work_order.reply_submitted", actor=actor, note=text)
            shared.tell_users(locked, "servicedesk.reply_review", shared.managers_of(locked),
                              actor=actor)
        else:
            locked.save(update_fields=["reply", "updated_at"])
            record_event(locked, "work_order.reply_sent", actor=actor, note=text)
            shared.tell_complainant(locked, "reply", actor=actor, reply=text)
    return locked


def work_order_reply_review(order: WorkOrder, *, actor, approve: bool, note: str = ""
                            ) -> WorkOrder:
    with transaction.atomic():
        locked = shared.lock(order)
        shared.require_any(actor, ("approve_workorder",), locked)
        if locked.review_status != ReviewStatus.PENDING or not locked.reply:
            raise shared.invalid("reply", _("No reply is waiting for approval."))
        if not approve and not (note or "").strip():
            raise shared.invalid("note", _("Say what to change."))
        locked.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
        locked.save(update_fields=["review_status", "updated_at"])
        record_event(locked, "work_order.reply_approved" if approve else
                     "work_order.reply_rejected", actor=actor, note=(note or "").strip())
        if approve:
            shared.tell_complainant(locked, "reply", actor=actor, reply=locked.reply)
        elif locked.handler_id:
            shared.tell_users(locked, "servicedesk.reply_rejected", [locked.handler],
                              actor=actor, note=note)
    return locked
