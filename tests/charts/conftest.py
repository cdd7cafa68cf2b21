"""Fixtures of the chart tests: the small program, with and without rows."""

from __future__ import annotations

import polars as pl
import pytest

from tests.support.chart_sessions import RECORDS, REGISTRANTS, with_registrants
from webinar_insights import frames, metrics


@pytest.fixture
def sessions() -> pl.DataFrame:
    return metrics.session_metrics(with_registrants(frames.sessions_frame(RECORDS), REGISTRANTS))


@pytest.fixture
def empty_sessions() -> pl.DataFrame:
    return frames.sessions_frame([])
