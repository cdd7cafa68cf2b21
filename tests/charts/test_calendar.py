"""status_timeline_chart and weekday_hour_chart."""

from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
import pytest

from tests.support.chart_sessions import NOW, session_record, utc, with_registrants
from tests.support.chart_specs import Spec, data_of, marks, params, subtitle, view_with
from webinar_insights import charts, frames, metrics, theme
from webinar_insights.errors import ConfigurationError, DataWarning


def layers_by_mark(spec: Spec) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = {}
    for view in spec["layer"]:
        for inner in view.get("layer", [view]):
            mark = inner["mark"]["type"] if isinstance(inner["mark"], dict) else inner["mark"]
            found.setdefault(mark, []).append(inner)
    return found


def test_status_timeline_chart(sessions: pl.DataFrame) -> None:
    spec = charts.status_timeline_chart(sessions, now=NOW).to_dict()
    views = layers_by_mark(spec)
    scheduled, live = views["bar"]
    assert scheduled["encoding"]["x"]["field"] == "scheduled_start"
    assert scheduled["encoding"]["x2"]["field"] == "scheduled_end"
    assert live["encoding"]["x"]["field"] == "live_start"
    assert live["encoding"]["x2"]["field"] == "live_end"
    (dots,) = views["point"]
    assert dots["encoding"]["y"]["field"] == "row"  # a row per webinar
    color = dots["encoding"]["color"]
    assert color["condition"]["param"] == charts.STATUS_PARAM
    assert color["condition"]["field"] == "status"
    assert color["condition"]["scale"] == theme.status_scale().to_dict()
    tooltip_fields = [t["field"] for t in dots["encoding"]["tooltip"]]
    assert {"runtime_status", "start_delay_min", "overrun_min"} <= set(tooltip_fields)
    points = {row["session_id"]: row for row in data_of(spec, dots)}
    assert set(points) == {"s1", "s2", "s3", "s4", "s5", "s6"}
    # Rows are webinars: w1's three sessions share one, w2's another.
    assert points["s1"]["row"] == points["s2"]["row"] == points["s3"]["row"]
    assert points["s6"]["row"] != points["s1"]["row"]
    assert dots["encoding"]["y"]["sort"] == dots["encoding"]["y"]["scale"]["domain"]
    # The Active session is drawn up to now, stands out and is labelled; the Scheduled one has
    # no live window; a late start is ringed.
    assert points["s4"]["live_end"] == "2024-05-10T09:00:00Z"
    assert points["s4"]["active"] is True and points["s4"]["runtime_status"] == "Live"
    assert (
        points["s5"]["live_start"] is None and points["s5"]["at"] == points["s5"]["scheduled_start"]
    )
    assert points["s1"]["live_end"] == "2024-05-06T09:07:00Z"
    assert {sid for sid, row in points.items() if row["late"]} == {"s2", "s4"}  # 12, 6 > 5 min
    assert "datum.active" in json.dumps(dots["encoding"]["size"])
    (label,) = [v for v in views["text"] if "datum.active" in json.dumps(v["encoding"]["text"])]
    assert label["encoding"]["text"]["condition"]["value"] == "live"
    now = view_with(spec, "rule")
    assert data_of(spec, now)[0]["now"] == "2024-05-10T09:00:00Z"
    legend = params(spec)[charts.STATUS_PARAM]
    assert legend["bind"] == "legend" and legend["select"]["fields"] == ["status"]


def test_status_timeline_labels_live_sessions_without_an_empty_layer(
    sessions: pl.DataFrame,
) -> None:
    """The "live" label layer draws every point (blank but for Active ones) and filters none
    out: a layer left with no rows has no x extent, and Vega warns of it in the console."""
    finished = sessions.filter(pl.col("status") != "Active")
    spec = charts.status_timeline_chart(finished, now=NOW).to_dict()
    for view in layers_by_mark(spec)["text"]:
        assert "transform" not in view
    (label,) = [
        v for v in layers_by_mark(spec)["text"] if "datum.active" in json.dumps(v["encoding"])
    ]
    assert {row["active"] for row in data_of(spec, label)} == {False}


