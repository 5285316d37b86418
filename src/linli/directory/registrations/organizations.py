"""Start-up registrations of the directory's organizations part: contacts' phones as personal
data that may be revealed (looked up through the viewer's scope on Contact)."""

from linli.core.personal_data.revealable import register_revealable


def register() -> None:
    """Called once from DirectoryConfig.ready()."""
    register_revealable("directory.Contact", "mobile", kind="phone")
    register_revealable("directory.Contact", "landline", kind="phone")
