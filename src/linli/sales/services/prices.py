"""Writes of price lists, their rules and quotes (SAL-5).

Rules are data: each is versioned and effective-dated, and a rule that would apply to the same
band (area band, floor band, orientation, total threshold, agreed-discount name) on the same day
as another of its price list is refused, naming the other. A quote keeps every step of its
calculation; a total below the floor price waits for a manager holding
``sales.approve_quote``. Re-pricing a building is one call, previewed first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from linli.core.events import record_event
from linli.directory.choices import Orientation
from linli.directory.models import Building, Person
from linli.sales import pricing
from linli.sales.models import MAX_UNIT_PRICE, PriceList, PriceRule, Quote, SalesProject, SaleUnit
from linli.sales.services.shared import (
    add_error,
    next_number,
    raise_errors,
    reject_unknown,
    require,
)
from linli.sales.states import TAKEN, ApprovalStatus, RuleKind, SaleStatus

PRICE_LIST_FIELDS = ("name", "batch", "valid_from", "valid_to", "base_price", "floor_price",
                     "reference_floor")
RULE_FIELDS = ("name", "lower", "upper", "orientation", "factor", "amount", "valid_to")
MAX_FLOOR_STEP = Decimal(100_000)
MAX_THRESHOLD = Decimal(10_000_000_000)
# A unit can be quoted while nobody holds it or while it is reserved (for the reserving buyer).
QUOTABLE = (SaleStatus.AVAILABLE, SaleStatus.RESERVED)


def _day(value: dt.date | None) -> str:
    return date_format(value, "Y-m-d") if value else "…"


def _dates_overlap(a_from, a_to, b_from, b_to) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def in_force(qs, on: dt.date):
    """Rows of ``qs`` (with valid_from / valid_to) in force on day ``on``."""
    return qs.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


# --- price lists ----------------------------------------------------------------------------

def _price_list_checks(price_list: PriceList, errors: dict[str, list[str]]) -> None:
    price_list.name = (price_list.name or "").strip()
    price_list.batch = (price_list.batch or "").strip()
    if not price_list.name:
        add_error(errors, "name", _("Enter a name."))
    if price_list.valid_from is None:
        add_error(errors, "valid_from", _("Enter the first day of the price list."))
    elif price_list.valid_to is not None and price_list.valid_to < price_list.valid_from:
        add_error(errors, "valid_to", _("The last day cannot come before the first."))
    if price_list.base_price is None or not (0 < price_list.base_price <= MAX_UNIT_PRICE):
        add_error(errors, "base_price", _("A price per m² must be above 0 and at most "
                                          "%(max)s yuan.") % {"max": MAX_UNIT_PRICE})
    if price_list.floor_price is not None and not (0 <= price_list.floor_price
                                                   <= MAX_UNIT_PRICE):
        add_error(errors, "floor_price", _("A price per m² must be above 0 and at most "
                                           "%(max)s yuan.") % {"max": MAX_UNIT_PRICE})
    if not (-10 <= (price_list.reference_floor or 0) <= 200):
        add_error(errors, "reference_floor", _("Enter a floor between -10 and 200."))
    if errors:
        return
    others = (PriceList.objects.filter(building_id=price_list.building_id,
                                       batch=price_list.batch)
              .exclude(pk=price_list.pk))
    for other in others:
        if _dates_overlap(price_list.valid_from, price_list.valid_to, other.valid_from,
                          other.valid_to):
            add_error(errors, "valid_from", _(
                "Price list “%(name)s” already covers this building and batch from %(start)s "
                "to %(end)s; end it first or choose other dates.") % {
                "name": other.name, "start": _day(other.valid_from),
                "end": _day(other.valid_to)})
            break


@transaction.atomic
def price_list_create(*, actor, project: SalesProject, building: Building,
                      **fields) -> PriceList:
    require(actor, "sales.add_pricelist", project)
    reject_unknown(fields, PRICE_LIST_FIELDS)
    price_list = PriceList(tenant_id=project.tenant_id, org_unit_id=project.org_unit_id,
                           project=project, building=building, **fields)
    errors: dict[str, list[str]] = {}
    if building.community_id != project.community_id:
        add_error(errors, "building", _("Choose a building of the project's community."))
    _price_list_checks(price_list, errors)
    raise_errors(errors)
    price_list.save()
    record_event(price_list, "price_list.created", actor=actor)
    return price_list


@transaction.atomic
def price_list_update(*, actor, price_list: PriceList, **changes) -> PriceList:
    require(actor, "sales.change_pricelist", price_list)
    reject_unknown(changes, PRICE_LIST_FIELDS)
    before = {field: getattr(price_list, field) for field in changes}
    for field, value in changes.items():
        setattr(price_list, field, value)
    errors: dict[str, list[str]] = {}
    _price_list_checks(price_list, errors)
    raise_errors(errors)
    price_list.save()
    changed = sorted(f for f in changes if getattr(price_list, f) != before[f])
    if changed:
        record_event(price_list, "price_list.changed", actor=actor, note=", ".join(
                         str(PriceList._meta.get_field(f).verbose_name) for f in changed),
                     old=_day(before["valid_to"]) if "valid_to" in changed else "",
                     new=_day(price_list.valid_to) if "valid_to" in changed else "")
    return price_list


# --- rules ----------------------------------------------------------------------------------

def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal("NaN")


def _band_text(rule: PriceRule) -> str:
    if rule.kind == RuleKind.ORIENTATION:
        return Orientation(rule.orientation).label if rule.orientation else ""
    if rule.kind == RuleKind.AGREED:
        return rule.name
    low = "" if rule.lower is None else f"{rule.lower.normalize():f}"
    high = "" if rule.upper is None else f"{rule.upper.normalize():f}"
    if rule.kind == RuleKind.TOTAL:
        return f"> {low}"
    return f"{low}–{high}"


def _bands_overlap(kind: str, a: PriceRule, b: PriceRule) -> bool:
    inf = Decimal("Infinity")
    if kind == RuleKind.AREA:  # [lower, upper)
        a_low, a_high = a.lower or -inf, a.upper if a.upper is not None else inf
        b_low, b_high = b.lower or -inf, b.upper if b.upper is not None else inf
        return a_low < b_high and b_low < a_high
    if kind == RuleKind.FLOOR:  # [lower, upper]
        return a.lower <= b.upper and b.lower <= a.upper
    if kind == RuleKind.ORIENTATION:
        return a.orientation == b.orientation
    if kind == RuleKind.TOTAL:
        return a.lower == b.lower
    return a.name.strip().lower() == b.name.strip().lower()


def _rule_checks(rule: PriceRule, errors: dict[str, list[str]],
                 ignore: PriceRule | None = None) -> None:
    kind = rule.kind
    rule.name = (rule.name or "").strip()
    for field in ("lower", "upper", "factor", "amount"):
        value = getattr(rule, field)
        if value is not None and not value.is_finite():
            add_error(errors, field, _("Enter a number."))
    if errors:
        return
    if kind not in RuleKind.values:
        add_error(errors, "kind", _("Choose a valid kind of rule."))
        return
    if kind in (RuleKind.AREA, RuleKind.ORIENTATION, RuleKind.TOTAL, RuleKind.AGREED):
        if rule.factor is None:
            add_error(errors, "factor", _("Enter the coefficient."))
        elif not (0 < rule.factor <= 10):
            add_error(errors, "factor", _("A coefficient must be above 0 and at most 10."))
        elif kind in (RuleKind.TOTAL, RuleKind.AGREED) and rule.factor > 1:
            add_error(errors, "factor", _("A discount coefficient cannot be above 1."))
    if kind == RuleKind.AREA:
        if rule.lower is None and rule.upper is None:
            add_error(errors, "upper", _("Enter the area band (from, to or both)."))
        elif rule.lower is not None and rule.lower < 0:
            add_error(errors, "lower", _("An area cannot be negative."))
        elif rule.upper is not None and rule.upper <= 0:
            add_error(errors, "upper", _("An area band must end above 0 m²."))
        elif rule.lower is not None and rule.upper is not None and rule.lower >= rule.upper:
            add_error(errors, "upper", _("The band must end above where it starts."))
    elif kind == RuleKind.FLOOR:
        if rule.lower is None or rule.upper is None:
            add_error(errors, "upper", _("Enter the first and last floor of the band."))
        elif (rule.lower != rule.lower.to_integral_value()
              or rule.upper != rule.upper.to_integral_value()):
            add_error(errors, "lower", _("Floors are whole numbers."))
        elif not (-10 <= rule.lower <= rule.upper <= 200):
            add_error(errors, "upper", _("Enter floors between -10 and 200, the first not "
                                         "above the last."))
        if rule.amount is None:
            add_error(errors, "amount", _("Enter the step per m² per floor."))
        elif abs(rule.amount) > MAX_FLOOR_STEP:
            add_error(errors, "amount", _("A floor step cannot exceed %(max)s yuan per m².")
                      % {"max": MAX_FLOOR_STEP})
    elif kind == RuleKind.ORIENTATION:
        if rule.orientation not in Orientation.values:
            add_error(errors, "orientation", _("Choose an orientation."))
    elif kind == RuleKind.TOTAL:
        if rule.lower is None or not (0 < rule.lower <= MAX_THRESHOLD):
            add_error(errors, "lower", _("Enter the contract total above which the discount "
                                         "applies."))
    elif kind == RuleKind.AGREED and not rule.name:
        add_error(errors, "name", _("Name the agreed discount, so that a sales rep can choose "
                                    "it."))
    if rule.valid_from is None:
        add_error(errors, "valid_from", _("Enter the day the rule takes effect."))
    elif rule.valid_to is not None and rule.valid_to < rule.valid_from:
        add_error(errors, "valid_to", _("The last day cannot come before the first."))
    if errors:
        return
    for other in PriceRule.objects.filter(price_list_id=rule.price_list_id, kind=kind).exclude(
            pk__in=[pk for pk in (rule.pk, ignore.pk if ignore else None) if pk]).order_by("pk"):
        if (_dates_overlap(rule.valid_from, rule.valid_to, other.valid_from, other.valid_to)
                and _bands_overlap(kind, rule, other)):
            add_error(errors, "__all__", _(
                "This rule overlaps “%(other)s” (%(band)s, version %(version)s, effective "
                "%(start)s to %(end)s); change or end that rule first.") % {
                "other": other.name or other.get_kind_display(), "band": _band_text(other),
                "version": other.version, "start": _day(other.valid_from),
                "end": _day(other.valid_to)})
            return


def _clean_rule_values(fields: dict) -> dict:
    for key in ("lower", "upper", "factor", "amount"):
        if key in fields:
            fields[key] = _decimal(fields[key])
    return fields


@transaction.atomic
def rule_add(*, actor, price_list: PriceList, kind: str, valid_from: dt.date | None = None,
             **fields) -> PriceRule:
    """Add a rule to ``price_list``, effective from ``valid_from`` (default: the list's
    first day)."""
    require(actor, "sales.change_pricelist", price_list)
    reject_unknown(fields, RULE_FIELDS)
    rule = PriceRule(tenant_id=price_list.tenant_id, org_unit_id=price_list.org_unit_id,
                     price_list=price_list, kind=kind,
                     valid_from=valid_from or price_list.valid_from,
                     **_clean_rule_values(fields))
    errors: dict[str, list[str]] = {}
    _rule_checks(rule, errors)
    raise_errors(errors)
    rule.save()
    record_event(price_list, "price_list.rule_added", actor=actor, new=_band_text(rule),
                 note=rule.get_kind_display())
    return rule


@transaction.atomic
def rule_revise(*, actor, rule: PriceRule, effective: dt.date, **changes) -> PriceRule:
    """A new version of ``rule`` from ``effective`` on; the current one ends the day before."""
    require(actor, "sales.change_pricelist", rule)
    reject_unknown(changes, RULE_FIELDS)
    rule = PriceRule.objects.select_for_update().get(pk=rule.pk)
    if hasattr(rule, "next_version"):
        raise ValidationError({"__all__": [_("This version was already revised; revise the "
                                             "latest version.")]})
    if effective <= rule.valid_from:
        raise ValidationError({"valid_from": [_(
            "A new version must take effect after %(start)s, when this one did.")
            % {"start": _day(rule.valid_from)}]})
    if rule.valid_to is not None and effective > rule.valid_to:
        raise ValidationError({"valid_from": [_(
            "This version ended on %(end)s; add a new rule instead.") % {
            "end": _day(rule.valid_to)}]})
    values = {f: getattr(rule, f) for f in RULE_FIELDS}
    values.update(_clean_rule_values(changes))
    successor = PriceRule(tenant_id=rule.tenant_id, org_unit_id=rule.org_unit_id,
                          price_list_id=rule.price_list_id, kind=rule.kind,
                          valid_from=effective, version=rule.version + 1, previous=rule,
                          **values)
    errors: dict[str, list[str]] = {}
    _rule_checks(successor, errors, ignore=rule)
    raise_errors(errors)
    rule.valid_to = effective - dt.timedelta(days=1)
    rule.save(update_fields=["valid_to"])
    successor.save()
    record_event(rule.price_list, "price_list.rule_revised", actor=actor, old=_band_text(rule),
                 new=_band_text(successor), note=f"v{successor.version}")
    return successor


@transaction.atomic
def rule_end(*, actor, rule: PriceRule, last_day: dt.date) -> PriceRule:
    """End ``rule`` (its latest version) on ``last_day``: from the day after it no longer
    prices any unit. A later last day than it had, or none before, is checked against the
    list's other rules like a new one."""
    require(actor, "sales.change_pricelist", rule)
    rule = PriceRule.objects.select_for_update().get(pk=rule.pk)
    if hasattr(rule, "next_version"):
        raise ValidationError({"__all__": [_("This version was already revised; end the "
                                             "latest version.")]})
    if last_day is None or last_day < rule.valid_from:
        raise ValidationError({"last_day": [_(
            "A rule cannot end before %(start)s, when it took effect.")
            % {"start": _day(rule.valid_from)}]})
    old = rule.valid_to
    rule.valid_to = last_day
    errors: dict[str, list[str]] = {}
    _rule_checks(rule, errors)
    raise_errors(errors)
    rule.save(update_fields=["valid_to"])
    record_event(rule.price_list, "price_list.rule_ended", actor=actor, old=_day(old),
                 new=_day(last_day), note=_band_text(rule))
    return rule


