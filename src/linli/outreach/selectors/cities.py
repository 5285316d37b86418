"""Reads of the cities (OUT-4): each city's type computed from the statuses of its agents,
with the promotion plan that type implies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from linli.outreach.choices import CITY_TYPE_BADGES, AgentStatus, CityType, SigningStatus
from linli.outreach.models import Agent, Partner

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
