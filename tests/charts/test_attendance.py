"""attendance_rate_chart and retention_chart."""

from __future__ import annotations

import polars as pl
import pytest

from tests.support.chart_sessions import participants
from tests.support.chart_specs import data_of, marks, params, subtitle, view_with
from webinar_insights import charts, metrics
from webinar_insights.errors import ConfigurationError


def test_attendance_rate_chart(sessions: pl.DataFrame) -> None:
    spec = charts.attendance_rate_chart(sessions, every="1w").to_dict()
    assert spec["title"]["text"] == "Attendance rate per session"
    assert sorted(marks(spec)) == ["area", "circle", "line"]
    dots = view_with(spec, "circle")
    assert dots["encoding"]["x"]["field"] == "scheduled_start"
    assert dots["encoding"]["x"]["type"] == "temporal"
    assert dots["encoding"]["x"]["scale"] == {
        "type": "utc",
        "padding": 6,
    }  # no half-cut edge points
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


def test_retention_chart_is_labelled_an_upper_bound(sessions: pl.DataFrame) -> None:
    curve = metrics.retention_curve(participants(sessions), sessions)
    spec = charts.retention_chart(curve).to_dict()
    assert "upper bound" in spec["title"]["text"]
    assert "earliest join and latest leave" in subtitle(spec)
    line = view_with(spec, "line")
    assert line["encoding"]["x"]["field"] == "minute"
    assert "(min)" in line["encoding"]["x"]["title"]
    assert line["encoding"]["y"]["field"] == "share_present"
    assert "upper bound" in " ".join(line["encoding"]["y"]["title"])  # two short lines
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
