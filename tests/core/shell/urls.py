"""The real URLs plus a few views that only the shell tests need (messages and errors)."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect
from django.urls import path

from linli.urls import urlpatterns as linli_urlpatterns


def _with_messages(request):
    messages.success(request, "Saved the work order.")
    messages.error(request, "The SMS could not be sent.")
    return redirect("home")


def _forbidden(request):
    raise PermissionDenied


def _bad_request(request):
    raise BadRequest


def _crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("shell-test/messages/", _with_messages),
    path("shell-test/forbidden/", _forbidden),
    path("shell-test/bad-request/", _bad_request),
    path("shell-test/crash/", _crash),
    *linli_urlpatterns,
]
