"""Declared column schemas and category sets of the frames, spelled once (see METRICS.md).

Every frame webinar_insights builds has exactly the columns, order and dtypes declared here, so
code downstream can rely on them and a frame never depends on which keys the first rows held.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

__all__ = [
    "DERIVED_SESSION_COLUMNS",
    "DURATION",
    "PARTICIPANTS",
    "PARTICIPANT_TYPE",
    "RECORDINGS",
    "RECORDING_STATUS",
    "REGISTRANTS",
    "ROLE",
    "RUNTIME_STATUS",
    "SESSIONS",
    "SESSION_STATUS",
    "TIMESTAMP",
    "WEBINARS",
    "with_new_values",
]

TIMESTAMP = pl.Datetime("us", "UTC")
"""Every timestamp column: microseconds, converted to UTC on the way in."""

DURATION = pl.Duration("us")
"""Every duration column."""

SESSION_STATUS = pl.Enum(["Scheduled", "Active", "Finished"])
RUNTIME_STATUS = pl.Enum(["Idle", "Practice", "GoingLive", "Live", "Break", "Debrief"])
ROLE = pl.Enum(["Panelist", "CoHost", "Host", "Attendee"])
PARTICIPANT_TYPE = pl.Enum(["User", "Room"])
RECORDING_STATUS = pl.Enum(["Processing", "Available", "Failed", "Purged"])


def with_new_values(declared: Sequence[str], values: Iterable[str | None]) -> list[str]:
    """The categories of an enum that the API sent values for beyond the declared ones: the
    ``declared`` in their order, then every other of ``values`` (nulls aside), sorted. Frames,
    chart colours and the report's filter all order a new value so.

    >>> with_new_values(["Scheduled", "Finished"], ["Finished", "Cancelled", None, "Archived"])
    ['Scheduled', 'Finished', 'Archived', 'Cancelled']
    """
    known = set(declared)
    return [*declared, *sorted({v for v in values if v is not None and v not in known})]


SESSIONS = pl.Schema(
    {
        "session_id": pl.String(),
        "webinar_id": pl.String(),
        "webinar_title": pl.String(),
        "session_title": pl.String(),
        "host_user_id": pl.String(),
        "host_name": pl.String(),
        "status": SESSION_STATUS,
        "runtime_status": RUNTIME_STATUS,
        "time_zone": pl.String(),
        "scheduled_start": TIMESTAMP,
        "scheduled_duration": DURATION,
        "scheduled_end": TIMESTAMP,
        "start_time": TIMESTAMP,
        "end_time": TIMESTAMP,
        "broadcast_start": TIMESTAMP,
        "broadcast_end": TIMESTAMP,
        "participant_count": pl.Int64(),
        "attendee_count": pl.Int64(),
        "unique_participant_count": pl.Int64(),
        "unique_attendee_count": pl.Int64(),
        "registrant_count": pl.Int64(),
        "post_webinar_registrant_count": pl.Int64(),
        "recording_status": RECORDING_STATUS,
        "created_at": TIMESTAMP,
        "modified_at": TIMESTAMP,
    }
)
"""One row per webinar session (base columns; registrant counts are null until filled)."""

DERIVED_SESSION_COLUMNS = pl.Schema(
    {
        "actual_start": TIMESTAMP,
        "actual_end": TIMESTAMP,
        "start_delay": DURATION,
        "start_delay_min": pl.Float64(),
        "late_start": pl.Boolean(),
        "actual_duration": DURATION,
        "overrun": DURATION,
        "attendance_rate": pl.Float64(),
        "no_show_count": pl.Int64(),
        "no_show_rate": pl.Float64(),
    }
)
"""The columns ``metrics.session_metrics`` appends to :data:`SESSIONS`, in order."""

PARTICIPANTS = pl.Schema(
    {
        "session_id": pl.String(),
        "webinar_id": pl.String(),
        "participant_id": pl.String(),
        "role": ROLE,
        "original_role": ROLE,
        "participant_type": PARTICIPANT_TYPE,
        "join_time": TIMESTAMP,
        "leave_time": TIMESTAMP,
        "was_ejected": pl.Boolean(),
        "registrant_id": pl.String(),
        "unique_user_hash": pl.String(),
        "first_name": pl.String(),
        "last_name": pl.String(),
        "email": pl.String(),
        "time_in_session": DURATION,
    }
)
"""One row per participant per session (earliest join, latest leave: an upper bound)."""

REGISTRANTS = pl.Schema(
    {
        "registrant_id": pl.String(),
        "session_id": pl.String(),
        "registration_time": TIMESTAMP,
        "source": pl.String(),
        "participant_id": pl.String(),
        "attended": pl.Boolean(),
        "registered_post_webinar": pl.Boolean(),
        "first_name": pl.String(),
        "last_name": pl.String(),
        "email": pl.String(),
    }
)
"""One row per registrant per session."""

WEBINARS = pl.Schema(
    {
        "webinar_id": pl.String(),
        "title": pl.String(),
        "description": pl.String(),
        "host_user_id": pl.String(),
        "host_name": pl.String(),
        "created_at": TIMESTAMP,
        "modified_at": TIMESTAMP,
        "registration_enabled": pl.Boolean(),
        "recording_enabled": pl.Boolean(),
        "auto_record": pl.Boolean(),
        "qna_enabled": pl.Boolean(),
        "polls_enabled": pl.Boolean(),
    }
)
"""One row per webinar (series); settings flags are null when the API omits them."""

RECORDINGS = pl.Schema(
    {
        "recording_id": pl.String(),
        "session_id": pl.String(),
        "webinar_id": pl.String(),
        "status": RECORDING_STATUS,
        "duration": DURATION,
        "shared": pl.Boolean(),
        "created_at": TIMESTAMP,
        "modified_at": TIMESTAMP,
        "failure_code": pl.String(),
    }
)
"""One row per recording."""
