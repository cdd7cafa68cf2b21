"""Every column of each frame from a full record, and the declared schemas and enums."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from polars.testing import assert_frame_equal

from tests.support.frame_records import (
    PARTICIPANT,
    RECORDING,
    REGISTRANT,
    SESSION,
    WEBINAR,
    build,
    expected,
    utc,
)
from webinar_insights import schemas


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
