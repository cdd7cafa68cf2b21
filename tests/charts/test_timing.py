"""start_delay_chart and overrun_chart."""

from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
import pytest

from tests.support.chart_specs import data_of, params, subtitle, view_with
from webinar_insights import charts
from webinar_insights.errors import ConfigurationError


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
