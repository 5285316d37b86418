"""The registry of personal-data fields that may be revealed unmasked (PLAT-9).

Modules register their fields in AppConfig.ready(), e.g.
``register_revealable("directory.Person", "phone", kind="phone")``. Only registered fields can
be revealed, and each reveal looks the object up inside the viewer's scope: through
``Model.objects.restrict(actor, "view")`` for tenant models, or through the ``queryset``
callable given at registration for models without a scoped manager (accounts.User).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from linli.core.personal_data.masking import KINDS


@dataclass(frozen=True)
class Revealable:
    model_label: str  # "app_label.modelname", lowercase
    field: str
    kind: str
    queryset: Callable[[object], models.QuerySet] | None = None

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def visible_to(self, actor) -> models.QuerySet:
        """The objects ``actor`` may view, where the revealed object must be found."""
        if self.queryset is not None:
            return self.queryset(actor)
        manager = self.model._default_manager
        if not hasattr(manager, "restrict"):
            raise ImproperlyConfigured(
                f"{self.model_label} has no scoped manager; register it with a queryset"
            )
        return manager.restrict(actor, "view")


_registry: dict[tuple[str, str], Revealable] = {}


def _label(model: type[models.Model] | str) -> str:
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


def register_revealable(
    model: type[models.Model] | str, field: str, kind: str = "phone",
    queryset: Callable[[object], models.QuerySet] | None = None,
) -> Revealable:
    """Declare ``model.field`` as personal data of ``kind`` ("phone", "id" or "name").

    ``queryset(actor)`` is needed only for models without ``objects.restrict``. Registering
    the same field again replaces the entry, so repeated ready() calls are harmless.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    entry = Revealable(model_label=_label(model), field=field, kind=kind, queryset=queryset)
    _registry[(entry.model_label, field)] = entry
    return entry


def revealable(model: type[models.Model] | str, field: str) -> Revealable | None:
    return _registry.get((_label(model), field))


def revealable_fields() -> list[Revealable]:
    return sorted(_registry.values(), key=lambda r: (r.model_label, r.field))
