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
