"""Personal data in templates (PLAT-9): masked by default, revealed on request.

``{% load personal_data %}`` then:

- ``{{ person.phone|mask_phone }}`` → "138****1234"; ``{{ person.id_number|mask_id }}``.
- ``{% reveal_button person "phone" %}`` — the masked value of a registered revealable field
  and, for users holding "See unmasked personal data" at the record, a "Show" button that
  fetches the value through the logged reveal view and puts it in place.
"""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured

from linli.core.personal_data import masking
from linli.core.personal_data.revealable import revealable
from linli.core.personal_data.services import REVEAL_PERMISSION

register = template.Library()


@register.filter
def mask_phone(value) -> str:
    return masking.mask_phone(str(value or ""))


@register.filter
def mask_id(value) -> str:
    return masking.mask_id(str(value or ""))


@register.filter
def mask_name(value) -> str:
    return masking.mask_name(str(value or ""))


@register.inclusion_tag("personal_data/partials/reveal_button.html", takes_context=True)
def reveal_button(context, obj, field: str) -> dict:
    entry = revealable(type(obj), field)
    if entry is None:
        raise ImproperlyConfigured(
            f"{type(obj).__name__}.{field} is not registered with register_revealable()"
        )
    value = getattr(obj, field) or ""
    user = getattr(context.get("request"), "user", None) or context.get("user")
    can_reveal = bool(
        value and user is not None and user.is_authenticated
        and user.has_perm(REVEAL_PERMISSION, obj)
    )
    return {
        "masked": masking.mask_value(str(value), entry.kind),
        "can_reveal": can_reveal,
        "model_label": entry.model_label,
        "pk": obj.pk,
        "field": field,
        "dom_id": f"reveal-{entry.model_label.replace('.', '-')}-{obj.pk}-{field}",
    }
