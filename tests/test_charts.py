"""Tests for webinar_insights.theme and webinar_insights.charts, on ``chart.to_dict()``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
import pytest

from webinar_insights import charts, frames, metrics, schemas, theme
from webinar_insights.errors import ConfigurationError

from . import records
from .records import iso

Spec = dict[str, Any]
NOW = datetime(2024, 5, 10, 9, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------
# Building frames: API-shaped records through the public frame builders.


def session_record(sid: str, **options: Any) -> dict[str, Any]:
    """``records.session_record`` with this module's default: Europe/Berlin."""
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


@pytest.fixture
def sessions() -> pl.DataFrame:
    return metrics.session_metrics(with_registrants(frames.sessions_frame(RECORDS), REGISTRANTS))


@pytest.fixture
def empty_sessions() -> pl.DataFrame:
    return frames.sessions_frame([])


def synthetic_sessions(n: int, *, now: datetime = NOW) -> pl.DataFrame:
    """``n`` sessions of the declared schema, built in polars (no dicts): 10 minutes apart up
    to ``now``, the last 1 % Scheduled in the future, two Active, the rest Finished."""
    i = pl.int_range(n, dtype=pl.Int64)

    def spread(seed: int, modulo: int) -> pl.Expr:
        return (i.hash(seed) % modulo).cast(pl.Int64)

    future = max(1, n // 100)
    start = pl.lit(now) + pl.duration(minutes=(i - (n - future)) * 10)
    status = (
        pl.when(i >= n - future)
        .then(pl.lit("Scheduled"))
        .when(i >= n - future - 2)
        .then(pl.lit("Active"))
        .otherwise(pl.lit("Finished"))
    )
    planned = pl.duration(minutes=30 + spread(1, 4) * 15)
    live = start + pl.duration(seconds=spread(2, 1_200) - 300)
    end = live + planned + pl.duration(seconds=spread(3, 1_800) - 900)
    registrants = spread(4, 300)
    zones = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "UTC", "Australia/Sydney"]
    frame = pl.select(
        session_id=pl.format("s{}", i),
        webinar_id=pl.format("w{}", i // 3),
        webinar_title=pl.format("Webinar {}", i // 3),
        session_title=pl.format("Session {}", i),
        host_user_id=pl.format("u{}", spread(5, 400)),
        host_name=pl.format("Host {}", spread(5, 400)),
        status=status,
        runtime_status=pl.when(status == "Active").then(pl.lit("Live")),
        time_zone=spread(6, len(zones)).replace_strict(
            list(range(len(zones))), zones, return_dtype=pl.String
        ),
        scheduled_start=start,
        scheduled_duration=planned,
        scheduled_end=start + planned,
        start_time=pl.when(status == "Scheduled").then(start).otherwise(live),
        end_time=end,
        broadcast_start=pl.when(status != "Scheduled").then(live),
        broadcast_end=pl.when(status == "Finished").then(end),
        participant_count=registrants,
        attendee_count=registrants,
        unique_participant_count=registrants,
        unique_attendee_count=pl.when(status == "Finished").then(
            registrants * (40 + spread(7, 50)) // 100
        ),
        registrant_count=registrants,
        post_webinar_registrant_count=spread(8, 10),
        recording_status=pl.lit(None),
        created_at=start - pl.duration(days=14),
        modified_at=start,
    )
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schemas.SESSIONS.items())


# ---------------------------------------------------------------------------------------------
# Reading specs.


def walk(node: object) -> Iterator[dict[str, Any]]:
    """Every dict in a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def views(spec: Spec) -> list[dict[str, Any]]:
    """The unit views (with a mark) of a spec, each with the data it draws (its own or the
    nearest enclosing layer's: Altair lifts data shared by all layers to the layer)."""
    found: list[dict[str, Any]] = []

    def visit(node: dict[str, Any], data: object) -> None:
        data = node.get("data", data)
        if "mark" in node:
            found.append({**node, "data": data})
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []):
                visit(child, data)

    visit(spec, None)
    return found


def mark_type(view: Mapping[str, Any]) -> str:
    mark = view["mark"]
    return str(mark["type"] if isinstance(mark, dict) else mark)


def marks(spec: Spec) -> list[str]:
    return [mark_type(view) for view in views(spec)]


def data_of(spec: Spec, view: Mapping[str, Any]) -> list[dict[str, Any]]:
    data = view["data"]
    if "values" in data:
        return list(data["values"])
    return list(spec["datasets"][data["name"]])


def view_with(spec: Spec, mark: str, field: str | None = None) -> dict[str, Any]:
    """The one view with this mark (and an encoding of this field, if given)."""
    found = [
        view
        for view in views(spec)
        if mark_type(view) == mark
        and (
            field is None
            or any(
                isinstance(channel, dict) and channel.get("field") == field
                for channel in view.get("encoding", {}).values()
            )
        )
    ]
    assert len(found) == 1, (mark, field, [mark_type(v) for v in views(spec)])
    return found[0]


def embedded_rows(spec: Spec) -> int:
    """Rows of data embedded anywhere in the spec (named datasets and inline values)."""
    rows = sum(len(values) for values in spec.get("datasets", {}).values())
    for node in walk({key: value for key, value in spec.items() if key != "datasets"}):
        data = node.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            rows += len(data["values"])
    return rows


def params(spec: Spec) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for node in walk(spec) for p in node.get("params", []) if "name" in p}


