"""The outreach JSON API (PLAT-11): one router assembled from its parts."""

from ninja import Router

from linli.outreach.api import registry

router = Router()
for part in (registry,):
    router.add_router("", part.router)
