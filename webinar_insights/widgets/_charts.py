"""The dashboard's charts: the ``sessions`` charts of ``charts.CHARTS`` but the report's linked
explore view, each in a tab under its catalogue title, then the Audience tab (the charts of
``charts.AUDIENCE_CHARTS``, see ``_audience``); what each depends on and how it becomes one
Jupyter output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias

import polars as pl

from webinar_insights import charts
from webinar_insights.notebook import chart_html

from ._audience import AUDIENCE, AUDIENCE_TITLE
from ._filters import Filters

__all__ = [
    "CHART_NAMES",
    "TAB_TITLES",
    "ChartName",
    "build_chart",
    "chart_params",
    "display_data",
]

ChartName: TypeAlias = Literal[
    "attendance_rate", "start_delay", "overrun", "status_timeline", "weekday_hour", "audience"
]
"""The names of the dashboard's charts (keys of :meth:`Dashboard.charts`)."""

CHART_NAMES: Final[tuple[ChartName, ...]] = (
    "attendance_rate",
    "start_delay",
    "overrun",
    "status_timeline",
    "weekday_hour",
    AUDIENCE,
)
"""The dashboard's charts, in tab order."""

TAB_TITLES: Final[Mapping[ChartName, str]] = MappingProxyType(
    {
        name: AUDIENCE_TITLE if name == AUDIENCE else charts.CHARTS[name].title
        for name in CHART_NAMES
    }
)
"""Each tab's title: the chart's title in ``charts.CHARTS`` (as the report's figures); the
Audience tab's is the heading of the report's Audience section."""


def chart_params(name: ChartName, filters: Filters, now: datetime | None) -> tuple[Any, ...]:
    """What, besides the rows shown, a chart depends on (its cache key): the settings its
    catalogue entry takes; for the Audience tab, the time zone of its periods and the clock of
    its forecast."""
    if name == AUDIENCE:
        return (filters.time_zone, now)
    given = {"time_zone": filters.time_zone, "late_after": filters.late_after, "now": now}
    return tuple(given[option] for option in charts.CHARTS[name].options)


def build_chart(
    name: ChartName, frame: pl.DataFrame, filters: Filters, now: datetime | None
) -> charts.AnyChart:
    """The chart ``name`` of ``frame``, as ``charts.CHARTS`` builds it for the report (not the
    Audience tab: ``Dashboard`` builds it from the people too)."""
    return charts.CHARTS[name].build(
        frame, time_zone=filters.time_zone, late_after=filters.late_after, now=now
    )


def display_data(chart: charts.AnyChart, name: str) -> dict[str, Any]:
    """One Jupyter ``display_data`` output of a chart, drawn offline by the page's Vega library
    (``webinar_insights.notebook.chart_html``; the dashboard puts the library into the page).

    Not validated against the Vega-Lite schema again: the charts module's tests validate every
    chart's spec, and validation is a third of a redraw at 100,000 sessions.
    """
    spec = chart.to_dict(validate=False)
    return {
        "output_type": "display_data",
        "data": {"text/html": chart_html(spec), "text/plain": f"<{name} chart>"},
        "metadata": {},
    }
