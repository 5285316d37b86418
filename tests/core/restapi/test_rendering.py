"""The API writes every time in UTC, whichever zone the value carries."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

from linli.core.restapi.rendering import UTCJSONEncoder


def _dumped(value) -> str:
    return json.loads(json.dumps({"at": value}, cls=UTCJSONEncoder))["at"]


def test_a_time_in_shanghai_is_written_in_utc():
    shanghai = dt.datetime(2026, 10, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert _dumped(shanghai) == "2026-10-01T01:30:00Z"
    assert _dumped(shanghai.astimezone(dt.UTC)) == "2026-10-01T01:30:00Z"


def test_dates_and_times_without_a_zone_are_written_as_they_are():
    assert _dumped(dt.date(2026, 10, 1)) == "2026-10-01"
    assert _dumped(dt.datetime(2026, 10, 1, 9, 30)) == "2026-10-01T09:30:00"
