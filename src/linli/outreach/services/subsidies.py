"""Writes of agent subsidies for handing out handbooks (OUT-7): the rules (data with validity
dates that never overlap), the monthly statement per agent built from the distributions it
handed out whose receipt a callback confirmed, and the statement's approval and payment,
changed only by ``statement_transition``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.tenancy import Tenant
from linli.directory.choices import OrganizationKind
from linli.outreach.models import (
    Agent,
    Distribution,
    DistributionRecipient,
    SubsidyLine,
    SubsidyRule,
    SubsidyStatement,
)
from linli.outreach.services.shared import _check_move, _full_clean, _require, _same_tenant
from linli.outreach.states import STATEMENT_TRANSITIONS, DistributionStatus, StatementStatus


def _overlapping(tenant_id: int, valid_from: dt.date, valid_to: dt.date | None,
                 exclude_pk=None):
    qs = SubsidyRule.objects.filter(tenant_id=tenant_id).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
    if valid_to is not None:
        qs = qs.filter(valid_from__lte=valid_to)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


@transaction.atomic
def subsidy_rule_create(*, actor, tenant: Tenant, name: str, min_companies: int,
                        min_offices: int, amount: Decimal, valid_from: dt.date,
                        valid_to: dt.date | None = None) -> SubsidyRule:
    """A rule; refused when its validity overlaps another rule of the tenant (the tenant row
    is locked so that two concurrent saves cannot both pass the check)."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_subsidyrule", None)
    Tenant.objects.select_for_update().get(pk=tenant.pk)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": [_("The rule cannot end before it starts.")]})
    rule = SubsidyRule(tenant=tenant, name=name.strip(), min_companies=min_companies,
                       min_offices=min_offices, amount=Decimal(amount),
                       valid_from=valid_from, valid_to=valid_to)
    _full_clean(rule, exclude=["tenant"])
    clash = _overlapping(tenant.pk, valid_from, valid_to).first()
    if clash is not None:
        raise ValidationError({"valid_from": [
            _("These dates overlap the rule “%(name)s” (%(start)s – %(end)s); end that rule "
              "first.") % {"name": clash.name, "start": clash.valid_from.isoformat(),
                           "end": clash.valid_to.isoformat() if clash.valid_to else "…"}]})
    rule.save()
    record_event(rule, "outreach.subsidy_rule_created", actor=actor, new=str(rule.amount))
    return rule


def rule_on(tenant_id: int, day: dt.date) -> SubsidyRule | None:
    return _overlapping(tenant_id, day, day).first()


def _in_force(rules: list[SubsidyRule], day: dt.date) -> SubsidyRule | None:
    """The rule of ``rules`` valid on ``day`` (at most one: validities never overlap)."""
    return next((r for r in rules
                 if r.valid_from <= day and (r.valid_to is None or day <= r.valid_to)), None)


def _month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


@transaction.atomic
def statement_build(*, actor, agent: Agent, month: dt.date) -> SubsidyStatement:
    """The agent's statement of ``month``: one line per distribution it handed out that
    month with receipts confirmed by callback and not counted before, each line's amount by
    the rule in force on the distribution's day (nothing when its thresholds are not met)."""
    _require(actor, "outreach.add_subsidystatement", agent)
    if actor is not None:
        _same_tenant(actor, agent.tenant_id)
    start, end = _month_bounds(month)
    if SubsidyStatement.objects.filter(agent=agent, month=start).exists():
        raise ValidationError({"month": [_("This agent already has a statement for this "
                                           "month.")]})
    distributions = list(Distribution.objects.select_for_update().filter(
        tenant_id=agent.tenant_id, agent=agent, status=DistributionStatus.SENT,
        scheduled_for__gte=start, scheduled_for__lt=end).order_by("scheduled_for", "pk"))
    recipients = list(DistributionRecipient.objects.select_for_update(of=("self",)).filter(
        distribution__in=distributions, confirmed_at__isnull=False, subsidy_line__isnull=True,
    ).select_related("partner__organization").order_by("pk"))
    if not recipients:
        raise ValidationError({"month": [_("No distribution of this agent in this month has "
                                           "a receipt confirmed by callback yet.")]})
    # The month's rules, lines and counted recipients are read and written in a constant
    # number of statements, however many rounds the agent handed out.
    rules = list(_overlapping(agent.tenant_id, start, end - dt.timedelta(days=1)))
    by_distribution: dict[int, list[DistributionRecipient]] = {}
    for recipient in recipients:
        by_distribution.setdefault(recipient.distribution_id, []).append(recipient)
    lines, counted_by_line = [], []
    for distribution in distributions:
        counted = by_distribution.get(distribution.pk)
        if not counted:
            continue
        offices = sum(1 for r in counted
                      if r.partner.organization.kind == OrganizationKind.MANAGEMENT_OFFICE)
        companies = len(counted) - offices
        rule = _in_force(rules, distribution.scheduled_for)
        met = rule is not None and companies >= rule.min_companies and (
            offices >= rule.min_offices)
        lines.append(SubsidyLine(
            tenant_id=agent.tenant_id, org_unit_id=agent.org_unit_id,
            distribution=distribution, rule=rule, companies=companies, offices=offices,
            amount=rule.amount if met else Decimal("0.00")))
        counted_by_line.append(counted)
    statement = SubsidyStatement.objects.create(
        tenant_id=agent.tenant_id, org_unit_id=agent.org_unit_id, agent=agent, month=start,
        total=sum((line.amount for line in lines), Decimal("0.00")))
    for line in lines:
        line.statement = statement
    SubsidyLine.objects.bulk_create(lines)
    for line, counted in zip(lines, counted_by_line, strict=True):
        for recipient in counted:
            recipient.subsidy_line = line
    DistributionRecipient.objects.bulk_update(recipients, ["subsidy_line"], batch_size=1000)
    record_event(statement, "outreach.statement_built", actor=actor, new=str(statement.total))
    return statement


@transaction.atomic
def statement_transition(*, actor, statement: SubsidyStatement, to: str) -> SubsidyStatement:
    """The statement state machine: awaiting approval → approved (who and when recorded) →
    paid; locked, and only along ``STATEMENT_TRANSITIONS``."""
    _require(actor, "outreach.approve_subsidystatement", statement)
    statement = SubsidyStatement.objects.select_for_update().get(pk=statement.pk)
    old = statement.status
    _check_move("status", StatementStatus, STATEMENT_TRANSITIONS, old, to,
                unknown=_("Choose a status from the list."),
                same=_("The statement already has this status."),
                refused=_("A statement cannot go from “%(old)s” to “%(new)s”."))
    now, fields = timezone.now(), ["status", "updated_at"]
    if to == StatementStatus.APPROVED:
        statement.approved_by = actor if getattr(actor, "pk", None) else None
        statement.approved_at = now
        fields += ["approved_by", "approved_at"]
    elif to == StatementStatus.PAID:
        statement.paid_at = now
        fields.append("paid_at")
    statement.status = to
    statement.save(update_fields=fields)
    record_event(statement, "outreach.statement_moved", actor=actor, old=old, new=to)
    return statement
