"""Writes of the promotion flow (OUT-6): each company's stage, changed only by
``promotion_transition`` along ``outreach.states.PROMOTION_TRANSITIONS``, and the callback
seven days after a mailing, logged on the OUT-2 call task it was booked as."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.outreach.choices import CallOutcome, DeclineReason
from linli.outreach.models import DistributionRecipient, Promotion
from linli.outreach.services.campaigns import call_record
from linli.outreach.services.shared import _check_move, _require, _same_tenant
from linli.outreach.states import PROMOTION_TRANSITIONS, PromotionStage


def promotions_mail(*, partners: list, rollout: str, at) -> int:
    """Start the promotion of the companies just mailed that have none yet (a declined one
    whose mind the callback has not confirmed starts again as mailed is not touched here)."""
    known = set(Promotion.objects.filter(partner__in=partners).values_list("partner_id",
                                                                           flat=True))
    created = Promotion.objects.bulk_create([
        Promotion(tenant_id=p.tenant_id, org_unit_id=p.org_unit_id, partner=p, rollout=rollout,
                  mailed_at=at, stage_changed_at=at)
        for p in partners if p.pk not in known], batch_size=1000)
    return len(created)


@transaction.atomic
def promotion_transition(*, actor, promotion: Promotion, to: str, reason: str = "",
                         confirmed: bool = False) -> Promotion:
    """Move a company one stage on (or to declined, with ``reason``; ``confirmed`` when a
    callback confirmed it), locking the row; a move out of order is refused."""
    _require(actor, "outreach.change_promotion", promotion)
    if actor is not None:
        _same_tenant(actor, promotion.tenant_id)
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    old = promotion.stage
    _check_move("stage", PromotionStage, PROMOTION_TRANSITIONS, old, to,
                unknown=_("Choose a stage from the list."),
                same=_("The company is already at this stage."),
                refused=_("A company cannot go from “%(old)s” to “%(new)s”."))
    fields = ["stage", "stage_changed_at", "decline_reason", "decline_confirmed",
              "updated_at"]
    if to == PromotionStage.DECLINED:
        if reason not in DeclineReason.values:
            raise ValidationError({"reason": [_("Say why: unwilling, not suitable or with "
                                                "another platform.")]})
        promotion.decline_reason, promotion.decline_confirmed = reason, confirmed
    else:
        promotion.decline_reason, promotion.decline_confirmed = "", False
    promotion.stage, promotion.stage_changed_at = to, timezone.now()
    promotion.save(update_fields=fields)
    record_event(promotion, "outreach.promotion_moved", actor=actor, old=old, new=to,
                 note=reason)
    return promotion


@transaction.atomic
def promotion_decline_confirm(*, actor, promotion: Promotion) -> Promotion:
    """A callback confirmed that a declined company does not want the handbook: it is left
    out of later mailings."""
    _require(actor, "outreach.change_promotion", promotion)
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    if promotion.stage != PromotionStage.DECLINED:
        raise ValidationError({"stage": [_("Only a declined company can be confirmed as "
                                           "declined.")]})
    promotion.decline_confirmed = True
    promotion.save(update_fields=["decline_confirmed", "updated_at"])
    record_event(promotion, "outreach.promotion_decline_confirmed", actor=actor,
                 new=promotion.decline_reason)
    return promotion


@transaction.atomic
def distribution_callback(*, actor, recipient: DistributionRecipient, outcome: str,
                          received: bool = False, opinion: str = "",
                          decline_reason: str = "") -> DistributionRecipient:
    """Log the callback of one recipient on its call task (OUT-2's call state machine).
    Connected and received: receipt confirmed (it counts for the agent's subsidy) and the
    company moves from mailed to received; a decline reason marks it declined, confirmed."""
    if recipient.call_task_id is None:
        raise ValidationError({"outcome": [_("No callback is booked for this company: the "
                                             "distribution has not been sent.")]})
    call_record(actor=actor, task=recipient.call_task, outcome=outcome, note=opinion)
    if outcome != CallOutcome.CONNECTED:
        return recipient
    recipient = DistributionRecipient.objects.select_for_update().get(pk=recipient.pk)
    if received and recipient.confirmed_at is None:
        recipient.confirmed_at = timezone.now()
    recipient.opinion = opinion
    recipient.save(update_fields=["confirmed_at", "opinion"])
    promotion = Promotion.objects.filter(partner_id=recipient.partner_id).first()
    if promotion is not None:
        if decline_reason:
            if promotion.stage == PromotionStage.DECLINED:
                promotion_decline_confirm(actor=actor, promotion=promotion)
            else:
                promotion_transition(actor=actor, promotion=promotion,
                                     to=PromotionStage.DECLINED, reason=decline_reason,
                                     confirmed=True)
        elif received and promotion.stage == PromotionStage.MAILED:
            promotion_transition(actor=actor, promotion=promotion,
                                 to=PromotionStage.RECEIVED)
    return recipient
