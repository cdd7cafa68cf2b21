"""Timing charts: how late sessions start (with a per-host ranking) and how far they run over."""

from __future__ import annotations

from datetime import timedelta

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights._checks import check_timedelta, positive_int, positive_number
from webinar_insights.theme import MUTED, PALETTE, apply_theme

from ._base import (
    count_of,
    embed,
    heading,
    host_selection,
    inline,
    no_data,
    rule,
    with_metrics,
)
from ._histogram import edge_note, split_histogram

__all__ = ["overrun_chart", "start_delay_chart"]


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
    frame = with_metrics(sessions, chart=name)
    prefix = f"{name}: "
    top = positive_int(top, name="top", prefix=prefix, most=200)
    min_sessions = positive_int(min_sessions, name="min_sessions", prefix=prefix)
    late_after = check_timedelta(late_after, "late_after", prefix=prefix)
    width = positive_number(bin_minutes, name="bin_minutes", prefix=prefix)
    late_min = late_after / timedelta(minutes=1)
    started = frame.filter(pl.col("start_delay").is_not_null()).select(
        value=metrics.minutes("start_delay"), late=pl.col("start_delay") > late_after
    )
    if started.is_empty():
        return no_data(
            title,
            "no session has started yet (Scheduled sessions have no delay).",
            host_selection(),
        )
    late_label = f"late (> {late_min:g} min)"
    histogram, bins = split_histogram(
        started,
        flagged=pl.col("late"),
        flagged_label=late_label,
        other_label="on time or early",
        width=width,
        include=(0.0, late_min),
        x_title="Start delay (minutes; negative = started early)",
        y_title="Sessions (count)",
        legend_title="Start",
        unit="min",
        reference=rule(late_min, f"late after {late_min:g} min"),
    )
    # Median and 75th percentile per host from metrics.percentile_bands (hosts told apart by
    # metrics.host_key, as there); the late share uses this chart's late_after.
    host_key = metrics.host_key()
    late_share = (
        frame.filter(pl.col("start_delay").is_not_null())
        .group_by(host_key.alias("host_key"))
        .agg(late_share=(pl.col("start_delay") > late_after).mean())
    )
    hosts = (
        metrics.percentile_bands(frame, value="start_delay_min", by="host")
        .filter(pl.col("n") >= min_sessions)
        .with_columns(host_key.alias("host_key"), metrics.host_label().alias("host"))
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
                inline([{"message": f"No host has {min_sessions}+ started sessions."}]),
                title=ranking_title,
            )
            .mark_text(fontSize=13, color=MUTED)
            .encode(text="message:N")
            .add_params(host_selection())  # declared even here, so a report can rely on it
            .properties(width=320, height=120)
        )
    else:
        selected = host_selection()
        ranking = (
            alt.Chart(embed(ranked), title=ranking_title)
            .mark_bar()
            .encode(
                y=alt.Y("host:N", sort="-x", title=None),
                x=alt.X(
                    "median_delay_min:Q",
                    title="Median start delay (minutes)",
                    # A few whole-ish ticks: the default crowds a narrow axis ("0.00.2").
                    axis=alt.Axis(tickCount=5, labelOverlap=True, labelFlush=True),
                ),
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
        title=heading(
            title,
            f"{count_of(started.height, 'started session')}: median delay {median:.1f} min,"
            f" {late / started.height:.0%} late (more than {late_min:g} min after the"
            f" scheduled start). {count_of(len(hosts), 'host')} with {min_sessions}+ started"
            f" sessions; the {min(top, len(hosts))} latest shown.",
            edge_note(bins, "min", "session"),
        )
    )
    return apply_theme(chart)


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
    frame = with_metrics(sessions, chart=name)
    width = positive_number(bin_minutes, name="bin_minutes", prefix=f"{name}: ")
    finished = frame.filter(pl.col("overrun").is_not_null()).select(
        value=metrics.minutes("overrun")
    )
    if finished.is_empty():
        return no_data(title, "no Finished session with an actual start and end.")
    median = float(finished.select(pl.col("value").median()).item())
    share_over = float(finished.select((pl.col("value") > 0).mean()).item())
    chart, bins = split_histogram(
        finished,
        flagged=pl.col("value") > 0,
        flagged_label="ran over",
        other_label="on time or shorter",
        width=width,
        include=(0.0,),
        x_title="Overrun (minutes; negative = ended before the scheduled end)",
        y_title="Sessions (count)",
        legend_title="Duration",
        unit="min",
        reference=rule(0.0, "scheduled", color="#222222"),
    )
    chart = chart.properties(
        title=heading(
            title,
            f"{count_of(finished.height, 'Finished session')}: median overrun {median:+.1f} min,"
            f" {share_over:.0%} ran over.",
            edge_note(bins, "min", "session"),
        )
    )
    return apply_theme(chart)