def subtitle(spec: Spec) -> str:
    title = spec["title"]
    lines = title.get("subtitle", [])
    return " ".join([lines] if isinstance(lines, str) else lines)


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


# ---------------------------------------------------------------------------------------------
# Theme.


def test_theme_is_registered_and_use_theme_enables_it() -> None:
    assert theme.THEME_NAME in alt.theme.names()
    before = alt.theme.active
    assert before != theme.THEME_NAME  # importing does not enable it
    with theme.use_theme():
        assert alt.theme.active == theme.THEME_NAME
        spec = alt.Chart(alt.InlineData(values=[{"x": 1}])).mark_point().to_dict()
        assert spec["config"]["font"] == theme.FONT
    assert alt.theme.active == before


def test_theme_uses_system_fonts_and_okabe_ito() -> None:
    config = theme.theme_config()
    fonts = {node[key] for node in walk(config) for key in node if key.lower().endswith("font")}
    assert fonts == {theme.FONT}
    assert "sans-serif" in theme.FONT and "system-ui" in theme.FONT
    text = json.dumps(config)
    assert "http" not in text and "@import" not in text and "url(" not in text  # no web fonts
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(config["config"]["range"]["category"]) >= okabe_ito


def test_status_colors_are_fixed_and_read_only() -> None:
    assert list(theme.STATUS_COLORS) == list(schemas.SESSION_STATUS.categories)
    assert len(set(theme.STATUS_COLORS.values())) == 3
    with pytest.raises(TypeError):
        theme.STATUS_COLORS["Finished"] = "#ff0000"  # type: ignore[index]
    scale = theme.status_scale().to_dict()
    assert scale == {
        "domain": list(theme.STATUS_COLORS),
        "range": list(theme.STATUS_COLORS.values()),
    }


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_carries_the_theme(name: str, sessions: pl.DataFrame) -> None:
    spec = BUILDERS[name](sessions).to_dict()
    assert spec["usermeta"]["webinar_insights"]["theme"] == theme.THEME_NAME
    assert spec["config"]["font"] == theme.FONT
    assert spec["config"]["range"]["category"] == list(theme.PALETTE)
    assert spec["background"] == "white"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_charts_look_the_same_whichever_theme_is_enabled(name: str, sessions: pl.DataFrame) -> None:
    chart = BUILDERS[name](sessions)
    with alt.theme.enable("default"):
        plain = chart.to_dict()
    with theme.use_theme():
        themed = chart.to_dict()
    with alt.theme.enable("dark"):
        dark = chart.to_dict()
    assert plain == themed
    assert dark["config"] == plain["config"]
    assert dark["background"] == plain["background"]


# ---------------------------------------------------------------------------------------------
# The charts.


