"""The dashboard's :class:`Filters` on their own: local days, validation, the one-line description."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from tests.support.dashboard_sessions import ids, sessions_frame, utc
from webinar_insights import metrics
from webinar_insights.errors import ConfigurationError
from webinar_insights.widgets import Filters


def test_filters_days_are_half_open_local_days() -> None:
    frame = metrics.session_metrics(sessions_frame()).with_columns(
        scheduled_start=pl.Series(
            [
                utc(2026, 2, 28, 23),  # March 1, 00:00 in Berlin: the first instant shown
                utc(2026, 2, 28, 22, 59, 59),  # still February in Berlin
                utc(2026, 3, 1, 22, 59, 59),  # the last second of March 1 in Berlin
                utc(2026, 3, 1, 23),  # March 2 in Berlin: past the end
                None,  # no scheduled start: its actual start counts
                None,  # neither: never inside a bounded range
            ],
            dtype=pl.Datetime("us", "UTC"),
        ),
        actual_start=pl.Series(
            [None, None, None, None, utc(2026, 3, 1, 12), None], dtype=pl.Datetime("us", "UTC")
        ),
    )
    berlin = Filters(start=date(2026, 3, 1), end=date(2026, 3, 1), time_zone="Europe/Berlin")
    assert berlin.bounds() == (utc(2026, 2, 28, 23), utc(2026, 3, 1, 23))
    assert ids(berlin.apply(frame)) == ["s1", "s3", "s5"]
    assert ids(Filters(end=date(2026, 3, 1), time_zone="Europe/Berlin").apply(frame)) == [
        "s1",
        "s2",
        "s3",
        "s5",
    ]
    assert berlin.describe() == "2026-03-01 to 2026-03-01 (Europe/Berlin); late after 5 min"


def test_filters_validate_their_values() -> None:
    with pytest.raises(ConfigurationError, match=r"datetime\.date"):
        Filters(start=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ConfigurationError, match="unknown status"):
        Filters(statuses=("Done",))
    with pytest.raises(ConfigurationError, match="late_after"):
        Filters(late_after=timedelta(minutes=-1))
    assert Filters(statuses=("Finished", "Scheduled")).statuses == ("Scheduled", "Finished")
    assert Filters(statuses=()).describe().endswith("no status; late after 5 min")
