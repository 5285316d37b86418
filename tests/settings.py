"""Settings for the test suite: the product's settings with the testing switch on.

The switch must be set before linli.settings is evaluated (it turns on eager Celery tasks),
which a conftest cannot guarantee, so pytest-django loads this module instead.
"""

import os

os.environ.setdefault("LINLI_TESTING", "1")

from linli.settings import *  # noqa: F403
