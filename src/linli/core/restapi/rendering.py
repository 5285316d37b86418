"""How the API writes its answers: JSON with every time in UTC ("…Z").

A row read back from the database carries UTC, but a write answers with the object it wrote
(see "answers" in servicedesk/api/work_orders.py), whose times carry the zone the caller sent
them in. Written out in UTC, both read the same."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class UTCJSONEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and o.tzinfo is not None:
            o = o.astimezone(dt.UTC)
        return super().default(o)


class UTCJSONRenderer(JSONRenderer):
    encoder_class = UTCJSONEncoder
