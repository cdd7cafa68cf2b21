"""status_timeline_chart and weekday_hour_chart."""

from __future__ import annotations

import json

import polars as pl
import pytest

from tests.support.chart_sessions import NOW, session_record, utc, with_registrants
from tests.support.chart_specs import Spec, data_of, marks, params, subtitle, view_with
from webinar_insights import charts, frames, metrics, theme
from webinar_insights.errors import ConfigurationError, DataWarning


def test_status_timeline_chart(sessions: pl.DataFrame) -> None:
    spec = charts.status_timeline_chart(sessions, now=NOW).to_dict()
    bars = view_with(spec, "bar")
    encoding = bars["encoding"]
    assert encoding["x"]["field"] == "start" and encoding["x2"]["field"] == "end"
    assert encoding["yOffset"]["field"] == "window"
    color = encoding["color"]
    assert color["condition"]["param"] == charts.STATUS_PARAM
    assert color["condition"]["field"] == "status"
    assert color["condition"]["scale"] == theme.status_scale().to_dict()
    tooltip_fields = [t["field"] for t in encoding["tooltip"]]
    assert "runtime_status" in tooltip_fields
    windows = {(row["session_id"], row["window"]): row for row in data_of(spec, bars)}
    # The Active session is drawn up to now; the Scheduled one has no actual window.
    assert windows[("s4", "actual")]["end"] == "2024-05-10T09:00:00Z"
    assert windows[("s4", "actual")]["runtime_status"] == "Live"
    assert windows[("s4", "actual")]["actual_to"] == "in progress"
    assert ("s5", "scheduled") in windows and ("s5", "actual") not in windows
    assert windows[("s1", "actual")]["end"] == "2024-05-06T09:07:00Z"
    now = view_with(spec, "rule")
    assert data_of(spec, now)[0]["now"] == "2024-05-10T09:00:00Z"
    legend = params(spec)[charts.STATUS_PARAM]
    assert legend["bind"] == "legend" and legend["select"]["fields"] == ["status"]


def test_status_timeline_keeps_active_sessions_and_says_what_it_left_out(
    sessions: pl.DataFrame,
) -> None:
    spec = charts.status_timeline_chart(sessions, now=utc(2024, 5, 20), max_sessions=2).to_dict()
    shown = {row["session_id"] for row in data_of(spec, view_with(spec, "bar"))}
    assert shown == {"s4", "s5"}  # the Active one, then the one nearest to now
    assert "Showing 2 of 6 sessions" in subtitle(spec)


def test_status_timeline_in_another_time_zone(sessions: pl.DataFrame) -> None:
    spec = charts.status_timeline_chart(sessions, now=NOW, time_zone="Asia/Tokyo").to_dict()
    bars = view_with(spec, "bar")
    assert bars["encoding"]["x"]["title"] == "Time (Asia/Tokyo)"
    windows = {(row["session_id"], row["window"]): row for row in data_of(spec, bars)}
    assert windows[("s1", "scheduled")]["start"] == "2024-05-06T17:00:00Z"  # 08:00 UTC + 9 h
    assert windows[("s1", "scheduled")]["scheduled_from"] == "2024-05-06 17:00"


def test_status_timeline_without_any_window_says_no_data() -> None:
    record = session_record("x", start=utc(2024, 5, 20), status="Scheduled")
    del record["scheduledDuration"]
    spec = charts.status_timeline_chart(frames.sessions_frame([record]), now=NOW).to_dict()
    assert marks(spec) == ["text"]
    assert "scheduled duration missing" in json.dumps(spec)


def test_weekday_hour_chart_uses_each_sessions_local_time_across_dst() -> None:
    records = [  # 10:00 in Berlin in winter (CET, 09:00 UTC) and in summer (CEST, 08:00 UTC)
        session_record("w", start=utc(2024, 1, 15, 9), attendees=5),
        session_record("s", start=utc(2024, 7, 15, 8), attendees=5),
        session_record("ny", start=utc(2024, 7, 15, 14), zone="America/New_York", attendees=5),
    ]
    sessions = metrics.session_metrics(frames.sessions_frame(records))

    def cells(spec: Spec) -> dict[tuple[str, int], int]:
        rect = view_with(spec, "rect")
        return {
            (r["weekday"], r["hour"]): r["sessions"] for r in data_of(spec, rect) if r["sessions"]
        }

    local = charts.weekday_hour_chart(sessions).to_dict()
    assert cells(local) == {("Mon", 10): 3}
    assert "own local time" in local["encoding"]["x"]["title"]
    in_utc = charts.weekday_hour_chart(sessions, time_zone="UTC").to_dict()
    assert cells(in_utc) == {("Mon", 9): 1, ("Mon", 8): 1, ("Mon", 14): 1}
    rect = view_with(local, "rect")
    assert len(data_of(local, rect)) == 7 * 24
    assert rect["encoding"]["x"] == {
        "field": "hour",
        "type": "ordinal",
        "title": "Hour of day (each session's own local time)",
        "axis": {"labelAngle": 0},
    }
    assert rect["encoding"]["y"]["sort"] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert rect["encoding"]["color"]["field"] == "sessions"


