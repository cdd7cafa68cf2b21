"""Sessions: history session records to ``schemas.SESSIONS``."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from webinar_insights import schemas

from ._build import build_frame, full_name
from ._problems import BadRecord, OnBadData, Problems
from ._reader import Record, record_pages, stored_pages
from ._spec import Field, frame_spec

SPEC = frame_spec(
    "session",
    schemas.SESSIONS,
    [
        Field("title"),
        Field("webinar.id"),
        Field("webinar.title"),
        Field("webinar.host.firstName"),
        Field("webinar.host.lastName"),
        Field("webinar.host.linkedUser.userId"),
        Field("status", "enum", schemas.SESSION_STATUS),
        Field("runtimeStatus", "enum", schemas.RUNTIME_STATUS),
        Field("timeZone"),
        Field("scheduledStartTime", "datetime"),
        Field("scheduledDuration", "seconds"),
        Field("startTime", "datetime"),
        Field("endTime", "datetime"),
        Field("broadcastingStartTime", "datetime"),
        Field("broadcastingEndTime", "datetime"),
        Field("participantCount", "integer"),
        Field("attendeeCount", "integer"),
        Field("uniqueParticipantCount", "integer"),
        Field("uniqueAttendeeCount", "integer"),
        Field("recording.status", "enum", schemas.RECORDING_STATUS),
        Field("creationTime", "datetime"),
        Field("lastModifiedTime", "datetime"),
    ],
    required=("id", "webinar.id"),  # a session is fetched and reported within its webinar
)


def _sessions(typed: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    title, webinar_title = pl.col("title"), pl.col("webinar.title")
    return typed.select(
        session_id=pl.col("id"),
        webinar_id=pl.col("webinar.id"),
        webinar_title=webinar_title,
        session_title=pl.when(title.str.strip_chars() != "").then(title).otherwise(webinar_title),
        host_user_id=pl.col("webinar.host.linkedUser.userId"),
        host_name=full_name("webinar.host.firstName", "webinar.host.lastName"),
        status=pl.col("status"),
        runtime_status=pl.when(pl.col("status") == "Active").then(pl.col("runtimeStatus")),
        time_zone=pl.col("timeZone"),
        scheduled_start=pl.col("scheduledStartTime"),
        scheduled_duration=pl.col("scheduledDuration"),
        scheduled_end=pl.col("scheduledStartTime") + pl.col("scheduledDuration"),
        start_time=pl.col("startTime"),
        end_time=pl.col("endTime"),
        broadcast_start=pl.col("broadcastingStartTime"),
        broadcast_end=pl.col("broadcastingEndTime"),
        participant_count=pl.col("participantCount"),
        attendee_count=pl.col("attendeeCount"),
        unique_participant_count=pl.col("uniqueParticipantCount"),
        unique_attendee_count=pl.col("uniqueAttendeeCount"),
        registrant_count=pl.lit(None, dtype=pl.Int64),
        post_webinar_registrant_count=pl.lit(None, dtype=pl.Int64),
        recording_status=pl.col("recording.status"),
        created_at=pl.col("creationTime"),
        modified_at=pl.col("lastModifiedTime"),
    )


def sessions_frame(records: Iterable[Record], *, on_bad_data: OnBadData = "raise") -> pl.DataFrame:
    """Build the sessions frame (``schemas.SESSIONS``) from history session records.

    Parameters
    ----------
    records:
        Session records as the API sends them (``/webinar/history/v1/sessions``,
        ``/company/sessions`` or one session's GET), as dicts.
    on_bad_data:
        ``"raise"`` (default): a malformed timestamp or a value of the wrong JSON type raises.
        ``"null"``: such values load as null, with one ``DataWarning`` naming field and value.

    Returns
    -------
    polars.DataFrame
        One row per record; ``registrant_count`` and ``post_webinar_registrant_count`` are null
        until ``metrics.session_metrics`` fills them from registration data.

    Raises
    ------
    BadDataError
        With ``on_bad_data="raise"``, naming the record id, the field and the value.

    Warns
    -----
    DataWarning
        Once per kind of problem: enum values the API spec does not list (kept as they are,
        after the declared categories) and, with ``on_bad_data="null"``, unusable values.

    Examples
    --------
    >>> sessions_frame([{"id": "s1", "status": "Finished"}]).select("session_id", "status").row(0)
    ('s1', 'Finished')
    """
    return build_frame(record_pages(records), SPEC, _sessions, on_bad_data)


def sessions_frame_from_pages(
    pages: Iterable[bytes],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the sessions frame from stored page bodies; the same frame as :func:`sessions_frame`.

    Parameters
    ----------
    pages:
        JSON bodies ``{"records": [...], "paging": {...}}`` of session list responses, as bytes.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the quarantine rule of ``webinar_insights.frames`` (bad
        values null, records that cannot be placed and unreadable pages left out).
        ``on_bad_data`` is then not used.

    Raises
    ------
    BadDataError
        Without ``quarantine``: a page that is not JSON or has no ``records`` list (always), or
        bad data (as for :func:`sessions_frame`).

    Examples
    --------
    >>> bad: list[BadRecord] = []
    >>> page = b'{"records": [{"id": "s1", "webinar": {"id": "w1"}}, {"id": "s2"}]}'
    >>> sessions_frame_from_pages([page], quarantine=bad)["session_id"].to_list()
    ['s1']
    >>> bad[0].record, bad[0].field, bad[0].left_out
    (1, 'webinar.id', True)
    """
    return build_frame(stored_pages(pages), SPEC, _sessions, on_bad_data, quarantine)
