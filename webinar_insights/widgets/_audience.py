"""The dashboard's Audience tab: the charts of ``charts.AUDIENCE_CHARTS`` of the sessions shown,
one under the other, from ``metrics.audience_frames`` (as the report's Audience section). A
chart whose people were not synced is left out; with neither registrants nor participants the
tab says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

import altair as alt
import polars as pl

from webinar_insights import charts, metrics
from webinar_insights.charts._audience import FORECAST_ROWS as _FORECAST_ROWS
from webinar_insights.charts._base import no_data
from webinar_insights.theme import apply_theme

__all__ = [
    "AUDIENCE",
    "AUDIENCE_TITLE",
    "FORECAST_ROWS",
    "NO_PEOPLE",
    "PARTICIPANT_COLUMNS",
    "audience_chart",
    "audience_period",
    "forecast_targets",
]

AUDIENCE: Final = "audience"
"""The Audience tab's name (a key of ``Dashboard.charts()``)."""

AUDIENCE_TITLE: Final = "Audience"
"""The Audience tab's title: the heading of the report's Audience section."""

NO_PEOPLE: Final = "sync with depth registrants or participants"
"""Why the tab is empty when the data holds no registrants and no participants."""

PARTICIPANT_COLUMNS: Final = (
    "session_id",
    "participant_id",
    "registrant_id",
    "role",
    "unique_user_hash",
    "email",
)
"""What the audience metrics read of the participants (people told apart, joins linked)."""

FORECAST_ROWS: Final = _FORECAST_ROWS
"""Upcoming sessions the forecast is made for at most: as many as ``charts.forecast_chart``
draws (the first by scheduled start)."""

# What ``theme.apply_theme`` sets on a chart: only a top-level chart may carry it.
_TOP_LEVEL: Final = ("config", "background", "padding", "usermeta")


def audience_period(sessions: pl.DataFrame, lower: datetime | None, upper: datetime | None) -> str:
    """The period (a polars interval) the tab cuts time into: ``charts.explore_period`` of the
    range shown, as the report chooses it; an open bound is the first or last session shown."""
    first, last = sessions.select(
        metrics.session_moment().min().alias("first"),
        metrics.session_moment().max().alias("last"),
    ).row(0)
    lower = lower if lower is not None else first
    upper = upper if upper is not None else last
    if lower is None or upper is None:
        return "1mo"  # nothing shown: any period draws nothing
    every, _ = charts.explore_period(lower, max(lower, upper))
    return every


def forecast_targets(sessions: pl.DataFrame, now: datetime) -> tuple[str, ...]:
    """The upcoming sessions (not Finished, scheduled after ``now``) the tab forecasts: the
    first :data:`FORECAST_ROWS` shown by scheduled start, as ``charts.forecast_chart`` draws them
    (each forecast costs a pass over the whole program, a second per 30 at 100,000 sessions, so
    none is made in vain)."""
    upcoming = (
        sessions.filter(pl.col("status") != "Finished", pl.col("scheduled_start") > now)
        .sort("scheduled_start", "session_id")
        .head(FORECAST_ROWS)
    )
    return tuple(upcoming.get_column("session_id").cast(pl.String).to_list())


def audience_chart(sessions: pl.DataFrame, frames: Mapping[str, pl.DataFrame]) -> charts.AnyChart:
    """The Audience tab: the chart of each of ``frames`` (``metrics.audience_frames`` of
    ``sessions``), in the order of ``charts.AUDIENCE_CHARTS``, one under the other; with no
    frame at all (no registrants, no participants), a chart that says what to sync."""
    if not frames:
        return no_data(AUDIENCE_TITLE, NO_PEOPLE)
    parts = []
    settings: dict[str, Any] = {}
    for entry in charts.AUDIENCE_CHARTS.values():
        if entry.source not in frames:
            continue
        frame = frames[entry.source]
        chart = (
            charts.forecast_chart(frame, sessions)
            if entry.key == "forecast"
            else entry.build(frame)
        )
        # Only a top-level chart may carry settings: each part's theme (``theme.apply_theme``,
        # the same on every chart) moves to the whole, which is cheaper than applying it again.
        part = chart.copy(deep=False)
        for setting in _TOP_LEVEL:
            settings[setting] = getattr(part, setting)
            setattr(part, setting, alt.Undefined)
        parts.append(part)
    if any(value is alt.Undefined for value in settings.values()):
        return apply_theme(alt.vconcat(*parts, spacing=36))
    return alt.vconcat(*parts, spacing=36, **settings)
