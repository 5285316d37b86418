"""Reads of the import/export framework."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from linli.core.exchange.models import ImportRun
from linli.core.scope import scope_for


def import_run_list(user) -> QuerySet[ImportRun]:
    """The runs the user may see: every run of the tenant with ``core.view_importrun``, and
    their own uploads in any case (the people who import need no extra permission to follow
    their own runs)."""
    scope = scope_for(user)
    if scope is None:
        return ImportRun.objects.none()
    own = ImportRun.objects.filter(tenant_id=scope.tenant_id, uploaded_by=user)
    return (ImportRun.objects.restrict(user, "view") | own).select_related("uploaded_by")


def import_run_get(user, pk: int) -> ImportRun:
    """One visible run; another tenant's, someone else's without the permission, or a missing
    one is the same 404."""
    return get_object_or_404(import_run_list(user), pk=pk)
