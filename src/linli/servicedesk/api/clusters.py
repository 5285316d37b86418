"""API of clusters and hot spots (SVC-11): likely duplicates of an order or of one about to be
registered, and the hot-spot counts of complaints and repairs with their orders.

Linking and unlinking are moves of the order (api.actions: POST /work-orders/{id}/cluster-link
and /cluster-unlink). Every read goes through the scoped selectors: what the caller cannot see
is neither suggested nor counted.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from linli.core.restapi.errors import ApiError
from linli.core.restapi.pagination import PagePagination
from linli.core.restapi.scoping import scoped
from linli.core.restapi.types import Id, PathId
from linli.servicedesk import selectors
from linli.servicedesk.api import lookups
from linli.servicedesk.api.work_orders import WorkOrderOut
from linli.servicedesk.models import WorkOrder

router = Router(tags=["service desk"])


class IncidentSuggestionOut(WorkOrderOut):
    linked_count: int = Field(description="Orders linked under it already")

    @staticmethod
    def resolve_linked_count(obj) -> int:
        return obj.children_count


class SuggestionFilters(Schema):
    community_id: Id | None = None
    building_id: Id | None = Field(None, description="Default: the whole community")
    category_id: Id | None = None


class HotSpotFilters(Schema):
    date_from: dt.date | None = Field(None, description="Default: 29 days before date_to")
    date_to: dt.date | None = Field(None, description="Default: today; at most 366 days")
    order_type: str | None = Field(None, pattern="^(complaint|repair)$",
                                   description="Default: complaints and repairs")
    community_id: Id | None = None
    min_orders: int = Field(1, ge=1, le=1000)


class HotSpotOut(Schema):
    day: dt.date
    community_id: int
    community_name: str
    building_id: int | None
    building_number: str | None
    category_id: int | None
    category_name: str | None
    order_type: str
    orders: int
    linked: int = Field(description="Orders linked to an incident")
    incidents: int = Field(description="The incidents they are linked to")
    latest_order_id: int
    latest_summary: str


class DrillFilters(Schema):
    day: dt.date | None = Field(None, description="Default: today")
    building_id: Id | None = Field(None, description="None: orders without a building")
    category_id: Id | None = Field(None, description="None: orders without a category")
    community_id: Id | None = None
    order_type: str | None = Field(None, pattern="^(complaint|repair)$")


def _period(filters: HotSpotFilters) -> tuple[dt.date, dt.date]:
    try:
        return selectors.hot_spot_period(filters.date_from, filters.date_to)
    except ValidationError as exc:
        raise ApiError(422, "validation_error", _("Some fields are not valid."),
                       exc.message_dict) from exc


@router.get("/work-orders/{order_id}/cluster-suggestions", response=list[IncidentSuggestionOut],
            summary="Incidents this order likely belongs to")
@scoped(WorkOrder, "detail")
def cluster_suggestions(request, order_id: PathId):
    """Open orders of the same category and building (or community) registered within the
    desk policy's window of this order; empty when the order cannot be linked."""
    actor = request.auth
    return selectors.cluster_suggestions(actor, selectors.work_order_get(actor, order_id))


@router.get("/duplicate-suggestions", response=list[IncidentSuggestionOut],
            summary="Likely duplicates of an order about to be registered")
@scoped(WorkOrder, "list")
def duplicate_suggestions(request, filters: Query[SuggestionFilters]):
    """Open orders registered within the desk policy's window (24 hours by default), of the
    building — else the community — and category given; incidents first. At most 10."""
    actor = request.auth
    return selectors.duplicate_suggestions(
        actor, community=lookups.community(actor, filters.community_id),
        building=lookups.building(actor, filters.building_id),
        category=lookups.category(actor, filters.category_id))


@router.get("/hot-spots", response=list[HotSpotOut], summary="Hot spots")
@scoped(WorkOrder, "list")
@paginate(PagePagination)
def hot_spots(request, filters: Query[HotSpotFilters]):
    """Complaints and repairs counted by day × building × category × type, most orders
    first, with the summary of each group's latest order."""
    actor = request.auth
    date_from, date_to = _period(filters)
    return HotSpotPage(actor, selectors.hot_spots(
        actor, date_from=date_from, date_to=date_to, order_type=filters.order_type or "",
        community=lookups.community(actor, filters.community_id),
        min_orders=filters.min_orders))


class HotSpotPage:
    """The hot-spot rows as the paginator reads them: counted, then one page sliced, whose
    rows alone get their latest summary (one query)."""

    def __init__(self, actor, rows):
        self.actor, self.rows = actor, rows

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, window: slice) -> list[dict]:
        rows = list(self.rows[window])
        summaries = selectors.hot_spot_summaries(self.actor, rows) if rows else {}
        return [{"day": r["day"], "community_id": r["community_id"],
                 "community_name": r["community__name"], "building_id": r["building_id"],
                 "building_number": r["building__number"], "category_id": r["category_id"],
                 "category_name": r["category__name"], "order_type": r["order_type"],
                 "orders": r["orders"], "linked": r["linked"], "incidents": r["incidents"],
                 "latest_order_id": r["latest"],
                 "latest_summary": summaries.get(r["latest"], "")} for r in rows]


@router.get("/hot-spots/orders", response=list[WorkOrderOut],
            summary="The orders of one hot spot")
@scoped(WorkOrder, "list")
@paginate(PagePagination)
def hot_spot_orders(request, filters: Query[DrillFilters]):
    actor = request.auth
    day = filters.day or selectors.hot_spot_period(None, None)[1]
    return selectors.hot_spot_drill(
        actor, day=day, community=lookups.community(actor, filters.community_id),
        building_id=filters.building_id, category_id=filters.category_id,
        order_type=filters.order_type or "")
