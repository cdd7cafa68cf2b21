"""Sessions, registrants and participants frames built by hand for the metrics tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from webinar_insights import frames, metrics

__all__ = [
    "BASE",
    "DERIVED",
    "MIN",
    "derived",
    "finished",
    "iso",
    "mixed_sessions",
    "only_derived",
    "participants",
    "person",
    "program",
    "record",
    "registrants",
    "sessions",
    "utc",
]

BASE = datetime(2024, 5, 10, 18, tzinfo=UTC)


MIN = timedelta(minutes=1)


DERIVED = metrics.SESSION_METRICS_COLUMNS


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def record(
    session_id: str,
    status: str = "Finished",
    *,
    webinar: str = "w1",
    host: str | None = "u1",
    host_name: str = "Ann Lee",
    scheduled: datetime = BASE,
    duration: timedelta = 60 * MIN,
    start: datetime | None = None,
    end: datetime | None = None,
    broadcast_start: datetime | None = None,
    broadcast_end: datetime | None = None,
    attendees: int | None = None,
    recording: str | None = None,
    time_zone: str = "UTC",
) -> dict[str, Any]:
    """A history session record; start/end default to the planned values, as the API sends."""
    first, last = host_name.split(" ")
    person: dict[str, Any] = {"firstName": first, "lastName": last}
    if host is not None:
        person["linkedUser"] = {"userId": host}
    found: dict[str, Any] = {
        "id": session_id,
        "status": status,
        "timeZone": time_zone,
        "webinar": {"id": webinar, "title": f"Webinar {webinar}", "host": person},
        "scheduledStartTime": iso(scheduled),
        "scheduledDuration": int(duration.total_seconds()),
        "startTime": iso(start or scheduled),
        "endTime": iso(end or scheduled + duration),
    }
    if broadcast_start is not None:
        found["broadcastingStartTime"] = iso(broadcast_start)
    if broadcast_end is not None:
        found["broadcastingEndTime"] = iso(broadcast_end)
    if attendees is not None:
        found["uniqueAttendeeCount"] = attendees
    if recording is not None:
        found["recording"] = {"status": recording}
    return found


def finished(
    session_id: str,
    *,
    delay: timedelta = timedelta(0),
    ran: timedelta = 60 * MIN,
    scheduled: datetime = BASE,
    **options: Any,
) -> dict[str, Any]:
    """A Finished session that went live ``delay`` after its schedule and ran for ``ran``."""
    went_live = scheduled + delay
    return record(
        session_id,
        scheduled=scheduled,
        broadcast_start=went_live,
        broadcast_end=went_live + ran,
        **options,
    )


def sessions(
    *records: dict[str, Any], registrant_counts: dict[str, int] | None = None
) -> pl.DataFrame:
    """The sessions frame of ``records``; ``registrant_counts`` as the store would fill them."""
    frame = frames.sessions_frame(records)
    if registrant_counts is not None:
        frame = frame.with_columns(
            registrant_count=pl.col("session_id").replace_strict(
                registrant_counts, default=None, return_dtype=pl.Int64
            )
        )
    return frame


def registrants(session_id: str, *people: dict[str, Any]) -> pl.DataFrame:
    return frames.registrants_frame(people, session_id=session_id)


def participants(session_id: str, *people: dict[str, Any], webinar_id: str = "w1") -> pl.DataFrame:
    return frames.participants_frame(people, session_id=session_id, webinar_id=webinar_id)


def person(
    participant_id: str,
    joined: datetime | None,
    left: datetime | None,
    *,
    role: str = "Attendee",
    registrant_id: str | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {"id": participant_id, "role": role}
    if joined is not None:
        found["joinTime"] = iso(joined)
    if left is not None:
        found["leaveTime"] = iso(left)
    if registrant_id is not None:
        found["registrantId"] = registrant_id
    return found


def derived(frame: pl.DataFrame, **columns: list[Any]) -> pl.DataFrame:
    """Expected derived columns: the given ones, every other one null."""
    rows = frame.height
    return pl.DataFrame(
        {name: columns.get(name, [None] * rows) for name in DERIVED.names()}, schema=DERIVED
    )


def only_derived(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(DERIVED.names())


def mixed_sessions() -> pl.DataFrame:
    return sessions(
        finished("s1", delay=2 * MIN, ran=63 * MIN, attendees=7),
        record("s2", "Scheduled"),
        record("s3", "Active", broadcast_start=BASE + 9 * MIN),
        record("s4", start=BASE - MIN, end=BASE + 50 * MIN, attendees=0),
        finished("s5", delay=-MIN, attendees=4),
        registrant_counts={"s1": 10, "s2": 5, "s3": 3, "s4": 0, "s5": 2},
    )


def program() -> pl.DataFrame:
    """Two webinars, three hosts; every number below is computed by hand in the tests."""
    day = timedelta(days=1)
    return metrics.session_metrics(
        sessions(
            finished("s1", delay=2 * MIN, ran=60 * MIN, attendees=10, host="u1"),
            finished(
                "s2",
                delay=10 * MIN,
                ran=90 * MIN,
                attendees=30,
                host="u1",
                scheduled=BASE + 7 * day,
            ),
            record("s3", "Scheduled", host="u2", scheduled=BASE + 30 * day),
            finished(
                "s4",
                webinar="w2",
                delay=timedelta(0),
                ran=30 * MIN,
                attendees=5,
                host=None,
                host_name="Bo Kim",
            ),
            record(
                "s5",
                "Active",
                webinar="w2",
                broadcast_start=BASE - MIN,
                host=None,
                host_name="Cy Ng",
            ),
            finished("s6", webinar="w2", delay=6 * MIN, ran=45 * MIN, attendees=8, host="u2"),
            registrant_counts={"s1": 100, "s2": 50, "s3": 20, "s4": 0, "s5": 40},
        )
    )