# --- calculating ----------------------------------------------------------------------------

def _pipeline_rules(price_list: PriceList, on: dt.date) -> list[pricing.Rule]:
    """The list's rules in force ``on`` that apply to every unit (not the agreed discounts)."""
    return [pricing.Rule.of(r) for r in in_force(price_list.rules.exclude(
        kind=RuleKind.AGREED), on)]


def calculate(price_list: PriceList, sale_unit: SaleUnit, on: dt.date,
              agreed: list[PriceRule] = (),
              rules: list[pricing.Rule] | None = None) -> pricing.Calculation:
    """The pipeline for ``sale_unit`` under ``price_list`` with the rules in force ``on``
    (``rules``: those rules read once already, when pricing many units)."""
    if rules is None:
        rules = _pipeline_rules(price_list, on)
    return pricing.calculate(
        base_price=price_list.base_price, area=sale_unit.built_area, floor=sale_unit.floor,
        orientation=sale_unit.orientation, rules=rules,
        reference_floor=price_list.reference_floor, floor_price=price_list.floor_price,
        agreed=[pricing.Rule.of(r) for r in agreed])


def price_list_in_force(price_lists, sale_unit: SaleUnit, on: dt.date) -> PriceList | None:
    """The list of ``price_lists`` that prices ``sale_unit`` on day ``on``: one of its
    building valid that day, the list of its batch before the whole building's."""
    return (in_force(price_lists.filter(building_id=sale_unit.building_id,
                                        batch__in=["", sale_unit.batch]), on)
            .order_by("-batch", "-valid_from").first())