def test_weekday_hour_chart_attendance_rate(sessions: pl.DataFrame) -> None:
    spec = charts.weekday_hour_chart(sessions, value="attendance_rate").to_dict()
    assert spec["title"]["text"] == "Attendance rate by weekday and hour"
    rect = view_with(spec, "rect")
    assert rect["encoding"]["color"]["field"] == "attendance_rate"
    rated = {(r["weekday"], r["hour"]): r for r in data_of(spec, rect) if r["attendance_rate"]}
    # s1 and s6 both start Monday 10:00 in Berlin: weighted (40 + 22) / (50 + 20).
    assert rated[("Mon", 10)]["attendance_rate"] == pytest.approx(62 / 70)
    assert rated[("Wed", 10)]["attendance_rate"] == pytest.approx(0.5)  # s2, New York
    with pytest.raises(ConfigurationError, match="'sessions' or 'attendance_rate'"):
        charts.weekday_hour_chart(sessions, value="count")  # type: ignore[arg-type]


def test_weekday_hour_chart_puts_unknown_zones_in_utc_and_says_so() -> None:
    records = [session_record("x", start=utc(2024, 1, 15, 9), zone="Nowhere/City")]
    with pytest.warns(DataWarning, match="weekday_hour_chart: unknown time zone.*Nowhere/City"):
        spec = charts.weekday_hour_chart(frames.sessions_frame(records)).to_dict()
    hours = [r["hour"] for r in data_of(spec, view_with(spec, "rect")) if r["sessions"]]
    assert hours == [9]
    assert "1 session without a known time zone" in subtitle(spec)


def test_metrics_and_the_heatmap_put_a_session_in_the_same_weekday_and_hour() -> None:
    # One rule for both: the scheduled start, else the actual start, in the session's own zone;
    # a null or unknown zone is read in UTC (an unknown one warns, in both).
    raw = frames.sessions_frame(
        [
            # Wed 2024-05-08 14:00 in New York (EDT), 18:00 UTC.
            session_record("ny", start=utc(2024, 5, 8, 18), zone="America/New_York", attendees=4),
            # An unknown zone: Mon 09:00 UTC (it would be 10:00 in Berlin).
            session_record("mars", start=utc(2024, 1, 15, 9), zone="Mars/Olympus", attendees=4),
            # Its scheduled start is null below: placed by its actual start, Tue 2024-05-07
            # 20:30 UTC, which is Wed 05:30 in Tokyo (the old heatmap left it out).
            session_record("late", start=utc(2024, 5, 7, 20, 30), zone="Asia/Tokyo", attendees=4),
        ]
    )
    raw = with_registrants(raw, {"ny": 8, "mars": 8, "late": 8}).with_columns(
        scheduled_start=pl.when(pl.col("session_id") != "late").then(pl.col("scheduled_start"))
    )
    sessions = metrics.session_metrics(raw)
    assert sessions.get_column("attendance_rate").to_list() == [0.5, 0.5, 0.5]
    with pytest.warns(DataWarning, match="percentile_bands: unknown time zone.*Mars/Olympus"):
        bands = metrics.percentile_bands(sessions, value="attendance_rate", by="weekday_hour")
    with pytest.warns(DataWarning, match="weekday_hour_chart: unknown time zone.*Mars/Olympus"):
        spec = charts.weekday_hour_chart(sessions).to_dict()
    numbers = {"Mon": 1, "Tue": 2, "Wed": 3, "Thu": 4, "Fri": 5, "Sat": 6, "Sun": 7}
    cells = {
        (numbers[row["weekday"]], row["hour"]): row["sessions"]
        for row in data_of(spec, view_with(spec, "rect"))
        if row["sessions"]
    }
    assert cells == {(3, 14): 1, (1, 9): 1, (3, 5): 1}
    assert {(w, h): n for w, h, n in bands.select("weekday", "hour", "n").rows()} == cells
    assert "1 session without a known time zone" in subtitle(spec)