def test_attendance_rate_chart(sessions: pl.DataFrame) -> None:
    spec = charts.attendance_rate_chart(sessions, every="1w").to_dict()
    assert spec["title"]["text"] == "Attendance rate per session"
    assert sorted(marks(spec)) == ["area", "circle", "line"]
    dots = view_with(spec, "circle")
    assert dots["encoding"]["x"]["field"] == "scheduled_start"
    assert dots["encoding"]["x"]["type"] == "temporal"
    assert dots["encoding"]["x"]["scale"] == {"type": "utc"}
    assert dots["encoding"]["y"] == {"field": "attendance_rate", "type": "quantitative"}
    tooltips = {t["field"]: t for t in dots["encoding"]["tooltip"]}
    assert tooltips["attendance_rate"]["format"] == ".1%"
    # Finished sessions with registrants only; times as ISO text; a rate above 1 kept.
    rows = {row["session"]: row for row in data_of(spec, dots)}
    assert set(rows) == {"Session s1", "Session s2", "Session s6"}
    assert rows["Session s1"]["scheduled_start"] == "2024-05-06T08:00:00Z"
    assert rows["Session s1"]["attendance_rate"] == pytest.approx(0.8)
    assert rows["Session s6"]["attendance_rate"] == pytest.approx(1.1)
    # The line is weighted per week: (40 + 30) / (50 + 60), not the mean of 0.8 and 0.5.
    line = view_with(spec, "line")
    weeks = sorted(data_of(spec, line), key=lambda row: row["period_mid"])
    assert [w["weighted_rate"] for w in weeks] == pytest.approx([70 / 110, 1.1])
    assert weeks[0]["p25"] == pytest.approx(0.575) and weeks[0]["p75"] == pytest.approx(0.725)
    band = view_with(spec, "area")
    assert band["encoding"]["y"]["field"] == "p25" and band["encoding"]["y2"]["field"] == "p75"
    assert band["encoding"]["y"]["axis"]["format"] == "%"
    assert "%" in band["encoding"]["y"]["title"]
    brush = params(spec)[charts.PERIOD_PARAM]
    assert brush["select"] == {"type": "interval", "encodings": ["x"]}
    assert "weighted rate per week" in subtitle(spec)


def test_attendance_rate_chart_periods_follow_the_time_zone(sessions: pl.DataFrame) -> None:
    spec = charts.attendance_rate_chart(sessions, every="1d", time_zone="America/New_York")
    data = data_of(spec.to_dict(), view_with(spec.to_dict(), "circle"))
    starts = sorted(row["scheduled_start"] for row in data)
    assert starts[0] == "2024-05-06T04:00:00Z"  # 08:00 UTC is 04:00 in New York (EDT)
    with pytest.raises(ConfigurationError, match="every="):
        charts.attendance_rate_chart(sessions, every="5h")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="time zone"):
        charts.attendance_rate_chart(sessions, time_zone="Mars/Olympus")


def test_start_delay_chart(sessions: pl.DataFrame) -> None:
    spec = charts.start_delay_chart(sessions, min_sessions=1).to_dict()
    assert spec["title"]["text"] == "Start delay"
    assert len(spec["hconcat"]) == 2
    bars = view_with(spec, "bar", "bin_start")
    encoding = bars["encoding"]
    assert encoding["x"]["bin"] == "binned" and encoding["x2"]["field"] == "bin_end"
    assert encoding["y"]["field"] == "count" and "minutes" in encoding["x"]["title"]
    counts = data_of(spec, bars)
    # Scheduled s5 has no delay; s1 (2), s2 (12), s3 (-3), s4 (6, Active), s6 (0) started.
    assert sum(row["count"] for row in counts) == 5
    late = [row for row in counts if row["group"].startswith("late")]
    assert sum(row["count"] for row in late) == 2  # s2 and s4: more than 5 minutes
    rule = view_with(spec, "rule")
    assert data_of(spec, rule) == [{"x": 5.0, "label": "late after 5 min"}]
    ranking = view_with(spec, "bar", "median_delay_min")
    assert ranking["encoding"]["y"]["field"] == "host"
    hosts = {row["host"]: row for row in data_of(spec, ranking)}
    assert hosts["Ann Lee"]["median_delay_min"] == pytest.approx(7.0)  # median of 2 and 12
    assert hosts["Ann Lee"]["late_share"] == pytest.approx(0.5)
    assert hosts["Bob Ray"]["median_delay_min"] == pytest.approx(1.5)  # -3 and 6
    selection = params(spec)[charts.HOST_PARAM]
    assert selection["select"]["fields"] == ["host"]


