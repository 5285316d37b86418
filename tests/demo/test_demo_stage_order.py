"""The demo's stages run in one order, whichever of their modules was imported first."""

import subprocess
import sys

from linli.demo.generator import STAGE_ORDER

PROBE = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
django.setup()
import bench.generate  # imports the sales stage modules for their helpers, before the others
from linli.demo.generator import stages
print(" ".join(name for name, _stage in stages()))
"""


def test_stages_run_in_their_order_even_when_a_later_one_was_imported_first():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin", "LINLI_TESTING": "1"})
    assert done.stdout.split() == list(STAGE_ORDER)
