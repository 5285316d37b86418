"""Fixtures shared by the outreach tests."""

import pytest


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploads (editions' documents, import files) into a media folder of this test alone."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}


@pytest.fixture
def inline_imports(settings, private_media):
    """Uploads kept in a temporary media folder, and imports written at once (not by a job)."""
    settings.IMPORT_BACKGROUND_ROWS = 100_000