def test_start_delay_chart_late_after_and_ranking_limits(sessions: pl.DataFrame) -> None:
    spec = charts.start_delay_chart(sessions, late_after=timedelta(minutes=10), top=1).to_dict()
    assert data_of(spec, view_with(spec, "rule"))[0]["x"] == 10.0
    late = [r for r in data_of(spec, view_with(spec, "bar", "bin_start")) if "late" in r["group"]]
    assert sum(row["count"] for row in late) == 1  # only s2
    # min_sessions=3 by default: no host has 3 started sessions, and the ranking says so.
    assert "No host has 3+ started sessions." in json.dumps(spec)
    with pytest.raises(ConfigurationError, match="timedelta"):
        charts.start_delay_chart(sessions, late_after=5)  # type: ignore[arg-type]


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


def test_retention_chart_is_labelled_an_upper_bound(sessions: pl.DataFrame) -> None:
    curve = metrics.retention_curve(participants(sessions), sessions)
    spec = charts.retention_chart(curve).to_dict()
    assert "upper bound" in spec["title"]["text"]
    assert "earliest join and latest leave" in subtitle(spec)
    line = view_with(spec, "line")
    assert line["encoding"]["x"]["field"] == "minute"
    assert "(min)" in line["encoding"]["x"]["title"]
    assert line["encoding"]["y"]["field"] == "share_present"
    assert "upper bound" in line["encoding"]["y"]["title"]
    assert line["encoding"]["y"]["axis"]["format"] == "%"
    rows = data_of(spec, line)
    assert rows[0]["minute"] == 0 and rows[0]["share_present"] == pytest.approx(0.75)
    assert len(rows) == curve.height


def test_retention_chart_summarises_many_sessions() -> None:
    curve = pl.DataFrame(
        {
            "session_id": [f"s{i}" for i in range(20) for _ in range(3)],
            "minute": [0, 1, 2] * 20,
            "attendees_present": [10, 5, 1] * 20,
            "share_present": [1.0, 0.5, 0.1] * 20,
        },
        schema=metrics.RETENTION,
    )
    spec = charts.retention_chart(curve, max_lines=8).to_dict()
    assert sorted(marks(spec)) == ["area", "line"]
    line = view_with(spec, "line")
    assert [row["median"] for row in data_of(spec, line)] == pytest.approx([1.0, 0.5, 0.1])
    assert "20 sessions, summarised" in subtitle(spec)


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
    spec = charts.weekday_hour_chart(frames.sessions_frame(records)).to_dict()
    hours = [r["hour"] for r in data_of(spec, view_with(spec, "rect")) if r["sessions"]]
    assert hours == [9]
    assert "1 session without a known time zone" in subtitle(spec)


def test_registration_funnel_chart(sessions: pl.DataFrame) -> None:
    funnel = metrics.registration_funnel(sessions, registrants(), participants(sessions))
    spec = charts.registration_funnel_chart(funnel).to_dict()
    assert sorted(marks(spec)) == ["bar", "text"]
    bar = view_with(spec, "bar")
    assert bar["encoding"]["x"] == {
        "field": "count",
        "type": "quantitative",
        "title": "People (count)",
        "axis": {"format": ",d", "tickMinStep": 1},
    }
    assert bar["encoding"]["y"]["sort"] == {"field": "order", "op": "min"}
    rows = data_of(spec, bar)
    assert [r["stage"] for r in rows] == funnel.get_column("stage").to_list()
    assert rows[0]["share_of_first"] == 1.0
    assert rows[1]["share_of_first"] == pytest.approx(rows[1]["count"] / rows[0]["count"])
    assert rows[1]["text"].endswith("%)")


