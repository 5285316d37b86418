"""The area settlement (面积补差, SAL-3): pure Decimal arithmetic, no database.

When the measured area M of a unit differs from its contract area A, the price is settled at
the contract's price per m² P (the contract total ÷ A, rounded to the fen) by the statutory
rule (商品房销售管理办法 art. 20). With the difference D = M − A and the 3% band L = A × 3%:

1. |D| ≤ L (within ±3%, exactly 3% included): settled at the actual area, D × P — the buyer
   pays for an excess, is refunded for a shortfall;
2. D > L (excess beyond +3%): the buyer pays L × P; the part beyond, (D − L) × P, is borne by
   the developer (the buyer pays nothing for it);
3. D < −L (shortfall beyond −3%): the buyer is refunded L × P for the part within the band and
   twice the price of the part beyond, 2 × (|D| − L) × P; the developer bears the extra
   (|D| − L) × P.

In cases 2 and 3 the buyer may instead withdraw from the contract. Amounts are computed
exactly and rounded once, to the yuan, ROUND_HALF_UP (四舍五入). The band is the law's, not a
rule users tune, so it is a constant here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from linli.sales.pricing import to_fen, to_yuan

BAND = Decimal("0.03")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Settlement:
    contract_area: Decimal
    measured_area: Decimal
    unit_price: Decimal
    difference: Decimal  # M − A, m²
    error_percent: Decimal  # (M − A) ÷ A × 100, to 0.01%
    amount: Decimal  # yuan; positive: the buyer pays, negative: refunded to the buyer
    developer_borne: Decimal  # yuan the developer bears beyond the price of the area
    may_cancel: bool  # the error is beyond 3%: the buyer may withdraw


def unit_price(total: Decimal, area: Decimal) -> Decimal:
    """The contract's price per m²: its total ÷ its area, to the fen."""
    return to_fen(total / area)


def settle(*, contract_area: Decimal, measured_area: Decimal, price: Decimal) -> Settlement:
    """Settle ``measured_area`` against ``contract_area`` at ``price`` per m²."""
    difference = measured_area - contract_area
    band = contract_area * BAND
    if abs(difference) <= band:
        exact, borne = difference * price, Decimal(0)
    elif difference > 0:
        exact, borne = band * price, (difference - band) * price
    else:
        beyond = -difference - band
        exact, borne = -(band * price + 2 * beyond * price), beyond * price
    return Settlement(
        contract_area=contract_area, measured_area=measured_area, unit_price=price,
        difference=difference, error_percent=to_fen(difference / contract_area * HUNDRED),
        amount=to_yuan(exact) + 0, developer_borne=to_yuan(borne) + 0,
        may_cancel=abs(difference) > band)


def may_withdraw(contract) -> bool:
    """A filed contract can be cancelled only when its measured area is more than 3% off."""
    return contract.measured_area is not None and settle(
        contract_area=contract.area, measured_area=contract.measured_area,
        price=contract.unit_price).may_cancel
