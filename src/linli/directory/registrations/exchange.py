"""Start-up registrations of the directory's exchange part.

Nothing is registered here: the imports register themselves from ``directory/importers`` when
the exchange framework first looks for them, and the Statistics menu item is listed with the
directory's other items in registrations/property.py.
"""


def register() -> None:
    """Called once from DirectoryConfig.ready()."""
