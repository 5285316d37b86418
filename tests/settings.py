"""Settings for the test suite: the product's settings with the testing switch on.

The switch must be set before linli.settings is evaluated (it turns on eager Celery tasks),
which a conftest cannot guarantee, so pytest-django loads this module instead.
"""

import os
import tempfile

os.environ.setdefault("LINLI_TESTING", "1")

from linli.settings import *  # noqa: F403

# Uploaded files (imports, field photos) go to a folder of this test run, not to var/media.
STORAGES = {**STORAGES, "default": {  # noqa: F405
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": tempfile.mkdtemp(prefix="linli-test-media-")}}}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
