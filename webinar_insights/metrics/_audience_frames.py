"""The audience of a set of sessions, frame by frame: what the report's Audience section and
the dashboard's Audience tab both draw, computed in this one place so that they agree.

Channels and on-demand sign-ups read the Finished sessions shown; new and returning people and
series cohorts all sessions shown; the registration curve the sessions shown (it keeps their
Finished ones). The forecast learns from every Finished session of the data, not only those
shown (the more past sessions, the better it knows the program), and is made for the upcoming
sessions asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl

from ._audience import channel_summary, new_vs_returning, on_demand, series_cohorts
from ._forecast import attendance_forecast, registration_curve

# What the participants must hold for the people charts, and for the channel funnel's links.
PEOPLE_COLUMNS = ("session_id", "role", "unique_user_hash")
JOIN_COLUMNS = ("session_id", "participant_id", "registrant_id")


def upcoming_forecast(
    every: pl.DataFrame,
    registrants: pl.DataFrame,
    targets: Iterable[str],
    *,
    now: datetime,
) -> pl.DataFrame:
    """:func:`attendance_forecast` of the sessions ``targets`` (those upcoming at ``now``),
    learning from every Finished session of ``every``, not only from those shown.

    Each forecast costs a pass over the program, so only the targets are forecast: the other
    upcoming sessions are left out of the input (the forecast learns from Finished ones only,
    so leaving them out changes nothing for the targets).
    """
    wanted = pl.Series(list(targets), dtype=pl.String).implode()
    learning = every.filter((pl.col("status") == "Finished") | pl.col("session_id").is_in(wanted))
    forecast = attendance_forecast(learning, registrants, now=now)
    return forecast.filter(pl.col("session_id").is_in(wanted))


def audience_frames(
    shown: pl.DataFrame,
    *,
    registrants: pl.DataFrame | None,
    participants: pl.DataFrame | None,
    forecast: pl.DataFrame | None,
    every_unit: str,
    time_zone: str,
) -> dict[str, pl.DataFrame]:
    """The frame of each audience chart the data allows, by the name of the metric that makes
    it (``charts.AUDIENCE_CHARTS``' sources).

    Parameters
    ----------
    shown:
        The sessions shown (a frame from ``session_metrics``).
    registrants:
        Every registrant of the data (None: not synced); other sessions' are ignored.
    participants:
        The participants of ``shown`` (None: not synced; empty: synced, none of these).
    forecast:
        :func:`upcoming_forecast` of the upcoming sessions shown (None: none made).
    every_unit, time_zone:
        The periods of new and returning people and of on-demand sign-ups.
    """
    frames: dict[str, pl.DataFrame] = {}
    finished = shown.filter(pl.col("status") == "Finished")
    if registrants is not None and not registrants.is_empty():
        ids = shown.get_column("session_id").implode()
        registered = registrants.filter(pl.col("session_id").is_in(ids))
        # Without the participants' links the funnel's rule reads the registrants' own.
        visits = participants if _holds(participants, JOIN_COLUMNS) else pl.DataFrame()
        assert visits is not None
        frames["channel_summary"] = channel_summary(finished, registered, visits)
        # Finished sessions only: an upcoming session has no on-demand sign-ups yet.
        frames["on_demand"] = on_demand(finished, registered, every=every_unit, time_zone=time_zone)
        frames["registration_curve"] = registration_curve(shown, registered)
        if forecast is not None:
            frames["attendance_forecast"] = forecast
    if participants is not None and _holds(participants, PEOPLE_COLUMNS):
        frames["new_vs_returning"] = new_vs_returning(
            shown, participants, every=every_unit, time_zone=time_zone
        )
        frames["series_cohorts"] = series_cohorts(shown, participants)
    return frames


def _holds(frame: pl.DataFrame | None, columns: tuple[str, ...]) -> bool:
    return frame is not None and set(columns) <= set(frame.columns)
