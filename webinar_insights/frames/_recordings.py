"""Recordings: recording records to ``schemas.RECORDINGS``."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from webinar_insights import schemas

from ._build import build_frame
from ._problems import BadRecord, OnBadData, Problems
from ._reader import Record, record_pages, stored_pages
from ._spec import Field, frame_spec

SPEC = frame_spec(
    "recording",
    schemas.RECORDINGS,
    [
        Field("session.id"),
        Field("session.webinar.id"),
        Field("status", "enum", schemas.RECORDING_STATUS),
        Field("duration", "seconds"),
        Field("shared", "boolean"),
        Field("creationTime", "datetime"),
        Field("lastModifiedTime", "datetime"),
        Field("failureReason.errorCode"),
    ],
)


def _recordings(typed: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    return typed.select(
        recording_id=pl.col("id"),
        session_id=pl.col("session.id"),
        webinar_id=pl.col("session.webinar.id"),
        status=pl.col("status"),
        duration=pl.col("duration"),
        shared=pl.col("shared"),
        created_at=pl.col("creationTime"),
        modified_at=pl.col("lastModifiedTime"),
        failure_code=pl.col("failureReason.errorCode"),
    )


def recordings_frame(
    records: Iterable[Record], *, on_bad_data: OnBadData = "raise"
) -> pl.DataFrame:
    """Build the recordings frame (``schemas.RECORDINGS``) from recording records.

    Parameters
    ----------
    records:
        ``RecordingItemModel`` or ``RecordingAdminModel`` records (``/recordings``,
        ``/company/recordings``), as dicts.
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per recording; ``failure_code`` is ``failureReason.errorCode``.
    """
    return build_frame(record_pages(records), SPEC, _recordings, on_bad_data)


def recordings_frame_from_pages(
    pages: Iterable[bytes],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the recordings frame from stored page bodies (see :func:`recordings_frame`).

    Parameters
    ----------
    pages:
        JSON bodies of recording list responses, as bytes.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the quarantine rule of ``webinar_insights.frames`` (bad
        values null, records that cannot be placed and unreadable pages left out).
        ``on_bad_data`` is then not used.
    """
    return build_frame(stored_pages(pages), SPEC, _recordings, on_bad_data, quarantine)
