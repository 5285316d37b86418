"""Reads of partner outreach (OUT-1, OUT-4), always inside the viewer's scope.

Partners need outreach.view_partner, agents outreach.view_agent; missing and out of scope are
the same 404. The city type is computed here from the statuses of each city's agents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import Membership, User
from linli.outreach.choices import (
    CITY_TYPE_BADGES,
    QUALITY_UNSIGNED,
    QUALITY_UNSIGNED_PARAMS,
    AgentStatus,
    CallOutcome,
    CallTaskStatus,
    CityType,
    CorrectionStatus,
    ReviewPhase,
    SigningStatus,
)
from linli.outreach.models import (
    Agent,
    CallAttempt,
    CallTask,
    Campaign,
    ContactCorrection,
    ContactReview,
    ContentItem,
    Partner,
    PartnerFilter,
    SpotCheck,
)

PARTNER_SORTS = {"name": "organization__name_pinyin", "city": "organization__city",
                 "households": "households", "occupancy": "occupancy_rate",
                 "created": "created_at"}


# A saved filter's criteria (services.FILTER_KEYS but exclude_opted_out) → their lookups.
CRITERIA_LOOKUPS = {"signing_status": "signing_status", "qualifications": "qualification__in",
                    "households_min": "households__gte", "occupancy_min": "occupancy_rate__gte",
                    "city": "organization__city", "agent_status": "agent__status"}
PARTNER_FILTERS = {"q": "organization__name__icontains", "city": "organization__city",
                   "agent": "agent_id", "signing_status": "signing_status",
                   "qualification": "qualification"}
AGENT_FILTERS = {"q": "organization__name__icontains", "city": "organization__city",
                 "status": "status"}
TASK_FILTERS = {"status": "status", "outcome": "outcome", "caller": "caller_id"}


def _filtered(qs: QuerySet, lookups: dict[str, str], values: dict) -> QuerySet:
    """``qs`` filtered by each of ``values`` that is given, through its lookup (text is
    stripped; None, "" and [] mean not given)."""
    for key, lookup in lookups.items():
        value = values.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, "", []):
            qs = qs.filter(**{lookup: value})
    return qs


def partner_criteria(qs: QuerySet[Partner], params: dict) -> QuerySet[Partner]:
    """A saved filter's criteria (services.FILTER_KEYS) applied to partners."""
    qs = _filtered(qs, CRITERIA_LOOKUPS, params)
    return qs.filter(opted_out=False) if params.get("exclude_opted_out") else qs


def saved_filters(actor) -> list[PartnerFilter]:
    """The tenant's saved filters; "quality unsigned" is always offered (built in until the
    tenant saves its own criteria under that code)."""
    found = list(PartnerFilter.objects.restrict(actor, "view").order_by("name", "pk"))
    if actor.tenant_id and not any(f.code == QUALITY_UNSIGNED for f in found):
        found.insert(0, PartnerFilter(tenant_id=actor.tenant_id, code=QUALITY_UNSIGNED,
                                      name=str(_("Quality unsigned")),
                                      params=QUALITY_UNSIGNED_PARAMS))
    return found


def saved_filter_get(actor, code: str) -> PartnerFilter:
    """A saved filter by code (the built-in "quality unsigned" too); 404 otherwise."""
    found = next((f for f in saved_filters(actor) if f.code == code), None)
    if found is None:
        raise Http404(_("There is no saved filter with this code."))
    return found


def saved_filter_params(actor, code: str) -> dict | None:
    return next((f.params for f in saved_filters(actor) if f.code == code), None)


def partner_list(actor, filters: dict | None = None, action: str = "view") -> QuerySet[Partner]:
    """Partners the actor may ``action``.

    ``filters``: q (part of the name), city, agent (id), signing_status, qualification,
    saved (a saved filter's code), sort (a PARTNER_SORTS key, "-" for descending).
    """
    filters = filters or {}
    qs = Partner.objects.restrict(actor, action).select_related(
        "organization", "agent__organization")
    if filters.get("saved"):
        params = saved_filter_params(actor, filters["saved"])
        qs = partner_criteria(qs, params) if params is not None else qs.none()
    qs = _filtered(qs, PARTNER_FILTERS, filters)
    sort = filters.get("sort") or ""
    order = PARTNER_SORTS.get(sort.lstrip("-"), "organization__name_pinyin")
    if sort.startswith("-") and sort.lstrip("-") in PARTNER_SORTS:
        order = f"-{order}"
    return qs.order_by(order, "organization__name_pinyin", "pk")


