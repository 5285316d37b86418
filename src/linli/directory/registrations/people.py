"""Start-up registrations of the directory's people part: ID numbers and phones as personal data
that may be revealed (a phone is found through its person's scope), and unit-relation starts
and ends on the timelines of people and units."""

from linli.core.personal_data.revealable import register_revealable
from linli.core.timeline import register_timeline_provider
from linli.directory.selectors.people import phones_visible_to, relation_timeline


def register() -> None:
    """Called once from DirectoryConfig.ready()."""
    register_revealable("directory.Person", "id_number", kind="id")
    register_revealable("directory.PersonPhone", "number", kind="phone",
                        queryset=phones_visible_to)
    register_timeline_provider("directory.unit_relations", relation_timeline)
