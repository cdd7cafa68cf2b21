"""Small sessions frames for report and dashboard tests: API-shaped records through the public
frame builder, a clean program and one whose titles and host names attack the document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl

from tests.support import records
from webinar_insights import frames
from webinar_insights.report import Report, build_report

__all__ = [
    "FORMULA",
    "IMG",
    "NOW",
    "PWNED",
    "REPORT_DEFAULTS",
    "hostile_sessions",
    "record",
    "small_sessions",
    "with_registrants",
]

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
PWNED = "</script><script>window.__pwned = 1</script>"
IMG = '<img src=x onerror="window.__pwned = 2">'
FORMULA = '=HYPERLINK("https://evil.invalid","click")'


REPORT_DEFAULTS: dict[str, Any] = {
    "webinar_title": "Product Update",
    "delay": 2,
    "ran": 60,
    "attendees": 40,
    "panel": 2,
    "host": ("Ada", "Lovelace", "u1"),
    "recording": "Available",
    "zone": "Europe/Berlin",
    "created_days_before": 20,
}


def record(sid: str, **options: Any) -> dict[str, Any]:
    """``records.session_record`` with this module's defaults (``ran``: the actual minutes)."""
    return records.session_record(sid, **{**REPORT_DEFAULTS, **options})


def with_registrants(sessions: pl.DataFrame, counts: dict[str, int]) -> pl.DataFrame:
    return sessions.with_columns(
        registrant_count=pl.col("session_id").replace_strict(
            counts, default=None, return_dtype=pl.Int64
        )
    )


def small_sessions() -> pl.DataFrame:
    """Eight sessions of three webinars in October 2026 and two in the September before."""
    day = datetime(2026, 10, 5, 15, tzinfo=UTC)
    records = [
        record("s1", start=day, attendees=40),
        record("s2", start=day + timedelta(days=7), delay=12, attendees=35),
        record("s3", start=day + timedelta(days=14), ran=95, attendees=5),
        record(
            "s4",
            start=day + timedelta(days=2),
            webinar="w2",
            webinar_title="Security Clinic",
            host=("Grace", "Hopper", "u2"),
            attendees=60,
            recording="Failed",
        ),
        record(
            "s5",
            start=day + timedelta(days=9),
            webinar="w2",
            webinar_title="Security Clinic",
            host=("Grace", "Hopper", "u2"),
            attendees=0,
        ),
        record(
            "s6",
            start=day + timedelta(days=16),
            webinar="w3",
            webinar_title="Town Hall",
            host=("Linus", "T", "u3"),
            status="Active",
        ),
        record(
            "s7",
            start=datetime(2026, 11, 20, 16, tzinfo=UTC),
            webinar="w3",
            webinar_title="Town Hall",
            host=("Linus", "T", "u3"),
            status="Scheduled",
        ),
        record("p1", start=datetime(2026, 9, 8, 15, tzinfo=UTC), attendees=30),
        record("p2", start=datetime(2026, 9, 15, 15, tzinfo=UTC), delay=1, attendees=20),
    ]
    counts = {"s1": 50, "s2": 50, "s3": 40, "s4": 80, "s5": 30, "p1": 60, "p2": 25}
    return with_registrants(frames.sessions_frame(records), counts)


def hostile_sessions() -> pl.DataFrame:
    """Sessions whose titles and host names try to run script or spreadsheet formulas."""
    day = datetime(2026, 10, 5, 15, tzinfo=UTC)
    records = [
        record("h1", start=day, webinar_title=PWNED, title=IMG, attendees=30),
        record(
            "h2",
            start=day + timedelta(days=7),
            webinar="w2",
            webinar_title=FORMULA,
            title="Line\u2028separator & <b>bold</b>",
            host=("Eve", "<b>Evil</b>", "u2"),
            attendees=25,
        ),
        record(
            "h3", start=day + timedelta(days=14), webinar_title=PWNED, title=PWNED, attendees=10
        ),
    ]
    return with_registrants(frames.sessions_frame(records), {"h1": 40, "h2": 40, "h3": 40})


PROVENANCE: dict[str, Any] = {
    "syncs": [
        {
            "started": "2026-11-01T11:58:00+00:00",
            "finished": "2026-11-01T11:59:30+00:00",
            "start": "2026-08-01T00:00:00+00:00",
            "end": "2026-12-01T00:00:00+00:00",
            "depth": "sessions",
            "requests": 42,
        }
    ],
    "windows": [
        {"window": "company/2026-09", "listed_at": "2026-11-01T11:58:10+00:00"},
        {"window": "company/2026-10", "listed_at": "2026-11-01T11:58:20+00:00"},
        {"window": "company/2026-11", "listed_at": "2026-11-01T11:58:30+00:00"},
    ],
}


def small_report(**options: Any) -> Report:
    """The report of :func:`small_sessions`: October 2026 in Europe/Berlin, synced as
    :data:`PROVENANCE` says."""
    return build_report(
        small_sessions(),
        start="2026-10-01",
        end="2026-10-31",
        time_zone="Europe/Berlin",
        now=NOW,
        provenance=PROVENANCE,
        **options,
    )
