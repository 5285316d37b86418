"""The import wizard: upload → check (preview with per-row errors) → confirm → result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.exchange.choices import ImportStatus
from linli.core.exchange.exports import export_response
from linli.core.exchange.forms import ImportUploadForm
from linli.core.exchange.imports import (
    ERROR_COLUMNS,
    get_importer,
    importers_for,
    template_response,
)
from linli.core.exchange.models import ImportRun
from linli.core.exchange.selectors import import_run_get, import_run_list
from linli.core.exchange.services import import_confirm, import_upload
from linli.core.jobs.selectors import job_list
from linli.core.scoped_views import ScopedDetailView, ScopedListView

ERRORS_PER_PAGE = 50


def _usable_importer(user, key: str):
    definition = get_importer(key)
    if not user.has_perm(definition.permission):
        raise PermissionDenied(_("You do not have permission to run this import."))
    return definition


def _definition_of(run):
    """The run's import, or None when the code that defined it is gone (an old run)."""
    try:
        return get_importer(run.definition)
    except Http404:
        return None


class ImportRunListView(ScopedListView):
    model = ImportRun
    template_name = "exchange/run_list.html"
    context_object_name = "runs"

    def get_scoped_queryset(self):
        return import_run_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importers"] = importers_for(self.request.user)
        for run in context["runs"]:
            definition = _definition_of(run)
            run.definition_name = definition.name if definition else run.definition
        return context


class _RunDetailView(ScopedDetailView):
    model = ImportRun
    context_object_name = "run"

    def get_scoped_queryset(self):
        return import_run_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object
        definition = _definition_of(run)
        context["definition"] = definition
        context["columns"] = definition.columns if definition else []
        context["may_import"] = bool(
            definition and self.request.user.has_perm(definition.permission)
        )
        context["errors_page"] = Paginator(run.errors, ERRORS_PER_PAGE).get_page(
            self.request.GET.get("errors_page")
        )
        context["preview_rows"] = [
            [row.get(c.key, "") for c in context["columns"]] for row in run.preview
        ]
        context["job"] = (
            job_list(self.request.user).filter(pk=run.job_id).first() if run.job_id else None
        )
        return context


class ImportPreviewView(_RunDetailView):
    """The dry-run outcome: counts, the error table (paged, htmx), the first valid rows."""

    template_name = "exchange/preview.html"

    def get_template_names(self):
        if self.request.htmx and "errors_page" in self.request.GET:
            return ["exchange/partials/errors_table.html"]
        return [self.template_name]


class ImportResultView(_RunDetailView):
    template_name = "exchange/result.html"


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, key: str):
    definition = _usable_importer(request.user, key)
    bound = request.method == "POST"
    form = ImportUploadForm(request.POST if bound else None, request.FILES if bound else None)
    if bound and form.is_valid():
        try:
            run = import_upload(
                actor=request.user, key=key, upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if run.status == ImportStatus.VALIDATED:
                return redirect("exchange:preview", pk=run.pk)
            return redirect("exchange:result", pk=run.pk)
    return render(request, "exchange/upload.html", {"definition": definition, "form": form})


@login_required
@require_POST
def confirm(request, pk: int):
    run = import_run_get(request.user, pk)
    try:
        run = import_confirm(actor=request.user, run=run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("exchange:preview", pk=run.pk)
    return redirect("exchange:result", pk=run.pk)


@login_required
@require_GET
def template(request, key: str):
    return template_response(_usable_importer(request.user, key))


@login_required
@require_GET
def errors(request, pk: int):
    run = import_run_get(request.user, pk)
    return export_response(run.errors, ERROR_COLUMNS, _("import-errors-%(id)s") % {"id": run.pk},
                           "xlsx")
