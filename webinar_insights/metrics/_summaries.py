"""Summaries: one row per webinar, host or calendar period of a frame from ``session_metrics``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl

from webinar_insights import schemas
from webinar_insights._time import zone_key
from webinar_insights.errors import ConfigurationError

from ._columns import FLOAT, HINT_SESSION_METRICS, INT, require
from ._expressions import finished, host_key, ratio, session_moment, sum_or_null

__all__ = [
    "SUMMARY_COLUMNS",
    "SUMMARY_INPUTS",
    "host_summary",
    "period_summary",
    "session_period",
    "summary_aggs",
    "webinar_summary",
]

SUMMARY_COLUMNS = pl.Schema(
    {
        "sessions": INT,
        "finished_sessions": INT,
        "registrants": INT,
        "unique_attendees": INT,
        "attendance_rate": FLOAT,
        "median_start_delay_min": FLOAT,
        "late_start_share": FLOAT,
        "total_actual_duration": schemas.DURATION,
        "mean_actual_duration_min": FLOAT,
    }
)
"""The aggregate columns of :func:`webinar_summary`, :func:`host_summary`, :func:`period_summary`
(after their group columns)."""

SUMMARY_INPUTS = (
    "status",
    "registrant_count",
    "unique_attendee_count",
    "attendance_rate",
    "start_delay_min",
    "late_start",
    "actual_duration",
    "actual_duration_min",
)
"""The session columns :func:`summary_aggs` reads."""


def summary_aggs() -> list[pl.Expr]:
    """The aggregations of :data:`SUMMARY_COLUMNS`, in order."""
    rated = pl.col("attendance_rate").is_not_null()
    return [
        pl.len().cast(INT).alias("sessions"),
        finished().sum().cast(INT).alias("finished_sessions"),
        sum_or_null("registrant_count").cast(INT).alias("registrants"),
        sum_or_null("unique_attendee_count").cast(INT).alias("unique_attendees"),
        ratio(
            pl.col("unique_attendee_count").filter(rated).sum(),
            pl.col("registrant_count").filter(rated).sum(),
        ).alias("attendance_rate"),
        pl.col("start_delay_min").median().cast(FLOAT).alias("median_start_delay_min"),
        pl.col("late_start").cast(FLOAT).mean().alias("late_start_share"),
        sum_or_null("actual_duration").cast(schemas.DURATION).alias("total_actual_duration"),
        pl.col("actual_duration_min").mean().cast(FLOAT).alias("mean_actual_duration_min"),
    ]


def _summary(
    sessions: pl.DataFrame,
    keys: Sequence[str],
    labels: Sequence[str],
    *,
    order: Sequence[str] | None = None,
) -> pl.DataFrame:
    frame = require(
        sessions, (*keys, *labels, *SUMMARY_INPUTS), what="sessions", hint=HINT_SESSION_METRICS
    )
    return (
        frame.group_by(*keys)
        .agg(
            *(pl.col(label).drop_nulls().first().alias(label) for label in labels),
            *summary_aggs(),
        )
        .sort(list(order or keys), nulls_last=True)
    )


def webinar_summary(sessions: pl.DataFrame) -> pl.DataFrame:
    """One row per webinar (series): ``webinar_id``, ``webinar_title``, then :data:`SUMMARY_COLUMNS`.

    ``registrants`` and ``unique_attendees`` are sums over the sessions (a person attending two
    sessions counts twice), null when no session of the webinar has the count. ``attendance_rate``
    is weighted: the sum of unique attendees over the sum of registrants of the sessions that have
    an attendance rate (Finished, registrants > 0). ``late_start_share`` is over the sessions that
    started; the duration columns over the Finished ones.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    """
    return _summary(sessions, ["webinar_id"], ["webinar_title"])


def host_summary(sessions: pl.DataFrame) -> pl.DataFrame:
    """One row per host: ``host_user_id``, ``host_name``, then :data:`SUMMARY_COLUMNS`.

    Hosts are told apart by :func:`host_key`: those without a linked user (null
    ``host_user_id``) by ``host_name``. The columns are those of :func:`webinar_summary`.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    """
    key = "__host_key__"
    frame = require(sessions, ("host_user_id", "host_name"), what="sessions")
    summary = _summary(
        frame.with_columns(host_key().alias(key), pl.col("host_user_id").alias("__user__")),
        [key],
        ["__user__", "host_name"],
        order=["__user__", key],
    )
    return summary.drop(key).rename({"__user__": "host_user_id"})


def period_summary(
    sessions: pl.DataFrame, *, every: str = "1w", time_zone: str = "UTC"
) -> pl.DataFrame:
    """One row per period: ``period`` (its start), then :data:`SUMMARY_COLUMNS`.

    A session belongs to the period holding its :func:`session_moment` (scheduled start, else
    actual start), seen in ``time_zone``. Periods are cut by polars' calendar-aware
    ``dt.truncate`` in that zone, so a day is a local day across DST changes and weeks start on
    Monday.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    every:
        A polars interval: ``"1d"``, ``"1w"`` (default), ``"1mo"``, ``"1q"``, ``"1y"``, ...
    time_zone:
        IANA time zone of the periods (default UTC); ``period`` is a Datetime in this zone.
    """
    period = session_period(every=every, time_zone=time_zone)
    frame = require(
        sessions, ("scheduled_start", "actual_start"), what="sessions", hint=HINT_SESSION_METRICS
    )
    return _summary(frame.with_columns(period), ["period"], [])


def session_period(*, every: str, time_zone: str) -> pl.Expr:
    """``period``: the start of the calendar period holding a session's :func:`session_moment`.

    The one cut of sessions into periods (:func:`period_summary` and the audience metrics read
    it): the moment seen in ``time_zone`` and cut by polars' calendar-aware ``dt.truncate``,
    so a day is a local day across DST changes and weeks start on Monday. Reads the columns
    ``scheduled_start`` and ``actual_start`` (a frame from :func:`session_metrics`).

    Raises
    ------
    ConfigurationError
        ``every`` is not a polars interval, or ``time_zone`` is not an IANA time zone.
    """
    time_zone = zone_key(time_zone)
    probe = pl.Series([datetime(2024, 1, 1, tzinfo=UTC)], dtype=schemas.TIMESTAMP)
    try:
        probe.dt.convert_time_zone(time_zone).dt.truncate(every)
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        raise ConfigurationError(
            f"every must be a polars interval such as '1d', '1w' or '1mo', not {every!r}."
        ) from None
    return session_moment().dt.convert_time_zone(time_zone).dt.truncate(every).alias("period")
