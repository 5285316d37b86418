"""Pinyin search keys for names (PLAT-8): 张三 is found by "zhangsan" and by "zs"."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the everyday reading pypinyin picks for the character
# alone (曾 is "ceng" in 曾经 but "zeng" as a surname). Compound surnames are listed whole.
COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "长孙": ("zhang", "sun"),
    "澹台": ("tan", "tai"),
    "令狐": ("ling", "hu"),
}
SURNAMES = {
    "曾": "zeng", "单": "shan", "解": "xie", "朴": "piao", "区": "ou", "查": "zha",
    "乐": "yue", "仇": "qiu", "翟": "zhai", "覃": "qin", "盖": "ge", "缪": "miao",
    "秘": "bi", "员": "yun", "繁": "po", "黑": "he", "召": "shao", "种": "chong",
    "阚": "kan", "洗": "xian", "隗": "wei", "句": "gou", "能": "nai", "祭": "zhai",
    "薄": "bo", "佴": "nai", "折": "she", "宓": "mi", "瞿": "qu", "重": "chong",
}

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_KEY = re.compile(r"[^0-9a-z]")


def is_cjk(char: str) -> bool:
    return bool(_CJK.fullmatch(char))


_KEPT = "\x00"


def _syllables(text: str) -> tuple[list[str], list[str]]:
    """(full readings, initials) per syllable; text that is not Chinese is kept as it is in
    both. One conversion serves both: the initial of a reading is its first letter, so only
    the kept chunks, marked by the ``errors`` hook, must be told apart."""
    items = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chunk: _KEPT + chunk)
    full = [item[1:] if item.startswith(_KEPT) else item for item in items]
    initials = [item[1:] if item.startswith(_KEPT) else item[:1] for item in items]
    return full, initials


def _apply_surname(text: str, full: list[str], initials: list[str]) -> None:
    """Replace the readings of the leading surname characters in place."""
    head = text[:2]
    if len(head) == 2 and head in COMPOUND_SURNAMES:
        readings = COMPOUND_SURNAMES[head]
    elif text[:1] in SURNAMES:
        readings = (SURNAMES[text[:1]],)
    else:
        return
    for index, reading in enumerate(readings):
        full[index] = reading
        initials[index] = reading[0]


def pinyin_keys(name: str, *, surname: bool = True) -> tuple[str, str]:
    """``(full, initials)`` in lowercase without spaces or punctuation.

    ``surname``: the text is a person's name, so its first characters are read as a surname.
    Pass False for places and organisations. Text that is not Chinese is kept (lowercased).
    """
    text = unicodedata.normalize("NFKC", name or "").strip()
    if not text:
        return "", ""
    full, initials = _syllables(text)
    if surname and is_cjk(text[0]):
        _apply_surname(text, full, initials)
    return (
        _NOT_KEY.sub("", "".join(full).lower()),
        _NOT_KEY.sub("", "".join(initials).lower()),
    )
