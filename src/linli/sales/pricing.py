"""The pricing pipeline (SAL-5): pure Decimal arithmetic over a price list's rules, no database.

For a unit of area A m² on floor n with orientation o, under a price list with base price B,
reference floor r and the rules in force on the day:

1. area coefficient a: the factor of the area band containing A (lower ≤ A < upper), else 1;
2. floor step f: the sum, over every floor k from r + 1 up to n, of the step (yuan per m²) of
   the floor band containing k (floors at or below r: 0);
3. orientation coefficient c: the factor of the rule for o, else 1;
   price per m² P = (B × a + f) × c, rounded to the fen (0.01 yuan);
4. list total T = P × A, rounded to the yuan;
5. contract-level discount: the factor of the rule with the highest threshold that T is above
   (strictly), else 1; T₁ = T × d rounded to the yuan;
6. agreed discounts: each chosen one in turn, T₂ = T₁ × g rounded to the yuan;
7. floor-price guard: floor total F = floor price per m² × A rounded to the yuan; a total below
   F needs a manager's approval.

Rounding is ROUND_HALF_UP (四舍五入) at each of those points and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from linli.sales.states import RuleKind

FEN = Decimal("0.01")
YUAN = Decimal("1")
ONE = Decimal("1")


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def to_yuan(value: Decimal) -> Decimal:
    return value.quantize(YUAN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """What the pipeline needs of a ``PriceRule`` (or of a rule being checked)."""

    kind: str
    lower: Decimal | None = None
    upper: Decimal | None = None
    orientation: str = ""
    factor: Decimal | None = None
    amount: Decimal | None = None
    name: str = ""
    pk: int | None = None

    @classmethod
    def of(cls, rule) -> Rule:
        return cls(kind=rule.kind, lower=rule.lower, upper=rule.upper,
                   orientation=rule.orientation, factor=rule.factor, amount=rule.amount,
                   name=rule.name, pk=rule.pk)


@dataclass
class Step:
    """One line of a quote: what was applied and the running result."""

    code: str  # base, area, floor, orientation, unit_price, total, discount, agreed, floor_price
    label: str  # the rule's own name, if it has one; screens name the step by its code
    operand: str  # "×1.1", "+6500.00", "10000.00" …
    result: Decimal
    rule_id: int | None = None

    def as_json(self) -> dict:
        return {"code": self.code, "label": self.label, "operand": self.operand,
                "result": str(self.result), "rule_id": self.rule_id}


@dataclass
class Calculation:
    steps: list[Step] = field(default_factory=list)
    unit_price: Decimal = Decimal(0)
    list_total: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    floor_total: Decimal | None = None

    @property
    def below_floor(self) -> bool:
        return self.floor_total is not None and self.total < self.floor_total


def _in_area_band(rule: Rule, area: Decimal) -> bool:
    return ((rule.lower is None or area >= rule.lower)
            and (rule.upper is None or area < rule.upper))


def _in_floor_band(rule: Rule, floor: int) -> bool:
    return ((rule.lower is None or floor >= rule.lower)
            and (rule.upper is None or floor <= rule.upper))


def floor_step(rules: Iterable[Rule], floor: int, reference_floor: int) -> Decimal:
    """Σ over floors k = reference+1 … floor of the step of the band containing k."""
    bands = [r for r in rules if r.kind == RuleKind.FLOOR]
    total = Decimal(0)
    for k in range(reference_floor + 1, floor + 1):
        for rule in bands:
            if _in_floor_band(rule, k):
                total += rule.amount or 0
                break
    return total


def _factor_text(factor: Decimal) -> str:
    return "×" + format(factor.normalize(), "f")


def calculate(*, base_price: Decimal, area: Decimal, floor: int, orientation: str,
              rules: Iterable[Rule], reference_floor: int = 1,
              floor_price: Decimal | None = None, agreed: Iterable[Rule] = ()) -> Calculation:
    """Run the pipeline; ``rules`` are those in force (area, floor, orientation, total),
    ``agreed`` the agreed discounts chosen for this quote, in the order to apply them."""
    rules = list(rules)
    calc = Calculation()
    add = calc.steps.append

    price = base_price
    add(Step("base", "", format(base_price, "f"), price))
    area_rule = next((r for r in rules if r.kind == RuleKind.AREA and _in_area_band(r, area)),
                     None)
    if area_rule is not None and area_rule.factor is not None:
        price = price * area_rule.factor
        add(Step("area", area_rule.name, _factor_text(area_rule.factor), price, area_rule.pk))
    step = floor_step(rules, floor, reference_floor)
    if step:
        price = price + step
        add(Step("floor", "", f"+{step:f}", price))
    orientation_rule = next((r for r in rules if r.kind == RuleKind.ORIENTATION
                             and orientation and r.orientation == orientation), None)
    if orientation_rule is not None and orientation_rule.factor is not None:
        price = price * orientation_rule.factor
        add(Step("orientation", orientation_rule.name, _factor_text(orientation_rule.factor),
                 price, orientation_rule.pk))
    calc.unit_price = to_fen(price)
    add(Step("unit_price", "", "", calc.unit_price))

    total = to_yuan(calc.unit_price * area)
    calc.list_total = total
    add(Step("total", "", f"×{area:f}", total))
    tiers = sorted((r for r in rules if r.kind == RuleKind.TOTAL and r.factor is not None
                    and (r.lower is None or total > r.lower)),
                   key=lambda r: r.lower or Decimal(0), reverse=True)
    if tiers:
        total = to_yuan(total * tiers[0].factor)
        add(Step("discount", tiers[0].name, _factor_text(tiers[0].factor), total, tiers[0].pk))
    for rule in agreed:
        if rule.factor is None:
            continue
        total = to_yuan(total * rule.factor)
        add(Step("agreed", rule.name, _factor_text(rule.factor), total, rule.pk))
    calc.total = total
    if floor_price is not None:
        calc.floor_total = to_yuan(floor_price * area)
        add(Step("floor_price", "", f"{floor_price:f}", calc.floor_total))
    return calc
