"""Registrants: one or many sessions' registrant records to ``schemas.REGISTRANTS``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from webinar_insights import schemas

from ._build import Build, build_frame, page_keys, with_keys
from ._problems import BadRecord, OnBadData, Problems
from ._reader import Record, record_pages, stored_pages
from ._spec import Field, frame_spec

SPEC = frame_spec(
    "registrant",
    schemas.REGISTRANTS,
    [
        Field("creationTime", "datetime"),
        Field("registrationTime", "datetime"),
        Field("source"),
        Field("participantId"),
        Field("registeredPostWebinar", "boolean"),
        Field("firstName"),
        Field("lastName"),
        Field("email"),
    ],
)


def _registrants(keys: pl.DataFrame | Mapping[str, str]) -> Build:
    """``keys``: the session_id of the pages (see ``with_keys``)."""

    def build(typed: pl.DataFrame, problems: Problems) -> pl.DataFrame:
        typed = with_keys(typed, keys)
        return typed.select(
            registrant_id=pl.col("id"),
            session_id=pl.col("session_id"),
            registration_time=pl.coalesce("registrationTime", "creationTime"),
            source=pl.col("source"),
            participant_id=pl.col("participantId"),
            attended=pl.col("participantId").is_not_null(),
            registered_post_webinar=pl.col("registeredPostWebinar").fill_null(False),
            first_name=pl.col("firstName"),
            last_name=pl.col("lastName"),
            email=pl.col("email"),
        )

    return build


def registrants_frame(
    records: Iterable[Record], *, session_id: str, on_bad_data: OnBadData = "raise"
) -> pl.DataFrame:
    """Build the registrants frame (``schemas.REGISTRANTS``) of one session.

    Parameters
    ----------
    records:
        Registrant records of ``/webinar/registration/v1/sessions/{session_id}/registrants``.
    session_id:
        The session the records were fetched for.
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per registrant: ``registration_time`` is ``registrationTime`` else
        ``creationTime``; ``attended`` is whether ``participantId`` is set;
        ``registered_post_webinar`` is false when absent.
    """
    return build_frame(
        record_pages(records), SPEC, _registrants({"session_id": session_id}), on_bad_data
    )


def registrants_frame_from_pages(
    pages: Iterable[bytes],
    *,
    session_id: str,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the registrants frame from stored page bodies (see :func:`registrants_frame`).

    Parameters
    ----------
    pages:
        JSON bodies of one session's registrant list responses, as bytes.
    session_id:
        The session the pages were fetched for.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the quarantine rule of ``webinar_insights.frames`` (bad
        values null, records that cannot be placed and unreadable pages left out).
        ``on_bad_data`` is then not used.
    """
    build = _registrants({"session_id": session_id})
    return build_frame(stored_pages(pages), SPEC, build, on_bad_data, quarantine)


def registrants_frame_from_session_pages(
    sessions: Iterable[tuple[str, Sequence[bytes]]],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """The registrants frame of many sessions at once: ``(session_id, pages)`` per session
    (``on_bad_data`` and ``quarantine`` as for :func:`participants_frame_from_session_pages`)."""
    pages: list[bytes] = []
    counts: list[tuple[int, dict[str, str]]] = []
    for session_id, session_pages in sessions:
        pages += session_pages
        counts.append((len(session_pages), {"session_id": session_id}))
    keys = page_keys(counts, ("session_id",))
    return build_frame(pages, SPEC, _registrants(keys), on_bad_data, quarantine)
