"""Screen forms that may be sent twice (PLAT-11, NFR-4): a phone on a weak network resends a
form it is not sure went through. Each form rendered with ``{% idempotency_field %}`` carries
a fresh key; ``idempotent_form`` runs a POST with a given key once and answers a resend with
the first answer (a redirect redirects to the same page again, now showing the result).

A key reused with other input is refused (422); a resend while the first is still running
answers 409 and changes nothing. Forms without the field work as before.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from linli.core.idempotency import MAX_KEY_LENGTH, claim, complete, replayed

FIELD = "idempotency_key"
# Fields that differ between two sends of one form without changing what it asks for.
IGNORED = {"csrfmiddlewaretoken"}


def _digest(request) -> str:
    """What the form asks for: its path, its fields and the names and sizes of its files."""
    parts = [request.path]
    for name in sorted(set(request.POST) - IGNORED):
        parts.append(f"{name}={request.POST.getlist(name)!r}")
    for name in sorted(request.FILES):
        parts.append(f"{name}:" + ",".join(f"{f.name}/{f.size}"
                                           for f in request.FILES.getlist(name)))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _text(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def idempotent_form(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.POST.get(FIELD, "").strip() if request.method == "POST" else ""
        if not key or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return _text(400, _("The form's key is too long."))
        found = claim(request.user, key, "POST", request.path, _digest(request))
        if found.outcome == "gone":
            return view(request, *args, **kwargs)
        if found.outcome == "mismatch":
            return _text(422, _("This form was already sent with other input; reload the "
                                "page and fill it in again."))
        if found.outcome == "busy":
            return _text(409, _("This form is still being processed; wait a moment and "
                                "reload the page."))
        if found.outcome == "replay":
            if not found.record.location:
                return replayed(found.record, "text/html")
            messages.info(request, _("This was already recorded; nothing was done twice."))
            response = HttpResponseRedirect(found.record.location)
            response["Idempotent-Replayed"] = "true"
            return response
        response = view(request, *args, **kwargs)
        complete(found.record, response)
        return response

    return wrapper
