"""Serving a stored file that only some users may see (photos of homes, signatures): the
caller has checked the right; the answer may be kept by this browser, never by a shared
cache."""

from django.http import FileResponse, Http404


def private_file_response(stored, content_type: str) -> FileResponse:
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
