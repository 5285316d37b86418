"""Fixtures shared by the outreach tests."""

import pytest


@pytest.fixture
def inline_imports(settings, tmp_path):
    """Uploads kept in a temporary media folder, and imports written at once (not by a job)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}
    settings.IMPORT_BACKGROUND_ROWS = 100_000
