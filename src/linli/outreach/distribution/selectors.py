"""Reads of editions, distributions, promotion and subsidies (OUT-5, OUT-6, OUT-7), always
inside the viewer's scope (missing and out of scope are the same 404)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from linli.core.calendar.selectors import calendar_for
from linli.core.filtering import filtered
from linli.outreach.choices import (
    QUALITY_UNSIGNED,
    QUALITY_UNSIGNED_PARAMS,
    ChannelMedium,
    SigningStatus,
)
from linli.outreach.models import (
    Distribution,
    DistributionChannel,
    DistributionRecipient,
    Edition,
    Partner,
    PartnerFilter,
    Promotion,
    SubsidyLine,
    SubsidyRule,
    SubsidyStatement,
)
from linli.outreach.selectors.registry import partner_criteria
from linli.outreach.states import FUNNEL, DistributionStatus, PromotionStage

# --- scheduling -----------------------------------------------------------------------------

def scheduled_date(tenant_id: int, channel: DistributionChannel, month: dt.date,
                   chosen: dt.date | None = None) -> dt.date | None:
    """The channel's day of ``month`` (its last day when the month is shorter, e.g. the 31st
    in April), or the ``chosen`` day of an irregular channel, rolled to the next working day
    of the tenant's calendar when it is a weekend or a holiday."""
    if channel.day_of_month:
        last = calendar.monthrange(month.year, month.month)[1]
        day = month.replace(day=min(channel.day_of_month, last))
    elif chosen is not None:
        day = chosen
    else:
        return None
    return calendar_for(tenant_id).add_working_days(day, 0)


# --- targets --------------------------------------------------------------------------------

def quality_unsigned_params(tenant_id: int) -> dict:
    """The tenant's saved "quality unsigned" criteria, else the built-in ones."""
    saved = PartnerFilter.objects.filter(tenant_id=tenant_id, code=QUALITY_UNSIGNED).first()
    return saved.params if saved is not None else QUALITY_UNSIGNED_PARAMS


def distribution_targets(actor, tenant_id: int, *, agent=None,
                         cities: list[str] | None = None) -> QuerySet[Partner]:
    """Who gets an edition: signed companies and offices plus the "quality unsigned" ones,
    minus those opted out and those whose decline a callback confirmed; only the agent's when
    an agent hands it out, only the pilot cities' in a pilot."""
    partners = (Partner.objects.restrict(actor, "view") if actor is not None
                else Partner.objects.filter(tenant_id=tenant_id))
    quality = partner_criteria(partners, quality_unsigned_params(tenant_id)).values("pk")
    qs = partners.filter(Q(signing_status=SigningStatus.SIGNED) | Q(pk__in=quality)).filter(
        opted_out=False).exclude(promotion__stage=PromotionStage.DECLINED,
                                 promotion__decline_confirmed=True)
    if agent is not None:
        qs = qs.filter(agent=agent)
    if cities:
        qs = qs.filter(organization__city__in=cities)
    return qs.select_related("organization").order_by("pk")


# --- editions and channels ------------------------------------------------------------------

def edition_list(actor, action: str = "view") -> QuerySet[Edition]:
    return Edition.objects.restrict(actor, action).annotate(
        distribution_count=Count("distributions")).order_by("-month", "-pk")


def edition_get(actor, pk, action: str = "view") -> Edition:
    return get_object_or_404(edition_list(actor, action), pk=pk)


def edition_choices(actor) -> QuerySet[Edition]:
    return Edition.objects.restrict(actor, "view").order_by("-month", "-pk")


def channel_list(actor) -> QuerySet[DistributionChannel]:
    """Channels with a fixed day first, by day; the irregular ones after them."""
    return DistributionChannel.objects.restrict(actor, "view").order_by(
        F("day_of_month").asc(nulls_last=True), "pk")


def channel_get(actor, pk) -> DistributionChannel:
    return get_object_or_404(channel_list(actor), pk=pk)


# --- distributions --------------------------------------------------------------------------

DISTRIBUTION_FILTERS = {"status": "status", "edition": "edition_id", "channel": "channel_id",
                        "agent": "agent_id"}


def distribution_list(actor, filters: dict | None = None,
                      action: str = "view") -> QuerySet[Distribution]:
    """Distributions with ``recipient_count`` and ``confirmed_count``; ``filters``: status,
    edition (id), channel (id), agent (id)."""
    qs = filtered(Distribution.objects.restrict(actor, action).select_related(
        "edition", "channel", "agent__organization"), DISTRIBUTION_FILTERS, filters or {})
    return qs.annotate(
        recipient_count=Count("recipients", distinct=True),
        confirmed_count=Count("recipients", filter=Q(recipients__confirmed_at__isnull=False),
                              distinct=True),
    ).order_by("-scheduled_for", "-pk")


def distribution_get(actor, pk, action: str = "view") -> Distribution:
    return get_object_or_404(distribution_list(actor, action=action), pk=pk)


def recipients_of(actor, distribution: Distribution) -> QuerySet[DistributionRecipient]:
    return DistributionRecipient.objects.restrict(actor, "view").filter(
        distribution=distribution).select_related(
        "partner__organization", "message", "call_task").order_by("pk")


