"""Start-up registrations of the directory's search part: its global-search providers."""

from linli.core.modules import SearchProvider, register_search_provider
from linli.directory.selectors import search


def register() -> None:
    """Called once from DirectoryConfig.ready()."""
    for key, permission, provider in (
        ("directory.people", "directory.view_person", search.search_people),
        ("directory.units", "directory.view_unit", search.search_units),
        ("directory.organizations", "directory.view_organization", search.search_organizations),
        ("directory.communities", "directory.view_community", search.search_communities),
    ):
        register_search_provider(SearchProvider(key=key, permission=permission, search=provider))
