"""What every service-desk endpoint shares: payload ids resolved in the caller's scope (an id
the caller cannot see is a field error, never a leak), the services' field names mapped back to
the payload's, and the input types with their own validation."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from linli.core.restapi.errors import (
    ApiError,
    invalid,
)
from linli.directory.selectors import people as people_selectors
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors

# Service argument names → the payload's names, so that a 422 points at what the client sent.
PAYLOAD_NAMES = {
    "community": "community_id", "building": "building_id", "unit": "unit_id",
    "person": "person_id", "category": "category_id", "department": "department_id",
    "handler": "handler_id", "team": "team_id", "contact_log": "contact_log_id",
    "org_unit": "org_unit_id", "quote_amount": "amount", "charge_amount": "amount",
    "parent": "parent_id",
    "owner": "owner_id", "communities": "community_ids", "article": "article_id",
    "order_category": "order_category_id",
}

FIRST_YEAR, LAST_YEAR = 2000, 2199


def _moment(value: dt.datetime) -> dt.datetime:
    """Aware and within reach: a time without an offset is read in the user's time zone
    (Asia/Shanghai by default); far-off years would overflow when converted to UTC."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("datetime_range", _(
            "Enter a date and time between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]


def call(service, *args, **kwargs):
    """Call one service; its field errors are renamed to the payload's fields, and a refused
    move (an error on the status alone) carries the service's message as the answer's."""
    try:
        return service(*args, **kwargs)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        fields = {PAYLOAD_NAMES.get(name, name): [str(m) for e in errors for m in e.messages]
                  for name, errors in exc.error_dict.items()}
        if set(fields) == {"status"}:
            raise ApiError(422, "invalid_transition", " ".join(fields["status"]),
                           fields) from exc
        raise ApiError(422, "validation_error", _("Some fields are not valid."),
                       fields) from exc


def _found(obj, field: str, message: str):
    if obj is None:
        raise invalid(field, message)
    return obj


def community(actor, pk: int | None, field: str = "community_id"):
    if pk is None:
        return None
    return _found(property_selectors.community_find(actor, pk), field,
                  _("Choose a community you can see."))


def building(actor, pk: int | None, field: str = "building_id"):
    if pk is None:
        return None
    return _found(property_selectors.building_find(actor, pk), field,
                  _("Choose a building you can see."))


def unit(actor, pk: int | None, field: str = "unit_id"):
    if pk is None:
        return None
    return _found(people_selectors.unit_find_by_id(actor, pk), field,
                  _("Choose a unit you can see."))


def person(actor, pk: int | None, field: str = "person_id"):
    if pk is None:
        return None
    return _found(people_selectors.person_find(actor, pk), field,
                  _("Choose a person you can see."))


def category(actor, pk: int | None, field: str = "category_id"):
    if pk is None:
        return None
    return _found(selectors.category_find(actor, pk), field, _("Choose a category you can see."))


def contact_log(actor, pk: int | None, field: str = "contact_log_id"):
    if pk is None:
        return None
    return _found(selectors.contact_log_find(actor, pk), field,
                  _("Choose a contact log entry you can see."))


def department(actor, pk: int | None, field: str = "department_id"):
    if pk is None:
        return None
    return _found(selectors.department_find(actor, pk), field,
                  _("Choose an active unit of your organisation."))


def staff(actor, pk: int | None, field: str = "handler_id"):
    if pk is None:
        return None
    return _found(selectors.staff_find(actor, pk), field,
                  _("Choose an active user of your organisation."))


def work_order(actor, pk: int | None, field: str = "parent_id"):
    if pk is None:
        return None
    return _found(selectors.work_order_find(actor, pk), field,
                  _("Choose a work order you can see."))


def article(actor, pk: int | None, field: str = "article_id"):
    """A published knowledge-base article the caller can see."""
    from linli.servicedesk.knowledge.selectors import article_find

    if pk is None:
        return None
    return _found(article_find(actor, pk, published=True), field,
                  _("Choose a published article of the knowledge base."))


def value(choice):
    """An enum member's value ("" for None), as the services take choices."""
    if choice is None:
        return ""
    return getattr(choice, "value", choice)
