"""The outreach JSON API (PLAT-11): one router assembled from its parts."""

from ninja import Router

from linli.outreach.api import content, corrections, distribution, registry

router = Router()
for part in (registry, corrections, content, distribution):
    router.add_router("", part.router)
