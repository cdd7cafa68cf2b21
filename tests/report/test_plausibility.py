"""Impossible values are data problems: listed in the notes, left out of every figure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl

from tests.support.report_sessions import NOW, record, with_registrants
from webinar_insights import frames, metrics
from webinar_insights.report import build_report


def _sessions() -> pl.DataFrame:
    day = datetime(2026, 10, 5, 15, tzinfo=UTC)
    rows = [
        record("good1", start=day, attendees=40, panel=2),
        record("good2", start=day + timedelta(days=1), attendees=10, panel=2),
        record("neg", start=day + timedelta(days=2), attendees=30, panel=2),
        record("more", start=day + timedelta(days=3), attendees=30, panel=2),
        record("long", start=day + timedelta(days=4), attendees=30, panel=2),
    ]
    counts = {"good1": 50, "good2": 50, "neg": 40, "more": 40, "long": 40}
    frame = with_registrants(frames.sessions_frame(rows), counts)
    sid = pl.col("session_id")
    return frame.with_columns(
        unique_attendee_count=pl.when(sid == "neg")
        .then(-521_913_680)
        .when(sid == "more")
        .then(500)
        .otherwise(pl.col("unique_attendee_count")),
        broadcast_end=pl.when(sid == "long")
        .then(pl.col("broadcast_start") + timedelta(hours=20))
        .otherwise(pl.col("broadcast_end")),
    )


def test_impossible_values_are_listed_and_left_out_of_the_rates() -> None:
    built = build_report(_sessions(), start="2026-10-01", end="2026-10-31", now=NOW)
    notes = "\n".join(built.notes)
    assert (
        "Data problem, left out of every figure: negative unique attendee count in 1 session (neg)."
        in notes
    )
    assert "more unique attendees than unique participants in 1 session (more)" in notes
    assert (
        "broadcast end before broadcast start or more than 12 h after it in 1 session (long)"
        in notes
    )
    # neg and more are left out of the attendance rate; long's counts are fine (its broadcast end
    # is not: its duration falls back to the API's end time): (40 + 10 + 30) / (50 + 50 + 40).
    assert built.kpis["attendance_rate"] == 80 / 140
    assert built.kpis["unique_attendees"] == 40 + 10 + 30
    assert built.kpis["mean_actual_duration_min"] == 60.0
    document = built.to_html()
    assert "-521" not in document and "(neg)" in document


def test_implausible_lists_people_problems_too() -> None:
    participants = pl.DataFrame(
        {
            "session_id": ["good1", "good1", "good2"],
            "join_time": [datetime(2026, 10, 5, 16, tzinfo=UTC)] * 3,
            "leave_time": [
                datetime(2026, 10, 5, 15, tzinfo=UTC),
                datetime(2026, 10, 5, 17, tzinfo=UTC),
                datetime(2026, 10, 6, 17, tzinfo=UTC),
            ],
        }
    )
    found = metrics.implausible(_sessions(), participants=participants)
    assert found.rows() == [
        ("neg", "negative unique attendee count"),
        ("more", "more unique attendees than unique participants"),
        ("long", "broadcast end before broadcast start or more than 12 h after it"),
        ("good1", "a participant joined after leaving"),
        ("good2", "a participant stayed beyond the 12 h limit"),
    ]
    assert metrics.implausible(pl.DataFrame()).schema == metrics.IMPLAUSIBLE
