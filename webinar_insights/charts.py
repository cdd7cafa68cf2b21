"""Altair charts of a webinar program: ``<subject>_chart(frame, *, ...) -> chart``.

Every chart here

* takes the frames of ``webinar_insights.frames`` / ``webinar_insights.metrics`` (a sessions
  frame without the derived columns is passed through ``metrics.session_metrics`` first);
* pre-aggregates in polars, so the data embedded in its spec stays bounded: at most
  :data:`MAX_ROWS` rows in all, however large the input (100,000 sessions included), with
  Altair's max-rows setting left as it is. Where a chart samples or aggregates rows it says so
  in its subtitle;
* embeds plain records (``{"values": frame.to_dicts()}``; no pandas needed): times as ISO-8601
  text drawn on UTC scales, durations as minutes (columns ending in ``_min``);
* carries the :mod:`webinar_insights.theme` settings itself (``theme.apply_theme``), so it
  looks the same whether or not the user enabled the theme. Why not enable the theme on import
  instead: importing must not restyle a user's other charts, and a chart that carries its own
  config looks the same in a notebook, the report and a vl-convert PNG whatever theme is active;
* turns an empty input into a chart that says "No data" and why, rather than an error.

Times on a time axis are shown in one time zone (``time_zone``, UTC by default): the embedded
values are the wall-clock times in that zone with a ``Z`` suffix, drawn on a UTC scale, so the
axis reads the same on every viewer's machine.

Linking parameters
------------------
Charts that a report links declare Vega-Lite parameters under fixed names (the constants below;
renaming one breaks reports). Each is declared by its chart in every case, its "No data" form
included (there it stays empty), so a report can always refer to it:

``period`` (:data:`PERIOD_PARAM`)
    :func:`attendance_rate_chart`: an interval brush over the x axis of the session points,
    on the field ``scheduled_start`` (wall-clock text in the chart's time zone, see above).
``host`` (:data:`HOST_PARAM`)
    :func:`start_delay_chart`: a click selection on the host ranking, on the field ``host``
    (the host's display name, ``host_name`` else ``host_user_id``).
``status`` (:data:`STATUS_PARAM`)
    :func:`status_timeline_chart`: a selection on the field ``status`` bound to the colour
    legend (click a status to highlight it).
"""

from __future__ import annotations

import math
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias

import altair as alt
import polars as pl

from webinar_insights import metrics, schemas
from webinar_insights._time import TimeLike, to_utc
from webinar_insights._time import zone as _zone
from webinar_insights.errors import ConfigurationError
from webinar_insights.theme import ACCENT, MUTED, PALETTE, apply_theme, status_scale

__all__ = [
    "HOST_PARAM",
    "MAX_ROWS",
    "PERIOD_PARAM",
    "STATUS_PARAM",
    "AnyChart",
    "attendance_rate_chart",
    "overrun_chart",
    "registration_funnel_chart",
    "registration_lead_time_chart",
    "retention_chart",
    "save_chart",
    "start_delay_chart",
    "status_timeline_chart",
    "weekday_hour_chart",
]

AnyChart: TypeAlias = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart
"""What the chart functions return: one view, a layer of views, or views side by side."""

MAX_ROWS: Final = 5_000
"""The most data rows any chart embeds, summed over its datasets (Altair's default max_rows)."""

PERIOD_PARAM: Final = "period"
HOST_PARAM: Final = "host"
STATUS_PARAM: Final = "status"


def _period_brush() -> alt.Parameter:
    return alt.selection_interval(name=PERIOD_PARAM, encodings=["x"])


def _host_selection() -> alt.Parameter:
    return alt.selection_point(name=HOST_PARAM, fields=["host"], on="click")


def _status_selection() -> alt.Parameter:
    return alt.selection_point(name=STATUS_PARAM, fields=["status"], bind="legend")


Period: TypeAlias = Literal["1d", "1w", "1mo", "1q", "1y"]
WeekdayHourValue: TypeAlias = Literal["sessions", "attendance_rate"]

_PERIOD_NAMES: Final[Mapping[str, str]] = {
    "1d": "day",
    "1w": "week",
    "1mo": "month",
    "1q": "quarter",
    "1y": "year",
}
_PERIOD_DAYS: Final[Mapping[str, float]] = {
    "1d": 1,
    "1w": 7,
    "1mo": 30.44,
    "1q": 91.3,
    "1y": 365.25,
}
_AUTO_MAX_PERIODS = 60  # an automatic period keeps the trend line readable
_MAX_PERIODS = 1_000  # an explicit period may give this many, no more
_MAX_BINS = 120
_MAX_TIMELINE_SESSIONS = 1_000
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_STAMP = "%Y-%m-%dT%H:%M:%SZ"  # wall-clock time in the chart's zone, drawn on a UTC scale
_LABEL = "%Y-%m-%d %H:%M"
_NICE_STEPS: Final = (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1_440, 2_880, 10_080)
_WIDTH = 480
_COUNT_AXIS: Final = alt.Axis(format=",d", tickMinStep=1)  # counts: no 0.5 ticks


# ---------------------------------------------------------------------------------------------
# Shared pieces: input checks, embedded data, titles, the "no data" chart.


def _check_frame(frame: object, columns: Sequence[str], *, chart: str, fix: str) -> pl.DataFrame:
    if not isinstance(frame, pl.DataFrame):
        raise ConfigurationError(
            f"{chart}: expected a polars DataFrame, got {type(frame).__name__}. {fix}"
        )
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise ConfigurationError(f"{chart}: the frame has no column(s) {missing}. {fix}")
    return frame


def _sessions(sessions: object, *, chart: str) -> pl.DataFrame:
    """The sessions frame with the derived columns of METRICS.md (computed when absent)."""
    frame = _check_frame(
        sessions,
        schemas.SESSIONS.names(),
        chart=chart,
        fix="Pass a sessions frame, e.g. webinar_insights.frames.sessions_frame(records).",
    )
    if not set(metrics.SESSION_METRICS_COLUMNS.names()) <= set(frame.columns):
        frame = metrics.session_metrics(frame)
    return frame


def _stamp(expr: pl.Expr, time_zone: str) -> pl.Expr:
    """An aware timestamp as wall-clock text in ``time_zone`` with a ``Z`` (see module doc)."""
    return expr.dt.convert_time_zone(time_zone).dt.to_string(_STAMP)


def _label(expr: pl.Expr, time_zone: str) -> pl.Expr:
    """An aware timestamp as a tooltip label in ``time_zone``."""
    return expr.dt.convert_time_zone(time_zone).dt.to_string(_LABEL)


def _host() -> pl.Expr:
    """The host's display name: ``host_name``, else ``host_user_id``, else "(no host)"."""
    return pl.coalesce(pl.col("host_name"), pl.col("host_user_id"), pl.lit("(no host)"))


