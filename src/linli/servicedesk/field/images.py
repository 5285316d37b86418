"""Reading what a phone sends: photos (any common format, re-encoded as an upright JPEG
without its metadata, plus a thumbnail) and a signature drawn on a canvas (a PNG data URL).

Errors are ``ValidationError``s on the field that carried the picture; nothing is stored here.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO")
THUMBNAIL_SIZE = (480, 480)
# Long side of the stored photo: enough to read a meter or a crack, a fraction of a raw shot.
STORED_SIDE = 2560
SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_SIDE = 2000
DATA_URL_PREFIX = "data:image/png;base64,"


@dataclass(frozen=True)
class Picture:
    content: bytes
    thumbnail: bytes
    width: int
    height: int


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _size(size: int) -> str:
    """e.g. "12 MB", "2.5 MB", "20 KB"."""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".") + " MB"


def read_photo(upload, field: str = "image") -> Picture:
    """The upload as a stored photo and its thumbnail, or a clear error: empty, too big, not
    a picture, or too many pixels to open safely."""
    limit = settings.LINLI_PHOTO_MAX_BYTES
    if upload is None or not getattr(upload, "size", 0):
        raise _invalid(field, _("Choose a photo to upload."))
    if upload.size > limit:
        raise _invalid(field, _("The photo is %(size)s; at most %(limit)s are accepted.")
                       % {"size": _size(upload.size), "limit": _size(limit)})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
        if kind not in FORMATS:
            raise _invalid(field, _("This kind of picture is not accepted; send a JPEG, PNG "
                                    "or WebP photo."))
        if probe.width * probe.height > settings.LINLI_PHOTO_MAX_PIXELS:
            raise _invalid(field, _("The photo has too many pixels; send a smaller one."))
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError):
        raise _invalid(field, _("This file is not a picture that can be opened; send a "
                                "JPEG, PNG or WebP photo.")) from None
    image.thumbnail((STORED_SIDE, STORED_SIDE))
    stored = _jpeg(image, quality=85)
    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    return Picture(stored, _jpeg(small, quality=75), image.width, image.height)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def read_signature(data_url: str, field: str = "image") -> bytes:
    """The PNG of a signature drawn on the screen, given as a ``data:image/png;base64,`` URL
    (what a canvas gives) or as bare base64; refused when empty, not a PNG, too big or blank."""
    text = (data_url or "").strip()
    if not text:
        raise _invalid(field, _("Ask the customer to sign on the screen first."))
    if text.startswith("data:"):
        if not text.startswith(DATA_URL_PREFIX):
            raise _invalid(field, _("The signature must be a PNG picture."))
        text = text[len(DATA_URL_PREFIX):]
    if len(text) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise _invalid(field, _("The signature picture is too large."))
    try:
        content = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(field, _("The signature could not be read; sign again.")) from None
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != "PNG":
                raise _invalid(field, _("The signature must be a PNG picture."))
            if max(image.size) > SIGNATURE_MAX_SIDE:
                raise _invalid(field, _("The signature picture is too large."))
            image.load()
            blank = _is_blank(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError):
        raise _invalid(field, _("The signature could not be read; sign again.")) from None
    if blank:
        raise _invalid(field, _("The signature is empty; ask the customer to sign."))
    return content


def _is_blank(image: Image.Image) -> bool:
    """Nothing drawn: fully transparent, or one colour all over."""
    if image.mode in ("RGBA", "LA") or "transparency" in image.info:
        return image.convert("RGBA").getchannel("A").getbbox() is None
    extrema = image.convert("L").getextrema()
    return extrema[0] == extrema[1]
