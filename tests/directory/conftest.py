"""Fixtures of the directory's tests."""

# Uploaded import files go to a throwaway folder: the autouse fixture of the import engine's
# own tests, for every directory test.
from tests.core.exchange.conftest import _media  # noqa: F401
