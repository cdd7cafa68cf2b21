"""Audience charts: which channels bring people who join, who comes back, on-demand sign-ups,
how registrations build up, and the forecast for upcoming sessions."""

from __future__ import annotations

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights._checks import check_frame
from webinar_insights.theme import ACCENT, MUTED, PALETTE, apply_theme

from ._base import COUNT_AXIS, MAX_ROWS, WIDTH, count_of, embed, heading, layer, no_data

__all__ = [
    "FORECAST_ROWS",
    "channel_chart",
    "forecast_chart",
    "forecast_labels",
    "on_demand_chart",
    "registration_curve_chart",
    "returning_chart",
    "series_cohort_chart",
]

_SHARE_AXIS = alt.Axis(format=".0%")


def _checked(frame: object, columns: list[str], name: str, source: str) -> pl.DataFrame:
    return check_frame(
        frame,
        columns,
        prefix=f"{name}: ",
        fix=f"Pass the frame of webinar_insights.metrics.{source}(...).",
    )


def _wall_clock_periods(frame: pl.DataFrame) -> pl.DataFrame:
    """``period`` as the wall clock of its zone (a Berlin week from Monday 00:00 is drawn on
    Monday, not on Sunday 22:00 UTC): the charts' time scale is UTC."""
    return frame.with_columns(pl.col("period").dt.replace_time_zone(None))


