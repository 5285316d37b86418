"""PLAT-3: every change records who, when, old → new and the channel."""

import pytest

from linli.accounts import services as accounts
from linli.core.events import DomainEvent
from linli.core.request_context import Channel, acting
from linli.core.selectors import history_entries
from linli.core.timeline import TimelineEntry, register_timeline_provider, timeline_for
from tests.builders import make_user


@pytest.mark.django_db
@pytest.mark.parametrize("channel", [Channel.WEB, Channel.API, Channel.IMPORT, Channel.JOB])
def test_history_records_actor_and_channel(world, channel):
    admin = make_user(world.tenant, superuser=True)
    with acting(admin, channel):
        accounts.org_unit_update(actor=admin, unit=world.branch_a, name="华东区域", kind="branch")
    record = world.branch_a.history.order_by("-history_date", "-history_id").first()
    assert record.history_type == "~"
    assert record.history_user_id == admin.pk
    assert record.history_channel == channel


@pytest.mark.django_db
def test_history_entries_show_field_old_and_new(world):
    admin = make_user(world.tenant, superuser=True, display_name="管理员")
    with acting(admin, Channel.WEB):
        accounts.org_unit_update(actor=admin, unit=world.branch_a, name="华东区域", kind="branch")
    entries = history_entries(world.branch_a)
    assert [e.action for e in entries] == ["changed", "created"]
    assert entries[0].user == "管理员"
    assert entries[0].channel == "web"
    changes = [(c.field, c.old, c.new) for c in entries[0].changes]
    assert changes == [("name", "华东分公司", "华东区域")]
    assert entries[1].user == "system"


@pytest.mark.django_db
def test_move_writes_a_domain_event_on_the_timeline(world):
    admin = make_user(world.tenant, superuser=True, display_name="管理员")
    with acting(admin, Channel.API):
        accounts.org_unit_move(actor=admin, unit=world.team_a1, new_parent=world.branch_b)
    event = DomainEvent.objects.get(subject_id=world.team_a1.pk, verb="moved")
    assert (event.old_value, event.new_value, event.channel) == ("华东分公司", "华南分公司", "api")
    assert event.actor_id == admin.pk
    entries = timeline_for(admin, world.team_a1)
    assert [(e.kind, e.title, e.detail, e.actor) for e in entries] == [
        ("event", "moved", "华东分公司 → 华南分公司", "管理员")
    ]


@pytest.mark.django_db
def test_timeline_merges_registered_providers_newest_first(world):
    admin = make_user(world.tenant, superuser=True)
    accounts.org_unit_move(actor=admin, unit=world.team_a1, new_parent=world.branch_b)
    moved_at = DomainEvent.objects.get(verb="moved").occurred_at
    from datetime import timedelta

    def provider(user, subject):
        return [TimelineEntry(at=moved_at + timedelta(minutes=5), kind="note", title="later"),
                TimelineEntry(at=moved_at - timedelta(minutes=5), kind="note", title="earlier")]

    register_timeline_provider("test-notes", provider)
    try:
        titles = [e.title for e in timeline_for(admin, world.team_a1)]
    finally:
        from linli.core import timeline

        timeline._providers.pop("test-notes")
    assert titles == ["later", "moved", "earlier"]


@pytest.mark.parametrize("copy_from", [1, 1000])
def test_many_events_are_written_as_they_were_made(world, monkeypatch, copy_from):
    """Many events at once go in by COPY on PostgreSQL (from ``COPY_FROM`` rows on), one
    INSERT otherwise: either way with their keys, time and details."""
    from django.utils import timezone

    from linli.core import events

    monkeypatch.setattr(events, "COPY_FROM", copy_from)
    user = make_user(world.tenant, display_name="王五")
    before = timezone.now()
    with acting(user, Channel.JOB):
        made = [events.event_for(user, "test.step", old=str(n), new=str(n + 1),
                                 data={"n": n, "名": "值"}) for n in range(3)]
    written = events.record_events(made)
    assert [e.pk for e in written] == sorted(e.pk for e in written) and all(written)
    rows = DomainEvent.objects.filter(pk__in=[e.pk for e in written]).order_by("pk")
    assert [(e.verb, e.old_value, e.new_value, e.data, e.actor_id, e.channel, e.tenant_id)
            for e in rows] == [("test.step", str(n), str(n + 1), {"n": n, "名": "值"}, user.pk,
                                Channel.JOB, world.tenant.pk) for n in range(3)]
    assert all(e.occurred_at >= before for e in rows)