def recipient_get(actor, pk) -> DistributionRecipient:
    return get_object_or_404(DistributionRecipient.objects.restrict(actor, "view").select_related(
        "distribution", "partner__organization", "call_task"), pk=pk)


def download_recipient(recipient_id: int, edition_id: int) -> DistributionRecipient | None:
    """The recipient a signed download link names, with its edition, when that recipient got
    that edition in a sent distribution; None otherwise. A system read: the link's signature
    (``outreach.download_links``) is what entitles its holder, who has no account."""
    return DistributionRecipient.objects.select_related(
        "distribution__edition", "partner__organization").filter(
        pk=recipient_id, distribution__edition_id=edition_id,
        distribution__status=DistributionStatus.SENT).first()


def delivery_counts(recipients) -> dict[str, int]:
    counts = {"queued": 0, "sent": 0, "failed": 0}
    for recipient in recipients:
        counts[recipient.delivery_status] += 1
    return counts


def has_recipients(channel: DistributionChannel) -> bool:
    return channel.medium in (ChannelMedium.PAPER, ChannelMedium.EMAIL)


# --- promotion (OUT-6) ----------------------------------------------------------------------

PROMOTION_FILTERS = {"stage": "stage", "city": "partner__organization__city",
                     "agent": "partner__agent_id", "rollout": "rollout"}


def promotion_list(actor, filters: dict | None = None,
                   action: str = "view") -> QuerySet[Promotion]:
    qs = filtered(Promotion.objects.restrict(actor, action).select_related(
        "partner__organization", "partner__agent__organization"), PROMOTION_FILTERS,
        filters or {})
    return qs.order_by("partner__organization__name_pinyin", "pk")


def promotion_get(actor, pk, action: str = "view") -> Promotion:
    return get_object_or_404(promotion_list(actor, action=action), pk=pk)


@dataclass
class FunnelRow:
    label: str
    stages: dict[str, int] = field(default_factory=dict)
    declined: int = 0

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(stage, companies that reached it or went further), in funnel order."""
        reached, out = 0, []
        for stage in reversed(FUNNEL):
            reached += self.stages.get(stage.value, 0)
            out.append((stage.value, reached))
        return list(reversed(out))

    @property
    def total(self) -> int:
        return sum(self.stages.values()) + self.declined


FUNNEL_GROUPS = {"city": "partner__organization__city",
                 "agent": "partner__agent__organization__name"}


def promotion_funnel(actor, *, group_by: str = "city", rollout: str = "") -> list[FunnelRow]:
    """The funnel by city or agent: companies per stage reached (cumulative) and declined, in
    one grouped query; the first row is the total."""
    key = FUNNEL_GROUPS.get(group_by, FUNNEL_GROUPS["city"])
    qs = Promotion.objects.restrict(actor, "view")
    if rollout:
        qs = qs.filter(rollout=rollout)
    total, rows = FunnelRow(""), {}
    for label, stage, count in qs.values(key, "stage").annotate(n=Count("pk")).values_list(
            key, "stage", "n").order_by():
        label = label or "—"
        row = rows.setdefault(label, FunnelRow(label))
        for target in (row, total):
            if stage == PromotionStage.DECLINED:
                target.declined += count
            else:
                target.stages[stage] = target.stages.get(stage, 0) + count
    return [total, *sorted(rows.values(), key=lambda r: (-r.total, r.label))]


# --- subsidies (OUT-7) ----------------------------------------------------------------------

def subsidy_rule_list(actor) -> QuerySet[SubsidyRule]:
    return SubsidyRule.objects.restrict(actor, "view").order_by("-valid_from", "-pk")


def subsidy_rule_get(actor, pk) -> SubsidyRule:
    return get_object_or_404(subsidy_rule_list(actor), pk=pk)


STATEMENT_FILTERS = {"status": "status", "agent": "agent_id"}


def statement_list(actor, filters: dict | None = None,
                   action: str = "view") -> QuerySet[SubsidyStatement]:
    """Statements; ``filters``: status, agent (id)."""
    return filtered(SubsidyStatement.objects.restrict(actor, action).select_related(
        "agent__organization", "approved_by"), STATEMENT_FILTERS, filters or {}).order_by(
        "-month", "pk")


def statement_get(actor, pk, action: str = "view") -> SubsidyStatement:
    return get_object_or_404(statement_list(actor, action=action), pk=pk)


def statement_lines(actor, statement: SubsidyStatement) -> list[SubsidyLine]:
    """The statement's rounds, each with ``counted``: the confirmed recipients it counts."""
    lines = list(SubsidyLine.objects.restrict(actor, "view").filter(statement=statement)
                 .select_related("distribution__edition", "distribution__channel", "rule")
                 .order_by("pk"))
    counted: dict[int, list] = {}
    for recipient in DistributionRecipient.objects.restrict(actor, "view").filter(
            subsidy_line__in=lines).select_related("partner__organization").order_by("pk"):
        counted.setdefault(recipient.subsidy_line_id, []).append(recipient)
    for line in lines:
        line.counted = counted.get(line.pk, [])
    return lines
