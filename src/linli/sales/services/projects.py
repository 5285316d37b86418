"""Writes of sales projects and their units on sale (SAL-3).

A project puts a directory community on sale; units go on sale by enlisting the directory units
of a building (no copies of the property hierarchy). The sale status of a unit changes only in
``sale_unit_transition``, which locks the row so that two simultaneous moves cannot both pass.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from linli.core.events import record_event
from linli.directory.choices import Orientation, UnitStatus
from linli.directory.models import Building, Community, Unit
from linli.directory.services.property import unit_set_status
from linli.sales.models import MAX_AREA, MIN_AREA, SalesProject, SaleUnit
from linli.sales.services.shared import add_error, raise_errors, reject_unknown, require
from linli.sales.states import (
    DEAL_HELD,
    LIVE_SUBSCRIPTION,
    TRANSITIONS,
    ProjectStatus,
    SaleStatus,
)

PROJECT_FIELDS = ("name", "status", "launch_date", "presale_permit")
SALE_UNIT_FIELDS = ("built_area", "orientation", "batch")
# How many room codes a refusal names; the rest are counted.
NAMED = 5


def _project_checks(project: SalesProject, errors: dict[str, list[str]]) -> None:
    project.name = (project.name or "").strip()
    if not project.name:
        add_error(errors, "name", _("Enter a name."))
    elif (SalesProject.objects.filter(tenant_id=project.tenant_id, name=project.name)
          .exclude(pk=project.pk).exists()):
        add_error(errors, "name", _("A sales project named “%(name)s” already exists.")
                  % {"name": project.name})
    if project.status not in ProjectStatus.values:
        add_error(errors, "status", _("Choose a valid status."))


@transaction.atomic
def project_create(*, actor, community: Community, name: str, **fields) -> SalesProject:
    """Put ``community`` on sale; the project belongs to the community's org unit."""
    require(actor, "sales.add_salesproject", community)
    project = SalesProject(tenant_id=community.tenant_id, org_unit_id=community.org_unit_id,
                           community=community, name=name, **fields)
    errors: dict[str, list[str]] = {}
    _project_checks(project, errors)
    raise_errors(errors)
    project.save()
    record_event(project, "sales_project.created", actor=actor)
    return project


@transaction.atomic
def project_update(*, actor, project: SalesProject, **changes) -> SalesProject:
    reject_unknown(changes, PROJECT_FIELDS)
    require(actor, "sales.change_salesproject", project)
    for field, value in changes.items():
        setattr(project, field, value)
    errors: dict[str, list[str]] = {}
    _project_checks(project, errors)
    raise_errors(errors)
    project.save()
    return project


def _area_checks(area, errors: dict[str, list[str]], field: str = "built_area") -> None:
    if area is None:
        add_error(errors, field, _("Enter the sale area."))
    elif not (MIN_AREA <= Decimal(area) <= MAX_AREA):
        add_error(errors, field, _("An area must be between %(low)s and %(high)s m².")
                  % {"low": MIN_AREA, "high": MAX_AREA})


def _named(codes: list[str]) -> str:
    shown = ", ".join(codes[:NAMED])
    if len(codes) > NAMED:
        shown += _(" and %(n)d more") % {"n": len(codes) - NAMED}
    return shown


@transaction.atomic
def units_enlist(*, actor, project: SalesProject, building: Building, batch: str = "",
                 built_area: Decimal | None = None, orientation: str = "") -> int:
    """Put every unit of ``building`` that is not on sale yet on sale in ``project``.

    The sale area and orientation come from the directory unit, else from ``built_area`` and
    ``orientation``; a unit that has neither an area nor a default refuses the whole call.
    Returns how many units went on sale.
    """
    require(actor, "sales.add_saleunit", project)
    errors: dict[str, list[str]] = {}
    if building.community_id != project.community_id:
        add_error(errors, "building", _("Choose a building of the project's community."))
    if built_area is not None:
        _area_checks(built_area, errors)
    if orientation and orientation not in Orientation.values:
        add_error(errors, "orientation", _("Choose a valid orientation."))
    raise_errors(errors)
    units = list(Unit.objects.filter(building=building, sale__isnull=True)
                 .order_by("floor", "number"))
    missing = [u.room_code for u in units if u.built_area is None and built_area is None]
    if missing:
        add_error(errors, "built_area", _(
            "These units have no built area; enter a default sale area: %(units)s")
            % {"units": _named(missing)})
    bad = [u.room_code for u in units if u.built_area is not None
           and not (MIN_AREA <= u.built_area <= MAX_AREA)]
    if bad:
        add_error(errors, "built_area", _("These units have an impossible area: %(units)s")
                  % {"units": _named(bad)})
    raise_errors(errors)
    rows = [SaleUnit(tenant_id=project.tenant_id, org_unit_id=project.org_unit_id,
                     project=project, unit=u, building=building, floor=u.floor, batch=batch,
                     built_area=u.built_area if u.built_area is not None else built_area,
                     orientation=u.orientation or orientation) for u in units]
    bulk_create_with_history(rows, SaleUnit, batch_size=500)
    if rows:
        record_event(project, "sales_project.units_enlisted", actor=actor,
                     note=f"{building} · {len(rows)}")
    return len(rows)


