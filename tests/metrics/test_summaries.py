"""Summaries per webinar, host and period."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from tests.support.metrics_frames import (
    MIN,
    finished,
    program,
    sessions,
    utc,
)
from webinar_insights import metrics, schemas


def test_webinar_summary_weights_the_attendance_rate() -> None:
    result = metrics.webinar_summary(program())
    want = pl.DataFrame(
        {
            "webinar_id": ["w1", "w2"],
            "webinar_title": ["Webinar w1", "Webinar w2"],
            "sessions": [3, 3],
            "finished_sessions": [2, 2],
            "registrants": [170, 40],
            "unique_attendees": [40, 13],
            # (10 + 30) / (100 + 50): the Scheduled session's 20 registrants do not count; w2 has
            # no Finished session with registrants (0 and unknown), so no rate.
            "attendance_rate": [40 / 150, None],
            "median_start_delay_min": [6.0, 0.0],
            "late_start_share": [0.5, 1 / 3],
            "total_actual_duration": [150 * MIN, 75 * MIN],
            "mean_actual_duration_min": [75.0, 37.5],
        },
        schema=pl.Schema(
            {"webinar_id": pl.String(), "webinar_title": pl.String(), **metrics.SUMMARY_COLUMNS}
        ),
    )
    assert_frame_equal(result, want)


def test_host_summary_tells_unlinked_hosts_apart_by_name() -> None:
    result = metrics.host_summary(program())
    assert result.select("host_user_id", "host_name", "sessions", "registrants").rows() == [
        ("u1", "Ann Lee", 2, 150),
        ("u2", "Ann Lee", 2, 20),
        (None, "Bo Kim", 1, 0),
        (None, "Cy Ng", 1, 40),
    ]
    assert result.schema == pl.Schema(
        {"host_user_id": pl.String(), "host_name": pl.String(), **metrics.SUMMARY_COLUMNS}
    )


def test_period_summary_cuts_local_days_across_dst() -> None:
    # Europe/Berlin moved to summer time on 2024-03-31 (02:00 -> 03:00).
    frame = metrics.session_metrics(
        sessions(
            finished("a", scheduled=utc(2024, 3, 30, 22, 30), attendees=1),  # 23:30 CET, Mar 30
            finished("b", scheduled=utc(2024, 3, 30, 23, 30), attendees=2),  # 00:30 CET, Mar 31
            finished("c", scheduled=utc(2024, 3, 31, 21, 30), attendees=4),  # 23:30 CEST, Mar 31
            finished("d", scheduled=utc(2024, 3, 31, 22, 30), attendees=8),  # 00:30 CEST, Apr 1
        )
    )
    result = metrics.period_summary(frame, every="1d", time_zone="Europe/Berlin")
    berlin = pl.Datetime("us", "Europe/Berlin")
    assert result.schema["period"] == berlin
    assert result.select(
        pl.col("period").dt.convert_time_zone("UTC"), "sessions", "unique_attendees"
    ).rows() == [
        (utc(2024, 3, 29, 23), 1, 1),  # local midnight CET = 23:00 UTC
        (utc(2024, 3, 30, 23), 2, 6),  # the 23-hour day
        (utc(2024, 3, 31, 22), 1, 8),  # local midnight CEST = 22:00 UTC
    ]
    weekly = metrics.period_summary(frame, time_zone="Europe/Berlin")  # weeks start on Monday
    assert weekly.select(pl.col("period").dt.strftime("%Y-%m-%d %a"), "sessions").rows() == [
        ("2024-03-25 Mon", 3),
        ("2024-04-01 Mon", 1),
    ]
    assert metrics.period_summary(frame).schema["period"] == schemas.TIMESTAMP
