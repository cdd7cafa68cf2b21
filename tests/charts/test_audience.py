"""Audience charts: what each draws, read from its Vega-Lite spec, and the "No data" forms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from webinar_insights import charts, metrics
from webinar_insights.errors import ConfigurationError


def spec(chart: Any) -> dict[str, Any]:
    return chart.to_dict()


def data(found: dict[str, Any]) -> list[list[dict[str, Any]]]:
    return list(found.get("datasets", {}).values())


def text(found: dict[str, Any]) -> str:
    title = found.get("title", {})
    return " ".join([title.get("text", ""), *title.get("subtitle", [])])


CHANNELS = pl.DataFrame(
    {
        "channel": ["Email", "LinkedIn", "(no source)"],
        "registered": [200, 100, 10],
        "joined": [120, 30, 5],
        "join_rate": [0.6, 0.3, 0.5],
        "small_sample": [False, False, True],
    }
)


def test_channel_chart_marks_small_samples_and_the_overall_rate() -> None:
    found = spec(charts.channel_chart(CHANNELS))
    (rows, overall) = data(found)
    assert [r["channel"] for r in rows] == ["Email", "LinkedIn", "(no source)"]
    assert [r["text"] for r in rows] == ["120 of 200", "30 of 100", "5 of 10 · few"]
    assert [r["reliable"] for r in rows] == ["ok", "ok", "few"]
    assert overall == [{"rate": pytest.approx(155 / 310)}]
    assert "310 live registrants" in text(found) and "(50%)" in text(found)
    # Drawn in this order: bars, the dashed overall line, then the labels over it.
    marks = [view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]
             for view in found["layer"]]  # fmt: skip
    assert marks == ["bar", "rule", "text"]


def test_returning_chart_stacks_new_and_returning() -> None:
    periods = pl.DataFrame(
        {
            "period": [datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)],
            "people": [10, 8],
            "new": [10, 5],
            "returning": [0, 3],
            "returning_share": [0.0, 0.375],
        }
    )
    found = spec(charts.returning_chart(periods))
    (rows,) = data(found)
    pairs = sorted((r["period_from"], r["kind"], r["count"]) for r in rows)
    assert pairs == [
        ("2026-01-01", "New", 10),
        ("2026-01-01", "Returning", 0),
        ("2026-02-01", "New", 5),
        ("2026-02-01", "Returning", 3),
    ]
    assert "(3 in all)" in text(found)


def test_series_cohort_chart_cells() -> None:
    cohorts = pl.DataFrame(
        {
            "first_part": [1, 1, 2],
            "later_part": [2, 3, 3],
            "cohort": [10, 4, 6],
            "returned": [4, 1, 0],
            "share": [0.4, 0.25, 0.0],
        }
    )
    (rows,) = data(spec(charts.series_cohort_chart(cohorts)))
    assert [(r["first"], r["later"], r["text"]) for r in rows] == [
        ("First came to part 1", "Part 2", "40%"),
        ("First came to part 1", "Part 3", "25%"),
        ("First came to part 2", "Part 3", "0%"),
    ]


def test_on_demand_chart_states_the_share() -> None:
    periods = pl.DataFrame(
        {
            "period": [datetime(2026, 1, 1, tzinfo=UTC)],
            "live_registrants": [90],
            "post_webinar_registrants": [10],
            "post_webinar_share": [0.1],
        }
    )
    found = spec(charts.on_demand_chart(periods))
    assert "10 of 100 (10.0%)" in text(found)


def test_period_charts_draw_periods_on_their_zones_calendar() -> None:
    # A Berlin week from Monday 29 June 00:00 is Sunday 22:00 UTC: drawn (on the UTC time
    # scale) at Monday 00:00, not on the Sunday.
    monday = datetime(2026, 6, 29, tzinfo=ZoneInfo("Europe/Berlin"))
    people = pl.DataFrame(
        {"period": [monday], "people": [3], "new": [2], "returning": [1]},
        schema_overrides={"period": pl.Datetime("us", "Europe/Berlin")},
    )
    sign_ups = pl.DataFrame(
        {
            "period": [monday],
            "live_registrants": [9],
            "post_webinar_registrants": [1],
            "post_webinar_share": [0.1],
        },
        schema_overrides={"period": pl.Datetime("us", "Europe/Berlin")},
    )
    for chart in (charts.returning_chart(people), charts.on_demand_chart(sign_ups)):
        (rows,) = data(spec(chart))
        assert {(r["period"], r["period_from"]) for r in rows} == {
            ("2026-06-29T00:00:00Z", "2026-06-29")
        }


def test_registration_curve_chart_reverses_days() -> None:
    curve = pl.DataFrame(
        {
            "days_before": [2, 1, 0],
            "sessions": [4, 4, 4],
            "median_share": [0.3, 0.6, 1.0],
            "p10_share": [0.1, 0.5, 1.0],
            "p90_share": [0.5, 0.7, 1.0],
        }
    )
    found = spec(charts.registration_curve_chart(curve))
    assert found["layer"][0]["encoding"]["x"]["scale"] == {"reverse": True}
    assert "4 Finished sessions" in text(found)


def test_forecast_chart_names_sessions_and_draws_both_counts() -> None:
    start = datetime(2026, 11, 5, 9, tzinfo=UTC)
    forecast = pl.DataFrame(
        {
            "session_id": ["s2", "s1"],
            "scheduled_start": [start.replace(day=9), start],
            "registrants_so_far": [5, 40],
            "forecast_registrants": [50.0, 100.0],
            "registrants_low": [30.0, 80.0],
            "registrants_high": [90.0, 120.0],
            "forecast_attendees": [20.0, 45.0],
            "attendees_low": [10.0, 30.0],
            "attendees_high": [40.0, 60.0],
            "basis": ["host", "series"],
        }
    )
    sessions = pl.DataFrame({"session_id": ["s1", "s2"], "webinar_title": ["Launch", None]})
    found = spec(charts.forecast_chart(forecast, sessions))
    left, right = data(found)[:2]
    assert [r["label"] for r in left] == ["Nov 05 · Launch (0)", "Nov 09 · s2 (1)"]
    assert [(r["value"], r["low"], r["high"]) for r in left] == [(100, 80, 120), (50, 30, 90)]
    assert [(r["value"], r["low"], r["high"]) for r in right] == [(45, 30, 60), (20, 10, 40)]


@pytest.mark.parametrize(
    ("builder", "source"),
    [
        (charts.channel_chart, metrics.CHANNELS),
        (charts.returning_chart, metrics.NEW_VS_RETURNING_PERIODS),
        (charts.series_cohort_chart, metrics.COHORTS),
        (charts.on_demand_chart, metrics.ON_DEMAND_PERIODS),
        (charts.registration_curve_chart, metrics.REGISTRATION_CURVE),
        (charts.forecast_chart, metrics.FORECAST),
    ],
)
def test_empty_frames_say_no_data_and_wrong_frames_say_what(builder: Any, source: Any) -> None:
    found = spec(builder(pl.DataFrame(schema=source)))
    assert "No data" in found["datasets"][next(iter(found["datasets"]))][0]["message"]
    with pytest.raises(ConfigurationError, match=builder.__name__):
        builder(pl.DataFrame({"x": [1]}))
