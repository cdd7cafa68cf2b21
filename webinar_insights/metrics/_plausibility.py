"""Values no real session can have: flagged as data problems and left out of every figure.

A count below 0, more unique attendees than unique participants, an end before the start, or a
session longer than the platform's 12-hour limit cannot be true; a spec mock's random data (or a
server bug) sends them all the same. :func:`implausible` lists them per session and
:func:`plausible` makes those values null, so that rates, sums and durations ignore them (null is
"unknown": it never lowers an average) and nothing downstream crashes on them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import polars as pl

__all__ = ["IMPLAUSIBLE", "MAX_SESSION", "implausible", "plausible"]

MAX_SESSION: Final = timedelta(hours=12)
"""The platform's limit on a session's length: a longer scheduled or actual duration is bad data."""

IMPLAUSIBLE: Final = pl.Schema({"session_id": pl.String, "problem": pl.String})
"""The schema of :func:`implausible`: one row per session per problem."""

_COUNTS: Final = (
    "participant_count",
    "attendee_count",
    "unique_participant_count",
    "unique_attendee_count",
    "registrant_count",
    "post_webinar_registrant_count",
)


def _has(frame: pl.DataFrame, *names: str) -> bool:
    return all(name in frame.columns for name in names)


def _rules(frame: pl.DataFrame) -> list[tuple[str, pl.Expr, tuple[str, ...]]]:
    """(problem, when, the columns made null) for each rule the frame has the columns for."""
    rules: list[tuple[str, pl.Expr, tuple[str, ...]]] = [
        (f"negative {name.replace('_', ' ')}", pl.col(name) < 0, (name,))
        for name in _COUNTS
        if _has(frame, name)
    ]
    if _has(frame, "unique_attendee_count", "unique_participant_count"):
        rules.append(
            (
                "more unique attendees than unique participants",
                pl.col("unique_attendee_count") > pl.col("unique_participant_count"),
                ("unique_attendee_count", "attendee_count", "unique_participant_count"),
            )
        )
    if _has(frame, "scheduled_duration"):
        rules.append(
            (
                "scheduled duration below 0 or beyond the platform's 12 h limit",
                (pl.col("scheduled_duration") < timedelta(0))
                | (pl.col("scheduled_duration") > MAX_SESSION),
                ("scheduled_duration",),
            )
        )
    for first, last in (("broadcast_start", "broadcast_end"), ("start_time", "end_time")):
        if _has(frame, first, last):
            length = pl.col(last) - pl.col(first)
            rules.append(
                (
                    f"{last.replace('_', ' ')} before {first.replace('_', ' ')} or more than"
                    " 12 h after it",
                    pl.col("status").cast(pl.String).eq("Finished")
                    & ((length < timedelta(0)) | (length > MAX_SESSION)),
                    (last,),
                )
            )
    return rules


def implausible(
    sessions: pl.DataFrame, *, participants: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The sessions holding impossible values, one row per session and problem (schema
    :data:`IMPLAUSIBLE`), in the frame's order; with ``participants``, also the sessions where a
    participant joined after leaving or stayed beyond the 12-hour limit.

    >>> frame = pl.DataFrame({"session_id": ["a", "b"], "attendee_count": [3, -5]})
    >>> implausible(frame).rows()
    [('b', 'negative attendee count')]
    """
    if sessions.is_empty() or "session_id" not in sessions.columns:
        return pl.DataFrame(schema=IMPLAUSIBLE)
    if "status" not in sessions.columns:
        sessions = sessions.with_columns(status=pl.lit(None, dtype=pl.String))
    parts = [
        sessions.filter(when.fill_null(False)).select(
            "session_id", pl.lit(problem, dtype=pl.String).alias("problem")
        )
        for problem, when, _ in _rules(sessions)
    ]
    if participants is not None and _has(participants, "session_id", "join_time", "leave_time"):
        length = pl.col("leave_time") - pl.col("join_time")
        for problem, when in (
            ("a participant joined after leaving", length < timedelta(0)),
            ("a participant stayed beyond the 12 h limit", length > MAX_SESSION),
        ):
            parts.append(
                participants.filter(when.fill_null(False))
                .select("session_id")
                .unique(maintain_order=True)
                .with_columns(problem=pl.lit(problem, dtype=pl.String))
            )
    return pl.concat([pl.DataFrame(schema=IMPLAUSIBLE), *parts])


def plausible(sessions: pl.DataFrame) -> pl.DataFrame:
    """``sessions`` with every value :func:`implausible` names made null (the rows are kept).

    >>> frame = pl.DataFrame({"session_id": ["a"], "attendee_count": [-5]})
    >>> plausible(frame)["attendee_count"].to_list()
    [None]
    """
    if sessions.is_empty():
        return sessions
    frame = sessions
    if "status" not in frame.columns:
        frame = frame.with_columns(status=pl.lit(None, dtype=pl.String))
    blanked: dict[str, pl.Expr] = {}
    for _, when, columns in _rules(frame):
        for name in columns:
            if name in frame.columns:
                bad = when.fill_null(False)
                blanked[name] = bad if name not in blanked else blanked[name] | bad
    if not blanked:
        return sessions
    return frame.with_columns(
        pl.when(bad).then(None).otherwise(pl.col(name)).alias(name) for name, bad in blanked.items()
    ).select(sessions.columns)
