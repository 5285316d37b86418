"""The sales JSON API (PLAT-11): one router assembled from its parts."""

from ninja import Router

from linli.sales.api import deals, leads, opportunities, projects, reports

router = Router()
for part in (projects, leads, opportunities, deals, reports):
    router.add_router("", part.router)