def test_registration_lead_time_chart(sessions: pl.DataFrame) -> None:
    lead_times = metrics.registration_lead_time(registrants(), sessions)
    spec = charts.registration_lead_time_chart(lead_times).to_dict()
    bars = view_with(spec, "bar")
    assert "days" in bars["encoding"]["x"]["title"]
    counts = data_of(spec, bars)
    assert sum(row["count"] for row in counts) == 5
    after = [row for row in counts if row["group"] == "after the start"]
    assert sum(row["count"] for row in after) == 1
    median = data_of(spec, view_with(spec, "rule"))[0]
    assert median["x"] == pytest.approx(1.0)


def test_overrun_chart(sessions: pl.DataFrame) -> None:
    spec = charts.overrun_chart(sessions).to_dict()
    bars = view_with(spec, "bar")
    rows = data_of(spec, bars)
    over = sum(row["count"] for row in rows if row["group"] == "ran over")
    within = sum(row["count"] for row in rows if row["group"] == "on time or shorter")
    assert (over, within) == (1, 3)  # s1 ran 5 min over; s2 under; s3 and s6 on time
    assert data_of(spec, view_with(spec, "rule"))[0]["x"] == 0.0
    assert "Overrun (minutes" in bars["encoding"]["x"]["title"]
    assert "25% ran over" in subtitle(spec)


def test_charts_accept_sessions_without_the_metrics_columns() -> None:
    raw = with_registrants(frames.sessions_frame(RECORDS), REGISTRANTS)
    derived = metrics.session_metrics(raw)
    for name in SESSION_CHARTS:
        assert BUILDERS[name](raw).to_dict() == BUILDERS[name](derived).to_dict(), name


# ---------------------------------------------------------------------------------------------
# Empty input, bad input.

EMPTY_INPUTS: dict[str, Callable[[], alt.TopLevelMixin]] = {
    **{
        name: (lambda name=name: BUILDERS[name](frames.sessions_frame([])))  # type: ignore[misc]
        for name in SESSION_CHARTS
    },
    "retention": lambda: charts.retention_chart(pl.DataFrame(schema=metrics.RETENTION)),
    "registration_funnel": lambda: charts.registration_funnel_chart(
        pl.DataFrame(schema=metrics.FUNNEL)
    ),
    "registration_lead_time": lambda: charts.registration_lead_time_chart(
        pl.DataFrame(schema=metrics.LEAD_TIME)
    ),
}


@pytest.mark.parametrize("name", list(EMPTY_INPUTS))
def test_empty_input_gives_a_no_data_chart(name: str) -> None:
    spec = EMPTY_INPUTS[name]().to_dict()
    assert marks(spec) == ["text"]
    (message,) = data_of(spec, views(spec)[0])
    assert message["message"].startswith("No data: ")
    assert spec["title"]["text"]
    assert spec["usermeta"]["webinar_insights"]["theme"] == theme.THEME_NAME


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("attendance_rate", charts.PERIOD_PARAM),
        ("start_delay", charts.HOST_PARAM),
        ("status_timeline", charts.STATUS_PARAM),
    ],
)
def test_linking_params_are_declared_with_or_without_data(
    name: str, param: str, sessions: pl.DataFrame, empty_sessions: pl.DataFrame
) -> None:
    full = params(BUILDERS[name](sessions).to_dict())
    empty = params(BUILDERS[name](empty_sessions).to_dict())
    assert param in full and param in empty
    assert empty[param]["select"] == full[param]["select"]


def test_nothing_to_draw_in_a_frame_with_rows_also_says_no_data(
    sessions: pl.DataFrame,
) -> None:
    scheduled = sessions.filter(pl.col("status") == "Scheduled")
    spec = charts.attendance_rate_chart(scheduled).to_dict()
    assert marks(spec) == ["text"]
    assert "registrant_count > 0" in json.dumps(spec)


def test_bad_inputs_say_how_to_fix_them(sessions: pl.DataFrame) -> None:
    with pytest.raises(ConfigurationError, match="sessions_frame"):
        charts.overrun_chart(sessions.drop("scheduled_start"))
    with pytest.raises(ConfigurationError, match="retention_curve"):
        charts.retention_chart(sessions)
    with pytest.raises(ConfigurationError, match="polars DataFrame"):
        charts.start_delay_chart(RECORDS)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="max_points"):
        charts.attendance_rate_chart(sessions, max_points=0)


