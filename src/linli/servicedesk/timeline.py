"""The service desk's entries on the 360° timelines of people and units (DIR-4), and the home
counter of a user's own open orders."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.selectors import Counter
from linli.core.timeline import TimelineEntry
from linli.directory.models import Person, Unit
from linli.servicedesk import selectors
from linli.servicedesk.states import Status

LIMIT = 50


def work_order_entries(user, subject) -> list[TimelineEntry]:
    if isinstance(subject, Person):
        where = {"person_id": subject.pk}
    elif isinstance(subject, Unit):
        where = {"unit_id": subject.pk}
    else:
        return []
    orders = selectors.orders_about(user, where, LIMIT)
    entries = [TimelineEntry(
        at=o.created_at, kind="work_order",
        title=f"{o.get_order_type_display()} {o.number}: {o.summary}",
        detail=o.get_status_display(), url=reverse("servicedesk:work_order_detail",
                                                   args=[o.pk]),
        badge=Status(o.status).badge) for o in orders]
    callbacks = selectors.callbacks_made_about(user, where, LIMIT)
    for callback in callbacks:
        score = (_(" · satisfaction %(score)d") % {"score": callback.satisfaction}
                 if callback.satisfaction else "")
        entries.append(TimelineEntry(
            at=callback.called_at, kind="callback",
            title=_("Callback of %(number)s") % {"number": callback.work_order.number},
            detail=f"{callback.get_outcome_display()}{score}",
            url=reverse("servicedesk:work_order_detail", args=[callback.work_order_id]),
            badge="green" if (callback.satisfaction or 0) >= 4 else "orange",
            extra={"satisfaction": callback.satisfaction}))
    return entries


def my_open_orders_counter(user) -> list[Counter]:
    if not user.has_perm("servicedesk.work_workorder"):
        return []
    count = selectors.my_open_order_count(user)
    return [Counter(_("My open work orders"), count, reverse("servicedesk:my_orders"))]
