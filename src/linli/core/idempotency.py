"""Stored responses of POSTs sent with an idempotency key (PLAT-11, NFR-4): API calls carry it
in the ``Idempotency-Key`` header (core/restapi/idempotency.py), screen forms in a hidden field
(core/idempotent_forms.py). Both claim the key here, run the request once and keep its answer
for the replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.utils import timezone

MAX_KEY_LENGTH = 200


class IdempotencyRecord(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    # Where a screen form's first answer redirected to (its replay redirects there again).
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


@dataclass(frozen=True)
class Claim:
    """``outcome``: "first" (run the request, then ``complete`` or ``release`` the record),
    "replay" (the record holds the first answer), "busy" (the first request is still running),
    "mismatch" (the key came with another request) or "gone" (no record could be kept: run
    the request unguarded)."""

    outcome: str
    record: IdempotencyRecord | None = None


def claim(user, key: str, method: str, path: str, digest: str) -> Claim:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            return Claim("first", IdempotencyRecord.objects.create(
                user=user, key=key, method=method, path=path, request_hash=digest))
    except IntegrityError:
        earlier = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if earlier is None:
        return Claim("gone")
    if earlier.request_hash != digest:
        return Claim("mismatch", earlier)
    if earlier.status_code is None:
        return Claim("busy", earlier)
    return Claim("replay", earlier)


def complete(record: IdempotencyRecord, response) -> None:
    """Keep ``response`` as the key's answer; a failed (5xx) or streamed one frees the key."""
    if response.status_code >= 500 or getattr(response, "streaming", False):
        release(record)
        return
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=response.status_code,
        response_body=response.content,
        content_type=response.get("Content-Type", "application/json"),
        location=response.get("Location", "")[:500],
    )


def replayed(record: IdempotencyRecord, default_type: str = "application/json") -> HttpResponse:
    """The first answer again, marked ``Idempotent-Replayed``."""
    response = HttpResponse(bytes(record.response_body or b""), status=record.status_code,
                            content_type=record.content_type or default_type)
    response["Idempotent-Replayed"] = "true"
    return response


def release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).delete()
