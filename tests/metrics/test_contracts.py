"""Empty frames, missing columns and bad arguments."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest

from tests.support.metrics_frames import (
    BASE,
    DERIVED,
    mixed_sessions,
    participants,
    person,
    registrants,
)
from webinar_insights import frames, metrics, schemas
from webinar_insights.errors import ConfigurationError

EMPTY = pl.DataFrame()


EMPTY_CALLS: dict[str, tuple[Callable[[], object], pl.Schema | None]] = {
    "session_metrics": (
        lambda: metrics.session_metrics(EMPTY, registrants=EMPTY),
        pl.Schema({**schemas.SESSIONS, **DERIVED}),
    ),
    "participant_metrics": (
        lambda: metrics.participant_metrics(EMPTY, EMPTY),
        pl.Schema({**schemas.PARTICIPANTS, **metrics.PARTICIPANT_METRICS_COLUMNS}),
    ),
    "webinar_summary": (
        lambda: metrics.webinar_summary(EMPTY),
        pl.Schema(
            {"webinar_id": pl.String(), "webinar_title": pl.String(), **metrics.SUMMARY_COLUMNS}
        ),
    ),
    "host_summary": (
        lambda: metrics.host_summary(EMPTY),
        pl.Schema(
            {"host_user_id": pl.String(), "host_name": pl.String(), **metrics.SUMMARY_COLUMNS}
        ),
    ),
    "period_summary": (
        lambda: metrics.period_summary(EMPTY, time_zone="Asia/Tokyo"),
        pl.Schema({"period": pl.Datetime("us", "Asia/Tokyo"), **metrics.SUMMARY_COLUMNS}),
    ),
    "retention_curve": (lambda: metrics.retention_curve(EMPTY, EMPTY), metrics.RETENTION),
    "peak_concurrency": (lambda: metrics.peak_concurrency(EMPTY, EMPTY), metrics.PEAK_CONCURRENCY),
    "registration_lead_time": (
        lambda: metrics.registration_lead_time(EMPTY, EMPTY),
        metrics.LEAD_TIME,
    ),
    "percentile_bands": (
        lambda: metrics.percentile_bands(EMPTY, value="attendance_rate", by="weekday_hour"),
        pl.Schema(
            {
                "weekday": pl.Int8(),
                "hour": pl.Int8(),
                "n": pl.Int64(),
                **dict.fromkeys(("p25", "p50", "p75", "p90"), pl.Float64()),
            }
        ),
    ),
    "anomalies": (lambda: metrics.anomalies(EMPTY, participants=EMPTY), metrics.ANOMALIES),
}


@pytest.mark.parametrize("name", list(EMPTY_CALLS))
def test_empty_frames_give_empty_frames_with_the_schema(name: str) -> None:
    call, schema = EMPTY_CALLS[name]
    result = call()
    assert isinstance(result, pl.DataFrame)
    assert result.height == 0
    assert result.schema == schema


def test_empty_frames_with_their_schemas() -> None:
    none = metrics.session_metrics(frames.sessions_frame([]))
    assert none.schema == pl.Schema({**schemas.SESSIONS, **DERIVED})
    assert metrics.kpis(none) == {
        key: (0 if key in ("sessions", "finished_sessions") else None) for key in metrics.KPI_KEYS
    }
    assert metrics.registration_funnel(none, EMPTY, EMPTY).get_column("count").to_list() == [
        0,
        0,
        0,
    ]
    people = frames.participants_frame([], session_id="s", webinar_id="w")
    assert metrics.retention_curve(people, none).schema == metrics.RETENTION
    assert metrics.peak_concurrency(people, none).schema == metrics.PEAK_CONCURRENCY
    assert metrics.percentile_bands(none, value="start_delay_min", by="host").height == 0


def test_a_missing_column_is_named() -> None:
    frame = mixed_sessions()
    with pytest.raises(ConfigurationError, match="'broadcast_start'"):
        metrics.session_metrics(frame.drop("broadcast_start"))
    with pytest.raises(ConfigurationError, match=r"'attendance_rate'.*session_metrics\(\)"):
        metrics.webinar_summary(frame)  # not through session_metrics
    with pytest.raises(ConfigurationError, match="'registered_post_webinar'"):
        metrics.session_metrics(
            frame, registrants=registrants("s1", {"id": "r"}).drop("registered_post_webinar")
        )
    with pytest.raises(ConfigurationError, match="'role'"):
        metrics.retention_curve(participants("s1", person("p", BASE, None)).drop("role"), frame)


@pytest.mark.parametrize(
    "call",
    [
        lambda f: metrics.session_metrics(f, late_after=5),
        lambda f: metrics.late_start(5),
        lambda f: metrics.period_summary(f, every="fortnightly"),
        lambda f: metrics.period_summary(f, time_zone="Mars/Olympus"),
        lambda f: metrics.percentile_bands(f, value="rate", by="host"),
        lambda f: metrics.percentile_bands(f, value="attendance_rate", by="month"),
        lambda f: metrics.percentile_bands(
            f, value="attendance_rate", by="weekday_hour", time_zone="Nowhere/Else"
        ),
        lambda f: metrics.anomalies(f, below_usual=0),
        lambda f: metrics.retention_curve(EMPTY, f, session_ids="s1"),
        lambda f: metrics.webinar_summary(f.lazy()),
    ],
)
def test_bad_arguments_raise_configuration_errors(call: Callable[[pl.DataFrame], object]) -> None:
    with pytest.raises(ConfigurationError):
        call(metrics.session_metrics(mixed_sessions()))
