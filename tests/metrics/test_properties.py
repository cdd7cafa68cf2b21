"""Properties of the metrics over generated sessions frames."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tests.support.metrics_frames import (
    BASE,
    MIN,
    finished,
    record,
    sessions,
)
from webinar_insights import metrics, schemas

PROPERTIES = settings(max_examples=60, deadline=None, derandomize=True)


STATUSES = ["Scheduled", "Active", "Finished", None]


ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", None]


@st.composite
def session_frames(draw: st.DrawFn, max_size: int = 12) -> pl.DataFrame:
    """Sessions frames with every status, optional broadcast fields and counts, odd values."""
    rows: list[dict[str, Any]] = []
    for number in range(draw(st.integers(0, max_size))):
        scheduled = BASE + timedelta(minutes=draw(st.integers(-60 * 24 * 60, 60 * 24 * 60)))
        duration = timedelta(minutes=draw(st.sampled_from([15, 30, 60, 90])))
        start = scheduled + timedelta(seconds=draw(st.integers(-1200, 3600)))
        end = start + timedelta(seconds=draw(st.integers(0, 3 * 3600)))
        broadcast = draw(st.booleans())
        rows.append(
            {
                "session_id": f"s{number}",
                "webinar_id": draw(st.sampled_from(["w1", "w2", "w3", None])),
                "host_user_id": draw(st.sampled_from(["u1", "u2", None])),
                "host_name": draw(st.sampled_from(["Ann Lee", "Bo Kim", None])),
                "status": draw(st.sampled_from(STATUSES)),
                "time_zone": draw(st.sampled_from(ZONES)),
                "scheduled_start": scheduled,
                "scheduled_duration": duration,
                "start_time": start,
                "end_time": end,
                "broadcast_start": start + MIN if broadcast else None,
                "broadcast_end": end - MIN if broadcast and draw(st.booleans()) else None,
                "unique_attendee_count": draw(st.none() | st.integers(0, 300)),
                "registrant_count": draw(st.none() | st.integers(0, 200)),
            }
        )
    data = {name: [row.get(name) for row in rows] for name in schemas.SESSIONS.names()}
    return pl.DataFrame(data, schema=schemas.SESSIONS)


@PROPERTIES
@given(frame=session_frames())
def test_attendance_rate_is_null_exactly_when_undefined(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    for row in result.iter_rows(named=True):
        defined = (
            row["status"] == "Finished"
            and row["registrant_count"] is not None
            and row["registrant_count"] > 0
            and row["unique_attendee_count"] is not None
        )
        if defined:
            assert row["attendance_rate"] == row["unique_attendee_count"] / row["registrant_count"]
        else:
            assert row["attendance_rate"] is None


@PROPERTIES
@given(frame=session_frames())
def test_nothing_started_has_a_start_delay(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    not_started = result.filter(~pl.col("status").is_in(["Active", "Finished"]).fill_null(False))
    for column in ("actual_start", "start_delay", "start_delay_min", "late_start", "overrun"):
        assert not_started.get_column(column).null_count() == not_started.height, column
    not_finished = result.filter((pl.col("status") != "Finished").fill_null(True))
    assert not_finished.get_column("actual_duration").null_count() == not_finished.height
    started = result.filter(pl.col("status").is_in(["Active", "Finished"]).fill_null(False))
    assert started.get_column("start_delay").null_count() == 0


@PROPERTIES
@given(frame=session_frames())
def test_summary_totals_equal_input_totals(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    summaries = [
        metrics.webinar_summary(result),
        metrics.host_summary(result),
        metrics.period_summary(result, every="1w", time_zone="Europe/Berlin"),
        metrics.period_summary(result, every="1mo"),
    ]
    expected = result.select(
        sessions=pl.len().cast(pl.Int64),
        finished_sessions=(pl.col("status") == "Finished").sum().cast(pl.Int64),
        registrants=pl.col("registrant_count").sum(),
        unique_attendees=pl.col("unique_attendee_count").sum(),
        total_actual_duration=pl.col("actual_duration").sum(),
    )
    for summary in summaries:
        totals = summary.select(pl.col(expected.columns).sum())
        assert_frame_equal(totals, expected)
    assert metrics.kpis(result)["sessions"] == result.height


def check_share(value: object) -> None:
    assert value is None or (isinstance(value, float) and 0.0 <= value <= 1.0), value


@PROPERTIES
@given(frame=session_frames())
def test_shares_stay_within_zero_and_one(frame: pl.DataFrame) -> None:
    result = metrics.session_metrics(frame)
    figures = metrics.kpis(result)
    for key in ("late_start_share", "overrun_share", "no_show_rate"):
        check_share(figures[key])
    for summary in (metrics.webinar_summary(result), metrics.host_summary(result)):
        for value in summary.get_column("late_start_share"):
            check_share(value)


@PROPERTIES
@given(
    frame=session_frames(max_size=20),
    value=st.sampled_from(["attendance_rate", "start_delay_min"]),
    by=st.sampled_from(["host", "webinar", "weekday_hour"]),
)
def test_percentiles_are_ordered(frame: pl.DataFrame, value: Any, by: Any) -> None:
    result = metrics.session_metrics(frame)
    bands = metrics.percentile_bands(result, value=value, by=by)
    assert bands.get_column("n").sum() == result.get_column(value).drop_nulls().len()
    for row in bands.iter_rows(named=True):
        assert row["n"] >= 1
        assert row["p25"] <= row["p50"] <= row["p75"] <= row["p90"]


@st.composite
def attendance(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A few sessions (Finished, Active, Scheduled) and their participants, with odd rows."""
    statuses = draw(
        st.lists(st.sampled_from(["Finished", "Active", "Scheduled"]), min_size=1, max_size=3)
    )
    records = [
        record(
            f"s{n}",
            status,
            broadcast_start=BASE if status != "Scheduled" else None,
            broadcast_end=BASE + timedelta(seconds=draw(st.integers(0, 1800)))
            if status == "Finished"
            else None,
        )
        for n, status in enumerate(statuses)
    ]
    people: list[dict[str, Any]] = []
    for number in range(draw(st.integers(0, 25))):
        joined = BASE + timedelta(seconds=draw(st.integers(-600, 2000)))
        stay = draw(st.none() | st.integers(-300, 2000))
        people.append(
            {
                "session_id": f"s{draw(st.integers(0, len(statuses)))}",  # may be unknown
                "participant_id": f"p{number}",
                "role": draw(st.sampled_from(["Attendee", "Attendee", "Attendee", "Host"])),
                "join_time": None if draw(st.integers(0, 9)) == 0 else joined,
                "leave_time": None if stay is None else joined + timedelta(seconds=stay),
            }
        )
    data = {name: [row.get(name) for row in people] for name in schemas.PARTICIPANTS.names()}
    return sessions(*records), pl.DataFrame(data, schema=schemas.PARTICIPANTS)


