"""Participants: one or many sessions' participant records to ``schemas.PARTICIPANTS``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

import polars as pl

from webinar_insights import schemas

from ._build import Build, build_frame, page_keys, with_keys
from ._problems import BadRecord, OnBadData, Problems
from ._reader import Record, record_pages, stored_pages
from ._spec import Field, frame_spec

SPEC = frame_spec(
    "participant",
    schemas.PARTICIPANTS,
    [
        Field("role", "enum", schemas.ROLE),
        Field("originalRole", "enum", schemas.ROLE),
        Field("type", "enum", schemas.PARTICIPANT_TYPE),
        Field("joinTime", "datetime"),
        Field("leaveTime", "datetime"),
        Field("wasEjected", "boolean"),
        Field("registrantId"),
        Field("uniqueUserHash"),
        Field("firstName"),
        Field("lastName"),
        Field("email"),
    ],
)


def _participants(keys: pl.DataFrame | Mapping[str, str]) -> Build:
    """``keys``: the session_id and webinar_id of the pages (see ``with_keys``)."""

    def build(typed: pl.DataFrame, problems: Problems) -> pl.DataFrame:
        typed = with_keys(typed, keys)
        frame = typed.select(
            session_id=pl.col("session_id"),
            webinar_id=pl.col("webinar_id"),
            participant_id=pl.col("id"),
            role=pl.col("role"),
            original_role=pl.col("originalRole"),
            participant_type=pl.col("type"),
            join_time=pl.col("joinTime"),
            leave_time=pl.col("leaveTime"),
            was_ejected=pl.col("wasEjected").fill_null(False),
            registrant_id=pl.col("registrantId"),
            unique_user_hash=pl.col("uniqueUserHash"),
            first_name=pl.col("firstName"),
            last_name=pl.col("lastName"),
            email=pl.col("email"),
            time_in_session=pl.col("leaveTime") - pl.col("joinTime"),
        )
        time_in_session = pl.col("time_in_session")
        backwards = frame.filter(time_in_session < timedelta(0))
        if backwards.height:
            participant, session_id, joined, left = backwards.select(
                "participant_id", "session_id", "join_time", "leave_time"
            ).row(0)
            problems.notes.append(
                f"{backwards.height} participant(s) left before they joined, so their"
                f" time_in_session is null (e.g. participant {participant!r} of session"
                f" {session_id!r}: join {joined}, leave {left})."
            )
            frame = frame.with_columns(
                time_in_session=pl.when(time_in_session >= timedelta(0)).then(time_in_session)
            )
        return frame

    return build


def participants_frame(
    records: Iterable[Record],
    *,
    session_id: str,
    webinar_id: str,
    on_bad_data: OnBadData = "raise",
) -> pl.DataFrame:
    """Build the participants frame (``schemas.PARTICIPANTS``) of one session.

    Parameters
    ----------
    records:
        Participant records of ``/webinar/history/v1/webinars/{webinar_id}/sessions/
        {session_id}/participants``, as dicts.
    session_id, webinar_id:
        The session the records were fetched for (the records do not carry them).
    on_bad_data:
        As for :func:`sessions_frame`.

    Returns
    -------
    polars.DataFrame
        One row per participant. ``time_in_session`` is latest leave minus earliest join, an
        upper bound when people rejoined; null (with one ``DataWarning``) for a leave before the
        join.
    """
    build = _participants({"session_id": session_id, "webinar_id": webinar_id})
    return build_frame(record_pages(records), SPEC, build, on_bad_data)


def participants_frame_from_pages(
    pages: Iterable[bytes],
    *,
    session_id: str,
    webinar_id: str,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """Build the participants frame from stored page bodies (see :func:`participants_frame`).

    Parameters
    ----------
    pages:
        JSON bodies of one session's participant list responses, as bytes.
    session_id, webinar_id:
        The session the pages were fetched for.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the quarantine rule of ``webinar_insights.frames`` (bad
        values null, records that cannot be placed and unreadable pages left out).
        ``on_bad_data`` is then not used.
    """
    build = _participants({"session_id": session_id, "webinar_id": webinar_id})
    return build_frame(stored_pages(pages), SPEC, build, on_bad_data, quarantine)


def participants_frame_from_session_pages(
    sessions: Iterable[tuple[str, str, Sequence[bytes]]],
    *,
    on_bad_data: OnBadData = "raise",
    quarantine: list[BadRecord] | None = None,
) -> pl.DataFrame:
    """The participants frame of many sessions at once, from their stored pages.

    Parameters
    ----------
    sessions:
        ``(session_id, webinar_id, pages)`` per session, pages as received from the
        participants listing. All pages are read together (in a few large multi-threaded
        reads), which is what makes a large store fast to rebuild.
    on_bad_data:
        As for :func:`sessions_frame`.
    quarantine:
        A list: bad data is then neither raised nor warned about but appended to it, one
        ``BadRecord`` per problem, with the quarantine rule of ``webinar_insights.frames`` (bad
        values null, records that cannot be placed and unreadable pages left out).
        ``on_bad_data`` is then not used.
        A ``BadRecord``'s ``page`` counts the pages of all sessions together, in order.
    """
    pages: list[bytes] = []
    counts: list[tuple[int, dict[str, str]]] = []
    for session_id, webinar_id, session_pages in sessions:
        pages += session_pages
        counts.append((len(session_pages), {"session_id": session_id, "webinar_id": webinar_id}))
    keys = page_keys(counts, ("session_id", "webinar_id"))
    return build_frame(pages, SPEC, _participants(keys), on_bad_data, quarantine)