def partners_visible(actor, action: str = "view") -> QuerySet[Partner]:
    """Every partner the actor may ``action``, with what a detail page shows."""
    return Partner.objects.restrict(actor, action).select_related(
        "organization", "organization__parent", "agent__organization")


def partner_get(actor, pk, action: str = "view") -> Partner:
    return get_object_or_404(partners_visible(actor, action), pk=pk)


def partner_cities(actor) -> list[str]:
    return list(Partner.objects.restrict(actor, "view").exclude(organization__city="")
                .order_by("organization__city")
                .values_list("organization__city", flat=True).distinct())


def agent_list(actor, filters: dict | None = None, action: str = "view") -> QuerySet[Agent]:
    """Agents the actor may ``action`` with ``company_count`` and ``signed_count``.

    ``filters``: q (part of the name), city, status."""
    filters = filters or {}
    qs = _filtered(Agent.objects.restrict(actor, action).select_related("organization"),
                   AGENT_FILTERS, filters)
    visible = Partner.objects.restrict(actor, "view").values("pk")
    return qs.annotate(
        company_count=Count("companies", filter=Q(companies__in=visible), distinct=True),
        signed_count=Count("companies", distinct=True, filter=Q(
            companies__in=visible, companies__signing_status=SigningStatus.SIGNED)),
    ).order_by("organization__name_pinyin", "pk")


def agent_get(actor, pk, action: str = "view") -> Agent:
    return get_object_or_404(agent_list(actor, action=action), pk=pk)


def agent_find(actor, pk) -> Agent | None:
    """A visible agent by id, or None (for choosing an agent in a payload)."""
    return Agent.objects.restrict(actor, "view").select_related("organization").filter(
        pk=pk).first()


def agent_choices(actor) -> QuerySet[Agent]:
    return Agent.objects.restrict(actor, "view").select_related("organization").order_by(
        "organization__name_pinyin", "pk")


def agent_companies(actor, agent: Agent) -> QuerySet[Partner]:
    return partner_list(actor, {"agent": agent.pk})


def handover_targets(actor, agent: Agent) -> QuerySet[Agent]:
    """Agents that could take ``agent``'s companies over (not itself; litigation included so
    the refusal can say why)."""
    return agent_choices(actor).exclude(pk=agent.pk).filter(status__in=[
        AgentStatus.OPERATING, AgentStatus.PARTLY_OPERATING, AgentStatus.IN_LITIGATION])


# --- cities ---------------------------------------------------------------------------------

PLANS = {
    CityType.AGENT_LED: [
        _("Signed companies: the agents lead and carry out the promotion; the platform "
          "supervises and supports them with its policies."),
        _("Quality unsigned companies: the agents hand out the handbook and follow up."),
    ],
    CityType.MIXED: [
        _("Companies of operating agents: those agents lead and carry out the promotion, with "
          "the platform's supervision and policy support."),
        _("Win the watching agents over to operating."),
        _("Operating (or new) agents take over the companies of watching or exited agents."),
    ],
    CityType.PLATFORM_LED: [
        _("The platform leads the promotion to the signed companies itself."),
        _("Win the watching agents over to operating."),
        _("Develop new agents to take over the existing agents' companies."),
    ],
}


def city_type_for(statuses: list[str]) -> CityType:
    """Type 1 when every agent of the city operates, 2 when some operate (fully or partly),
    3 when none does (watching, exiting, exited, in litigation) or the city has no agent."""
    if statuses and all(s == AgentStatus.OPERATING for s in statuses):
        return CityType.AGENT_LED
    if any(s in (AgentStatus.OPERATING, AgentStatus.PARTLY_OPERATING) for s in statuses):
        return CityType.MIXED
    return CityType.PLATFORM_LED


