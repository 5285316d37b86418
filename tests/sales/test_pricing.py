"""The seed's pricing example (SAL-5), reproduced from the rules as data, with worked numbers.

Base price 10,000 yuan/m²; area < 40 m² ×1.2, 40–90 m² ×1.1; floors 1–10 +500 per m² per floor
and 11–20 +1,000 (floor 1 is the reference floor); full south ×1.1, north–south through ×1.2;
contract total > 1,000,000 ×0.9; floor price 9,000 yuan/m².
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from linli.sales import pricing
from linli.sales.services import SEED_RULES
from linli.sales.services import prices as price_services
from linli.sales.states import ApprovalStatus
from tests.sales.builders import START, make_sales

RULES = [pricing.Rule(**{k: v for k, v in r.items()}) for r in SEED_RULES]


def price(area, floor, orientation, base=D(10000), agreed=(), floor_price=None):
    return pricing.calculate(base_price=base, area=D(area), floor=floor,
                             orientation=orientation, rules=RULES, agreed=agreed,
                             floor_price=floor_price)


def test_floor_steps_add_up_floor_by_floor_from_the_reference_floor():
    steps = [pricing.floor_step(RULES, n, 1) for n in (1, 2, 10, 11, 12, 20, 21)]
    assert steps == [0, 500, 4500, 5500, 6500, 14500, 14500]
    # Another reference floor shifts the count: from floor 3 on, floor 12 is 7×500 + 2×1000.
    assert pricing.floor_step(RULES, 12, 3) == 5500


def test_85_square_metres_on_floor_12_facing_south():
    calc = price("85", 12, "south", floor_price=D(9000))
    assert [(s.code, s.result) for s in calc.steps] == [
        ("base", D(10000)),
        ("area", D(11000)),  # 85 m² is in 40–90: ×1.1
        ("floor", D(17500)),  # + 9×500 (floors 2–10) + 2×1,000 (floors 11–12)
        ("orientation", D(19250)),  # full south ×1.1
        ("unit_price", D("19250.00")),
        ("total", D(1636250)),  # × 85 m²
        ("discount", D(1472625)),  # above 1,000,000: ×0.9
        ("floor_price", D(765000)),  # 9,000 × 85
    ]
    assert calc.total == D(1472625) and not calc.below_floor


def test_38_square_metres_on_floor_5_north_south_has_no_contract_discount():
    calc = price("38", 5, "north_south")
    assert calc.unit_price == D("16800.00")  # (10,000 × 1.2 + 4 × 500) × 1.2
    assert calc.list_total == calc.total == D(638400)
    assert "discount" not in [s.code for s in calc.steps]


def test_top_floor_small_unit_crosses_the_discount_threshold():
    calc = price("38", 20, "north_south")
    # (12,000 + 4,500 + 10,000) × 1.2 = 31,800; × 38 = 1,208,400; × 0.9
    assert (calc.unit_price, calc.list_total, calc.total) == (D(31800), D(1208400),
                                                              D(1087560))


@pytest.mark.parametrize("area, coefficient", [
    ("39.99", D("1.2")), ("40", D("1.1")), ("89.99", D("1.1")), ("90", None), ("120", None)])
def test_area_bands_include_their_lower_bound_and_exclude_the_upper(area, coefficient):
    steps = {s.code: s for s in price(area, 1, "east").steps}
    if coefficient is None:
        assert "area" not in steps
    else:
        assert steps["area"].operand == f"×{coefficient}"


def test_the_discount_applies_only_above_the_threshold():
    # 1 m² cheaper or dearer around exactly 1,000,000: 100 m² at 10,000, no other rule.
    exactly = pricing.calculate(base_price=D(10000), area=D(100), floor=1, orientation="",
                                rules=RULES)
    above = pricing.calculate(base_price=D("10000.01"), area=D(100), floor=1, orientation="",
                              rules=RULES)
    assert exactly.total == D(1000000)
    assert above.list_total == D(1000001) and above.total == D(900001)  # 900,000.9 → 900,001


def test_rounding_to_the_fen_then_to_the_yuan_half_up():
    calc = pricing.calculate(base_price=D(10001), area=D("85.37"), floor=1,
                             orientation="south", rules=RULES)
    # 10,001 × 1.1 = 11,001.1; × 1.1 = 12,101.21 per m²; × 85.37 = 1,033,080.2977 → 1,033,080
    assert calc.unit_price == D("12101.21")
    assert calc.list_total == D(1033080)
    assert calc.total == D(929772)  # × 0.9 = 929,772.0
    agreed = pricing.Rule(kind="agreed", name="一次性付款98折", factor=D("0.98"))
    with_agreed = price("85", 12, "south", agreed=[agreed])
    assert with_agreed.total == D(1443173)  # 1,472,625 × 0.98 = 1,443,172.5 → half up


@pytest.mark.django_db
def test_a_quote_keeps_every_step_and_a_price_below_the_floor_waits_for_approval(world):
    sales = make_sales(world)
    quote = price_services.quote_create(actor=None, sale_unit=sales.unit(12),
                                        on=START + dt.timedelta(days=3))
    assert quote.total == D(1472625) and quote.approval == ApprovalStatus.NOT_NEEDED
    assert [s["code"] for s in quote.steps] == ["base", "area", "floor", "orientation",
                                                "unit_price", "total", "discount",
                                                "floor_price"]
    deep = price_services.rule_add(actor=None, price_list=sales.price_list, kind="agreed",
                                   name="特批五折", factor=D("0.5"))
    cheap = price_services.quote_create(actor=None, sale_unit=sales.unit(5, 2), on=START,
                                        agreed=[deep])
    assert cheap.total == D(319200)  # 638,400 × 0.5, below 9,000 × 38 = 342,000
    assert cheap.floor_total == D(342000)
    assert cheap.approval == ApprovalStatus.PENDING