@transaction.atomic
def quote_create(*, actor, sale_unit: SaleUnit, price_list: PriceList | None = None,
                 on: dt.date | None = None, agreed: list[PriceRule] = (),
                 person: Person | None = None) -> Quote:
    """Price ``sale_unit`` on day ``on`` (default today) and keep every step.

    Without ``price_list`` the unit's building's list in force that day is used. Agreed
    discounts must be rules of that list in force that day. A total below the floor price
    waits for approval.
    """
    require(actor, "sales.add_quote", sale_unit)
    on = on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if sale_unit.status not in QUOTABLE:
        add_error(errors, "sale_unit_id", _("Unit %(unit)s is %(status)s and cannot be quoted.")
                  % {"unit": sale_unit.unit.room_code,
                     "status": SaleStatus(sale_unit.status).label})
    if price_list is None:
        price_list = price_list_in_force(PriceList.objects.all(), sale_unit, on)
        if price_list is None:
            add_error(errors, "price_list_id", _(
                "No price list of this building is valid on %(day)s.") % {"day": _day(on)})
    elif price_list.building_id != sale_unit.building_id or (
            price_list.batch and price_list.batch != sale_unit.batch):
        add_error(errors, "price_list_id", _("Choose a price list of the unit's building and "
                                             "batch."))
    elif not _dates_overlap(price_list.valid_from, price_list.valid_to, on, on):
        add_error(errors, "priced_on", _("Price list “%(name)s” is not valid on %(day)s.")
                  % {"name": price_list.name, "day": _day(on)})
    raise_errors(errors)
    agreed = list(agreed)
    allowed = set(in_force(price_list.rules.filter(kind=RuleKind.AGREED), on)
                  .values_list("pk", flat=True))
    if any(r.pk not in allowed for r in agreed):
        raise ValidationError({"agreed_rule_ids": [_(
            "Choose agreed discounts of this price list that are in force that day.")]})
    calc = calculate(price_list, sale_unit, on, agreed)
    quote = Quote(
        tenant_id=sale_unit.tenant_id, org_unit_id=sale_unit.org_unit_id,
        number=next_number(Quote, sale_unit.tenant_id, f"BJ{on:%Y%m%d}-"), sale_unit=sale_unit,
        price_list=price_list, person=person, priced_on=on, area=sale_unit.built_area,
        steps=[s.as_json() for s in calc.steps], unit_price=calc.unit_price,
        list_total=calc.list_total, total=calc.total, floor_total=calc.floor_total,
        approval=ApprovalStatus.PENDING if calc.below_floor else ApprovalStatus.NOT_NEEDED,
        created_by=actor,
    )
    quote.save()
    if agreed:
        quote.agreed_rules.set(agreed)
    record_event(quote, "quote.created", actor=actor, new=str(quote.total))
    if calc.below_floor:
        record_event(quote, "quote.approval_requested", actor=actor, old=str(calc.floor_total),
                     new=str(calc.total))
    return quote


