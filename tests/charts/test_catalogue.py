"""The chart catalogue: one entry, one title, per chart the report or the dashboard shows."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from tests.support.chart_sessions import NOW, participants, registrants, utc
from webinar_insights import charts, metrics
from webinar_insights.errors import ConfigurationError

REPORT_KEYS = (  # the report's figures, in order (element ids spell "_" as "-")
    "explore",
    "attendance_rate",
    "start_delay",
    "overrun",
    "status_timeline",
    "weekday_hour",
    "retention",
    "funnel",
    "lead_time",
)
DASHBOARD_KEYS = ("attendance_rate", "start_delay", "overrun", "status_timeline", "weekday_hour")


def test_every_chart_shown_has_one_entry_and_one_title() -> None:
    assert tuple(charts.CHARTS) == REPORT_KEYS
    assert set(DASHBOARD_KEYS) <= set(charts.CHARTS)
    titles = [entry.title for entry in charts.CHARTS.values()]
    assert len(set(titles)) == len(titles)
    for key, entry in charts.CHARTS.items():
        assert entry.key == key and key.isidentifier()
        assert entry.caption.endswith(".")
        assert entry.builder.__name__ in charts.__all__
    # The report's wording: the dashboard's tab said "Timeline".
    assert charts.CHARTS["status_timeline"].title == "Session timeline"


def test_building_from_the_catalogue_is_the_report_s_call(sessions: pl.DataFrame) -> None:
    catalogue = charts.CHARTS
    zone = "Europe/Berlin"
    assert (
        catalogue["attendance_rate"]
        .build(sessions, time_zone=zone, late_after=timedelta(1))
        .to_dict()
        == charts.attendance_rate_chart(sessions, time_zone=zone, max_points=1_000).to_dict()
    )
    late = timedelta(minutes=10)
    assert (
        catalogue["start_delay"].build(sessions, late_after=late, time_zone=zone).to_dict()
        == charts.start_delay_chart(sessions, late_after=late).to_dict()
    )
    assert (
        catalogue["status_timeline"].build(sessions, now=NOW, time_zone=zone).to_dict()
        == charts.status_timeline_chart(
            sessions, now=NOW, time_zone=zone, max_sessions=40
        ).to_dict()
    )
    assert (  # no time zone: each session's own
        catalogue["weekday_hour"].build(sessions).to_dict()
        == charts.weekday_hour_chart(sessions).to_dict()
    )
    start, end = utc(2024, 5, 1), utc(2024, 6, 1)
    assert (
        catalogue["explore"].build(sessions, start=start, end=end, time_zone=zone).to_dict()
        == charts.explore_chart(sessions, start=start, end=end, time_zone=zone).to_dict()
    )
    with pytest.raises(ConfigurationError, match="explore chart needs end"):
        catalogue["explore"].build(sessions, start=start)


def test_each_entry_builds_from_its_source(sessions: pl.DataFrame) -> None:
    people, registered = participants(sessions), registrants()
    sources = {
        "sessions": sessions,
        "retention_curve": metrics.retention_curve(people, sessions),
        "registration_funnel": metrics.registration_funnel(sessions, registered, people),
        "registration_lead_time": metrics.registration_lead_time(registered, sessions),
    }
    for entry in charts.CHARTS.values():
        spec = entry.build(
            sources[entry.source], start=utc(2024, 5, 1), end=utc(2024, 6, 1), now=NOW
        ).to_dict()
        assert spec["title"], entry.key
