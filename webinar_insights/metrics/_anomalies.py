"""Anomalies: sessions worth a look, one row per session and reason, with the numbers."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from webinar_insights import schemas
from webinar_insights._checks import check_timedelta, positive_number

from ._columns import HINT_SESSION_METRICS, INT, STR, require
from ._expressions import DEFAULT_LATE_AFTER, finished, minutes

__all__ = ["ANOMALIES", "ANOMALY_KINDS", "anomalies"]

ANOMALIES = pl.Schema(
    {
        "session_id": STR,
        "webinar_id": STR,
        "session_title": STR,
        "scheduled_start": schemas.TIMESTAMP,
        "kind": STR,
        "reason": STR,
        "severity": STR,
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


def _flagged(
    frame: pl.DataFrame, condition: pl.Expr, *, kind: str, reason: pl.Expr, severity: pl.Expr | str
) -> pl.DataFrame:
    severity_expr = pl.lit(severity) if isinstance(severity, str) else severity
    return frame.filter(condition.fill_null(False)).select(
        pl.col("session_id").cast(STR),
        pl.col("webinar_id").cast(STR),
        pl.col("session_title").cast(STR),
        pl.col("scheduled_start").cast(schemas.TIMESTAMP),
        pl.lit(kind, dtype=STR).alias("kind"),
        reason.cast(STR).alias("reason"),
        severity_expr.cast(STR).alias("severity"),
    )


def _shown(expr: pl.Expr, decimals: int) -> pl.Expr:
    return expr.round(decimals).cast(STR)


def _count(expr: pl.Expr) -> pl.Expr:
    """A count with thousands separators, as the report writes counts: "31,132"."""
    return expr.map_batches(
        lambda values: pl.Series(
            [None if v is None else f"{int(v):,}" for v in values.to_list()], dtype=STR
        ),
        return_dtype=STR,
    )


def _percent(expr: pl.Expr) -> pl.Expr:
    """A share as a whole percentage, as the report writes rates: 0.304 -> "30%"."""
    return pl.format("{}%", (expr * 100).round(0).cast(pl.Int64))


def _fraction_of(value: float) -> str:
    """``below_usual`` in words: 0.5 -> "half", 0.25 -> "25% of"."""
    return "half" if value == 0.5 else f"{value:.0%} of"


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
            pl.len().over("webinar_id").cast(INT).alias("__n__"),
            (rate.rank("ordinal").over("webinar_id").cast(INT) - 1).alias("__rank__"),
        )
    )
    sorted_rates = rated.select(
        "webinar_id", pl.col("__rank__").alias("__at__"), rate.alias("__value__")
    )
    others = pl.col("__n__") - 1
    rank = pl.col("__rank__")

    def original(index: pl.Expr) -> pl.Expr:  # index among the others -> index among all
        return index + (index >= rank).cast(INT)

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
    late_after: timedelta = DEFAULT_LATE_AFTER,
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
    late_after = check_timedelta(late_after, "late_after")
    overrun_after = check_timedelta(overrun_after, "overrun_after")
    below_usual = positive_number(below_usual, name="below_usual")
    frame = require(
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
        hint=HINT_SESSION_METRICS,
    )
    rate = pl.col("attendance_rate")
    done = finished()
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
            done & (pl.col("registrant_count") > 0) & (pl.col("unique_attendee_count") == 0),
            kind="no_attendees",
            reason=pl.format(
                "Finished with 0 attendees although {} people registered.",
                _count(pl.col("registrant_count")),
            ),
            severity="high",
        ),
        _flagged(
            frame,
            rate > 1,
            kind="attendance_above_1",
            reason=pl.format(
                "Attendance rate {}: {} attendees for {} registrants"
                " (more attendees than registrants, e.g. walk-ins without registration).",
                _percent(rate),
                _count(pl.col("unique_attendee_count")),
                _count(pl.col("registrant_count")),
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
            done & (pl.col("broadcast_start").is_null() | pl.col("broadcast_end").is_null()),
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
            "Attendance rate {} is below {} its series' usual {} (median of its {} other sessions).",
            _percent(rate),
            pl.lit(_fraction_of(below_usual)),
            _percent(pl.col("__usual__")),
            pl.col("__others__"),
        ),
        severity="medium",
    )


def _leave_before_join(sessions: pl.DataFrame, participants: pl.DataFrame) -> pl.DataFrame:
    people = require(
        participants,
        ("session_id", "webinar_id", "participant_id", "join_time", "leave_time"),
        what="participants",
    )
    backwards = (
        people.filter(pl.col("leave_time") < pl.col("join_time"))
        .group_by("session_id", maintain_order=True)
        .agg(
            pl.len().cast(INT).alias("__count__"),
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
