"""The report's tables: hosts under pseudonyms, the top and bottom sessions, anomalies with
their webinar titles, the KPI frame, and the people frames cut to the report's sessions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from webinar_insights import metrics, schemas
from webinar_insights.errors import ConfigurationError
from webinar_insights.metrics import host_label

__all__ = [
    "ANOMALY_ROWS",
    "MIN_REGISTRANTS",
    "PARTICIPANT_COLUMNS",
    "REGISTRANT_COLUMNS",
    "SEVERITY_ORDER",
    "WEBINAR_ROWS",
    "kpi_frame",
    "people_of",
    "pseudonymous_hosts",
    "ranked_sessions",
    "shown_anomalies",
    "with_webinar_titles",
]

ANOMALY_ROWS: Final = 30  # rows of the anomalies table
WEBINAR_ROWS: Final = 25  # rows of the webinars table
MIN_REGISTRANTS = 10  # a session ranks by attendance rate only with this many registrants

# The columns of the people tables the report reads (what its metrics require), in table order:
# names and the other columns are never read from the store; e-mail addresses only of the
# participants without a user hash, to tell people apart (metrics.reach), and never shown.
_READ_PARTICIPANTS = {
    "session_id",
    "webinar_id",
    "participant_id",
    "registrant_id",
    "role",
    "join_time",
    "leave_time",
    "unique_user_hash",
    "time_in_session",
}
_READ_REGISTRANTS = {
    "session_id",
    "registrant_id",
    "participant_id",
    "registration_time",
    "source",
    "attended",
    "registered_post_webinar",
}
PARTICIPANT_COLUMNS = tuple(n for n in schemas.PARTICIPANTS.names() if n in _READ_PARTICIPANTS)
REGISTRANT_COLUMNS = tuple(n for n in schemas.REGISTRANTS.names() if n in _READ_REGISTRANTS)


def pseudonymous_hosts(sessions: pl.DataFrame) -> pl.DataFrame:
    """Hosts as "Host 1", "Host 2", ... in both ``host_name`` and ``host_user_id``, numbered in
    the order of their first session (scheduled start, then session id), so that neither a
    name nor a user id of a host, nor their order, is left; a session without a host keeps
    none. The same host (``metrics.host_key``) keeps one pseudonym."""
    key = metrics.host_key()
    order = (
        sessions.sort("scheduled_start", "session_id", nulls_last=True)
        .select(key)
        .drop_nulls()
        .unique(maintain_order=True)
        .to_series()
    )
    numbers = pl.Series(range(1, order.len() + 1), dtype=pl.Int64)
    pseudonym = pl.format(
        "Host {}", key.replace_strict(order, numbers, default=None, return_dtype=pl.Int64)
    )
    return sessions.with_columns(host_name=pseudonym, host_user_id=pseudonym)


SEVERITY_ORDER: Final = {"high": 0, "medium": 1, "low": 2}


def shown_anomalies(anomalies: pl.DataFrame, rows: int) -> pl.DataFrame:
    """The ``rows`` anomalies the report's table shows: most severe first, then most recent."""
    severity = pl.col("severity").replace_strict(
        SEVERITY_ORDER, default=len(SEVERITY_ORDER), return_dtype=pl.Int8
    )
    return anomalies.sort(
        [severity, pl.col("scheduled_start"), pl.col("session_id")],
        descending=[False, True, False],
        nulls_last=True,
    ).head(rows)


def ranked_sessions(sessions: pl.DataFrame, *, top: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ``top`` Finished sessions with the highest attendance rate and the ``top`` with the
    lowest (lowest first), among those with enough registrants; never one session in both:
    with fewer than ``2 * top`` sessions, the better half is the top and the rest the bottom."""
    rated = sessions.filter(
        pl.col("attendance_rate").is_not_null(), pl.col("registrant_count") >= MIN_REGISTRANTS
    ).sort(
        ["attendance_rate", "registrant_count", "session_id"],
        descending=[True, True, False],
    )
    best = min(top, (rated.height + 1) // 2)
    worst = min(top, rated.height - best)
    columns = [
        "session_id",
        "webinar_id",
        "session_title",
        "webinar_title",
        host_label().alias("host"),
        "scheduled_start",
        "registrant_count",
        "unique_attendee_count",
        "attendance_rate",
        "start_delay_min",
        "actual_duration_min",
    ]
    highest = rated.head(best).select(columns)
    lowest = rated.tail(worst).reverse().select(columns)
    return highest, lowest


def with_webinar_titles(anomalies: pl.DataFrame, sessions: pl.DataFrame) -> pl.DataFrame:
    """The anomalies with each session's ``webinar_title`` after ``webinar_id``."""
    titles = sessions.select("session_id", "webinar_title").unique("session_id", keep="first")
    joined = anomalies.join(titles, on="session_id", how="left", maintain_order="left")
    names = anomalies.columns
    at = names.index("webinar_id") + 1
    return joined.select([*names[:at], "webinar_title", *names[at:]])


def kpi_frame(current: Mapping[str, Any], previous: Mapping[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "kpi": list(metrics.KPI_KEYS),
            "value": [_as_float(current.get(k)) for k in metrics.KPI_KEYS],
            "previous_value": [_as_float(previous.get(k)) for k in metrics.KPI_KEYS],
        },
        schema={"kpi": pl.String, "value": pl.Float64, "previous_value": pl.Float64},
    )


def _as_float(value: Any) -> float | None:
    return None if value is None else float(value)


def people_of(frame: pl.DataFrame | None, ids: pl.Series, *, what: str) -> pl.DataFrame | None:
    if frame is None:
        return None
    if not isinstance(frame, pl.DataFrame):
        raise ConfigurationError(f"{what} must be a polars DataFrame, not {type(frame).__name__}")
    if frame.is_empty() or "session_id" not in frame.columns:
        return frame
    wanted = pl.col("session_id").is_in(ids.implode()).fill_null(False)
    if frame.select(wanted.all()).item():  # already cut (report_from_store): no copy
        return frame
    return frame.filter(wanted)
