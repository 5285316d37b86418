import pytest

from linli.core.calendar import selectors, working

# The tests were written against chinesecalendar's notices for 2004–2026 and use 2027 as "a
# year without an official schedule". Pin the package's knowledge to those years so the tests
# stay exact when a newer package release learns 2027.
KNOWN_UNTIL = 2026


@pytest.fixture(autouse=True)
def _package_knows_until_2026(monkeypatch):
    years = frozenset(y for y in working.PACKAGE_YEARS if y <= KNOWN_UNTIL)
    days = {d: e for d, e in working.PACKAGE_DAYS.items() if d.year <= KNOWN_UNTIL}
    monkeypatch.setattr(working, "PACKAGE_YEARS", years)
    monkeypatch.setattr(working, "PACKAGE_DAYS", days)
    monkeypatch.setattr(selectors, "PACKAGE_YEARS", years)
    selectors.forget_calendars()
    yield
    selectors.forget_calendars()
