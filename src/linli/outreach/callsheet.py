"""The platform's first callback of its signed companies, as the seed records it (S2 §2.1):
3,958 companies → connected 707 (18%), refused 1,466 (37%), no answer 1,094 (28%),
unreachable or wrong number 691 (17%), not counting the companies of the four agents the
platform is suing. The demo replays it and the tests rebuild its sheet from here.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from linli.outreach.choices import CallOutcome

SOURCE_TABLE = {
    CallOutcome.CONNECTED.value: 707,
    CallOutcome.REFUSED.value: 1466,
    CallOutcome.NO_ANSWER.value: 1094,
    CallOutcome.UNREACHABLE.value: 691,
}
SOURCE_SHARES = {"connected": 18, "refused": 37, "no_answer": 28, "unreachable": 17}
SOURCE_TOTAL = sum(SOURCE_TABLE.values())  # 3,958

# How the sheet spells each outcome, in turn, as the callers typed them.
SHEET_WORDS = {
    "connected": ("接通", "成功接通"),
    "refused": ("拒访", "拒接"),
    "no_answer": ("无人接听",),
    "unreachable": ("无法接通", "号码有误", "空号"),
}
SHEET_HEADER = ["回访活动", "阶段", "物业公司名称", "城市", "联系电话", "回访结果", "备注"]


def source_outcomes(seed: int = 2016, table: dict[str, int] | None = None) -> list[str]:
    """The outcomes of the table, one per company, in a shuffled but reproducible order."""
    outcomes = [outcome for outcome, count in (table or SOURCE_TABLE).items()
                for _ in range(count)]
    random.Random(seed).shuffle(outcomes)  # noqa: S311  (a reproducible order, not a secret)
    return outcomes


def sheet_rows(companies: Iterable[tuple[str, str, str]], outcomes: list[str],
               campaign: str, phase: str = "第一轮") -> list[list[str]]:
    """The call sheet: a header, then one row per (name, city, phone) with its outcome in the
    words of the platform's callers."""
    rows = [list(SHEET_HEADER)]
    for index, ((name, city, phone), outcome) in enumerate(zip(companies, outcomes,
                                                                strict=True)):
        words = SHEET_WORDS[outcome]
        rows.append([campaign, phase, name, city, phone, words[index % len(words)], ""])
    return rows
