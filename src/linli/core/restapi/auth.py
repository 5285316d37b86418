"""Session and per-user token authentication for the API.

Tokens are stored by the accounts app, which registers its resolver at start-up, so the core
framework authenticates without importing the layer above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from linli.core.request_context import identify


@dataclass(frozen=True)
class TokenCheck:
    user: object
    usable: bool  # False: expired or revoked


_token_resolver: Callable[..., TokenCheck | None] | None = None


def register_token_resolver(resolver: Callable[..., TokenCheck | None]) -> None:
    global _token_resolver
    _token_resolver = resolver


def user_for_token(key: str, *, touch: bool = False):
    """The active user a usable bearer key belongs to, or None."""
    check = _token_resolver(key, touch=touch) if _token_resolver else None
    if check is None or not check.usable or not _may_sign_in(check.user):
        return None
    return check.user


def _may_sign_in(user) -> bool:
    return user.is_active and user.tenant_id is not None and user.tenant.is_active


class TokenExpired(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(401, _("This API token has expired or was revoked."))


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token: str):
        check = _token_resolver(token, touch=True) if _token_resolver else None
        if check is None:
            return None
        if not check.usable:
            raise TokenExpired()
        if not _may_sign_in(check.user):
            return None
        request.user = check.user
        identify(check.user)
        return check.user


class LinliSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and user.tenant_id is None:
            return None
        return user


api_auth = [TokenAuth(), LinliSessionAuth()]
