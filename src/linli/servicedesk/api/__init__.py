"""The service desk's JSON API (PLAT-11): work orders and their moves, the contact log,
callbacks, and the desk's configuration — one router assembled from its parts."""

from ninja import Router

from linli.servicedesk.api import (
    actions,
    clusters,
    configuration,
    desk,
    reports,
    slips,
    work_orders,
)

router = Router()
for part in (work_orders, actions, clusters, desk, configuration, reports, slips):
    router.add_router("", part.router)
