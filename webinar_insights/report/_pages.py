"""A page per session inside the report: what each page shows, gathered once here, and the chart
templates the browser fills with one session's values.

A page holds the session's facts formatted as the tables format them (times in the report's
zone), its schedule against what happened, and, where the store has them, the share of its
attendees present by minute, when they joined, when people registered and through which
channel (the registrants' ``source``). Counts only: no name or e-mail address of a participant
or registrant reaches a page.

Pages exist for at most :data:`PAGE_SESSIONS` sessions: every session in the report's tables,
then the Active ones, then those scheduled nearest to the report's clock (the status
timeline's order), so that a page is one click from wherever a session is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any, Final
from urllib.parse import quote

import altair as alt
import polars as pl

from webinar_insights import metrics
from webinar_insights.metrics import UNKNOWN_CHANNEL, host_label
from webinar_insights.theme import MUTED, PALETTE, apply_theme

from ._bundle import file_spec
from ._format import local_time, minutes, percent, whole

__all__ = [
    "JOIN_MINUTES",
    "PAGE_SESSIONS",
    "page_link",
    "page_session_ids",
    "page_templates",
    "session_pages",
]

PAGE_SESSIONS: Final = 250
JOIN_MINUTES: Final = (-15, 60)  # join times shown, in minutes after going live (clipped)
REGISTRATION_DAYS: Final = 60  # registrations earlier than this many days are counted on day 60


def page_link(session_id: str) -> str:
    """The address of a session's page inside the report (the page reads it back)."""
    return "#session-" + quote(session_id, safe="")


def page_session_ids(sessions: pl.DataFrame, *, shown: Iterable[str], now: datetime) -> list[str]:
    """The sessions that get a page: those ``shown`` in the tables, then Active sessions, then
    the rest by distance from ``now``; at most :data:`PAGE_SESSIONS`."""
    chosen = list(dict.fromkeys(shown))
    rest = (
        sessions.filter(~pl.col("session_id").is_in(pl.Series(chosen, dtype=pl.String).implode()))
        .with_columns(
            __active__=pl.col("status") != "Active",
            __distance__=(pl.col("scheduled_start") - pl.lit(now)).abs(),
        )
        .sort(["__active__", "__distance__", "session_id"], nulls_last=True)
        .get_column("session_id")
        .head(max(0, PAGE_SESSIONS - len(chosen)))
    )
    return (chosen + rest.to_list())[:PAGE_SESSIONS]


def session_pages(
    sessions: pl.DataFrame,
    ids: list[str],
    *,
    time_zone: str,
    now: datetime,
    retention: pl.DataFrame | None,
    participants: pl.DataFrame | None,
    registrants: pl.DataFrame | None,
) -> dict[str, dict[str, Any]]:
    """Session id -> its page's values (JSON-ready), for the sessions ``ids`` in that order."""
    wanted = pl.Series(ids, dtype=pl.String).implode()
    chosen = sessions.filter(pl.col("session_id").is_in(wanted)).with_columns(host_label())
    curves = _retention(retention, wanted)
    joins = _joins(participants, chosen, wanted)
    registered = _registrations(registrants, chosen, wanted)
    channels = _channels(registrants, wanted)
    pages: dict[str, dict[str, Any]] = {}
    for row in chosen.iter_rows(named=True):
        sid = row["session_id"]
        pages[sid] = {
            "title": row["session_title"] or "(untitled)",
            "webinar": row["webinar_title"] or "(untitled)",
            "webinar_id": row["webinar_id"],
            "host": row["host"],
            "facts": _facts(row, time_zone),
            "schedule": _schedule(row, now),
            "retention": curves.get(sid),
            "joins": joins.get(sid),
            "registrations": registered.get(sid),
            "channels": channels.get(sid),
            "notes": _notes(row, participants, registrants),
        }
    return {sid: pages[sid] for sid in ids if sid in pages}


def _facts(row: Mapping[str, Any], zone: str) -> list[list[str]]:
    def signed(value: Any) -> str:
        return "–" if value is None else f"{float(value):+.1f} min"

    def length(value: Any) -> str:
        return "–" if value is None else f"{minutes(value)} min"

    scheduled = row["scheduled_duration"]
    return [
        ["Status", str(row["status"])],
        [f"Scheduled ({zone})", local_time(row["scheduled_start"], zone)],
        ["Scheduled length", length(None if scheduled is None else scheduled.total_seconds() / 60)],
        [f"Went live ({zone})", local_time(row["actual_start"], zone)],
        [f"Ended ({zone})", local_time(row["actual_end"], zone)],
        ["Start delay", signed(row["start_delay_min"])],
        ["Ran for", length(row["actual_duration_min"])],
        ["Overrun", signed(row["overrun_min"])],
        ["Registrants", whole(row["registrant_count"])],
        ["Attendees", whole(row["unique_attendee_count"])],
        [metrics.KPIS["attendance_rate"].label, percent(row["attendance_rate"])],
        [metrics.KPIS["no_show_rate"].label, percent(row["no_show_rate"])],
        ["On-demand registrants", whole(row["post_webinar_registrant_count"])],
        ["Recording", str(row["recording_status"] or "–")],
    ]