def _values(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Inline data as a plain dict: ``alt.InlineData(values=...)`` would validate every record
    against the JSON schema when built (0.3 s for 2,000 rows); Altair moves these into the
    spec's ``datasets`` and validates the rest of the spec as usual."""
    return {"values": records}


def _data(frame: pl.DataFrame) -> dict[str, Any]:
    """Rows as plain JSON-ready records: no pandas, no NaN, enums as text."""
    fixes: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            zone = dtype.time_zone or "UTC"
            fixes.append(_stamp(column.dt.replace_time_zone(zone), "UTC").alias(name))
        elif isinstance(dtype, pl.Duration):
            fixes.append((column.dt.total_microseconds() / 60e6).alias(name))
        elif isinstance(dtype, pl.Enum | pl.Categorical):
            fixes.append(column.cast(pl.String))
        elif dtype.is_float():
            fixes.append(column.fill_nan(None).round(6))
    if fixes:
        frame = frame.with_columns(fixes)
    return _values(frame.to_dicts())


def _layer(*charts: alt.Chart | alt.LayerChart) -> alt.LayerChart:
    # alt.layer may return a FacetChart (for faceted inputs); ours never are.
    return alt.LayerChart(layer=list(charts))


def _title(text: str, *subtitle: str) -> alt.Title:
    lines = [line for line in subtitle if line]
    return alt.Title(text, subtitle=lines) if lines else alt.Title(text)


def _no_data(title: str, reason: str, *params: alt.Parameter) -> alt.Chart:
    """A chart that says there is nothing to draw, and why.

    ``params``: the linking parameters the full chart declares, declared here too (and always
    empty) so that a report referring to them still works.
    """
    chart: alt.Chart = (
        alt.Chart(_values([{"message": f"No data: {reason}"}]), title=_title(title))
        .mark_text(fontSize=14, color=MUTED, align="center", baseline="middle")
        # x on the message: an interval parameter needs a field to project on.
        .encode(text=alt.Text("message:N"), x=alt.X("message:N", axis=None))
        .properties(width=_WIDTH, height=120)
    )
    if params:
        chart = chart.add_params(*params)
    return apply_theme(chart)


def _count(n: int, thing: str) -> str:
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


def _zone_name(time_zone: str) -> str:
    return _zone(time_zone).key


def _positive_int(value: int, *, name: str, chart: str, most: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"{chart}: {name} must be a positive whole number, not {value!r}.")
    if most is not None and value > most:
        raise ConfigurationError(
            f"{chart}: {name}={value:,} is more than the {most:,} a chart may embed; pass a"
            f" smaller {name}."
        )
    return value


_TICKS: Final = (  # interval, its length, steps to try, label format; ~8 ticks at most
    ("hours", timedelta(hours=1), (1, 2, 3, 6, 12), "%H:%M"),
    ("day", timedelta(days=1), (1, 2), "%b %d"),
    ("week", timedelta(weeks=1), (1, 2, 4), "%b %d"),
    ("month", timedelta(days=30.44), (1, 2, 3, 6), "%b %Y"),
    ("year", timedelta(days=365.25), (1, 2, 5, 10, 20, 50), "%Y"),
)


def _time_x(field: str, title: str, first: datetime, last: datetime) -> alt.X:
    """A time axis on a UTC scale (see the module docstring) with ticks suited to the span.

    Vega's default picks half-day ticks for a week and then hides every other label, which
    leaves only "12 PM"s; fixed calendar intervals and formats avoid that.
    """
    span = max(last - first, timedelta(hours=1))
    interval, length, steps, fmt = next(
        (tick for tick in _TICKS if span / tick[1] <= 8 * tick[2][-1]), _TICKS[-1]
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
    return alt.X(f"{field}:T", title=title, scale=alt.Scale(type="utc"), axis=axis)


# ---------------------------------------------------------------------------------------------
# Histograms of pre-binned values (start delay, overrun, registration lead time).


@dataclass(frozen=True)
class _Bins:
    frame: pl.DataFrame  # bin_start, bin_end, group, count, range
    width: float
    low: float
    high: float
    below: int  # values under `low`, counted in the first bin
    above: int  # values at or over `high`, counted in the last bin
    total: int


def _nice_width(width: float, span: float) -> float:
    for step in _NICE_STEPS:
        if span / (width * step) <= _MAX_BINS:
            return width * step
    return width * math.ceil(span / (width * _MAX_BINS))


def _bin(values: pl.DataFrame, *, width: float, include: Sequence[float] = ()) -> _Bins:
    """Bin ``values`` (columns ``value`` and ``group``) into at most ``_MAX_BINS`` bins.

    The range runs from the 0.5th to the 99.5th percentile (widened to hold ``include``), so
    that one outlier does not squash the rest; values beyond it count in the edge bins.
    """
    value = pl.col("value")
    stats = values.select(
        lo=value.quantile(0.005, "lower"), hi=value.quantile(0.995, "higher"), n=pl.len()
    ).row(0, named=True)
    low = math.floor(min(stats["lo"], *include) / width) * width
    high = (math.floor(max(stats["hi"], *include) / width) + 1) * width
    width = _nice_width(width, high - low)
    low = math.floor(low / width) * width
    high = math.ceil(high / width) * width
    if high <= low:
        high = low + width
    last = round((high - low) / width) - 1
    index = ((value - low) / width).floor().clip(0, last).cast(pl.Int64)
    counted = (
        values.group_by(index.alias("bin"), "group")
        .agg(count=pl.len())
        .with_columns(
            bin_start=pl.col("bin") * width + low,
            bin_end=(pl.col("bin") + 1) * width + low,
        )
        .sort("bin", "group")
    )
    edges = values.select(below=(value < low).sum(), above=(value >= high).sum()).row(0)
    return _Bins(
        frame=counted.drop("bin"),
        width=width,
        low=low,
        high=high,
        below=int(edges[0]),
        above=int(edges[1]),
        total=int(stats["n"]),
    )


def _edge_note(bins: _Bins, unit: str, thing: str) -> str:
    outside = bins.below + bins.above
    if not outside:
        return ""
    return (
        f"{_count(outside, thing)} outside {bins.low:g} to {bins.high:g} {unit} are counted in"
        " the edge bars."
    )


def _histogram(
    bins: _Bins,
    *,
    x_title: str,
    y_title: str,
    groups: Mapping[str, str],
    legend_title: str,
    unit: str,
) -> alt.Chart:
    """Bars of pre-binned counts, stacked by group (``groups``: group name to colour)."""
    frame = bins.frame.with_columns(
        range=pl.format(
            "{} to {} " + unit, pl.col("bin_start").round(2), pl.col("bin_end").round(2)
        ),
        share=pl.col("count") / bins.total,
    )
    chart: alt.Chart = (
        alt.Chart(_data(frame))
        .mark_bar(binSpacing=1)
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title=x_title),
            x2=alt.X2("bin_end:Q"),
            y=alt.Y("count:Q", stack=True, title=y_title, axis=_COUNT_AXIS),
            color=alt.Color(
                "group:N",
                title=legend_title,
                scale=alt.Scale(domain=list(groups), range=list(groups.values())),
            ),
            tooltip=[
                alt.Tooltip("range:N", title="Range"),
                alt.Tooltip("group:N", title=legend_title),
                alt.Tooltip("count:Q", title="Count", format=","),
                alt.Tooltip("share:Q", title="Share of all", format=".1%"),
            ],
        )
        .properties(width=_WIDTH, height=260)
    )
    return chart


