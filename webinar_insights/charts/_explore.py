"""The explore view: brush a period, click a host or a status, and the others follow.

One Vega-Lite concat spec, so the selections work without a kernel: they are Vega-Lite
parameters under the names the other charts use for their linking parameters (``period``,
``host``, ``status``). Its data is pre-aggregated in polars to one row per period,
host group and status (at most ``AUTO_MAX_PERIODS`` x (``hosts`` + 1) x 3 rows, whatever the number
of sessions); Vega-Lite sums those rows again for whatever is selected.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from typing import Final

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights._periods import calendar_period, fitting_period
from webinar_insights._time import zone_key
from webinar_insights.theme import ACCENT, PALETTE, apply_theme, status_scale

from ._base import HOST_PARAM, PERIOD_PARAM, STAMP, STATUS_PARAM, count_of

__all__ = ["OTHER_HOSTS", "explore_chart", "explore_period"]

OTHER_HOSTS: Final = "(other hosts)"
"""The group of the hosts :func:`explore_chart` does not show by name."""


def explore_period(start: datetime, end: datetime) -> tuple[str, str]:
    """The shortest period (polars interval, name) that cuts ``[start, end)`` into <= 60.

    >>> from datetime import UTC
    >>> explore_period(datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
    ('1w', 'week')
    """
    period = fitting_period(start, end)
    return period.every, period.name


def _aggregate(sessions: pl.DataFrame, *, every: str, time_zone: str, hosts: int) -> pl.DataFrame:
    moment = metrics.session_moment()
    frame = sessions.filter(moment.is_not_null()).with_columns(
        _host=metrics.host_label(),
        _start=moment.dt.convert_time_zone(time_zone).dt.truncate(every),
    )
    ranked = (
        frame.group_by("_host")
        .agg(pl.len().alias("_n"))
        .sort(["_n", "_host"], descending=[True, False])
        .head(hosts)
        .get_column("_host")
    )
    group = pl.when(pl.col("_host").is_in(ranked.implode())).then("_host")
    rated = pl.col("attendance_rate").is_not_null()
    return (
        frame.with_columns(host=group.otherwise(pl.lit(OTHER_HOSTS)))
        .group_by("_start", "host", pl.col("status").cast(pl.String).fill_null("(unknown)"))
        .agg(
            n=pl.len(),
            fin=(pl.col("status") == "Finished").sum(),
            reg=pl.col("registrant_count").filter(rated).sum(),
            att=pl.col("unique_attendee_count").filter(rated).sum(),
            rated=rated.sum(),
            started=pl.col("start_delay").is_not_null().sum(),
            late=pl.col("late_start").fill_null(False).sum(),
        )
        .sort("_start", "host", "status")
        .select(
            pl.col("_start").dt.to_string(STAMP).alias("start"),
            "host",
            "status",
            *(
                pl.col(c).cast(pl.Int64)
                for c in ("n", "fin", "reg", "att", "rated", "started", "late")
            ),
        )
    )


def explore_chart(
    sessions: pl.DataFrame,
    *,
    start: datetime,
    end: datetime,
    time_zone: str = "UTC",
    hosts: int = 12,
) -> alt.VConcatChart:
    """Sessions per period and per host, the weighted attendance rate, and a summary line.

    Parameters
    ----------
    sessions:
        Sessions of the report's range, with the ``session_metrics`` columns.
    start, end:
        The report's range (UTC), for the choice of period.
    time_zone:
        IANA name (default UTC): periods start at midnight there, times are shown there.
    hosts:
        Hosts shown by name (those with the most sessions); the rest form one group.

    Returns
    -------
    altair.VConcatChart
        Views named ``explore_summary``, ``explore_periods``, ``explore_hosts`` and
        ``explore_rates`` (their Vega marks carry ``<name>_marks`` as a class). Brushing the
        period bars (``period``) filters the host bars and the summary; clicking a host
        (``host``) filters the period bars, the summary and the rates; clicking a status in the
        legend (``status``) filters the host bars and the summary.
    """
    time_zone = zone_key(time_zone)
    every, unit = explore_period(start, end)
    end_expr = calendar_period(every).vega_end
    data = _aggregate(sessions, every=every, time_zone=time_zone, hosts=hosts)
    totals = (
        data.group_by("host")
        .agg(pl.col("n").sum())
        .with_columns(rest=pl.col("host") == OTHER_HOSTS)
    )
    host_order = totals.sort(["rest", "n", "host"], descending=[False, True, False])[
        "host"
    ].to_list()
    local = zoneinfo.ZoneInfo(time_zone)
    first = start.astimezone(local).replace(tzinfo=None)
    last = end.astimezone(local).replace(tzinfo=None)
    # A fixed time domain, in epoch milliseconds of the wall-clock bounds. Fixed: when a
    # filtered view's domain follows its data, Vega-Lite (6.4) recomputes the period brush on
    # every host click and fails while no period is brushed. Given as an expression: a literal
    # domain conflicts with the one Vega-Lite derives for x2, and it warns.
    low = min([_epoch_ms(first), *_data_bounds(data, every)])
    high = max([_epoch_ms(last), *_data_bounds(data, every, end=True)])
    domain = {"expr": f"[{low}, {high}]"}

    period = alt.selection_interval(name=PERIOD_PARAM, encodings=["x"])
    host = alt.selection_point(name=HOST_PARAM, fields=["host"], on="click")
    status = alt.selection_point(name=STATUS_PARAM, fields=["status"], bind="legend")
    base = alt.Chart({"values": data.to_dicts()}).transform_calculate(
        end=end_expr.format(s="toDate(datum.start)"),
        # Times are wall-clock times drawn on a UTC scale: format them in UTC too.
        period="utcFormat(toDate(datum.start), '%Y-%m-%d')",
    )
    x = alt.X(
        "start:T",
        title=f"Scheduled start ({time_zone}), per {unit}",
        scale=alt.Scale(type="utc", domain=domain),
        axis=alt.Axis(format="%b %d, %Y" if every in ("1d", "1w") else "%b %Y", labelOverlap=True),
    )
    timeline = (
        base.transform_filter(host)
        .mark_bar()
        .encode(
            x=x,
            x2=alt.X2("end:T"),
            y=alt.Y("sum(n):Q", title="Sessions (count)", stack=True),
            color=alt.Color(
                "status:N",
                title="Status",
                scale=status_scale(data.get_column("status").unique().to_list()),
            ),
            opacity=alt.when(status).then(alt.value(1.0)).otherwise(alt.value(0.25)),
            tooltip=[
                alt.Tooltip("period:N", title=f"{unit.capitalize()} from"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("sum(n):Q", title="Sessions", format=","),
            ],
        )
        .add_params(period, status)
        .properties(
            name="explore_periods",
            width=460,
            height=200,
            title=f"Sessions per {unit}: drag to pick a period",
        )
    )
    ranking = (
        base.transform_filter(period)
        .transform_filter(status)
        .mark_bar()
        .encode(
            # A fixed order (most sessions over the whole range first, the grouped rest
            # last): a brush or a status pick changes the bars' lengths, never which bar sits
            # under the cursor.
            y=alt.Y("host:N", sort=host_order, title=None, axis=alt.Axis(labelLimit=180)),
            x=alt.X("sum(n):Q", title="Sessions (count)"),
            color=alt.value(PALETTE[0]),
            opacity=alt.when(host).then(alt.value(1.0)).otherwise(alt.value(0.3)),
            tooltip=[
                alt.Tooltip("host:N", title="Host"),
                alt.Tooltip("sum(n):Q", title="Sessions", format=","),
            ],
        )
        .add_params(host)
        .properties(
            name="explore_hosts",
            width=260,
            height=alt.Step(18),
            title="Sessions per host: click to pick",
        )
    )
    # One line per measure, over all hosts or the host picked; a point's size is the number of
    # sessions behind it (a share of 1 or 2 sessions swings 0 to 100%), and says so on hover.
    line_x = x
    measure_colour = alt.Color(
        "measure:N",
        title=None,
        legend=alt.Legend(labelLimit=280),
        scale=alt.Scale(
            domain=["Attendance rate (weighted)", "Late starts (share)"],
            range=[PALETTE[0], ACCENT],
        ),
    )
    value_y = alt.Y("value:Q", title="Share", axis=alt.Axis(format="%"))
    rate = (
        alt.layer(
            base.mark_line(strokeWidth=1.5).encode(x=line_x, y=value_y, color=measure_colour),
            base.mark_point(filled=True, opacity=0.9).encode(
                x=line_x,
                y=value_y,
                color=measure_colour,
                size=alt.Size(
                    "sessions:Q",
                    title="Sessions behind a point",
                    scale=alt.Scale(range=[12, 160], zero=True),
                    legend=None,  # a concat puts legends on top, far from this view
                ),
                tooltip=[
                    alt.Tooltip("period:N", title=f"{unit.capitalize()} from"),
                    alt.Tooltip("measure:N", title="Measure"),
                    alt.Tooltip("value:Q", title="Value", format=".1%"),
                    alt.Tooltip("sessions:Q", title="Sessions", format=","),
                ],
            ),
        )
        .transform_filter(host)
        .transform_aggregate(
            att="sum(att)",
            reg="sum(reg)",
            late="sum(late)",
            started="sum(started)",
            rated="sum(rated)",
            groupby=["start", "end", "period"],
        )
        .transform_calculate(
            attendance="datum.reg > 0 ? datum.att / datum.reg : null",
            late_share="datum.started > 0 ? datum.late / datum.started : null",
        )
        .transform_fold(["attendance", "late_share"], as_=["measure", "value"])
        .transform_calculate(
            sessions="datum.measure === 'attendance' ? datum.rated : datum.started",
        )
        .transform_calculate(
            measure="datum.measure === 'attendance' ? 'Attendance rate (weighted)' : 'Late starts (share)'"
        )
        .properties(
            name="explore_rates",
            width=760,
            height=180,
            title=f"Per {unit}: all hosts, or the host clicked above (dot size: sessions behind it)",
        )
    )
    summary = (
        base.transform_filter(period)
        .transform_filter(host)
        .transform_filter(status)
        .transform_aggregate(
            n="sum(n)",
            fin="sum(fin)",
            att="sum(att)",
            reg="sum(reg)",
            late="sum(late)",
            started="sum(started)",
        )
        .transform_calculate(
            # Two lines, each narrow enough for a phone.
            text=(
                "['Selected: ' + format(datum.n || 0, ',') + ' sessions, '"
                " + format(datum.fin || 0, ',') + ' finished',"
                " 'Attendance rate ' + (datum.reg > 0 ? format(datum.att / datum.reg, '.1%') : 'n/a')"
                " + '; late starts ' + (datum.started > 0 ? format(datum.late / datum.started, '.0%') : 'n/a')]"
            )
        )
        .mark_text(align="left", baseline="top", fontSize=13, lineHeight=18, x=0, y=0)
        .encode(text="text:N")
        .properties(name="explore_summary", width=760, height=36)
    )
    chart: alt.VConcatChart = (
        alt.vconcat(summary, alt.hconcat(timeline, ranking), rate)
        # Status colours and measure colours are different scales; so are the two time axes.
        .resolve_scale(color="independent", x="independent")
        .resolve_legend(color="independent")
    ).properties(
        title=alt.Title(
            "Explore: pick a period, a host or a status",
            subtitle=[
                "Drag across the period bars to pick a period (double-click clears); click a"
                " host bar or a status in the legend (shift-click adds more).",
                f"{count_of(sessions.height, 'session')}; hosts beyond the {hosts} with the most"
                f" sessions are grouped as {OTHER_HOSTS}.",
            ],
        )
    )
    return apply_theme(chart)


def _data_bounds(data: pl.DataFrame, every: str, *, end: bool = False) -> list[int]:
    """The first period start (or, with ``end``, the last period end) in the data, if any."""
    if data.is_empty():
        return []
    starts = data.select(pl.col("start").str.to_datetime(STAMP).alias("start"))
    bound = pl.col("start").max().dt.offset_by(every) if end else pl.col("start").min()
    moment: datetime = starts.select(bound).item()
    return [_epoch_ms(moment)]


def _epoch_ms(wall_clock: datetime) -> int:
    return round(wall_clock.replace(tzinfo=UTC).timestamp() * 1000)