def _schedule(row: Mapping[str, Any], now: datetime) -> list[dict[str, Any]]:
    """The scheduled window and the live one (up to ``now`` while Active), in minutes after
    the scheduled start."""
    start = row["scheduled_start"]
    windows = []
    if start is not None and row["scheduled_end"] is not None:
        windows.append(
            {
                "window": "Scheduled",
                "from": 0.0,
                "to": _minutes_between(start, row["scheduled_end"]),
            }
        )
    if start is not None and row["actual_start"] is not None:
        end = row["actual_end"]
        windows.append(
            {
                "window": "Live" if end is None else "Ran",
                "from": _minutes_between(start, row["actual_start"]),
                "to": _minutes_between(start, now if end is None else end),
            }
        )
    return windows


def _minutes_between(first: datetime, then: datetime) -> float:
    return round((then - first).total_seconds() / 60, 1)


def _retention(curve: pl.DataFrame | None, wanted: pl.Series) -> dict[str, list[float]]:
    """Session id -> the share present at minute 0, 1, ... (three decimals)."""
    if curve is None or curve.is_empty():
        return {}
    grouped = (
        curve.filter(pl.col("session_id").is_in(wanted))
        .sort("session_id", "minute")
        .group_by("session_id", maintain_order=True)
        .agg(pl.col("share_present").round(3))
    )
    return dict(zip(grouped["session_id"], grouped["share_present"].to_list(), strict=True))


def _joins(
    participants: pl.DataFrame | None, sessions: pl.DataFrame, wanted: pl.Series
) -> dict[str, list[int]]:
    """Session id -> attendees who joined in each minute from JOIN_MINUTES[0] (earlier joins in
    the first, later ones in the last)."""
    if participants is None or participants.is_empty() or "join_time" not in participants.columns:
        return {}
    low, high = JOIN_MINUTES
    attendees = participants.filter(
        pl.col("session_id").is_in(wanted), pl.col("role") == "Attendee"
    ).select("session_id", "join_time")
    if attendees.is_empty():
        return {}
    # The join delay as metrics defines it (join_time - the session's actual start).
    delays = metrics.participant_metrics(attendees, sessions)
    counts = (
        delays.filter(pl.col("join_delay_min").is_not_null())
        .group_by(
            "session_id",
            pl.col("join_delay_min").floor().clip(low, high).cast(pl.Int64).alias("minute"),
        )
        .len()
    )
    pages: dict[str, list[int]] = {}
    for sid, minute_at, n in counts.iter_rows():
        row = pages.setdefault(sid, [0] * (high - low + 1))
        row[minute_at - low] = n
    return pages


def _registrations(
    registrants: pl.DataFrame | None, sessions: pl.DataFrame, wanted: pl.Series
) -> dict[str, list[int]]:
    """Session id -> live registrations by whole days before the start (index 0: the day of
    the start, counted back from the start; earlier than REGISTRATION_DAYS: the last)."""
    if registrants is None or registrants.is_empty():
        return {}
    lead = metrics.registration_lead_time(
        registrants.filter(pl.col("session_id").is_in(wanted)), sessions
    )
    days = (
        lead.select(
            "session_id",
            pl.col("lead_time_days").floor().clip(0, REGISTRATION_DAYS).cast(pl.Int64).alias("day"),
        )
        .group_by("session_id", "day")
        .len()
    )
    pages: dict[str, list[int]] = {}
    for sid, day, n in days.sort("session_id", "day").iter_rows():
        row = pages.setdefault(sid, [])
        row.extend([0] * (day + 1 - len(row)))
        row[day] = n
    return pages


def _channels(registrants: pl.DataFrame | None, wanted: pl.Series) -> dict[str, list[list[Any]]]:
    """Session id -> [channel, live registrants, of them joined], most registrants first."""
    if registrants is None or registrants.is_empty() or "source" not in registrants.columns:
        return {}
    joined = pl.col("participant_id").is_not_null()
    if "attended" in registrants.columns:
        joined = joined | pl.col("attended").fill_null(False)
    grouped = (
        registrants.filter(
            pl.col("session_id").is_in(wanted),
            ~pl.col("registered_post_webinar").fill_null(False),
        )
        .group_by("session_id", pl.col("source").fill_null(UNKNOWN_CHANNEL).alias("channel"))
        .agg(pl.len().alias("registrants"), joined.sum().alias("joined"))
        .sort(["session_id", "registrants", "channel"], descending=[False, True, False])
    )
    pages: dict[str, list[list[Any]]] = {}
    for sid, channel, count, came in grouped.iter_rows():
        pages.setdefault(sid, []).append([channel, count, came])
    return pages


