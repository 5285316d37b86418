"""Pictures for the demo's field records: a photo of a wall with a damp stain and a signature
stroke, drawn here so the demo needs no image files. Each is fixed by ``seed``."""

from __future__ import annotations

import base64
import io
import math
import random

from PIL import Image, ImageDraw


def demo_photo(seed: int) -> io.BytesIO:
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    image = Image.new("RGB", (960, 720), (226, 222, 212))
    draw = ImageDraw.Draw(image)
    for y in range(0, 720, 90):  # tiles
        draw.line([(0, y), (960, y)], fill=(200, 196, 186), width=3)
    cx, cy = rng.randint(300, 660), rng.randint(200, 520)
    for ring in range(6, 0, -1):
        r = ring * rng.randint(18, 26)
        shade = 150 + ring * 10
        draw.ellipse([cx - r, cy - r * 0.7, cx + r, cy + r * 0.7], fill=(shade, shade - 12, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    out.seek(0)
    out.name = "photo.jpg"
    out.size = len(out.getvalue())
    return out


def demo_signature(seed: int) -> str:
    """A signature stroke as a canvas gives it: a PNG data URL."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    phase, height = rng.random() * math.pi, rng.randint(20, 40)
    points = [(40 + x * 4, 80 + height * math.sin(phase + x / 6) * math.cos(x / 23))
              for x in range(100)]
    draw.line(points, fill=(20, 20, 60, 255), width=4, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
