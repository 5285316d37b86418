"""Resolve an API bearer key to its user (registered with the core API framework)."""

from __future__ import annotations

from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.core.restapi.auth import TokenCheck

TOKEN_TOUCH_SECONDS = 60


def resolve_token(key: str, *, touch: bool = True) -> TokenCheck | None:
    """The token's user and whether it may be used now; None for an unknown key."""
    api_token = (
        ApiToken.objects.select_related("user", "user__tenant")
        .filter(key_hash=ApiToken.hash_key(key)).first()
    )
    if api_token is None:
        return None
    now = timezone.now()
    usable = api_token.is_usable(now)
    if usable and touch and (
        api_token.last_used_at is None
        or (now - api_token.last_used_at).total_seconds() > TOKEN_TOUCH_SECONDS
    ):
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return TokenCheck(user=api_token.user, usable=usable)
