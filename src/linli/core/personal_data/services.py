"""Writes of personal data handling (PLAT-9): revealing a masked value and logging access."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from linli.core.personal_data.models import AccessAction, AccessLog
from linli.core.personal_data.revealable import revealable
from linli.core.request_context import current

REVEAL_PERMISSION = "core.reveal_personal_data"


def _signed_in(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and bool(
        getattr(actor, "tenant_id", None)
    )


def access_log_write(
    *, actor, action: str, subject: models.Model | None = None, field: str = "",
    label: str = "", ip: str | None = None, note: str = "",
) -> AccessLog:
    """Record one access to personal data by ``actor`` (an export, an erasure, a reveal).

    Called inside the caller's transaction, so the log row and the access stand or fall
    together. ``subject`` may be None for an export of many records (describe it in ``note``).
    """
    if not _signed_in(actor):
        raise PermissionDenied(_("Sign in to work with personal data."))
    if action not in AccessAction.values:
        raise ValidationError({"action": [_("Unknown access action.")]})
    if subject is not None and getattr(subject, "tenant_id", actor.tenant_id) != actor.tenant_id:
        raise PermissionDenied(_("You do not have permission to do this."))
    context = current()
    return AccessLog.objects.create(
        tenant_id=actor.tenant_id,
        user=actor,
        action=action,
        subject_type=(
            ContentType.objects.get_for_model(subject, for_concrete_model=False)
            if subject is not None else None
        ),
        subject_id=str(subject.pk) if subject is not None else "",
        subject_label=(label or (str(subject) if subject is not None else ""))[:200],
        field=field[:64],
        ip=ip or context.ip,
        channel=context.channel,
        note=note[:255],
    )


@transaction.atomic
def reveal(*, actor, model_label: str, pk, field: str, ip: str | None = None) -> str:
    """The unmasked value of ``field`` on one object, after logging the access.

    Refusals: a field nobody registered as revealable → ValidationError; an object outside
    the actor's scope or missing → Http404; no reveal permission at the object → PermissionDenied.
    """
    if not _signed_in(actor):
        raise PermissionDenied(_("Sign in to work with personal data."))
    entry = revealable(model_label or "", field or "")
    if entry is None:
        raise ValidationError({"field": [_("This field cannot be revealed.")]})
    try:
        obj = entry.visible_to(actor).get(pk=pk)
    except (entry.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        # A malformed id is as unknown as a missing one.
        raise Http404(_("Not found.")) from exc
    if not actor.has_perm(REVEAL_PERMISSION, obj):
        raise PermissionDenied(_("You do not have permission to see unmasked personal data."))
    access_log_write(actor=actor, action=AccessAction.REVEAL, subject=obj, field=field, ip=ip)
    value = getattr(obj, field)
    return "" if value is None else str(value)