def brute_force(
    frame: pl.DataFrame, people: pl.DataFrame
) -> tuple[dict[tuple[str, int], tuple[int, float]], dict[str, tuple[int, datetime]]]:
    """Retention and peak by looking at every minute and every join, one by one."""
    retention: dict[tuple[str, int], tuple[int, float]] = {}
    peaks: dict[str, tuple[int, datetime]] = {}
    for session in metrics.session_metrics(frame).iter_rows(named=True):
        rows = [
            p
            for p in people.iter_rows(named=True)
            if p["session_id"] == session["session_id"] and p["role"] == "Attendee"
        ]
        start, end = session["actual_start"], session["actual_end"]
        if start is None or not rows:
            continue
        if session["status"] == "Active":
            leaves = [p["leave_time"] for p in rows if p["leave_time"] is not None]
            end = max(leaves) if leaves else None
        if end is not None and end >= start:
            for minute in range(int((end - start) / MIN) + 1):
                moment = start + minute * MIN
                here = sum(
                    1
                    for p in rows
                    if p["join_time"] is not None
                    and p["join_time"] <= moment
                    and (p["leave_time"] is None or moment < p["leave_time"])
                )
                retention[(session["session_id"], minute)] = (here, here / len(rows))
        stop = session["actual_end"] if session["status"] == "Finished" else None
        spans = [
            (p["join_time"], p["leave_time"] or stop) for p in rows if p["join_time"] is not None
        ]
        spans = [(a, b) for a, b in spans if b is None or b > a]
        counts = [
            (sum(1 for a, b in spans if a <= t and (b is None or t < b)), t)
            for t in sorted(a for a, _ in spans)
        ]
        if counts:
            best = max(count for count, _ in counts)
            peaks[session["session_id"]] = (best, min(t for count, t in counts if count == best))
    return retention, peaks


@PROPERTIES
@given(case=attendance())
def test_retention_and_peak_match_a_brute_force(case: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, people = case
    want_retention, want_peaks = brute_force(frame, people)
    curve = metrics.retention_curve(people, frame)
    got = {
        (row["session_id"], row["minute"]): (row["attendees_present"], row["share_present"])
        for row in curve.iter_rows(named=True)
    }
    assert got.keys() == want_retention.keys()
    for key, (here, share) in want_retention.items():
        assert got[key][0] == here
        assert math.isclose(got[key][1], share)
        check_share(got[key][1])
    peaks = metrics.peak_concurrency(people, frame)
    assert {row[0]: (row[1], row[2]) for row in peaks.rows()} == want_peaks


@PROPERTIES
@given(rates=st.lists(st.integers(0, 20), min_size=0, max_size=9))
def test_below_usual_uses_the_median_of_the_other_sessions(rates: Sequence[int]) -> None:
    ids = [f"s{n}" for n in range(len(rates))]
    frame = metrics.session_metrics(
        sessions(
            *(finished(s, attendees=r) for s, r in zip(ids, rates, strict=True)),
            registrant_counts=dict.fromkeys(ids, 10),
        )
    )
    found = metrics.anomalies(frame, below_usual=0.5).filter(
        pl.col("kind") == "below_usual_attendance"
    )
    want = []
    if len(rates) >= 3:
        for n, rate in enumerate(rates):
            usual = statistics.median(r / 10 for k, r in enumerate(rates) if k != n)
            if rate / 10 < 0.5 * usual:
                want.append(ids[n])
    assert sorted(found.get_column("session_id").to_list()) == sorted(want)