@dataclass
class CityRow:
    city: str
    statuses: Counter = field(default_factory=Counter)
    companies: int = 0
    signed: int = 0

    @property
    def agent_count(self) -> int:
        return sum(self.statuses.values())

    @property
    def type(self) -> CityType:
        return city_type_for(list(self.statuses.elements()))

    @property
    def badge(self) -> str:
        return CITY_TYPE_BADGES[self.type]

    @property
    def plan(self) -> list:
        return PLANS[self.type]

    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(s.value, s.label, self.statuses[s.value]) for s in AgentStatus
                if self.statuses[s.value]]


def city_rows(actor, city: str = "", city_type: int | None = None) -> list[CityRow]:
    """Every city of the visible agents and partners with its type (two queries)."""
    rows: dict[str, CityRow] = {}
    agents = Agent.objects.restrict(actor, "view")
    partners = Partner.objects.restrict(actor, "view")
    if city:
        agents = agents.filter(organization__city=city)
        partners = partners.filter(organization__city=city)
    for name, status, count in agents.values("organization__city", "status").annotate(
            n=Count("pk")).values_list("organization__city", "status", "n").order_by():
        rows.setdefault(name, CityRow(name)).statuses[status] += count
    for name, total, signed in partners.values("organization__city").annotate(
            n=Count("pk"), s=Count("pk", filter=Q(signing_status=SigningStatus.SIGNED))
    ).values_list("organization__city", "n", "s").order_by():
        row = rows.setdefault(name, CityRow(name))
        row.companies, row.signed = total, signed
    found = sorted((r for r in rows.values() if r.city), key=lambda r: (r.type, r.city))
    return of_city_type(found, city_type)


def of_city_type(rows: list[CityRow], city_type: int | None) -> list[CityRow]:
    """The rows of one city type (all of them without a type)."""
    return [r for r in rows if r.type == city_type] if city_type else rows


def city_get(actor, city: str) -> CityRow:
    """One city with its type and plan; a city with no visible agent or partner is a 404."""
    found = city_rows(actor, city=city)
    if not found:
        raise Http404(_("No agent or company of yours is in this city."))
    return found[0]


def city_type_totals(rows: list[CityRow]) -> list[tuple[CityType, int]]:
    counts = Counter(r.type for r in rows)
    return [(t, counts[t]) for t in CityType]


# --- callback campaigns (OUT-2) -------------------------------------------------------------

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
    qs = _filtered(qs, TASK_FILTERS, filters)
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


# --- contact corrections (OUT-3) ------------------------------------------------------------

REVIEW_FILTERS = {"q": "partner__organization__name__icontains",
                  "city": "partner__organization__city", "agent": "agent_id",
                  "phase": "phase", "reason": "reason"}


def review_list(actor, filters: dict | None = None, action: str = "view"
                ) -> QuerySet[ContactReview]:
    """The companies under contact correction the actor may ``action``, with
    ``open_count`` (corrections to verify); ``filters``: q, city, agent (id), phase, reason."""
    qs = _filtered(ContactReview.objects.restrict(actor, action).select_related(
        "partner__organization", "agent__organization", "answered_by"),
        REVIEW_FILTERS, filters or {})
    return qs.annotate(open_count=Count("corrections", filter=Q(
        corrections__status=CorrectionStatus.PROPOSED))).order_by(
        "partner__organization__name_pinyin", "pk")


def review_get(actor, pk, action: str = "view") -> ContactReview:
    return get_object_or_404(review_list(actor, action=action), pk=pk)


def review_of(actor, partner: Partner) -> ContactReview | None:
    return review_list(actor).filter(partner=partner).first()


def review_phase_counts(actor) -> dict[str, int]:
    counts = dict(ContactReview.objects.restrict(actor, "view").values("phase").annotate(
        n=Count("pk")).values_list("phase", "n").order_by())
    return {phase: counts.get(phase, 0) for phase in ReviewPhase.values}


def agent_worklist(actor, agent: Agent) -> QuerySet[ContactReview]:
    """The agent's companies still to correct (phase "sort and correct")."""
    return review_list(actor, {"agent": agent.pk, "phase": ReviewPhase.SORT_CORRECT})


def corrections_of(actor, review: ContactReview) -> QuerySet[ContactCorrection]:
    return ContactCorrection.objects.restrict(actor, "view").filter(review=review).select_related(
        "recorded_by", "verified_by", "contact").order_by("created_at", "pk")


