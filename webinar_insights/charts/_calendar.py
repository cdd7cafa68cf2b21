"""Calendar charts: when sessions run, as a timeline of their windows and as a weekday x hour
heatmap."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from typing import Final, Literal, TypeAlias

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights._checks import check_choice, positive_int
from webinar_insights._time import TimeLike, local_weekday_hour, to_utc, zone_key
from webinar_insights.theme import ACCENT, apply_theme, status_scale

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

_MAX_TIMELINE_SESSIONS = 1_000
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
    frame = with_metrics(sessions, chart=name)
    moment = datetime.now(UTC) if now is None else to_utc(now, name=f"{name}: now")
    zone = zone_key(time_zone)
    max_sessions = positive_int(
        max_sessions, name="max_sessions", prefix=f"{name}: ", most=_MAX_TIMELINE_SESSIONS
    )
    frame = frame.filter(pl.col("scheduled_start").is_not_null())
    if frame.is_empty():
        return no_data(title, "no session with a scheduled start.", status_selection())
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
        local_label(pl.col("scheduled_start"), zone),
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
        metrics.host_label().alias("host"),
        pl.col("status").cast(pl.String),
        pl.col("runtime_status").cast(pl.String).fill_null("-"),
        local_label(pl.col("scheduled_start"), zone).alias("scheduled_from"),
        local_label(pl.col("scheduled_end"), zone).alias("scheduled_to"),
        local_label(pl.col("actual_start"), zone).fill_null("not started").alias("actual_from"),
        pl.when(pl.col("status") == "Active")
        .then(pl.lit("in progress"))
        .otherwise(local_label(pl.col("actual_end"), zone).fill_null("-"))
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
        return no_data(
            title,
            "no session with a known window (scheduled duration missing).",
            status_selection(),
        )
    first, last = windows.select(pl.col("start").min(), pl.col("end").max()).row(0)
    local = zoneinfo.ZoneInfo(zone)
    span = (min(first, moment).astimezone(local), max(last, moment).astimezone(local))
    windows = windows.with_columns(
        start=stamp(pl.col("start"), zone), end=stamp(pl.col("end"), zone)
    )
    status = status_selection()
    bars = (
        alt.Chart(embed(windows))
        .mark_bar(cornerRadius=2)
        .encode(
            y=alt.Y(
                "label:N",
                sort=alt.EncodingSortField(field="order", op="min"),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            yOffset=alt.YOffset("window:N", sort=["scheduled", "actual"]),
            x=time_x("start", f"Time ({zone})", *span),
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
        now_base.mark_text(align="left", dx=4, baseline="top", color=ACCENT).encode(
            text="label:N", y=alt.value(0)
        ),
    )
    shown = (
        f"Showing {chosen.height:,} of {frame.height:,} sessions: Active ones first, then those"
        " scheduled nearest to now."
        if chosen.height < frame.height
        else f"{count_of(frame.height, 'session')}."
    )
    chart = layer(bars, now_rule).properties(
        width=WIDTH + 120,
        height=alt.Step(16),
        title=heading(
            title,
            "Faint bar: scheduled window. Solid bar: live window (Active sessions up to now).",
            shown,
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
