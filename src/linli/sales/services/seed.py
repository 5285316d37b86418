"""The pricing seed of SAL-5 as rule data, for new price lists and the demo.

Area: < 40 m² ×1.2, 40–90 m² ×1.1; floors 1–10 +500 per m² per floor, 11–20 +1,000 per m² per
floor; full south ×1.1, north–south through ×1.2; contract total > 1,000,000 ×0.9. The names
are the seed's own words (they are data a tenant edits, not interface text).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from linli.sales.models import PriceList
from linli.sales.services.prices import rule_add
from linli.sales.states import RuleKind

D = Decimal
SEED_RULES = [
    {"kind": RuleKind.AREA, "name": "<40㎡", "upper": D(40), "factor": D("1.2")},
    {"kind": RuleKind.AREA, "name": "40~90㎡", "lower": D(40), "upper": D(90),
     "factor": D("1.1")},
    {"kind": RuleKind.FLOOR, "name": "1~10层", "lower": D(1), "upper": D(10), "amount": D(500)},
    {"kind": RuleKind.FLOOR, "name": "11~20层", "lower": D(11), "upper": D(20),
     "amount": D(1000)},
    {"kind": RuleKind.ORIENTATION, "name": "全朝南", "orientation": "south", "factor": D("1.1")},
    {"kind": RuleKind.ORIENTATION, "name": "南北通透", "orientation": "north_south",
     "factor": D("1.2")},
    {"kind": RuleKind.TOTAL, "name": "合同总额>1,000,000", "lower": D(1_000_000),
     "factor": D("0.9")},
]


@transaction.atomic
def seed_rules_install(*, actor, price_list: PriceList) -> int:
    """Add the seed's rules to ``price_list`` (all refused if any overlaps a rule it has)."""
    for rule in SEED_RULES:
        rule_add(actor=actor, price_list=price_list, **rule)
    return len(SEED_RULES)
