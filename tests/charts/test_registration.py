"""registration_funnel_chart and registration_lead_time_chart."""

from __future__ import annotations

import polars as pl
import pytest

from tests.support.chart_sessions import participants, registrants
from tests.support.chart_specs import data_of, marks, view_with
from webinar_insights import charts, metrics


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


def test_registration_funnel_labels_use_thousands_separators() -> None:
    def labels(counts: list[int]) -> list[str]:
        stages = ["Registered", "Joined", "Stayed"][: len(counts)]
        frame = pl.DataFrame({"stage": stages, "count": counts})
        spec = charts.registration_funnel_chart(frame).to_dict()
        return [row["text"] for row in data_of(spec, view_with(spec, "bar"))]

    assert labels([31132, 15196, 0]) == ["31,132 (100%)", "15,196 (49%)", "0 (0%)"]
    assert labels([0, 1200]) == ["0", "1,200"]  # no share of an empty first stage


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
