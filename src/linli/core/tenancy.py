"""Tenants and the scoped base models every piece of business data inherits (PLAT-1, PLAT-2).

Tenant data is read through ``Model.objects.restrict(user, action)``: deny by default, rows of
the user's tenant only, and for org-scoped models only rows inside the subtrees of the user's
memberships whose role grants ``<app>.<action>_<model>``. Out of scope and missing look the
same to callers (``get_object_or_404`` on a restricted queryset).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from linli.core.scope import scope_for


class TenantKind(models.TextChoices):
    PROPERTY_COMPANY = "property_company", _("Property-management company")
    DEVELOPER = "developer", _("Real-estate developer")
    VENDOR = "vendor", _("Vendor")
    PLATFORM = "platform", _("Platform operator")


class Tenant(models.Model):
    """A customer company using the platform; owns its data."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=TenantKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows of ``self.model`` the user may ``action`` (view/add/change/delete/approve)."""
        scope = scope_for(user)
        if scope is None:
            return self.none()
        meta = self.model._meta
        permission = f"{meta.app_label}.{action}_{meta.model_name}"
        # One filter() of both conditions: every scoped read goes through here, and each
        # filter() call clones the query.
        where = {"tenant_id": scope.tenant_id}
        if scope.is_tenant_admin:
            return self.filter(**where)
        org_units = scope.org_units_for(permission)
        if org_units is None:
            return self.filter(**where)
        if not org_units:
            return self.none()
        if getattr(self.model, "scope_by_org_unit", False):
            where[f"{self.model.org_unit_field}__in"] = org_units
        return self.filter(**where)


class TenantOwned(models.Model):
    """Business data owned by one tenant. Visible to any member holding the permission."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="+", verbose_name=_("tenant")
    )

    objects = ScopedQuerySet.as_manager()

    scope_by_org_unit = False

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """What every ``get_<field>_display()`` answers. Django rebuilds the field's whole
        choice map on each call, hashing (and so translating) every lazy label; lists and
        exports ask it for every row. The map is made once per field and language here."""
        value = getattr(self, field.attname)
        try:
            return _choice_labels(field, translation.get_language()).get(value, value)
        except TypeError:  # an unhashable value (a JSON field's list): Django's own way
            return super()._get_FIELD_display(field)


@functools.lru_cache(maxsize=1024)
def _choice_labels(field, language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in field.flatchoices}


class OrgScoped(TenantOwned):
    """Business data that also belongs to a node of the tenant's organisation tree."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("organisation unit"),
    )

    scope_by_org_unit = True
    org_unit_field = "org_unit_id"

    class Meta:
        abstract = True


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def tenant_models() -> list[type[models.Model]]:
    """Every concrete model that holds tenant data (used by the scope lint and sweep)."""
    from django.apps import apps

    return [
        m for m in apps.get_models()
        if issubclass(m, TenantOwned) and not m._meta.abstract
        and not m.__name__.startswith("Historical")
    ]
