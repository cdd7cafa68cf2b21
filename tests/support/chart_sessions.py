"""The small program of sessions the chart tests draw, its people, and a synthetic large one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import altair as alt
import polars as pl

from tests.support import records
from tests.support.records import iso
from webinar_insights import charts, frames, metrics

__all__ = [
    "BUILDERS",
    "NOW",
    "RECORDS",
    "REGISTRANTS",
    "SESSION_CHARTS",
    "participants",
    "registrants",
    "session_record",
    "utc",
    "with_registrants",
]

NOW = datetime(2024, 5, 10, 9, 0, tzinfo=UTC)


def session_record(sid: str, **options: Any) -> dict[str, Any]:
    """``records.session_record`` with the chart tests' default zone: Europe/Berlin."""
    options.setdefault("zone", "Europe/Berlin")
    return records.session_record(sid, **options)


def with_registrants(sessions: pl.DataFrame, counts: Mapping[str, int]) -> pl.DataFrame:
    """Fill registrant_count as the store does once registrants were fetched."""
    return sessions.with_columns(
        registrant_count=pl.col("session_id").replace_strict(
            dict(counts), default=None, return_dtype=pl.Int64
        )
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


RECORDS = [
    # Mon 10:00 in Berlin (CEST); 2 min late; ran 65 of 60 min; 40 of 50 registrants came.
    session_record("s1", start=utc(2024, 5, 6, 8), delay=2, ran=65, attendees=40),
    # Wed 10:00 in New York (EDT); 12 min late; 30 of 60.
    session_record(
        "s2", start=utc(2024, 5, 8, 14), delay=12, ran=55, attendees=30, zone="America/New_York"
    ),
    # Early start, no registrants: no attendance rate.
    session_record(
        "s3", start=utc(2024, 5, 9, 9), minutes=30, delay=-3, host=("Bob", "Ray", "u2"), zone="UTC"
    ),
    # Live right now.
    session_record(
        "s4",
        start=utc(2024, 5, 10, 8),
        status="Active",
        delay=6,
        runtime="Live",
        host=("Bob", "Ray", "u2"),
    ),
    # In the future.
    session_record(
        "s5", start=utc(2024, 5, 20, 1), status="Scheduled", host=None, zone="Asia/Tokyo"
    ),
    # Walk-ins: 22 attendees for 20 registrants (a rate above 1 is kept).
    session_record(
        "s6", start=utc(2024, 5, 13, 8), attendees=22, host=("Cy", "Ng", "u3"), webinar="w2"
    ),
]


REGISTRANTS = {"s1": 50, "s2": 60, "s3": 0, "s4": 10, "s5": 5, "s6": 20}


# Every chart, built from the small program (those from metrics outputs build them here too).
def participants(sessions: pl.DataFrame) -> pl.DataFrame:
    start = utc(2024, 5, 6, 8, 2)  # s1 went live

    def person(n: int, join: int, leave: int | None) -> dict[str, Any]:
        record = {
            "id": f"p{n}",
            "role": "Attendee",
            "type": "User",
            "registrantId": f"r{n}",
            "joinTime": iso(start + timedelta(minutes=join)),
        }
        if leave is not None:
            record["leaveTime"] = iso(start + timedelta(minutes=leave))
        return record

    people = [person(1, 0, 65), person(2, 0, 30), person(3, 10, 65), person(4, -5, 5)]
    return frames.participants_frame(people, session_id="s1", webinar_id="w1")


def registrants() -> pl.DataFrame:
    def person(n: int, days_before: float, attended: bool) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": f"r{n}",
            "registrationTime": iso(utc(2024, 5, 6, 8, 2) - timedelta(days=days_before)),
        }
        if attended:
            record["participantId"] = f"p{n}"
        return record

    people = [person(1, 10, True), person(2, 3.5, True), person(3, 0.2, True), person(4, 1, False)]
    people.append(person(5, -0.01, False))  # registered after the start
    return frames.registrants_frame(people, session_id="s1")


BUILDERS: dict[str, Callable[[pl.DataFrame], alt.TopLevelMixin]] = {
    "attendance_rate": charts.attendance_rate_chart,
    "start_delay": lambda s: charts.start_delay_chart(s, min_sessions=1),
    "status_timeline": lambda s: charts.status_timeline_chart(s, now=NOW),
    "weekday_hour": charts.weekday_hour_chart,
    "overrun": charts.overrun_chart,
    "retention": lambda s: charts.retention_chart(metrics.retention_curve(participants(s), s)),
    "registration_funnel": lambda s: charts.registration_funnel_chart(
        metrics.registration_funnel(s, registrants(), participants(s))
    ),
    "registration_lead_time": lambda s: charts.registration_lead_time_chart(
        metrics.registration_lead_time(registrants(), s)
    ),
}


SESSION_CHARTS = ["attendance_rate", "start_delay", "status_timeline", "weekday_hour", "overrun"]
