"""Reads of the callback campaigns (OUT-2): campaigns, call tasks and attempts, and the
statistics table by outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.filtering import filtered
from linli.outreach.choices import AgentStatus, CallOutcome, CallTaskStatus
from linli.outreach.models import CallAttempt, CallTask, Campaign

TASK_FILTERS = {"status": "status", "outcome": "outcome", "caller": "caller_id"}


def campaign_list(actor, action: str = "view") -> QuerySet[Campaign]:
    """Campaigns with ``task_count`` and ``called_count`` (tasks with an outcome)."""
    return Campaign.objects.restrict(actor, action).annotate(
        task_count=Count("tasks", distinct=True),
        called_count=Count("tasks", filter=~Q(tasks__outcome=""), distinct=True),
    ).order_by("-created_at", "-pk")


def campaign_get(actor, pk, action: str = "view") -> Campaign:
    return get_object_or_404(campaign_list(actor, action), pk=pk)


def campaign_choices(actor) -> QuerySet[Campaign]:
    """Visible campaigns, newest first, without their counts (for choosing one)."""
    return Campaign.objects.restrict(actor, "view").order_by("-created_at", "-pk")


def campaign_find(actor, pk) -> Campaign | None:
    return campaign_choices(actor).filter(pk=pk).first()


def call_tasks(actor, campaign: Campaign | None = None, filters: dict | None = None
               ) -> QuerySet[CallTask]:
    """Call tasks the actor may see; ``filters``: status, outcome, caller (id), mine (the
    actor's own)."""
    filters = filters or {}
    qs = CallTask.objects.restrict(actor, "view").select_related(
        "partner__organization", "partner__agent__organization", "caller", "campaign")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    qs = filtered(qs, TASK_FILTERS, filters)
    if filters.get("mine"):
        qs = qs.filter(caller=actor)
    return qs.order_by("pk")


def call_task_get(actor, pk) -> CallTask:
    return get_object_or_404(call_tasks(actor), pk=pk)


def next_call(actor, campaign: Campaign) -> CallTask | None:
    """The caller's next company: their own open tasks (then unassigned ones) that are due,
    those never called first."""
    now = timezone.now()
    due = call_tasks(actor, campaign).exclude(status=CallTaskStatus.DONE).filter(
        Q(next_call_at__isnull=True) | Q(next_call_at__lte=now))
    mine = due.filter(caller=actor).order_by("attempts", "pk").first()
    return mine or due.filter(caller__isnull=True).order_by("attempts", "pk").first()


def attempts_of(actor, task: CallTask) -> QuerySet[CallAttempt]:
    return CallAttempt.objects.restrict(actor, "view").filter(task=task).select_related(
        "caller").order_by("-called_at", "-pk")


OUTCOME_GROUPS = [
    (_("Reached"), [CallOutcome.CONNECTED, CallOutcome.REFUSED]),
    (_("Not reached"), [CallOutcome.NO_ANSWER, CallOutcome.UNREACHABLE]),
]
GROUP_BY = {"city": "partner__organization__city", "agent": "partner__agent__organization__name",
            "phase": "campaign__phase", "campaign": "campaign__name"}


def _share(count: int, total: int) -> int:
    """A whole percentage, halves rounded up (707 of 3,958 → 18)."""
    if not total:
        return 0
    return int((Decimal(count * 100) / Decimal(total)).quantize(Decimal(1), ROUND_HALF_UP))


@dataclass
class StatisticsRow:
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[str, int, int]]:
        """(outcome, count, share %) in the order of the taxonomy."""
        return [(o.value, self.counts.get(o.value, 0), _share(self.counts.get(o.value, 0),
                                                              self.total))
                for o in CallOutcome]

    @property
    def reached(self) -> int:
        return self.counts.get("connected", 0) + self.counts.get("refused", 0)


@dataclass
class CallStatistics:
    total: StatisticsRow
    rows: list[StatisticsRow]
    group_by: str
    campaigns: list[str] = field(default_factory=list)  # the campaigns counted


def call_statistics(actor, *, campaign: Campaign | None = None, group_by: str = "",
                    exclude_litigation: bool = False, city: str = "",
                    agent: int | None = None, phase: str = "") -> CallStatistics:
    """The outcome table (OUT-2): companies by the outcome of their last call, counts and
    shares, in all and per city / agent / phase / campaign; optionally without the companies
    of agents in litigation. One grouped query."""
    qs = CallTask.objects.restrict(actor, "view").exclude(outcome="")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if exclude_litigation:
        qs = qs.exclude(partner__agent__status=AgentStatus.IN_LITIGATION)
    if city:
        qs = qs.filter(partner__organization__city=city)
    if agent:
        qs = qs.filter(partner__agent_id=agent)
    if phase:
        qs = qs.filter(campaign__phase=phase)
    key = GROUP_BY.get(group_by)
    fields = [key, "outcome"] if key else ["outcome"]
    grouped: dict[str, dict[str, int]] = {}
    total: dict[str, int] = {}
    for values in qs.values(*fields).annotate(n=Count("pk")).values_list(*fields, "n").order_by():
        label = (values[0] or "—") if key else ""
        outcome, count = values[-2], values[-1]
        grouped.setdefault(label, {})
        grouped[label][outcome] = grouped[label].get(outcome, 0) + count
        total[outcome] = total.get(outcome, 0) + count
    rows = [StatisticsRow(label, counts) for label, counts in grouped.items()] if key else []
    rows.sort(key=lambda r: (-r.total, r.label))
    campaigns = list(Campaign.objects.restrict(actor, "view")
                     .filter(pk__in=qs.values("campaign_id"))
                     .order_by("-created_at", "-pk").values_list("name", flat=True))
    return CallStatistics(total=StatisticsRow(str(_("All")), total), rows=rows,
                          group_by=group_by if key else "", campaigns=campaigns)


def campaign_phases(actor) -> list[str]:
    return list(Campaign.objects.restrict(actor, "view").exclude(phase="").order_by("phase")
                .values_list("phase", flat=True).distinct())


def called_in_campaigns(actor) -> set[tuple[str, int]]:
    """(campaign name, partner id) of every company already called in a visible campaign."""
    return set(CallTask.objects.restrict(actor, "view").filter(attempts__gt=0)
               .values_list("campaign__name", "partner_id"))