def correction_get(actor, pk, action: str = "view") -> ContactCorrection:
    return get_object_or_404(ContactCorrection.objects.restrict(actor, action).select_related(
        "review", "partner__organization"), pk=pk)


def correction_list(actor, filters: dict | None = None) -> QuerySet[ContactCorrection]:
    """Corrections the actor may see; ``filters``: status, source, field, partner (id)."""
    return _filtered(ContactCorrection.objects.restrict(actor, "view").select_related(
        "partner__organization", "recorded_by", "verified_by"),
        {"status": "status", "source": "source", "field": "field", "partner": "partner_id"},
        filters or {}).order_by("-created_at", "-pk")


def spot_check_candidates(actor, tenant) -> QuerySet[Partner]:
    """The companies a spot check draws from: signed companies with an agent."""
    partners = (Partner.objects.restrict(actor, "view") if actor is not None
                else Partner.objects.filter(tenant=tenant))
    return partners.filter(signing_status=SigningStatus.SIGNED, agent__isnull=False)


def spot_checks(actor) -> QuerySet[SpotCheck]:
    return SpotCheck.objects.restrict(actor, "view").select_related("campaign", "created_by"
                                                                     ).order_by("-month", "-pk")


def spot_check_get(actor, pk) -> SpotCheck:
    return get_object_or_404(spot_checks(actor), pk=pk)


def spot_check_companies(actor, check: SpotCheck) -> QuerySet[Partner]:
    return partners_visible(actor).filter(pk__in=check.sample).order_by(
        "organization__city", "agent__organization__name_pinyin", "pk")


def update_reminder_targets() -> list[tuple[int, list, int]]:
    """(tenant id, users keeping the contacts up to date, companies still under correction)
    of every tenant with such users: a system read for the monthly reminder."""
    today = timezone.localdate()
    memberships = Membership.objects.filter(
        role__permissions__codename="update_contactreview",
        role__permissions__content_type__app_label="outreach",
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today),
             Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    users: dict[int, list] = {}
    for user in User.objects.filter(pk__in=memberships.values("user_id"), is_active=True,
                                    tenant__isnull=False).order_by("tenant_id", "pk"):
        users.setdefault(user.tenant_id, []).append(user)
    open_counts = dict(ContactReview.objects.filter(tenant_id__in=users).exclude(
        phase=ReviewPhase.IN_USE).values("tenant_id").annotate(n=Count("pk"))
        .values_list("tenant_id", "n").order_by())
    return [(tenant_id, found, open_counts.get(tenant_id, 0))
            for tenant_id, found in users.items()]


# --- content calendar (OUT-8) ---------------------------------------------------------------

CONTENT_FILTERS = {"kind": "kind", "channel": "channel", "status": "status",
                   "owner": "owner_id", "topic": "topic__icontains"}


def content_list(actor, filters: dict | None = None, action: str = "view"
                 ) -> QuerySet[ContentItem]:
    """Calendar entries; ``filters``: month (a date in it), kind, channel, status, owner (id),
    topic (part of it)."""
    filters = filters or {}
    qs = _filtered(ContentItem.objects.restrict(actor, action).select_related("owner"),
                   CONTENT_FILTERS, filters)
    month = filters.get("month")
    if month:
        qs = qs.filter(planned_on__year=month.year, planned_on__month=month.month)
    return qs.order_by("planned_on", "pk")


def content_get(actor, pk, action: str = "view") -> ContentItem:
    return get_object_or_404(content_list(actor, action=action), pk=pk)


def content_topics(actor) -> list[str]:
    return list(ContentItem.objects.restrict(actor, "view").exclude(topic="")
                .order_by("topic").values_list("topic", flat=True).distinct())


def review_candidates(actor, campaign_id, outcomes) -> QuerySet[Partner]:
    """The companies of campaign ``campaign_id`` whose calls ended with one of ``outcomes``:
    those phase one of the contact correction puts on the list (OUT-3)."""
    campaign = campaign_find(actor, campaign_id)
    return partner_list(actor).filter(call_tasks__campaign=campaign,
                                      call_tasks__outcome__in=outcomes).distinct()
