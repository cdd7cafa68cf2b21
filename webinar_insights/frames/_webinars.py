"""Webinars: history or configuration webinar records to ``schemas.WEBINARS``."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from webinar_insights import schemas

from ._build import build_frame, full_name
from ._problems import BadRecord, OnBadData, Problems
from ._reader import Record, record_pages, stored_pages
from ._spec import Field, frame_spec

SPEC = frame_spec(
    "webinar",
    schemas.WEBINARS,
    [
        Field("title"),
        Field("description"),
        Field("host.firstName"),
        Field("host.lastName"),
        Field("host.linkedUser.userId"),
        Field("creationTime", "datetime"),
        Field("lastModifiedTime", "datetime"),
        Field("settings.registrationEnabled", "boolean"),
        Field("settings.recordingEnabled", "boolean"),
        Field("settings.autoRecord", "boolean"),
        Field("settings.qnaEnabled", "boolean"),
        Field("settings.pollsEnabled", "boolean"),
    ],
)


def _webinars(typed: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    return typed.select(
        webinar_id=pl.col("id"),
        title=pl.col("title"),
        description=pl.col("description"),
        host_user_id=pl.col("host.linkedUser.userId"),
        host_name=full_name("host.firstName", "host.lastName"),
        created_at=pl.col("creationTime"),
        modified_at=pl.col("lastModifiedTime"),
        registration_enabled=pl.col("settings.registrationEnabled"),
        recording_enabled=pl.col("settings.recordingEnabled"),
        auto_record=pl.col("settings.autoRecord"),
        qna_enabled=pl.col("settings.qnaEnabled"),
        polls_enabled=pl.col("settings.pollsEnabled"),
    )


def webinars_frame(records: Iterable[Record], *, on_bad_data: OnBadData = "raise") -> pl.DataFrame:
    """Build the webinars frame (``schemas.WEBINARS``) from webinar records.

    Parameters
    ----------
    records:
        ``HistoryWebinarResource`` (or configuration ``WcsWebinarResource``) records, as dicts.
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per webinar; settings flags the API omits are null.
    """
    return build_frame(record_pages(records), SPEC, _webinars, on_bad_data)


def webinars_frame_from_pages(
    pages: Iterable[bytes],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the webinars frame from stored page bodies (see :func:`webinars_frame`).

    Parameters
    ----------
    pages:
        JSON bodies ``{"records": [...], ...}`` holding webinar records, as bytes.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the quarantine rule of ``webinar_insights.frames`` (bad
        values null, records that cannot be placed and unreadable pages left out).
        ``on_bad_data`` is then not used.
    """
    return build_frame(stored_pages(pages), SPEC, _webinars, on_bad_data, quarantine)
