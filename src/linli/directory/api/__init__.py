"""The directory's API: one router assembled from its parts."""

from ninja import Router

from linli.directory.api import organizations, people, property, search

router = Router()
for part in (property, people, organizations, search):
    router.add_router("", part.router)
