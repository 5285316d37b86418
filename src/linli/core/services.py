"""Writes of the platform core that belong to no sub-package."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@transaction.atomic
def user_language_set(*, actor, user, language: str):
    """Save the interface language a user chose for themselves (PLAT-10)."""
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        # Administrators change other users' details on the accounts screens, not here.
        raise PermissionDenied(_("You can only change your own language."))
    if language not in language_codes():
        raise ValidationError({"language": [_("Choose one of the offered languages.")]})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
