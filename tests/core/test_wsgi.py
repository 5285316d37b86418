"""The WSGI entry point gunicorn serves (docs/operations.md)."""

import subprocess
import sys


def test_start_up_objects_are_kept_out_of_the_collectors_walks():
    probe = ("import gc, linli.wsgi; "
             "from django.urls import get_resolver; "
             "print(gc.get_freeze_count() > 100_000, callable(linli.wsgi.application))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env={"DJANGO_SETTINGS_MODULE": "linli.settings",
                                           "PATH": "/usr/bin:/bin", "LINLI_TESTING": "1"})
    assert done.stdout.split() == ["True", "True"]
