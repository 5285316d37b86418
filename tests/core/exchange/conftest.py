import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from linli.celery import app as celery_app
from linli.core.exchange import imports


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # Uploaded files go to a throwaway folder, not var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
    }


@pytest.fixture(autouse=True)
def _eager_tasks():
    # LINLI_TESTING makes tasks eager only when set before the settings load (``make test``);
    # a bare pytest run loads them first, so background imports are made eager here.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def register(monkeypatch):
    """Register an import definition for one test only."""
    imports._registry()

    def add(key, definition):
        monkeypatch.setitem(imports._importers, key, definition)
        definition.key = key
        return definition

    return add


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_upload(rows: list[list], name: str = "users.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def csv_upload(rows: list[list], name: str = "users.csv",
               encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding))
