from django.conf import settings
from django.utils import translation

from linli.core.request_context import Channel, acting

# Session key of the language chosen by the signed-in user.
LANGUAGE_SESSION_KEY = "linli_language"


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    """Marks every web request's changes with the user and the web (or API) channel."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = Channel.API if request.path.startswith("/api/") else Channel.WEB
        user = getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        with acting(user=user, channel=channel, ip=client_ip(request)):
            return self.get_response(request)


class UserLanguageMiddleware:
    """Activates the language a signed-in user chose (PLAT-10).

    Runs after LocaleMiddleware, which has already picked a language from the cookie or the
    browser; the choice saved in the session at sign-in or on switching wins over both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        language = session.get(LANGUAGE_SESSION_KEY) if session is not None else None
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


def remember_language(request, response, language: str) -> None:
    """Use ``language`` from now on: this response, the session and the cookie that outlives
    the session (so the sign-in page after signing out keeps the language)."""
    if language not in dict(settings.LANGUAGES):
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    request.session[LANGUAGE_SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
