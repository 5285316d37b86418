"""The service desk's JSON API (PLAT-11): work orders and their moves, the contact log,
callbacks, the desk's configuration and the knowledge base — one router assembled from its
parts."""

from ninja import Router

from linli.servicedesk.api import (
    actions,
    clusters,
    configuration,
    desk,
    field,
    knowledge,
    reports,
    slips,
    work_orders,
)

router = Router()
for part in (work_orders, actions, clusters, desk, field, configuration, knowledge, reports, slips):
    router.add_router("", part.router)
