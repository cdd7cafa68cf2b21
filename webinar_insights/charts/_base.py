"""The pieces every chart shares: the sessions it reads, its embedded data, its title, its time
axis, the "No data" chart, reference rules and the linking parameters."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any, Final, TypeAlias

import altair as alt
import polars as pl

from webinar_insights import metrics, schemas
from webinar_insights._checks import check_frame
from webinar_insights.theme import ACCENT, MUTED, apply_theme

__all__ = [
    "COUNT_AXIS",
    "HOST_PARAM",
    "LABEL",
    "MAX_ROWS",
    "PERIOD_PARAM",
    "STAMP",
    "STATUS_PARAM",
    "TIME_TICKS",
    "WIDTH",
    "AnyChart",
    "count_of",
    "embed",
    "heading",
    "host_selection",
    "inline",
    "layer",
    "local_label",
    "no_data",
    "period_brush",
    "rule",
    "stamp",
    "status_selection",
    "time_x",
    "with_metrics",
]

AnyChart: TypeAlias = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart
"""What the chart functions return: one view, a layer of views, or views side by side."""

MAX_ROWS: Final = 5_000
"""The most data rows any chart embeds, summed over its datasets (Altair's default max_rows)."""

PERIOD_PARAM: Final = "period"
HOST_PARAM: Final = "host"
STATUS_PARAM: Final = "status"

STAMP: Final = "%Y-%m-%dT%H:%M:%SZ"  # wall-clock time in the chart's zone, drawn on a UTC scale
LABEL: Final = "%Y-%m-%d %H:%M"
WIDTH: Final = 480
COUNT_AXIS: Final = alt.Axis(format=",d", tickMinStep=1)  # counts: no 0.5 ticks


def period_brush() -> alt.Parameter:
    """The ``period`` parameter: an interval brush over the x axis."""
    return alt.selection_interval(name=PERIOD_PARAM, encodings=["x"])


def host_selection() -> alt.Parameter:
    """The ``host`` parameter: a click selection on the field ``host``."""
    return alt.selection_point(name=HOST_PARAM, fields=["host"], on="click")


def status_selection() -> alt.Parameter:
    """The ``status`` parameter: a selection on the field ``status`` bound to the legend."""
    return alt.selection_point(name=STATUS_PARAM, fields=["status"], bind="legend")


def with_metrics(sessions: object, *, chart: str) -> pl.DataFrame:
    """The sessions frame with the derived columns of METRICS.md (computed when absent)."""
    frame = check_frame(
        sessions,
        schemas.SESSIONS.names(),
        prefix=f"{chart}: ",
        fix="Pass a sessions frame, e.g. webinar_insights.frames.sessions_frame(records).",
    )
    if not set(metrics.SESSION_METRICS_COLUMNS.names()) <= set(frame.columns):
        frame = metrics.session_metrics(frame)
    return frame


def stamp(expr: pl.Expr, time_zone: str) -> pl.Expr:
    """An aware timestamp as wall-clock text in ``time_zone`` with a ``Z`` (see the package
    docstring)."""
    return expr.dt.convert_time_zone(time_zone).dt.to_string(STAMP)


def local_label(expr: pl.Expr, time_zone: str) -> pl.Expr:
    """An aware timestamp as a tooltip label in ``time_zone``."""
    return expr.dt.convert_time_zone(time_zone).dt.to_string(LABEL)


def inline(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Inline data as a plain dict: ``alt.InlineData(values=...)`` would validate every record
    against the JSON schema when built (0.3 s for 2,000 rows); Altair moves these into the
    spec's ``datasets`` and validates the rest of the spec as usual."""
    return {"values": records}


def embed(frame: pl.DataFrame) -> dict[str, Any]:
    """Rows as plain JSON-ready records: no pandas, no NaN, enums as text."""
    fixes: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            zone = dtype.time_zone or "UTC"
            fixes.append(stamp(column.dt.replace_time_zone(zone), "UTC").alias(name))
        elif isinstance(dtype, pl.Duration):
            fixes.append((column.dt.total_microseconds() / 60e6).alias(name))
        elif isinstance(dtype, pl.Enum | pl.Categorical):
            fixes.append(column.cast(pl.String))
        elif dtype.is_float():
            fixes.append(column.fill_nan(None).round(6))
    if fixes:
        frame = frame.with_columns(fixes)
    return inline(frame.to_dicts())


def layer(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    """Views drawn over each other."""
    # alt.layer may return a FacetChart (for faceted inputs); ours never are.
    return alt.LayerChart(layer=list(charts))


def heading(text: str, *subtitle: str) -> alt.Title:
    """A chart title with the non-empty subtitle lines."""
    lines = [line for line in subtitle if line]
    return alt.Title(text, subtitle=lines) if lines else alt.Title(text)


def no_data(title: str, reason: str, *params: alt.Parameter) -> alt.Chart:
    """A chart that says there is nothing to draw, and why.

    ``params``: the linking parameters the full chart declares, declared here too (and always
    empty) so that a report referring to them still works.
    """
    chart: alt.Chart = (
        alt.Chart(inline([{"message": f"No data: {reason}"}]), title=heading(title))
        .mark_text(fontSize=14, color=MUTED, align="center", baseline="middle")
        # x on the message: an interval parameter needs a field to project on.
        .encode(text=alt.Text("message:N"), x=alt.X("message:N", axis=None))
        .properties(width=WIDTH, height=120)
    )
    if params:
        chart = chart.add_params(*params)
    return apply_theme(chart)


def count_of(n: int, thing: str) -> str:
    """``"1 session"``, ``"1,200 sessions"``."""
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


TIME_TICKS: Final = (  # interval, its length, steps to try, label format; ~8 ticks at most
    ("hours", timedelta(hours=1), (1, 2, 3, 6, 12), "%H:%M"),
    ("day", timedelta(days=1), (1, 2), "%b %d"),
    ("week", timedelta(weeks=1), (1, 2, 4), "%b %d"),
    ("month", timedelta(days=30.44), (1, 2, 3, 6), "%b %Y"),
    ("year", timedelta(days=365.25), (1, 2, 5, 10, 20, 50), "%Y"),
)


def time_x(field: str, title: str, first: datetime, last: datetime) -> alt.X:
    """A time axis on a UTC scale (see the module docstring) with ticks suited to the span.

    Vega's default picks half-day ticks for a week and then hides every other label, which
    leaves only "12 PM"s; fixed calendar intervals and formats avoid that.
    """
    span = max(last - first, timedelta(hours=1))
    interval, length, steps, fmt = next(
        (tick for tick in TIME_TICKS if span / tick[1] <= 8 * tick[2][-1]), TIME_TICKS[-1]
    )
    count = span / length
    step = next((s for s in steps if count / s <= 8), math.ceil(count / 8))
    tick_count: int | dict[str, Any] = {"interval": interval, "step": step}
    if interval == "hours":
        # Vega (6.1) fails on {"interval": "hour"} although Vega-Lite's schema asks for it; hours
        # are where Vega's own choice of ticks works well, so let it choose.
        tick_count = 8
        if first.date() != last.date():
            fmt = "%b %d %H:%M"
    axis = alt.Axis(format=fmt, tickCount=tick_count, labelOverlap=True)
    # A few pixels beyond the first and last moment, so a point there is not cut in half.
    return alt.X(f"{field}:T", title=title, scale=alt.Scale(type="utc", padding=6), axis=axis)


def rule(x: float, label: str, *, color: str = ACCENT) -> alt.LayerChart:
    """A vertical reference rule at ``x`` (quantitative axis) with a label at the top."""
    base = alt.Chart(inline([{"x": x, "label": label}])).encode(
        x=alt.X("x:Q"), tooltip=[alt.Tooltip("label:N", title="Reference")]
    )
    line = base.mark_rule(color=color, strokeDash=[5, 3], strokeWidth=2)
    text = base.mark_text(align="left", dx=4, dy=-4, baseline="top", color=color).encode(
        text="label:N", y=alt.value(0)
    )
    return layer(line, text)
