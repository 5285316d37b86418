"""The platform's partner registry at scale (OUT-1, OUT-2, OUT-4): agents, each property
company's partner profile, and a year of callback campaigns over the whole registry.

Names get the directory's pinyin keys; every call goes through the product's own call state
machine (``outreach.services.call_transition``), so a task's status, attempts, outcome and
next call are what the caller's screen would have left.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal

from bench.bulk import Copier, Ids
from linli.directory import keys
from linli.directory.choices import OrganizationKind
from linli.outreach.choices import (
    AgentMode,
    AgentStatus,
    CallOutcome,
    CallTaskStatus,
    CampaignStatus,
    Qualification,
    SigningStatus,
)
from linli.outreach.models import Agent, CallAttempt, CallTask, Campaign, Partner
from linli.outreach.services import DEFAULT_RETRY_RULES, call_transition

# The seed's first campaign: 3,958 companies → 707 connected, 1,466 refused, 1,094 no answer,
# 691 unreachable; each call of the generated campaigns is drawn with these weights.
OUTCOMES = [CallOutcome.CONNECTED, CallOutcome.REFUSED, CallOutcome.NO_ANSWER,
            CallOutcome.UNREACHABLE]
OUTCOME_WEIGHTS = [707, 1466, 1094, 691]
AGENT_STATUSES = [AgentStatus.OPERATING] * 12 + [AgentStatus.PARTLY_OPERATING] * 3 + [
    AgentStatus.WATCHING, AgentStatus.WATCHING, AgentStatus.EXITING, AgentStatus.EXITED,
    AgentStatus.IN_LITIGATION]
QUALIFICATIONS = [Qualification.GRADE_1, Qualification.GRADE_2, Qualification.GRADE_2,
                  Qualification.GRADE_3, Qualification.GRADE_3, Qualification.NONE]
# The share of its list the last (still running) campaign has called so far.
RUNNING_SHARE = 0.4


def copiers() -> dict[str, Copier]:
    return {
        "agent": Copier(Agent, ["id", "tenant_id", "org_unit_id", "organization_id", "status",
                                "mode", "credit_limit", "created_at", "updated_at"]),
        "partner": Copier(Partner, ["id", "tenant_id", "org_unit_id", "organization_id",
                                    "signing_status", "agent_id", "qualification",
                                    "households", "occupancy_rate", "created_at",
                                    "updated_at"]),
        "campaign": Copier(Campaign, ["id", "tenant_id", "org_unit_id", "name", "phase",
                                      "status", "retry_rules", "source", "created_by_id",
                                      "created_at", "updated_at"]),
        "call_task": Copier(CallTask, ["id", "tenant_id", "org_unit_id", "campaign_id",
                                       "partner_id", "caller_id", "status", "outcome",
                                       "attempts", "next_call_at", "created_at",
                                       "updated_at"]),
        "call_attempt": Copier(CallAttempt, ["id", "tenant_id", "org_unit_id", "task_id",
                                             "caller_id", "outcome", "phone", "note",
                                             "called_at"]),
    }


MODELS = {"agent": Agent, "partner": Partner, "campaign": Campaign, "call_task": CallTask,
          "call_attempt": CallAttempt}


def write(*, tenant_id: int, org_unit_id: int, caller_id: int,
          companies: list[tuple[int, str]], agents: int, campaigns: int, ids: dict,
          organization_copier: Copier, rng: random.Random, now: dt.datetime) -> dict[str, int]:
    """Agents spread over the companies' cities, a partner profile per company and
    ``campaigns`` callback campaigns a month apart over every company, the last one still
    running. Returns the rows written per table."""
    own = {key: Ids(model) for key, model in MODELS.items()}
    cp = copiers()
    cities = sorted({city for _org, city in companies})
    agents_of: dict[str, list[int]] = {}
    organizations, agent_rows = [], []
    for n in range(agents):
        city = cities[n % len(cities)]
        name = f"{city}第{n + 1}代理商有限公司"
        pinyin, initials = keys.name_keys(name, person=False)
        org_id = ids["organization"].take()
        organizations.append((org_id, tenant_id, org_unit_id, OrganizationKind.AGENT, name,
                              pinyin, initials, city, now, now))
        agent_id = own["agent"].take()
        agent_rows.append((agent_id, tenant_id, org_unit_id, org_id,
                           rng.choice(AGENT_STATUSES), AgentMode.FULL_PLATFORM,
                           Decimal(rng.randrange(0, 200_000, 10_000)), now, now))
        agents_of.setdefault(city, []).append(agent_id)
    organization_copier.write(organizations)
    cp["agent"].write(agent_rows)

    partners, partner_rows = [], []
    for org_id, city in companies:
        partner_id = own["partner"].take()
        partners.append(partner_id)
        in_city = agents_of.get(city)
        partner_rows.append((
            partner_id, tenant_id, org_unit_id, org_id,
            SigningStatus.SIGNED if rng.random() < 0.75 else SigningStatus.PROSPECTIVE,
            rng.choice(in_city) if in_city else None, rng.choice(QUALIFICATIONS),
            rng.randrange(200, 20_000), Decimal(rng.randrange(4000, 9900)) / 100, now, now))
    cp["partner"].write(partner_rows)

    rules = {k: dict(v) for k, v in DEFAULT_RETRY_RULES.items()}
    for c in range(campaigns):
        started = now - dt.timedelta(days=30 * (campaigns - c))
        running = c == campaigns - 1
        campaign_id = own["campaign"].take()
        cp["campaign"].write([(
            campaign_id, tenant_id, org_unit_id, f"第{c + 1}轮物业公司回访",
            f"{started:%Y-%m}", CampaignStatus.RUNNING if running else CampaignStatus.COMPLETED,
            json.dumps(rules), json.dumps({"kind": "signed"}), caller_id, started, started)])
        tasks, attempts = [], []
        for partner_id in partners:
            task = CallTask(pk=own["call_task"].take(), tenant_id=tenant_id,
                            org_unit_id=org_unit_id, status=CallTaskStatus.PENDING,
                            attempts=0, outcome="")
            if not running or rng.random() < RUNNING_SHARE:
                at = started + dt.timedelta(minutes=rng.randrange(0, 10 * 24 * 60))
                while task.status != CallTaskStatus.DONE:
                    outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
                    call = call_transition(task, outcome=outcome, rules=rules, at=at)
                    attempts.append((own["call_attempt"].take(), tenant_id, org_unit_id,
                                     task.pk, caller_id, call.outcome, "", "", at))
                    if task.status != CallTaskStatus.RETRY or (
                            running and task.next_call_at > now):
                        break
                    at = task.next_call_at + dt.timedelta(minutes=rng.randrange(0, 240))
            tasks.append((task.pk, tenant_id, org_unit_id, campaign_id, partner_id,
                           caller_id if task.attempts else None, task.status, task.outcome,
                           task.attempts, task.next_call_at, started, now))
        cp["call_task"].write(tasks)
        cp["call_attempt"].write(attempts)
    for counter in own.values():
        counter.sync()
    return {key: copier.count for key, copier in cp.items()}
