"""Derived keys of directory records: room codes, building sort keys, name search keys.

Every writer (services, importers, the demo and benchmark generators) derives these through
the functions here, so stored keys are always what the product itself would have made.
"""

from __future__ import annotations

import re

from linli.core.personal_data.pinyin_keys import pinyin_keys

_DIGITS = re.compile(r"\d+")


def room_code(building_number: str, section_number: str | None, room_number: str) -> str:
    """The canonical room code: "3-2-1502", or "3-1502" for a building without sections."""
    parts = [building_number.strip(), (section_number or "").strip(), room_number.strip()]
    return "-".join(p for p in parts if p)


def building_sort_key(number: str) -> int:
    """Building "10" sorts after "9"; "A3" sorts as 3; no digits sort first."""
    match = _DIGITS.search(number or "")
    return int(match.group()) if match else 0


def name_keys(name: str, *, person: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) of a name; ``person`` applies surname readings (曾 zeng)."""
    return pinyin_keys(name or "", surname=person)
