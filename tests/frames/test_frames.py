"""Tests for webinar_insights.frames: API records (dicts or stored pages) to typed frames."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from webinar_insights import frames, schemas
from webinar_insights.errors import BadDataError, ConfigurationError, DataWarning

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


_Build = Callable[..., pl.DataFrame]
FRAMES: dict[str, tuple[_Build, _Build, dict[str, str], pl.Schema]] = {
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


# --- full records: every column ------------------------------------------------------------


def test_sessions_frame_every_column_from_a_full_record() -> None:
    frame = build("sessions", [SESSION])
    want = expected(
        schemas.SESSIONS,
        1,
        session_id=["s1"],
        webinar_id=["w1"],
        webinar_title=["All-Hands"],
        session_title=["Live Broadcasting US"],
        host_user_id=["u1"],
        host_name=["John Doe"],
        status=["Finished"],
        runtime_status=[None],
        time_zone=["America/New_York"],
        scheduled_start=[utc(2024, 5, 10, 18)],
        scheduled_duration=[timedelta(hours=1)],
        scheduled_end=[utc(2024, 5, 10, 19)],
        start_time=[utc(2024, 5, 10, 17, 55)],
        end_time=[utc(2024, 5, 10, 19, 5, 30, us=500_000)],
        broadcast_start=[utc(2024, 5, 10, 18, 2)],
        broadcast_end=[utc(2024, 5, 10, 19, 1)],
        participant_count=[150],
        attendee_count=[145],
        unique_participant_count=[140],
        unique_attendee_count=[135],
        recording_status=["Available"],
        created_at=[utc(2024, 5, 1, 9)],
        modified_at=[utc(2024, 5, 2, 8, 30, us=250_000)],
    )
    assert_frame_equal(frame, want)
    assert frame.schema == schemas.SESSIONS
    assert frame.schema["registrant_count"] == pl.Int64
    assert frame.get_column("registrant_count").null_count() == 1
    assert frame.get_column("post_webinar_registrant_count").null_count() == 1


def test_participants_frame_every_column_from_a_full_record() -> None:
    frame = build("participants", [PARTICIPANT])
    want = expected(
        schemas.PARTICIPANTS,
        1,
        session_id=["s1"],
        webinar_id=["w1"],
        participant_id=["p1"],
        role=["Attendee"],
        original_role=["Panelist"],
        participant_type=["User"],
        join_time=[utc(2024, 5, 10, 18, 1)],
        leave_time=[utc(2024, 5, 10, 18, 31, 30)],
        was_ejected=[True],
        registrant_id=["g1"],
        unique_user_hash=["qzR4wNbddziRil7i033ELlb3KXrJDsw8mOyj970J+so="],
        first_name=["Ann"],
        last_name=["Lee"],
        email=["ann@example.com"],
        time_in_session=[timedelta(minutes=30, seconds=30)],
    )
    assert_frame_equal(frame, want)


def test_registrants_frame_every_column_from_a_full_record() -> None:
    frame = build("registrants", [REGISTRANT])
    want = expected(
        schemas.REGISTRANTS,
        1,
        registrant_id=["g1"],
        session_id=["s1"],
        registration_time=[utc(2024, 5, 3, 11, 59, 58, us=500_000)],
        source=["newsletter"],
        participant_id=["p1"],
        attended=[True],
        registered_post_webinar=[True],
        first_name=["Bo"],
        last_name=["Ng"],
        email=["bo@example.com"],
    )
    assert_frame_equal(frame, want)


def test_webinars_frame_every_column_from_a_full_record() -> None:
    frame = build("webinars", [WEBINAR])
    want = expected(
        schemas.WEBINARS,
        1,
        webinar_id=["w1"],
        title=["All-Hands"],
        description=["Quarterly all-hands"],
        host_user_id=["u9"],
        host_name=["Jane Roe"],
        created_at=[utc(2024, 4, 1, 8)],
        modified_at=[utc(2024, 4, 2, 15, us=125_000)],
        registration_enabled=[True],
        recording_enabled=[True],
        auto_record=[False],
        qna_enabled=[True],
        polls_enabled=[False],
    )
    assert_frame_equal(frame, want)


def test_recordings_frame_every_column_from_a_full_record() -> None:
    frame = build("recordings", [RECORDING])
    want = expected(
        schemas.RECORDINGS,
        1,
        recording_id=["rec1"],
        session_id=["s1"],
        webinar_id=["w1"],
        status=["Failed"],
        duration=[timedelta(seconds=3540)],
        shared=[False],
        created_at=[utc(2024, 5, 10, 19, 2)],
        modified_at=[utc(2024, 5, 10, 19)],
        failure_code=["REC-500"],
    )
    assert_frame_equal(frame, want)


# --- schemas ------------------------------------------------------------------------------


def test_schemas_declare_the_metrics_columns_and_types() -> None:
    assert schemas.SESSIONS.names() == [
        "session_id",
        "webinar_id",
        "webinar_title",
        "session_title",
        "host_user_id",
        "host_name",
        "status",
        "runtime_status",
        "time_zone",
        "scheduled_start",
        "scheduled_duration",
        "scheduled_end",
        "start_time",
        "end_time",
        "broadcast_start",
        "broadcast_end",
        "participant_count",
        "attendee_count",
        "unique_participant_count",
        "unique_attendee_count",
        "registrant_count",
        "post_webinar_registrant_count",
        "recording_status",
        "created_at",
        "modified_at",
    ]
    assert schemas.DERIVED_SESSION_COLUMNS.names() == [
        "actual_start",
        "actual_end",
        "start_delay",
        "start_delay_min",
        "late_start",
        "actual_duration",
        "overrun",
        "attendance_rate",
        "no_show_count",
        "no_show_rate",
    ]
    assert not set(schemas.DERIVED_SESSION_COLUMNS) & set(schemas.SESSIONS)
    every = [
        schemas.SESSIONS,
        schemas.DERIVED_SESSION_COLUMNS,
        schemas.PARTICIPANTS,
        schemas.REGISTRANTS,
        schemas.WEBINARS,
        schemas.RECORDINGS,
    ]
    for schema in every:
        for name, dtype in schema.items():
            if isinstance(dtype, pl.Datetime):
                assert dtype == pl.Datetime("us", "UTC"), name
            if isinstance(dtype, pl.Duration):
                assert dtype == pl.Duration("us"), name
            if name.endswith("_id"):
                assert dtype == pl.String, name


def test_enums_hold_the_spec_values_in_order() -> None:
    assert schemas.SESSION_STATUS.categories.to_list() == ["Scheduled", "Active", "Finished"]
    assert schemas.RUNTIME_STATUS.categories.to_list() == [
        "Idle",
        "Practice",
        "GoingLive",
        "Live",
        "Break",
        "Debrief",
    ]
    assert schemas.ROLE.categories.to_list() == ["Panelist", "CoHost", "Host", "Attendee"]
    assert schemas.PARTICIPANT_TYPE.categories.to_list() == ["User", "Room"]
    assert schemas.RECORDING_STATUS.categories.to_list() == [
        "Processing",
        "Available",
        "Failed",
        "Purged",
    ]


# --- sessions rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("Live Broadcasting US", "Live Broadcasting US"),
        ("", "All-Hands"),
        ("   ", "All-Hands"),
        (None, "All-Hands"),
    ],
)
def test_session_title_falls_back_to_webinar_title(title: str | None, want: str) -> None:
    frame = build("sessions", [with_(SESSION, title=title)])
    assert frame.get_column("session_title").to_list() == [want]


def test_session_title_is_null_when_both_titles_are_missing() -> None:
    record = with_(SESSION, title=None, webinar={"id": "w1", "host": HOST})
    assert build("sessions", [record]).get_column("session_title").to_list() == [None]


@pytest.mark.parametrize(
    ("host", "want_name", "want_user"),
    [
        ({"firstName": " John ", "lastName": " Doe "}, "John Doe", None),
        ({"firstName": "John", "linkedUser": {"userId": "u1"}}, "John", "u1"),
        ({"lastName": "Doe"}, "Doe", None),
        ({"firstName": "", "lastName": "  "}, None, None),
        ({"linkedUser": {"userId": "u1", "accountId": "a"}}, None, "u1"),
        (None, None, None),
    ],
)
def test_host_name_is_trimmed_and_null_when_absent(
    host: dict[str, Any] | None, want_name: str | None, want_user: str | None
) -> None:
    webinar = {"id": "w1", "title": "All-Hands"} | ({"host": host} if host is not None else {})
    frame = build("sessions", [with_(SESSION, webinar=webinar)])
    assert frame.get_column("host_name").to_list() == [want_name]
    assert frame.get_column("host_user_id").to_list() == [want_user]


def test_runtime_status_is_null_unless_the_session_is_active() -> None:
    records = [
        with_(SESSION, id="active", status="Active", runtimeStatus="Break"),
        with_(SESSION, id="finished", status="Finished", runtimeStatus="Live"),
        with_(SESSION, id="scheduled", status="Scheduled", runtimeStatus="GoingLive"),
        with_(SESSION, id="active-without", status="Active", runtimeStatus=None),
        with_(SESSION, id="no-status", status=None, runtimeStatus="Live"),
    ]
    frame = build("sessions", records)
    assert frame.get_column("runtime_status").to_list() == ["Break", None, None, None, None]
    assert frame.get_column("status").to_list() == [
        "Active",
        "Finished",
        "Scheduled",
        "Active",
        None,
    ]


def test_scheduled_end_is_scheduled_start_plus_duration() -> None:
    records = [
        with_(SESSION, id="a", scheduledStartTime="2024-05-10T23:30:00-01:00"),
        with_(SESSION, id="b", scheduledDuration=None),
        with_(SESSION, id="c", scheduledStartTime=None),
        with_(SESSION, id="d", scheduledDuration=43200),
    ]
    frame = build("sessions", records)
    assert frame.get_column("scheduled_end").to_list() == [
        utc(2024, 5, 11, 1, 30),
        None,
        None,
        utc(2024, 5, 11, 6),
    ]
    assert frame.get_column("scheduled_duration").to_list() == [
        timedelta(hours=1),
        None,
        timedelta(hours=1),
        timedelta(hours=12),
    ]


def test_a_scheduled_session_keeps_planned_start_and_end_as_sent() -> None:
    record = with_(
        SESSION,
        status="Scheduled",
        broadcastingStartTime=None,
        broadcastingEndTime=None,
        recording=None,
        participantCount=None,
        attendeeCount=None,
        uniqueParticipantCount=None,
        uniqueAttendeeCount=None,
    )
    row = build("sessions", [record]).row(0, named=True)
    assert row["start_time"] == utc(2024, 5, 10, 17, 55)
    assert row["end_time"] == utc(2024, 5, 10, 19, 5, 30, us=500_000)
    assert row["broadcast_start"] is None
    assert row["broadcast_end"] is None
    assert row["recording_status"] is None
    assert row["unique_attendee_count"] is None


def test_a_session_fetched_alone_has_no_webinar_object() -> None:
    record = with_(SESSION, webinar=None, title="")
    row = build("sessions", [record]).row(0, named=True)
    assert row["session_id"] == "s1"
    assert row["webinar_id"] is None
    assert row["session_title"] is None
    assert row["host_name"] is None


# --- timestamps ----------------------------------------------------------------------------


def test_mixed_offsets_and_fractions_in_one_frame_are_converted_to_utc() -> None:
    stamps = [
        "2024-05-10T18:00:00Z",
        "2024-05-10T20:00:00+02:00",
        "2024-05-10T13:00:00.5-05:00",
        "2024-05-10T18:00:00.123456+00:00",
        "2024-05-11T03:30:00.1+09:30",
        "2024-05-10T18:00:00.000Z",
    ]
    records = [with_(PARTICIPANT, id=f"p{i}", joinTime=s) for i, s in enumerate(stamps)]
    frame = build("participants", records, page_size=4)
    assert frame.get_column("join_time").to_list() == [
        utc(2024, 5, 10, 18),
        utc(2024, 5, 10, 18),
        utc(2024, 5, 10, 18, us=500_000),
        utc(2024, 5, 10, 18, us=123_456),
        utc(2024, 5, 10, 18, us=100_000),
        utc(2024, 5, 10, 18),
    ]
    assert frame.schema["join_time"] == pl.Datetime("us", "UTC")


@pytest.mark.parametrize(
    "stamp",
    ["not a date", "2024-05-10", "2024-05-10T18:00:00", "2024-13-10T18:00:00Z", "1715364000"],
)
def test_a_malformed_timestamp_raises_naming_record_field_and_value(stamp: str) -> None:
    records = [SESSION, with_(SESSION, id="bad-one", broadcastingEndTime=stamp)]
    with pytest.raises(BadDataError) as caught:
        frames.sessions_frame(records)
    message = str(caught.value)
    assert "'bad-one'" in message
    assert "'broadcastingEndTime'" in message
    assert repr(stamp) in message
    with pytest.raises(BadDataError, match="broadcastingEndTime"):
        frames.sessions_frame_from_pages(as_pages(records))


def test_a_number_where_a_timestamp_is_expected_is_bad_data() -> None:
    with pytest.raises(BadDataError, match=r"'joinTime' holds '1715364000'"):
        build("participants", [with_(PARTICIPANT, joinTime=1715364000)])


# --- wrong types and on_bad_data -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "record", "field", "value"),
    [
        ("sessions", with_(SESSION, participantCount="150"), "participantCount", "'150'"),
        ("sessions", with_(SESSION, uniqueAttendeeCount="many"), "uniqueAttendeeCount", "many"),
        ("sessions", with_(SESSION, attendeeCount=12.5), "attendeeCount", "12.5"),
        ("sessions", with_(SESSION, scheduledDuration="1h"), "scheduledDuration", "1h"),
        ("sessions", with_(SESSION, webinar="w1"), "webinar", "'w1'"),
        ("sessions", with_(SESSION, title={"text": "x"}), "title", "{'text': 'x'}"),
        ("participants", with_(PARTICIPANT, wasEjected="yes"), "wasEjected", "'yes'"),
        ("participants", with_(PARTICIPANT, wasEjected=1), "wasEjected", "1"),
        ("participants", with_(PARTICIPANT, email=["a@b.c"]), "email", "['a@b.c']"),
        (
            "registrants",
            with_(REGISTRANT, registeredPostWebinar="true"),
            "'registeredPostWebinar'",
            "'true'",
        ),
        ("webinars", with_(WEBINAR, settings={"qnaEnabled": "on"}), "settings.qnaEnabled", "on"),
        ("recordings", with_(RECORDING, duration="3540"), "duration", "3540"),
        ("recordings", with_(RECORDING, session={"id": ["s1"]}), "'session.id'", "['s1']"),
    ],
)
def test_a_wrong_type_raises_naming_record_field_and_value(
    kind: str, record: dict[str, Any], field: str, value: str
) -> None:
    from_records, from_pages, context, _ = FRAMES[kind]
    runs: list[Callable[[], pl.DataFrame]] = [
        lambda: from_records([record], **context),
        lambda: from_pages(as_pages([record]), **context),
    ]
    for run in runs:
        with pytest.raises(BadDataError) as caught:
            run()
        message = str(caught.value)
        assert repr(record["id"]) in message
        assert field in message
        assert value in message
        assert "on_bad_data='null'" in message


def test_a_nan_in_a_dict_record_is_bad_data() -> None:
    with pytest.raises(BadDataError, match="participantCount"):
        frames.sessions_frame([with_(SESSION, participantCount=float("nan"))])


def test_a_non_json_value_in_a_dict_record_is_bad_data() -> None:
    record = with_(SESSION, startTime=datetime(2024, 5, 10, 18, tzinfo=UTC))
    with pytest.raises(BadDataError, match="'startTime'"):
        frames.sessions_frame([record])
    with pytest.warns(DataWarning, match="'startTime'"):
        frame = frames.sessions_frame([record], on_bad_data="null")
    assert frame.get_column("start_time").to_list() == [None]


def test_bad_data_as_null_keeps_the_rows_and_warns_once_per_call() -> None:
    records = [
        with_(SESSION, id="a", participantCount="many", startTime="soon"),
        with_(SESSION, id="b", startTime="later"),
        with_(SESSION, id="c", webinar=["not", "an", "object"]),
        with_(SESSION, id="d"),
    ]
    runs: list[Callable[[], pl.DataFrame]] = [
        lambda: frames.sessions_frame(records, on_bad_data="null"),
        lambda: frames.sessions_frame_from_pages(as_pages(records), on_bad_data="null"),
    ]
    for run in runs:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = run()
        messages = data_warnings(caught)
        assert len(messages) == 1
        (message,) = messages
        assert "'participantCount'" in message
        assert "'many'" in message
        assert "'startTime' had 2 unusable value(s)" in message
        assert "'soon'" in message
        assert "'webinar'" in message
        assert frame.get_column("session_id").to_list() == ["a", "b", "c", "d"]
        assert frame.get_column("participant_count").to_list() == [None, 150, 150, 150]
        assert (
            frame.get_column("start_time").to_list()
            == [None, None] + [utc(2024, 5, 10, 17, 55)] * 2
        )
        assert frame.get_column("webinar_id").to_list() == ["w1", "w1", None, "w1"]
        assert frame.get_column("host_name").to_list() == ["John Doe", "John Doe", None, "John Doe"]


def test_bad_data_as_null_gives_the_same_frame_from_dicts_and_pages() -> None:
    records = [
        with_(PARTICIPANT, id="a", joinTime="yesterday", wasEjected="no"),
        with_(PARTICIPANT, id="b", role=5),
        PARTICIPANT,
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        frame = build("participants", records, page_size=1, on_bad_data="null")
    assert frame.get_column("join_time").to_list() == [None, *[utc(2024, 5, 10, 18, 1)] * 2]
    assert frame.get_column("was_ejected").to_list() == [False, True, True]
    assert frame.get_column("role").to_list() == ["Attendee", None, "Attendee"]


def test_the_record_number_counts_across_pages() -> None:
    records = [with_(SESSION, id=f"s{i}") for i in range(5)]
    records[3]["endTime"] = "whenever"
    with pytest.raises(BadDataError, match=r"record #3 \(id 's3'\)"):
        frames.sessions_frame_from_pages(as_pages(records, size=2))
    records[3]["endTime"] = None
    records[4]["participantCount"] = "x"  # found by the Python check of a refused page
    with pytest.raises(BadDataError, match=r"record #4 \(id 's4'\)"):
        frames.sessions_frame_from_pages(as_pages(records, size=2))


def test_the_record_number_counts_across_dict_chunks() -> None:
    records = [{"id": f"p{i}"} for i in range(10_005)]
    records[10_003]["leaveTime"] = "never"
    with pytest.raises(BadDataError, match=r"record #10003 \(id 'p10003'\)"):
        frames.participants_frame(records, session_id="s1", webinar_id="w1")


def test_a_record_that_is_not_an_object_raises_or_is_skipped() -> None:
    records: list[Any] = [SESSION, None, "s2", with_(SESSION, id="s3")]
    with pytest.raises(BadDataError, match=r"record #1 .* not a JSON object"):
        frames.sessions_frame(records)
    with pytest.raises(BadDataError, match="not a JSON object"):
        frames.sessions_frame_from_pages(as_pages(records))
    with pytest.warns(DataWarning, match=r"2 record\(s\) were not JSON objects"):
        frame = frames.sessions_frame(records, on_bad_data="null")
    assert frame.get_column("session_id").to_list() == ["s1", "s3"]


def test_on_bad_data_must_be_raise_or_null() -> None:
    with pytest.raises(ConfigurationError, match="on_bad_data"):
        frames.sessions_frame([SESSION], on_bad_data="drop")  # type: ignore[arg-type]


# --- unknown enum values -------------------------------------------------------------------


def test_an_unknown_enum_value_keeps_the_row_and_warns_once_naming_field_and_value() -> None:
    records = [
        with_(SESSION, id="a", status="Cancelled"),
        with_(SESSION, id="b", status="Active", runtimeStatus="Paused"),
        with_(SESSION, id="c", recording={"status": "Archived"}),
        with_(SESSION, id="d", status="Cancelled"),
        SESSION,
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = frames.sessions_frame(records)
    messages = data_warnings(caught)
    assert len(messages) == 1
    (message,) = messages
    assert "'status': 'Cancelled' (2 row(s))" in message
    assert "'runtimeStatus': 'Paused'" in message
    assert "'recording.status': 'Archived'" in message
    assert frame.height == 5
    assert frame.get_column("status").to_list() == [None, "Active", "Finished", None, "Finished"]
    assert frame.get_column("runtime_status").to_list() == [None] * 5
    assert frame.get_column("recording_status").to_list() == [
        "Available",
        "Available",
        None,
        "Available",
        "Available",
    ]


def test_unknown_participant_roles_and_types_are_kept_as_null_rows() -> None:
    records = [
        with_(PARTICIPANT, id="a", role="Moderator", originalRole="Guest", type="Phone"),
        PARTICIPANT,
    ]
    with pytest.warns(DataWarning) as caught:
        frame = build("participants", records, page_size=1)
    messages = data_warnings(caught)
    assert len(messages) == 2  # one per call: dicts and pages
    for name in ("'role': 'Moderator'", "'originalRole': 'Guest'", "'type': 'Phone'"):
        assert name in messages[0]
    assert frame.get_column("participant_id").to_list() == ["a", "p1"]
    assert frame.get_column("role").to_list() == [None, "Attendee"]
    assert frame.get_column("original_role").to_list() == [None, "Panelist"]
    assert frame.get_column("participant_type").to_list() == [None, "User"]


def test_an_unknown_recording_status_warns_even_when_bad_data_raises() -> None:
    with pytest.warns(DataWarning, match="'status': 'Deleted'"):
        frame = frames.recordings_frame([with_(RECORDING, status="Deleted")])
    assert frame.get_column("status").to_list() == [None]


# --- participants rules --------------------------------------------------------------------


def test_was_ejected_is_false_when_absent() -> None:
    records = [
        with_(PARTICIPANT, id="a", wasEjected=None),
        with_(PARTICIPANT, id="b", wasEjected=False),
        with_(PARTICIPANT, id="c", wasEjected=True),
    ]
    frame = build("participants", records)
    assert frame.get_column("was_ejected").to_list() == [False, False, True]


def test_time_in_session_is_leave_minus_join_and_null_when_either_is_missing() -> None:
    records = [
        with_(
            PARTICIPANT, id="a", joinTime="2024-05-10T18:00:00Z", leaveTime="2024-05-10T18:00:00Z"
        ),
        with_(PARTICIPANT, id="b", leaveTime=None),
        with_(PARTICIPANT, id="c", joinTime=None),
        with_(
            PARTICIPANT,
            id="d",
            joinTime="2024-05-10T23:59:59.5+05:00",
            leaveTime="2024-05-10T19:00:00.25Z",
        ),
    ]
    frame = build("participants", records)
    assert frame.get_column("time_in_session").to_list() == [
        timedelta(0),
        None,
        None,
        timedelta(seconds=0.75),  # 18:59:59.5 UTC to 19:00:00.25 UTC
    ]


def test_a_leave_before_the_join_is_null_with_one_warning_per_frame() -> None:
    records = [
        with_(PARTICIPANT, id="early", leaveTime="2024-05-10T17:00:00Z"),
        PARTICIPANT,
        with_(PARTICIPANT, id="earlier", leaveTime="2024-05-10T18:00:59Z"),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = frames.participants_frame(records, session_id="s1", webinar_id="w1")
    messages = data_warnings(caught)
    assert len(messages) == 1
    assert "2 participant(s) left before they joined" in messages[0]
    assert "'early'" in messages[0]
    assert frame.get_column("time_in_session").to_list() == [
        None,
        timedelta(minutes=30, seconds=30),
        None,
    ]
    assert frame.get_column("leave_time").to_list()[0] == utc(2024, 5, 10, 17)


def test_participants_carry_the_session_and_webinar_given() -> None:
    frame = frames.participants_frame(
        [PARTICIPANT, with_(PARTICIPANT, id="p2")], session_id="s9", webinar_id="w9"
    )
    assert frame.get_column("session_id").to_list() == ["s9", "s9"]
    assert frame.get_column("webinar_id").to_list() == ["w9", "w9"]


# --- registrants rules ---------------------------------------------------------------------


def test_registration_time_falls_back_to_creation_time() -> None:
    records = [
        REGISTRANT,
        with_(REGISTRANT, id="g2", registrationTime=None),
        with_(REGISTRANT, id="g3", registrationTime=None, creationTime=None),
    ]
    frame = build("registrants", records)
    assert frame.get_column("registration_time").to_list() == [
        utc(2024, 5, 3, 11, 59, 58, us=500_000),
        utc(2024, 5, 3, 12),
        None,
    ]


def test_attended_and_registered_post_webinar() -> None:
    records = [
        with_(REGISTRANT, id="live-attended", registeredPostWebinar=False),
        with_(REGISTRANT, id="no-show", participantId=None, registeredPostWebinar=None),
        with_(REGISTRANT, id="on-demand", participantId=None, registeredPostWebinar=True),
    ]
    frame = build("registrants", records)
    assert frame.get_column("attended").to_list() == [True, False, False]
    assert frame.get_column("participant_id").to_list() == ["p1", None, None]
    assert frame.get_column("registered_post_webinar").to_list() == [False, False, True]


# --- missing fields, empty input, late keys -----------------------------------------------


@pytest.mark.parametrize("kind", list(FRAMES))
def test_a_record_with_only_an_id_gives_nulls_not_a_crash(kind: str) -> None:
    schema = FRAMES[kind][3]
    frame = build(kind, [{"id": "x"}, {}])
    defaults_by_kind: dict[str, dict[str, list[Any]]] = {
        "sessions": {"session_id": ["x", None]},
        "participants": {
            "session_id": ["s1", "s1"],
            "webinar_id": ["w1", "w1"],
            "participant_id": ["x", None],
            "was_ejected": [False, False],
        },
        "registrants": {
            "registrant_id": ["x", None],
            "session_id": ["s1", "s1"],
            "attended": [False, False],
            "registered_post_webinar": [False, False],
        },
        "webinars": {"webinar_id": ["x", None]},
        "recordings": {"recording_id": ["x", None]},
    }
    defaults = defaults_by_kind[kind]
    assert_frame_equal(frame, expected(schema, 2, **defaults))


@pytest.mark.parametrize("kind", list(FRAMES))
def test_empty_input_gives_an_empty_frame_with_the_schema(kind: str) -> None:
    from_records, from_pages, context, schema = FRAMES[kind]
    empty = pl.DataFrame(schema=schema)
    assert_frame_equal(from_records([], **context), empty)
    assert_frame_equal(from_records(iter(()), **context), empty)
    assert_frame_equal(from_pages([], **context), empty)
    assert_frame_equal(from_pages(as_pages([]), **context), empty)
    assert_frame_equal(from_pages([b'{"records": []}', b'{"records":[]}'], **context), empty)


def test_a_key_first_appearing_at_row_150_is_kept() -> None:
    bare: dict[str, Any] = {"id": "s", "status": "Finished", "webinar": {"id": "w1"}}
    records = [bare | {"id": f"s{i}"} for i in range(150)]
    records.append(
        bare
        | {
            "id": "late",
            "broadcastingStartTime": "2024-05-10T18:02:00+02:00",
            "uniqueAttendeeCount": 7,
            "recording": {"status": "Purged"},
            "webinar": {"id": "w1", "host": HOST},
        }
    )
    frame = build("sessions", records, page_size=1000)
    last = frame.row(150, named=True)
    assert frame.height == 151
    assert last["session_id"] == "late"
    assert last["broadcast_start"] == utc(2024, 5, 10, 16, 2)
    assert last["unique_attendee_count"] == 7
    assert last["recording_status"] == "Purged"
    assert last["host_name"] == "John Doe"
    assert frame.get_column("broadcast_start").null_count() == 150


def test_records_may_be_any_iterable() -> None:
    frame = frames.sessions_frame(record for record in [SESSION, with_(SESSION, id="s2")])
    assert frame.get_column("session_id").to_list() == ["s1", "s2"]


def test_one_dict_instead_of_a_list_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="iterable of records"):
        frames.sessions_frame(SESSION)  # type: ignore[arg-type]


# --- the pages path ------------------------------------------------------------------------


def test_pages_and_dicts_give_identical_frames_for_varied_records() -> None:
    records = [
        SESSION,
        with_(SESSION, id="s2", status="Active", runtimeStatus="Live", title=""),
        with_(SESSION, id="s3", status="Scheduled", recording=None, webinar=None),
        {"id": "s4"},
        with_(SESSION, id="s5", scheduledStartTime="2024-05-10T18:00:00.999999-11:00"),
    ]
    for size in (1, 2, 5):
        frame = build("sessions", records, page_size=size)
        assert frame.height == 5


def test_one_page_bytes_instead_of_a_list_is_a_configuration_error() -> None:
    (page,) = as_pages([SESSION])
    with pytest.raises(ConfigurationError, match="iterable of page bodies"):
        frames.sessions_frame_from_pages(page)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "page",
    [
        b'{"records": [',
        b"",
        b"[1, 2]",
        b'{"paging": {"perPage": 100, "pageToken": "x"}}',
        b'{"records": null}',
        b'{"records": {"id": "s1"}}',
        b'[{"records": []}, {"records": []}]',
    ],
)
def test_a_page_that_is_not_a_records_body_raises_in_either_mode(page: bytes) -> None:
    for mode in ("raise", "null"):
        with pytest.raises(BadDataError, match="page #1"):
            frames.sessions_frame_from_pages([as_pages([SESSION])[0], page], on_bad_data=mode)


def test_pages_ignore_paging_and_unknown_fields() -> None:
    page = json.dumps(
        {
            "records": [with_(SESSION, newField={"deep": [1, {"x": None}]}, anotherNew=3)],
            "paging": {"perPage": 1, "pageToken": "a", "nextPageToken": "b"},
            "extra": [1, 2, 3],
        }
    ).encode()
    assert_frame_equal(frames.sessions_frame_from_pages([page]), frames.sessions_frame([SESSION]))


def _page_of(records: list[dict[str, object]]) -> bytes:
    return json.dumps({"records": records, "paging": {"perPage": 100, "pageToken": "t"}}).encode()


def test_many_sessions_at_once_equal_one_session_at_a_time() -> None:
    def person(i: int, **extra: object) -> dict[str, object]:
        return {"id": f"p{i}", "role": "Attendee", "originalRole": "Attendee", "type": "User",
                "joinTime": "2026-01-01T10:00:00Z", "leaveTime": f"2026-01-01T10:{i:02d}:00.5+00:00", **extra}  # fmt: skip

    sessions = [
        ("s1", "w1", [_page_of([person(1), person(2)]), _page_of([person(3, wasEjected=True)])]),
        ("s2", "w2", [_page_of([])]),
        ("s3", "w3", [_page_of([person(4)])]),
    ]
    together = frames.participants_frame_from_session_pages(sessions)
    one_by_one = pl.concat(
        frames.participants_frame_from_pages(pages, session_id=sid, webinar_id=wid)
        for sid, wid, pages in sessions
    )
    assert_frame_equal(together, one_by_one)
    assert together["session_id"].to_list() == ["s1", "s1", "s1", "s3"]
    assert together["webinar_id"].to_list() == ["w1", "w1", "w1", "w3"]
    registrants = frames.registrants_frame_from_session_pages(
        [
            ("s1", [_page_of([{"id": "r1", "firstName": "A", "lastName": "B", "email": "a@b.c"}])]),
            ("s2", []),
        ]
    )
    assert registrants["session_id"].to_list() == ["s1"]


def test_many_sessions_with_a_bad_page_name_the_page() -> None:
    sessions = [
        ("s1", "w1", [_page_of([]), b'{"records": [{"id": "p1", "joinTime": "yesterday"}]}'])
    ]
    with pytest.raises(BadDataError, match="joinTime"):
        frames.participants_frame_from_session_pages(sessions)
