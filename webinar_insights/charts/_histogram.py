"""The split histogram: pre-binned values in two stacked groups with a reference rule.

Start delay (late / on time), overrun (ran over / on time) and registration lead time (before /
after the start) are all this one chart: values binned in polars into at most ``MAX_BINS``
bars over the 0.5th to 99.5th percentile (outliers counted in the edge bars), each bar split by
a condition, a labelled rule at a reference value.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import altair as alt
import polars as pl

from webinar_insights.theme import ACCENT, PALETTE

from ._base import COUNT_AXIS, WIDTH, count_of, embed, layer

__all__ = ["MAX_BINS", "NICE_STEPS", "Bins", "edge_note", "split_histogram"]

MAX_BINS: Final = 120
NICE_STEPS: Final = (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 1_440, 2_880, 10_080)
"""The multiples of the asked bar width tried, in order, to keep at most :data:`MAX_BINS` bars
(the report's filter bar bins again by these rules)."""


@dataclass(frozen=True)
class Bins:
    """Values binned for a histogram."""

    frame: pl.DataFrame  # bin_start, bin_end, group, count
    width: float
    low: float
    high: float
    below: int  # values under `low`, counted in the first bin
    above: int  # values at or over `high`, counted in the last bin
    total: int


def _nice_width(width: float, span: float) -> float:
    for step in NICE_STEPS:
        if span / (width * step) <= MAX_BINS:
            return width * step
    return width * math.ceil(span / (width * MAX_BINS))


def _bin(values: pl.DataFrame, *, width: float, include: Sequence[float] = ()) -> Bins:
    """Bin ``values`` (columns ``value`` and ``group``) into at most ``MAX_BINS`` bins.

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
    return Bins(
        frame=counted.drop("bin"),
        width=width,
        low=low,
        high=high,
        below=int(edges[0]),
        above=int(edges[1]),
        total=int(stats["n"]),
    )


def edge_note(bins: Bins, unit: str, thing: str) -> str:
    outside = bins.below + bins.above
    if not outside:
        return ""
    return (
        f"{count_of(outside, thing)} outside {bins.low:g} to {bins.high:g} {unit} are counted in"
        " the edge bars."
    )


def _histogram(
    bins: Bins,
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
        alt.Chart(embed(frame))
        .mark_bar(binSpacing=1)
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title=x_title),
            x2=alt.X2("bin_end:Q"),
            y=alt.Y("count:Q", stack=True, title=y_title, axis=COUNT_AXIS),
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
        .properties(width=WIDTH, height=260)
    )
    return chart


def split_histogram(
    values: pl.DataFrame,
    *,
    flagged: pl.Expr,
    flagged_label: str,
    other_label: str,
    width: float,
    include: Sequence[float],
    x_title: str,
    y_title: str,
    legend_title: str,
    unit: str,
    reference: alt.LayerChart,
) -> tuple[alt.LayerChart, Bins]:
    """A histogram of ``values`` (column ``value``) split in two groups, with a reference rule.

    Parameters
    ----------
    values:
        The values to bin, in a column ``value`` (Float64, no nulls).
    flagged, flagged_label, other_label:
        The condition on ``value`` that puts a value in the flagged group (drawn in the accent
        colour) and the two groups' names (the other group first, in the first palette colour).
    width, include:
        Bar width, widened to keep at most :data:`MAX_BINS` bars; values the range must hold.
    x_title, y_title, legend_title, unit:
        Axis and legend titles; the unit of the values, for the tooltip's range.
    reference:
        A rule from ``_base.rule`` drawn over the bars.

    Returns
    -------
    tuple[altair.LayerChart, Bins]
        The bars and the rule (the caller adds the title; ``edge_note(bins, ...)`` says how
        many values fell outside the drawn range).
    """
    group = pl.when(flagged).then(pl.lit(flagged_label)).otherwise(pl.lit(other_label))
    bins = _bin(values.select("value", group=group), width=width, include=include)
    bars = _histogram(
        bins,
        x_title=x_title,
        y_title=y_title,
        groups={other_label: PALETTE[0], flagged_label: ACCENT},
        legend_title=legend_title,
        unit=unit,
    )
    return layer(bars, reference), bins
