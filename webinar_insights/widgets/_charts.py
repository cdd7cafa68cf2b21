"""The dashboard's charts: their names and tab titles, what each depends on, how each is built
and how it becomes one Jupyter output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, Literal, TypeAlias

import altair as alt
import polars as pl

from webinar_insights import charts

from ._filters import Filters

__all__ = [
    "CHART_NAMES",
    "MAX_POINTS",
    "TAB_TITLES",
    "ChartName",
    "build_chart",
    "chart_params",
    "display_data",
]

ChartName: TypeAlias = Literal[
    "attendance_rate", "start_delay", "overrun", "status_timeline", "weekday_hour"
]
"""The names of the dashboard's charts (keys of :meth:`Dashboard.charts`)."""

CHART_NAMES: Final[tuple[ChartName, ...]] = (
    "attendance_rate",
    "start_delay",
    "overrun",
    "status_timeline",
    "weekday_hour",
)
"""The dashboard's charts, in tab order."""

TAB_TITLES: Final[Mapping[ChartName, str]] = {
    "attendance_rate": "Attendance",
    "start_delay": "Start delay",
    "overrun": "Overrun",
    "status_timeline": "Timeline",
    "weekday_hour": "Weekday × hour",
}
MAX_POINTS = 1_000  # attendance points drawn at most, as in the report (the trend uses all)


def chart_params(name: ChartName, filters: Filters, now: datetime | None) -> tuple[Any, ...]:
    """What, besides the rows shown, a chart depends on (its cache key)."""
    if name == "start_delay":
        return (filters.late_after,)
    if name == "overrun":
        return ()
    if name == "status_timeline":
        return (filters.time_zone, now)
    return (filters.time_zone,)


def build_chart(
    name: ChartName, frame: pl.DataFrame, filters: Filters, now: datetime | None
) -> charts.AnyChart:
    if name == "attendance_rate":
        return charts.attendance_rate_chart(
            frame, time_zone=filters.time_zone, max_points=MAX_POINTS
        )
    if name == "start_delay":
        return charts.start_delay_chart(frame, late_after=filters.late_after)
    if name == "overrun":
        return charts.overrun_chart(frame)
    if name == "status_timeline":
        return charts.status_timeline_chart(frame, now=now, time_zone=filters.time_zone)
    return charts.weekday_hour_chart(frame, time_zone=filters.time_zone)


def display_data(chart: charts.AnyChart, name: str) -> dict[str, Any]:
    """One Jupyter ``display_data`` output of a chart, through Altair's active renderer.

    Not validated against the Vega-Lite schema again: the charts module's tests validate every
    chart's spec, and validation is a third of a redraw at 100,000 sessions.
    """
    spec = chart.to_dict(validate=False)
    renderer = alt.renderers.get()
    bundle: Any = renderer(spec) if renderer is not None else {}
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
    data = dict(data or {})
    data.setdefault("text/plain", f"<{name} chart>")
    return {"output_type": "display_data", "data": data, "metadata": dict(metadata or {})}