@transaction.atomic
def quote_decide(*, actor, quote: Quote, approve: bool, note: str = "") -> Quote:
    """A manager approves or rejects a quote below the floor price; the decision is kept."""
    require(actor, "sales.approve_quote", quote)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.approval != ApprovalStatus.PENDING:
        raise ValidationError({"approval": [_("This quote does not wait for approval.")]})
    if not approve and not note.strip():
        raise ValidationError({"approval_note": [_("Say why the quote is rejected.")]})
    quote.approval = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    quote.approved_by = actor
    quote.approved_at = timezone.now()
    quote.approval_note = note.strip()[:300]
    quote.save(update_fields=["approval", "approved_by", "approved_at", "approval_note",
                              "updated_at"])
    record_event(quote, "quote.approved" if approve else "quote.rejected", actor=actor,
                 note=quote.approval_note)
    return quote


# --- re-pricing a building ------------------------------------------------------------------

@dataclass
class RepriceRow:
    sale_unit: SaleUnit
    old_unit_price: Decimal | None
    old_total: Decimal | None
    new_unit_price: Decimal
    new_total: Decimal
    skipped: bool  # taken units keep the price their deal was made at

    @property
    def changed(self) -> bool:
        return not self.skipped and (self.old_total != self.new_total
                                     or self.old_unit_price != self.new_unit_price)

    @property
    def difference(self) -> Decimal | None:
        return None if self.old_total is None else self.new_total - self.old_total