@transaction.atomic
def sale_unit_update(*, actor, sale_unit: SaleUnit, **changes) -> SaleUnit:
    """Edit the sale data of a unit (not its status: see ``sale_unit_transition``)."""
    reject_unknown(changes, SALE_UNIT_FIELDS)
    require(actor, "sales.change_saleunit", sale_unit)
    errors: dict[str, list[str]] = {}
    if "built_area" in changes:
        _area_checks(changes["built_area"], errors)
    if changes.get("orientation") and changes["orientation"] not in Orientation.values:
        add_error(errors, "orientation", _("Choose a valid orientation."))
    raise_errors(errors)
    for field, value in changes.items():
        setattr(sale_unit, field, value)
    sale_unit.save()
    return sale_unit


@transaction.atomic
def sale_unit_transition(*, actor, sale_unit: SaleUnit, to: str, note: str = "",
                         by_deal: bool = False) -> SaleUnit:
    """Move a unit to sale status ``to`` along ``states.TRANSITIONS`` — the only writer of
    ``SaleUnit.status``. The row is locked first, so of two simultaneous moves from the same
    status only the first passes; the second sees the new status and is refused.

    ``by_deal``: the move is made by a subscription or contract service (which checked its own
    right). By hand, a unit held by a live subscription or contract does not move (cancel the
    deal instead) and a filed unit never does.

    Contracting a unit marks the directory unit sold; a contract cancelled puts it back to
    unsold.
    """
    if not by_deal:
        require(actor, "sales.change_saleunit", sale_unit)
    if to not in SaleStatus.values:
        raise ValidationError({"status": [_("Choose a valid sale status.")]})
    locked = SaleUnit.objects.select_for_update().select_related("unit").get(pk=sale_unit.pk)
    old = locked.status
    if not by_deal and old in DEAL_HELD:
        deal = locked.subscriptions.filter(status__in=LIVE_SUBSCRIPTION).first()
        if deal is not None:
            raise ValidationError({"status": [_(
                "Unit %(unit)s is held by subscription %(number)s; cancel the subscription or "
                "its contract instead.") % {"unit": locked.unit.room_code,
                                             "number": deal.number}]})
        if old == SaleStatus.FILED:
            raise ValidationError({"status": [_(
                "Unit %(unit)s is filed; only the cancellation of its contract frees it.")
                % {"unit": locked.unit.room_code}]})
    if to not in TRANSITIONS[old]:
        raise ValidationError({"status": [
            _("Unit %(unit)s is %(old)s; it cannot become %(new)s.") % {
                "unit": locked.unit.room_code, "old": SaleStatus(old).label,
                "new": SaleStatus(to).label}]})
    if not by_deal and to in DEAL_HELD:
        raise ValidationError({"status": [_(
            "Unit %(unit)s becomes %(new)s only through its subscription or contract.") % {
            "unit": locked.unit.room_code, "new": SaleStatus(to).label}]})
    locked.status = to
    locked.save(update_fields=["status", "updated_at"])
    sale_unit.status = to
    record_event(locked, "sale_unit.sale_status_changed", actor=actor, old=SaleStatus(old).label,
                 new=SaleStatus(to).label, note=note, data={"from": old, "to": to})
    if to == SaleStatus.CONTRACTED and locked.unit.status == UnitStatus.UNSOLD:
        unit_set_status(actor=None, unit=locked.unit, status=UnitStatus.SOLD)
    elif to == SaleStatus.AVAILABLE and old in (SaleStatus.CONTRACTED, SaleStatus.FILED) \
            and locked.unit.status == UnitStatus.SOLD:
        unit_set_status(actor=None, unit=locked.unit, status=UnitStatus.UNSOLD)
    return sale_unit
