"""API-shaped records of every entity, and helpers to build frames from them as dicts and as
stored pages (the two paths must agree)."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import polars as pl
from polars.testing import assert_frame_equal

from webinar_insights import frames, schemas
from webinar_insights.errors import DataWarning

__all__ = [
    "FRAMES",
    "HOST",
    "PARTICIPANT",
    "RECORDING",
    "REGISTRANT",
    "SESSION",
    "WEBINAR",
    "FrameBuilder",
    "Records",
    "as_pages",
    "build",
    "data_warnings",
    "expected",
    "utc",
    "with_",
]

Records = Sequence[Mapping[str, Any]]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def as_pages(records: Records, size: int = 2) -> list[bytes]:
    """Split records into JSON page bodies as the store keeps them."""
    chunks = [list(records[i : i + size]) for i in range(0, len(records), size)] or [[]]
    return [
        json.dumps(
            {"records": chunk, "paging": {"perPage": size, "pageToken": f"t{number}"}}
        ).encode()
        for number, chunk in enumerate(chunks)
    ]


def expected(schema: pl.Schema, rows: int, **columns: list[Any]) -> pl.DataFrame:
    """A frame of `schema` with the given columns and every other column null."""
    return pl.DataFrame(
        {name: columns.get(name, [None] * rows) for name in schema.names()}, schema=schema
    )


FrameBuilder = Callable[..., pl.DataFrame]
FRAMES: dict[str, tuple[FrameBuilder, FrameBuilder, dict[str, str], pl.Schema]] = {
    "sessions": (frames.sessions_frame, frames.sessions_frame_from_pages, {}, schemas.SESSIONS),
    "participants": (
        frames.participants_frame,
        frames.participants_frame_from_pages,
        {"session_id": "s1", "webinar_id": "w1"},
        schemas.PARTICIPANTS,
    ),
    "registrants": (
        frames.registrants_frame,
        frames.registrants_frame_from_pages,
        {"session_id": "s1"},
        schemas.REGISTRANTS,
    ),
    "webinars": (frames.webinars_frame, frames.webinars_frame_from_pages, {}, schemas.WEBINARS),
    "recordings": (
        frames.recordings_frame,
        frames.recordings_frame_from_pages,
        {},
        schemas.RECORDINGS,
    ),
}


def build(kind: str, records: Records, *, page_size: int = 2, **options: Any) -> pl.DataFrame:
    """Build a frame from dicts and from pages, check both agree and match the schema."""
    from_records, from_pages, context, schema = FRAMES[kind]
    from_dicts = from_records(records, **context, **options)
    from_bytes = from_pages(as_pages(records, page_size), **context, **options)
    assert_frame_equal(from_dicts, from_bytes)
    assert from_dicts.schema == schema
    return from_dicts


def data_warnings(caught: Iterable[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, DataWarning)]


HOST = {
    "firstName": "John",
    "lastName": "Doe",
    "linkedUser": {"userId": "u1", "accountId": "a1", "domain": "pbx"},
}

SESSION: dict[str, Any] = {
    "id": "s1",
    "creationTime": "2024-05-01T09:00:00Z",
    "lastModifiedTime": "2024-05-02T10:30:00.250+02:00",
    "title": "Live Broadcasting US",
    "description": "Live session for US-based participants",
    "webinar": {"id": "w1", "title": "All-Hands", "description": "", "host": HOST},
    "startTime": "2024-05-10T13:55:00-04:00",
    "endTime": "2024-05-10T19:05:30.5Z",
    "duration": 4231,
    "scheduledStartTime": "2024-05-10T18:00:00+00:00",
    "scheduledDuration": 3600,
    "timeZone": "America/New_York",
    "localeCode": "en-US",
    "panelJoinTimeOffset": 900,
    "broadcastingStartTime": "2024-05-10T18:02:00Z",
    "broadcastingEndTime": "2024-05-10T19:01:00Z",
    "status": "Finished",
    "participantCount": 150,
    "attendeeCount": 145,
    "uniqueParticipantCount": 140,
    "uniqueAttendeeCount": 135,
    "videoBridgeId": "839874770",
    "recording": {
        "id": "r1",
        "creationTime": "2024-05-10T19:02:00Z",
        "lastModifiedTime": "2024-05-10T19:30:00Z",
        "status": "Available",
        "duration": 3540,
        "shared": True,
    },
    "livestreams": [
        {
            "livestreamId": "l1",
            "serviceProvider": "YouTube",
            "livestreamStatus": "Error",
            "error": {"errorCode": "WLA-123", "message": "Authorization invalid"},
        }
    ],
}

PARTICIPANT: dict[str, Any] = {
    "id": "p1",
    "firstName": "Ann",
    "lastName": "Lee",
    "email": "ann@example.com",
    "role": "Attendee",
    "originalRole": "Panelist",
    "type": "User",
    "linkedUser": {"userId": "u2", "accountId": "a1", "domain": "pbx"},
    "avatarToken": "tok",
    "qnaBlocked": False,
    "joinTime": "2024-05-10T18:01:00Z",
    "leaveTime": "2024-05-10T20:31:30+02:00",
    "wasEjected": True,
    "inviteeId": "i1",
    "registrantId": "g1",
    "uniqueUserHash": "qzR4wNbddziRil7i033ELlb3KXrJDsw8mOyj970J+so=",
}

REGISTRANT: dict[str, Any] = {
    "id": "g1",
    "creationTime": "2024-05-03T12:00:00Z",
    "lastModifiedTime": "2024-05-03T12:00:00Z",
    "firstName": "Bo",
    "lastName": "Ng",
    "email": "bo@example.com",
    "joinUri": "https://v.ringcentral.com/w/a/join/abc",
    "cancellationUri": "https://example.webinar.ringcentral.com/register?action=cancel",
    "registeredPostWebinar": True,
    "visitorId": "v1",
    "externalId": "e1",
    "registrationTime": "2024-05-03T12:59:58.5+01:00",
    "ipAddress": "10.0.0.1",
    "source": "newsletter",
    "participantId": "p1",
    "questionnaire": [
        {"questionId": "q1", "answerIds": ["a1", "a2"]},
        {"questionId": "q2", "answerText": "Hello"},
    ],
}

WEBINAR: dict[str, Any] = {
    "id": "w1",
    "creationTime": "2024-04-01T08:00:00Z",
    "lastModifiedTime": "2024-04-02T08:00:00.125-07:00",
    "title": "All-Hands",
    "description": "Quarterly all-hands",
    "settings": {
        "recordingEnabled": True,
        "autoRecord": False,
        "qnaEnabled": True,
        "pollsEnabled": False,
        "registrationEnabled": True,
        "panelistAuthentication": "Guest",
        "postWebinarRedirectUri": "https://www.acme.com/thankyou",
    },
    "host": {"firstName": "  Jane ", "lastName": "Roe  ", "linkedUser": {"userId": "u9"}},
}

RECORDING: dict[str, Any] = {
    "id": "rec1",
    "creationTime": "2024-05-10T19:02:00Z",
    "lastModifiedTime": "2024-05-10T21:00:00+02:00",
    "status": "Failed",
    "failureReason": {"errorCode": "REC-500", "message": "Transcoding failed"},
    "duration": 3540,
    "shared": False,
    "sharedUriExpirationTime": None,
    "session": {
        "id": "s1",
        "startTime": "2024-05-10T18:00:00Z",
        "title": "Live Broadcasting US",
        "webinar": {"id": "w1", "title": "All-Hands", "host": HOST},
    },
}


def with_(record: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of `record` with top-level keys replaced (None deletes the key)."""
    result = copy.deepcopy(dict(record))
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result
