"""Writes of the content calendar of the platform's own media (OUT-8): entries planned by
topic and channel, edited, and moved planned → drafted → reviewed → published through
``content_transition`` (the table is in ``states.py``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.tenancy import Tenant
from linli.directory.services.organizations import KEEP
from linli.outreach.choices import ContentChannel, ContentKind, ContentStatus
from linli.outreach.models import ContentItem
from linli.outreach.services.shared import _check_move, _full_clean, _require, _same_tenant
from linli.outreach.states import CONTENT_TRANSITIONS


def _check(item: ContentItem) -> None:
    errors: dict[str, list[str]] = {}
    if item.kind not in ContentKind.values:
        errors["kind"] = [_("Choose article, handbook issue, newspaper issue or video.")]
    if item.channel not in ContentChannel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
    if item.owner is not None and (item.owner.tenant_id != item.tenant_id
                                   or not item.owner.is_active):
        errors["owner"] = [_("Choose an owner of your own organisation.")]
    try:
        _full_clean(item, exclude=["tenant", "org_unit", "owner", "kind", "channel", "status"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def content_create(*, actor, tenant: Tenant, org_unit, title: str, kind: str, channel: str,
                   planned_on, topic: str = "", owner=None, notes: str = "") -> ContentItem:
    """A new calendar entry, planned."""
    _same_tenant(actor, tenant.pk)
    _require(actor, "outreach.add_contentitem", org_unit)
    if org_unit.tenant_id != tenant.pk:
        raise ValidationError({"org_unit": [_("Choose a unit of your own organisation.")]})
    item = ContentItem(tenant=tenant, org_unit=org_unit, title=(title or "").strip(),
                       kind=kind, channel=channel, planned_on=planned_on,
                       topic=(topic or "").strip(), owner=owner, notes=notes)
    _check(item)
    item.save()
    record_event(item, "outreach.content_planned", actor=actor, new=item.title)
    return item


@transaction.atomic
def content_update(*, actor, item: ContentItem, title=KEEP, kind=KEEP, channel=KEEP,
                   planned_on=KEEP, topic=KEEP, owner=KEEP, notes=KEEP) -> ContentItem:
    """Change the given fields; the status changes only through ``content_transition``."""
    _require(actor, "outreach.change_contentitem", item)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    changes = {"title": title, "kind": kind, "channel": channel, "planned_on": planned_on,
               "topic": topic, "owner": owner, "notes": notes}
    for name, value in changes.items():
        if value is not KEEP:
            setattr(item, name, value.strip() if isinstance(value, str) else value)
    _check(item)
    item.save()
    return item


@transaction.atomic
def content_transition(*, actor, item: ContentItem, status: str,
                       note: str = "") -> ContentItem:
    """Move an entry to ``status`` if the table allows it (the one place a status changes);
    publishing records the day."""
    _require(actor, "outreach.change_contentitem", item)
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    _check_move("status", ContentStatus, CONTENT_TRANSITIONS, item.status, status,
                unknown=_("Choose a status from the list."),
                same=_("The entry already has this status."),
                refused=_("An entry cannot go from “%(old)s” to “%(new)s”."))
    old = item.status
    item.status = status
    fields = ["status", "updated_at"]
    if status == ContentStatus.PUBLISHED:
        item.published_on = timezone.localdate()
        fields.append("published_on")
    item.save(update_fields=fields)
    record_event(item, "outreach.content_status", actor=actor, old=old, new=status, note=note)
    return item
