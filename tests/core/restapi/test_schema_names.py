"""OpenAPI names each component schema after its class, and two classes of one name silently
become one: the API would then document (and schemathesis check) the wrong shape for one of
the endpoints. Every response and input schema of the product has a name of its own."""

from collections import defaultdict

from ninja import Schema

from linli.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_schema_class_of_the_api_has_its_own_name():
    api.get_openapi_schema()  # imports every router's module
    by_name = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("linli."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, f"schema classes sharing a name in the OpenAPI document: {shared}"
