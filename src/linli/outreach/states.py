"""State machines of partner outreach, as tables: from → the states it may move to. Each is
applied by one transition service (``services.review_transition``,
``services.content_transition``); nothing else changes these states."""

from linli.outreach.choices import ContentStatus, ReviewPhase

# A company's contact correction (OUT-3): sort and correct → verify → in use. A company whose
# corrections were rejected at verification goes back to be corrected again; a company in use
# is reopened when its contacts turn out wrong again (the monthly update, the spot check).
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewPhase.SORT_CORRECT: {ReviewPhase.VERIFY},
    ReviewPhase.VERIFY: {ReviewPhase.IN_USE, ReviewPhase.SORT_CORRECT},
    ReviewPhase.IN_USE: {ReviewPhase.SORT_CORRECT},
}

# A content calendar entry (OUT-8): planned → drafted → reviewed → published; review may send
# a draft back; a published entry is final.
CONTENT_TRANSITIONS: dict[str, set[str]] = {
    ContentStatus.PLANNED: {ContentStatus.DRAFTED},
    ContentStatus.DRAFTED: {ContentStatus.REVIEWED, ContentStatus.PLANNED},
    ContentStatus.REVIEWED: {ContentStatus.PUBLISHED, ContentStatus.DRAFTED},
    ContentStatus.PUBLISHED: set(),
}
