"""Imports of directory master data from Excel or CSV (PLAT-7): units, people with their unit
relations, organisations with their contacts.

Each import checks every row before anything is written (lookups are loaded once per community,
not once per row) and writes through the directory's services, so an imported record obeys
exactly the rules of one typed in by hand. Communities are never created by an import: they
must exist in the importing user's scope; a community of another tenant is simply not found.
The exchange framework imports this package on first use; each module registers its import.
"""

from linli.directory.importers import organizations, people, units

__all__ = ["organizations", "people", "units"]
