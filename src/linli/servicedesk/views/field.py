"""The field worker's page of one order on a phone (SVC-14, journey 3): where to go, the
one-tap moves, the arrival time, photos before and after, materials, a note and the
customer's signature; and the photo and signature files, shown only to those who see the
order.

Every form here carries an idempotency key, so a phone resending a form it is not sure went
through changes nothing twice (core/idempotent_forms.py); static/field.js keeps forms
sent while offline and sends them when the network is back.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.forms import add_service_errors
from linli.core.idempotent_forms import FIELD, idempotent_form
from linli.core.planner import written_join_order
from linli.core.private_files import private_file_response
from linli.servicedesk import selectors, services
from linli.servicedesk.choices import Priority
from linli.servicedesk.field import selectors as field_selectors
from linli.servicedesk.field.forms import MaterialForm, NoteForm, PhotoForm, SignatureForm
from linli.servicedesk.field.models import PhotoStage
from linli.servicedesk.services.field import may_record
from linli.servicedesk.states import Status
from linli.servicedesk.views import queues


def field_context(request, order, **bound) -> dict:
    user = request.user
    with written_join_order():
        row = queues.card_row(user, queues.card_order(user, order))
    return {
        "order": order,
        "row": row,
        "statuses": Status,
        "priorities": Priority,
        "stages": PhotoStage,
        "clocks": selectors.clock_views(order),
        "record": field_selectors.field_record(order),
        "can_record": may_record(user, order),
        "navigation_url": field_selectors.navigation_url(order),
        "photo_form": bound.get("photo") or PhotoForm(),
        "material_form": bound.get("material") or MaterialForm(),
        "note_form": bound.get("note") or NoteForm(),
        "signature_form": bound.get("signature") or SignatureForm(
            initial={"signer_name": order.caller_name}),
        "failed": next(iter(bound.values()), None),
    }


@login_required
def field_order(request, pk):
    order = selectors.work_order_get(request.user, pk)
    return render(request, "servicedesk/field_order.html", field_context(request, order))


def _field_url(order) -> str:
    return reverse("servicedesk:field_order", args=[order.pk]) + "#field-record"


def _write(request, pk, name: str, form_class, service, done: str):
    """Parse the form, call the service, then back to the page — or the page again with the
    form's errors."""
    order = selectors.work_order_get(request.user, pk)
    form = form_class(request.POST, request.FILES)
    form.is_valid()
    try:
        service(order, actor=request.user,
                **{name: form.cleaned_data.get(name) for name in form.fields})
    except ValidationError as exc:
        add_service_errors(form, exc)
        return render(request, "servicedesk/field_order.html",
                      field_context(request, order, **{name: form}), status=422)
    messages.success(request, done)
    return redirect(_field_url(order))


@login_required
@require_POST
@idempotent_form
def field_photo_add(request, pk):
    def add(order, *, actor, stage, image):
        services.photo_add(order, actor=actor, stage=stage, upload=image,
                           client_key=request.POST.get(FIELD, ""))
    return _write(request, pk, "photo", PhotoForm, add, _("Photo added."))


@login_required
@require_POST
@idempotent_form
def field_material_add(request, pk):
    return _write(request, pk, "material", MaterialForm, services.material_add,
                  _("Material recorded."))


@login_required
@require_POST
@idempotent_form
def field_note(request, pk):
    return _write(request, pk, "note", NoteForm, services.work_order_note,
                  _("Note added to the timeline."))


@login_required
@require_POST
@idempotent_form
def field_signature(request, pk):
    return _write(request, pk, "signature", SignatureForm, services.signature_capture,
                  _("Signature saved."))


def _remove(request, pk, find, service, done: str):
    """Remove one entry of the order's field record; a refusal is said on the page."""
    order = selectors.work_order_get(request.user, pk)
    entry = find(order)
    try:
        service(entry, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(_field_url(order))


@login_required
@require_POST
@idempotent_form
def field_photo_remove(request, pk, photo_id):
    return _remove(request, pk, lambda order: field_selectors.photo_of(order, photo_id),
                   services.photo_remove, _("Photo removed."))


@login_required
@require_POST
@idempotent_form
def field_material_remove(request, pk, material_id):
    return _remove(request, pk, lambda order: field_selectors.material_of(order, material_id),
                   services.material_remove, _("Material removed."))


# --- the files ------------------------------------------------------------------------------

@login_required
def work_order_photo(request, pk, photo_id, size="full"):
    order = selectors.work_order_get(request.user, pk)
    photo = field_selectors.photo_of(order, photo_id)
    return private_file_response(
        photo.thumbnail if size == "thumb" else photo.image, "image/jpeg")


@login_required
def work_order_signature(request, pk):
    order = selectors.work_order_get(request.user, pk)
    return private_file_response(field_selectors.signature_of(order).image, "image/png")


urlpatterns = [
    path("mine/<int:pk>/", field_order, name="field_order"),
    path("orders/<int:pk>/field/photos/", field_photo_add, name="field_photo_add"),
    path("orders/<int:pk>/field/photos/<int:photo_id>/remove/", field_photo_remove,
         name="field_photo_remove"),
    path("orders/<int:pk>/field/materials/", field_material_add, name="field_material_add"),
    path("orders/<int:pk>/field/materials/<int:material_id>/remove/", field_material_remove,
         name="field_material_remove"),
    path("orders/<int:pk>/field/note/", field_note, name="field_note"),
    path("orders/<int:pk>/field/signature/", field_signature, name="field_signature"),
    path("orders/<int:pk>/photos/<int:photo_id>/", work_order_photo, name="work_order_photo"),
    path("orders/<int:pk>/photos/<int:photo_id>/thumb/", work_order_photo,
         {"size": "thumb"}, name="work_order_photo_thumb"),
    path("orders/<int:pk>/signature.png", work_order_signature, name="work_order_signature"),
]
