"""Refuse API input containing NUL characters with a 422 instead of a database error.

PostgreSQL text cannot hold U+0000; Django's form fields refuse it already, but API schemas
accept any string, so one guard in front of the API covers every field of every endpoint.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _

from linli.core.restapi.errors import body

ESCAPED_NUL = (b"\\u0000", b"\\U0000")


class NullCharacterGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/") and self._has_nul(request):
            return JsonResponse(
                body("validation_error", _("Text may not contain NUL characters.")),
                status=422,
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value for key, value in request.GET.items()
        ):
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.META.get("CONTENT_TYPE", "")
            if content_type.startswith("multipart/"):
                return False  # uploaded files are binary; their parsers validate them
            raw = request.body
            return b"\x00" in raw or any(marker in raw for marker in ESCAPED_NUL)
        return False
