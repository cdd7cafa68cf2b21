"""percentile_bands."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.support.metrics_frames import (
    MIN,
    finished,
    record,
    sessions,
    utc,
)
from webinar_insights import metrics
from webinar_insights.errors import DataWarning


def test_percentile_bands_by_webinar_and_host() -> None:
    frame = metrics.session_metrics(
        sessions(
            *(finished(f"s{i}", attendees=i, host="u1" if i < 4 else "u2") for i in range(1, 6)),
            record("s6", "Scheduled"),  # no rate: ignored
            registrant_counts={f"s{i}": 10 for i in range(1, 7)},
        )
    )
    by_webinar = metrics.percentile_bands(frame, value="attendance_rate", by="webinar")
    want = pl.DataFrame(
        {
            "webinar_id": ["w1"],
            "webinar_title": ["Webinar w1"],
            "n": [5],
            "p25": [0.2],
            "p50": [0.3],
            "p75": [0.4],
            "p90": [0.46],
        },
        schema={
            "webinar_id": pl.String,
            "webinar_title": pl.String,
            "n": pl.Int64,
            **dict.fromkeys(("p25", "p50", "p75", "p90"), pl.Float64),
        },
    )
    assert_frame_equal(by_webinar, want)
    by_host = metrics.percentile_bands(frame, value="attendance_rate", by="host")
    assert by_host.select("host_user_id", "host_name", "n", "p50").rows() == [
        ("u1", "Ann Lee", 3, pytest.approx(0.2)),
        ("u2", "Ann Lee", 2, pytest.approx(0.45)),
    ]


def test_percentile_bands_by_local_weekday_and_hour_across_dst() -> None:
    frame = metrics.session_metrics(
        sessions(
            # Mondays at 10:00 in Berlin: 09:00 UTC in winter, 08:00 UTC in summer.
            finished("s1", scheduled=utc(2024, 1, 15, 9), delay=MIN, time_zone="Europe/Berlin"),
            finished("s2", scheduled=utc(2024, 7, 15, 8), delay=3 * MIN, time_zone="Europe/Berlin"),
            finished("s3", scheduled=utc(2024, 7, 21, 23), delay=5 * MIN, time_zone="Asia/Tokyo"),
        )
    )
    own = metrics.percentile_bands(frame, value="start_delay_min", by="weekday_hour")
    assert own.select("weekday", "hour", "n", "p50").rows() == [(1, 8, 1, 5.0), (1, 10, 2, 2.0)]
    assert own.schema["weekday"] == pl.Int8 and own.schema["hour"] == pl.Int8
    in_utc = metrics.percentile_bands(
        frame, value="start_delay_min", by="weekday_hour", time_zone="UTC"
    )
    assert in_utc.select("weekday", "hour", "n").rows() == [(1, 8, 1), (1, 9, 1), (7, 23, 1)]


def test_percentile_bands_warn_about_an_unknown_zone() -> None:
    frame = metrics.session_metrics(
        sessions(finished("s1", scheduled=utc(2024, 1, 15, 9), time_zone="Mars/Olympus"))
    )
    with pytest.warns(DataWarning, match="Mars/Olympus"):
        result = metrics.percentile_bands(frame, value="start_delay_min", by="weekday_hour")
    assert result.select("weekday", "hour", "n").rows() == [(1, 9, 1)]
