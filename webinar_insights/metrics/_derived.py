"""Per-session and per-participant metrics: the derived columns of METRICS.md appended to the
sessions and participants frames, registrant counts filled from a registrants frame."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from webinar_insights import schemas
from webinar_insights._checks import check_timedelta

from ._columns import (
    INT,
    PARTICIPANT_METRICS_COLUMNS,
    SESSION_METRICS_COLUMNS,
    is_empty,
    require,
)
from ._expressions import (
    DEFAULT_LATE_AFTER,
    actual_duration,
    actual_end,
    actual_start,
    attendance_rate,
    finished,
    late_start,
    minutes,
    overrun,
    ratio,
    start_delay,
)

__all__ = ["participant_metrics", "session_metrics", "session_times"]

_SESSION_INPUTS = (
    "session_id",
    "status",
    "scheduled_start",
    "scheduled_duration",
    "start_time",
    "end_time",
    "broadcast_start",
    "broadcast_end",
    "unique_attendee_count",
    "registrant_count",
    "post_webinar_registrant_count",
)
_REGISTRANT_COUNT_INPUTS = ("session_id", "registered_post_webinar", "participant_id")
_PRIOR_NO_SHOWS = "__prior_no_show_count__"
_LIVE, _POST, _ABSENT = "__live__", "__post__", "__absent__"


def session_metrics(
    sessions: pl.DataFrame,
    *,
    registrants: pl.DataFrame | None = None,
    late_after: timedelta = DEFAULT_LATE_AFTER,
) -> pl.DataFrame:
    """Append the derived session columns of METRICS.md (:data:`SESSION_METRICS_COLUMNS`).

    Parameters
    ----------
    sessions:
        The sessions frame (``schemas.SESSIONS``; extra columns are kept). Applying this twice
        recomputes the derived columns and keeps ``no_show_count`` of sessions not in
        ``registrants``.
    registrants:
        Optional registrants frame (``schemas.REGISTRANTS``). For every session that has rows in
        it, ``registrant_count`` (live registrants: ``registered_post_webinar`` not true),
        ``post_webinar_registrant_count`` and, for Finished sessions, ``no_show_count`` (live
        registrants without a ``participant_id``) are filled from it. Sessions without rows in
        it keep the values they had (null, or 0 where the store recorded an empty list).
    late_after:
        Tolerance of ``late_start`` (default 5 minutes).

    Returns
    -------
    polars.DataFrame
        ``sessions`` (derived columns from a previous call dropped) followed by
        ``actual_start`` … ``no_show_rate`` (``schemas.DERIVED_SESSION_COLUMNS``), then
        ``actual_duration_min`` and ``overrun_min``.

    Raises
    ------
    ConfigurationError
        A column the formulas need is missing, or ``late_after`` is not a timedelta.
    """
    late_after = check_timedelta(late_after, "late_after")
    # A frame with no rows may lack columns: give it the whole declared schema.
    inputs = schemas.SESSIONS.names() if is_empty(sessions) else _SESSION_INPUTS
    frame = require(sessions, inputs, what="sessions")
    prior = (
        pl.col("no_show_count").cast(INT)
        if "no_show_count" in frame.columns
        else pl.lit(None, dtype=INT)
    )
    frame = frame.with_columns(prior.alias(_PRIOR_NO_SHOWS)).drop(
        [name for name in SESSION_METRICS_COLUMNS if name in frame.columns]
    )
    if registrants is not None:
        frame = _with_registrant_counts(frame, registrants)
    base = [name for name in frame.columns if name != _PRIOR_NO_SHOWS]
    no_shows, registered = pl.col("no_show_count"), pl.col("registrant_count")
    return (
        frame.with_columns(
            actual_start(),
            actual_end(),
            start_delay(),
            minutes(start_delay()).alias("start_delay_min"),
            late_start(late_after),
            actual_duration(),
            overrun(),
            attendance_rate(),
            pl.col(_PRIOR_NO_SHOWS).alias("no_show_count"),
        )
        .with_columns(
            no_show_rate=pl.when(no_shows.is_not_null()).then(ratio(no_shows, registered)),
            actual_duration_min=minutes("actual_duration"),
            overrun_min=minutes("overrun"),
        )
        .select(*base, *SESSION_METRICS_COLUMNS)
    )


def _with_registrant_counts(frame: pl.DataFrame, registrants: pl.DataFrame) -> pl.DataFrame:
    registrants = require(registrants, _REGISTRANT_COUNT_INPUTS, what="registrants")
    post = pl.col("registered_post_webinar").fill_null(False)
    counts = (
        registrants.lazy()
        .filter(pl.col("session_id").is_not_null())
        .group_by("session_id")
        .agg(
            (~post).sum().cast(INT).alias(_LIVE),
            post.sum().cast(INT).alias(_POST),
            (~post & pl.col("participant_id").is_null()).sum().cast(INT).alias(_ABSENT),
        )
        .collect()
    )
    present = pl.col(_LIVE).is_not_null()
    return (
        frame.join(counts, on="session_id", how="left", maintain_order="left")
        .with_columns(
            pl.when(present)
            .then(pl.col(_LIVE))
            .otherwise(pl.col("registrant_count"))
            .alias("registrant_count"),
            pl.when(present)
            .then(pl.col(_POST))
            .otherwise(pl.col("post_webinar_registrant_count"))
            .alias("post_webinar_registrant_count"),
            pl.when(present)
            .then(pl.when(finished()).then(pl.col(_ABSENT)))
            .otherwise(pl.col(_PRIOR_NO_SHOWS))
            .alias(_PRIOR_NO_SHOWS),
        )
        .drop(_LIVE, _POST, _ABSENT)
    )


def session_times(sessions: pl.DataFrame) -> pl.DataFrame:
    """session_id, status, actual_start, actual_end and scheduled_start, one row per session.

    Uses the derived columns when the frame has them, else computes them from the base columns.
    """
    derived = ("actual_start", "actual_end")
    if all(name in sessions.columns for name in derived):
        frame = require(sessions, ("session_id", "status", "scheduled_start"), what="sessions")
        times = [pl.col(name) for name in derived]
    else:
        needed = ("session_id", "status", "scheduled_start", "start_time", "end_time")
        frame = require(sessions, (*needed, "broadcast_start", "broadcast_end"), what="sessions")
        times = [actual_start(), actual_end()]
    return frame.select(
        pl.col("session_id"), pl.col("status"), *times, pl.col("scheduled_start")
    ).unique("session_id", keep="first", maintain_order=True)


def participant_metrics(participants: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """Append ``join_delay`` (Duration) and ``join_delay_min`` (Float64) to the participants.

    ``join_delay`` = join_time − the session's actual_start: negative for joining before the
    session went live, null when actual_start (or join_time) is null or the session is not in
    ``sessions``.

    Parameters
    ----------
    participants:
        The participants frame (``schemas.PARTICIPANTS``).
    sessions:
        The sessions frame, raw or from :func:`session_metrics`.
    """
    inputs = schemas.PARTICIPANTS.names() if is_empty(participants) else ("session_id", "join_time")
    frame = require(participants, inputs, what="participants")
    frame = frame.drop([name for name in PARTICIPANT_METRICS_COLUMNS if name in frame.columns])
    starts = session_times(sessions).select(
        pl.col("session_id"), pl.col("actual_start").alias("__start__")
    )
    delay = pl.col("join_time") - pl.col("__start__")
    return (
        frame.join(starts, on="session_id", how="left", maintain_order="left")
        .with_columns(delay.alias("join_delay"), minutes(delay).alias("join_delay_min"))
        .drop("__start__")
    )
