"""Expression builders: base columns of the sessions frame -> one derived column (``pl.Expr``).

For use in a user's own polars code as much as in this package: when a session happens
(:func:`session_moment`), who hosted it (:func:`host_key`, :func:`host_label`), when it went
live and ended, how late, how long and how well attended.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import polars as pl

from webinar_insights._checks import check_timedelta

from ._columns import FLOAT

__all__ = [
    "DEFAULT_LATE_AFTER",
    "QUANTILE",
    "actual_duration",
    "actual_end",
    "actual_start",
    "attendance_rate",
    "finished",
    "host_key",
    "host_label",
    "late_start",
    "minutes",
    "overrun",
    "ratio",
    "session_moment",
    "start_delay",
    "sum_or_null",
]

QUANTILE: Literal["linear"] = "linear"
"""How every percentile of the metrics interpolates between neighbours (as numpy's default)."""

DEFAULT_LATE_AFTER = timedelta(minutes=5)
"""The late-start tolerance of METRICS.md: a start more than this after schedule is late."""


def _col(value: pl.Expr | str) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator as Float64, null unless the denominator is positive."""
    return pl.when(denominator > 0).then(numerator.cast(FLOAT) / denominator)


def sum_or_null(name: str) -> pl.Expr:
    """The sum of the known values; null (not 0) when none is known."""
    column = pl.col(name)
    return pl.when(column.is_not_null().any()).then(column.sum())


def finished() -> pl.Expr:
    """Whether a session's status is Finished."""
    return pl.col("status") == "Finished"


def minutes(expr: pl.Expr | str) -> pl.Expr:
    """A Duration expression (or column name) as fractional minutes (Float64).

    ``dt.total_minutes()`` truncates to whole minutes; this keeps the fraction, so 90 seconds
    is 1.5 and -90 seconds is -1.5.

    Examples
    --------
    >>> from datetime import timedelta
    >>> pl.select(minutes(pl.lit(timedelta(seconds=90)))).item()
    1.5
    """
    return _col(expr).dt.total_minutes(fractional=True)


def actual_start() -> pl.Expr:
    """``actual_start``: broadcast_start, else start_time, for Active and Finished sessions.

    Null for Scheduled sessions (and an unknown status): their ``start_time`` is a plan.
    """
    started = (pl.col("status") == "Active") | finished()
    return (
        pl.when(started)
        .then(pl.coalesce(pl.col("broadcast_start"), pl.col("start_time")))
        .alias("actual_start")
    )


def actual_end() -> pl.Expr:
    """``actual_end``: broadcast_end, else end_time, for Finished sessions; otherwise null."""
    return (
        pl.when(finished())
        .then(pl.coalesce(pl.col("broadcast_end"), pl.col("end_time")))
        .alias("actual_end")
    )


def session_moment() -> pl.Expr:
    """When a session happens: its ``scheduled_start``, else its ``actual_start``.

    The one rule for placing a session in time: the report's range, the dashboard's date
    filter, :func:`period_summary`'s periods and the local weekday and hour of
    :func:`percentile_bands` and ``charts.weekday_hour_chart`` all read it. Reads the
    ``actual_start`` column, so the frame comes from :func:`session_metrics`.
    """
    return pl.coalesce(pl.col("scheduled_start"), pl.col("actual_start")).alias("session_moment")


def host_key() -> pl.Expr:
    """Who hosted a session, as one key: ``host_user_id``, else ``"name:"`` + ``host_name``.

    Hosts without a linked user are told apart by name; a session with neither has a null key.
    """
    return pl.coalesce(pl.col("host_user_id"), pl.format("name:{}", pl.col("host_name"))).alias(
        "host_key"
    )


def host_label() -> pl.Expr:
    """A host as shown: ``host_name``, else ``host_user_id``, else ``"(no host)"``."""
    return pl.coalesce(pl.col("host_name"), pl.col("host_user_id"), pl.lit("(no host)")).alias(
        "host"
    )


def start_delay() -> pl.Expr:
    """``start_delay`` = actual_start − scheduled_start (negative: early; null if not started)."""
    return (actual_start() - pl.col("scheduled_start")).alias("start_delay")


def late_start(late_after: timedelta = DEFAULT_LATE_AFTER) -> pl.Expr:
    """``late_start``: start_delay > ``late_after``; null where start_delay is null.

    Parameters
    ----------
    late_after:
        The tolerance (default 5 minutes); a start exactly ``late_after`` late is not late.
    """
    late_after = check_timedelta(late_after, "late_after")
    return (start_delay() > late_after).alias("late_start")


def actual_duration() -> pl.Expr:
    """``actual_duration`` = actual_end − actual_start (Finished sessions only)."""
    return (actual_end() - actual_start()).alias("actual_duration")


def overrun() -> pl.Expr:
    """``overrun`` = actual_duration − scheduled_duration (negative: shorter than planned)."""
    return (actual_duration() - pl.col("scheduled_duration")).alias("overrun")


def attendance_rate() -> pl.Expr:
    """``attendance_rate`` = unique_attendee_count / registrant_count.

    Only for Finished sessions with registrant_count > 0; otherwise null (never 0, never
    infinity). Not clipped: a value above 1 (walk-ins) is kept, and :func:`anomalies` flags it.
    """
    registrants = pl.col("registrant_count")
    return (
        pl.when(finished() & (registrants > 0))
        .then(pl.col("unique_attendee_count").cast(FLOAT) / registrants)
        .alias("attendance_rate")
    )
