"""Attendance charts: the attendance rate of each session over time, and retention within a
session."""

from __future__ import annotations

import math
import zoneinfo
from typing import Any

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights._checks import check_choice, check_frame, positive_int
from webinar_insights._periods import PERIODS, Period, calendar_period, fitting_period
from webinar_insights._time import zone_key
from webinar_insights.errors import ConfigurationError
from webinar_insights.theme import MUTED, PALETTE, apply_theme

from ._base import (
    MAX_ROWS,
    WIDTH,
    count_of,
    embed,
    heading,
    layer,
    local_label,
    no_data,
    period_brush,
    stamp,
    time_x,
    with_metrics,
)

__all__ = ["attendance_rate_chart", "retention_chart"]

_MAX_PERIODS = 1_000  # an explicit period may give this many, no more


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
    frame = with_metrics(sessions, chart=name)
    zone = zone_key(time_zone)
    if every is not None:
        check_choice(every, "every", [period.every for period in PERIODS], prefix=f"{name}: ")
    max_points = positive_int(max_points, name="max_points", prefix=f"{name}: ", most=MAX_ROWS // 2)
    rated = frame.filter(
        pl.col("status") == "Finished",
        pl.col("attendance_rate").is_not_null(),
        pl.col("scheduled_start").is_not_null(),
    )
    if rated.is_empty():
        return no_data(
            title,
            "no Finished session with registrants (the rate needs registrant_count > 0).",
            period_brush(),
        )
    first, last = rated.select(
        pl.col("scheduled_start").min().alias("first"), pl.col("scheduled_start").max()
    ).row(0)
    period: Period = every or fitting_period(first, last).every
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
            period_mid=stamp(start + (end - start) / 2, zone),
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
        scheduled_start=stamp(pl.col("scheduled_start"), zone),
        scheduled=local_label(pl.col("scheduled_start"), zone),
        started=local_label(pl.col("actual_start"), zone),
        session=pl.col("session_title"),
        session_id=pl.col("session_id"),  # the report opens the session's page on a click
        webinar=pl.col("webinar_title"),
        host=metrics.host_label(),
        attendance_rate=rate,
        attendees=pl.col("unique_attendee_count"),
        registrants=pl.col("registrant_count"),
    )
    unit = calendar_period(period).name
    x_title = f"Scheduled start ({zone})"
    y_axis = alt.Axis(format="%")
    brush = period_brush()
    trend = alt.Chart(embed(periods)).encode(
        x=time_x("period_mid", x_title, *local_span),
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
        alt.Chart(embed(points))
        .mark_circle(color=PALETTE[4], opacity=0.6, size=30)
        .encode(
            x=time_x("scheduled_start", x_title, *local_span),
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
        else f"{count_of(rated.height, 'Finished session')} with registrants."
    )
    chart = layer(band, dots, line).properties(
        width=WIDTH,
        height=280,
        title=heading(
            title,
            f"Dots: sessions. Line: weighted rate per {unit}. Band: middle half (25th to 75th"
            f" percentile) of the sessions' rates per {unit}.",
            shown,
        ),
    )
    return apply_theme(chart)


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
    frame = check_frame(
        curve,
        ["session_id", "minute", "attendees_present", "share_present"],
        prefix=f"{name}: ",
        fix="Pass the frame of webinar_insights.metrics.retention_curve(participants, sessions).",
    )
    max_lines = positive_int(max_lines, name="max_lines", prefix=f"{name}: ", most=len(PALETTE))
    frame = frame.filter(pl.col("minute").is_not_null() & pl.col("share_present").is_not_null())
    if frame.is_empty():
        return no_data(title, "no attendee minutes (no Finished session with attendees).")
    caveat = (
        "The API gives each attendee's earliest join and latest leave only: anyone who left and"
        " came back counts as present in between, so the true share can be lower."
    )
    x = alt.X("minute:Q", title="Time since the session went live (min)")
    # Two short lines: a title longer than the plot is tall would push the plot down.
    y_title = ["Attendees present, upper bound", "(% of the session's attendees)"]
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
            alt.Chart(embed(lines.sort("session", "minute")))
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
        base = alt.Chart(embed(by_minute)).encode(
            x=x,
            tooltip=[
                alt.Tooltip("minute:Q", title="Minute"),
                alt.Tooltip("median:Q", title="Median share present", format=".1%"),
                alt.Tooltip("p25:Q", title="25th percentile", format=".1%"),
                alt.Tooltip("p75:Q", title="75th percentile", format=".1%"),
                alt.Tooltip("sessions:Q", title="Sessions still running", format=","),
            ],
        )
        chart = layer(
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
    chart = chart.properties(width=WIDTH, height=260, title=heading(title, caveat, shown))
    return apply_theme(chart)
