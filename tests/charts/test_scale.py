"""Bounded embedded data at 100,000 sessions and on large metrics frames."""

from __future__ import annotations

import altair as alt
import polars as pl
import pytest

from tests.support import synthetic
from tests.support.chart_sessions import BUILDERS, NOW, SESSION_CHARTS
from tests.support.chart_specs import data_of, embedded_rows, marks, subtitle, view_with
from webinar_insights import charts, metrics


@pytest.fixture(scope="module")
def big() -> pl.DataFrame:
    return metrics.session_metrics(synthetic.sessions(100_000, now=NOW))


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
    assert "Showing 500 of 100,000 sessions" in subtitle(timeline)
    assert "share the last row" in subtitle(timeline)