def test_status_timeline_follows_the_late_start_threshold(sessions: pl.DataFrame) -> None:
    spec = charts.status_timeline_chart(sessions, now=NOW, late_after=timedelta(minutes=1))
    dots = layers_by_mark(spec.to_dict())["point"][0]
    late = {row["session_id"] for row in data_of(spec.to_dict(), dots) if row["late"]}
    assert late == {"s1", "s2", "s4"}  # 2, 12 and 6 minutes late


def test_status_timeline_keeps_active_sessions_and_says_what_it_left_out(
    sessions: pl.DataFrame,
) -> None:
    spec = charts.status_timeline_chart(sessions, now=utc(2024, 5, 20), max_sessions=2).to_dict()
    dots = layers_by_mark(spec)["point"][0]
    shown = {row["session_id"] for row in data_of(spec, dots)}
    assert shown == {"s4", "s5"}  # the Active one, then the one nearest to now
    assert "Showing 2 of 6 sessions" in subtitle(spec)


def test_status_timeline_groups_the_webinars_beyond_max_rows_in_one_row(
    sessions: pl.DataFrame,
) -> None:
    third = pl.col("session_id") == "s3"
    three_webinars = sessions.with_columns(
        webinar_id=pl.when(third).then(pl.lit("w3")).otherwise("webinar_id"),
        webinar_title=pl.when(third).then(pl.lit("Webinar three")).otherwise("webinar_title"),
    )
    assert three_webinars["webinar_id"].n_unique() == 3
    spec = charts.status_timeline_chart(three_webinars, now=NOW, max_rows=2).to_dict()
    dots = layers_by_mark(spec)["point"][0]
    rows = {row["session_id"]: row["row"] for row in data_of(spec, dots)}
    assert len(set(rows.values())) == 2
    # The webinar with the Active session keeps its row; the two others share the last one.
    assert rows["s4"] == rows["s1"] and not rows["s4"].startswith("Other")
    assert rows["s3"] == rows["s6"] == "Other webinars (2)"
    assert dots["encoding"]["y"]["sort"][-1].startswith("Other webinars")
    assert "share the last row" in subtitle(spec)
    with pytest.raises(ConfigurationError, match="max_rows"):
        charts.status_timeline_chart(sessions, now=NOW, max_rows=0)


def test_status_timeline_in_another_time_zone(sessions: pl.DataFrame) -> None:
    spec = charts.status_timeline_chart(sessions, now=NOW, time_zone="Asia/Tokyo").to_dict()
    scheduled = layers_by_mark(spec)["bar"][0]
    assert scheduled["encoding"]["x"]["title"] == "Time (Asia/Tokyo)"
    dots = layers_by_mark(spec)["point"][0]
    points = {row["session_id"]: row for row in data_of(spec, dots)}
    assert points["s1"]["scheduled_start"] == "2024-05-06T17:00:00Z"  # 08:00 UTC + 9 h
    assert points["s1"]["scheduled_from"] == "2024-05-06 17:00"


def test_status_timeline_without_a_scheduled_start_says_no_data() -> None:
    record = session_record("x", start=utc(2024, 5, 20), status="Scheduled")
    del record["scheduledStartTime"]
    spec = charts.status_timeline_chart(frames.sessions_frame([record]), now=NOW).to_dict()
    assert marks(spec) == ["text"]
    assert "no session with a scheduled start" in json.dumps(spec)


def test_status_timeline_without_a_scheduled_duration_still_shows_the_session() -> None:
    record = session_record("x", start=utc(2024, 5, 20), status="Scheduled")
    del record["scheduledDuration"]
    spec = charts.status_timeline_chart(frames.sessions_frame([record]), now=NOW).to_dict()
    dots = layers_by_mark(spec)["point"][0]
    assert [row["session_id"] for row in data_of(spec, dots)] == ["x"]


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
