"""Six sessions of three webinars and three hosts (one without a user id, one session without a
host), for the dashboard's tests: each control moves a known set of them."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from tests.support import records
from webinar_insights import frames

__all__ = [
    "ANN",
    "BO",
    "CY",
    "NOW",
    "RECORDS",
    "REGISTRANTS",
    "ids",
    "record",
    "sessions_frame",
    "utc",
]

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


record = records.session_record  # (host: first, last, user id or None); UTC by default


ANN = ("Ann", "Lee", "u1")
BO = ("Bo", "Chen", "u2")
CY = ("Cy", "Dee", None)  # a host without a linked user: told apart by name

RECORDS = [
    record("s1", start=utc(2026, 3, 2, 9), webinar="w1", host=ANN, delay=2, ran=70, attendees=40),
    # 23:30 UTC on March 8 is 00:30 on March 9 in Berlin: the day depends on the time zone.
    record("s2", start=utc(2026, 3, 8, 23, 30), webinar="w1", host=ANN, delay=8, attendees=30),
    record("s3", start=utc(2026, 3, 15, 10), webinar="w2", host=BO, delay=12, attendees=5),
    record("s4", start=utc(2026, 11, 1, 11), webinar="w2", host=BO, status="Active", delay=1),
    record("s5", start=utc(2026, 11, 20, 15), webinar="w3", host=CY, status="Scheduled"),
    record("s6", start=utc(2026, 4, 1, 15), webinar="w3", host=None, delay=-2, attendees=18),
]
REGISTRANTS = {"s1": 50, "s2": 60, "s3": 40, "s4": 10, "s5": 5, "s6": 20}


def sessions_frame() -> pl.DataFrame:
    return frames.sessions_frame(RECORDS).with_columns(
        registrant_count=pl.col("session_id").replace_strict(
            REGISTRANTS, default=None, return_dtype=pl.Int64
        )
    )


def ids(frame: pl.DataFrame) -> list[str]:
    return sorted(frame.get_column("session_id").to_list())
