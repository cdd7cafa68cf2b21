"""What every chart promises: raw sessions accepted, "No data" charts, linking parameters, errors that say how to fix them, no pandas."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import altair as alt
import polars as pl
import pytest

from tests.support.chart_sessions import (
    BUILDERS,
    RECORDS,
    REGISTRANTS,
    SESSION_CHARTS,
    with_registrants,
)
from tests.support.chart_specs import data_of, marks, params, views
from webinar_insights import charts, frames, metrics, theme
from webinar_insights.errors import ConfigurationError


def test_charts_accept_sessions_without_the_metrics_columns() -> None:
    raw = with_registrants(frames.sessions_frame(RECORDS), REGISTRANTS)
    derived = metrics.session_metrics(raw)
    for name in SESSION_CHARTS:
        assert BUILDERS[name](raw).to_dict() == BUILDERS[name](derived).to_dict(), name


EMPTY_INPUTS: dict[str, Callable[[], alt.TopLevelMixin]] = {
    **{
        name: (lambda name=name: BUILDERS[name](frames.sessions_frame([])))  # type: ignore[misc]
        for name in SESSION_CHARTS
    },
    "retention": lambda: charts.retention_chart(pl.DataFrame(schema=metrics.RETENTION)),
    "registration_funnel": lambda: charts.registration_funnel_chart(
        pl.DataFrame(schema=metrics.FUNNEL)
    ),
    "registration_lead_time": lambda: charts.registration_lead_time_chart(
        pl.DataFrame(schema=metrics.LEAD_TIME)
    ),
}


@pytest.mark.parametrize("name", list(EMPTY_INPUTS))
def test_empty_input_gives_a_no_data_chart(name: str) -> None:
    spec = EMPTY_INPUTS[name]().to_dict()
    assert marks(spec) == ["text"]
    (message,) = data_of(spec, views(spec)[0])
    assert message["message"].startswith("No data: ")
    assert spec["title"]["text"]
    assert spec["usermeta"]["webinar_insights"]["theme"] == theme.THEME_NAME


@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("attendance_rate", charts.PERIOD_PARAM),
        ("start_delay", charts.HOST_PARAM),
        ("status_timeline", charts.STATUS_PARAM),
    ],
)
def test_linking_params_are_declared_with_or_without_data(
    name: str, param: str, sessions: pl.DataFrame, empty_sessions: pl.DataFrame
) -> None:
    full = params(BUILDERS[name](sessions).to_dict())
    empty = params(BUILDERS[name](empty_sessions).to_dict())
    assert param in full and param in empty
    assert empty[param]["select"] == full[param]["select"]


def test_nothing_to_draw_in_a_frame_with_rows_also_says_no_data(
    sessions: pl.DataFrame,
) -> None:
    scheduled = sessions.filter(pl.col("status") == "Scheduled")
    spec = charts.attendance_rate_chart(scheduled).to_dict()
    assert marks(spec) == ["text"]
    assert "registrant_count > 0" in json.dumps(spec)


def test_bad_inputs_say_how_to_fix_them(sessions: pl.DataFrame) -> None:
    with pytest.raises(ConfigurationError, match="sessions_frame"):
        charts.overrun_chart(sessions.drop("scheduled_start"))
    with pytest.raises(ConfigurationError, match="retention_curve"):
        charts.retention_chart(sessions)
    with pytest.raises(ConfigurationError, match="polars DataFrame"):
        charts.start_delay_chart(RECORDS)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="max_points"):
        charts.attendance_rate_chart(sessions, max_points=0)


def test_charts_need_no_pandas() -> None:
    code = (
        "import sys\n"
        "from webinar_insights import charts, frames\n"
        f"records = {RECORDS!r}\n"
        "sessions = frames.sessions_frame(records)\n"
        "for chart in (charts.attendance_rate_chart(sessions), charts.status_timeline_chart("
        "sessions), charts.weekday_hour_chart(sessions), charts.start_delay_chart(sessions)):\n"
        "    chart.to_dict()\n"
        "print('pandas' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