def channel_chart(channels: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Join rate per registration channel, with how many registered through each.

    Parameters
    ----------
    channels:
        ``metrics.channel_summary(...)`` without ``by``: channel, registered, joined,
        join_rate, small_sample.

    Returns
    -------
    altair.LayerChart
        A bar per channel (most registrants first) at its join rate, labelled with joined of
        registered; channels with fewer than ``metrics.SMALL_SAMPLE`` registrants are pale and
        marked "few".
    """
    title = "Channels"
    frame = _checked(
        channels,
        ["channel", "registered", "joined", "join_rate", "small_sample"],
        "channel_chart",
        "channel_summary",
    )
    if frame.is_empty():
        return no_data(title, "no live registrants in these sessions.")
    rows = frame.head(MAX_ROWS).with_row_index("order")
    rows = rows.with_columns(
        text=pl.Series(
            [
                f"{joined:,} of {registered:,}" + (" · few" if few else "")
                for joined, registered, few in rows.select(
                    "joined", "registered", "small_sample"
                ).iter_rows()
            ],
            dtype=pl.String,
        ),
        reliable=pl.when(pl.col("small_sample")).then(pl.lit("few")).otherwise(pl.lit("ok")),
    )
    registered, joined = int(frame["registered"].sum()), int(frame["joined"].sum())
    overall = joined / registered if registered else None
    base = alt.Chart(embed(rows)).encode(
        y=alt.Y("channel:N", sort=alt.EncodingSortField(field="order", op="min"), title=None),
        x=alt.X("join_rate:Q", title="Joined / registered", axis=_SHARE_AXIS),
        tooltip=[
            alt.Tooltip("channel:N", title="Channel"),
            alt.Tooltip("registered:Q", title="Registered", format=","),
            alt.Tooltip("joined:Q", title="Joined", format=","),
            alt.Tooltip("join_rate:Q", title="Join rate", format=".1%"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[0]).encode(
        opacity=alt.Opacity(
            "reliable:O", scale=alt.Scale(domain=["ok", "few"], range=[1.0, 0.35]), legend=None
        )
    )
    labels = base.mark_text(align="left", dx=4, color="#222222").encode(text="text:N")
    parts: list[alt.Chart | alt.LayerChart] = [bars]
    if overall is not None:
        mean = alt.Chart(embed(pl.DataFrame({"rate": [overall]}))).encode(x="rate:Q")
        parts.append(mean.mark_rule(color=ACCENT, strokeDash=[5, 3], strokeWidth=2))
    parts.append(labels)  # over the dashed line, which would otherwise cross a label out
    chart = layer(*parts).properties(
        width=WIDTH,
        height=alt.Step(28),
        title=heading(
            title,
            f"Of the {count_of(registered, 'live registrant')}, the share who joined, by"
            f" channel; dashed: all channels ({overall or 0:.0%}). Pale: fewer than"
            f" {metrics.SMALL_SAMPLE} registrants. Walk-ins have no channel.",
        ),
    )
    return apply_theme(chart)


def returning_chart(periods: pl.DataFrame) -> alt.Chart:
    """New and returning attendees per period, stacked.

    Parameters
    ----------
    periods:
        ``metrics.new_vs_returning(..., every=...)``: period, people, new, returning.
    """
    title = "New and returning attendees"
    frame = _checked(
        periods, ["period", "people", "new", "returning"], "returning_chart", "new_vs_returning"
    )
    if frame.is_empty():
        return no_data(title, "no attendees in these sessions.")
    long = (
        _wall_clock_periods(frame.head(MAX_ROWS))
        .unpivot(index=["period", "people"], on=["new", "returning"], variable_name="kind")
        .rename({"value": "count"})
        .with_columns(
            kind=pl.col("kind").replace({"new": "New", "returning": "Returning"}),
            period_from=pl.col("period").dt.strftime("%Y-%m-%d"),
            order=(pl.col("kind") == "new").cast(pl.Int64),
        )
    )
    returning = int(frame["returning"].sum())
    chart: alt.Chart = (
        alt.Chart(embed(long))
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=None, scale=alt.Scale(type="utc")),
            y=alt.Y("count:Q", title="People (count)", axis=COUNT_AXIS, stack="zero"),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["Returning", "New"], range=[PALETTE[0], PALETTE[4]]),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("period_from:N", title="Period from"),
                alt.Tooltip("kind:N", title="Attendees"),
                alt.Tooltip("count:Q", title="People", format=","),
                alt.Tooltip("people:Q", title="All people in the period", format=","),
            ],
        )
        .properties(
            width=WIDTH,
            height=220,
            title=heading(
                title,
                "People who attended in each period; returning: attended an earlier session of"
                f" these ({returning:,} in all).",
            ),
        )
    )
    return apply_theme(chart)


def series_cohort_chart(cohorts: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """The cohort table of series: of the people who first came to part N, the share at each
    later part.

    Parameters
    ----------
    cohorts:
        ``metrics.series_cohorts(...)``: first_part, later_part, cohort, returned, share.
    """
    title = "Who comes back across a series"
    frame = _checked(
        cohorts,
        ["first_part", "later_part", "cohort", "returned", "share"],
        "series_cohort_chart",
        "series_cohorts",
    )
    if frame.is_empty():
        return no_data(title, "no series with a later part held.")
    rows = frame.head(MAX_ROWS).with_columns(
        first=pl.format("First came to part {}", "first_part"),
        later=pl.format("Part {}", "later_part"),
        text=pl.when(pl.col("share").is_not_null())
        .then(pl.col("share").mul(100).round(0).cast(pl.Int64).cast(pl.String) + "%")
        .otherwise(pl.lit("–")),
    )
    base = alt.Chart(embed(rows)).encode(
        x=alt.X("later:N", title="Later part", sort=alt.SortField("later_part")),
        y=alt.Y("first:N", title=None, sort=alt.SortField("first_part")),
        tooltip=[
            alt.Tooltip("first_part:Q", title="First came to part"),
            alt.Tooltip("later_part:Q", title="Later part"),
            alt.Tooltip("cohort:Q", title="People in the cohort", format=","),
            alt.Tooltip("returned:Q", title="Came back", format=","),
            alt.Tooltip("share:Q", title="Share", format=".1%"),
        ],
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "share:Q",
            title="Came back",
            scale=alt.Scale(domain=[0, 1], range=["#f7fbff", PALETTE[0]]),
            legend=alt.Legend(format=".0%"),
        )
    )
    text = base.mark_text(fontSize=12).encode(
        text="text:N",
        color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("#222222")),
    )
    chart = layer(cells, text).properties(
        width=alt.Step(70),
        height=alt.Step(32),
        title=heading(
            title,
            "Rows: the part of a series people first attended; columns: a later part; cells:"
            " the share of them there. Only series that held that later part count.",
        ),
    )
    return apply_theme(chart)


def on_demand_chart(periods: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """On-demand (post-webinar) sign-ups per period, with their share of all registrants.

    Parameters
    ----------
    periods:
        ``metrics.on_demand(..., every=...)``: period, live_registrants,
        post_webinar_registrants, post_webinar_share.
    """
    title = "On-demand sign-ups"
    frame = _checked(
        periods,
        ["period", "live_registrants", "post_webinar_registrants", "post_webinar_share"],
        "on_demand_chart",
        "on_demand",
    )
    if frame.is_empty():
        return no_data(title, "no registrants in these sessions.")
    post = int(frame["post_webinar_registrants"].sum())
    everyone = post + int(frame["live_registrants"].sum())
    rows = _wall_clock_periods(frame.head(MAX_ROWS)).with_columns(
        period_from=pl.col("period").dt.strftime("%Y-%m-%d")
    )
    base = alt.Chart(embed(rows)).encode(
        x=alt.X("period:T", title=None, scale=alt.Scale(type="utc")),
        tooltip=[
            alt.Tooltip("period_from:N", title="Period from"),
            alt.Tooltip("post_webinar_registrants:Q", title="On-demand sign-ups", format=","),
            alt.Tooltip("live_registrants:Q", title="Live registrants", format=","),
            alt.Tooltip("post_webinar_share:Q", title="On-demand share", format=".1%"),
        ],
    )
    bars = base.mark_bar(color=PALETTE[1]).encode(
        y=alt.Y("post_webinar_registrants:Q", title="On-demand sign-ups", axis=COUNT_AXIS)
    )
    share = base.mark_line(color=PALETTE[0], point=True).encode(
        y=alt.Y("post_webinar_share:Q", title="Share of registrants", axis=_SHARE_AXIS)
    )
    chart: alt.LayerChart = (
        layer(bars, share)
        .resolve_scale(y="independent")
        .properties(
            width=WIDTH,
            height=220,
            title=heading(
                title,
                "Bars: people who registered after the session had ended (orange axis, left);"
                f" line: their share of all registrants. {post:,} of {everyone:,}"
                f" ({post / everyone if everyone else 0:.1%}).",
            ),
        )
    )
    return apply_theme(chart)


def registration_curve_chart(curve: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """How registrations build up before the start: median share of the final count, with the
    band from the 10th to the 90th percentile of past sessions.

    Parameters
    ----------
    curve:
        ``metrics.registration_curve(...)``: days_before, sessions, median_share, p10_share,
        p90_share.
    """
    title = "How registrations build up"
    frame = _checked(
        curve,
        ["days_before", "sessions", "median_share", "p10_share", "p90_share"],
        "registration_curve_chart",
        "registration_curve",
    )
    if frame.is_empty():
        return no_data(title, "no Finished session with registrants.")
    sessions = int(frame["sessions"].cast(pl.Int64).max() or 0)  # type: ignore[arg-type]
    base = alt.Chart(embed(frame)).encode(
        x=alt.X(
            "days_before:Q",
            title="Days before the start",
            scale=alt.Scale(reverse=True),
            axis=COUNT_AXIS,
        ),
        tooltip=[
            alt.Tooltip("days_before:Q", title="Days before the start"),
            alt.Tooltip("median_share:Q", title="Median share registered", format=".0%"),
            alt.Tooltip("p10_share:Q", title="10th percentile", format=".0%"),
            alt.Tooltip("p90_share:Q", title="90th percentile", format=".0%"),
        ],
    )
    band = base.mark_area(color=PALETTE[0], opacity=0.2).encode(
        y=alt.Y("p10_share:Q", title="Share of final registrants", axis=_SHARE_AXIS),
        y2="p90_share:Q",
    )
    line = base.mark_line(color=PALETTE[0], point=True).encode(y="median_share:Q")
    chart = layer(band, line).properties(
        width=WIDTH,
        height=220,
        title=heading(
            title,
            f"Over {count_of(sessions, 'Finished session')} with registrants: the median share"
            " of final registrants signed up by each day; band: 10th to 90th percentile.",
        ),
    )
    return apply_theme(chart)


FORECAST_ROWS = 60
"""Upcoming sessions :func:`forecast_chart` draws at most (the first by scheduled start)."""


def forecast_labels(forecast: pl.DataFrame, sessions: pl.DataFrame | None) -> pl.DataFrame:
    """``forecast`` sorted by scheduled start, with each session's ``label`` as the forecast
    chart names it: the day, then its webinar's title (40 characters at most), else its id.
    (The chart adds its row number, so that two sessions of one name on one day stay apart.)"""
    frame = forecast.sort("scheduled_start", "session_id")
    name = pl.col("session_id")
    if sessions is not None and {"session_id", "webinar_title"} <= set(sessions.columns):
        names = sessions.select(
            pl.col("session_id").cast(pl.String),
            pl.when(pl.col("webinar_title").str.strip_chars() != "")
            .then(pl.col("webinar_title").str.slice(0, 40))
            .alias("__name__"),
        ).unique("session_id")
        frame = frame.join(names, on="session_id", how="left", maintain_order="left")
        name = pl.coalesce(pl.col("__name__"), "session_id")
    label = pl.format("{} · {}", pl.col("scheduled_start").dt.strftime("%b %d"), name)
    return frame.with_columns(label=label).drop("__name__", strict=False)


def forecast_chart(
    forecast: pl.DataFrame, sessions: pl.DataFrame | None = None
) -> alt.HConcatChart | alt.Chart:
    """Upcoming sessions: registrants so far, and the forecast of final registrants and
    attendees with their 80 % intervals.

    Parameters
    ----------
    forecast:
        ``metrics.attendance_forecast(...)``.
    sessions:
        The sessions frame, for each session's title (``webinar_title``, ``session_title``);
        without it sessions are named by id.
    """
    title = "Forecast for upcoming sessions"
    frame = _checked(
        forecast,
        [
            "session_id",
            "scheduled_start",
            "registrants_so_far",
            "forecast_registrants",
            "registrants_low",
            "registrants_high",
            "forecast_attendees",
            "attendees_low",
            "attendees_high",
            "basis",
        ],
        "forecast_chart",
        "attendance_forecast",
    )
    if frame.is_empty():
        return no_data(
            title, "no upcoming session, or fewer than five past sessions to learn from."
        )
    frame = forecast_labels(frame, sessions).head(FORECAST_ROWS)
    rows = frame.with_row_index("order").with_columns(
        label=pl.col("label") + pl.format(" ({})", "order")
    )
    labelled = alt.Axis(labelExpr="replace(datum.label, / \\(\\d+\\)$/, '')", labelLimit=260)
    panels = []
    for what, field, colour in (
        ("registrants", "registrants", PALETTE[0]),
        ("attendees", "attendees", PALETTE[2]),
    ):
        data = rows.select(
            "order",
            "label",
            "basis",
            "registrants_so_far",
            value=pl.col(f"forecast_{field}"),
            low=pl.col(f"{field}_low"),
            high=pl.col(f"{field}_high"),
        )
        y = alt.Y(
            "label:N",
            title=None,
            sort=alt.EncodingSortField(field="order", op="min"),
            axis=labelled if field == "registrants" else None,
        )
        base = alt.Chart(embed(data)).encode(
            y=y,
            tooltip=[
                alt.Tooltip("label:N", title="Session"),
                alt.Tooltip("value:Q", title=f"Forecast of {what}", format=",.0f"),
                alt.Tooltip("low:Q", title="80% interval from", format=",.0f"),
                alt.Tooltip("high:Q", title="to", format=",.0f"),
                alt.Tooltip("registrants_so_far:Q", title="Registrants so far", format=","),
                alt.Tooltip("basis:N", title="Learned from"),
            ],
        )
        x = alt.X("high:Q", title=f"Final {what} (count)", axis=COUNT_AXIS)
        parts: list[alt.Chart] = []
        if field == "registrants":
            parts.append(
                base.mark_bar(color=MUTED, opacity=0.35, height={"band": 0.7}).encode(
                    x=alt.X("registrants_so_far:Q")
                )
            )
        parts += [
            base.mark_rule(color=colour, strokeWidth=2).encode(x=x, x2="low:Q"),
            base.mark_point(color=colour, filled=True, size=50).encode(x="value:Q"),
        ]
        panels.append(layer(*parts).properties(width=WIDTH // 2, height=alt.Step(24)))
    left, right = panels
    chart: alt.HConcatChart = (
        alt.hconcat(left, right)
        .resolve_scale(y="shared")
        .properties(
            title=heading(
                title,
                "Grey: registrants so far; dots: forecast of final registrants (left) and"
                " attendees (right); lines: 80% interval.",
            )
        )
    )
    return apply_theme(chart)
