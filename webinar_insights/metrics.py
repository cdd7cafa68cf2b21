"""Metrics of METRICS.md: ``pl.Expr`` builders and frame -> frame summaries.

Three layers, each usable on its own:

* expression builders (:func:`actual_start`, :func:`start_delay`, :func:`attendance_rate`, ...)
  that compute one derived column from the base columns of the sessions frame, for use in a
  user's own polars code;
* :func:`session_metrics` and :func:`participant_metrics`, which append the derived columns
  (optionally filling registrant counts and no-shows from a registrants frame);
* aggregates over a frame from :func:`session_metrics` (:func:`webinar_summary`,
  :func:`host_summary`, :func:`period_summary`, :func:`kpis`, :func:`percentile_bands`,
  :func:`anomalies`) and over participants and registrants (:func:`retention_curve`,
  :func:`peak_concurrency`, :func:`registration_lead_time`, :func:`registration_funnel`).

Every function accepts a frame with no rows (even one without columns) and returns an empty frame
of the documented schema. A frame with rows that lacks a column a function needs raises
``ConfigurationError`` naming the column. Nothing here loops in Python over rows: participant
metrics are group-bys and cumulative sums, so ten million participants fit in a few GB.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeAlias

import polars as pl

from webinar_insights import schemas
from webinar_insights._time import zone
from webinar_insights.errors import ConfigurationError, DataWarning

__all__ = [
    "ANOMALIES",
    "ANOMALY_KINDS",
    "FUNNEL",
    "KPI_KEYS",
    "LEAD_TIME",
    "PARTICIPANT_METRICS_COLUMNS",
    "PEAK_CONCURRENCY",
    "RETENTION",
    "SESSION_METRICS_COLUMNS",
    "SUMMARY_COLUMNS",
    "BandBy",
    "BandValue",
    "actual_duration",
    "actual_end",
    "actual_start",
    "anomalies",
    "attendance_rate",
    "host_summary",
    "kpis",
    "late_start",
    "minutes",
    "overrun",
    "participant_metrics",
    "peak_concurrency",
    "percentile_bands",
    "period_summary",
    "registration_funnel",
    "registration_lead_time",
    "retention_curve",
    "session_metrics",
    "start_delay",
    "webinar_summary",
]

BandValue: TypeAlias = Literal["attendance_rate", "start_delay_min"]
"""The session columns :func:`percentile_bands` can summarise."""

BandBy: TypeAlias = Literal["host", "webinar", "weekday_hour"]
"""How :func:`percentile_bands` groups sessions."""

_FLOAT = pl.Float64()
_INT = pl.Int64()
_STR = pl.String()

SESSION_METRICS_COLUMNS = pl.Schema(
    {
        **schemas.DERIVED_SESSION_COLUMNS,
        "actual_duration_min": _FLOAT,
        "overrun_min": _FLOAT,
    }
)
"""The columns :func:`session_metrics` appends to the sessions frame, in order."""

PARTICIPANT_METRICS_COLUMNS = pl.Schema({"join_delay": schemas.DURATION, "join_delay_min": _FLOAT})
"""The columns :func:`participant_metrics` appends to the participants frame."""

SUMMARY_COLUMNS = pl.Schema(
    {
        "sessions": _INT,
        "finished_sessions": _INT,
        "registrants": _INT,
        "unique_attendees": _INT,
        "attendance_rate": _FLOAT,
        "median_start_delay_min": _FLOAT,
        "late_start_share": _FLOAT,
        "total_actual_duration": schemas.DURATION,
        "mean_actual_duration_min": _FLOAT,
    }
)
"""The aggregate columns of :func:`webinar_summary`, :func:`host_summary`, :func:`period_summary`
(after their group columns)."""

KPI_KEYS = (
    "sessions",
    "finished_sessions",
    "registrants",
    "unique_attendees",
    "attendance_rate",
    "median_start_delay_min",
    "p90_start_delay_min",
    "late_start_share",
    "mean_actual_duration_min",
    "overrun_share",
    "no_show_rate",
)
"""The keys of :func:`kpis`, in order."""

RETENTION = pl.Schema(
    {"session_id": _STR, "minute": _INT, "attendees_present": _INT, "share_present": _FLOAT}
)
"""The schema of :func:`retention_curve`."""

PEAK_CONCURRENCY = pl.Schema(
    {"session_id": _STR, "peak_attendees": _INT, "peak_at": schemas.TIMESTAMP}
)
"""The schema of :func:`peak_concurrency`."""

LEAD_TIME = pl.Schema(
    {
        "session_id": _STR,
        "registrant_id": _STR,
        "lead_time": schemas.DURATION,
        "lead_time_days": _FLOAT,
    }
)
"""The schema of :func:`registration_lead_time`."""

FUNNEL = pl.Schema({"stage": _STR, "count": _INT})
"""The schema of :func:`registration_funnel`."""

ANOMALIES = pl.Schema(
    {
        "session_id": _STR,
        "webinar_id": _STR,
        "session_title": _STR,
        "scheduled_start": schemas.TIMESTAMP,
        "kind": _STR,
        "reason": _STR,
        "severity": _STR,
    }
)
"""The schema of :func:`anomalies`."""

ANOMALY_KINDS = (
    "late_start",
    "overrun",
    "no_attendees",
    "attendance_above_1",
    "recording_failed",
    "below_usual_attendance",
    "leave_before_join",
    "no_broadcast_times",
)
"""Every ``kind`` :func:`anomalies` reports, in the order rows of one session are listed."""

_DEFAULT_LATE_AFTER = timedelta(minutes=5)
_MINUTE_US = 60_000_000
_DAY_US = 86_400_000_000
_QUANTILE: Literal["linear"] = "linear"  # interpolate between neighbours, as numpy's default does

# Dtypes of every column a function may need, so that a frame with no rows and missing columns
# (e.g. ``pl.DataFrame()``) can be completed instead of rejected.
_KNOWN_DTYPES: dict[str, pl.DataType] = {
    **schemas.REGISTRANTS,
    **schemas.PARTICIPANTS,
    **schemas.SESSIONS,
    **SESSION_METRICS_COLUMNS,
    **PARTICIPANT_METRICS_COLUMNS,
}

_HINT_SESSION_METRICS = "pass the sessions frame through metrics.session_metrics() first"


# ---------------------------------------------------------------------------------------------
# Checks shared by every function.


def _require(
    frame: pl.DataFrame, columns: Iterable[str], *, what: str, hint: str = ""
) -> pl.DataFrame:
    """``frame`` with ``columns``; an empty frame gets the missing ones as typed nulls.

    Raises ``ConfigurationError`` naming the missing columns of a frame that has rows.
    """
    if not isinstance(frame, pl.DataFrame):
        raise ConfigurationError(
            f"{what} must be a polars DataFrame, not {type(frame).__name__}"
            " (call .collect() on a LazyFrame first)."
        )
    missing = [name for name in dict.fromkeys(columns) if name not in frame.columns]
    if not missing:
        return frame
    if frame.height == 0:
        return frame.with_columns(
            pl.lit(None, dtype=_KNOWN_DTYPES.get(name, pl.Null())).alias(name) for name in missing
        )
    shown = ", ".join(repr(name) for name in missing)
    raise ConfigurationError(
        f"{what} frame has no column {shown}, which this metric needs"
        + (f"; {hint}." if hint else ".")
    )


def _check_timedelta(value: object, name: str) -> timedelta:
    if not isinstance(value, timedelta):
        raise ConfigurationError(
            f"{name} must be a datetime.timedelta (e.g. timedelta(minutes=5)), not {value!r}."
        )
    return value


def _check_choice(value: object, name: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ConfigurationError(
            f"{name} must be one of {', '.join(map(repr, choices))}, not {value!r}."
        )


def _check_time_zone(name: object) -> str:
    if not isinstance(name, str):
        raise ConfigurationError(
            f"time_zone must be an IANA name such as 'Europe/Berlin', not {name!r}."
        )
    zone(name)  # a clear error for a name the system does not know
    try:
        _probe().dt.convert_time_zone(name)
    except pl.exceptions.PolarsError:
        raise ConfigurationError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)"
        ) from None
    return name


def _probe() -> pl.Series:
    return pl.Series([datetime(2024, 1, 1, tzinfo=UTC)], dtype=schemas.TIMESTAMP)


def _col(value: pl.Expr | str) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


def _ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """numerator / denominator as Float64, null unless the denominator is positive."""
    return pl.when(denominator > 0).then(numerator.cast(_FLOAT) / denominator)


def _sum_or_null(name: str) -> pl.Expr:
    """The sum of the known values; null (not 0) when none is known."""
    column = pl.col(name)
    return pl.when(column.is_not_null().any()).then(column.sum())


def _finished() -> pl.Expr:
    return pl.col("status") == "Finished"


def _is_empty(frame: object) -> bool:
    return isinstance(frame, pl.DataFrame) and frame.height == 0


def _empty(schema: pl.Schema) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


# ---------------------------------------------------------------------------------------------
# Expression builders (base columns of the sessions frame -> one derived column).


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
    started = (pl.col("status") == "Active") | _finished()
    return (
        pl.when(started)
        .then(pl.coalesce(pl.col("broadcast_start"), pl.col("start_time")))
        .alias("actual_start")
    )


def actual_end() -> pl.Expr:
    """``actual_end``: broadcast_end, else end_time, for Finished sessions; otherwise null."""
    return (
        pl.when(_finished())
        .then(pl.coalesce(pl.col("broadcast_end"), pl.col("end_time")))
        .alias("actual_end")
    )


def start_delay() -> pl.Expr:
    """``start_delay`` = actual_start − scheduled_start (negative: early; null if not started)."""
    return (actual_start() - pl.col("scheduled_start")).alias("start_delay")


def late_start(late_after: timedelta = _DEFAULT_LATE_AFTER) -> pl.Expr:
    """``late_start``: start_delay > ``late_after``; null where start_delay is null.

    Parameters
    ----------
    late_after:
        The tolerance (default 5 minutes); a start exactly ``late_after`` late is not late.
    """
    late_after = _check_timedelta(late_after, "late_after")
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
        pl.when(_finished() & (registrants > 0))
        .then(pl.col("unique_attendee_count").cast(_FLOAT) / registrants)
        .alias("attendance_rate")
    )


# ---------------------------------------------------------------------------------------------
# Frame -> frame: derived columns.

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
    late_after: timedelta = _DEFAULT_LATE_AFTER,
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
    late_after = _check_timedelta(late_after, "late_after")
    # A frame with no rows may lack columns: give it the whole declared schema.
    inputs = schemas.SESSIONS.names() if _is_empty(sessions) else _SESSION_INPUTS
    frame = _require(sessions, inputs, what="sessions")
    prior = (
        pl.col("no_show_count").cast(_INT)
        if "no_show_count" in frame.columns
        else pl.lit(None, dtype=_INT)
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
            no_show_rate=pl.when(no_shows.is_not_null()).then(_ratio(no_shows, registered)),
            actual_duration_min=minutes("actual_duration"),
            overrun_min=minutes("overrun"),
        )
        .select(*base, *SESSION_METRICS_COLUMNS)
    )


def _with_registrant_counts(frame: pl.DataFrame, registrants: pl.DataFrame) -> pl.DataFrame:
    registrants = _require(registrants, _REGISTRANT_COUNT_INPUTS, what="registrants")
    post = pl.col("registered_post_webinar").fill_null(False)
    counts = (
        registrants.lazy()
        .filter(pl.col("session_id").is_not_null())
        .group_by("session_id")
        .agg(
            (~post).sum().cast(_INT).alias(_LIVE),
            post.sum().cast(_INT).alias(_POST),
            (~post & pl.col("participant_id").is_null()).sum().cast(_INT).alias(_ABSENT),
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
            .then(pl.when(_finished()).then(pl.col(_ABSENT)))
            .otherwise(pl.col(_PRIOR_NO_SHOWS))
            .alias(_PRIOR_NO_SHOWS),
        )
        .drop(_LIVE, _POST, _ABSENT)
    )


def _session_times(sessions: pl.DataFrame) -> pl.DataFrame:
    """session_id, status, actual_start, actual_end and scheduled_start, one row per session.

    Uses the derived columns when the frame has them, else computes them from the base columns.
    """
    derived = ("actual_start", "actual_end")
    if all(name in sessions.columns for name in derived):
        frame = _require(sessions, ("session_id", "status", "scheduled_start"), what="sessions")
        times = [pl.col(name) for name in derived]
    else:
        needed = ("session_id", "status", "scheduled_start", "start_time", "end_time")
        frame = _require(sessions, (*needed, "broadcast_start", "broadcast_end"), what="sessions")
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
    inputs = (
        schemas.PARTICIPANTS.names() if _is_empty(participants) else ("session_id", "join_time")
    )
    frame = _require(participants, inputs, what="participants")
    frame = frame.drop([name for name in PARTICIPANT_METRICS_COLUMNS if name in frame.columns])
    starts = _session_times(sessions).select(
        pl.col("session_id"), pl.col("actual_start").alias("__start__")
    )
    delay = pl.col("join_time") - pl.col("__start__")
    return (
        frame.join(starts, on="session_id", how="left", maintain_order="left")
        .with_columns(delay.alias("join_delay"), minutes(delay).alias("join_delay_min"))
        .drop("__start__")
    )


# ---------------------------------------------------------------------------------------------
# Aggregates over a frame from session_metrics.

_SUMMARY_INPUTS = (
    "status",
    "registrant_count",
    "unique_attendee_count",
    "attendance_rate",
    "start_delay_min",
    "late_start",
    "actual_duration",
    "actual_duration_min",
)


def _summary_aggs() -> list[pl.Expr]:
    rated = pl.col("attendance_rate").is_not_null()
    return [
        pl.len().cast(_INT).alias("sessions"),
        _finished().sum().cast(_INT).alias("finished_sessions"),
        _sum_or_null("registrant_count").cast(_INT).alias("registrants"),
        _sum_or_null("unique_attendee_count").cast(_INT).alias("unique_attendees"),
        _ratio(
            pl.col("unique_attendee_count").filter(rated).sum(),
            pl.col("registrant_count").filter(rated).sum(),
        ).alias("attendance_rate"),
        pl.col("start_delay_min").median().cast(_FLOAT).alias("median_start_delay_min"),
        pl.col("late_start").cast(_FLOAT).mean().alias("late_start_share"),
        _sum_or_null("actual_duration").cast(schemas.DURATION).alias("total_actual_duration"),
        pl.col("actual_duration_min").mean().cast(_FLOAT).alias("mean_actual_duration_min"),
    ]


def _summary(
    sessions: pl.DataFrame, keys: Sequence[str], labels: Sequence[str], extra: Sequence[str] = ()
) -> pl.DataFrame:
    frame = _require(
        sessions,
        (*keys, *labels, *extra, *_SUMMARY_INPUTS),
        what="sessions",
        hint=_HINT_SESSION_METRICS,
    )
    return (
        frame.group_by(*keys)
        .agg(
            *(pl.col(label).drop_nulls().first().alias(label) for label in labels),
            *_summary_aggs(),
        )
        .sort(keys, nulls_last=True)
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

    Hosts without a linked user (null ``host_user_id``) are told apart by ``host_name``.
    The columns are those of :func:`webinar_summary`.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    """
    frame = _require(sessions, ("host_user_id", "host_name"), what="sessions")
    unlinked = "__unlinked_host__"
    summary = _summary(
        frame.with_columns(
            pl.when(pl.col("host_user_id").is_null()).then(pl.col("host_name")).alias(unlinked)
        ),
        ["host_user_id", unlinked],
        ["host_name"],
    )
    return summary.drop(unlinked)