def _notes(
    row: Mapping[str, Any], participants: pl.DataFrame | None, registrants: pl.DataFrame | None
) -> list[str]:
    notes = []
    if row["status"] == "Scheduled":
        notes.append("Not held yet (or never held): no start, attendance or retention.")
    if participants is None:
        notes.append("Participants were not synced: no retention curve or join times.")
    if registrants is None:
        notes.append("Registrants were not synced: no registrations by day or channels.")
    return notes


def _named(name: str) -> Any:
    """Data the page fills in: ``{"name": name}``, set from the session's values."""
    return alt.Data(name=name)  # type: ignore[no-untyped-call]


@cache
def page_templates() -> dict[str, dict[str, Any]]:
    """The charts of a session page, as Vega-Lite specs whose data is named after the chart
    (``{"name": "retention"}``...): the page sets it to the session's values."""

    def spec(chart: alt.Chart | alt.LayerChart) -> dict[str, Any]:
        return file_spec(apply_theme(chart))

    schedule = (
        alt.Chart(_named("schedule"))
        .mark_bar(height=18, cornerRadius=2)
        .encode(
            y=alt.Y("window:N", title=None, sort=["Scheduled", "Ran", "Live"]),
            x=alt.X("from:Q", title="Minutes after the scheduled start"),
            x2="to:Q",
            color=alt.Color(
                "window:N",
                scale=alt.Scale(
                    domain=["Scheduled", "Ran", "Live"], range=[MUTED, PALETTE[0], PALETTE[1]]
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("window:N", title="Window"),
                alt.Tooltip("from:Q", title="From (min)", format=".1f"),
                alt.Tooltip("to:Q", title="To (min)", format=".1f"),
            ],
        )
        .properties(width=480, height=70, title="Scheduled against what happened")
    )
    retention = (
        alt.Chart(_named("retention"))
        .mark_line(color=PALETTE[0])
        .encode(
            x=alt.X("minute:Q", title="Minutes after going live"),
            y=alt.Y("share:Q", title="Attendees present", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("minute:Q", title="Minute"),
                alt.Tooltip("share:Q", title="Present", format=".0%"),
            ],
        )
        .properties(
            width=480,
            height=200,
            title=alt.Title(
                "Attendees still present, by minute",
                subtitle="An upper bound: the API keeps each person's first join and last leave.",
            ),
        )
    )
    low, high = JOIN_MINUTES
    joins = (
        alt.Chart(_named("joins"))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X("minute:Q", bin="binned", title="Joined (minutes after going live)"),
            x2="end:Q",
            y=alt.Y("attendees:Q", title="Attendees"),
            tooltip=[
                alt.Tooltip("minute:Q", title="Minute"),
                alt.Tooltip("attendees:Q", title="Attendees joined"),
            ],
        )
        .properties(
            width=480,
            height=180,
            title=alt.Title(
                "When attendees joined",
                subtitle=f"Earlier than {low} or later than {high} minutes: at the edges.",
            ),
        )
    )
    registrations = (
        alt.Chart(_named("registrations"))
        .mark_area(
            color=PALETTE[2], opacity=0.35, line={"color": PALETTE[2]}, interpolate="step-after"
        )
        .encode(
            x=alt.X("day:Q", title="Days before the start", scale=alt.Scale(reverse=True)),
            y=alt.Y("so_far:Q", title="Registered so far"),
            tooltip=[
                alt.Tooltip("day:Q", title="Days before"),
                alt.Tooltip("that_day:Q", title="Registered that day"),
                alt.Tooltip("so_far:Q", title="Registered so far"),
            ],
        )
        .properties(
            width=480,
            height=180,
            title=alt.Title(
                "Registrations before the start",
                subtitle=f"Live registrants; earlier than {REGISTRATION_DAYS} days counted at"
                f" {REGISTRATION_DAYS}.",
            ),
        )
    )
    base = alt.Chart(_named("channels")).encode(
        y=alt.Y("channel:N", title=None, sort=None),  # as given: most registrants first
        tooltip=[
            alt.Tooltip("channel:N", title="Channel"),
            alt.Tooltip("registrants:Q", title="Registrants"),
            alt.Tooltip("joined:Q", title="Joined"),
            alt.Tooltip("rate:Q", title="Joined / registered", format=".0%"),
        ],
    )
    channels = alt.LayerChart(
        layer=[
            base.mark_bar(color=MUTED).encode(x=alt.X("registrants:Q", title="People")),
            base.mark_bar(color=PALETTE[0], height=8).encode(x="joined:Q"),
        ]
    ).properties(
        width=480,
        title=alt.Title(
            "Registration channels",
            subtitle="Grey: registered through the channel; blue: of them, joined.",
        ),
    )
    return {
        "schedule": spec(schedule),
        "retention": spec(retention),
        "joins": spec(joins),
        "registrations": spec(registrations),
        "channels": spec(channels),
    }
