"""Checks shared by the sales services (the permission check is the platform's:
``linli.core.permissions.require``, re-exported here for them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.core.permissions import require  # noqa: F401


def raise_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def add_error(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def reject_unknown(fields, allowed: tuple[str, ...]) -> None:
    """A programming error, not bad input: a service was called with a field it does not
    write."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")


def next_number(model, tenant_id: int, prefix: str) -> str:
    """The next ``<prefix>NNNN`` number of ``model`` in the tenant (quotes, subscriptions,
    contracts: a prefix per kind and day). The tenant's row is locked first, so that two
    records made at once in the tenant cannot take the same number."""
    from linli.core.tenancy import Tenant

    Tenant.objects.select_for_update().filter(pk=tenant_id).first()
    last = (model.objects.filter(tenant_id=tenant_id, number__startswith=prefix)
            .order_by("-number").values_list("number", flat=True).first())
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def move_along(obj, to: str, *, table: dict, statuses, refusal: str, verb: str, actor,
               note: str = "", fields: dict | None = None):
    """The body of a deal's transition function (queue number, subscription, contract): lock
    ``obj``'s row, check the move from its current status against ``table``, write the status
    and ``fields`` with ``update_fields``, record ``verb``. ``refusal`` is the message of a
    move out of order, with the record's number and the two statuses."""
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    old = locked.status
    if to not in table.get(old, ()):
        raise ValidationError({"status": [refusal % {
            "number": locked.number, "old": statuses(old).label,
            "new": statuses(to).label if to in statuses.values else to}]})
    fields = {"status": to, **(fields or {})}
    for name, value in fields.items():
        setattr(locked, name, value)
        setattr(obj, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    record_event(locked, verb, actor=actor, old=statuses(old).label, new=statuses(to).label,
                 note=note, data={"from": old, "to": to})
    return obj


def lost_reason_check(reason, *, record, applies_to: str, stage: str, errors,
                      missing: str) -> None:
    """SAL-4: losing ``record`` (an opportunity, subscription or contract) needs ``reason``,
    an active entry of its tenant's catalogue for that kind of record and ``stage``; the
    error, on "reason", is ``missing`` when none is given."""
    if reason is None:
        add_error(errors, "reason", missing)
    elif (reason.tenant_id != record.tenant_id or not reason.is_active
          or reason.applies_to != applies_to or reason.stage not in ("", stage)):
        add_error(errors, "reason", _("Choose a lost reason of the catalogue for this stage."))
