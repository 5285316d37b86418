"""The sales entries on the 360° timeline of a directory person (DIR-4): their leads, visits
to the sales office and the stage moves of their opportunities."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.timeline import TimelineEntry
from linli.directory.models import Person
from linli.sales import selectors
from linli.sales.states import LeadStatus, Stage

LIMIT = 30


def sales_entries(user, subject) -> list[TimelineEntry]:
    if not isinstance(subject, Person):
        return []
    entries = [TimelineEntry(
        at=lead.created_at, kind="lead",
        title=_("Lead of %(project)s via %(channel)s") % {
            "project": lead.project.name, "channel": lead.get_channel_display()},
        detail=" · ".join(p for p in (lead.get_status_display(), lead.source) if p),
        actor=str(lead.owner or ""), url=reverse("sales:lead_detail", args=[lead.pk]),
        badge=LeadStatus(lead.status).badge)
        for lead in selectors.leads_about(user, subject.pk, LIMIT)]
    entries += [TimelineEntry(
        at=visit.visited_at, kind="visit",
        title=_("Visit to the sales office of %(project)s") % {
            "project": visit.opportunity.project.name},
        detail=visit.note, url=reverse("sales:opportunity_detail",
                                       args=[visit.opportunity_id]),
        badge="cyan") for visit in selectors.visits_about(user, subject.pk, LIMIT)]
    entries += [TimelineEntry(
        at=move.moved_at, kind="stage_move",
        title=_("Opportunity of %(project)s: %(old)s → %(new)s") % {
            "project": move.opportunity.project.name, "old": Stage(move.from_stage).label,
            "new": Stage(move.to_stage).label},
        url=reverse("sales:opportunity_detail", args=[move.opportunity_id]),
        badge=Stage(move.to_stage).badge)
        for move in selectors.stage_moves_about(user, subject.pk, LIMIT)]
    return entries
