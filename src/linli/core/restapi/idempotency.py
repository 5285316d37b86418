"""``Idempotency-Key`` on API POSTs (NFR-4): a replay returns the first response; the same key
with another body answers 422; a request still in flight with that key answers 409."""

from __future__ import annotations

import hashlib

from django.http import JsonResponse
from django.utils.translation import gettext as _

from linli.core.idempotency import MAX_KEY_LENGTH, claim, complete, replayed
from linli.core.restapi.auth import user_for_token
from linli.core.restapi.errors import body

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _principal(request):
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth.lower().startswith("bearer "):
        return user_for_token(auth[7:].strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER)
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            # File uploads are not replayed: hashing them would read up to 20 MB into memory;
            # their endpoints (imports) are dry-run first and confirmed by run id instead.
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return JsonResponse(
                body("validation_error", _("The Idempotency-Key header is too long."),
                     {"Idempotency-Key": [_("At most 200 characters.")]}),
                status=422,
            )
        user = _principal(request)
        if user is None:
            return self.get_response(request)
        digest = hashlib.sha256(request.path.encode() + b"\0" + request.body).hexdigest()
        found = claim(user, key, request.method, request.path, digest)
        if found.outcome == "gone":
            return self.get_response(request)
        if found.outcome == "mismatch":
            return JsonResponse(
                body("idempotency_key_reused",
                     _("This Idempotency-Key was already used with a different request.")),
                status=422,
            )
        if found.outcome == "busy":
            return JsonResponse(
                body("conflict", _("A request with this Idempotency-Key is in progress.")),
                status=409,
            )
        if found.outcome == "replay":
            return replayed(found.record)
        response = self.get_response(request)
        complete(found.record, response)
        return response
