"""Calendar charts: when sessions run, as a timeline of their windows and as a weekday x hour
heatmap."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Final, Literal, TypeAlias

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights._checks import check_choice, check_timedelta, positive_int
from webinar_insights._time import TimeLike, local_weekday_hour, to_utc, zone_key
from webinar_insights.theme import ACCENT, STATUS_COLORS, apply_theme, status_scale

from ._base import (
    STAMP,
    WIDTH,
    count_of,
    embed,
    heading,
    inline,
    layer,
    local_label,
    no_data,
    stamp,
    status_selection,
    time_x,
    with_metrics,
)

__all__ = ["WeekdayHourValue", "status_timeline_chart", "weekday_hour_chart"]

WeekdayHourValue: TypeAlias = Literal["sessions", "attendance_rate"]
"""What :func:`weekday_hour_chart` colours its cells by."""

_MAX_TIMELINE_SESSIONS = 5_000  # charts.MAX_ROWS: one embedded row per session
_MAX_ROWS = 200
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def status_timeline_chart(
    sessions: pl.DataFrame,
    *,
    now: TimeLike | None = None,
    max_sessions: int = 500,
    max_rows: int = 30,
    time_zone: str = "UTC",
    late_after: timedelta = metrics.DEFAULT_LATE_AFTER,
) -> alt.LayerChart | alt.Chart:
    """When each webinar's sessions ran, one row per webinar (series), readable from 5 to 5,000
    sessions.

    Every session is a dot at its start, coloured by status (Active ones larger, ringed, and
    labelled "live"); a late start has a dark ring. Under the dot, a faint bar is the scheduled
    window and a solid one the live window (to ``now`` for an Active session): on a range of
    days they show late starts and overruns, on a range of months they shrink to the dot.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns).
    now:
        The moment marked by a rule and that Active sessions are drawn up to; default: the
        current time. A naive datetime is taken as UTC.
    max_sessions:
        Sessions drawn at most: Active sessions first, then those scheduled nearest to ``now``.
    max_rows:
        Webinar rows at most: those holding an Active session first, then those with a
        session nearest to ``now``; the sessions of the others share one row, "Other webinars
        (N)". The subtitle says what was left out or grouped.
    time_zone:
        IANA name of the zone the times are shown in.
    late_after:
        A start more than this after the scheduled start is late (ringed).

    Returns
    -------
    altair.LayerChart
        Declares the ``status`` legend selection; colours follow
        :data:`webinar_insights.theme.STATUS_COLORS`.
    """
    name = "status_timeline_chart"
    title = "Session timeline"
    frame = with_metrics(sessions, chart=name)
    moment = datetime.now(UTC) if now is None else to_utc(now, name=f"{name}: now")
    zone = zone_key(time_zone)
    max_sessions = positive_int(
        max_sessions, name="max_sessions", prefix=f"{name}: ", most=_MAX_TIMELINE_SESSIONS
    )
    max_rows = positive_int(max_rows, name="max_rows", prefix=f"{name}: ", most=_MAX_ROWS)
    late_after = check_timedelta(late_after, "late_after", prefix=f"{name}: ")
    frame = frame.filter(pl.col("scheduled_start").is_not_null())
    if frame.is_empty():
        return no_data(title, "no session with a scheduled start.", status_selection())
    active = (pl.col("status") == "Active").fill_null(False)
    distance = (pl.col("scheduled_start") - pl.lit(moment)).abs()
    chosen = (
        frame.with_row_index("_row")
        .sort([~active, distance, pl.col("_row")])
        .head(max_sessions)
        .with_columns(
            series=pl.coalesce(pl.col("webinar_title"), pl.col("webinar_id"), pl.lit("(none)")),
            _key=pl.coalesce(pl.col("webinar_id"), pl.col("webinar_title")).fill_null(""),
        )
    )
    # Rows: the webinars with an Active session, then those with a session nearest to now.
    ranked = (
        chosen.group_by("_key")
        .agg(
            pl.col("series").first(),
            (~active).all().alias("_quiet"),
            distance.min().alias("_nearest"),
            pl.col("scheduled_start").max().alias("_latest"),
        )
        .sort("_quiet", "_nearest", "_key")
    )
    kept = ranked.head(max_rows if ranked.height <= max_rows else max_rows - 1)
    grouped = ranked.height - kept.height
    other = f"Other webinars ({grouped:,})"
    # Two webinars with one title get their ids added; rows run newest first.
    labels = kept.with_columns(
        row=pl.when(pl.col("series").is_duplicated())
        .then(pl.format("{} ({})", pl.col("series"), pl.col("_key")))
        .otherwise(pl.col("series"))
    ).sort("_latest", "_key", descending=[True, False])
    order = [*labels.get_column("row").to_list(), *([other] if grouped else [])]
    chosen = chosen.join(labels.select("_key", "row"), on="_key", how="left").with_columns(
        pl.col("row").fill_null(other)
    )
    until_now = pl.max_horizontal(pl.col("actual_start"), pl.lit(moment))
    start = pl.coalesce(pl.col("actual_start"), pl.col("scheduled_start"))
    late = (pl.col("start_delay") > late_after).fill_null(False)
    points = chosen.select(
        "row",
        "session_id",
        pl.col("session_title").fill_null("(untitled)").alias("session"),
        pl.col("series").alias("webinar"),
        metrics.host_label().alias("host"),
        pl.col("status").cast(pl.String).fill_null("unknown"),
        pl.col("runtime_status").cast(pl.String).fill_null("-"),
        active.alias("active"),
        late.alias("late"),
        stamp(start, zone).alias("at"),
        stamp(pl.col("scheduled_start"), zone).alias("scheduled_start"),
        stamp(pl.col("scheduled_end"), zone).alias("scheduled_end"),
        stamp(pl.col("actual_start"), zone).alias("live_start"),
        stamp(pl.when(active).then(until_now).otherwise(pl.col("actual_end")), zone).alias(
            "live_end"
        ),
        local_label(pl.col("scheduled_start"), zone).alias("scheduled_from"),
        pl.col("start_delay_min").round(1).alias("start_delay_min"),
        pl.col("overrun_min").round(1).alias("overrun_min"),
        pl.col("time_zone").alias("session_time_zone"),
    )
    first, last = chosen.select(
        pl.col("scheduled_start").min(),
        pl.max_horizontal(pl.col("scheduled_end"), pl.col("actual_end")).max(),
    ).row(0)
    last = last or first
    local = zoneinfo.ZoneInfo(zone)
    span = (min(first, moment).astimezone(local), max(last, moment).astimezone(local))
    status = status_selection()
    y = alt.Y(
        "row:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=220, labelFontSize=11),
        scale=alt.Scale(domain=order),
    )
    colour = (
        alt.when(status)
        .then(
            alt.Color(
                "status:N",
                title="Status",
                scale=status_scale(points.get_column("status").unique().to_list()),
            )
        )
        .otherwise(alt.value("#dddddd"))
    )
    tooltip = [
        alt.Tooltip("session:N", title="Session"),
        alt.Tooltip("webinar:N", title="Webinar"),
        alt.Tooltip("host:N", title="Host"),
        alt.Tooltip("status:N", title="Status"),
        alt.Tooltip("runtime_status:N", title="Runtime status"),
        alt.Tooltip("scheduled_from:N", title=f"Scheduled ({zone})"),
        alt.Tooltip("start_delay_min:Q", title="Start delay (min)"),
        alt.Tooltip("overrun_min:Q", title="Overrun (min)"),
        alt.Tooltip("session_time_zone:N", title="Session time zone"),
    ]
    base = alt.Chart(embed(points)).encode(y=y, tooltip=tooltip)
    scheduled = base.mark_bar(height=10, opacity=0.25, color="#888888").encode(
        x=time_x("scheduled_start", f"Time ({zone})", *span), x2=alt.X2("scheduled_end:T")
    )
    live = (
        base.transform_filter("datum.live_start != null && datum.live_end != null")
        .mark_bar(height=5)
        .encode(x=alt.X("live_start:T"), x2=alt.X2("live_end:T"), color=colour)
    )
    dots = (
        base.mark_point(filled=True, opacity=0.9)
        .encode(
            x=alt.X("at:T"),
            color=colour,
            size=alt.condition("datum.active", alt.value(220), alt.value(45)),
            stroke=alt.condition(
                "datum.late || datum.active", alt.value("#222222"), alt.value(None)
            ),
            strokeWidth=alt.condition("datum.active", alt.value(2.5), alt.value(1.2)),
        )
        .add_params(status)
    )
    # "live" beside an Active session's dot: drawn for every point, blank but for those, so
    # that the layer never has no rows (Vega warns of an infinite extent on none).
    live_now = base.mark_text(
        align="left", dx=9, fontWeight="bold", color=STATUS_COLORS["Active"]
    ).encode(x=alt.X("at:T"), text=alt.condition("datum.active", alt.value("live"), alt.value("")))
    now_label = f"now ({moment.astimezone(local):%Y-%m-%d %H:%M})"
    now_data = inline(
        [
            {
                "now": pl.Series([moment]).dt.convert_time_zone(zone).dt.to_string(STAMP).item(),
                "label": now_label,
            }
        ]
    )
    now_base = alt.Chart(now_data).encode(
        x=alt.X("now:T"), tooltip=[alt.Tooltip("label:N", title="Reference")]
    )
    now_rule = layer(
        now_base.mark_rule(color=ACCENT, strokeDash=[5, 3], strokeWidth=2),
        # Left of the rule, inside the plot: the chart is no wider for it.
        now_base.mark_text(align="right", dx=-4, baseline="top", color=ACCENT).encode(
            text="label:N", y=alt.value(0)
        ),
    )
    shown = [
        f"Showing {chosen.height:,} of {frame.height:,} sessions: Active ones first, then those"
        " scheduled nearest to now."
        if chosen.height < frame.height
        else f"{count_of(frame.height, 'session')} of {count_of(ranked.height, 'webinar')}.",
    ]
    if grouped:
        shown.append(f"The {grouped:,} webinars furthest from now share the last row.")
    # The now rule under the dots: an Active session's dot sits on it and must take the click.
    chart = layer(scheduled, live, now_rule, dots, live_now).properties(
        width=WIDTH + 120,
        height=alt.Step(22),
        title=heading(
            title,
            "A row per webinar; a dot per session at its start, coloured by status (dark ring:"
            " late start). Faint bar: scheduled window; solid bar: live window.",
            *shown,
        ),
    )
    return apply_theme(chart)


def weekday_hour_chart(
    sessions: pl.DataFrame,
    *,
    time_zone: str | None = None,
    value: WeekdayHourValue = "sessions",
) -> alt.Chart:
    """A weekday x hour heatmap of when sessions are scheduled, or how well they are attended.

    A session is placed by ``metrics.session_moment()`` (its scheduled start, else its actual
    start) in local time, by the same rule as ``metrics.percentile_bands(by="weekday_hour")``:
    both put a session in the same cell.

    Parameters
    ----------
    sessions:
        The sessions frame (with or without the ``session_metrics`` columns).
    time_zone:
        None (default): each session in its own local time (its ``time_zone`` column), so a
        10:00 session in Berlin and one in New York share a cell. An IANA name: every session
        in that zone. Either way DST-safe: each start instant is converted with the rules in
        force on its date. A session without a time zone is read in UTC, and so is one whose
        zone is unknown (that warns with a ``DataWarning``); the subtitle counts them.
    value:
        ``"sessions"``: how many sessions start in the cell (any status). ``"attendance_rate"``:
        the weighted attendance rate of the cell's Finished sessions with registrants.

    Returns
    -------
    altair.Chart
        Rect marks, one per weekday and hour (168 at most).
    """
    name = "weekday_hour_chart"
    check_choice(value, "value", ("sessions", "attendance_rate"), prefix=f"{name}: ")
    title = (
        "Sessions by weekday and hour"
        if value == "sessions"
        else "Attendance rate by weekday and hour"
    )
    frame = with_metrics(sessions, chart=name)
    zone = None if time_zone is None else zone_key(time_zone)
    frame = frame.filter(metrics.session_moment().is_not_null())
    if value == "attendance_rate":
        frame = frame.filter(
            (pl.col("status") == "Finished") & pl.col("attendance_rate").is_not_null()
        )
    if frame.is_empty():
        reason = (
            "no session with a scheduled or actual start."
            if value == "sessions"
            else "no Finished session with registrants (the rate needs registrant_count > 0)."
        )
        return no_data(title, reason)
    local, unknown = local_weekday_hour(
        frame.select(
            metrics.session_moment(), "time_zone", "unique_attendee_count", "registrant_count"
        ),
        at=pl.col("session_moment"),
        time_zone=zone,
        what=name,
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
        what = f"{count_of(frame.height, 'session')} (any status) by scheduled start"
    else:
        color = alt.Color(
            "attendance_rate:Q", title="Attendance rate (%)", legend=alt.Legend(format="%")
        )
        what = (
            f"Weighted rate (attendees / registrants) of {count_of(frame.height, 'Finished session')}"
            " by scheduled start"
        )
    chart: alt.Chart = (
        alt.Chart(embed(cells))
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
            title=heading(
                title,
                f"{what}, in {where}.",
                f"{count_of(unknown, 'session')} without a known time zone are placed in UTC."
                if unknown
                else "",
            ),
        )
    )
    return apply_theme(chart)
