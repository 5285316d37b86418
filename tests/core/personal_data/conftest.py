from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

import linli.core

# Templates live next to each part's code (core/<part>/templates); base.html includes some of
# them (the notification bell, export buttons), so all of those folders are added.
PART_TEMPLATE_DIRS = sorted(Path(linli.core.__file__).parent.glob("*/templates"))


@pytest.fixture(autouse=True)
def _part_templates(settings):
    # Until the project settings list the per-part template folders, add them for the tests.
    try:
        get_template("personal_data/search.html")
    except TemplateDoesNotExist:
        engine = dict(settings.TEMPLATES[0])
        engine["DIRS"] = [*engine["DIRS"], *PART_TEMPLATE_DIRS]
        settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]

