"""Fail when a user-visible string has no Simplified Chinese translation (PLAT-10).

Refreshes the zh_Hans catalogue from the source (Django's makemessages, which needs GNU
gettext's xgettext), then lists every message that is untranslated or marked fuzzy.
"""

import contextlib
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LOCALE = "zh_Hans"


class Command(BaseCommand):
    help = "Refresh the zh_Hans catalogue and fail on untranslated or fuzzy messages."

    def handle(self, *args, **options):
        source = Path(settings.BASE_DIR)
        with contextlib.chdir(source):  # makemessages scans the current directory
            call_command("makemessages", locale=[LOCALE], no_obsolete=True,
                         ignore_patterns=["static/*"], add_location="file", verbosity=0)
        po_path = source / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALE)
        missing = [
            message.id if isinstance(message.id, str) else message.id[0]
            for message in catalog
            if message.id and (message.fuzzy or not _translated(message.string))
        ]
        if missing:
            listing = "\n".join(f"  {m!r}" for m in missing)
            raise CommandError(
                f"{len(missing)} messages lack a zh_Hans translation in {po_path}:\n{listing}"
            )
        self.stdout.write(f"Translations: {len(catalog)} messages, all translated.")


def _translated(value) -> bool:
    return all(value) if isinstance(value, tuple) else bool(value)
