"""The report's Audience section: the frames and charts of channels, returning people, series
cohorts, on-demand sign-ups, registration pacing and the forecast with its backtest.

Each chart is drawn from the frame of the ``metrics`` function its ``charts.AUDIENCE_CHARTS``
entry names; the section leaves out what the synced depth cannot give (no participants: no
returning people or cohorts; no registrants: none of it but a note).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from webinar_insights import charts, metrics

from ._model import ReportChart

__all__ = ["Audience", "audience"]


@dataclass(frozen=True, slots=True)
class Audience:
    frames: dict[str, pl.DataFrame]
    charts: tuple[ReportChart, ...]
    notes: tuple[str, ...]
    per_session: dict[str, pl.DataFrame]
    """What the filter bar sums again for the sessions it shows (``report._filter``): channel
    counts (``channels``), live and on-demand registrants (``on_demand``), registrations by
    day (``progress``) and the forecast's rows (``forecast``), each keyed by session_id."""


def audience(
    every: pl.DataFrame,
    current: pl.DataFrame,
    *,
    registrants: pl.DataFrame | None,
    registered: pl.DataFrame | None,
    people: pl.DataFrame | None,
    every_unit: str,
    time_zone: str,
    as_of: datetime,
) -> Audience:
    """The Audience section of a report of ``current`` (the sessions in range).

    ``every`` and ``registrants`` are all the sessions and registrants given (the forecast
    learns from every past session, not only those in range, and is shown for the upcoming
    ones in range); ``registered`` and ``people`` are the registrants and participants of
    ``current``.
    """
    per_session: dict[str, pl.DataFrame] = {}
    notes: list[str] = []
    finished = current.filter(pl.col("status") == "Finished")
    if registered is not None:
        joined = people if people is not None else pl.DataFrame()
        per_session["channels"] = metrics.channel_summary(
            finished, registered, joined, by="session"
        )
        per_session["on_demand"] = metrics.on_demand(finished, registered)
    forecast = backtest = None
    if registrants is not None and not registrants.is_empty():
        upcoming = current.filter(pl.col("status") != "Finished").get_column("session_id")
        forecast = metrics.upcoming_forecast(every, registrants, upcoming.to_list(), now=as_of)
        backtest = metrics.backtest_summary(metrics.forecast_backtest(every, registrants))
        per_session["progress"] = metrics.registration_progress(current, registrants)
        per_session["forecast"] = forecast
    else:
        notes.append(
            "Registrants were not given: no channels, on-demand sign-ups or forecast in the"
            " Audience section."
        )
    # The same frames as the dashboard's Audience tab; the backtest only a report shows.
    frames = metrics.audience_frames(
        current,
        registrants=registrants,
        participants=people,
        forecast=forecast,
        every_unit=every_unit,
        time_zone=time_zone,
    )
    if backtest is not None:
        frames["backtest"] = backtest
    built = []
    for entry in charts.AUDIENCE_CHARTS.values():
        if entry.source not in frames:
            continue
        frame = frames[entry.source]
        chart = (
            charts.forecast_chart(frame, current) if entry.key == "forecast" else entry.build(frame)
        )
        built.append(ReportChart(entry.key.replace("_", "-"), entry.title, entry.caption, chart))
    return Audience(frames, tuple(built), tuple(notes), per_session)