def _rule(x: float, label: str, *, color: str = ACCENT) -> alt.LayerChart:
    """A vertical reference rule at ``x`` (quantitative axis) with a label at the top."""
    base = alt.Chart(_values([{"x": x, "label": label}])).encode(
        x=alt.X("x:Q"), tooltip=[alt.Tooltip("label:N", title="Reference")]
    )
    line = base.mark_rule(color=color, strokeDash=[5, 3], strokeWidth=2)
    text = base.mark_text(align="left", dx=4, dy=-4, baseline="top", color=color).encode(
        text="label:N", y=alt.value(0)
    )
    return _layer(line, text)


# ---------------------------------------------------------------------------------------------
# Attendance rate over time.


def _auto_period(first: datetime, last: datetime) -> Period:
    days = max((last - first) / timedelta(days=1), 1.0)
    for every, length in _PERIOD_DAYS.items():
        if days / length <= _AUTO_MAX_PERIODS:
            return every  # type: ignore[return-value]
    return "1y"


def attendance_rate_chart(
    sessions: pl.DataFrame,
    *,
    every: Period | None = None,
    time_zone: str = "UTC",
    max_points: int = 2_000,
) -> alt.LayerChart | alt.Chart:
    """Attendance rate of each Finished session over time, with the trend and usual band.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns).
    every:
        The trend's period: ``"1d"``, ``"1w"``, ``"1mo"``, ``"1q"`` or ``"1y"``; by default the
        shortest one that gives at most 60 periods.
    time_zone:
        IANA name of the zone periods start in and times are shown in.
    max_points:
        Sessions drawn as points at most; more are sampled (fixed seed, so the same frame gives
        the same chart), and the subtitle says so. The trend and band always use every session.

    Returns
    -------
    altair.LayerChart
        Points: one per session (``attendance_rate`` = unique attendees / live registrants).
        Line: the weighted rate per period (sum of attendees / sum of registrants). Band: the
        25th to 75th percentile of the sessions' rates in each period. Declares the
        ``period`` brush (see the module docstring).
    """
    name = "attendance_rate_chart"
    title = "Attendance rate per session"
    frame = _sessions(sessions, chart=name)
    zone = _zone_name(time_zone)
    if every is not None and every not in _PERIOD_NAMES:
        raise ConfigurationError(
            f"{name}: every={every!r} is not a period; use one of {list(_PERIOD_NAMES)}."
        )
    max_points = _positive_int(max_points, name="max_points", chart=name, most=MAX_ROWS // 2)
    rated = frame.filter(
        pl.col("status") == "Finished",
        pl.col("attendance_rate").is_not_null(),
        pl.col("scheduled_start").is_not_null(),
    )
    if rated.is_empty():
        return _no_data(
            title,
            "no Finished session with registrants (the rate needs registrant_count > 0).",
            _period_brush(),
        )
    first, last = rated.select(
        pl.col("scheduled_start").min().alias("first"), pl.col("scheduled_start").max()
    ).row(0)
    period: Period = every or _auto_period(first, last)
    local = zoneinfo.ZoneInfo(zone)
    local_span = (first.astimezone(local), last.astimezone(local))
    # A session belongs to the period of its scheduled start, as in metrics.period_summary,
    # which gives the weighted rate; the band's percentiles are cut the same way.
    rate = pl.col("attendance_rate")
    summary = metrics.period_summary(rated, every=period, time_zone=zone)
    if summary.height > _MAX_PERIODS:
        raise ConfigurationError(
            f"{name}: every={period!r} gives {summary.height:,} periods, more than the"
            f" {_MAX_PERIODS:,} a chart may embed; pass a longer period such as '1mo', or"
            " every=None to choose one."
        )
    spread = rated.group_by(
        pl.col("scheduled_start").dt.convert_time_zone(zone).dt.truncate(period).alias("period")
    ).agg(p25=rate.quantile(0.25, "linear"), p75=rate.quantile(0.75, "linear"))
    start, end = pl.col("period"), pl.col("period").dt.offset_by(period)
    periods = (
        summary.join(spread, on="period", how="left")
        .sort("period")
        .select(
            period_mid=_stamp(start + (end - start) / 2, zone),
            period=pl.format(
                "{} to {}",
                start.dt.to_string("%Y-%m-%d"),
                end.dt.offset_by("-1d").dt.to_string("%Y-%m-%d"),
            ),
            sessions=pl.col("sessions"),
            weighted_rate=pl.col("attendance_rate"),
            attendees=pl.col("unique_attendees"),
            registrants=pl.col("registrants"),
            p25=pl.col("p25"),
            p75=pl.col("p75"),
        )
    )
    sampled = rated.height > max_points
    points = rated.sample(n=max_points, seed=0) if sampled else rated
    points = points.sort("scheduled_start", "session_id").select(
        scheduled_start=_stamp(pl.col("scheduled_start"), zone),
        scheduled=_label(pl.col("scheduled_start"), zone),
        started=_label(pl.col("actual_start"), zone),
        session=pl.col("session_title"),
        webinar=pl.col("webinar_title"),
        host=_host(),
        attendance_rate=rate,
        attendees=pl.col("unique_attendee_count"),
        registrants=pl.col("registrant_count"),
    )
    unit = _PERIOD_NAMES[period]
    x_title = f"Scheduled start ({zone})"
    y_axis = alt.Axis(format="%")
    brush = _period_brush()
    trend = alt.Chart(_data(periods)).encode(
        x=_time_x("period_mid", x_title, *local_span),
        tooltip=[
            alt.Tooltip("period:N", title=unit.capitalize()),
            alt.Tooltip("weighted_rate:Q", title="Weighted attendance rate", format=".1%"),
            alt.Tooltip("p25:Q", title="25th percentile", format=".1%"),
            alt.Tooltip("p75:Q", title="75th percentile", format=".1%"),
            alt.Tooltip("sessions:Q", title="Sessions", format=","),
            alt.Tooltip("attendees:Q", title="Unique attendees", format=","),
            alt.Tooltip("registrants:Q", title="Registrants", format=","),
        ],
    )
    band = trend.mark_area(color=MUTED, opacity=0.25).encode(
        y=alt.Y("p25:Q", title="Attendance rate (attendees / registrants, %)", axis=y_axis),
        y2=alt.Y2("p75:Q"),
    )
    line = trend.mark_line(color=PALETTE[0], strokeWidth=2.5, point=True).encode(
        y=alt.Y("weighted_rate:Q")
    )
    dots = (
        alt.Chart(_data(points))
        .mark_circle(color=PALETTE[4], opacity=0.6, size=30)
        .encode(
            x=_time_x("scheduled_start", x_title, *local_span),
            y=alt.Y("attendance_rate:Q"),
            tooltip=[
                alt.Tooltip("session:N", title="Session"),
                alt.Tooltip("webinar:N", title="Webinar"),
                alt.Tooltip("host:N", title="Host"),
                alt.Tooltip("scheduled:N", title=f"Scheduled start ({zone})"),
                alt.Tooltip("started:N", title=f"Went live ({zone})"),
                alt.Tooltip("attendance_rate:Q", title="Attendance rate", format=".1%"),
                alt.Tooltip("attendees:Q", title="Unique attendees", format=","),
                alt.Tooltip("registrants:Q", title="Registrants", format=","),
            ],
        )
        .add_params(brush)
    )
    shown = (
        f"Showing a sample of {points.height:,} of {rated.height:,} sessions (fixed seed);"
        " the line and band use all of them."
        if sampled
        else f"{_count(rated.height, 'Finished session')} with registrants."
    )
    chart = _layer(band, dots, line).properties(
        width=_WIDTH,
        height=280,
        title=_title(
            title,
            f"Dots: sessions. Line: weighted rate per {unit}. Band: middle half (25th to 75th"
            f" percentile) of the sessions' rates per {unit}.",
            shown,
        ),
    )
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Start delay: distribution and per-host ranking.


def start_delay_chart(
    sessions: pl.DataFrame,
    *,
    late_after: timedelta = timedelta(minutes=5),
    top: int = 10,
    min_sessions: int = 3,
    bin_minutes: float = 1.0,
) -> alt.HConcatChart | alt.Chart:
    """How late sessions start: a histogram of start delays beside a per-host ranking.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns). Scheduled
        sessions have no start delay and are left out.
    late_after:
        A session is late when its delay is more than this (drawn as a rule).
    top:
        Hosts in the ranking (those with the highest median delay).
    min_sessions:
        Hosts need at least this many started sessions to be ranked.
    bin_minutes:
        Histogram bar width in minutes; widened when the delays span more than 120 bars.

    Returns
    -------
    altair.HConcatChart
        Left: sessions per delay bin, split into late and on time (or early). Right: median
        delay per host. Declares the ``host`` selection (see the module docstring).
    """
    name = "start_delay_chart"
    title = "Start delay"
    frame = _sessions(sessions, chart=name)
    top = _positive_int(top, name="top", chart=name, most=200)
    min_sessions = _positive_int(min_sessions, name="min_sessions", chart=name)
    if not isinstance(late_after, timedelta):
        raise ConfigurationError(
            f"{name}: late_after must be a datetime.timedelta, e.g. timedelta(minutes=5)."
        )
    if not bin_minutes > 0:
        raise ConfigurationError(f"{name}: bin_minutes must be positive, not {bin_minutes!r}.")
    late_min = late_after / timedelta(minutes=1)
    started = frame.filter(pl.col("start_delay").is_not_null()).select(
        value=metrics.minutes("start_delay"), late=pl.col("start_delay") > late_after
    )
    if started.is_empty():
        return _no_data(
            title,
            "no session has started yet (Scheduled sessions have no delay).",
            _host_selection(),
        )
    late_label, on_time_label = f"late (> {late_min:g} min)", "on time or early"
    bins = _bin(
        started.select(
            "value",
            group=pl.when(pl.col("late")).then(pl.lit(late_label)).otherwise(pl.lit(on_time_label)),
        ),
        width=float(bin_minutes),
        include=(0.0, late_min),
    )
    histogram = _layer(
        _histogram(
            bins,
            x_title="Start delay (minutes; negative = started early)",
            y_title="Sessions (count)",
            groups={on_time_label: PALETTE[0], late_label: ACCENT},
            legend_title="Start",
            unit="min",
        ),
        _rule(late_min, f"late after {late_min:g} min"),
    )
    # Median and 75th percentile per host from metrics.percentile_bands (hosts without a linked
    # user told apart by name, as there); the late share uses this chart's late_after.
    host_key = pl.coalesce(pl.col("host_user_id"), pl.format("name:{}", pl.col("host_name")))
    late_share = (
        frame.filter(pl.col("start_delay").is_not_null())
        .group_by(host_key.alias("host_key"))
        .agg(late_share=(pl.col("start_delay") > late_after).mean())
    )
    hosts = (
        metrics.percentile_bands(frame, value="start_delay_min", by="host")
        .filter(pl.col("n") >= min_sessions)
        .with_columns(host_key.alias("host_key"), _host().alias("host"))
        .join(late_share, on="host_key", how="left", nulls_equal=True)
        # Two hosts with one display name stay apart: their ids are appended.
        .select(
            "host_key",
            host=pl.when(pl.col("host").is_duplicated())
            .then(pl.format("{} ({})", pl.col("host"), pl.col("host_key")))
            .otherwise(pl.col("host")),
            sessions=pl.col("n"),
            median_delay_min=pl.col("p50"),
            p75_delay_min=pl.col("p75"),
            late_share=pl.col("late_share"),
        )
        .sort(["median_delay_min", "host"], descending=[True, False])
    )
    ranked = hosts.head(top).drop("host_key")
    ranking_title = f"Median start delay per host (top {top}, hosts with {min_sessions}+ sessions)"
    if ranked.is_empty():
        ranking: alt.Chart | alt.LayerChart = (
            alt.Chart(
                _values([{"message": f"No host has {min_sessions}+ started sessions."}]),
                title=ranking_title,
            )
            .mark_text(fontSize=13, color=MUTED)
            .encode(text="message:N")
            .add_params(_host_selection())  # declared even here, so a report can rely on it
            .properties(width=320, height=120)
        )
    else:
        selected = _host_selection()
        ranking = (
            alt.Chart(_data(ranked), title=ranking_title)
            .mark_bar()
            .encode(
                y=alt.Y("host:N", sort="-x", title=None),
                x=alt.X("median_delay_min:Q", title="Median start delay (minutes)"),
                color=alt.value(PALETTE[0]),
                opacity=alt.when(selected).then(alt.value(1.0)).otherwise(alt.value(0.35)),
                tooltip=[
                    alt.Tooltip("host:N", title="Host"),
                    alt.Tooltip("sessions:Q", title="Started sessions", format=","),
                    alt.Tooltip("median_delay_min:Q", title="Median delay (min)", format=".1f"),
                    alt.Tooltip("p75_delay_min:Q", title="75th percentile (min)", format=".1f"),
                    alt.Tooltip("late_share:Q", title="Late starts", format=".0%"),
                ],
            )
            .add_params(selected)
            .properties(width=320, height=alt.Step(20))
        )
    late = int(started.get_column("late").sum())
    median = float(started.select(pl.col("value").median()).item())
    chart = alt.hconcat(histogram, ranking).properties(
        title=_title(
            title,
            f"{_count(started.height, 'started session')}: median delay {median:.1f} min,"
            f" {late / started.height:.0%} late (more than {late_min:g} min after the"
            f" scheduled start). {_count(len(hosts), 'host')} with {min_sessions}+ started"
            f" sessions; the {min(top, len(hosts))} latest shown.",
            _edge_note(bins, "min", "session"),
        )
    )
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Status timeline.


def status_timeline_chart(
    sessions: pl.DataFrame,
    *,
    now: TimeLike | None = None,
    max_sessions: int = 60,
    time_zone: str = "UTC",
) -> alt.LayerChart | alt.Chart:
    """Each session's scheduled window and actual (live) window, coloured by status.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns).
    now:
        The moment Active sessions are drawn up to (a rule marks it); default: the current
        time. A naive datetime is taken as UTC.
    max_sessions:
        Sessions drawn at most: Active sessions first, then those scheduled nearest to
        ``now``; the subtitle says when sessions were left out.
    time_zone:
        IANA name of the zone the times are shown in.

    Returns
    -------
    altair.LayerChart
        A faint bar per scheduled window and a solid one per actual window (to ``now`` for an
        Active session), coloured by :data:`webinar_insights.theme.STATUS_COLORS`; the runtime
        status is in the tooltip. Declares the ``status`` legend selection.
    """
    name = "status_timeline_chart"
    title = "Session timeline: scheduled and actual windows"
    frame = _sessions(sessions, chart=name)
    moment = datetime.now(UTC) if now is None else to_utc(now, name=f"{name}: now")
    zone = _zone_name(time_zone)
    max_sessions = _positive_int(
        max_sessions, name="max_sessions", chart=name, most=_MAX_TIMELINE_SESSIONS
    )
    frame = frame.filter(pl.col("scheduled_start").is_not_null())
    if frame.is_empty():
        return _no_data(title, "no session with a scheduled start.", _status_selection())
    distance = (pl.col("scheduled_start") - pl.lit(moment)).abs()
    chosen = (
        frame.with_row_index("_row")
        .sort([(pl.col("status") != "Active").fill_null(True), distance, pl.col("_row")])
        .head(max_sessions)
        .sort("scheduled_start", "_row")
        .with_row_index("order")
    )
    # The y axis is keyed by label: two sessions with one title and start get their ids added.
    label = pl.format(
        "{} · {}",
        pl.col("session_title").fill_null("(untitled)"),
        _label(pl.col("scheduled_start"), zone),
    )
    chosen = chosen.with_columns(
        label=pl.when(label.is_duplicated())
        .then(pl.format("{} #{}", label, pl.col("session_id")))
        .otherwise(label)
    )
    until_now = pl.max_horizontal(pl.col("actual_start"), pl.lit(moment))
    actual_end = (
        pl.when(pl.col("status") == "Active").then(until_now).otherwise(pl.col("actual_end"))
    )
    common = [
        pl.col("order"),
        pl.col("label"),
        pl.col("session_id"),
        pl.col("session_title").alias("session"),
        pl.col("webinar_title").alias("webinar"),
        _host().alias("host"),
        pl.col("status").cast(pl.String),
        pl.col("runtime_status").cast(pl.String).fill_null("-"),
        _label(pl.col("scheduled_start"), zone).alias("scheduled_from"),
        _label(pl.col("scheduled_end"), zone).alias("scheduled_to"),
        _label(pl.col("actual_start"), zone).fill_null("not started").alias("actual_from"),
        pl.when(pl.col("status") == "Active")
        .then(pl.lit("in progress"))
        .otherwise(_label(pl.col("actual_end"), zone).fill_null("-"))
        .alias("actual_to"),
        pl.col("time_zone").alias("session_time_zone"),
    ]
    windows = pl.concat(
        [
            chosen.select(
                *common,
                window=pl.lit("scheduled"),
                start=pl.col("scheduled_start"),
                end=pl.col("scheduled_end"),
            ),
            chosen.select(
                *common, window=pl.lit("actual"), start=pl.col("actual_start"), end=actual_end
            ),
        ]
    ).filter(pl.col("start").is_not_null() & pl.col("end").is_not_null())
    if windows.is_empty():
        return _no_data(
            title,
            "no session with a known window (scheduled duration missing).",
            _status_selection(),
        )
    first, last = windows.select(pl.col("start").min(), pl.col("end").max()).row(0)
    local = zoneinfo.ZoneInfo(zone)
    span = (min(first, moment).astimezone(local), max(last, moment).astimezone(local))
    windows = windows.with_columns(
        start=_stamp(pl.col("start"), zone), end=_stamp(pl.col("end"), zone)
    )
    status = _status_selection()
    bars = (
        alt.Chart(_data(windows))
        .mark_bar(cornerRadius=2)
        .encode(
            y=alt.Y(
                "label:N",
                sort=alt.EncodingSortField(field="order", op="min"),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            yOffset=alt.YOffset("window:N", sort=["scheduled", "actual"]),
            x=_time_x("start", f"Time ({zone})", *span),
            x2=alt.X2("end:T"),
            color=alt.when(status)
            .then(alt.Color("status:N", title="Status", scale=status_scale()))
            .otherwise(alt.value("#dddddd")),
            opacity=alt.Opacity(  # ordinal and sorted: Vega-Lite warns on nominal opacity
                "window:O",
                title="Window",
                sort=["scheduled", "actual"],
                scale=alt.Scale(domain=["scheduled", "actual"], range=[0.35, 1.0]),
            ),
            tooltip=[
                alt.Tooltip("session:N", title="Session"),
                alt.Tooltip("webinar:N", title="Webinar"),
                alt.Tooltip("host:N", title="Host"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("runtime_status:N", title="Runtime status"),
                alt.Tooltip("window:N", title="Window"),
                alt.Tooltip("scheduled_from:N", title=f"Scheduled from ({zone})"),
                alt.Tooltip("scheduled_to:N", title=f"Scheduled to ({zone})"),
                alt.Tooltip("actual_from:N", title=f"Live from ({zone})"),
                alt.Tooltip("actual_to:N", title=f"Live to ({zone})"),
                alt.Tooltip("session_time_zone:N", title="Session time zone"),
            ],
        )
        .add_params(status)
    )
    now_label = f"now ({moment.astimezone(zoneinfo.ZoneInfo(zone)):%Y-%m-%d %H:%M})"
    now_data = _values(
        [
            {
                "now": pl.Series([moment]).dt.convert_time_zone(zone).dt.to_string(_STAMP).item(),
                "label": now_label,
            }
        ]
    )
    now_base = alt.Chart(now_data).encode(
        x=alt.X("now:T"), tooltip=[alt.Tooltip("label:N", title="Reference")]
    )
    now_rule = _layer(
        now_base.mark_rule(color=ACCENT, strokeDash=[5, 3], strokeWidth=2),
        now_base.mark_text(align="left", dx=4, baseline="top", color=ACCENT).encode(
            text="label:N", y=alt.value(0)
        ),
    )
    shown = (
        f"Showing {chosen.height:,} of {frame.height:,} sessions: Active ones first, then those"
        " scheduled nearest to now."
        if chosen.height < frame.height
        else f"{_count(frame.height, 'session')}."
    )
    chart = _layer(bars, now_rule).properties(
        width=_WIDTH + 120,
        height=alt.Step(16),
        title=_title(
            title,
            "Faint bar: scheduled window. Solid bar: live window (Active sessions up to now).",
            shown,
        ),
    )
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Retention.


def retention_chart(curve: pl.DataFrame, *, max_lines: int = 8) -> alt.LayerChart | alt.Chart:
    """Share of a session's attendees still present, minute by minute (an upper bound).

    Parameters
    ----------
    curve:
        ``metrics.retention_curve(...)``: session_id, minute, attendees_present, share_present.
    max_lines:
        Up to this many sessions get a line each; more are summarised by minute as the median
        and the middle half (25th to 75th percentile) across sessions.

    Returns
    -------
    altair.Chart or altair.LayerChart
        The API gives each attendee's earliest join and latest leave only, so anyone who left
        and came back counts as present in between: the share is an upper bound, and the
        title and axis say so.
    """
    name = "retention_chart"
    title = "Attendees still present, by minute (upper bound)"
    frame = _check_frame(
        curve,
        ["session_id", "minute", "attendees_present", "share_present"],
        chart=name,
        fix="Pass the frame of webinar_insights.metrics.retention_curve(participants, sessions).",
    )
    max_lines = _positive_int(max_lines, name="max_lines", chart=name, most=len(PALETTE))
    frame = frame.filter(pl.col("minute").is_not_null() & pl.col("share_present").is_not_null())
    if frame.is_empty():
        return _no_data(title, "no attendee minutes (no Finished session with attendees).")
    caveat = (
        "The API gives each attendee's earliest join and latest leave only: anyone who left and"
        " came back counts as present in between, so the true share can be lower."
    )
    x = alt.X("minute:Q", title="Minutes since the session went live (min)")
    y_title = "Attendees present (% of the session's attendees, upper bound)"
    n_sessions = frame.get_column("session_id").n_unique()
    budget = MAX_ROWS // 2
    if n_sessions <= max_lines:
        lines = frame.select(
            session=pl.col("session_id"),
            minute="minute",
            attendees_present="attendees_present",
            share_present="share_present",
        )
        step = max(1, math.ceil(lines.height / budget))
        if step > 1:
            lines = lines.filter(pl.col("minute") % step == 0)
        single = n_sessions == 1
        color: Any = alt.value(PALETTE[0]) if single else alt.Color("session:N", title="Session")
        chart: alt.Chart | alt.LayerChart = (
            alt.Chart(_data(lines.sort("session", "minute")))
            .mark_line(strokeWidth=2, interpolate="step-after")
            .encode(
                x=x,
                y=alt.Y("share_present:Q", title=y_title, axis=alt.Axis(format="%")),
                color=color,
                tooltip=[
                    alt.Tooltip("session:N", title="Session"),
                    alt.Tooltip("minute:Q", title="Minute"),
                    alt.Tooltip("attendees_present:Q", title="Attendees present", format=","),
                    alt.Tooltip("share_present:Q", title="Share present", format=".1%"),
                ],
            )
        )
        shown = f"Every {step} minutes." if step > 1 else ""
    else:
        share = pl.col("share_present")
        by_minute = (
            frame.group_by("minute")
            .agg(
                sessions=pl.len(),
                p25=share.quantile(0.25, "linear"),
                median=share.median(),
                p75=share.quantile(0.75, "linear"),
            )
            .sort("minute")
        )
        step = max(1, math.ceil(by_minute.height / budget))
        if step > 1:
            by_minute = by_minute.filter(pl.col("minute") % step == 0)
        base = alt.Chart(_data(by_minute)).encode(
            x=x,
            tooltip=[
                alt.Tooltip("minute:Q", title="Minute"),
                alt.Tooltip("median:Q", title="Median share present", format=".1%"),
                alt.Tooltip("p25:Q", title="25th percentile", format=".1%"),
                alt.Tooltip("p75:Q", title="75th percentile", format=".1%"),
                alt.Tooltip("sessions:Q", title="Sessions still running", format=","),
            ],
        )
        chart = _layer(
            base.mark_area(color=MUTED, opacity=0.3).encode(
                y=alt.Y("p25:Q", title=y_title, axis=alt.Axis(format="%")), y2="p75:Q"
            ),
            base.mark_line(color=PALETTE[0], strokeWidth=2).encode(y="median:Q"),
        )
        shown = (
            f"{n_sessions:,} sessions, summarised: line = median share per minute, band ="
            " middle half (25th to 75th percentile) of the sessions still running."
            + (f" Every {step} minutes." if step > 1 else "")
        )
    chart = chart.properties(width=_WIDTH, height=260, title=_title(title, caveat, shown))
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Weekday x hour heatmap.


def _local_weekday_hour(frame: pl.DataFrame, time_zone: str | None) -> tuple[pl.DataFrame, int]:
    """Weekday (1 = Monday) and hour of ``scheduled_start`` in local time.

    With no ``time_zone``, each session's own zone: polars converts one zone per call, so the
    frame is split by zone. Converting an instant (UTC) to a zone is exact across DST changes.
    Returns the frame and the number of rows whose zone was missing or unknown (put in UTC).
    """
    start = pl.col("scheduled_start")

    def local(part: pl.DataFrame, zone: str) -> pl.DataFrame:
        moment = start.dt.convert_time_zone(zone)
        return part.with_columns(weekday=moment.dt.weekday(), hour=moment.dt.hour())

    if time_zone is not None:
        return local(frame, time_zone), 0
    parts: list[pl.DataFrame] = []
    unknown = 0
    for (zone,), part in frame.partition_by("time_zone", as_dict=True).items():
        try:
            if not isinstance(zone, str):
                raise zoneinfo.ZoneInfoNotFoundError
            zoneinfo.ZoneInfo(zone)
            parts.append(local(part, zone))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, pl.exceptions.PolarsError):
            unknown += part.height
            parts.append(local(part, "UTC"))
    return pl.concat(parts), unknown


def weekday_hour_chart(
    sessions: pl.DataFrame,
    *,
    time_zone: str | None = None,
    value: WeekdayHourValue = "sessions",
) -> alt.Chart:
    """A weekday x hour heatmap of when sessions are scheduled, or how well they are attended.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns).
    time_zone:
        None (default): each session in its own local time (its ``time_zone`` column), so a
        10:00 session in Berlin and one in New York share a cell. An IANA name: every session
        in that zone. Either way DST-safe: each start instant is converted with the rules in
        force on its date.
    value:
        ``"sessions"``: how many sessions start in the cell (any status). ``"attendance_rate"``:
        the weighted attendance rate of the cell's Finished sessions with registrants.

    Returns
    -------
    altair.Chart
        Rect marks, one per weekday and hour (168 at most).
    """
    name = "weekday_hour_chart"
    if value not in ("sessions", "attendance_rate"):
        raise ConfigurationError(
            f"{name}: value={value!r} is not known; use 'sessions' or 'attendance_rate'."
        )
    title = (
        "Sessions by weekday and hour"
        if value == "sessions"
        else "Attendance rate by weekday and hour"
    )
    frame = _sessions(sessions, chart=name)
    zone = None if time_zone is None else _zone_name(time_zone)
    frame = frame.filter(pl.col("scheduled_start").is_not_null())
    if value == "attendance_rate":
        frame = frame.filter(
            (pl.col("status") == "Finished") & pl.col("attendance_rate").is_not_null()
        )
    if frame.is_empty():
        reason = (
            "no session with a scheduled start."
            if value == "sessions"
            else "no Finished session with registrants (the rate needs registrant_count > 0)."
        )
        return _no_data(title, reason)
    local, unknown = _local_weekday_hour(
        frame.select("scheduled_start", "time_zone", "unique_attendee_count", "registrant_count"),
        zone,
    )
    cells = local.group_by("weekday", "hour").agg(
        sessions=pl.len(),
        attendees=pl.col("unique_attendee_count").sum(),
        registrants=pl.col("registrant_count").sum(),
    )
    grid = pl.DataFrame(
        {"weekday": [d for d in range(1, 8) for _ in range(24)], "hour": list(range(24)) * 7},
        schema={"weekday": pl.Int8, "hour": pl.Int8},
    )
    hour = pl.col("hour")
    cells = (
        grid.join(
            cells.with_columns(pl.col("weekday", "hour").cast(pl.Int8)),
            on=["weekday", "hour"],
            how="left",
        )
        .with_columns(pl.col("sessions").fill_null(0))
        .select(
            weekday=pl.col("weekday").replace_strict(
                list(range(1, 8)), list(_WEEKDAYS), return_dtype=pl.String
            ),
            hour=hour,
            hours=pl.format(
                "{}:00 to {}:00",
                hour.cast(pl.String).str.zfill(2),
                ((hour + 1) % 24).cast(pl.String).str.zfill(2),
            ),
            sessions=pl.col("sessions"),
            attendance_rate=pl.when(pl.col("registrants") > 0).then(
                pl.col("attendees") / pl.col("registrants")
            ),
            attendees=pl.col("attendees"),
            registrants=pl.col("registrants"),
        )
    )
    where = "each session's own local time" if zone is None else f"{zone} time"
    if value == "sessions":
        color = alt.Color("sessions:Q", title="Sessions (count)")
        what = f"{_count(frame.height, 'session')} (any status) by scheduled start"
    else:
        color = alt.Color(
            "attendance_rate:Q", title="Attendance rate (%)", legend=alt.Legend(format="%")
        )
        what = (
            f"Weighted rate (attendees / registrants) of {_count(frame.height, 'Finished session')}"
            " by scheduled start"
        )
    chart: alt.Chart = (
        alt.Chart(_data(cells))
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("hour:O", title=f"Hour of day ({where})", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("weekday:O", title=None, sort=list(_WEEKDAYS)),
            color=color,
            tooltip=[
                alt.Tooltip("weekday:N", title="Weekday"),
                alt.Tooltip("hours:N", title="Hours"),
                alt.Tooltip("sessions:Q", title="Sessions", format=","),
                alt.Tooltip("attendance_rate:Q", title="Attendance rate (weighted)", format=".1%"),
                alt.Tooltip("attendees:Q", title="Unique attendees", format=","),
                alt.Tooltip("registrants:Q", title="Registrants", format=","),
            ],
        )
        .properties(
            width=alt.Step(24),
            height=alt.Step(24),
            title=_title(
                title,
                f"{what}, in {where}.",
                f"{_count(unknown, 'session')} without a known time zone are placed in UTC."
                if unknown
                else "",
            ),
        )
    )
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Registration.


def registration_funnel_chart(funnel: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Registration funnel: people at each stage, with the share of the first stage.

    Parameters
    ----------
    funnel:
        ``metrics.registration_funnel(...)``: stage, count; stages in funnel order.

    Returns
    -------
    altair.LayerChart
        Horizontal bars in the frame's stage order, labelled with the count and the share of
        the first stage; the tooltip adds the share of the previous stage.
    """
    name = "registration_funnel_chart"
    title = "Registration funnel"
    frame = _check_frame(
        funnel,
        ["stage", "count"],
        chart=name,
        fix="Pass the frame of webinar_insights.metrics.registration_funnel(...).",
    )
    if frame.is_empty():
        return _no_data(title, "the funnel has no stages.")
    count = pl.col("count")
    first = count.first()
    stages = frame.head(MAX_ROWS).select(
        order=pl.int_range(pl.len()),
        stage=pl.col("stage").cast(pl.String),
        count=count,
        share_of_first=pl.when(first > 0).then(count / first),
        share_of_previous=pl.when(count.shift(1) > 0).then(count / count.shift(1)),
    )
    stages = stages.with_columns(
        text=pl.when(pl.col("share_of_first").is_not_null())
        .then(
            pl.format(
                "{} ({}%)",
                count,
                (pl.col("share_of_first") * 100).round(0).cast(pl.Int64),
            )
        )
        .otherwise(count.cast(pl.String))
    )
    base = alt.Chart(_data(stages)).encode(
        y=alt.Y("stage:N", sort=alt.EncodingSortField(field="order", op="min"), title=None),
        x=alt.X("count:Q", title="People (count)", axis=_COUNT_AXIS),
        tooltip=[
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("count:Q", title="People", format=","),
            alt.Tooltip("share_of_first:Q", title="Share of the first stage", format=".1%"),
            alt.Tooltip("share_of_previous:Q", title="Share of the previous stage", format=".1%"),
        ],
    )
    chart = _layer(
        base.mark_bar(color=PALETTE[0]),
        base.mark_text(align="left", dx=4, color="#222222").encode(text="text:N"),
    ).properties(
        width=_WIDTH,
        height=alt.Step(32),
        title=_title(title, "People at each stage; in brackets: share of the first stage."),
    )
    return apply_theme(chart)


def registration_lead_time_chart(
    lead_times: pl.DataFrame, *, bin_days: float = 1.0
) -> alt.LayerChart | alt.Chart:
    """How long before a session people register: a histogram of lead times in days.

    Parameters
    ----------
    lead_times:
        ``metrics.registration_lead_time(...)``: session_id, registrant_id, lead_time,
        lead_time_days. A negative lead time is a registration after the start.
    bin_days:
        Bar width in days; widened when lead times span more than 120 bars.

    Returns
    -------
    altair.LayerChart
        Registrants per lead-time bin (those after the start apart), with the median as a rule.
    """
    name = "registration_lead_time_chart"
    title = "Registration lead time"
    frame = _check_frame(
        lead_times,
        ["lead_time_days"],
        chart=name,
        fix="Pass the frame of webinar_insights.metrics.registration_lead_time(...).",
    )
    if not bin_days > 0:
        raise ConfigurationError(f"{name}: bin_days must be positive, not {bin_days!r}.")
    days = frame.select(value=pl.col("lead_time_days").cast(pl.Float64)).filter(
        pl.col("value").is_not_null() & pl.col("value").is_finite()
    )
    if days.is_empty():
        return _no_data(title, "no registrant with a registration time and a session start.")
    before, after = "before the start", "after the start"
    bins = _bin(
        days.with_columns(
            group=pl.when(pl.col("value") < 0).then(pl.lit(after)).otherwise(pl.lit(before))
        ),
        width=float(bin_days),
        include=(0.0,),
    )
    median = float(days.select(pl.col("value").median()).item())
    within_day = float(days.select(((pl.col("value") >= 0) & (pl.col("value") < 1)).mean()).item())
    chart = _layer(
        _histogram(
            bins,
            x_title="Lead time (days from registration to the session start)",
            y_title="Registrants (count)",
            groups={before: PALETTE[0], after: ACCENT},
            legend_title="Registered",
            unit="days",
        ),
        _rule(median, f"median {median:.1f} days", color="#222222"),
    ).properties(
        title=_title(
            title,
            f"{_count(days.height, 'registrant')}: median {median:.1f} days ahead;"
            f" {within_day:.0%} registered in the last day before the start.",
            _edge_note(bins, "days", "registrant"),
        )
    )
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Overrun.


def overrun_chart(
    sessions: pl.DataFrame, *, bin_minutes: float = 1.0
) -> alt.LayerChart | alt.Chart:
    """How much Finished sessions ran over (or under) their scheduled duration.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns).
    bin_minutes:
        Bar width in minutes; widened when the overruns span more than 120 bars.

    Returns
    -------
    altair.LayerChart
        Sessions per overrun bin (actual duration minus scheduled duration, in minutes), split
        into ran over and ended on time or early, with a rule at zero.
    """
    name = "overrun_chart"
    title = "Overrun: actual minus scheduled duration"
    frame = _sessions(sessions, chart=name)
    if not bin_minutes > 0:
        raise ConfigurationError(f"{name}: bin_minutes must be positive, not {bin_minutes!r}.")
    finished = frame.filter(pl.col("overrun").is_not_null()).select(
        value=metrics.minutes("overrun")
    )
    if finished.is_empty():
        return _no_data(title, "no Finished session with an actual start and end.")
    over, within = "ran over", "on time or shorter"
    bins = _bin(
        finished.with_columns(
            group=pl.when(pl.col("value") > 0).then(pl.lit(over)).otherwise(pl.lit(within))
        ),
        width=float(bin_minutes),
        include=(0.0,),
    )
    median = float(finished.select(pl.col("value").median()).item())
    share_over = float(finished.select((pl.col("value") > 0).mean()).item())
    chart = _layer(
        _histogram(
            bins,
            x_title="Overrun (minutes; negative = ended before the scheduled end)",
            y_title="Sessions (count)",
            groups={within: PALETTE[0], over: ACCENT},
            legend_title="Duration",
            unit="min",
        ),
        _rule(0.0, "scheduled", color="#222222"),
    ).properties(
        title=_title(
            title,
            f"{_count(finished.height, 'Finished session')}: median overrun {median:+.1f} min,"
            f" {share_over:.0%} ran over.",
            _edge_note(bins, "min", "session"),
        )
    )
    return apply_theme(chart)


# ---------------------------------------------------------------------------------------------
# Export.


def _vl_version() -> str | None:
    """The Vega-Lite version Altair writes, as vl-convert names it (None: vl-convert's latest)."""
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


# C0 controls but tab, line feed and carriage return: NUL ends strings in C code, and XML (SVG,
# which the chart images are rendered through) has no way to spell any of them.
CONTROL_CHARACTERS: Final = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
REPLACEMENT: Final = "\ufffd"
_CONTROL_RE = re.compile(CONTROL_CHARACTERS)


def _inert(value: Any) -> Any:
    """A chart spec with each control character of its text (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        return _CONTROL_RE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_inert(key): _inert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_inert(item) for item in value]
    return value


def save_chart(chart: AnyChart, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write a chart to a PNG or SVG file (chosen by the suffix), offline, through vl-convert.

    Parameters
    ----------
    chart:
        Any chart of this module (or any Altair top-level chart).
    path:
        Where to write; the suffix ``.png`` or ``.svg`` (any case) picks the format.
    scale:
        PNG only: pixels per CSS pixel (2 gives a sharp image on high-density screens).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    ConfigurationError
        For any other suffix, naming the ones that work.
    """
    import vl_convert

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ConfigurationError(
            f"save_chart: cannot write {target.name!r}: the suffix must be .png or .svg (for an"
            " interactive page, use the HTML report)."
        )
    # vl-convert aborts the whole process (a notebook's kernel too) on a control character in
    # any text, so it renders a copy of the spec with each one shown as U+FFFD.
    spec = _inert(chart.to_dict())
    # allowed_base_urls=[]: every chart embeds its data, so rendering never needs the network.
    if suffix == ".png":
        png = vl_convert.vegalite_to_png(
            spec, vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
        )
        target.write_bytes(png)
    else:
        svg = vl_convert.vegalite_to_svg(spec, vl_version=_vl_version(), allowed_base_urls=[])
        target.write_text(svg, encoding="utf-8")
    return target
