"""Reads of the registry (OUT-1, OUT-4): partners, saved filters and agents, always inside
the viewer's scope. Partners need outreach.view_partner, agents outreach.view_agent; missing and
out of scope are the same 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from linli.core.filtering import filtered
from linli.outreach.choices import (
    QUALITY_UNSIGNED,
    QUALITY_UNSIGNED_PARAMS,
    AgentStatus,
    SigningStatus,
)
from linli.outreach.models import Agent, Partner, PartnerFilter

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


def partner_criteria(qs: QuerySet[Partner], params: dict) -> QuerySet[Partner]:
    """A saved filter's criteria (services.FILTER_KEYS) applied to partners."""
    qs = filtered(qs, CRITERIA_LOOKUPS, params)
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
    qs = filtered(qs, PARTNER_FILTERS, filters)
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
    qs = filtered(Agent.objects.restrict(actor, action).select_related("organization"),
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
