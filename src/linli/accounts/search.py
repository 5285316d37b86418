"""Users in the global search (PLAT-8) and their mobile numbers as personal data (PLAT-9).

``register()`` is called from AccountsConfig.ready(). Both the search and the reveal look users
up through ``visible_users(actor)``, the scope of the users screen, so they see exactly the users
that screen shows.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.accounts.selectors import visible_users
from linli.core.modules import SearchHit, SearchProvider, register_search_provider
from linli.core.personal_data.masking import mask_phone
from linli.core.personal_data.pinyin_keys import pinyin_keys
from linli.core.personal_data.revealable import register_revealable
from linli.core.personal_data.search_query import QueryKind, SearchQuery

# Database matches read before ranking; enough for a box that shows the best few.
CANDIDATES = 200
_TEXT_KINDS = {QueryKind.TEXT, QueryKind.NAME, QueryKind.PINYIN, QueryKind.PHONE_LAST4}


def _text_score(text: str, *values: str) -> float:
    best = 0.0
    needle = text.casefold()
    for value in values:
        value = (value or "").casefold()
        if not value or needle not in value:
            continue
        best = max(best, 1.0 if value == needle else 0.8 if value.startswith(needle) else 0.5)
    return best


def _pinyin_score(query: SearchQuery, user: User) -> float:
    full, initials = pinyin_keys(user.display_name)
    if not full:
        return 0.0
    if query.pinyin in (full, initials):
        return 0.9
    if full.startswith(query.pinyin):
        return 0.6
    if initials.startswith(query.pinyin):
        return 0.5
    return 0.0


def _score(query: SearchQuery, user: User) -> float:
    score = 0.0
    if query.kind == QueryKind.PHONE and user.mobile == query.phone:
        score = 1.0
    if query.kind == QueryKind.PHONE_LAST4 and user.mobile.endswith(query.last4):
        score = 0.7
    if query.kind in _TEXT_KINDS:
        score = max(score, _text_score(query.text, user.username, user.display_name,
                                       user.get_full_name()))
    if query.kind == QueryKind.PINYIN:
        score = max(score, _pinyin_score(query, user))
    return score


def _candidates(actor, query: SearchQuery):
    users = visible_users(actor).only(
        "pk", "username", "display_name", "first_name", "last_name", "mobile", "tenant_id"
    ).order_by("username", "pk")
    if query.kind == QueryKind.PHONE:
        return users.filter(mobile=query.phone)[:CANDIDATES]
    if query.kind not in _TEXT_KINDS:
        return []
    text = Q(username__icontains=query.text) | Q(display_name__icontains=query.text) | Q(
        first_name__icontains=query.text) | Q(last_name__icontains=query.text)
    if query.kind == QueryKind.PHONE_LAST4:
        return users.filter(text | Q(mobile__endswith=query.last4))[:CANDIDATES]
    if query.kind == QueryKind.PINYIN:
        # Users carry no stored pinyin key: names are converted here. A tenant has hundreds
        # to a few thousand staff accounts, so reading their names stays cheap.
        return users.filter(text | ~Q(display_name=""))
    return users.filter(text)[:CANDIDATES]


def search_users(actor, query: SearchQuery, limit: int) -> list[SearchHit]:
    kind = _("User")
    hits = []
    for user in _candidates(actor, query):
        score = _score(query, user)
        if score <= 0:
            continue
        subtitle = " · ".join(p for p in (user.username, mask_phone(user.mobile)) if p)
        hits.append(SearchHit(
            kind=kind, title=str(user), subtitle=subtitle,
            url=reverse("accounts:user_detail", args=[user.pk]), score=score,
        ))
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits[:limit]


def register() -> None:
    register_search_provider(
        SearchProvider(key="accounts.users", permission="accounts.view_user", search=search_users)
    )
    register_revealable(User, "mobile", kind="phone", queryset=visible_users)