def reprice_changed(rows: list[RepriceRow]) -> int:
    """How many prices of a preview would change."""
    return sum(1 for row in rows if row.changed)


def reprice_preview(price_list: PriceList, on: dt.date | None = None) -> list[RepriceRow]:
    """What ``reprice_apply`` would write: every unit of the list's building (and batch) with
    its current and its new list price (before agreed discounts)."""
    on = on or max(timezone.localdate(), price_list.valid_from)
    units = SaleUnit.objects.filter(building_id=price_list.building_id).select_related("unit")
    if price_list.batch:
        units = units.filter(batch=price_list.batch)
    rules = _pipeline_rules(price_list, on)
    rows = []
    for unit in sorted(units, key=lambda u: (-u.floor, u.unit.number)):
        calc = calculate(price_list, unit, on, rules=rules)
        rows.append(RepriceRow(unit, unit.list_unit_price, unit.list_total, calc.unit_price,
                               calc.total, skipped=unit.status in TAKEN))
    return rows


@transaction.atomic
def reprice_apply(*, actor, price_list: PriceList, on: dt.date | None = None) -> int:
    """Give every unit of the building that nobody holds its price under ``price_list``, in
    one transaction; returns how many prices changed."""
    require(actor, "sales.change_pricelist", price_list)
    changed = [row for row in reprice_preview(price_list, on) if row.changed
               or (not row.skipped and row.sale_unit.price_list_id != price_list.pk)]
    for row in changed:
        row.sale_unit.list_unit_price = row.new_unit_price
        row.sale_unit.list_total = row.new_total
        row.sale_unit.price_list = price_list
    SaleUnit.objects.bulk_update([r.sale_unit for r in changed],
                                 ["list_unit_price", "list_total", "price_list"], batch_size=500)
    record_event(price_list, "price_list.repriced", actor=actor, new=str(len(changed)))
    return len(changed)
