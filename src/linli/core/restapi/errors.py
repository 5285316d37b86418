"""One error format for every API answer that is not a success:

    {"code": "validation_error", "message": "…", "fields": {"field": ["…"]}}
"""

from __future__ import annotations

import logging

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

logger = logging.getLogger(__name__)


class ApiError(HttpError):
    """An error a service or handler raises with its own code and message."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None):
        super().__init__(status, message)
        self.code = code
        self.fields = fields or {}


def invalid(field: str, message: str) -> ApiError:
    """The 422 of one field a handler finds wrong (an id outside the caller's scope, say)."""
    return ApiError(422, "validation_error", _("Some fields are not valid."), {field: [message]})


def body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _field_name(loc: list) -> str:
    # ("body", "payload", "name") → "name"; ("query", "page") → "page"
    parts = [str(p) for p in loc]
    # Only the first item names the source; a field may itself be called "file" or "path".
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in {"payload", "data", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


# Pydantic's messages are English only; the common ones are given in the user's language.
_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "string_type": lambda ctx: _("Enter text."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a date like 2026-10-08."),
    "date_parsing": lambda ctx: _("Enter a date like 2026-10-08."),
    "datetime_parsing": lambda ctx: _("Enter a date and time like 2026-10-08T09:30:00+08:00."),
    "datetime_from_date_parsing": lambda ctx: _(
        "Enter a date and time like 2026-10-08T09:30:00+08:00."),
    "string_pattern_mismatch": lambda ctx: _("The value does not have the expected format."),
    "string_too_short": lambda ctx: _("Enter at least %(n)s characters.") % {
        "n": ctx.get("min_length")},
    "string_too_long": lambda ctx: _("Enter at most %(n)s characters.") % {
        "n": ctx.get("max_length")},
    "greater_than_equal": lambda ctx: _("Enter a value of at least %(n)s.") % {"n": ctx.get("ge")},
    "greater_than": lambda ctx: _("Enter a value greater than %(n)s.") % {"n": ctx.get("gt")},
    "less_than_equal": lambda ctx: _("Enter a value of at most %(n)s.") % {"n": ctx.get("le")},
    "less_than": lambda ctx: _("Enter a value less than %(n)s.") % {"n": ctx.get("lt")},
    "enum": lambda ctx: _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected")},
    "literal_error": lambda ctx: _("Choose one of: %(choices)s.") % {
        "choices": ctx.get("expected")},
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
    "model_attributes_type": lambda ctx: _("Send a JSON object."),
    "dict_type": lambda ctx: _("Send a JSON object."),
    "list_type": lambda ctx: _("Send a list."),
    "extra_forbidden": lambda ctx: _("This field is not accepted."),
}


def _message(error: dict) -> str:
    translate = _MESSAGES.get(error.get("type", ""))
    if translate is None:
        return error.get("msg") or _("Invalid value.")
    return translate(error.get("ctx") or {})


def install(api) -> None:
    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(list(error.get("loc", []))), []).append(_message(error))
        return api.create_response(
            request, body("validation_error", _("Some fields are not valid."), fields), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def model_validation_error(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            message = _("Some fields are not valid.")
        else:
            fields = {}
            message = " ".join(exc.messages)
        return api.create_response(
            request, body("validation_error", message, fields), status=422
        )

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return api.create_response(
            request, body(exc.code, exc.message, exc.fields), status=exc.status_code
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc: AuthenticationError):
        message = exc.message if exc.message != "Unauthorized" else _("Authentication required.")
        return api.create_response(
            request, body("not_authenticated", message), status=exc.status_code
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        codes = {400: "bad_request", 403: "permission_denied", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 429: "throttled"}
        message = exc.message
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = _("The request body is not valid JSON.")
        return api.create_response(
            request, body(codes.get(exc.status_code, "error"), message), status=exc.status_code
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, body("not_found", _("Not found.")), status=404)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        # The services' refusals say why; a bare PermissionDenied gets the general sentence.
        return api.create_response(
            request,
            body("permission_denied", str(exc) or _("You do not have permission to do this.")),
            status=403,
        )

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request, exc):
        return api.create_response(
            request, body("bad_request", _("The upload is not a valid multipart form.")),
            status=400,
        )

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return api.create_response(
            request, body("too_large", _("The request is too large.")), status=413
        )

    @api.exception_handler(BadRequest)
    def bad_request(request, exc):
        return api.create_response(
            request, body("bad_request", _("The request could not be understood.")), status=400
        )

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return api.create_response(
            request, body("bad_request", _("The request could not be understood.")), status=400
        )

    @api.exception_handler(Exception)
    def server_error(request, exc):
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(
            request, body("server_error", _("Something went wrong on our side.")), status=500
        )
