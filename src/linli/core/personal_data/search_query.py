"""What a global-search query looks like (PLAT-8), so each search provider can pick its lookup.

``parse_search_query("3栋2单元1502")`` → kind ROOM with building "3", section "2", room "1502";
"1234" is the last 4 digits of a phone; "13812341234" a full phone; "zs" pinyin initials;
"张三" a name. Anything else is TEXT (usernames, e-mail addresses, codes).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers

from linli.core.personal_data.phones import parse_phone
from linli.core.personal_data.pinyin_keys import is_cjk

MAX_QUERY_LENGTH = 100

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
_PHONE_CHARS = re.compile(r"\+?[\d\s\-()]+")
_PINYIN = re.compile(r"[a-z]+(?:\s+[a-z]+)*")

# Room codes: building, optional section, room. Buildings and sections may carry letters
# ("A栋", "B座"); the separators are the ones people type: 号楼/栋/幢/座/# or a dash.
_PART = r"([0-9A-Z]{1,6})"
_BUILDING_SEP = r"\s*(?:号楼|栋|幢|座|号|#|-)\s*"
_SECTION_SEP = r"\s*(?:单元|-)\s*"
_ROOM = re.compile(
    rf"{_PART}{_BUILDING_SEP}(?:{_PART}{_SECTION_SEP})?{_PART}\s*(?:室|号|房)?"
)


class QueryKind(StrEnum):
    EMPTY = "empty"
    PHONE_LAST4 = "phone_last4"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    ROOM = "room"
    PINYIN = "pinyin"
    NAME = "name"
    TEXT = "text"


@dataclass(frozen=True)
class RoomCode:
    building: str
    section: str  # "" when the query named no section ("3-1502")
    room: str


@dataclass(frozen=True)
class SearchQuery:
    text: str  # the query as typed (normalised width, trimmed, at most 100 characters)
    kind: QueryKind
    phone: str = ""  # E.164 for PHONE
    last4: str = ""  # for PHONE_LAST4 and PHONE
    id_number: str = ""  # upper-case, for ID_NUMBER
    room: RoomCode | None = None
    pinyin: str = ""  # lowercase without spaces, for PINYIN

    @property
    def is_empty(self) -> bool:
        return self.kind == QueryKind.EMPTY


def id_number_is_valid(value: str) -> bool:
    """A resident ID number: 18 characters with a valid check character (GB 11643), or the old
    15-digit form with a valid birth date."""
    value = value.upper()
    if re.fullmatch(r"\d{17}[\dX]", value):
        total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
        return _ID_CHECK_CHARS[total % 11] == value[17] and _valid_date(value[6:14])
    if re.fullmatch(r"\d{15}", value):
        return _valid_date("19" + value[6:12])
    return False


def _valid_date(yyyymmdd: str) -> bool:
    try:
        datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return True


def parse_room(text: str) -> RoomCode | None:
    """Building, section and room of "3-2-1502", "3栋2单元1502", "3#2-1502", or None."""
    match = _ROOM.fullmatch(text.upper())
    if match is None:
        return None
    building, section, room = match.groups()
    return RoomCode(building=building, section=section or "", room=room)


def parse_search_query(q: str | None) -> SearchQuery:
    text = unicodedata.normalize("NFKC", q or "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return SearchQuery(text="", kind=QueryKind.EMPTY)
    compact = re.sub(r"\s+", "", text)
    if re.fullmatch(r"\d{4}", compact):
        return SearchQuery(text=text, kind=QueryKind.PHONE_LAST4, last4=compact)
    if id_number_is_valid(compact):
        return SearchQuery(text=text, kind=QueryKind.ID_NUMBER, id_number=compact.upper())
    if _PHONE_CHARS.fullmatch(text):
        number = parse_phone(text)
        if number is not None:
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            return SearchQuery(text=text, kind=QueryKind.PHONE, phone=e164, last4=e164[-4:])
    room = parse_room(text)
    if room is not None:
        return SearchQuery(text=text, kind=QueryKind.ROOM, room=room)
    if _PINYIN.fullmatch(text.lower()):
        return SearchQuery(text=text, kind=QueryKind.PINYIN, pinyin=compact.lower())
    if any(is_cjk(char) for char in text):
        return SearchQuery(text=text, kind=QueryKind.NAME)
    return SearchQuery(text=text, kind=QueryKind.TEXT)
