"""Registration charts: the funnel (registered, attended, stayed) and how long before a session
people register."""

from __future__ import annotations

import altair as alt
import polars as pl

from webinar_insights._checks import check_frame, positive_number
from webinar_insights.theme import PALETTE, apply_theme

from ._base import COUNT_AXIS, MAX_ROWS, WIDTH, count_of, embed, heading, layer, no_data, rule
from ._histogram import edge_note, split_histogram

__all__ = ["registration_funnel_chart", "registration_lead_time_chart"]


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
    frame = check_frame(
        funnel,
        ["stage", "count"],
        prefix=f"{name}: ",
        fix="Pass the frame of webinar_insights.metrics.registration_funnel(...).",
    )
    if frame.is_empty():
        return no_data(title, "the funnel has no stages.")
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
        text=pl.Series(
            [
                f"{n:,}" if share is None else f"{n:,} ({share:.0%})"
                for n, share in stages.select("count", "share_of_first").iter_rows()
            ],
            dtype=pl.String,
        )
    )
    base = alt.Chart(embed(stages)).encode(
        y=alt.Y("stage:N", sort=alt.EncodingSortField(field="order", op="min"), title=None),
        x=alt.X("count:Q", title="People (count)", axis=COUNT_AXIS),
        tooltip=[
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("count:Q", title="People", format=","),
            alt.Tooltip("share_of_first:Q", title="Share of the first stage", format=".1%"),
            alt.Tooltip("share_of_previous:Q", title="Share of the previous stage", format=".1%"),
        ],
    )
    chart = layer(
        base.mark_bar(color=PALETTE[0]),
        base.mark_text(align="left", dx=4, color="#222222").encode(text="text:N"),
    ).properties(
        width=WIDTH,
        height=alt.Step(32),
        title=heading(title, "People at each stage; in brackets: share of the first stage."),
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
    frame = check_frame(
        lead_times,
        ["lead_time_days"],
        prefix=f"{name}: ",
        fix="Pass the frame of webinar_insights.metrics.registration_lead_time(...).",
    )
    width = positive_number(bin_days, name="bin_days", prefix=f"{name}: ")
    days = frame.select(value=pl.col("lead_time_days").cast(pl.Float64)).filter(
        pl.col("value").is_not_null() & pl.col("value").is_finite()
    )
    if days.is_empty():
        return no_data(title, "no registrant with a registration time and a session start.")
    median = float(days.select(pl.col("value").median()).item())
    within_day = float(days.select(((pl.col("value") >= 0) & (pl.col("value") < 1)).mean()).item())
    chart, bins = split_histogram(
        days,
        flagged=pl.col("value") < 0,
        flagged_label="after the start",
        other_label="before the start",
        width=width,
        include=(0.0,),
        x_title="Lead time (days from registration to the session start)",
        y_title="Registrants (count)",
        legend_title="Registered",
        unit="days",
        reference=rule(median, f"median {median:.1f} days", color="#222222"),
    )
    chart = chart.properties(
        title=heading(
            title,
            f"{count_of(days.height, 'registrant')}: median {median:.1f} days ahead;"
            f" {within_day:.0%} registered in the last day before the start.",
            edge_note(bins, "days", "registrant"),
        )
    )
    return apply_theme(chart)
