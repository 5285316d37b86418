"""The sales JSON API (PLAT-11): one router assembled from its parts."""

from ninja import Router

from linli.sales.api import projects

router = Router()
for part in (projects,):
    router.add_router("", part.router)
