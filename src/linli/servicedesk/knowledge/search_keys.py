"""Search keys of knowledge-base articles and of the questions typed at the desk (SVC-13).

Chinese has no spaces, so text is cut into overlapping pairs of characters (bigrams): "装修押金"
gives 装修, 修押, 押金. A question shares bigrams with the articles that answer it whatever
words surround them ("请问装修押金什么时候退" finds "装修押金的退还"). Words of Latin letters and
digits are kept whole. Question words and particles (请问, 怎么, 吗 …) are dropped first.

For PostgreSQL's full-text index the bigrams are spelled as ASCII ("x88c54fee"), so that the
text-search parser reads each as one word whatever the database's locale.

The pinyin keys (``linli.core.personal_data.pinyin_keys``) of the title and keywords let a
question typed in pinyin ("zhuangxiu", or the initials "zxyj") find an article too, and are
the fallback when Chinese text finds nothing (a homophone typo: 装休 → zhuangxiu).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from linli.core.personal_data.pinyin_keys import is_cjk, pinyin_keys

MAX_QUESTION = 200
MAX_TERMS = 16

# Said around almost every question; they carry no meaning to match on.
FILLERS = sorted([
    "请问", "你好", "您好", "我想", "想问", "问一下", "一下", "怎么办", "怎么", "如何", "什么",
    "哪里", "哪儿", "多少", "可以", "能不能", "是否", "需要", "为什么", "时候", "有没有",
    "我们", "我家", "你们", "吗", "呢", "吧", "啊", "呀", "的", "了", "么", "我", "是",
], key=len, reverse=True)
_FILLER = re.compile("|".join(map(re.escape, FILLERS)))
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
_PINYIN = re.compile(r"[a-z]+(?:\s+[a-z]+)*")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def _runs(text: str) -> list[str]:
    return _RUN.findall(text)


def terms_of(text: str) -> list[str]:
    """The distinct bigrams and Latin words of ``text``, in order of first appearance; a lone
    Chinese character (a one-character run) is a term of its own."""
    seen: dict[str, None] = {}
    for run in _runs(normalise(text)):
        if is_cjk(run[0]):
            if len(run) == 1:
                seen.setdefault(run, None)
            for i in range(len(run) - 1):
                seen.setdefault(run[i:i + 2], None)
        elif len(run) > 1 or run.isdigit():
            seen.setdefault(run, None)
    return list(seen)


def ascii_term(term: str) -> str:
    """A term as one ASCII word: Chinese characters as their code points in hex."""
    if not is_cjk(term[0]):
        return term
    return "x" + "".join(f"{ord(c):x}" for c in term)


def ascii_terms(text: str) -> str:
    return " ".join(ascii_term(t) for t in terms_of(text))


@dataclass(frozen=True)
class ArticleKeys:
    search_text: str
    search_pinyin: str
    search_initials: str
    # The weighted parts of PostgreSQL's vector: title, keywords, answer.
    vector_title: str
    vector_keywords: str
    vector_body: str


def _pinyin_of(parts: list[str]) -> tuple[str, str]:
    full, initials = [], []
    for part in parts:
        for run in _runs(normalise(part)):
            f, i = pinyin_keys(run, surname=False)
            full.append(f)
            initials.append(i)
    return " ".join(full), " ".join(initials)


def article_keys(title: str, keywords: str, body: str) -> ArticleKeys:
    title, keywords, body = normalise(title), normalise(keywords), normalise(body)
    full, initials = _pinyin_of([title, *keywords.split()])
    return ArticleKeys(
        search_text=f"{title}\n{keywords}\n{body}", search_pinyin=full,
        search_initials=initials[:400], vector_title=ascii_terms(title),
        vector_keywords=ascii_terms(keywords), vector_body=ascii_terms(body))


@dataclass(frozen=True)
class Question:
    text: str  # normalised, at most MAX_QUESTION characters
    terms: tuple[str, ...]  # bigrams and words to match, fillers removed
    pinyin: str = ""  # the question typed in pinyin, without spaces
    pinyin_terms: tuple[str, ...] = ()  # pinyin of the Chinese terms (the fallback)

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.pinyin


def parse_question(text: str | None) -> Question:
    text = normalise(text)[:MAX_QUESTION]
    if not text:
        return Question(text="", terms=())
    pinyin = re.sub(r"\s+", "", text) if _PINYIN.fullmatch(text) else ""
    meaningful = _FILLER.sub(" ", text)
    terms = tuple(terms_of(meaningful)[:MAX_TERMS])
    pinyin_terms = tuple(dict.fromkeys(
        pinyin_keys(t, surname=False)[0] for t in terms if is_cjk(t[0]) and len(t) == 2))
    return Question(text=text, terms=terms, pinyin=pinyin, pinyin_terms=pinyin_terms)