# ---------------------------------------------------------------------------------------------
# Bounded data at scale.


@pytest.fixture(scope="module")
def big() -> pl.DataFrame:
    return metrics.session_metrics(synthetic_sessions(100_000))


@pytest.mark.parametrize("name", SESSION_CHARTS)
def test_embedded_rows_stay_bounded_at_100k_sessions(name: str, big: pl.DataFrame) -> None:
    assert big.height == 100_000
    spec = BUILDERS[name](big).to_dict()
    assert 0 < embedded_rows(spec) <= charts.MAX_ROWS
    assert marks(spec) != ["text"]
    # Altair's own check is left as it is (not raised, not disabled).
    assert alt.data_transformers.active == "default"
    assert alt.data_transformers.options.get("max_rows", 5000) == 5000


def test_retention_and_lead_time_stay_bounded_on_large_inputs() -> None:
    def curve(sessions: int, minutes: int) -> pl.DataFrame:
        return pl.select(
            session_id=pl.format("s{}", pl.int_range(sessions * minutes) // minutes),
            minute=pl.int_range(sessions * minutes) % minutes,
            attendees_present=pl.lit(10, dtype=pl.Int64),
            share_present=pl.lit(0.5),
        )

    lines = charts.retention_chart(curve(8, 1_000)).to_dict()  # 8,000 rows, 8 lines
    assert embedded_rows(lines) <= charts.MAX_ROWS
    assert "Every 4 minutes." in subtitle(lines)
    summary = charts.retention_chart(curve(200, 10_000)).to_dict()  # 2 million rows
    assert embedded_rows(summary) <= charts.MAX_ROWS
    lead_times = pl.select(
        lead_time_days=(pl.int_range(1_000_000).hash(1) % 10_000).cast(pl.Float64) / 100 - 5
    )
    histogram = charts.registration_lead_time_chart(lead_times).to_dict()
    assert embedded_rows(histogram) <= 2 * 121 + 1
    counts = data_of(histogram, view_with(histogram, "bar"))
    assert sum(row["count"] for row in counts) == 1_000_000


def test_sampling_is_deterministic_and_said(big: pl.DataFrame) -> None:
    first = charts.attendance_rate_chart(big).to_dict()
    assert first == charts.attendance_rate_chart(big).to_dict()
    assert "Showing a sample of 2,000 of" in subtitle(first)
    dots = data_of(first, view_with(first, "circle"))
    assert len(dots) == 2_000
    timeline = charts.status_timeline_chart(big, now=NOW).to_dict()
    assert "Showing 60 of 100,000 sessions" in subtitle(timeline)


def test_charts_need_no_pandas() -> None:
    code = (
        "import sys\n"
        "from webinar_insights import charts, frames\n"
        f"records = {RECORDS!r}\n"
        "sessions = frames.sessions_frame(records)\n"
        "for chart in (charts.attendance_rate_chart(sessions), charts.status_timeline_chart("
        "sessions), charts.weekday_hour_chart(sessions), charts.start_delay_chart(sessions)):\n"
        "    chart.to_dict()\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# Export.


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
        (".svg", lambda data: data.lstrip().startswith(b"<svg")),
        (".SVG", lambda data: data.lstrip().startswith(b"<svg")),
    ],
)
def test_save_chart(
    suffix: str, check: Callable[[bytes], bool], sessions: pl.DataFrame, tmp_path: Path
) -> None:
    target = tmp_path / f"delay{suffix}"
    written = charts.save_chart(charts.start_delay_chart(sessions, min_sessions=1), target)
    assert written == target
    data = target.read_bytes()
    assert len(data) > 1_000
    assert check(data)


def test_save_chart_renders_the_no_data_chart(tmp_path: Path) -> None:
    target = charts.save_chart(
        charts.overrun_chart(frames.sessions_frame([])), tmp_path / "empty.svg"
    )
    assert "No data" in target.read_text()


def test_save_chart_rejects_other_suffixes(sessions: pl.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"\.png or \.svg"):
        charts.save_chart(charts.overrun_chart(sessions), tmp_path / "chart.jpg")
    assert not (tmp_path / "chart.jpg").exists()