def period_summary(
    sessions: pl.DataFrame, *, every: str = "1w", time_zone: str = "UTC"
) -> pl.DataFrame:
    """One row per period: ``period`` (its start), then :data:`SUMMARY_COLUMNS`.

    A session belongs to the period holding its scheduled start (its actual start when the
    schedule is unknown), seen in ``time_zone``. Periods are cut by polars' calendar-aware
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
    time_zone = _check_time_zone(time_zone)
    try:
        _probe().dt.convert_time_zone(time_zone).dt.truncate(every)
    except (pl.exceptions.PolarsError, TypeError, ValueError):
        raise ConfigurationError(
            f"every must be a polars interval such as '1d', '1w' or '1mo', not {every!r}."
        ) from None
    frame = _require(
        sessions, ("scheduled_start", "actual_start"), what="sessions", hint=_HINT_SESSION_METRICS
    )
    moment = pl.coalesce(pl.col("scheduled_start"), pl.col("actual_start"))
    frame = frame.with_columns(
        moment.dt.convert_time_zone(time_zone).dt.truncate(every).alias("period")
    )
    return _summary(frame, ["period"], [])


def kpis(sessions: pl.DataFrame) -> dict[str, float | int | None]:
    """Headline numbers of a frame from :func:`session_metrics` (keys :data:`KPI_KEYS`).

    ``sessions``, ``finished_sessions``: counts. ``registrants``, ``unique_attendees``: sums
    (None when unknown). ``attendance_rate``: weighted as in :func:`webinar_summary`.
    ``median_start_delay_min``, ``p90_start_delay_min``: over started sessions.
    ``late_start_share``: share of started sessions that started late.
    ``mean_actual_duration_min``: over Finished sessions. ``overrun_share``: share of Finished
    sessions (with a known overrun) whose overrun is above 0. ``no_show_rate``: weighted, the sum
    of no-shows over the sum of registrants of the sessions that have a no-show rate. A share
    or rate with nothing to divide is None.
    """
    frame = _require(
        sessions,
        (*_SUMMARY_INPUTS, "overrun", "no_show_count", "no_show_rate"),
        what="sessions",
        hint=_HINT_SESSION_METRICS,
    )
    summary = _summary_aggs()
    by_name = {expr.meta.output_name(): expr for expr in summary}
    has_rate = pl.col("no_show_rate").is_not_null()
    overrun_known = pl.col("overrun").filter(_finished())
    row = frame.select(
        by_name["sessions"],
        by_name["finished_sessions"],
        by_name["registrants"],
        by_name["unique_attendees"],
        by_name["attendance_rate"],
        by_name["median_start_delay_min"],
        pl.col("start_delay_min")
        .quantile(0.9, _QUANTILE)
        .cast(_FLOAT)
        .alias("p90_start_delay_min"),
        by_name["late_start_share"],
        by_name["mean_actual_duration_min"],
        (overrun_known > timedelta(0)).cast(_FLOAT).mean().alias("overrun_share"),
        _ratio(
            pl.col("no_show_count").filter(has_rate).sum(),
            pl.col("registrant_count").filter(has_rate).sum(),
        ).alias("no_show_rate"),
    ).row(0, named=True)
    return {key: row[key] for key in KPI_KEYS}


# ---------------------------------------------------------------------------------------------
# Participants: retention and concurrency.

_SID = "__session_index__"


def _attendees(participants: pl.DataFrame, session_ids: Sequence[str] | None) -> pl.LazyFrame:
    frame = _require(
        participants, ("session_id", "role", "join_time", "leave_time"), what="participants"
    )
    attendees = (
        frame.lazy()
        .filter(pl.col("role") == "Attendee")
        .select("session_id", "join_time", "leave_time")
    )
    if session_ids is not None:
        attendees = attendees.filter(pl.col("session_id").is_in(session_ids))
    return attendees


def _session_ids(session_ids: Iterable[str] | None) -> list[str] | None:
    if session_ids is None:
        return None
    if isinstance(session_ids, str):
        raise ConfigurationError(
            f"session_ids must be a list of session ids, e.g. [{session_ids!r}], not one string."
        )
    return list(session_ids)


def _indexed_sessions(sessions: pl.DataFrame, session_ids: Sequence[str] | None) -> pl.DataFrame:
    times = _session_times(sessions)
    if session_ids is not None:
        times = times.filter(pl.col("session_id").is_in(session_ids))
    return times.with_row_index(_SID)


def retention_curve(
    participants: pl.DataFrame,
    sessions: pl.DataFrame,
    *,
    session_ids: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Share of a session's attendees present at each minute after it went live (:data:`RETENTION`).

    For minute m = 0, 1, … (t = actual_start + m minutes, up to and including the session's
    actual_end), ``attendees_present`` counts the participants with role Attendee whose
    join_time ≤ t < leave_time, and ``share_present`` divides it by the session's attendees
    (all its Attendee rows). An Active session runs up to its last known leave. A null
    leave_time means still present at the end; a null join_time is never present. The API keeps
    each person's earliest join and latest leave only, so this is an upper bound.

    Sessions without an actual_start, without an end, or without attendee rows have no rows.

    Parameters
    ----------
    participants:
        The participants frame.
    sessions:
        The sessions frame (raw or from :func:`session_metrics`); only sessions in it count.
    session_ids:
        Restrict to these sessions.
    """
    ids = _session_ids(session_ids)
    attendees = _attendees(participants, ids)
    info = _indexed_sessions(sessions, ids)
    if info.height == 0:
        return _empty(RETENTION)
    joined = attendees.join(
        info.lazy().select(_SID, "session_id", "status", "actual_start", "actual_end"),
        on="session_id",
        how="inner",
    )
    start = pl.col("actual_start")
    per_session = (
        joined.group_by(_SID)
        .agg(
            pl.len().cast(_INT).alias("__attendees__"),
            pl.col("leave_time").max().alias("__last_leave__"),
            pl.col("session_id", "status", "actual_start", "actual_end").first(),
        )
        .with_columns(
            pl.when(pl.col("status") == "Active")
            .then(pl.col("__last_leave__"))
            .otherwise(pl.col("actual_end"))
            .alias("__end__")
        )
        .with_columns(
            ((pl.col("__end__") - start).dt.total_microseconds() // _MINUTE_US).alias("__last__")
        )
        .filter(pl.col("__last__") >= 0)
        .select(_SID, "session_id", "actual_start", "__attendees__", "__last__")
        .collect()
    )
    if per_session.height == 0:
        return _empty(RETENTION)

    # Minute bounds of each attendee: present from ceil((join − start) / 1 min) (at least 0) up to
    # ceil((leave − start) / 1 min), exclusive: join ≤ t < leave in whole minutes.
    def ceil_minutes(moment: str) -> pl.Expr:
        return -((start - pl.col(moment)).dt.total_microseconds() // _MINUTE_US)

    last = pl.col("__last__")
    bounds = (
        joined.select(_SID, "join_time", "leave_time")
        .join(per_session.lazy().select(_SID, "actual_start", "__last__"), on=_SID, how="inner")
        .select(
            _SID,
            ceil_minutes("join_time").clip(lower_bound=0).alias("__first__"),
            pl.when(pl.col("leave_time").is_null())
            .then(last + 1)
            .otherwise(pl.min_horizontal(ceil_minutes("leave_time"), last + 1))
            .alias("__stop__"),
            last,
        )
        .filter((pl.col("__first__") < pl.col("__stop__")) & (pl.col("__first__") <= last))
    )
    arrivals = bounds.group_by(_SID, pl.col("__first__").alias("minute")).agg(
        pl.len().cast(_INT).alias("__in__")
    )
    departures = (
        bounds.filter(pl.col("__stop__") <= last)
        .group_by(_SID, pl.col("__stop__").alias("minute"))
        .agg(pl.len().cast(_INT).alias("__out__"))
    )
    present = pl.col("attendees_present")
    return (
        per_session.lazy()
        .select(_SID, "session_id", "__attendees__", pl.int_ranges(0, last + 1).alias("minute"))
        .explode("minute", empty_as_null=False, keep_nulls=False)
        .join(arrivals, on=[_SID, "minute"], how="left")
        .join(departures, on=[_SID, "minute"], how="left")
        .sort(_SID, "minute")
        .with_columns(
            (pl.col("__in__").fill_null(0) - pl.col("__out__").fill_null(0))
            .cum_sum()
            .over(_SID)
            .alias("attendees_present")
        )
        .select(
            "session_id",
            pl.col("minute").cast(_INT),
            present.cast(_INT),
            _ratio(present, pl.col("__attendees__")).alias("share_present"),
        )
        .sort("session_id", "minute")
        .collect()
    )


def peak_concurrency(participants: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """The most attendees present at once in each session (:data:`PEAK_CONCURRENCY`).

    A sweep over join (+1) and leave (−1) events of the participants with role Attendee, with a
    leave counted before a join at the same instant (present means join_time ≤ t < leave_time).
    ``peak_at`` is the first instant the peak is reached. A null leave_time counts as leaving at
    the session's actual_end (never, while it is Active); a null join_time, or a leave not after
    the join, is skipped. An upper bound (earliest join, latest leave per person).

    Parameters
    ----------
    participants:
        The participants frame.
    sessions:
        The sessions frame (raw or from :func:`session_metrics`); only sessions in it that have
        started (an actual_start) and have at least one usable attendee get a row.
    """
    attendees = _attendees(participants, None)
    info = _indexed_sessions(sessions, None).filter(pl.col("actual_start").is_not_null())
    if info.height == 0:
        return _empty(PEAK_CONCURRENCY)
    leave = pl.col("__leave__")
    usable = (
        attendees.filter(pl.col("join_time").is_not_null())
        .join(info.lazy().select(_SID, "session_id", "status", "actual_end"), on="session_id")
        .select(
            _SID,
            pl.col("join_time"),
            pl.coalesce(
                pl.col("leave_time"), pl.when(_finished()).then(pl.col("actual_end"))
            ).alias("__leave__"),
        )
        .filter(leave.is_null() | (leave > pl.col("join_time")))
    )
    # One Int64 sort key: 2 × epoch µs, plus 1 for a join, so that at the same instant a leave
    # comes before a join (present means join_time ≤ t < leave_time). Sorting one column and
    # running the sums per session with `over` is much faster than a (session, time) sort.
    stamp, present = pl.col("__stamp__"), pl.col("__present__")
    events = (
        pl.concat(
            [
                usable.select(
                    _SID,
                    (pl.col("join_time").dt.epoch("us") * 2 + 1).alias("__stamp__"),
                    pl.lit(1, pl.Int8).alias("__delta__"),
                ),
                usable.filter(leave.is_not_null()).select(
                    _SID,
                    (leave.dt.epoch("us") * 2).alias("__stamp__"),
                    pl.lit(-1, pl.Int8).alias("__delta__"),
                ),
            ]
        )
        .collect()
        .sort(stamp)
    )
    peaks = (
        events.lazy()
        .with_columns(pl.col("__delta__").cum_sum().over(_SID).alias("__present__"))
        .group_by(_SID)
        .agg(
            present.max().cast(_INT).alias("peak_attendees"),
            stamp.get(present.arg_max()).alias("__stamp__"),
        )
    )
    return (
        peaks.join(info.lazy().select(_SID, "session_id"), on=_SID)
        .select(
            "session_id",
            "peak_attendees",
            pl.from_epoch(stamp // 2, time_unit="us")
            .dt.replace_time_zone("UTC")
            .cast(schemas.TIMESTAMP)
            .alias("peak_at"),
        )
        .sort("session_id")
        .collect()
    )


# ---------------------------------------------------------------------------------------------
# Registrants: lead time and funnel.


def registration_lead_time(registrants: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """How long before the session each live registrant registered (:data:`LEAD_TIME`).

    ``lead_time`` = actual_start (scheduled_start when the session has not started) −
    registration_time; ``lead_time_days`` the same in fractional days. Post-webinar
    (on-demand) registrants are left out; so are registrants of sessions not in ``sessions``.
    A registration after the start gives a negative lead time.

    Parameters
    ----------
    registrants:
        The registrants frame.
    sessions:
        The sessions frame, raw or from :func:`session_metrics`.
    """
    frame = _require(
        registrants,
        ("session_id", "registrant_id", "registration_time", "registered_post_webinar"),
        what="registrants",
    )
    starts = _session_times(sessions).select(
        pl.col("session_id"),
        pl.coalesce(pl.col("actual_start"), pl.col("scheduled_start")).alias("__start__"),
    )
    lead = pl.col("__start__") - pl.col("registration_time")
    return (
        frame.filter(~pl.col("registered_post_webinar").fill_null(False))
        .join(starts, on="session_id", how="inner", maintain_order="left")
        .select(
            pl.col("session_id").cast(_STR),
            pl.col("registrant_id").cast(_STR),
            lead.cast(schemas.DURATION).alias("lead_time"),
            (lead.dt.total_microseconds() / _DAY_US).cast(_FLOAT).alias("lead_time_days"),
        )
    )


def _minutes_label(value: timedelta) -> str:
    count = value / timedelta(minutes=1)
    return f"{count:g}" if not math.isclose(count, round(count)) else str(round(count))


def registration_funnel(
    sessions: pl.DataFrame,
    registrants: pl.DataFrame,
    participants: pl.DataFrame,
    *,
    stayed_at_least: timedelta = timedelta(minutes=10),
) -> pl.DataFrame:
    """Registered → attended → stayed, over the given sessions (:data:`FUNNEL`).

    Three rows, each a subset of the one before:

    * ``"Registered"``: live registrants (not post-webinar) of the sessions;
    * ``"Attended"``: those of them who joined: a ``participant_id`` on the registrant, or a
      participant of the session carrying their ``registrant_id``;
    * ``"Stayed ≥ N min"``: those of them with a linked participant whose ``time_in_session``
      (an upper bound) is at least ``stayed_at_least``.

    Walk-ins (attendees without a registration) are not in the funnel.

    Parameters
    ----------
    sessions:
        The sessions the funnel is over (only ``session_id`` is used).
    registrants, participants:
        The registrants and participants frames (other sessions' rows are ignored).
    stayed_at_least:
        The time in session of the last stage (default 10 minutes).
    """
    stayed_at_least = _check_timedelta(stayed_at_least, "stayed_at_least")
    label = f"Stayed ≥ {_minutes_label(stayed_at_least)} min"
    ids = (
        _require(sessions, ("session_id",), what="sessions")
        .lazy()
        .select(pl.col("session_id").cast(_STR))
        .unique()
    )
    people = _require(
        registrants,
        ("session_id", "registrant_id", "participant_id", "registered_post_webinar"),
        what="registrants",
    )
    visits = _require(
        participants,
        ("session_id", "participant_id", "registrant_id", "time_in_session"),
        what="participants",
    )
    live = (
        people.lazy()
        .filter(~pl.col("registered_post_webinar").fill_null(False))
        .join(ids, on="session_id", how="semi")
        .with_row_index("__registrant__")
    )
    visits_lazy = visits.lazy().join(ids, on="session_id", how="semi")
    stayed = pl.col("time_in_session") >= stayed_at_least
    by_registrant = visits_lazy.filter(pl.col("registrant_id").is_not_null()).select(
        "session_id", "registrant_id", stayed.fill_null(False).alias("__stayed__")
    )
    by_participant = visits_lazy.filter(pl.col("participant_id").is_not_null()).select(
        "session_id", "participant_id", stayed.fill_null(False).alias("__stayed__")
    )
    links = pl.concat(
        [
            live.join(by_registrant, on=["session_id", "registrant_id"]).select(
                "__registrant__", "__stayed__"
            ),
            live.join(by_participant, on=["session_id", "participant_id"]).select(
                "__registrant__", "__stayed__"
            ),
        ]
    )
    per_registrant = (
        live.select("__registrant__", pl.col("participant_id").is_not_null().alias("__joined__"))
        .join(
            links.group_by("__registrant__").agg(
                pl.lit(True).alias("__linked__"), pl.col("__stayed__").any()
            ),
            on="__registrant__",
            how="left",
        )
        .select(
            (pl.col("__joined__") | pl.col("__linked__").fill_null(False)).alias("attended"),
            pl.col("__stayed__").fill_null(False).alias("stayed"),
        )
    )
    counts = per_registrant.select(
        pl.len().cast(_INT).alias("registered"),
        pl.col("attended").sum().cast(_INT),
        pl.col("stayed").sum().cast(_INT),
    ).collect()
    return pl.DataFrame(
        {
            "stage": ["Registered", "Attended", label],
            "count": [counts.item(0, name) for name in ("registered", "attended", "stayed")],
        },
        schema=FUNNEL,
    )


# ---------------------------------------------------------------------------------------------
# Distributions and anomalies.


def _local_weekday_hour(frame: pl.DataFrame, time_zone: str | None) -> pl.DataFrame:
    """``frame`` with ``weekday`` (1 = Monday … 7) and ``hour`` (0 … 23) of its sessions' start,
    in ``time_zone`` or, when None, in each session's own ``time_zone``."""
    moment = pl.coalesce(pl.col("scheduled_start"), pl.col("actual_start"))

    def local(part: pl.DataFrame, name: str) -> pl.DataFrame:
        converted = moment.dt.convert_time_zone(name)
        return part.with_columns(
            converted.dt.weekday().alias("weekday"), converted.dt.hour().alias("hour")
        )

    if time_zone is not None:
        return local(frame, _check_time_zone(time_zone))
    frame = frame.with_columns(pl.col("time_zone").fill_null("UTC").alias("__zone__"))
    parts: list[pl.DataFrame] = []
    unknown: dict[str, int] = {}
    for key, part in frame.partition_by("__zone__", as_dict=True, maintain_order=True).items():
        name = str(key[0])
        try:
            parts.append(local(part, name))
        except pl.exceptions.PolarsError:
            unknown[name] = part.height
            parts.append(local(part, "UTC"))
    if unknown:
        shown = ", ".join(f"{name!r} ({count} session(s))" for name, count in unknown.items())
        warnings.warn(
            f"percentile_bands: unknown time zone(s) {shown}; their weekday and hour are in UTC.",
            DataWarning,
            stacklevel=3,
        )
    if not parts:
        return local(frame, "UTC").drop("__zone__")
    return pl.concat(parts).drop("__zone__")


def percentile_bands(
    sessions: pl.DataFrame,
    *,
    value: BandValue,
    by: BandBy,
    time_zone: str | None = None,
) -> pl.DataFrame:
    """Percentiles of a session metric per group: group columns, then n, p25, p50, p75, p90.

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    value:
        ``"attendance_rate"`` or ``"start_delay_min"``. Null values are ignored; ``n`` counts
        the values used, and a group without any value has no row.
    by:
        ``"host"`` (``host_user_id``, ``host_name``), ``"webinar"`` (``webinar_id``,
        ``webinar_title``) or ``"weekday_hour"`` (``weekday`` 1 = Monday … 7 and ``hour``
        0 … 23, Int8, of the scheduled start in local time).
    time_zone:
        For ``"weekday_hour"``: the IANA zone to read local time in; None (default) uses each
        session's own ``time_zone`` (UTC where it is null; an unknown zone warns and uses UTC).

    Returns
    -------
    polars.DataFrame
        Sorted by the group columns; percentiles interpolate linearly (p25 ≤ p50 ≤ p75 ≤ p90).
    """
    _check_choice(value, "value", ("attendance_rate", "start_delay_min"))
    _check_choice(by, "by", ("host", "webinar", "weekday_hour"))
    if time_zone is not None:
        time_zone = _check_time_zone(time_zone)
    groups = {
        "host": ("host_user_id", "host_name"),
        "webinar": ("webinar_id", "webinar_title"),
        "weekday_hour": ("scheduled_start", "actual_start")
        + (("time_zone",) if time_zone is None else ()),
    }[by]
    frame = _require(sessions, (value, *groups), what="sessions", hint=_HINT_SESSION_METRICS)
    frame = frame.filter(pl.col(value).is_not_null())
    if by == "weekday_hour":
        frame = _local_weekday_hour(frame, time_zone)
        keys: list[str] = ["weekday", "hour"]
        labels: list[str] = []
    elif by == "host":
        frame = frame.with_columns(
            pl.when(pl.col("host_user_id").is_null())
            .then(pl.col("host_name"))
            .alias("__unlinked__")
        )
        keys, labels = ["host_user_id", "__unlinked__"], ["host_name"]
    else:
        keys, labels = ["webinar_id"], ["webinar_title"]
    column = pl.col(value).cast(_FLOAT)
    bands = (
        frame.group_by(*keys)
        .agg(
            *(pl.col(label).drop_nulls().first() for label in labels),
            pl.len().cast(_INT).alias("n"),
            *(
                column.quantile(q, _QUANTILE).alias(name)
                for name, q in (("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p90", 0.9))
            ),
        )
        .sort(keys, nulls_last=True)
    )
    if by == "host":
        bands = bands.drop("__unlinked__")
    return bands


def _flagged(
    frame: pl.DataFrame, condition: pl.Expr, *, kind: str, reason: pl.Expr, severity: pl.Expr | str
) -> pl.DataFrame:
    severity_expr = pl.lit(severity) if isinstance(severity, str) else severity
    return frame.filter(condition.fill_null(False)).select(
        pl.col("session_id").cast(_STR),
        pl.col("webinar_id").cast(_STR),
        pl.col("session_title").cast(_STR),
        pl.col("scheduled_start").cast(schemas.TIMESTAMP),
        pl.lit(kind, dtype=_STR).alias("kind"),
        reason.cast(_STR).alias("reason"),
        severity_expr.cast(_STR).alias("severity"),
    )


def _shown(expr: pl.Expr, decimals: int) -> pl.Expr:
    return expr.round(decimals).cast(_STR)


def _threshold_min(value: timedelta) -> str:
    return f"{value / timedelta(minutes=1):g} min"


def _usual_attendance(frame: pl.DataFrame) -> pl.DataFrame:
    """session_id, the median attendance rate of the other sessions of its webinar, and how many
    sessions of that webinar have a rate: without a pairwise self-join (a long series of n
    sessions would need n² rows), by reading the leave-one-out median off the sorted rates."""
    rate = pl.col("attendance_rate")
    rated = (
        frame.lazy()
        .filter(rate.is_not_null() & pl.col("webinar_id").is_not_null())
        .select("session_id", "webinar_id", rate)
        .with_columns(
            pl.len().over("webinar_id").cast(_INT).alias("__n__"),
            (rate.rank("ordinal").over("webinar_id").cast(_INT) - 1).alias("__rank__"),
        )
    )
    sorted_rates = rated.select(
        "webinar_id", pl.col("__rank__").alias("__at__"), rate.alias("__value__")
    )
    others = pl.col("__n__") - 1
    rank = pl.col("__rank__")

    def original(index: pl.Expr) -> pl.Expr:  # index among the others -> index among all
        return index + (index >= rank).cast(_INT)

    return (
        rated.filter(pl.col("__n__") >= 3)
        .with_columns(
            original((others - 1) // 2).alias("__lo__"), original(others // 2).alias("__hi__")
        )
        .join(sorted_rates, left_on=["webinar_id", "__lo__"], right_on=["webinar_id", "__at__"])
        .join(
            sorted_rates,
            left_on=["webinar_id", "__hi__"],
            right_on=["webinar_id", "__at__"],
            suffix="_hi",
        )
        .select(
            "session_id",
            ((pl.col("__value__") + pl.col("__value___hi")) / 2).alias("__usual__"),
            others.alias("__others__"),
        )
        .unique("session_id", keep="first")
        .collect()
    )


def anomalies(
    sessions: pl.DataFrame,
    *,
    late_after: timedelta = _DEFAULT_LATE_AFTER,
    overrun_after: timedelta = timedelta(minutes=15),
    below_usual: float = 0.5,
    participants: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Sessions worth a look, one row per session and reason (:data:`ANOMALIES`).

    ========================  ================================================  ==============
    kind                      flagged when                                      severity
    ========================  ================================================  ==============
    late_start                start_delay > ``late_after``                      high beyond 3×
                                                                                the threshold,
                                                                                else medium
    overrun                   overrun > ``overrun_after``                       as late_start
    no_attendees              Finished, registrants > 0, 0 unique attendees     high
    attendance_above_1        attendance_rate > 1 (walk-ins)                    low
    recording_failed          recording_status is Failed                        high
    below_usual_attendance    attendance_rate < ``below_usual`` × the median    medium
                              rate of the webinar's other sessions (only when
                              the webinar has ≥ 3 sessions with a rate)
    leave_before_join         a participant's leave_time is before its          low
                              join_time (only with ``participants``)
    no_broadcast_times        Finished without broadcast_start or               low
                              broadcast_end (start/end_time were used)
    ========================  ================================================  ==============

    Parameters
    ----------
    sessions:
        A frame from :func:`session_metrics`.
    late_after, overrun_after:
        Thresholds of the late start and overrun rules.
    below_usual:
        Fraction of the series' usual attendance rate below which a session is flagged.
    participants:
        Optional participants frame, for the leave-before-join check.

    Returns
    -------
    polars.DataFrame
        Sorted by scheduled_start, session_id and kind (in :data:`ANOMALY_KINDS` order);
        ``reason`` is a sentence with the numbers.
    """
    late_after = _check_timedelta(late_after, "late_after")
    overrun_after = _check_timedelta(overrun_after, "overrun_after")
    if (
        isinstance(below_usual, bool)
        or not isinstance(below_usual, int | float)
        or below_usual <= 0
    ):
        raise ConfigurationError(f"below_usual must be a positive number, not {below_usual!r}.")
    frame = _require(
        sessions,
        (
            *ANOMALIES.names()[:4],
            "status",
            "start_delay",
            "start_delay_min",
            "overrun",
            "overrun_min",
            "scheduled_duration",
            "registrant_count",
            "unique_attendee_count",
            "attendance_rate",
            "recording_status",
            "broadcast_start",
            "broadcast_end",
        ),
        what="sessions",
        hint=_HINT_SESSION_METRICS,
    )
    rate = pl.col("attendance_rate")
    finished = _finished()
    delay, run_over = pl.col("start_delay"), pl.col("overrun")
    found = [
        _flagged(
            frame,
            delay > late_after,
            kind="late_start",
            reason=pl.format(
                "Started {} min after its scheduled start (threshold {}).",
                _shown(pl.col("start_delay_min"), 1),
                pl.lit(_threshold_min(late_after)),
            ),
            severity=pl.when(delay > late_after * 3)
            .then(pl.lit("high"))
            .otherwise(pl.lit("medium")),
        ),
        _flagged(
            frame,
            run_over > overrun_after,
            kind="overrun",
            reason=pl.format(
                "Ran {} min longer than its scheduled {} min (threshold {}).",
                _shown(pl.col("overrun_min"), 1),
                _shown(minutes("scheduled_duration"), 1),
                pl.lit(_threshold_min(overrun_after)),
            ),
            severity=pl.when(run_over > overrun_after * 3)
            .then(pl.lit("high"))
            .otherwise(pl.lit("medium")),
        ),
        _flagged(
            frame,
            finished & (pl.col("registrant_count") > 0) & (pl.col("unique_attendee_count") == 0),
            kind="no_attendees",
            reason=pl.format(
                "Finished with 0 attendees although {} people registered.",
                pl.col("registrant_count"),
            ),
            severity="high",
        ),
        _flagged(
            frame,
            rate > 1,
            kind="attendance_above_1",
            reason=pl.format(
                "Attendance rate {}: {} unique attendees for {} registrants"
                " (more attendees than registrants, e.g. walk-ins without registration).",
                _shown(rate, 2),
                pl.col("unique_attendee_count"),
                pl.col("registrant_count"),
            ),
            severity="low",
        ),
        _flagged(
            frame,
            pl.col("recording_status") == "Failed",
            kind="recording_failed",
            reason=pl.lit("The recording of this session failed."),
            severity="high",
        ),
        _below_usual(frame, below_usual),
        _flagged(
            frame,
            finished & (pl.col("broadcast_start").is_null() | pl.col("broadcast_end").is_null()),
            kind="no_broadcast_times",
            reason=pl.format(
                "Finished without {}; its actual start/end fell back to start_time/end_time.",
                pl.when(pl.col("broadcast_start").is_null() & pl.col("broadcast_end").is_null())
                .then(pl.lit("broadcasting start and end times"))
                .when(pl.col("broadcast_start").is_null())
                .then(pl.lit("a broadcasting start time"))
                .otherwise(pl.lit("a broadcasting end time")),
            ),
            severity="low",
        ),
    ]
    if participants is not None:
        found.append(_leave_before_join(frame, participants))
    order = pl.col("kind").replace_strict(
        list(ANOMALY_KINDS), list(range(len(ANOMALY_KINDS))), return_dtype=pl.Int64
    )
    return (
        pl.concat(found, how="vertical")
        .sort(pl.col("scheduled_start"), pl.col("session_id"), order, nulls_last=True)
        .select(ANOMALIES.names())
    )


def _below_usual(frame: pl.DataFrame, below_usual: float) -> pl.DataFrame:
    usual = _usual_attendance(frame)
    rate = pl.col("attendance_rate")
    joined = frame.join(usual, on="session_id", how="inner", maintain_order="left")
    return _flagged(
        joined,
        rate < pl.col("__usual__") * below_usual,
        kind="below_usual_attendance",
        reason=pl.format(
            "Attendance rate {} is below {} × its series' usual {} (median of its {} other sessions).",
            _shown(rate, 2),
            pl.lit(f"{below_usual:g}"),
            _shown(pl.col("__usual__"), 2),
            pl.col("__others__"),
        ),
        severity="medium",
    )


def _leave_before_join(sessions: pl.DataFrame, participants: pl.DataFrame) -> pl.DataFrame:
    people = _require(
        participants,
        ("session_id", "webinar_id", "participant_id", "join_time", "leave_time"),
        what="participants",
    )
    backwards = (
        people.filter(pl.col("leave_time") < pl.col("join_time"))
        .group_by("session_id", maintain_order=True)
        .agg(
            pl.len().cast(_INT).alias("__count__"),
            pl.col("participant_id").first().alias("__example__"),
            pl.col("webinar_id").first().alias("__webinar__"),
        )
    )
    info = sessions.select("session_id", "webinar_id", "session_title", "scheduled_start").unique(
        "session_id", keep="first", maintain_order=True
    )
    joined = backwards.join(info, on="session_id", how="left", maintain_order="left").with_columns(
        pl.coalesce(pl.col("webinar_id"), pl.col("__webinar__")).alias("webinar_id")
    )
    return _flagged(
        joined,
        pl.lit(True),
        kind="leave_before_join",
        reason=pl.format(
            "{} participant(s) left before they joined (bad data; e.g. participant {}).",
            pl.col("__count__"),
            pl.col("__example__").fill_null("without an id"),
        ),
        severity="low",
    )
